// Handles posted between worker threads: owner ids come from one process-wide space (a
// SharedArrayBuffer the workers inherit), so a worker's handle is never memory of the main thread.
import { Worker, setEnvironmentData } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { failureOf, makeRuntimeCopy, type RuntimeModule } from './workers/runtime-copy.js';

const fixture = new URL('./workers/post-handles.mjs', import.meta.url);
let runtimeUrl: string;
let runtime: RuntimeModule;

beforeAll(async () => {
  runtimeUrl = makeRuntimeCopy('threads');
  runtime = (await import(/* @vite-ignore */ runtimeUrl)) as RuntimeModule;
});

interface Posted {
  threadId: number;
  arenaHandle: number;
  poolHandle: number;
}

/** Starts the fixture, waits for its handles, and returns them with a function that lets it finish. */
async function startPoster(): Promise<{ posted: Posted; finish: () => Promise<void> }> {
  const worker = new Worker(fixture, { workerData: { runtimeUrl } });
  const posted = await new Promise<Posted>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const finish = async (): Promise<void> => {
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('done');
    await exited;
  };
  return { posted, finish };
}

const ownerIdOf = (handle: number): number => Math.floor(handle / 2 ** 37);

describe('handles posted from a worker thread', () => {
  it('are foreign to the main thread\'s arenas and pools, never their memory', async () => {
    // Owners in the main thread first, so both threads have owners alive at once.
    using arena = runtime.createArena(256, 'main-arena');
    using pool = runtime.createPool(16, 4, 'main-pool');
    const mine = [arena.alloc(16), pool.alloc()!];
    const { posted, finish } = await startPoster();
    try {
      expect(posted.threadId).toBeGreaterThan(0);
      for (const handle of [posted.arenaHandle, posted.poolHandle]) {
        expect(mine).not.toContain(handle);
        expect(arena.isLive(handle as never)).toBe(false);
        expect(pool.isLive(handle as never)).toBe(false);
      }
      const read = failureOf(() => arena.bytes(posted.arenaHandle as never));
      expect(read.code).toBe('ERR_FOREIGN_HANDLE');
      expect(read.message).toMatch(/another thread/);
      expect(failureOf(() => arena.getUint32(posted.arenaHandle as never, 0)).code).toBe('ERR_FOREIGN_HANDLE');
      expect(failureOf(() => pool.free(posted.poolHandle as never)).code).toBe('ERR_FOREIGN_HANDLE');
      expect(failureOf(() => pool.bytes(posted.arenaHandle as never)).code).toBe('ERR_FOREIGN_HANDLE');
      // The worker's owner ids are distinct from every id alive here.
      expect(ownerIdOf(posted.arenaHandle)).not.toBe(ownerIdOf(mine[0]!));
      expect(ownerIdOf(posted.poolHandle)).not.toBe(ownerIdOf(mine[1]!));
      expect(ownerIdOf(posted.arenaHandle)).toBeLessThan(2 ** 15); // from the inherited (shared) space
    } finally {
      await finish();
    }
  });

  it('a worker started right after the runtime was imported (no owner yet) inherits the space', async () => {
    // The first worker gets no inherited space (hidden), so it makes a partition; the worker it starts
    // before creating any owner must share that partition, not make one of its own.
    const { getEnvironmentData } = await import('node:worker_threads');
    const published = getEnvironmentData('arena-runtime.ids.v1') as SharedArrayBuffer;
    setEnvironmentData('arena-runtime.ids.v1', undefined);
    let worker: Worker;
    try {
      worker = new Worker(new URL('./workers/spawn-child.mjs', import.meta.url), { workerData: { runtimeUrl } });
    } finally {
      setEnvironmentData('arena-runtime.ids.v1', published);
    }
    const report = await new Promise<{ parent: { threadId: number; handle: number }; child: { threadId: number; handle: number } }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const partitionOf = (id: number): number => Math.floor((id - 2 ** 15) / 512);
    const parentId = ownerIdOf(report.parent.handle);
    const childId = ownerIdOf(report.child.handle);
    expect(parentId).toBeGreaterThanOrEqual(2 ** 15);
    expect(partitionOf(parentId)).toBe(report.parent.threadId % 64);
    // Same partition (the parent's), different ids.
    expect(partitionOf(childId)).toBe(partitionOf(parentId));
    expect(childId).not.toBe(parentId);
  });

  it('a worker started before the runtime published its id space takes a partition of its own', async () => {
    // Simulate a worker started before the runtime was loaded: hide the environment entry while it starts.
    const { getEnvironmentData } = await import('node:worker_threads');
    const published = getEnvironmentData('arena-runtime.ids.v1');
    expect(published).toBeInstanceOf(SharedArrayBuffer);
    setEnvironmentData('arena-runtime.ids.v1', undefined);
    let started: Awaited<ReturnType<typeof startPoster>>;
    try {
      started = await startPoster();
    } finally {
      setEnvironmentData('arena-runtime.ids.v1', published);
    }
    const { posted, finish } = started;
    try {
      using arena = runtime.createArena(256, 'main-after');
      arena.alloc(16);
      // Partition ids are in the upper half, which the shared space never hands out.
      expect(ownerIdOf(posted.arenaHandle)).toBeGreaterThanOrEqual(2 ** 15);
      expect(ownerIdOf(posted.poolHandle)).toBeGreaterThanOrEqual(2 ** 15);
      expect(arena.isLive(posted.arenaHandle as never)).toBe(false);
      expect(failureOf(() => arena.bytes(posted.arenaHandle as never)).code).toBe('ERR_FOREIGN_HANDLE');
    } finally {
      await finish();
    }
  });
});
