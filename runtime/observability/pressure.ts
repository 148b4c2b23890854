// Memory pressure callbacks and OOM prediction wired to the live runtime.
//
// Any number of subscriptions share the runtime's single tracked-bytes watch. The watch is a band
// [lower, upper]: the runtime calls back when tracked bytes go above `upper` on an allocation or
// down to `lower` on a free/reset, and costs one compare per allocation and per free otherwise.
// After each callback every subscription is re-evaluated and the band is narrowed again.

import { getTrackedBytes, setTrackedBytesWatch } from '../internal.js';
import { describeValue, invalidArgument } from '../errors.js';
import type { RegisteredOwner } from '../registry.js';
import type { Arena } from '../types.js';
import { MemorySampler, type OomPrediction, type PredictOptions } from './predict.js';

export interface MemoryPressureEvent {
  /** What crossed: all tracked bytes, one arena's live bytes against its budget, or the process's memory. */
  readonly source: 'tracked' | 'arena' | 'process';
  /** The arena's name when source is "arena". */
  readonly arena?: string;
  /** What was measured when source is "process": the V8 heap or the resident set. */
  readonly metric?: ProcessMetric;
  /** The limit a process threshold's fraction was taken of (heap limit, constrained or total memory). */
  readonly limit?: number;
  /** Bytes measured right after the allocation that crossed the threshold. */
  readonly bytes: number;
  readonly threshold: number;
}

/** A budget fraction of one arena: fires when its live bytes exceed `fraction * arena.maxBytes`. */
export interface ArenaBudgetThreshold {
  readonly arena: Arena;
  /** In (0, 1]. */
  readonly fraction: number;
}

interface Subscription {
  readonly threshold: number;
  /** Current bytes of what this subscription measures. */
  measure(): number;
  /**
   * Whether `measure` can lag behind tracked bytes while memory is being released: an arena gives
   * its bytes back to the stats one allocation at a time during reset/destroy and updates its own
   * count afterwards, so its drop below the threshold is confirmed in a microtask.
   */
  readonly lagsOnRelease: boolean;
  readonly callback: (event: MemoryPressureEvent) => void;
  readonly describe: (bytes: number) => MemoryPressureEvent;
  /** True once fired, until the measure is back at or below the threshold. */
  fired: boolean;
  /** Stops watching when this returns true (an arena that was destroyed). */
  finished(): boolean;
}

const subscriptions = new Set<Subscription>();

let recheckQueued = false;
/** The band's lower bound as last installed, to tell a drop from a rise in onCross. */
let installedLower = -Infinity;

function recheckAfterRelease(): void {
  recheckQueued = false;
  evaluate(false);
}

/** Called by the runtime's watch on a crossing. */
function onCross(trackedBytesNow: number): void {
  evaluate(trackedBytesNow <= installedLower);
}

function evaluate(afterDrop: boolean): void {
  const tracked = getTrackedBytes();
  let upper = Infinity;
  let lower = -Infinity;
  const due: Subscription[] = [];
  for (const subscription of [...subscriptions]) {
    if (subscription.finished()) {
      subscriptions.delete(subscription);
      continue;
    }
    const bytes = subscription.measure();
    if (!subscription.fired && bytes > subscription.threshold) {
      subscription.fired = true;
      due.push(subscription);
    } else if (subscription.fired && bytes <= subscription.threshold) {
      subscription.fired = false;
    }
    // A measure is part of tracked bytes, so it cannot move further than tracked bytes do: the
    // band is the nearest point at which some subscription could change state.
    if (subscription.fired) {
      lower = Math.max(lower, tracked - (bytes - subscription.threshold));
      if (afterDrop && subscription.lagsOnRelease && !recheckQueued) {
        recheckQueued = true;
        queueMicrotask(recheckAfterRelease);
      }
    } else {
      upper = Math.min(upper, tracked + (subscription.threshold - bytes));
    }
  }
  installedLower = lower;
  setTrackedBytesWatch(subscriptions.size === 0 ? null : { above: upper, atOrBelow: lower, onCross });
  let firstError: unknown = null;
  for (const subscription of due) {
    try {
      subscription.callback(subscription.describe(subscription.measure()));
    } catch (error) {
      firstError ??= error;
    }
  }
  if (firstError !== null) throw firstError;
}

