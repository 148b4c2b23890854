/// <reference lib="esnext.disposable" preserve="true" />
// (Kept in the emitted .d.ts: users' `lib` need not name esnext.disposable for `Disposable` here.)
// Allocation failure injection on top of the runtime's allocation gate: while an injection is
// active, the allocations its plan picks fail as if memory ran out (arena.alloc and allocTagged
// throw ERR_OUT_OF_MEMORY, pool.alloc and objectPool.alloc return null).

import { setAllocationGate, type AllocationRequest as GateRequest } from '../internal.js';
import { allocationGate } from '../registry.js';
import { tagLabel } from '../tags.js';
import type { Tag } from '../types.js';
import { isPromiseLike } from '../promises.js';
import { createFailureSchedule, type AllocationRequest, type FailurePlan, type FailureSchedule } from './schedule.js';

/** An allocation that an injection made fail. */
export interface InjectedFailure {
  /** Position among the allocations the plan counted (1-based). */
  readonly index: number;
  readonly kind: AllocationRequest['kind'];
  readonly owner: string;
  readonly tag: string;
  readonly size: number;
}

/** A running injection; `stop()` (or `using`) removes it. */
export interface AllocationFailureInjection extends Disposable {
  readonly plan: FailurePlan;
  /** Allocations the plan counted so far (those matching its filters). */
  readonly counted: number;
  readonly failures: readonly InjectedFailure[];
  readonly active: boolean;
  stop(): void;
}

let activeInjection: AllocationFailureInjection | null = null;

/** Describes a failure for messages: `allocation #3 (arena "request", tag Edge, 24 bytes)`. */
export function describeInjectedFailure(failure: InjectedFailure): string {
  const where =
    failure.kind === 'tagged'
      ? 'allocTagged'
      : `${failure.kind === 'objectPool' ? 'object pool' : failure.kind} "${failure.owner}"`;
  return `allocation #${failure.index} (${where}, tag ${failure.tag}, ${failure.size} bytes)`;
}

/**
 * Starts failing allocations per `plan` until `stop()` is called. Only one injection can be active
 * at a time (the runtime has one gate); starting a second throws.
 */
export function injectAllocationFailures(plan: FailurePlan): AllocationFailureInjection {
  if (activeInjection !== null) {
    throw new Error('injectAllocationFailures: another failure injection is active; stop it first');
  }
  if (allocationGate !== null) {
    throw new Error('injectAllocationFailures: an allocation gate is already installed (setAllocationGate); remove it first');
  }
  const schedule: FailureSchedule = createFailureSchedule(plan);
  const failures: InjectedFailure[] = [];
  let active = true;
  const gate = (request: GateRequest): boolean => {
    const typed: AllocationRequest = {
      kind: request.kind,
      owner: request.owner,
      tag: request.tag as Tag,
      size: request.size,
    };
    if (!schedule.shouldFail(typed)) return false;
    failures.push({
      index: schedule.counted,
      kind: request.kind,
      owner: request.owner,
      tag: tagLabel(request.tag),
      size: request.size,
    });
    return true;
  };
  const injection: AllocationFailureInjection = {
    plan,
    get counted() {
      return schedule.counted;
    },
    failures,
    get active() {
      return active;
    },
    stop() {
      if (!active) return;
      active = false;
      setAllocationGate(null);
      activeInjection = null;
    },
    [Symbol.dispose]() {
      injection.stop();
    },
  };
  setAllocationGate(gate);
  activeInjection = injection;
  return injection;
}

/**
 * Runs `fn` with failures injected per `plan`, and removes the injection when `fn` returns, throws,
 * or (for an async `fn`) settles.
 */
export function withAllocationFailures<T>(plan: FailurePlan, fn: (injection: AllocationFailureInjection) => T): T {
  const injection = injectAllocationFailures(plan);
  let result: T;
  try {
    result = fn(injection);
  } catch (error) {
    injection.stop();
    throw error;
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).finally(() => injection.stop()) as T;
  }
  injection.stop();
  return result;
}

