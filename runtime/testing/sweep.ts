// The SQLite way of testing out-of-memory handling: run the code once per allocation it makes,
// failing allocation k on run k, and after every run check that nothing leaked and the caller's
// invariants still hold. The sweep ends with the first run in which no failure was injected (the
// code made fewer than k allocations), which is also checked.

import { isDebugMode, setDebugMode } from '../debug.js';
import { checkOptions, describeValue, invalidArgument } from '../errors.js';
import { isPromiseLike } from '../promises.js';
import { describeInjectedFailure, injectAllocationFailures, type InjectedFailure } from './failures.js';
import { captureBaseline, findLeaks } from './leaks.js';
import { LeakError } from './leak-report.js';
import type { FailurePlan } from './schedule.js';

export interface AllocationFailureSweepOptions {
  /**
   * Called after every run (the failing ones and the final clean one); throw to report a broken
   * invariant. `run` is 1-based; `failure` is the injected failure, or null on the clean run.
   */
  readonly check?: (run: number, failure: InjectedFailure | null) => void;
  /**
   * Whether an error thrown by the code under test is an acceptable reaction to the injected
   * failure. Default: any error is, when a failure was injected in that run.
   */
  readonly isExpectedError?: (error: unknown, failure: InjectedFailure) => boolean;
  /** Count (and fail) only these allocations: a tag, kind or owner filter. Default: all. */
  readonly only?: Pick<FailurePlan, 'tag' | 'kind' | 'owner'>;
  /** Safety stop for code whose allocation count never settles. Default 100,000 runs. */
  readonly maxRuns?: number;
  /** Debug mode during the sweep, so leak reports name allocation sites. Default true. */
  readonly debug?: boolean;
}

/** What happened on one run of the sweep. */
export interface SweepRun {
  readonly run: number;
  readonly failure: InjectedFailure | null;
  /** threw: the code gave up with an error; recovered: it returned despite the failure; clean: no failure. */
  readonly outcome: 'threw' | 'recovered' | 'clean';
  readonly error?: unknown;
}

export interface AllocationFailureSweep {
  /** Allocations the clean run made (those counted by `only`): one failing run each. */
  readonly allocations: number;
  readonly runs: readonly SweepRun[];
}

