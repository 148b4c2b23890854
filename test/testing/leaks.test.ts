import { afterEach, describe, expect, it } from 'vitest';
import {
  allocTagged,
  createArena,
  createObjectPool,
  createPool,
  freeTagged,
  isDebugMode,
  MemTag,
  setDebugMode,
  withArena,
} from '../../runtime/index.js';
import {
  assertNoLeaksSince,
  captureBaseline,
  expectNoLeaks,
  findLeaks,
  LeakError,
} from '../../runtime/testing/index.js';

afterEach(() => setDebugMode(false));

describe('findLeaks', () => {
  it('reports an arena created since the baseline and not destroyed, with its creation site', () => {
    setDebugMode(true);
    const baseline = captureBaseline();
    const arena = createArena(1024, 'request', { tag: MemTag.Parse });
    arena.alloc(24);
    arena.alloc(40);
    const leaks = findLeaks(baseline);
    expect(leaks).toHaveLength(1);
    expect(leaks[0]).toMatchObject({ kind: 'arena', owner: 'request', tag: 'Parse', bytes: 64, count: 2 });
    expect(leaks[0]?.site).toMatch(/leaks\.test\.ts/);
    arena.destroy();
    expect(findLeaks(baseline)).toEqual([]);
  });

  it('does not report owners that existed before the baseline, nor arena allocations in them', () => {
    const arena = createArena(1024, 'long-lived');
    const baseline = captureBaseline();
    arena.alloc(100);
    expect(findLeaks(baseline)).toEqual([]);
    arena.destroy();
  });

  it('reports handles taken from an older pool and not returned, grouped by allocation site', () => {
    const pool = createPool(32, 8, 'edges', { tag: MemTag.Edge });
    const kept = pool.alloc();
    setDebugMode(true);
    const baseline = captureBaseline();
    const taken = Array.from({ length: 3 }, () => pool.alloc());
    const other = pool.alloc();
    pool.free(taken[0]!);
    const leaks = findLeaks(baseline);
    expect(leaks).toEqual([
      expect.objectContaining({ kind: 'poolHandles', owner: 'edges', tag: 'Edge', bytes: 64, count: 2 }),
      expect.objectContaining({ kind: 'poolHandles', owner: 'edges', tag: 'Edge', bytes: 32, count: 1 }),
    ]);
    expect(leaks[0]?.site).toMatch(/leaks\.test\.ts:\d+:\d+/);
    expect(leaks[0]?.site).not.toBe(leaks[1]?.site);
    pool.free(other!);
    pool.free(taken[1]!);
    pool.free(taken[2]!);
    expect(findLeaks(baseline)).toEqual([]);
    // The handle taken before the baseline is not this test's business.
    expect(kept).not.toBeNull();
    pool.destroy();
  });

  it('reports allocTagged allocations not freed, each with size and tag', () => {
    const baseline = captureBaseline();
    const a = allocTagged(100, MemTag.Cache);
    const b = allocTagged(7, MemTag.Temp);
    freeTagged(a, MemTag.Cache);
    expect(findLeaks(baseline)).toEqual([{ kind: 'tagged', owner: '', tag: 'Temp', bytes: 7, count: 1, site: null }]);
    freeTagged(b, MemTag.Temp);
    expect(findLeaks(baseline)).toEqual([]);
  });

  it('reports object pools', () => {
    const baseline = captureBaseline();
    const pool = createObjectPool(() => ({ x: 0 }), 4, 'points');
    pool.alloc();
    expect(findLeaks(baseline)).toEqual([expect.objectContaining({ kind: 'objectPool', owner: 'points', count: 1 })]);
    pool.destroy();
  });

  it('assertNoLeaksSince throws a LeakError with the report', () => {
    const baseline = captureBaseline();
    const arena = createArena(64, 'forgotten');
    expect(() => assertNoLeaksSince(baseline, 'the handler')).toThrow(/1 leak in the handler .*\n.*arena "forgotten" \(tag General\) was never destroyed/);
    arena.destroy();
    assertNoLeaksSince(baseline);
  });
});

describe('expectNoLeaks', () => {
  it('returns the value of clean code', () => {
    expect(expectNoLeaks(() => withArena(256, 'scoped', (arena) => arena.sizeOf(arena.alloc(10))))).toBe(10);
  });

  it('throws a LeakError naming the leaked arena and where it was created (debug mode on during fn)', () => {
    let leaked: ReturnType<typeof createArena> | undefined;
    let thrown: unknown;
    try {
      expectNoLeaks(() => {
        leaked = createArena(128, 'leaky');
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LeakError);
    expect((thrown as LeakError).message).toMatch(/arena "leaky" \(tag General\) was never destroyed[\s\S]*created at:[\s\S]*leaks\.test\.ts/);
    expect(isDebugMode()).toBe(false);
    leaked?.destroy();
  });

  it('checks the error path too: a throw that leaks becomes a LeakError with the cause', () => {
    const pool = createPool(16, 2, 'p');
    let thrown: unknown;
    try {
      void expectNoLeaks(() => {
        pool.alloc();
        throw new Error('boom');
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LeakError);
    expect((thrown as Error).cause).toEqual(new Error('boom'));
    pool.destroy();
    // A throw that leaks nothing is rethrown as is.
    expect(() => expectNoLeaks(() => { throw new RangeError('plain'); })).toThrow(RangeError);
  });

  it('works for async functions', async () => {
    await expect(
      expectNoLeaks(async () => {
        const arena = createArena(64, 'async-clean');
        await Promise.resolve();
        arena.destroy();
        return 'ok';
      }),
    ).resolves.toBe('ok');
    let leaked: ReturnType<typeof createArena> | undefined;
    await expect(
      expectNoLeaks(async () => {
        await Promise.resolve();
        leaked = createArena(64, 'async-leak');
      }),
    ).rejects.toThrow(/arena "async-leak"/);
    leaked?.destroy();
  });
});