function liveBytesOf(arena: Arena): number {
  const owner = arena as unknown as Partial<RegisteredOwner>;
  return typeof owner.describeForRegistry === 'function' ? owner.describeForRegistry().bytesInUse : arena.used;
}

/**
 * Calls `callback` when memory goes above a threshold: either tracked bytes across all tags
 * (a number of bytes), or one arena's live bytes above a fraction of its `maxBytes` budget.
 * It fires once per crossing: again only after the bytes have fallen back to the threshold or
 * below (a reset or free) and risen past it again. It runs synchronously inside the allocation
 * that crossed (which has succeeded); keep it short, e.g. schedule a cache trim. Returns a function
 * that unsubscribes. Relies on stats being on (the default): allocations made with stats off are
 * not tracked.
 */
export function onMemoryPressure(
  threshold: number | ArenaBudgetThreshold | ProcessThreshold,
  callback: (event: MemoryPressureEvent) => void,
): () => void {
  if (typeof callback !== 'function') throw invalidArgument(`onMemoryPressure: callback must be a function, got ${describeValue(callback)}`);
  if (typeof threshold === 'object' && threshold !== null && 'process' in threshold) return watchProcess(threshold, callback);
  let subscription: Subscription;
  if (typeof threshold === 'number') {
    if (!(threshold >= 0) || !Number.isFinite(threshold)) {
      throw invalidArgument(`onMemoryPressure: threshold must be a finite number of bytes >= 0, got ${describeValue(threshold)}`);
    }
    subscription = {
      threshold,
      measure: getTrackedBytes,
      lagsOnRelease: false,
      callback,
      describe: (bytes) => ({ source: 'tracked', bytes, threshold }),
      fired: false,
      finished: () => false,
    };
  } else {
    if (typeof threshold !== 'object' || threshold === null) {
      throw invalidArgument(`onMemoryPressure: threshold must be a number of bytes, { arena, fraction } or { process, ... }, got ${describeValue(threshold)}`);
    }
    const { arena, fraction } = threshold;
    if (typeof arena !== 'object' || arena === null || typeof arena.maxBytes !== 'number') {
      throw invalidArgument(`onMemoryPressure: { arena, fraction } needs an arena made by createArena, got ${describeValue(arena)}`);
    }
    if (!(fraction > 0 && fraction <= 1)) {
      throw invalidArgument(`onMemoryPressure: fraction must be in (0, 1], got ${describeValue(fraction)}`);
    }
    if (!Number.isFinite(arena.maxBytes)) {
      throw invalidArgument(`onMemoryPressure: arena "${arena.name}" has no maxBytes budget; give createArena a maxBytes option`);
    }
    const limit = fraction * arena.maxBytes;
    subscription = {
      threshold: limit,
      measure: () => (arena.destroyed ? 0 : liveBytesOf(arena)),
      lagsOnRelease: true,
      callback,
      describe: (bytes) => ({ source: 'arena', arena: arena.name, bytes, threshold: limit }),
      fired: false,
      finished: () => arena.destroyed,
    };
  }
  // Already above when subscribing: wait for a drop first, rather than firing on an unrelated allocation.
  subscription.fired = subscription.measure() > subscription.threshold;
  subscriptions.add(subscription);
  evaluate(false);
  return () => {
    if (subscriptions.delete(subscription)) evaluate(false);
  };
}

// ---- the process's memory ------------------------------------------------------------------------

/** What a process threshold watches: the V8 heap of this thread's isolate, or the process's RSS. */
export type ProcessMetric = 'heap' | 'rss';

