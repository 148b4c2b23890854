// `npm run bench:threads`: throughput of the lock-free shared pool against a mutex pool
// (Atomics.wait/notify) over the same kind of SharedArrayBuffer, with 1, 2 and 4 workers.
// Each worker runs the same loop: allocate, stamp 4 bytes through the pool's checked path, and free
// the handle it allocated WINDOW allocations ago (so a few handles are held at any time). Both pools
// check generations (stale handle, double free) on free. Each worker warms up first (untimed), then
// the workers start together behind a barrier;
// throughput is all workers' alloc+free pairs divided by the slowest worker's time. Each
// configuration runs ROUNDS times, alternating the two pools, and the median is reported.
import { availableParallelism, loadavg } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { attachSharedPool, createSharedPool, type Handle, type SharedPoolDescriptor } from 'eslint-plugin-arena/runtime';
import { machineLine, markdownTable, writeDocSection } from './doc-section.js';

const OBJECT_SIZE = 32;
const CAPACITY = 4096;
const WINDOW = 8;
const PAIRS_PER_WORKER = 1_000_000;
/** Untimed pairs each worker runs first, so both pools are measured optimized (each worker is a fresh isolate). */
const WARMUP_PAIRS = 200_000;
const ROUNDS = 5;
/** BENCH_THREADS_WORKERS=1,2 runs only those counts (the doc section is written only for the full run). */
const WORKER_COUNTS = (process.env['BENCH_THREADS_WORKERS'] ?? '1,2,4').split(',').map(Number);
const FULL_RUN = process.env['BENCH_THREADS_WORKERS'] === undefined;

// ---- the mutex pool -------------------------------------------------------------------------------
// Int32 words: [0] lock (0 free, 1 locked, 2 locked with waiters), [1] free-stack top,
// [2 .. 2+capacity) free stack, then per slot generation * 2 + live; data after that.
const LOCK = 0;
const TOP = 1;
const STACK = 2;
/**
 * The mutex pool's handles get the same representation as a shared pool's: above 2^37 (an owner id
 * times 2^37), so both are doubles and both box when returned as `handle | null`. Small integer
 * handles would give the mutex pool an advantage no process-unique handle can have.
 */
const MUTEX_BASE = 3 * 2 ** 37;

function mutexPoolBuffer(capacity: number, objectSize: number): SharedArrayBuffer {
  const wordsBytes = (STACK + 2 * capacity) * 4;
  const buffer = new SharedArrayBuffer(wordsBytes + capacity * objectSize);
  const words = new Int32Array(buffer, 0, STACK + 2 * capacity);
  for (let slot = 0; slot < capacity; slot++) words[STACK + slot] = capacity - 1 - slot;
  words[TOP] = capacity;
  return buffer;
}

/** A fixed pool guarded by one futex-style mutex (the lock word's three states, after Drepper). */
class MutexPool {
  private readonly words: Int32Array;
  private readonly view: DataView;
  private readonly stateAt: number;
  private readonly dataAt: number;
  constructor(
    buffer: SharedArrayBuffer,
    private readonly capacity: number,
    private readonly objectSize: number,
  ) {
    this.words = new Int32Array(buffer, 0, STACK + 2 * capacity);
    this.view = new DataView(buffer);
    this.stateAt = STACK + capacity;
    this.dataAt = (STACK + 2 * capacity) * 4;
  }

  private lock(): void {
    const words = this.words;
    let seen = Atomics.compareExchange(words, LOCK, 0, 1);
    if (seen === 0) return;
    for (let spin = 0; spin < 64 && seen !== 0; spin++) seen = Atomics.compareExchange(words, LOCK, 0, 1);
    if (seen === 0) return;
    if (seen !== 2) seen = Atomics.exchange(words, LOCK, 2);
    while (seen !== 0) {
      Atomics.wait(words, LOCK, 2);
      seen = Atomics.exchange(words, LOCK, 2);
    }
  }

