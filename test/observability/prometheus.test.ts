import { describe, expect, it } from 'vitest';
import {
  escapeHelp,
  escapeLabelValue,
  formatSampleValue,
  MetricsFormatError,
  renderExposition,
  sanitizeMetricName,
} from '../../runtime/observability/prometheus.js';
import type { MemorySnapshot } from '../../runtime/observability/snapshot.js';
import { renderPrometheus, snapshotToJson } from '../../runtime/observability/snapshot.js';
import { parseExposition } from './exposition-parser.js';

const snapshot: MemorySnapshot = {
  version: 1,
  takenAt: Date.UTC(2026, 10, 26, 5, 30),
  trackedBytes: 4096 + 512,
  debugMode: false,
  tags: [
    { tag: 'edge', currentBytes: 4096, peakBytes: 8192, peakAt: Date.UTC(2026, 10, 26, 5, 29, 1), totalAllocs: 300, totalFrees: 200, allocCount: 100 },
    { tag: 'parse', currentBytes: 512, peakBytes: 512, peakAt: Date.UTC(2026, 10, 26, 5, 29, 30), totalAllocs: 4, totalFrees: 0, allocCount: 4 },
    { tag: 'temp', currentBytes: 0, peakBytes: 0, peakAt: null, totalAllocs: 0, totalFrees: 0, allocCount: 0 },
  ],
  owners: [
    { id: 1, kind: 'arena', name: 'request "42"\\x\n', tag: 'parse', bytesInUse: 512, capacityBytes: 1024, liveCount: 4, peakBytes: 900, peakAt: null, maxBytes: 4096, createdAt: null },
    { id: 2, kind: 'pool', name: 'edges', tag: 'edge', bytesInUse: 4096, capacityBytes: 8192, liveCount: 100, peakBytes: 8192, peakAt: null, maxBytes: null, createdAt: null },
    // Same name as owner 2: the owner_id label keeps their series apart.
    { id: 3, kind: 'pool', name: 'edges', tag: 'edge', bytesInUse: 0, capacityBytes: 8192, liveCount: 0, peakBytes: 0, peakAt: null, maxBytes: null, createdAt: null },
  ],
  sizeClasses: [
    { tag: 'edge', sizeClass: 5, count: 280 },
    { tag: 'edge', sizeClass: 6, count: 20 },
    { tag: 'parse', sizeClass: 7, count: 4 },
  ],
};

describe('renderPrometheus', () => {
  it('produces text that a validating parser accepts, with the per-tag series', () => {
    const families = parseExposition(renderPrometheus(snapshot));
    const current = families.get('arena_current_bytes');
    expect(current?.type).toBe('gauge');
    expect(current?.help).toBe('Bytes currently allocated under the tag.');
    expect(current?.samples).toEqual([
      { name: 'arena_current_bytes', labels: { tag: 'edge' }, value: 4096 },
      { name: 'arena_current_bytes', labels: { tag: 'parse' }, value: 512 },
      { name: 'arena_current_bytes', labels: { tag: 'temp' }, value: 0 },
    ]);
    expect(families.get('arena_allocations_total')?.type).toBe('counter');
    expect(families.get('arena_allocations_total')?.samples.map((s) => s.value)).toEqual([300, 4, 0]);
    expect(families.get('arena_tracked_bytes')?.samples).toEqual([{ name: 'arena_tracked_bytes', labels: {}, value: 4608 }]);
    expect(families.get('arena_peak_timestamp_seconds')?.samples.map((s) => [s.labels.tag, s.value])).toEqual([
      ['edge', Date.UTC(2026, 10, 26, 5, 29, 1) / 1000],
      ['parse', Date.UTC(2026, 10, 26, 5, 29, 30) / 1000],
    ]);
  });

  it('escapes owner names in label values and round-trips them exactly', () => {
    const text = renderPrometheus(snapshot);
    expect(text).toContain('owner="request \\"42\\"\\\\x\\n"');
    const inUse = parseExposition(text).get('arena_owner_bytes_in_use');
    expect(inUse?.samples.map((s) => [s.labels.owner, s.labels.owner_id, s.value])).toEqual([
      ['request "42"\\x\n', '1', 512],
      ['edges', '2', 4096],
      ['edges', '3', 0],
    ]);
    // Only the arena has a budget; owners without one have no max_bytes series.
    expect(parseExposition(text).get('arena_owner_max_bytes')?.samples).toHaveLength(1);
  });

  it('exports size-class counters with the class upper bound as a label', () => {
    const sizes = parseExposition(renderPrometheus(snapshot)).get('arena_size_class_allocations_total');
    expect(sizes?.samples.map((s) => [s.labels.tag, s.labels.size_le, s.value])).toEqual([
      ['edge', '32', 280],
      ['edge', '64', 20],
      ['parse', '128', 4],
    ]);
  });

  it('uses the given prefix, sanitised, and can leave out owners and size classes', () => {
    const text = renderPrometheus(snapshot, { prefix: 'my-app', includeOwners: false, includeSizeClasses: false });
    const names = [...parseExposition(text).keys()];
    expect(names).toContain('my_app_current_bytes');
    expect(names.some((name) => name.includes('owner') || name.includes('size_class'))).toBe(false);
  });

  it('JSON snapshot round-trips', () => {
    expect(JSON.parse(snapshotToJson(snapshot))).toEqual(snapshot);
  });
});

