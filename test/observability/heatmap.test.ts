import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildHeatmapMatrix,
  compactCount,
  escapeXml,
  heatColor,
  heatIntensity,
  powerOfTwoLabel,
  renderHeatmapSvg,
  renderHeatmapText,
  sizeClassLabel,
  sizeClassOf,
  sizeClassRange,
} from '../../runtime/observability/heatmap.js';

describe('sizeClassOf', () => {
  it('maps sizes to the exponent of the next power of two', () => {
    expect([1, 2, 3, 4, 5, 8, 9, 16, 17, 1024, 1025].map(sizeClassOf)).toEqual([0, 1, 2, 2, 3, 3, 4, 4, 5, 10, 11]);
    expect(sizeClassOf(2 ** 31)).toBe(31);
    expect(sizeClassOf(2 ** 31 + 1)).toBe(32);
    expect(sizeClassOf(2 ** 40)).toBe(40);
  });

  it('every size lies in the range of its class (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 45 }), (size) => {
        const range = sizeClassRange(sizeClassOf(size));
        expect(size).toBeGreaterThanOrEqual(range.min);
        expect(size).toBeLessThanOrEqual(range.max);
      }),
    );
  });

  it('rejects sizes below 1 and non-finite sizes', () => {
    for (const bad of [0, -1, NaN, Infinity]) expect(() => sizeClassOf(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});

describe('labels and scales', () => {
  it('labels powers of two compactly', () => {
    expect([0, 4, 9, 10, 11, 20, 31].map(powerOfTwoLabel)).toEqual(['1', '16', '512', '1K', '2K', '1M', '2G']);
    expect(sizeClassLabel(6)).toBe('≤64');
  });

  it('compacts counts to fit a cell', () => {
    expect([0, 7, 999, 1000, 1234, 12_345, 999_600, 2_500_000].map(compactCount)).toEqual([
      '0', '7', '999', '1k', '1.2k', '12k', '1M', '2.5M',
    ]);
  });

  it('intensity is 0 for empty cells, 1 at the maximum, monotone between', () => {
    expect(heatIntensity(0, 100)).toBe(0);
    expect(heatIntensity(100, 100)).toBe(1);
    expect(heatIntensity(10, 100)).toBeLessThan(heatIntensity(11, 100));
    // Log scale: a cell with 1% of the maximum still shows clearly.
    expect(heatIntensity(10_000, 1_000_000)).toBeGreaterThan(0.6);
    expect(heatColor(0)).toBe('#f2f2f2');
    expect(heatColor(1)).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('escapes XML special characters', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  });
});

describe('buildHeatmapMatrix', () => {
  const entries = [
    { tag: 'edge', sizeClass: 5, count: 900 },
    { tag: 'edge', sizeClass: 5, count: 100 },
    { tag: 'parse', sizeClass: 8, count: 3 },
    { tag: 'node', sizeClass: 4, count: 40 },
    { tag: 'temp', sizeClass: 6, count: 0 },
  ];

  it('fills a contiguous column range and orders rows by total', () => {
    const matrix = buildHeatmapMatrix(entries);
    expect(matrix.sizeClasses).toEqual([4, 5, 6, 7, 8]);
    expect(matrix.tags).toEqual(['edge', 'node', 'parse']);
    expect(matrix.counts).toEqual([
      [0, 1000, 0, 0, 0],
      [40, 0, 0, 0, 0],
      [0, 0, 0, 0, 3],
    ]);
    expect(matrix.maxCount).toBe(1000);
    expect(matrix.total).toBe(1043);
  });

  it('honours a tag order and a widened range', () => {
    const matrix = buildHeatmapMatrix(entries, { tagOrder: ['parse', 'missing'], minSizeClass: 3, maxSizeClass: 9 });
    expect(matrix.tags).toEqual(['parse', 'edge', 'node']);
    expect(matrix.sizeClasses).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it('rejects bad classes and counts', () => {
    expect(() => buildHeatmapMatrix([{ tag: 'x', sizeClass: -1, count: 1 }])).toThrow(/size class/);
    expect(() => buildHeatmapMatrix([{ tag: 'x', sizeClass: 1.5, count: 1 }])).toThrow(/size class/);
    expect(() => buildHeatmapMatrix([{ tag: 'x', sizeClass: 1, count: -2 }])).toThrow(/count for tag "x"/);
  });

  it('the matrix total equals the sum of entries (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ tag: fc.constantFrom('a', 'b', 'c'), sizeClass: fc.integer({ min: 0, max: 20 }), count: fc.nat(1000) })),
        (list) => {
          const matrix = buildHeatmapMatrix(list);
          const sum = list.reduce((s, e) => s + e.count, 0);
          expect(matrix.total).toBe(sum);
          expect(matrix.counts.flat().reduce((s, c) => s + c, 0)).toBe(sum);
          expect(matrix.counts.every((row) => row.length === matrix.sizeClasses.length)).toBe(true);
        },
      ),
    );
  });
});

describe('renderHeatmapText', () => {
  it('draws one row per tag with counts under the right size class', () => {
    const text = renderHeatmapText(
      buildHeatmapMatrix([
        { tag: 'edge', sizeClass: 5, count: 1000 },
        { tag: 'node', sizeClass: 4, count: 40 },
      ]),
    );
    const lines = text.trimEnd().split('\n');
    expect(lines[1]).toBe('tag  │   ≤16   ≤32 │ total');
    expect(lines[3]).toBe('edge │     ·   █1k │ 1k');
    // 40 of 1000 on the log scale lands in the third shade.
    expect(lines[4]).toBe('node │   ▓40     · │ 40');
    expect(lines[5]).toMatch(/^legend .* max 1k, total 1k$/);
  });

  it('says so when nothing was allocated', () => {
    expect(renderHeatmapText(buildHeatmapMatrix([]))).toMatch(/no allocations recorded/);
  });
});

describe('renderHeatmapSvg', () => {
  const matrix = buildHeatmapMatrix([
    { tag: 'edge<&>', sizeClass: 5, count: 1000 },
    { tag: 'node', sizeClass: 4, count: 40 },
  ]);
  const svg = renderHeatmapSvg(matrix, { title: 'T' });

  it('is well-formed: balanced tags, escaped text, one rect per cell', () => {
    expect(svg.startsWith("<svg xmlns='http://www.w3.org/2000/svg'")).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('edge&lt;&amp;&gt;');
    expect(svg).not.toContain('edge<&>');
    const opened = (svg.match(/<(rect|text|title|svg)\b/g) ?? []).length;
    const closed = (svg.match(/<\/(rect|text|title|svg)>|\/>/g) ?? []).length;
    expect(opened).toBe(closed);
    const cellRects = svg.match(/<rect [^>]*stroke='#ffffff'/g) ?? [];
    expect(cellRects).toHaveLength(matrix.tags.length * matrix.sizeClasses.length);
  });

  it('labels rows, columns and counts', () => {
    for (const text of ['>node<', '>≤16<', '>≤32<', '>1k<', '>40<']) expect(svg).toContain(text);
  });
});
