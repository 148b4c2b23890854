import { describe, expect, it } from 'vitest';
import { isDebugMode } from '../../runtime/index.js';
import { runtimeDemo } from '../../scripts/demo-runtime.js';

describe('runtime demo', () => {
  it('shows the typed error of a stale read, without sites in production and with them in debug mode', () => {
    const lines: string[] = [];
    const result = runtimeDemo((line) => lines.push(line));
    expect(result.codes).toEqual(['ERR_USE_AFTER_RESET', 'ERR_USE_AFTER_RESET']);
    const output = lines.join('\n');
    const [production, debug] = output.split('runtime, debug mode');
    expect(production).toMatch(/ERR_USE_AFTER_RESET: cannot read handle \d+: arena "request" was reset/);
    expect(production).not.toMatch(/allocated at:/);
    expect(debug).toMatch(/tag Edge/);
    expect(debug).toMatch(/allocated at:\n\s+at parseEdge .*demo-runtime\.ts/);
    expect(debug).toMatch(/reset at:\n\s+at staleRead .*demo-runtime\.ts/);
    expect(isDebugMode()).toBe(false); // restored
  });
});
