import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allocTagged,
  ArenaError,
  createArena,
  createObjectPool,
  createPool,
  freeTagged,
  isArenaError,
  isDebugMode,
  MemTag,
  setDebugMode,
  type Arena,
  type Handle,
  type Pool,
} from '../../runtime/index.js';
import {
  AllocationFailureSweepError,
  forEachAllocationFailure,
  injectAllocationFailures,
  withAllocationFailures,
} from '../../runtime/testing/index.js';
import { setAllocationGate } from '../../runtime/internal.js';

afterEach(() => setDebugMode(false));

describe('injectAllocationFailures', () => {
  it('fails the n-th allocation: arenas throw ERR_OUT_OF_MEMORY naming the arena and tag', () => {
    const arena = createArena(1024, 'request');
    const injection = injectAllocationFailures({ nth: 2 });
    try {
      arena.alloc(8);
      expect(() => arena.alloc(16, MemTag.Edge)).toThrow(
        expect.objectContaining({ code: 'ERR_OUT_OF_MEMORY', message: expect.stringMatching(/arena "request" \(tag Edge\)/) as unknown }),
      );
      arena.alloc(8);
      expect(injection.failures).toEqual([{ index: 2, kind: 'arena', owner: 'request', tag: 'Edge', size: 16 }]);
      expect(injection.counted).toBe(3);
    } finally {
      injection.stop();
      arena.destroy();
    }
  });

  it('fails every n-th allocation; pools return null, allocTagged throws', () => {
    const pool = createPool(8, 10, 'p');
    const results = withAllocationFailures({ every: 3 }, () => Array.from({ length: 7 }, () => pool.alloc()));
    expect(results.map((handle) => handle === null)).toEqual([false, false, true, false, false, true, false]);
    pool.destroy();
    withAllocationFailures({ every: 1, kind: 'tagged' }, () => {
      expect(() => allocTagged(4, MemTag.Temp)).toThrow(ArenaError);
    });
  });

  it('fails by tag only', () => {
    const objects = createObjectPool(() => ({ id: 0 }), 4, 'objs', { tag: MemTag.Node });
    const arena = createArena(256, 'mixed');
    withAllocationFailures({ tag: MemTag.Node }, (injection) => {
      expect(objects.alloc()).toBeNull();
      expect(() => arena.alloc(8)).not.toThrow();
      expect(() => arena.alloc(8, MemTag.Node)).toThrow(/ERR_OUT_OF_MEMORY/);
      expect(injection.failures.map((f) => f.kind)).toEqual(['objectPool', 'arena']);
    });
    objects.destroy();
    arena.destroy();
  });

  it('seeded random failures replay exactly', () => {
    const run = (): boolean[] => {
      const arena = createArena(4096, 'r');
      const outcome = withAllocationFailures({ probability: 0.3, seed: 99 }, () =>
        Array.from({ length: 50 }, () => {
          try {
            arena.alloc(8);
            return false;
          } catch {
            return true;
          }
        }),
      );
      arena.destroy();
      return outcome;
    };
    const first = run();
    expect(first.some(Boolean)).toBe(true);
    expect(first.every(Boolean)).toBe(false);
    expect(run()).toEqual(first);
  });

  it('only one injection at a time, and stop() removes the gate', () => {
    const arena = createArena(64, 'x');
    const injection = injectAllocationFailures({ every: 1 });
    expect(() => injectAllocationFailures({ nth: 1 })).toThrow(/another failure injection is active/);
    injection.stop();
    expect(injection.active).toBe(false);
    expect(() => arena.alloc(8)).not.toThrow();
    arena.destroy();
  });

  it('refuses to replace an allocation gate installed by someone else', () => {
    setAllocationGate(() => false);
    try {
      expect(() => injectAllocationFailures({ nth: 1 })).toThrow(/allocation gate is already installed/);
    } finally {
      setAllocationGate(null);
    }
  });

  it('withAllocationFailures removes the injection after an async function settles', async () => {
    const arena = createArena(64, 'async');
    await expect(
      withAllocationFailures({ every: 1 }, async () => {
        await Promise.resolve();
        arena.alloc(8);
      }),
    ).rejects.toThrow(/ERR_OUT_OF_MEMORY/);
    expect(() => arena.alloc(8)).not.toThrow();
    arena.destroy();
  });
});

// --- a small realistic workload -----------------------------------------------------------------
// Parses "from->to" lines into a pool of 16-byte edge records, using an arena for scratch and a
// tagged buffer for the output index. On any failure it must give everything back.
interface EdgeIndex {
  readonly pool: Pool;
  readonly edges: Handle[];
  readonly index: Handle;
  dispose(): void;
}

function buildEdgeIndex(lines: readonly string[], leakOnFailure = false): EdgeIndex | null {
  const pool = createPool(16, lines.length, 'edges', { tag: MemTag.Edge });
  const scratch: Arena = createArena(64, 'parse scratch', { tag: MemTag.Parse });
  const edges: Handle[] = [];
  let index: Handle | null = null;
  try {
    for (const line of lines) {
      const [from = '', to = ''] = line.split('->');
      const key = scratch.alloc(from.length + to.length + 1); // scratch copy of the key
      scratch.bytes(key).fill(1);
      const edge = pool.alloc();
      if (edge === null) throw new ArenaError('ERR_OUT_OF_MEMORY', `no room for edge ${line}`);
      pool.bytes(edge)[0] = from.length;
      edges.push(edge);
    }
    index = allocTagged(edges.length * 4 + 1, MemTag.Cache);
    scratch.destroy();
    const built = index;
    return {
      pool,
      edges,
      index: built,
      dispose() {
        freeTagged(built, MemTag.Cache);
        pool.destroy();
      },
    };
  } catch (error) {
    if (!leakOnFailure) {
      scratch.destroy();
      pool.destroy();
    } else if (edges.length < 2) {
      // The bug the sweep must find: one failure path forgets the scratch arena.
      scratch.destroy();
      pool.destroy();
    }
    if (isArenaError(error, 'ERR_OUT_OF_MEMORY')) return null;
    throw error;
  }
}

