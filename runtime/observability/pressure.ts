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
  /** What crossed: all tracked bytes, or one arena's live bytes against its budget. */
  readonly source: 'tracked' | 'arena';
  /** The arena's name when source is "arena". */
  readonly arena?: string;
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
  threshold: number | ArenaBudgetThreshold,
  callback: (event: MemoryPressureEvent) => void,
): () => void {
  if (typeof callback !== 'function') throw invalidArgument(`onMemoryPressure: callback must be a function, got ${describeValue(callback)}`);
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
      throw invalidArgument(`onMemoryPressure: threshold must be a number of bytes or { arena, fraction }, got ${describeValue(threshold)}`);
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
