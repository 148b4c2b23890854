import { describe, expect, it } from 'vitest';
import {
  ArenaError,
  MAX_TAGS,
  MemTag,
  allocTagged,
  createArena,
  createPool,
  defineTag,
  freeTagged,
  getStats,
  isTaggedLive,
  reportStats,
  setStatsEnabled,
  tagName,
  taggedBytes,
  type Tag,
} from '../../runtime/index.js';
import { codeOf } from './helpers.js';

describe('tags', () => {
  it('has the seed built-ins, in the seed order', () => {
    expect(Object.entries(MemTag)).toEqual([
      ['General', 0],
      ['Edge', 1],
      ['Node', 2],
      ['Parse', 3],
      ['Cbor', 4],
      ['Plugin', 5],
      ['Cache', 6],
      ['Temp', 7],
    ]);
    expect(tagName(MemTag.Cbor)).toBe('Cbor');
  });

  it('defineTag is idempotent per name and returns the built-in for a built-in name', () => {
    const first = defineTag('graph.index');
    expect(defineTag('graph.index')).toBe(first);
    expect(tagName(first)).toBe('graph.index');
    expect(defineTag('Edge')).toBe(MemTag.Edge);
    expect(defineTag('other')).not.toBe(first);
  });

  it.each(['', ' ', '1abc', 'has space', 'x'.repeat(65), 'é'])('rejects the name %j', (name) => {
    expect(codeOf(() => defineTag(name))).toBe('ERR_INVALID_TAG');
  });

  it('rejects names that are not strings, and unknown tags', () => {
    expect(codeOf(() => defineTag(3 as unknown as string))).toBe('ERR_INVALID_TAG');
    expect(codeOf(() => tagName(200 as Tag))).toBe('ERR_INVALID_TAG');
    expect(codeOf(() => tagName(-1 as Tag))).toBe('ERR_INVALID_TAG');
    expect(codeOf(() => getStats(1.5 as Tag))).toBe('ERR_INVALID_TAG');
  });
});

describe('tagged heap', () => {
  it('allocates zeroed bytes, counted under the tag until freed with the same tag', () => {
    const tag = defineTag('tagged.test');
    const handle = allocTagged(100, tag);
    const bytes = taggedBytes(handle);
    expect(bytes.length).toBe(100);
    expect(bytes.every((byte) => byte === 0)).toBe(true);
    bytes[0] = 42;
    expect(taggedBytes(handle)[0]).toBe(42);
    expect(getStats(tag)).toEqual({ currentBytes: 100, peakBytes: 100, totalAllocs: 1, totalFrees: 0, allocCount: 1 });
    expect(isTaggedLive(handle)).toBe(true);
    freeTagged(handle, tag);
    expect(isTaggedLive(handle)).toBe(false);
    expect(getStats(tag)).toEqual({ currentBytes: 0, peakBytes: 100, totalAllocs: 1, totalFrees: 1, allocCount: 0 });
  });

  it('freeing with the wrong tag is ERR_INVALID_TAG and frees nothing', () => {
    const handle = allocTagged(10, MemTag.Cbor);
    expect(codeOf(() => freeTagged(handle, MemTag.Parse))).toBe('ERR_INVALID_TAG');
    expect(isTaggedLive(handle)).toBe(true);
    freeTagged(handle, MemTag.Cbor);
  });

  it('stale, foreign and bad handles are typed errors', () => {
    const handle = allocTagged(10, MemTag.Temp);
    freeTagged(handle, MemTag.Temp);
    expect(codeOf(() => freeTagged(handle, MemTag.Temp))).toBe('ERR_DOUBLE_FREE');
    expect(codeOf(() => taggedBytes(handle))).toBe('ERR_USE_AFTER_FREE');
    using arena = createArena(64, 'not-tagged');
    const arenaHandle = arena.alloc(8);
    expect(codeOf(() => freeTagged(arenaHandle, MemTag.General))).toBe('ERR_FOREIGN_HANDLE');
    expect(codeOf(() => taggedBytes(NaN as never))).toBe('ERR_FOREIGN_HANDLE');
    expect(isTaggedLive('1' as never)).toBe(false);
  });

  it.each([0, -1, 0.5, NaN, Infinity])('size %s is ERR_INVALID_SIZE', (size) => {
    expect(codeOf(() => allocTagged(size, MemTag.General))).toBe('ERR_INVALID_SIZE');
  });

  it('sizes past the largest tagged allocation are ERR_OUT_OF_MEMORY', () => {
    expect(codeOf(() => allocTagged(2 ** 32, MemTag.General))).toBe('ERR_OUT_OF_MEMORY');
  });
});

describe('stats', () => {
  it('tracks current, peak, totals and live count across arenas, pools and the tagged heap', () => {
    const tag = defineTag('stats.mixed');
    const arena = createArena(256, 'mixed', { tag });
    const pool = createPool(10, 4, 'mixed', { tag });
    arena.alloc(30);
    const slot = pool.alloc()!;
    const tagged = allocTagged(5, tag);
    expect(getStats(tag)).toEqual({ currentBytes: 45, peakBytes: 45, totalAllocs: 3, totalFrees: 0, allocCount: 3 });
    pool.free(slot);
    freeTagged(tagged, tag);
    arena.destroy();
    pool.destroy();
    expect(getStats(tag)).toEqual({ currentBytes: 0, peakBytes: 45, totalAllocs: 3, totalFrees: 3, allocCount: 0 });
  });

  it('setStatsEnabled(false) skips counting, and later releases do not subtract uncounted memory', () => {
    const tag = defineTag('stats.toggle');
    using arena = createArena(256, 'toggle', { tag });
    arena.alloc(10);
    setStatsEnabled(false);
    try {
      arena.alloc(20);
      expect(getStats(tag).currentBytes).toBe(10);
    } finally {
      setStatsEnabled(true);
    }
    arena.alloc(40);
    expect(getStats(tag)).toMatchObject({ currentBytes: 50, allocCount: 2, totalAllocs: 2 });
    arena.reset();
    expect(getStats(tag)).toMatchObject({ currentBytes: 0, allocCount: 0, totalFrees: 2 });
  });

  it('reportStats gives a readable table of used tags and the rows behind it', () => {
    const tag = defineTag('report.rows');
    const handle = allocTagged(2048, tag);
    const report = reportStats();
    const row = report.rows.find((candidate) => candidate.tag === tag);
    expect(row).toMatchObject({ name: 'report.rows', currentBytes: 2048, allocCount: 1 });
    expect(report.rows.map((candidate) => candidate.tag)).toEqual([...report.rows.keys()]);
    const lines = report.text.split('\n');
    expect(lines[0]).toMatch(/^tag\s+current\s+peak\s+live\s+allocs\s+frees$/);
    expect(lines.find((line) => line.startsWith('report.rows'))).toMatch(/report\.rows\s+2\.0 KiB\s+2\.0 KiB\s+1\s+1\s+0/);
    expect(lines.at(-1)).toMatch(/^total/);
    expect(report.text).not.toMatch(/^Plugin/m); // unused tags are left out of the text
    freeTagged(handle, tag);
  });

  it('allows at most MAX_TAGS tags', () => {
    let error: unknown;
    try {
      for (let index = 0; index <= MAX_TAGS; index++) defineTag(`many${index}`);
    } catch (caught) {
      error = caught;
    }
    expect((error as ArenaError).code).toBe('ERR_INVALID_TAG');
    expect((error as ArenaError).message).toMatch(`all ${MAX_TAGS} tags are in use`);
  });
});