/** One reading of the process's memory (see readProcessMemory). */
export interface ProcessMemoryReading {
  /** Bytes used in this thread's V8 heap (`v8.getHeapStatistics().used_heap_size`). */
  readonly heapUsed: number;
  /** The most the heap may grow to (`heap_size_limit`: --max-old-space-size and friends). */
  readonly heapLimit: number;
  /** Resident set size of the whole process (`process.memoryUsage.rss()`). */
  readonly rss: number;
  /** `process.constrainedMemory()` when the process runs under a limit (a cgroup), else undefined. */
  readonly constrainedMemory: number | undefined;
  /** Total system memory (`os.totalmem()`), when known. */
  readonly totalMemory: number | undefined;
}

/**
 * Watch the process instead of the runtime's tracked bytes. Give `fraction` (of the heap limit for
 * 'heap'; of `process.constrainedMemory()`, else total system memory, for 'rss') or `bytes`.
 * Memory is polled every `intervalMs` (default 1000) by a timer that does not keep the process
 * alive; the callback runs on that timer in the thread that subscribed.
 */
export interface ProcessThreshold {
  readonly process: ProcessMetric;
  /** In (0, 1]: fire above this fraction of the limit. */
  readonly fraction?: number;
  /** Fire above this many bytes (instead of a fraction). */
  readonly bytes?: number;
  /** Polling interval in milliseconds, at least 10 (default 1000). */
  readonly intervalMs?: number;
  /** Where readings come from (default readProcessMemory); for tests and custom sources. */
  readonly read?: () => ProcessMemoryReading;
  /**
   * Calls `poll` every `intervalMs` until the returned function is called. Default: an unref'd
   * setInterval. Tests pass their own to poll by hand.
   */
  readonly schedule?: (poll: () => void, intervalMs: number) => () => void;
}

interface NodeProcessLike {
  memoryUsage?: { rss?: () => number; (): { heapUsed: number; rss: number } };
  constrainedMemory?: () => number | undefined;
  getBuiltinModule?: (id: string) => unknown;
}

interface V8Like {
  getHeapStatistics(): { used_heap_size: number; heap_size_limit: number };
}

const nodeProcess = (globalThis as { process?: NodeProcessLike }).process;
// process.getBuiltinModule (Node 20.16+) reaches node:v8 and node:os without an import, which keeps
// the runtime free of Node-only imports (and loadable as CommonJS).
const v8 = nodeProcess?.getBuiltinModule?.('node:v8') as V8Like | undefined;
const os = nodeProcess?.getBuiltinModule?.('node:os') as { totalmem(): number } | undefined;

/** The process's limits, read once: constrainedMemory() reads cgroup files (~0.1 ms), totalmem() /proc. */
let limits: { constrainedMemory: number | undefined; totalMemory: number | undefined } | null = null;

function processLimits(): { constrainedMemory: number | undefined; totalMemory: number | undefined } {
  if (limits === null) {
    const totalMemory = os?.totalmem();
    // Unconstrained processes report 2^64 - 1 (or 0 / undefined on older Nodes): no limit.
    const constrained = nodeProcess?.constrainedMemory?.();
    const limited = constrained !== undefined && constrained > 0 && constrained < Number.MAX_SAFE_INTEGER && (totalMemory === undefined || constrained < totalMemory);
    limits = { constrainedMemory: limited ? constrained : undefined, totalMemory };
  }
  return limits;
}

/**
 * Reads the process's memory now: V8's heap statistics (~2 µs) and the resident set (one read of
 * /proc on Linux, ~50 µs on a loaded machine). The limits (constrained and total memory) are read
 * once, at the first call. Outside Node, or where a figure is unavailable, it is 0 / undefined.
 */
export function readProcessMemory(): ProcessMemoryReading {
  const heap = v8?.getHeapStatistics();
  const usage = nodeProcess?.memoryUsage;
  const rss = usage === undefined ? 0 : typeof usage.rss === 'function' ? usage.rss() : usage().rss;
  return {
    heapUsed: heap?.used_heap_size ?? (usage === undefined ? 0 : usage().heapUsed),
    heapLimit: heap?.heap_size_limit ?? 0,
    rss,
    ...processLimits(),
  };
}

