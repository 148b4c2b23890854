import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../../runtime/testing/index.js';
import { observabilityDemo } from '../../scripts/demo-observability.js';

describe('observabilityDemo', () => {
  it('prints the report, heatmap, metrics, pressure and prediction, writes the SVG, and leaks nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arena-obs-demo-'));
    try {
      const lines: string[] = [];
      const svgPath = join(dir, 'heatmap.svg');
      const result = expectNoLeaks(() => observabilityDemo({ svgPath, log: (line) => lines.push(line), batches: 12 }), { debug: false });
      const output = lines.join('\n');
      expect(readFileSync(svgPath, 'utf8')).toMatch(/^<svg [\s\S]*>Edge<[\s\S]*<\/svg>\n$/);
      expect(output).toMatch(/Memory by tag[\s\S]*Live arenas and pools/);
      expect(output).toContain('arena_current_bytes{tag="Cache"}');
      // The cache grows every batch, so the predictor sees growth and gives a time.
      expect(result.prediction.status).toBe('growing');
      expect(output).toMatch(/OOM prediction .*: growing .* budget reached in ~/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