  private unlock(): void {
    if (Atomics.sub(this.words, LOCK, 1) !== 1) {
      Atomics.store(this.words, LOCK, 0);
      Atomics.notify(this.words, LOCK, 1);
    }
  }

  /** Same shape as the shared pool's alloc: a handle, or null when exhausted. */
  alloc(): number | null {
    this.lock();
    const top = this.words[TOP]!;
    if (top === 0) {
      this.unlock();
      return null;
    }
    const slot = this.words[STACK + top - 1]!;
    this.words[TOP] = top - 1;
    const state = this.words[this.stateAt + slot]! + 1;
    this.words[this.stateAt + slot] = state;
    this.unlock();
    return MUTEX_BASE + (state >>> 1) * this.capacity + slot;
  }

  free(handle: number): void {
    const serial = handle - MUTEX_BASE;
    const slot = serial % this.capacity;
    const live = ((serial - slot) / this.capacity) * 2 + 1;
    this.lock();
    if (this.words[this.stateAt + slot] !== live) {
      this.unlock();
      throw new Error(`double free or stale handle ${handle}`);
    }
    this.words[this.stateAt + slot] = live + 1;
    this.words[STACK + this.words[TOP]!] = slot;
    this.words[TOP]!++;
    this.unlock();
  }

  setUint32(handle: number, offset: number, value: number): void {
    const serial = handle - MUTEX_BASE;
    const slot = serial % this.capacity;
    // The same check the shared pool makes on every access: the handle's generation is live.
    if (this.words[this.stateAt + slot] !== ((serial - slot) / this.capacity) * 2 + 1) throw new Error(`stale handle ${handle}`);
    if (offset > this.objectSize - 4) throw new Error('out of bounds');
    this.view.setUint32(this.dataAt + slot * this.objectSize + offset, value, true);
  }
}

// ---- workers ----------------------------------------------------------------------------------------
interface Job {
  readonly kind: 'lock-free' | 'mutex';
  readonly buffer: SharedArrayBuffer;
  readonly descriptor: SharedPoolDescriptor | null;
  readonly barrier: SharedArrayBuffer;
  readonly pairs: number;
}

function waitAtBarrier(barrier: SharedArrayBuffer): void {
  const gate = new Int32Array(barrier);
  Atomics.sub(gate, 0, 1);
  while (Atomics.load(gate, 0) > 0) Atomics.wait(gate, 0, Atomics.load(gate, 0), 1);
}

function runJob(job: Job): number {
  const held = new Float64Array(WINDOW); // handles kept in a Float64Array: no boxing
  let cursor = 0;
  if (job.kind === 'lock-free') {
    const pool = attachSharedPool(job.descriptor!);
    for (let index = 0; index < WINDOW; index++) held[index] = pool.alloc()!;
    const loop = (pairs: number): void => {
      for (let pair = 0; pair < pairs; pair++) {
        const handle = pool.alloc();
        if (handle === null) throw new Error('shared pool exhausted');
        pool.setUint32(handle, 0, pair);
        pool.free(held[cursor]! as Handle);
        held[cursor] = handle;
        cursor = (cursor + 1) % WINDOW;
      }
    };
    loop(WARMUP_PAIRS);
    waitAtBarrier(job.barrier);
    const start = performance.now();
    loop(job.pairs);
    const elapsed = performance.now() - start;
    for (let index = 0; index < WINDOW; index++) pool.free(held[index]! as Handle);
    pool.detach();
    return elapsed;
  }
  const pool = new MutexPool(job.buffer, CAPACITY, OBJECT_SIZE);
  for (let index = 0; index < WINDOW; index++) held[index] = pool.alloc()!;
  const loop = (pairs: number): void => {
    for (let pair = 0; pair < pairs; pair++) {
      const handle = pool.alloc();
      if (handle === null) throw new Error('mutex pool exhausted');
      pool.setUint32(handle, 0, pair);
      pool.free(held[cursor]!);
      held[cursor] = handle;
      cursor = (cursor + 1) % WINDOW;
    }
  };
  loop(WARMUP_PAIRS);
  waitAtBarrier(job.barrier);
  const start = performance.now();
  loop(job.pairs);
  const elapsed = performance.now() - start;
  for (let index = 0; index < WINDOW; index++) pool.free(held[index]!);
  return elapsed;
}

