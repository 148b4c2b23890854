// Leak detection: remember what was alive at a point (a baseline), and later list everything that
// has been created or allocated since and is still alive.
//
// What counts as a leak since the baseline:
// - an arena, pool or object pool created since and not destroyed;
// - a handle taken since from a pool or object pool that already existed, and not freed;
// - an allocTagged allocation made since and not freed.
// Allocations inside an arena that is still alive are not leaks by themselves: the arena owns them,
// and its reset or destroy frees them. Allocations in an owner created since are reported with it.

import { isDebugMode, setDebugMode } from '../debug.js';
import { checkOptions, describeValue, invalidArgument } from '../errors.js';
import { isPromiseLike } from '../promises.js';
import { liveOwnerRecords, liveSlotAllocations, liveTaggedRecords, type OwnerRecord } from './introspect.js';
import { LeakError, type Leak } from './leak-report.js';

interface OwnerAtBaseline {
  /** Live handles then, when the runtime can list them; else null and only the count is compared. */
  readonly handles: ReadonlySet<number> | null;
  readonly liveCount: number;
}

/** What was alive at one moment; pass it to findLeaks later. */
export class MemoryBaseline {
  /** @internal use captureBaseline() */
  constructor(
    /** @internal weak, so a kept baseline does not keep destroyed owners alive */ readonly owners: WeakMap<object, OwnerAtBaseline>,
    /** @internal */ readonly taggedHandles: ReadonlySet<number>,
  ) {}
}

/** Records what is alive now. Cost grows with the number of live pool handles and tagged allocations. */
export function captureBaseline(): MemoryBaseline {
  const owners = new WeakMap<object, OwnerAtBaseline>();
  for (const owner of liveOwnerRecords()) {
    const slots = owner.kind === 'arena' || owner.liveCount === 0 ? [] : liveSlotAllocations(owner);
    owners.set(owner.ref, {
      handles: slots === null ? null : new Set(slots.map((slot) => slot.handle)),
      liveCount: owner.liveCount,
    });
  }
  return new MemoryBaseline(owners, new Set(liveTaggedRecords().map((allocation) => allocation.handle)));
}

/** Pool handles taken since the baseline and still out, one entry per allocation site. */
function poolHandleLeaks(owner: OwnerRecord, before: OwnerAtBaseline): Leak[] {
  if (owner.kind === 'arena' || owner.liveCount === 0) return [];
  const slots = liveSlotAllocations(owner);
  if (slots === null || before.handles === null) {
    const extra = owner.liveCount - before.liveCount;
    if (extra <= 0) return [];
    const perHandle = owner.liveCount === 0 ? 0 : owner.bytesInUse / owner.liveCount;
    return [{ kind: 'poolHandles', owner: owner.name, tag: owner.tag, bytes: extra * perHandle, count: extra, site: null }];
  }
  const handlesBefore = before.handles;
  const bySite = new Map<string, { bytes: number; count: number; site: string | null }>();
  for (const slot of slots) {
    if (handlesBefore.has(slot.handle)) continue;
    const key = slot.site ?? '';
    const entry = bySite.get(key) ?? { bytes: 0, count: 0, site: slot.site };
    entry.bytes += slot.size;
    entry.count += 1;
    bySite.set(key, entry);
  }
  return [...bySite.values()].map((entry) => ({ kind: 'poolHandles' as const, owner: owner.name, tag: owner.tag, ...entry }));
}

/** Everything created or allocated since `baseline` that is still alive (see the module comment). */
export function findLeaks(baseline: MemoryBaseline): Leak[] {
  if (!(baseline instanceof MemoryBaseline)) throw invalidArgument(`findLeaks needs a baseline from captureBaseline(), got ${describeValue(baseline)}`);
  const leaks: Leak[] = [];
  for (const owner of liveOwnerRecords()) {
    const before = baseline.owners.get(owner.ref);
    if (before === undefined) {
      leaks.push({ kind: owner.kind, owner: owner.name, tag: owner.tag, bytes: owner.bytesInUse, count: owner.liveCount, site: owner.site });
    } else {
      leaks.push(...poolHandleLeaks(owner, before));
    }
  }
  for (const allocation of liveTaggedRecords()) {
    if (baseline.taggedHandles.has(allocation.handle)) continue;
    leaks.push({ kind: 'tagged', owner: '', tag: allocation.tag, bytes: allocation.size, count: 1, site: allocation.site });
  }
  return leaks;
}

/** Throws a LeakError naming everything leaked since `baseline`. */
export function assertNoLeaksSince(baseline: MemoryBaseline, context = 'this test'): void {
  const leaks = findLeaks(baseline);
  if (leaks.length > 0) throw new LeakError(leaks, context);
}

export interface ExpectNoLeaksOptions {
  /** Turn on debug mode while `fn` runs, so leaks name their allocation sites. Default true. */
  readonly debug?: boolean;
  /** Names the checked code in the report ("3 leaks in <context>"). Default "expectNoLeaks". */
  readonly context?: string;
}

/**
 * Runs `fn` and throws a LeakError if anything it created or allocated is still alive afterwards.
 * Returns what `fn` returns; for an async `fn`, returns a promise and checks once it settles.
 * If `fn` throws and also leaks, the LeakError is thrown with `fn`'s error as its `cause`
 * (error paths are where leaks hide); if it throws without leaking, its error is rethrown.
 * Works with any test runner: it only throws.
 */
export function expectNoLeaks<T>(fn: () => Promise<T>, options?: ExpectNoLeaksOptions): Promise<T>;
export function expectNoLeaks<T>(fn: () => T, options?: ExpectNoLeaksOptions): T;
export function expectNoLeaks<T>(fn: () => T, options: ExpectNoLeaksOptions = {}): T {
  if (typeof fn !== 'function') throw invalidArgument(`expectNoLeaks needs a function to run, got ${describeValue(fn)}`);
  options = checkOptions(options, 'expectNoLeaks');
  const context = options.context ?? 'expectNoLeaks';
  const previousDebug = isDebugMode();
  if (options.debug ?? true) setDebugMode(true);
  const baseline = captureBaseline();
  const finish = (outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): unknown => {
    setDebugMode(previousDebug);
    const leaks = findLeaks(baseline);
    if (leaks.length > 0) {
      const leakError = new LeakError(leaks, context);
      if (!outcome.ok) (leakError as Error & { cause?: unknown }).cause = outcome.error;
      throw leakError;
    }
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  };
  let result: T;
  try {
    result = fn();
  } catch (error) {
    return finish({ ok: false, error }) as T;
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).then(
      (value) => finish({ ok: true, value }),
      (error: unknown) => finish({ ok: false, error }),
    ) as T;
  }
  return finish({ ok: true, value: result }) as T;
}
