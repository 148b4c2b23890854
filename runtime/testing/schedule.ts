// Failure schedules: which allocations an injected failure hits. Pure and deterministic, so a
// failing test replays exactly from its plan (and its seed).

import type { Tag } from '../types.js';
import { checkOptions, describeValue, invalidArgument } from '../errors.js';

/** What the runtime is about to allocate; the schedule decides whether it fails. */
export interface AllocationRequest {
  readonly kind: AllocationKind;
  /** The arena or pool name ('' for allocTagged). */
  readonly owner: string;
  readonly tag: Tag;
  /** Bytes requested (pools: the object size; object pools: bytesPerObject). */
  readonly size: number;
}

/** arena: alloc/allocAligned; pool: pool.alloc; objectPool: objectPool.alloc; tagged: allocTagged. */
export type AllocationKind = 'arena' | 'pool' | 'objectPool' | 'tagged';

/**
 * Which allocations fail. Filters (`tag`, `kind`, `owner`) choose the allocations that are counted;
 * triggers (`nth`, `every`, `probability`) choose which counted ones fail, and any trigger firing
 * fails it. With filters but no trigger, every counted allocation fails ("fail all Edge allocs").
 */
export interface FailurePlan {
  /** Fail only the n-th counted allocation (1-based). */
  readonly nth?: number;
  /** Fail every n-th counted allocation: n, 2n, 3n, ... */
  readonly every?: number;
  /** Fail each counted allocation with this probability, from `seed` (deterministic). */
  readonly probability?: number;
  readonly seed?: number;
  /** Count only allocations with this tag (or one of these tags). */
  readonly tag?: Tag | readonly Tag[];
  /** Count only these kinds of allocation. */
  readonly kind?: AllocationKind | readonly AllocationKind[];
  /** Count only allocations from arenas/pools with this name. */
  readonly owner?: string;
  /** Stop failing after this many injected failures. */
  readonly maxFailures?: number;
}

/** A stateful decision function plus what it has seen, for assertions and messages. */
export interface FailureSchedule {
  /** Call once per allocation attempt; true means "make this one fail". */
  shouldFail(request: AllocationRequest): boolean;
  /** Allocations that matched the filters so far. */
  readonly counted: number;
  /** Failures injected so far. */
  readonly failures: number;
  readonly plan: FailurePlan;
}

/** mulberry32: a tiny, well-mixed 32-bit PRNG; same seed, same sequence, on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function checkPositiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw invalidArgument(`failure plan: ${name} must be an integer >= 1, got ${describeValue(value)}`);
  }
}

export function validateFailurePlan(plan: FailurePlan): void {
  if (plan === undefined) throw invalidArgument('failure plan: give a plan object (nth, every, probability, or a tag/kind/owner filter)');
  checkOptions(plan, 'failure plan');
  checkPositiveInteger('nth', plan.nth);
  checkPositiveInteger('every', plan.every);
  if (plan.maxFailures !== undefined && (!Number.isInteger(plan.maxFailures) || plan.maxFailures < 0)) {
    throw invalidArgument(`failure plan: maxFailures must be an integer >= 0, got ${describeValue(plan.maxFailures)}`);
  }
  if (plan.probability !== undefined) {
    if (!(plan.probability >= 0 && plan.probability <= 1)) {
      throw invalidArgument(`failure plan: probability must be in [0, 1], got ${describeValue(plan.probability)}`);
    }
    if (plan.seed === undefined) {
      throw invalidArgument('failure plan: probability needs a seed, so that a failing run can be replayed');
    }
  }
  if (plan.seed !== undefined && !Number.isInteger(plan.seed)) {
    throw invalidArgument(`failure plan: seed must be an integer, got ${describeValue(plan.seed)}`);
  }
  const hasFilter = plan.tag !== undefined || plan.kind !== undefined || plan.owner !== undefined;
  const hasTrigger = plan.nth !== undefined || plan.every !== undefined || plan.probability !== undefined;
  if (!hasFilter && !hasTrigger) {
    throw invalidArgument('failure plan: give nth, every, probability, or a tag/kind/owner filter; an empty plan would fail every allocation');
  }
}

const asList = <T>(value: T | readonly T[] | undefined): readonly T[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? (value as readonly T[]) : [value as T];

export function createFailureSchedule(plan: FailurePlan): FailureSchedule {
  validateFailurePlan(plan);
  const tags = asList(plan.tag);
  const kinds = asList(plan.kind);
  const random = plan.probability === undefined ? null : seededRandom(plan.seed ?? 0);
  const hasTrigger = plan.nth !== undefined || plan.every !== undefined || random !== null;
  let counted = 0;
  let failures = 0;
  return {
    plan,
    get counted() {
      return counted;
    },
    get failures() {
      return failures;
    },
    shouldFail(request) {
      if (tags !== undefined && !tags.includes(request.tag)) return false;
      if (kinds !== undefined && !kinds.includes(request.kind)) return false;
      if (plan.owner !== undefined && request.owner !== plan.owner) return false;
      counted++;
      // Draw even when another trigger fires, so the random sequence depends only on the count.
      const randomFires = random !== null && random() < (plan.probability ?? 0);
      if (plan.maxFailures !== undefined && failures >= plan.maxFailures) return false;
      const fail =
        !hasTrigger ||
        counted === plan.nth ||
        (plan.every !== undefined && counted % plan.every === 0) ||
        randomFires;
      if (fail) failures++;
      return fail;
    },
  };
}