describe('renderExposition rules', () => {
  it('rejects invalid metric and label names', () => {
    expect(() => renderExposition([{ name: '1bad', help: '', type: 'gauge', samples: [] }])).toThrow(MetricsFormatError);
    expect(() => renderExposition([{ name: 'a-b', help: '', type: 'gauge', samples: [] }])).toThrow(/invalid metric name "a-b"/);
    expect(() =>
      renderExposition([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { 'bad-label': 'x' }, value: 1 } ] }]),
    ).toThrow(/invalid label name "bad-label"/);
    expect(() =>
      renderExposition([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { __reserved: 'x' }, value: 1 }] }]),
    ).toThrow(/__/);
  });

  it('rejects a family listed twice and two samples with the same labels', () => {
    const family = { name: 'x', help: 'h', type: 'gauge' as const, samples: [] };
    expect(() => renderExposition([family, family])).toThrow(/listed twice/);
    expect(() =>
      renderExposition([{ name: 'x', help: '', type: 'gauge', samples: [{ labels: { a: '1' }, value: 1 }, { labels: { a: '1' }, value: 2 }] }]),
    ).toThrow(/same labels/);
  });

  it('rejects negative counters', () => {
    expect(() => renderExposition([{ name: 'x_total', help: '', type: 'counter', samples: [{ value: -1 }] }])).toThrow(/>= 0/);
  });

  it('escapes HELP text and label values per the format', () => {
    expect(escapeHelp('a\\b\nc "q"')).toBe('a\\\\b\\nc "q"');
    expect(escapeLabelValue('a\\b\nc "q"')).toBe('a\\\\b\\nc \\"q\\"');
    const text = renderExposition([{ name: 'x', help: 'line1\nline2 \\', type: 'untyped', samples: [{ value: 1 }] }]);
    expect(parseExposition(text).get('x')?.help).toBe('line1\nline2 \\');
  });

  it('formats special values the way Prometheus parses them', () => {
    expect([Infinity, -Infinity, NaN, 1.5, 0, 1e21].map(formatSampleValue)).toEqual(['+Inf', '-Inf', 'NaN', '1.5', '0', '1e+21']);
    const text = renderExposition([{ name: 'x', help: '', type: 'gauge', samples: [{ labels: { a: '1' }, value: Infinity }, { labels: { a: '2' }, value: NaN }] }]);
    const values = parseExposition(text).get('x')?.samples.map((s) => s.value);
    expect(values?.[0]).toBe(Infinity);
    expect(values?.[1]).toBeNaN();
  });

  it('sanitises arbitrary text into a metric name', () => {
    expect(sanitizeMetricName('edge-cache.v2')).toBe('edge_cache_v2');
    expect(sanitizeMetricName('9lives')).toBe('_9lives');
  });

  it('the validating parser itself rejects malformed input', () => {
    expect(() => parseExposition('x{a="1} 1\n')).toThrow();
    expect(() => parseExposition('# TYPE x gauge\n# TYPE x gauge\n')).toThrow(/second TYPE/);
    expect(() => parseExposition('# TYPE x gauge\nx{a="\\q"} 1\n')).toThrow(/bad escape/);
    expect(() => parseExposition('# TYPE x gauge\nx 1\nx 2\n')).toThrow(/duplicate series/);
  });
});
