// Worker fixture for the shared pool tests. workerData: { runtimeUrl, descriptor, mode, ... }.
// It attaches the pool and runs one scenario, then posts a report. Errors are reported by code.
import { parentPort, threadId, workerData } from 'node:worker_threads';

const runtime = await import(workerData.runtimeUrl);
const pool = runtime.attachSharedPool(workerData.descriptor);

function codeOf(action) {
  try {
    action();
    return 'ok';
  } catch (error) {
    return error && typeof error.code === 'string' ? error.code : `not an ArenaError: ${String(error)}`;
  }
}

// mulberry32: a small seeded generator, so every run of a scenario is reproducible.
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const scenarios = {
  // Random allocs and frees with up to `maxHold` handles held; each slot is stamped with
  // (worker, sequence) at alloc and checked before free, so a slot held twice is seen.
  stress({ ops, maxHold, seed, worker, keep, barrier }) {
    const next = random(seed);
    if (barrier !== undefined) {
      // Start together: every worker waits until all have attached, so the runs overlap.
      const gate = new Int32Array(barrier);
      Atomics.sub(gate, 0, 1);
      while (Atomics.load(gate, 0) > 0) Atomics.wait(gate, 0, Atomics.load(gate, 0), 5);
    }
    const held = [];
    const stamps = [];
    let allocs = 0;
    let frees = 0;
    let exhausted = 0;
    let stampErrors = 0;
    for (let op = 0; op < ops; op++) {
      if (held.length < maxHold && (held.length === 0 || next() < 0.55)) {
        const handle = pool.alloc();
        if (handle === null) {
          exhausted++;
          continue;
        }
        allocs++;
        pool.setUint32(handle, 0, worker);
        pool.setUint32(handle, 4, op);
        held.push(handle);
        stamps.push(op);
      } else {
        const index = Math.floor(next() * held.length);
        const handle = held[index];
        if (pool.getUint32(handle, 0) !== worker || pool.getUint32(handle, 4) !== stamps[index]) stampErrors++;
        pool.free(handle);
        frees++;
        held[index] = held[held.length - 1];
        stamps[index] = stamps[stamps.length - 1];
        held.pop();
        stamps.pop();
      }
    }
    const kept = keep ? held.slice() : [];
    if (!keep) {
      for (let index = 0; index < held.length; index++) {
        if (pool.getUint32(held[index], 0) !== worker || pool.getUint32(held[index], 4) !== stamps[index]) stampErrors++;
        pool.free(held[index]);
        frees++;
      }
    }
    return { allocs, frees, exhausted, stampErrors, kept };
  },
  // Frees every handle in `handles` (in the given order); reports each outcome's code.
  free({ handles }) {
    return { codes: handles.map((handle) => codeOf(() => pool.free(handle))) };
  },
  // Reads handles: codes of a read through each.
  read({ handles }) {
    return { codes: handles.map((handle) => codeOf(() => pool.getUint32(handle, 0))) };
  },
  // Allocates `count` slots, stamps them, and leaves without freeing them (the thread then exits).
  hold({ count }) {
    const handles = [];
    for (let index = 0; index < count; index++) {
      const handle = pool.alloc();
      if (handle === null) break;
      pool.setFloat64(handle, 0, threadId + index / 1000);
      handles.push(handle);
    }
    return { handles, threadId };
  },
};

if (workerData.waitForGo) {
  // Attached; wait until the parent says go (for scenarios that need the parent to act first).
  parentPort.postMessage({ attached: true, threadId });
  parentPort.once('message', (message) => {
    if (message.mode === 'alloc-after-destroy') {
      parentPort.postMessage({ codes: [codeOf(() => pool.alloc()), codeOf(() => pool.getUint32(message.handle, 0)), codeOf(() => pool.free(message.handle))] });
    } else {
      parentPort.postMessage(scenarios[message.mode](message));
    }
    parentPort.close();
  });
} else {
  parentPort.postMessage(scenarios[workerData.mode](workerData));
  parentPort.close();
}