/** An interval that does not keep the process (or worker) alive. */
function unrefInterval(poll: () => void, intervalMs: number): () => void {
  const timer = setInterval(poll, intervalMs) as unknown as { unref?: () => void };
  timer.unref?.();
  return () => clearInterval(timer as unknown as ReturnType<typeof setInterval>);
}

/** The limit a fraction is taken of, for one reading. */
function limitOf(metric: ProcessMetric, reading: ProcessMemoryReading): number | undefined {
  if (metric === 'heap') return reading.heapLimit > 0 ? reading.heapLimit : undefined;
  return reading.constrainedMemory ?? reading.totalMemory;
}

function watchProcess(threshold: ProcessThreshold, callback: (event: MemoryPressureEvent) => void): () => void {
  const { process: metric, fraction, bytes, intervalMs = 1000, read = readProcessMemory, schedule = unrefInterval } = threshold;
  if (metric !== 'heap' && metric !== 'rss') throw invalidArgument(`onMemoryPressure: process must be 'heap' or 'rss', got ${describeValue(metric)}`);
  if ((fraction === undefined) === (bytes === undefined)) {
    throw invalidArgument(`onMemoryPressure: a process threshold takes either fraction or bytes (one of them), got fraction ${describeValue(fraction)} and bytes ${describeValue(bytes)}`);
  }
  if (fraction !== undefined && !(fraction > 0 && fraction <= 1)) throw invalidArgument(`onMemoryPressure: fraction must be in (0, 1], got ${describeValue(fraction)}`);
  if (bytes !== undefined && !(bytes >= 0 && Number.isFinite(bytes))) throw invalidArgument(`onMemoryPressure: bytes must be a finite number >= 0, got ${describeValue(bytes)}`);
  if (!(Number.isFinite(intervalMs) && intervalMs >= 10)) throw invalidArgument(`onMemoryPressure: intervalMs must be a number >= 10, got ${describeValue(intervalMs)}`);
  if (typeof read !== 'function' || typeof schedule !== 'function') throw invalidArgument('onMemoryPressure: read and schedule must be functions when given');

  const measure = (): { bytes: number; threshold: number; limit: number | undefined } => {
    const reading = read();
    const used = metric === 'heap' ? reading.heapUsed : reading.rss;
    const limit = limitOf(metric, reading);
    if (bytes !== undefined) return { bytes: used, threshold: bytes, limit };
    if (limit === undefined) {
      throw invalidArgument(`onMemoryPressure: no ${metric === 'heap' ? 'heap limit' : 'memory limit'} is known here to take a fraction of; give bytes instead`);
    }
    return { bytes: used, threshold: fraction! * limit, limit };
  };
  // Like the other thresholds: already above when subscribing means waiting for a drop first.
  const first = measure();
  let above = first.bytes > first.threshold;
  const poll = (): void => {
    const now = measure();
    if (!above && now.bytes > now.threshold) {
      above = true;
      callback({ source: 'process', metric, bytes: now.bytes, threshold: now.threshold, ...(now.limit === undefined ? {} : { limit: now.limit }) });
    } else if (above && now.bytes <= now.threshold) {
      above = false;
    }
  };
  let stop: (() => void) | null = schedule(poll, intervalMs);
  return () => {
    stop?.();
    stop = null;
  };
}

export interface OomPredictor {
  /** Records tracked bytes now (call it on a timer, or after each request). */
  sample(now?: number): void;
  predict(options?: PredictOptions): OomPrediction;
  readonly sampler: MemorySampler;
}

/**
 * An OOM predictor over tracked bytes and a budget (bytes): sample it periodically, ask it when the
 * budget will run out. See predictExhaustion for how the estimate is made.
 */
export function createOomPredictor(budget: number, capacity = 120): OomPredictor {
  if (!(budget > 0) || !Number.isFinite(budget)) {
    throw invalidArgument(`createOomPredictor: budget must be a finite number of bytes > 0, got ${describeValue(budget)}`);
  }
  const sampler = new MemorySampler(capacity);
  return {
    sampler,
    sample(now = Date.now()) {
      sampler.record(getTrackedBytes(), now);
    },
    predict(options) {
      return sampler.predict(budget, options);
    },
  };
}
