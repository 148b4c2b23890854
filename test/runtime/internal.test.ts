import { afterEach, describe, expect, it } from 'vitest';
import { ArenaError, MemTag, allocTagged, createArena, createObjectPool, createPool, defineTag, freeTagged, getStats, setDebugMode } from '../../runtime/index.js';
import {
  getPeakAt,
  getSizeClassCounts,
  getTrackedBytes,
  liveOwnerInfo,
  liveTaggedAllocations,
  resetStatCounters,
  setAllocationGate,
  setPressureHook,
  sizeClassOf,
  type AllocationRequest,
  type PressureEvent,
} from '../../runtime/internal.js';

afterEach(() => {
  setAllocationGate(null);
  setPressureHook(0, null);
  setDebugMode(false);
});

describe('live owner registry', () => {
  it('lists arenas, pools and object pools until destroyed, with usage', () => {
    const arena = createArena(128, 'registry-arena', { tag: MemTag.Parse });
    const pool = createPool(16, 4, 'registry-pool', { tag: MemTag.Edge });
    const objects = createObjectPool(() => ({}), 2, 'registry-objects', { bytesPerObject: 24 });
    arena.alloc(10);
    arena.alloc(20);
    pool.alloc();
    objects.alloc();
    const byName = new Map(liveOwnerInfo().map((owner) => [owner.name, owner]));
    expect(byName.get('registry-arena')).toMatchObject({ kind: 'arena', tag: MemTag.Parse, bytesInUse: 30, liveAllocations: 2, peakBytes: 30 });
    expect(byName.get('registry-pool')).toMatchObject({ kind: 'pool', tag: MemTag.Edge, bytesInUse: 16, liveAllocations: 1 });
    expect(byName.get('registry-objects')).toMatchObject({ kind: 'objectPool', bytesInUse: 24, liveAllocations: 1 });
    expect(byName.get('registry-arena')!.creationSite).toBeUndefined();
    arena.reset();
    expect(liveOwnerInfo().find((owner) => owner.name === 'registry-arena')).toMatchObject({ bytesInUse: 0, liveAllocations: 0, peakBytes: 30 });
    arena.destroy();
    pool.destroy();
    objects.destroy();
    expect(liveOwnerInfo().map((owner) => owner.name)).not.toContain('registry-arena');
    expect(liveOwnerInfo().filter((owner) => owner.name.startsWith('registry-'))).toEqual([]);
  });

  it('records the creation site in debug mode and the time of each owner peak', () => {
    setDebugMode(true);
    const before = performance.now();
    using arena = createArena(64, 'sited');
    arena.alloc(8);
    const info = liveOwnerInfo().find((owner) => owner.name === 'sited')!;
    expect(info.creationSite).toMatch(/internal\.test\.ts/);
    expect(info.peakAt).toBeGreaterThanOrEqual(before);
    expect(info.peakAt).toBeLessThanOrEqual(performance.now());
  });

  it('lists live tagged allocations with tag, size and (debug) site', () => {
    setDebugMode(true);
    const handle = allocTagged(77, MemTag.Cbor);
    const entry = liveTaggedAllocations().find((allocation) => allocation.handle === handle);
    expect(entry).toMatchObject({ tag: MemTag.Cbor, size: 77 });
    expect(entry?.site).toMatch(/internal\.test\.ts/);
    freeTagged(handle, MemTag.Cbor);
    expect(liveTaggedAllocations().some((allocation) => allocation.handle === handle)).toBe(false);
  });
});

