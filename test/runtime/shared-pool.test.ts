// Shared pools in one thread (unit tests and a fast-check model) and across worker threads
// (attach, cross-thread stale and double frees, destroy elsewhere, bad descriptors, a dying worker).
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ArenaError,
  MAX_SHARED_POOL_CAPACITY,
  MemTag,
  attachSharedPool,
  createPool,
  createSharedPool,
  defineTag,
  type Handle,
  type SharedPool,
  type SharedPoolDescriptor,
} from '../../runtime/index.js';
import { liveOwnerInfo } from '../../runtime/internal.js';
import { takeSnapshot } from '../../runtime/observability/index.js';
import { findLeaks, captureBaseline } from '../../runtime/testing/index.js';
import { caught, codeOf } from './helpers.js';
import { makeRuntimeCopy, runWorkerOnce } from './workers/runtime-copy.js';

const fixture = new URL('./workers/shared-pool-worker.mjs', import.meta.url);
let runtimeUrl: string;
beforeAll(() => {
  runtimeUrl = makeRuntimeCopy('shared');
});

const pools: SharedPool[] = [];
function track(pool: SharedPool): SharedPool {
  pools.push(pool);
  return pool;
}
afterEach(() => {
  for (const pool of pools.splice(0)) if (!pool.destroyed) pool.destroy();
});

/** Runs the fixture once with `data` and resolves with its report. */
function runWorker<T>(data: Record<string, unknown>): Promise<T> {
  return runWorkerOnce<T>(fixture, { runtimeUrl, ...data });
}