if (!isMainThread) {
  parentPort!.postMessage(runJob(workerData as Job));
}

async function measure(kind: Job['kind'], workers: number): Promise<number> {
  const barrier = new SharedArrayBuffer(4);
  new Int32Array(barrier)[0] = workers;
  let descriptor: SharedPoolDescriptor | null = null;
  let buffer = new SharedArrayBuffer(4);
  const shared = kind === 'lock-free' ? createSharedPool(OBJECT_SIZE, CAPACITY, 'bench-threads') : null;
  if (shared !== null) descriptor = shared.share();
  else buffer = mutexPoolBuffer(CAPACITY, OBJECT_SIZE);
  const job: Job = { kind, buffer, descriptor, barrier, pairs: PAIRS_PER_WORKER };
  const times = await Promise.all(
    Array.from(
      { length: workers },
      () =>
        new Promise<number>((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: job });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  shared?.destroy();
  return (workers * PAIRS_PER_WORKER) / (Math.max(...times) / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const cores = availableParallelism();
  const load = loadavg()[0]!;
  console.log(`bench:threads — ${cores} cores, load average ${load.toFixed(2)}; ${PAIRS_PER_WORKER} alloc+free pairs per worker, median of ${ROUNDS}`);
  const rows: string[][] = [];
  let allMet = true;
  for (const workers of WORKER_COUNTS) {
    const lockFree: number[] = [];
    const mutex: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so drift in machine load hits both alike.
      if (round % 2 === 0) {
        lockFree.push(await measure('lock-free', workers));
        mutex.push(await measure('mutex', workers));
      } else {
        mutex.push(await measure('mutex', workers));
        lockFree.push(await measure('lock-free', workers));
      }
    }
    const free = median(lockFree);
    const locked = median(mutex);
    const met = free >= locked;
    allMet &&= met;
    const line = [String(workers), (free / 1e6).toFixed(2), (locked / 1e6).toFixed(2), `${(free / locked).toFixed(2)}x`, met ? 'met' : '**not met**'];
    console.log(line.join('  '));
    rows.push(line);
  }
  const doc = [
    '## Threads: shared pool vs mutex pool (`npm run bench:threads`)',
    '',
    `${machineLine()}, ${cores} cores, load average ${load.toFixed(2)} when started.`,
    `Each worker: ${PAIRS_PER_WORKER.toLocaleString('en-US')} x (alloc, checked setUint32, free of the handle from ${WINDOW} allocations ago), ` +
      `${OBJECT_SIZE}-byte slots, capacity ${CAPACITY}; throughput = all pairs / slowest worker; median of ${ROUNDS}, the two pools alternating.`,
    'Bar: the lock-free pool at least matches the mutex pool (Atomics.wait/notify futex) at every worker count.',
    '',
    markdownTable(['workers', 'lock-free (M pairs/s)', 'mutex (M pairs/s)', 'lock-free / mutex', 'bar'], rows),
    '',
    `With ${cores} cores, ${WORKER_COUNTS.filter((count) => count > cores).join(' and ') || 'no'} worker count(s) oversubscribe the machine: ` +
      'the extra workers time-slice, so those rows measure behaviour under preemption, not scaling. How it should scale past the cores: docs/guides/threads.md.',
  ].join('\n');
  if (FULL_RUN) writeDocSection('threads', doc);
  console.log(allMet ? 'bar met at every worker count' : 'bar NOT met at some worker count (see table)');
}

if (isMainThread) await main();