/** A broken invariant or unexpected error during a sweep, naming the run and the failed allocation. */
export class AllocationFailureSweepError extends Error {
  override readonly name = 'AllocationFailureSweepError';
  constructor(
    message: string,
    readonly run: number,
    readonly failure: InjectedFailure | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface RunState {
  readonly run: number;
  readonly baseline: ReturnType<typeof captureBaseline>;
  readonly injection: ReturnType<typeof injectAllocationFailures>;
}

function startRun(run: number, options: AllocationFailureSweepOptions): RunState {
  const baseline = captureBaseline();
  const injection = injectAllocationFailures({ ...options.only, nth: run });
  return { run, baseline, injection };
}

/** Ends a run: removes the injection, checks leaks and invariants, and classifies the outcome. */
function finishRun(
  state: RunState,
  result: { ok: true } | { ok: false; error: unknown },
  options: AllocationFailureSweepOptions,
): SweepRun {
  const { run, baseline, injection } = state;
  injection.stop();
  const failure = injection.failures[0] ?? null;
  const what = failure === null ? `run ${run} (no failure injected)` : `run ${run}, ${describeInjectedFailure(failure)} failed`;
  if (!result.ok) {
    if (failure === null) {
      throw new AllocationFailureSweepError(`${what}: the code threw with no injected failure: ${String(result.error)}`, run, null, {
        cause: result.error,
      });
    }
    if (options.isExpectedError !== undefined && !options.isExpectedError(result.error, failure)) {
      throw new AllocationFailureSweepError(`${what}: unexpected error: ${String(result.error)}`, run, failure, { cause: result.error });
    }
  }
  const leaks = findLeaks(baseline);
  if (leaks.length > 0) {
    const leakError = new LeakError(leaks, what);
    throw new AllocationFailureSweepError(leakError.message, run, failure, { cause: result.ok ? leakError : result.error });
  }
  if (options.check !== undefined) {
    try {
      options.check(run, failure);
    } catch (error) {
      throw new AllocationFailureSweepError(
        `${what}: invariant check failed: ${error instanceof Error ? error.message : String(error)}`,
        run,
        failure,
        { cause: error },
      );
    }
  }
  const outcome = failure === null ? 'clean' : result.ok ? 'recovered' : 'threw';
  return result.ok ? { run, failure, outcome } : { run, failure, outcome, error: result.error };
}

/**
 * Runs `fn` once per allocation it makes, failing allocation k on run k (arena allocs and
 * allocTagged throw ERR_OUT_OF_MEMORY, pools return null), until a run makes no failed allocation.
 * After each run it checks that everything `fn` created or allocated was released and calls
 * `options.check`. Throws AllocationFailureSweepError on the first leak, broken invariant or
 * unexpected error; otherwise returns what each run did. `fn` must be deterministic: the same
 * allocations in the same order on every run. Async `fn`s get a promise back.
 */
export function forEachAllocationFailure(
  fn: () => Promise<unknown>,
  options?: AllocationFailureSweepOptions,
): Promise<AllocationFailureSweep>;
export function forEachAllocationFailure(fn: () => unknown, options?: AllocationFailureSweepOptions): AllocationFailureSweep;
export function forEachAllocationFailure(
  fn: () => unknown,
  options: AllocationFailureSweepOptions = {},
): AllocationFailureSweep | Promise<AllocationFailureSweep> {
  if (typeof fn !== 'function') throw invalidArgument(`forEachAllocationFailure needs a function to run, got ${describeValue(fn)}`);
  options = checkOptions(options, 'forEachAllocationFailure');
  const maxRuns = options.maxRuns ?? 100_000;
  if (!(Number.isInteger(maxRuns) && maxRuns >= 1)) throw invalidArgument(`forEachAllocationFailure: maxRuns must be a whole number >= 1, got ${describeValue(maxRuns)}`);
  const previousDebug = isDebugMode();
  if (options.debug ?? true) setDebugMode(true);
  const runs: SweepRun[] = [];
  const restore = (): void => setDebugMode(previousDebug);
  const done = (last: SweepRun): AllocationFailureSweep | null => {
    runs.push(last);
    if (last.outcome === 'clean') return { allocations: last.run - 1, runs };
    if (last.run >= maxRuns) {
      throw new AllocationFailureSweepError(`the code still allocated after ${maxRuns} runs; is it deterministic?`, last.run, last.failure);
    }
    return null;
  };

  // Synchronous runs until the first one returns a promise; from there on the sweep is async.
  let handedToAsync = false;
  try {
    for (let run = 1; ; run++) {
      const state = startRun(run, options);
      let value: unknown;
      try {
        value = fn();
      } catch (error) {
        const finished = done(finishRun(state, { ok: false, error }, options));
        if (finished !== null) return finished;
        continue;
      }
      if (isPromiseLike(value)) {
        handedToAsync = true;
        return continueAsync(fn, state, value, options, done).finally(restore);
      }
      const finished = done(finishRun(state, { ok: true }, options));
      if (finished !== null) return finished;
    }
  } finally {
    // The async branch restores debug mode itself once it settles.
    if (!handedToAsync) restore();
  }
}

async function continueAsync(
  fn: () => unknown,
  first: RunState,
  firstValue: PromiseLike<unknown>,
  options: AllocationFailureSweepOptions,
  done: (last: SweepRun) => AllocationFailureSweep | null,
): Promise<AllocationFailureSweep> {
  let state = first;
  let pending: PromiseLike<unknown> | unknown = firstValue;
  for (;;) {
    let result: { ok: true } | { ok: false; error: unknown };
    try {
      await pending;
      result = { ok: true };
    } catch (error) {
      result = { ok: false, error };
    }
    const finished = done(finishRun(state, result, options));
    if (finished !== null) return finished;
    state = startRun(state.run + 1, options);
    try {
      pending = fn();
    } catch (error) {
      pending = Promise.reject(error);
    }
  }
}