describe('shared pool, one thread', () => {
  it('allocates every slot once, returns null when exhausted, and reuses freed slots under new handles', () => {
    const pool = track(createSharedPool(12, 4, 'unit'));
    expect(pool.capacity).toBe(4);
    const handles = [pool.alloc()!, pool.alloc()!, pool.alloc()!, pool.alloc()!];
    expect(new Set(handles).size).toBe(4);
    expect(pool.alloc()).toBeNull();
    expect(pool.inUse).toBe(4);
    const address = pool.addressOf(handles[1]!);
    pool.free(handles[1]!);
    const again = pool.alloc()!;
    expect(pool.addressOf(again)).toBe(address); // LIFO: the slot just freed
    expect(again).not.toBe(handles[1]);
    expect(codeOf(() => pool.getUint8(handles[1]!, 0))).toBe('ERR_USE_AFTER_FREE');
    expect(codeOf(() => pool.free(handles[1]!))).toBe('ERR_DOUBLE_FREE');
    expect(pool.isLive(handles[1]!)).toBe(false);
    expect(pool.isLive(again)).toBe(true);
  });

  it('checked accessors read what was written, little-endian, and refuse out-of-bounds offsets', () => {
    const pool = track(createSharedPool(16, 2, 'access'));
    const handle = pool.alloc()!;
    pool.setUint32(handle, 0, 0x01020304);
    expect(pool.bytes(handle).subarray(0, 4)).toEqual(new Uint8Array([4, 3, 2, 1]));
    pool.setFloat64(handle, 8, Math.PI);
    expect(pool.getFloat64(handle, 8)).toBe(Math.PI);
    pool.setInt16(handle, 4, -2);
    expect(pool.getInt16(handle, 4)).toBe(-2);
    expect(pool.getUint16(handle, 4)).toBe(0xfffe);
    pool.setInt8(handle, 6, -1);
    expect(pool.getUint8(handle, 6)).toBe(255);
    pool.setFloat32(handle, 0, 1.5);
    expect(pool.getFloat32(handle, 0)).toBe(1.5);
    pool.setInt32(handle, 0, -7);
    expect(pool.getInt32(handle, 0)).toBe(-7);
    expect(codeOf(() => pool.getFloat64(handle, 9))).toBe('ERR_OUT_OF_BOUNDS');
    expect(codeOf(() => pool.getUint8(handle, 16))).toBe('ERR_OUT_OF_BOUNDS');
    expect(codeOf(() => pool.setUint32(handle, -1, 0))).toBe('ERR_OUT_OF_BOUNDS');
    expect(codeOf(() => pool.getUint32(handle, 1.5))).toBe('ERR_OUT_OF_BOUNDS');
    const target = pool.read(handle, 8, new Uint8Array(8));
    expect(new DataView(target.buffer).getFloat64(0, true)).toBe(Math.PI);
    pool.write(handle, 0, new Uint8Array([9, 9]));
    expect(pool.getUint16(handle, 0)).toBe(0x0909);
    expect(codeOf(() => pool.write(handle, 15, new Uint8Array(2)))).toBe('ERR_OUT_OF_BOUNDS');
  });

  it('a plain pool\'s handle, a number that is no handle and another shared pool\'s handle are ERR_FOREIGN_HANDLE', () => {
    const shared = track(createSharedPool(8, 4, 'foreign-a'));
    const other = track(createSharedPool(8, 4, 'foreign-b'));
    using plain = createPool(8, 4, 'plain');
    const plainHandle = plain.alloc()!;
    const otherHandle = other.alloc()!;
    shared.alloc();
    for (const handle of [plainHandle, otherHandle, -1, 1.5, Number.NaN, 'x' as unknown as number]) {
      expect(codeOf(() => shared.getUint8(handle as Handle, 0))).toBe('ERR_FOREIGN_HANDLE');
      expect(codeOf(() => shared.free(handle as Handle))).toBe('ERR_FOREIGN_HANDLE');
      expect(shared.isLive(handle as Handle)).toBe(false);
    }
    expect(String((() => { try { shared.bytes(otherHandle); } catch (error) { return error; } })())).toMatch(/foreign-b/);
  });

  it('bad input: sizes, capacity, options and descriptors are ArenaErrors with codes', () => {
    expect(codeOf(() => createSharedPool(0, 4, 'x'))).toBe('ERR_INVALID_SIZE');
    expect(codeOf(() => createSharedPool(8, 0, 'x'))).toBe('ERR_INVALID_SIZE');
    expect(codeOf(() => createSharedPool(8, 2.5, 'x'))).toBe('ERR_INVALID_SIZE');
    expect(codeOf(() => createSharedPool(8, MAX_SHARED_POOL_CAPACITY + 1, 'x'))).toBe('ERR_INVALID_SIZE');
    expect(codeOf(() => createSharedPool(2 ** 30, 4, 'x'))).toBe('ERR_OUT_OF_MEMORY');
    expect(codeOf(() => createSharedPool(8, 4, 42 as unknown as string))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => createSharedPool(8, 4, 'x', { maxThreads: 0 }))).toBe('ERR_INVALID_SIZE');
    expect(codeOf(() => createSharedPool(8, 4, 'x', null as never))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => createSharedPool(8, 4, 'x', { tag: 999 as never }))).toBe('ERR_INVALID_TAG');
    const good = track(createSharedPool(8, 4, 'descriptor')).share();
    const forged: unknown[] = [
      null,
      42,
      {},
      { ...good, kind: 'other' },
      { ...good, version: 2 },
      { ...good, buffer: new ArrayBuffer(4096) },
      { ...good, buffer: new SharedArrayBuffer(64) },
      { ...good, buffer: new SharedArrayBuffer(good.buffer.byteLength) }, // right size, no header
      { ...good, buffer: good.buffer.slice(0, good.buffer.byteLength - 8) },
    ];
    for (const descriptor of forged) expect(codeOf(() => attachSharedPool(descriptor as SharedPoolDescriptor))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('attaching twice in one thread returns the same pool object; a structured clone of the descriptor too', () => {
    const pool = track(createSharedPool(8, 4, 'twice'));
    const descriptor = pool.share();
    expect(attachSharedPool(descriptor)).toBe(pool);
    expect(attachSharedPool(structuredClone(descriptor))).toBe(pool);
  });

  it('destroy makes every later use ERR_ARENA_DESTROYED, and attaching it too', () => {
    const pool = createSharedPool(8, 4, 'gone');
    const handle = pool.alloc()!;
    const descriptor = pool.share();
    pool.destroy();
    expect(pool.destroyed).toBe(true);
    for (const action of [() => pool.alloc(), () => pool.free(handle), () => pool.getUint8(handle, 0), () => pool.bytes(handle), () => pool.destroy(), () => pool.share()]) {
      expect(codeOf(action)).toBe('ERR_ARENA_DESTROYED');
    }
    expect(codeOf(() => attachSharedPool(descriptor))).toBe('ERR_ARENA_DESTROYED');
  });

  it('tags travel by name; stats add up the per-thread rows; leak checks and the observability report see it', () => {
    const tag = defineTag('shared-edges');
    const baseline = captureBaseline();
    const pool = track(createSharedPool(24, 8, 'observed', { tag }));
    const handles = [pool.alloc()!, pool.alloc()!, pool.alloc()!];
    pool.free(handles[0]!);
    expect(pool.share().tagName).toBe('shared-edges');
    const stats = pool.stats();
    expect(stats).toMatchObject({ name: 'observed', tag: 'shared-edges', capacity: 8, inUse: 2, retired: 0 });
    expect(stats.threads).toEqual([{ threadId: 0, allocs: 3, frees: 1, holding: 2 }]);
    const info = liveOwnerInfo().find((owner) => owner.name === 'observed (shared)');
    expect(info).toMatchObject({ kind: 'pool', bytesInUse: 48, liveAllocations: 2 });
    expect(takeSnapshot().owners.some((owner) => owner.name === 'observed (shared)' && owner.capacityBytes === 8 * 24)).toBe(true);
    const leaks = findLeaks(baseline);
    expect(leaks.some((leak) => leak.owner === 'observed (shared)' && leak.count === 2)).toBe(true);
    pool.destroy();
    expect(findLeaks(baseline).some((leak) => leak.owner.startsWith('observed'))).toBe(false);
  });
});

describe('shared pool against a model (fast-check)', () => {
  type Op = { kind: 'alloc' } | { kind: 'free'; pick: number } | { kind: 'freeStale'; pick: number } | { kind: 'write'; pick: number; value: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.constant({ kind: 'alloc' as const }),
    fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('freeStale' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('write' as const), pick: fc.nat(), value: fc.nat({ max: 0xffffffff }) }),
  );

  it('matches a set-of-live-handles model: null only when full, stale use and double free detected, values kept', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 80 }), (capacity, ops) => {
        const pool = createSharedPool(8, capacity, 'model');
        try {
          const live = new Map<number, number>(); // handle -> last value written
          const dead: number[] = [];
          for (const step of ops) {
            if (step.kind === 'alloc') {
              const handle = pool.alloc();
              if (live.size === capacity) expect(handle).toBeNull();
              else {
                expect(handle).not.toBeNull();
                expect(live.has(handle!)).toBe(false);
                expect(dead).not.toContain(handle);
                pool.setUint32(handle!, 0, 0);
                live.set(handle!, 0);
              }
            } else if (step.kind === 'free' && live.size > 0) {
              const handle = [...live.keys()][step.pick % live.size]!;
              expect(pool.getUint32(handle as Handle, 0)).toBe(live.get(handle));
              pool.free(handle as Handle);
              live.delete(handle);
              dead.push(handle);
            } else if (step.kind === 'freeStale' && dead.length > 0) {
              const handle = dead[step.pick % dead.length]! as Handle;
              expect(codeOf(() => pool.free(handle))).toBe('ERR_DOUBLE_FREE');
              expect(codeOf(() => pool.getUint32(handle, 0))).toBe('ERR_USE_AFTER_FREE');
            } else if (step.kind === 'write' && live.size > 0) {
              const handle = [...live.keys()][step.pick % live.size]!;
              pool.setUint32(handle as Handle, 4, step.value);
              pool.setUint32(handle as Handle, 0, step.value);
              live.set(handle, step.value);
            }
            expect(pool.inUse).toBe(live.size);
            for (const handle of live.keys()) expect(pool.isLive(handle as Handle)).toBe(true);
          }
        } finally {
          pool.destroy();
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('shared pool across worker threads', () => {
  it('a worker attaches the same memory: what one thread writes the other reads', async () => {
    const pool = track(createSharedPool(16, 8, 'cross'));
    const report = await runWorker<{ handles: number[]; threadId: number }>({ descriptor: pool.share(), mode: 'hold', count: 3 });
    expect(report.handles).toHaveLength(3);
    report.handles.forEach((handle, index) => expect(pool.getFloat64(handle as Handle, 0)).toBe(report.threadId + index / 1000));
    expect(pool.inUse).toBe(3);
    const worker = pool.stats().threads.find((row) => row.threadId === report.threadId);
    expect(worker).toMatchObject({ allocs: 3, frees: 0, holding: 3 });
    // The main thread frees the worker's handles: any thread may free any handle.
    for (const handle of report.handles) pool.free(handle as Handle);
    expect(pool.inUse).toBe(0);
  });

  it('a handle freed in one thread is stale in another: ERR_USE_AFTER_FREE and ERR_DOUBLE_FREE there', async () => {
    const pool = track(createSharedPool(8, 8, 'stale'));
    const handles = [pool.alloc()!, pool.alloc()!];
    for (const handle of handles) pool.free(handle);
    const reads = await runWorker<{ codes: string[] }>({ descriptor: pool.share(), mode: 'read', handles });
    expect(reads.codes).toEqual(['ERR_USE_AFTER_FREE', 'ERR_USE_AFTER_FREE']);
    const frees = await runWorker<{ codes: string[] }>({ descriptor: pool.share(), mode: 'free', handles });
    expect(frees.codes).toEqual(['ERR_DOUBLE_FREE', 'ERR_DOUBLE_FREE']);
    // And the other way round: the worker frees, the main thread sees a stale handle.
    const live = [pool.alloc()!, pool.alloc()!];
    const freed = await runWorker<{ codes: string[] }>({ descriptor: pool.share(), mode: 'free', handles: live });
    expect(freed.codes).toEqual(['ok', 'ok']);
    expect(codeOf(() => pool.getUint32(live[0]!, 0))).toBe('ERR_USE_AFTER_FREE');
    expect(codeOf(() => pool.free(live[1]!))).toBe('ERR_DOUBLE_FREE');
  });

  it('destroy in the main thread makes the worker\'s use ERR_ARENA_DESTROYED', async () => {
    const pool = createSharedPool(8, 4, 'destroyed-elsewhere');
    const handle = pool.alloc()!;
    const worker = new Worker(fixture, { workerData: { runtimeUrl, descriptor: pool.share(), waitForGo: true } });
    const messages: unknown[] = [];
    const done = new Promise<{ codes: string[] }>((resolve, reject) => {
      worker.on('message', (message: { attached?: boolean; codes?: string[] }) => {
        messages.push(message);
        if (message.attached === true) {
          pool.destroy();
          worker.postMessage({ mode: 'alloc-after-destroy', handle });
        } else resolve(message as { codes: string[] });
      });
      worker.once('error', reject);
    });
    const report = await done;
    expect(report.codes).toEqual(['ERR_ARENA_DESTROYED', 'ERR_ARENA_DESTROYED', 'ERR_ARENA_DESTROYED']);
  });

  it('a worker that exits holding slots: they stay live (nothing is reused under a holder), and reclaimThread frees them', async () => {
    const pool = track(createSharedPool(8, 6, 'dying'));
    const report = await runWorker<{ handles: number[]; threadId: number }>({ descriptor: pool.share(), mode: 'hold', count: 4 });
    // The worker has exited: its four slots are still live and readable, so two are left.
    expect(pool.inUse).toBe(4);
    for (const handle of report.handles) expect(pool.isLive(handle as Handle)).toBe(true);
    const left = [pool.alloc(), pool.alloc(), pool.alloc()];
    expect(left.filter((handle) => handle !== null)).toHaveLength(2);
    for (const handle of left) if (handle !== null) pool.free(handle);
    expect(pool.stats().threads.find((row) => row.threadId === report.threadId)?.holding).toBe(4);
    expect(pool.reclaimThread(report.threadId)).toBe(4);
    expect(pool.inUse).toBe(0);
    for (const handle of report.handles) expect(codeOf(() => pool.getUint8(handle as Handle, 0))).toBe('ERR_USE_AFTER_FREE');
    // Nothing lost: exactly capacity allocations succeed.
    const all: Handle[] = [];
    for (let handle = pool.alloc(); handle !== null; handle = pool.alloc()) all.push(handle);
    expect(all).toHaveLength(6);
  });
});

it('ArenaError is the class thrown for shared pools', () => {
  const pool = track(createSharedPool(8, 1, 'class', { tag: MemTag.Edge }));
  const handle = pool.alloc()!;
  pool.free(handle);
  const error = caught(() => pool.free(handle));
  expect(error).toBeInstanceOf(ArenaError);
  expect(error.message).toMatch(/double free .* shared pool "class" \(tag Edge\)/);
});
