import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface PackageJson {
  type: string;
  engines: { node: string };
  exports: Record<string, { types: string; import: string } | string>;
}

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as PackageJson;

describe('package.json', () => {
  it('is ESM with the documented entry points', () => {
    expect(pkg.type).toBe('module');
    expect(Object.keys(pkg.exports)).toEqual(
      expect.arrayContaining(['.', './runtime', './testing', './testing/vitest']),
    );
  });

  it('declares types for every entry point', () => {
    for (const [key, value] of Object.entries(pkg.exports)) {
      if (key === './package.json') continue;
      expect(typeof value === 'object' && value.types.endsWith('.d.ts')).toBe(true);
    }
  });

  it('requires Node >= 20.19', () => {
    expect(pkg.engines.node).toBe('>=20.19');
  });
});