describe('allocation gate', () => {
  it('sees every allocation request and fails the ones it refuses', () => {
    const requests: AllocationRequest[] = [];
    setAllocationGate((request) => {
      requests.push(request);
      return request.size === 13;
    });
    using arena = createArena(64, 'gated', { tag: MemTag.Temp });
    using pool = createPool(13, 2, 'gated-pool');
    using objects = createObjectPool(() => ({}), 2, 'gated-objects', { bytesPerObject: 13 });
    expect(arena.isLive(arena.alloc(8))).toBe(true);
    expect(() => arena.alloc(13)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_MEMORY' }));
    expect(pool.alloc()).toBeNull();
    expect(objects.alloc()).toBeNull();
    expect(() => allocTagged(13, MemTag.General)).toThrow(ArenaError);
    expect(requests).toEqual([
      { kind: 'arena', owner: 'gated', tag: MemTag.Temp, size: 8 },
      { kind: 'arena', owner: 'gated', tag: MemTag.Temp, size: 13 },
      { kind: 'pool', owner: 'gated-pool', tag: MemTag.General, size: 13 },
      { kind: 'objectPool', owner: 'gated-objects', tag: MemTag.General, size: 13 },
      { kind: 'tagged', owner: 'tagged heap', tag: MemTag.General, size: 13 },
    ]);
    // Refused allocations leave no trace.
    expect(arena.used).toBe(8);
    expect(pool.inUse).toBe(0);
    setAllocationGate(null);
    expect(pool.alloc()).not.toBeNull();
  });
});

describe('pressure hook', () => {
  it('fires once when tracked bytes cross the threshold and re-arms after they drop', () => {
    const events: PressureEvent[] = [];
    const base = getTrackedBytes();
    setPressureHook(base + 100, (event) => events.push(event));
    using arena = createArena(1024, 'pressure', { tag: MemTag.Cache });
    arena.alloc(60);
    expect(events).toHaveLength(0);
    arena.alloc(60);
    expect(events).toEqual([{ trackedBytes: base + 120, threshold: base + 100, tag: MemTag.Cache }]);
    arena.alloc(60);
    expect(events).toHaveLength(1); // still above: no repeat
    arena.reset();
    arena.alloc(200);
    expect(events).toHaveLength(2);
    expect(getTrackedBytes()).toBe(base + 200);
  });

  it('does not fire for an allocation made while already above the threshold when installed', () => {
    const events: PressureEvent[] = [];
    const handle = allocTagged(500, MemTag.Temp);
    setPressureHook(getTrackedBytes() - 100, (event) => events.push(event));
    const second = allocTagged(10, MemTag.Temp);
    expect(events).toHaveLength(0);
    freeTagged(handle, MemTag.Temp);
    freeTagged(second, MemTag.Temp);
    const third = allocTagged(1000, MemTag.Temp);
    expect(events).toHaveLength(1);
    freeTagged(third, MemTag.Temp);
  });

  it('rejects a bad threshold', () => {
    expect(() => setPressureHook(NaN, () => undefined)).toThrow(ArenaError);
    expect(() => setPressureHook(-1, () => undefined)).toThrow(ArenaError);
  });
});

describe('per-tag peaks and size classes', () => {
  it('size classes count allocations in power-of-two buckets per tag', () => {
    expect([1, 2, 3, 4, 5, 8, 9, 16, 17, 1024, 1025].map(sizeClassOf)).toEqual([0, 1, 2, 2, 3, 3, 4, 4, 5, 10, 11]);
    const tag = defineTag('classes');
    using arena = createArena(4096, 'classes', { tag });
    for (const size of [1, 16, 16, 17, 1000]) arena.alloc(size);
    const counts = getSizeClassCounts(tag);
    expect(counts).toHaveLength(33);
    expect(counts[0]).toBe(1);
    expect(counts[4]).toBe(2);
    expect(counts[5]).toBe(1);
    expect(counts[10]).toBe(1);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(5);
  });

  it('size classes of long runs released by a reset are exact, whatever the run length', () => {
    const tag = defineTag('long-run-classes');
    using arena = createArena(1 << 16, 'long-run-classes', { tag });
    const expected = new Array<number>(33).fill(0);
    // Runs of 32 and more take the laned count; lengths that are not multiples of 4 leave a tail.
    for (const length of [32, 33, 34, 35, 101]) {
      for (let index = 0; index < length; index++) {
        const size = 1 + ((index * 37 + length) % 300);
        arena.alloc(size);
        expected[sizeClassOf(size)]!++;
      }
      arena.reset();
      expect(getSizeClassCounts(tag)).toEqual(expected);
    }
  });

  it('pending arena charges stay exact across padding, chunk changes, other tags and resets', () => {
    const tag = defineTag('pending-exact');
    const other = defineTag('pending-other');
    const last = defineTag('pending-last');
    using arena = createArena(256, 'pending-exact', { tag });
    let live = 0;
    let peak = 0;
    let allocs = 0;
    for (let round = 0; round < 3; round++) {
      for (let index = 0; index < 200; index++) {
        const size = 1 + ((index * 29 + round) % 90);
        // Aligned allocations leave padding; small chunks force chunk changes with charges pending.
        if (index % 7 === 0) arena.allocAligned(size, 64);
        else arena.alloc(size);
        live += size;
        allocs++;
        if (index % 50 === 49) arena.alloc(8, other);
        if (index % 50 === 49) arena.alloc(size);
        if (index % 50 === 49) {
          live += size;
          allocs++;
        }
        if (index % 13 === 0) expect(getStats(tag).currentBytes).toBe(live);
      }
      peak = Math.max(peak, live);
      // The generation's only run of `last`: a read flushes it mid-run, and what is allocated after
      // the read is still pending when the reset charges and releases the run.
      arena.alloc(100, last);
      expect(getStats(last).currentBytes).toBe(100);
      arena.alloc(1, last);
      arena.reset();
      expect(getStats(last)).toMatchObject({ currentBytes: 0, peakBytes: 101, totalAllocs: 2 * (round + 1) });
      live = 0;
      expect(getStats(tag)).toMatchObject({ currentBytes: 0, peakBytes: peak, totalAllocs: allocs, totalFrees: allocs, allocCount: 0 });
    }
  });

  it('peakAt is the time the peak was reached, and does not move for lower usage', () => {
    const tag = defineTag('peaks');
    expect(getPeakAt(tag)).toBe(0);
    const before = performance.now();
    const big = allocTagged(4096, tag);
    const reached = getPeakAt(tag);
    expect(reached).toBeGreaterThanOrEqual(before);
    freeTagged(big, tag);
    const small = allocTagged(16, tag);
    expect(getPeakAt(tag)).toBe(reached);
    freeTagged(small, tag);
  });

  it('resetStatCounters zeroes totals and lowers peaks to current usage', () => {
    const tag = defineTag('resettable');
    const kept = allocTagged(10, tag);
    const dropped = allocTagged(90, tag);
    freeTagged(dropped, tag);
    resetStatCounters();
    expect(getStats(tag)).toEqual({ currentBytes: 10, peakBytes: 10, totalAllocs: 0, totalFrees: 0, allocCount: 1 });
    expect(getSizeClassCounts(tag).every((count) => count === 0)).toBe(true);
    freeTagged(kept, tag);
    expect(getStats(tag)).toMatchObject({ currentBytes: 0, totalFrees: 1, allocCount: 0 });
  });
});
