// N workers x M operations on one shared pool at once. Invariants: no slot is held by two holders
// at once (each holder stamps its slot and checks the stamp before freeing), none is lost (after
// the run exactly `capacity` allocations succeed), and stale and double frees are caught across
// workers, including two workers racing to free the same handles.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSharedPool, type Handle, type SharedPool } from '../../runtime/index.js';
import { codeOf } from './helpers.js';
import { makeRuntimeCopy, runWorkerOnce } from './workers/runtime-copy.js';

const fixture = new URL('./workers/shared-pool-worker.mjs', import.meta.url);
let runtimeUrl: string;
beforeAll(() => {
  runtimeUrl = makeRuntimeCopy('stress');
});

const pools: SharedPool[] = [];
afterEach(() => {
  for (const pool of pools.splice(0)) if (!pool.destroyed) pool.destroy();
});

/** Runs the fixture once with `data` and resolves with its report. */
function runWorker<T>(data: Record<string, unknown>): Promise<T> {
  return runWorkerOnce<T>(fixture, { runtimeUrl, ...data });
}

interface StressReport {
  allocs: number;
  frees: number;
  exhausted: number;
  stampErrors: number;
  kept: number[];
}

const WORKERS = 4;
// Enough to catch a broken free list on 2 cores: with the head CAS replaced by a plain store (and
// the state guard removed), 150k operations per worker lost slots or hit a slot held twice in
// every trial run, 40k in none.
const OPS = 150_000;

/** A start gate: each worker counts itself in and waits for the others, so the runs overlap. */
function barrier(parties: number): SharedArrayBuffer {
  const gate = new SharedArrayBuffer(4);
  new Int32Array(gate)[0] = parties;
  return gate;
}

describe('shared pool under concurrent workers', () => {
  it(`${WORKERS} workers x ${OPS} random allocs/frees: no slot held twice, none lost`, async () => {
    // Fewer slots than the workers want to hold together, so the free list runs empty often.
    const capacity = 48;
    const pool = createSharedPool(16, capacity, 'stress');
    pools.push(pool);
    const descriptor = pool.share();
    const gate = barrier(WORKERS);
    const reports = await Promise.all(
      Array.from({ length: WORKERS }, (_, worker) => runWorker<StressReport>({ descriptor, mode: 'stress', ops: OPS, maxHold: 16, seed: 1000 + worker, worker, barrier: gate })),
    );
    for (const report of reports) {
      expect(report.stampErrors).toBe(0);
      expect(report.allocs).toBe(report.frees);
    }
    const allocs = reports.reduce((sum, report) => sum + report.allocs, 0);
    expect(allocs).toBeGreaterThan(WORKERS * OPS * 0.3);
    // Contention really happened: some allocations found the pool empty.
    expect(reports.reduce((sum, report) => sum + report.exhausted, 0)).toBeGreaterThan(0);
    const stats = pool.stats();
    expect(stats.inUse).toBe(0);
    expect(stats.threads.reduce((sum, row) => sum + row.allocs, 0)).toBe(allocs);
    // None lost, none duplicated: exactly capacity allocations succeed, on distinct slots.
    const all: Handle[] = [];
    for (let handle = pool.alloc(); handle !== null; handle = pool.alloc()) all.push(handle);
    expect(all).toHaveLength(capacity);
    expect(new Set(all.map((handle) => pool.addressOf(handle))).size).toBe(capacity);
  });

  it('handles kept by workers stay theirs; stale frees after the others freed are double frees', async () => {
    const capacity = 64;
    const pool = createSharedPool(16, capacity, 'kept');
    pools.push(pool);
    const descriptor = pool.share();
    const gate = barrier(2);
    const reports = await Promise.all(
      Array.from({ length: 2 }, (_, worker) => runWorker<StressReport>({ descriptor, mode: 'stress', ops: 20_000, maxHold: 12, seed: 77 + worker, worker, keep: true, barrier: gate })),
    );
    const kept = reports.flatMap((report, worker) => report.kept.map((handle) => ({ handle: handle as Handle, worker })));
    expect(pool.inUse).toBe(kept.length);
    // Each kept slot still carries its holder's stamp: nobody else wrote it.
    for (const { handle, worker } of kept) expect(pool.getUint32(handle, 0)).toBe(worker);
    // Worker 0's handles are freed by a third worker; then the main thread's frees are double frees.
    const mine = kept.filter((entry) => entry.worker === 0).map((entry) => entry.handle);
    const freed = await runWorker<{ codes: string[] }>({ descriptor, mode: 'free', handles: mine });
    expect(freed.codes.every((code) => code === 'ok')).toBe(true);
    for (const handle of mine) expect(codeOf(() => pool.free(handle))).toBe('ERR_DOUBLE_FREE');
    for (const { handle } of kept.filter((entry) => entry.worker === 1)) pool.free(handle);
    const all: Handle[] = [];
    for (let handle = pool.alloc(); handle !== null; handle = pool.alloc()) all.push(handle);
    expect(all).toHaveLength(capacity);
  });

  it('two workers racing to free the same 2000 handles: each is freed exactly once, the other free is ERR_DOUBLE_FREE', async () => {
    const capacity = 2000;
    const pool = createSharedPool(8, capacity, 'race');
    pools.push(pool);
    const handles: number[] = [];
    for (let index = 0; index < capacity; index++) handles.push(pool.alloc()!);
    const descriptor = pool.share();
    const [forward, backward] = await Promise.all([
      runWorker<{ codes: string[] }>({ descriptor, mode: 'free', handles }),
      runWorker<{ codes: string[] }>({ descriptor, mode: 'free', handles: [...handles].reverse() }),
    ]);
    const backwardCodes = [...backward.codes].reverse();
    for (let index = 0; index < capacity; index++) {
      expect([forward.codes[index], backwardCodes[index]].sort()).toEqual(['ERR_DOUBLE_FREE', 'ok']);
    }
    expect(pool.inUse).toBe(0);
    const all: Handle[] = [];
    for (let handle = pool.alloc(); handle !== null; handle = pool.alloc()) all.push(handle);
    expect(all).toHaveLength(capacity);
  });
});
