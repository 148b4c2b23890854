// onMemoryPressure watching the process: readings and the timer are injected, so every poll is a
// call the test makes (no timed tests).
import { Worker, threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { onMemoryPressure, readProcessMemory, type MemoryPressureEvent, type ProcessMemoryReading } from '../../runtime/index.js';
import { caught } from '../runtime/helpers.js';
import { makeRuntimeCopy } from '../runtime/workers/runtime-copy.js';

const MiB = 1024 * 1024;

/** Readings the test sets by hand, and a scheduler whose polls the test runs by hand. */
function fakeProcess(initial: Partial<ProcessMemoryReading> = {}) {
  let reading: ProcessMemoryReading = { heapUsed: 10 * MiB, heapLimit: 100 * MiB, rss: 50 * MiB, constrainedMemory: undefined, totalMemory: 1000 * MiB, ...initial };
  let poll: (() => void) | null = null;
  let interval = 0;
  let stopped = 0;
  return {
    read: () => reading,
    schedule: (fn: () => void, intervalMs: number) => {
      poll = fn;
      interval = intervalMs;
      return () => {
        stopped++;
        poll = null;
      };
    },
    set(next: Partial<ProcessMemoryReading>) {
      reading = { ...reading, ...next };
      poll?.();
    },
    get interval() {
      return interval;
    },
    get stopped() {
      return stopped;
    },
    get polling() {
      return poll !== null;
    },
  };
}

describe('process memory pressure', () => {
  it('heap: fires once per crossing of a fraction of the heap limit, re-arms after a drop', () => {
    const fake = fakeProcess();
    const events: MemoryPressureEvent[] = [];
    const stop = onMemoryPressure({ process: 'heap', fraction: 0.8, intervalMs: 250, read: fake.read, schedule: fake.schedule }, (event) => events.push(event));
    expect(fake.interval).toBe(250);
    fake.set({ heapUsed: 79 * MiB });
    expect(events).toEqual([]);
    fake.set({ heapUsed: 81 * MiB });
    fake.set({ heapUsed: 90 * MiB });
    expect(events).toEqual([{ source: 'process', metric: 'heap', bytes: 81 * MiB, threshold: 80 * MiB, limit: 100 * MiB }]);
    fake.set({ heapUsed: 70 * MiB });
    fake.set({ heapUsed: 85 * MiB });
    expect(events).toHaveLength(2);
    stop();
    expect(fake.stopped).toBe(1);
    stop();
    expect(fake.stopped).toBe(1);
  });

  it('rss: a fraction of constrainedMemory when the process has one, else of total memory', () => {
    const constrained = fakeProcess({ constrainedMemory: 200 * MiB });
    const events: MemoryPressureEvent[] = [];
    const stop = onMemoryPressure({ process: 'rss', fraction: 0.5, read: constrained.read, schedule: constrained.schedule }, (event) => events.push(event));
    expect(constrained.interval).toBe(1000);
    constrained.set({ rss: 101 * MiB });
    expect(events[0]).toMatchObject({ metric: 'rss', threshold: 100 * MiB, limit: 200 * MiB });
    stop();

    const unconstrained = fakeProcess();
    const stop2 = onMemoryPressure({ process: 'rss', fraction: 0.5, read: unconstrained.read, schedule: unconstrained.schedule }, (event) => events.push(event));
    unconstrained.set({ rss: 400 * MiB });
    expect(events).toHaveLength(1);
    unconstrained.set({ rss: 501 * MiB });
    expect(events[1]).toMatchObject({ threshold: 500 * MiB, limit: 1000 * MiB });
    stop2();
  });

  it('bytes instead of a fraction; already above when subscribing waits for a drop first', () => {
    const fake = fakeProcess({ rss: 300 * MiB });
    const events: number[] = [];
    const stop = onMemoryPressure({ process: 'rss', bytes: 256 * MiB, read: fake.read, schedule: fake.schedule }, (event) => events.push(event.bytes));
    fake.set({ rss: 310 * MiB });
    expect(events).toEqual([]);
    fake.set({ rss: 200 * MiB });
    fake.set({ rss: 260 * MiB });
    expect(events).toEqual([260 * MiB]);
    stop();
    expect(fake.polling).toBe(false);
  });

  it('bad process thresholds are ArenaErrors', () => {
    const fake = fakeProcess({ heapLimit: 0 });
    const noop = (): void => {};
    const cases: [unknown, RegExp][] = [
      [{ process: 'swap', bytes: 1 }, /'heap' or 'rss'/],
      [{ process: 'heap' }, /either fraction or bytes/],
      [{ process: 'heap', fraction: 0.5, bytes: 1 }, /either fraction or bytes/],
      [{ process: 'heap', fraction: 2 }, /fraction must be in/],
      [{ process: 'rss', bytes: -1 }, /bytes must be/],
      [{ process: 'rss', bytes: 1, intervalMs: 1 }, /intervalMs/],
      [{ process: 'heap', fraction: 0.5, read: fake.read, schedule: fake.schedule }, /no heap limit/],
    ];
    for (const [threshold, message] of cases) {
      const error = caught(() => onMemoryPressure(threshold as never, noop));
      expect(error.code).toBe('ERR_INVALID_ARGUMENT');
      expect(error.message).toMatch(message);
    }
  });

  it('readProcessMemory reads this process: heap within its limit, an RSS, no constraint reported as 2^64', () => {
    const reading = readProcessMemory();
    expect(reading.heapUsed).toBeGreaterThan(0);
    expect(reading.heapLimit).toBeGreaterThan(reading.heapUsed);
    expect(reading.rss).toBeGreaterThan(reading.heapUsed / 4);
    if (reading.constrainedMemory !== undefined) expect(reading.constrainedMemory).toBeLessThan(Number.MAX_SAFE_INTEGER);
  });

  it('the default timer does not keep the process alive; the callback runs on it, in the subscribing thread', async () => {
    const refTimers = (): number => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = refTimers();
    let polls = 0;
    const reading = (heapUsed: number): ProcessMemoryReading => ({ heapUsed, heapLimit: 0, rss: 0, constrainedMemory: undefined, totalMemory: undefined });
    let subscribing = true;
    const fired = new Promise<{ thread: number; during: boolean }>((resolve) => {
      const stop = onMemoryPressure({ process: 'heap', bytes: 100, intervalMs: 10, read: () => reading(polls++ === 0 ? 0 : 200) }, () => {
        stop();
        resolve({ thread: threadId, during: subscribing });
      });
    });
    subscribing = false;
    // The interval exists but is unref'd: it adds no timer that keeps the event loop alive.
    expect(refTimers()).toBe(before);
    const { thread, during } = await fired;
    expect(during).toBe(false);
    expect(thread).toBe(threadId);
  });

  it('in a worker: the callback runs in the worker, and the watch alone does not keep the worker alive', async () => {
    const runtimeUrl = makeRuntimeCopy('pressure');
    const worker = new Worker(
      `import { parentPort, threadId } from 'node:worker_threads';
       const { onMemoryPressure } = await import(${JSON.stringify(runtimeUrl)});
       // Kept alive by this timer until the callback has run; then only the watch is left.
       const keepAlive = setTimeout(() => {}, 60_000);
       let polls = 0;
       const read = () => ({ heapUsed: ++polls < 3 ? 0 : 200, heapLimit: 0, rss: 0, constrainedMemory: undefined, totalMemory: undefined });
       onMemoryPressure({ process: 'heap', bytes: 100, intervalMs: 10, read }, (event) => {
         parentPort.postMessage({ threadId, metric: event.metric });
         clearTimeout(keepAlive); // never unsubscribes
       });`,
      { eval: true, type: 'module' } as never,
    );
    const workerThread = worker.threadId;
    const messages: unknown[] = [];
    worker.on('message', (message) => messages.push(message));
    const exitCode = await new Promise<number>((resolve, reject) => {
      worker.once('exit', resolve);
      worker.once('error', reject);
    });
    expect(exitCode).toBe(0);
    expect(messages).toEqual([{ threadId: workerThread, metric: 'heap' }]);
    expect(workerThread).not.toBe(threadId);
  });
});