const lines = ['a->b', 'b->c', 'c->a', 'a->d'];

describe('forEachAllocationFailure', () => {
  it('fails each allocation of a correct workload in turn and finds no leak', () => {
    let invariantChecks = 0;
    const sweep = forEachAllocationFailure(
      () => {
        const built = buildEdgeIndex(lines);
        if (built !== null) {
          expect(built.edges).toHaveLength(4);
          built.dispose();
        }
      },
      {
        check: () => {
          invariantChecks++;
          // Invariant: every Edge/Parse/Cache byte is given back after each run.
          expect(isDebugMode()).toBe(true);
        },
      },
    );
    // 4 scratch allocs + 4 pool allocs + 1 tagged alloc.
    expect(sweep.allocations).toBe(9);
    expect(sweep.runs.map((run) => run.outcome)).toEqual([...Array<string>(9).fill('recovered'), 'clean']);
    expect(sweep.runs.map((run) => run.failure?.kind ?? 'none')).toEqual([
      'arena', 'pool', 'arena', 'pool', 'arena', 'pool', 'arena', 'pool', 'tagged', 'none',
    ]);
    expect(invariantChecks).toBe(10);
    expect(isDebugMode()).toBe(false);
  });

  it('finds the failure path that leaks, naming the run, the failed allocation and the leaked arena', () => {
    let thrown: unknown;
    try {
      forEachAllocationFailure(() => {
        buildEdgeIndex(lines, true)?.dispose();
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AllocationFailureSweepError);
    const sweepError = thrown as AllocationFailureSweepError;
    // Allocations alternate scratch, pool per line; run 5 fails the third scratch allocation, the
    // first failure with two edges built, which takes the buggy path.
    expect(sweepError.run).toBe(5);
    expect(sweepError.message).toMatch(/run 5, allocation #5 \(arena "parse scratch", tag Parse, 3 bytes\) failed/);
    expect(sweepError.message).toMatch(/arena "parse scratch" \(tag Parse\) was never destroyed/);
    expect(sweepError.message).toMatch(/pool "edges" \(tag Edge\) was never destroyed/);
    expect(sweepError.message).toMatch(/created at:\n\s+at buildEdgeIndex/);
  });

  it('reports an error thrown with no injected failure as a real bug', () => {
    expect(() =>
      forEachAllocationFailure(() => {
        throw new TypeError('not an allocation problem');
      }),
    ).toThrow(/run 1 \(no failure injected\): the code threw with no injected failure: TypeError/);
  });

  it('rejects errors the caller says are unexpected', () => {
    const arena = createArena(64, 'a');
    expect(() =>
      forEachAllocationFailure(() => arena.alloc(8), {
        isExpectedError: (error) => isArenaError(error, 'ERR_USE_AFTER_FREE'),
      }),
    ).toThrow(/run 1, allocation #1 .* failed: unexpected error: ArenaError: ERR_OUT_OF_MEMORY/);
    arena.destroy();
  });

  it('reports a broken invariant with the run it broke on', () => {
    const arena = createArena(64, 'counter');
    let successes = 0;
    expect(() =>
      forEachAllocationFailure(
        () => {
          arena.alloc(8);
          arena.alloc(8);
          successes++;
        },
        {
          check: (run) => {
            if (run === 2 && successes === 0) throw new Error('counter not updated');
          },
        },
      ),
    ).toThrow(/run 2, allocation #2 .* failed: invariant check failed: counter not updated/);
    arena.destroy();
  });

  it('sweeps async code', async () => {
    const sweep = await forEachAllocationFailure(async () => {
      const arena = createArena(64, 'async-sweep');
      try {
        arena.alloc(8);
        await Promise.resolve();
        arena.alloc(8);
      } finally {
        arena.destroy();
      }
    });
    expect(sweep.allocations).toBe(2);
    expect(sweep.runs.map((run) => run.outcome)).toEqual(['threw', 'threw', 'clean']);
    expect(isDebugMode()).toBe(false);
  });

  it('`only` restricts the sweep to one tag', () => {
    const sweep = forEachAllocationFailure(() => buildEdgeIndex(lines)?.dispose(), { only: { tag: MemTag.Edge } });
    expect(sweep.allocations).toBe(4);
    expect(sweep.runs.every((run) => run.failure === null || run.failure.tag === 'Edge')).toBe(true);
  });

  it('the k-th run fails exactly the k-th allocation of a random workload (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 12 }), (sizes) => {
        const arena = createArena(256, 'prop');
        const seen: number[][] = [];
        const sweep = forEachAllocationFailure(() => {
          const made: number[] = [];
          seen.push(made);
          for (const size of sizes) {
            try {
              arena.alloc(size);
              made.push(size);
            } catch {
              made.push(-size);
            }
          }
        });
        arena.destroy();
        expect(sweep.allocations).toBe(sizes.length);
        seen.forEach((made, run) => {
          made.forEach((value, index) => expect(value < 0).toBe(index === run));
        });
      }),
      { numRuns: 100 },
    );
  });
});

