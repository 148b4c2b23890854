import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatClockTime,
  formatOwnerTable,
  formatTagTable,
  formatTextTable,
  sortTagsByCurrentBytes,
} from '../../runtime/observability/report.js';
import type { OwnerSnapshot, TagSnapshot } from '../../runtime/observability/snapshot.js';
import { formatLeakReport, LeakError, trimSite, type Leak } from '../../runtime/testing/leak-report.js';

const tagRow = (tag: string, currentBytes: number, peakBytes = currentBytes, peakAt: number | null = null): TagSnapshot => ({
  tag,
  currentBytes,
  peakBytes,
  peakAt,
  totalAllocs: currentBytes > 0 || peakBytes > 0 ? 2 : 0,
  totalFrees: 1,
  allocCount: 1,
});

describe('formatBytes / formatClockTime', () => {
  it('uses binary units with one decimal past 1 KiB', () => {
    expect([0, 1023, 1024, 1536, 1024 ** 2 * 5.25, 1024 ** 3 * 3, -2048].map(formatBytes)).toEqual([
      '0 B', '1023 B', '1.0 KiB', '1.5 KiB', '5.3 MiB', '3.0 GiB', '-2.0 KiB',
    ]);
  });

  it('prints UTC clock time with milliseconds', () => {
    expect(formatClockTime(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('03:04:05.006Z');
    expect(formatClockTime(null)).toBe('-');
  });
});

describe('formatTagTable', () => {
  it('sorts by current bytes, largest first, ties by peak then name', () => {
    const sorted = sortTagsByCurrentBytes([tagRow('b', 10), tagRow('a', 10), tagRow('big', 900), tagRow('c', 10, 50)]);
    expect(sorted.map((t) => t.tag)).toEqual(['big', 'c', 'a', 'b']);
  });

  it('renders aligned columns, leaves out tags that never allocated, shows the peak time', () => {
    const table = formatTagTable([
      tagRow('parse', 512, 4096, Date.UTC(2026, 10, 26, 5, 41, 7, 123)),
      tagRow('edge', 2048),
      tagRow('unused', 0, 0),
    ]);
    expect(table).toBe(
      [
        'tag    current     peak  peak at (UTC)  live  allocs  frees',
        '-----  -------  -------  -------------  ----  ------  -----',
        'edge   2.0 KiB  2.0 KiB              -     1       2      1',
        'parse    512 B  4.0 KiB  05:41:07.123Z     1       2      1',
        '',
      ].join('\n'),
    );
    expect(formatTagTable([])).toBe('(no tagged allocations)\n');
  });
});

describe('formatOwnerTable', () => {
  it('lists live owners by bytes in use, with budget', () => {
    const owner = (id: number, name: string, bytesInUse: number, maxBytes: number | null): OwnerSnapshot => ({
      id, kind: id === 2 ? 'pool' : 'arena', name, tag: 'general', bytesInUse, capacityBytes: 4096, liveCount: 3, peakBytes: bytesInUse, peakAt: null, maxBytes, createdAt: null,
    });
    const lines = formatOwnerTable([owner(1, 'small', 10, 8192), owner(2, 'big', 3000, null)]).split('\n');
    expect(lines[0]).toMatch(/^owner\s+kind\s+tag\s+in use\s+capacity\s+budget\s+peak\s+peak at \(UTC\)\s+live$/);
    expect(lines[2]).toMatch(/^big\s+pool\s+general\s+2\.9 KiB\s+4\.0 KiB\s+-\s+2\.9 KiB/);
    expect(lines[3]).toMatch(/^small\s+arena\s+general\s+10 B\s+4\.0 KiB\s+8\.0 KiB/);
    expect(formatOwnerTable([])).toBe('(no live arenas or pools)\n');
  });

  it('formatTextTable right-aligns numeric columns', () => {
    expect(formatTextTable(['a', 'n'], [['x', '1'], ['yy', '100']], ['left', 'right'])).toBe('a     n\n--  ---\nx     1\nyy  100\n');
  });
});

describe('formatLeakReport', () => {
  const leaks: Leak[] = [
    { kind: 'arena', owner: 'request', tag: 'Parse', bytes: 96, count: 3, site: 'at parse (src/parse.ts:10:5)\nat handler (src/server.ts:4:2)' },
    { kind: 'poolHandles', owner: 'edges', tag: 'Edge', bytes: 64, count: 2, site: null },
    { kind: 'tagged', owner: '', tag: 'Cache', bytes: 128, count: 1, site: 'at cache (src/cache.ts:1:1)' },
  ];

  it('names each leak with owner, tag, size and site', () => {
    expect(formatLeakReport(leaks, 'test "loads the graph"')).toBe(
      [
        '3 leaks in test "loads the graph" (288 bytes still held):',
        '  1. arena "request" (tag Parse) was never destroyed: 96 bytes in 3 allocations',
        '     created at:',
        '       at parse (src/parse.ts:10:5)',
        '       at handler (src/server.ts:4:2)',
        '  2. pool "edges" (tag Edge): 2 handles taken and not returned (64 bytes)',
        '     (turn on debug mode to see where it was allocated)',
        '  3. allocTagged(128, Cache) was never freed',
        '     allocated at:',
        '       at cache (src/cache.ts:1:1)',
      ].join('\n'),
    );
  });

  it('LeakError carries the records', () => {
    const error = new LeakError(leaks.slice(0, 1));
    expect(error.leaks).toHaveLength(1);
    expect(error.message).toMatch(/^1 leak in this test \(96 bytes still held\):/);
    expect(formatLeakReport([])).toBe('no leaks in this test');
  });

  it('drops test-runner and Node frames from sites, unless nothing else is left', () => {
    const site = [
      'at /app/test/graph.test.ts:17:19',
      'at file:///app/node_modules/@vitest/runner/dist/chunk-artifact.js:302:11',
      'at new Promise (<anonymous>)',
      'at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      'at load (/app/src/load.ts:3:1)',
    ].join('\n');
    expect(trimSite(site)).toEqual(['at /app/test/graph.test.ts:17:19', 'at load (/app/src/load.ts:3:1)']);
    expect(trimSite('at new Promise (<anonymous>)\nat x (node:internal/y:1:1)')).toEqual(['at new Promise (<anonymous>)']);
  });
});
