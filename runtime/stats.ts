// Per-tag memory statistics, kept in typed arrays indexed by tag so that the allocation fast path
// costs two typed-array adds and no objects.
//
// Peaks are folded in lazily: between two releases a tag's current bytes only grow, so its highest
// value is the one just before a release (or now). Releases and readers fold the current value into
// the peak; an allocation only compares with the level at which a new peak gets a timestamp (1/64
// above the last stamped one), so peak times stay those of the allocations that reached them. Tracked bytes (all tags) are the sum of current bytes,
// kept up to date on the fast path only while a pressure hook or band watch needs them.
import { ArenaError, describeValue, invalidArgument } from './errors.js';
import { MAX_TAGS, allTags, isDefinedTag, tagName, throwInvalidTag } from './tags.js';
import type { MemStats, Tag } from './types.js';

/** Size classes: class k counts allocations of (2^(k-1), 2^k] bytes; class 0 is size 1 (k <= 32). */
export const SIZE_CLASSES = 33;

const currentBytes = new Float64Array(MAX_TAGS);
const peakBytes = new Float64Array(MAX_TAGS);
const totalAllocs = new Float64Array(MAX_TAGS);
const totalFrees = new Float64Array(MAX_TAGS);
// Live count = liveAtCounterReset + totalAllocs - totalFrees: one counter fewer on the fast path.
const liveAtCounterReset = new Float64Array(MAX_TAGS);
const peakAt = new Float64Array(MAX_TAGS);
// A new peak is timestamped only once it exceeds the last stamped peak by 1/64: reading the clock on
// every allocation of a growing workload would cost more than the allocation itself.
const peakStampAbove = new Float64Array(MAX_TAGS);
const sizeClassCounts = new Float64Array(MAX_TAGS * SIZE_CLASSES);

// While a pressure hook or band watch is installed (pressureWatched): tracked bytes across all tags,
// the trigger and the rearm level, in one typed array so updates store raw doubles and never box.
const TRACKED = 0;
const TRIGGER = 1;
const REARM = 2;
const pressureState = new Float64Array([0, Infinity, -Infinity]);
/** Whether a hook or watch needs tracked bytes on every allocation and release. */
let pressureWatched = false;

function sumCurrentBytes(): number {
  let total = 0;
  for (let tag = 0; tag < MAX_TAGS; tag++) total += currentBytes[tag]!;
  return total;
}

/** Starts (or stops) keeping pressureState[TRACKED] current on every allocation and release. */
function watchPressure(on: boolean): void {
  // Owners flushed now compute their next budget with the new setting (0 while watched).
  flushDeferredCharges();
  pressureWatched = on;
  pressureState[TRACKED] = sumCurrentBytes();
}

/** Whether allocations update the stats. Live binding: read it, set it with setStatsEnabled. */
export let statsEnabled = true;

/**
 * Turns stats collection on or off (on by default). Allocations made while it is off are not
 * counted, and their later reset/free is not subtracted, so the numbers stay consistent.
 */
export function setStatsEnabled(on: boolean): void {
  if (typeof on !== 'boolean') throw invalidArgument(`setStatsEnabled takes true or false, got ${describeValue(on)}`);
  statsEnabled = on;
}

export function isStatsEnabled(): boolean {
  return statsEnabled;
}

// Pressure: one compare on each path. The trigger is the threshold while armed and Infinity after
// firing; the rearm level is the threshold after firing and -Infinity while armed.
let pressureThreshold = Infinity;
let pressureCallback: ((event: PressureEvent) => void) | null = null;

export interface PressureEvent {
  /** Tracked bytes across all tags right after the allocation that crossed the threshold. */
  readonly trackedBytes: number;
  readonly threshold: number;
  /** The tag of that allocation. */
  readonly tag: Tag;
}

/**
 * Calls `callback` (synchronously, inside the allocation) when tracked bytes across all tags go
 * above `threshold`; it fires again only after they have fallen back to the threshold or below.
 * The allocation that crossed the threshold has already succeeded; an exception thrown by the
 * callback propagates out of that allocation call. `null` removes the hook.
 */
export function setPressureHook(threshold: number, callback: ((event: PressureEvent) => void) | null): void {
  if (callback !== null && (typeof threshold !== 'number' || Number.isNaN(threshold) || threshold < 0)) {
    throw new ArenaError('ERR_INVALID_SIZE', `pressure threshold must be a number >= 0, got ${String(threshold)}`);
  }
  watchCallback = null;
  pressureCallback = callback;
  pressureThreshold = callback === null ? Infinity : threshold;
  watchPressure(callback !== null);
  if (callback === null || pressureState[TRACKED]! <= threshold) {
    pressureState[TRIGGER] = pressureThreshold;
    pressureState[REARM] = -Infinity;
  } else {
    // Already above: wait for a drop before firing, rather than firing on an unrelated allocation.
    pressureState[TRIGGER] = Infinity;
    pressureState[REARM] = threshold;
  }
}

// Observability's band watch (runtime/observability/pressure.ts) reuses the same two compares: it
// sets both bounds itself and is called on either crossing. It and setPressureHook replace each other.
let watchCallback: ((trackedBytes: number) => void) | null = null;

export interface TrackedBytesWatch {
  /** Call onCross when an allocation takes tracked bytes above this... */
  readonly above: number;
  /** ...or a free/reset takes them to this or lower. */
  readonly atOrBelow: number;
  /** Called once, then the watch is disarmed until set again (onCross usually sets the next band). */
  readonly onCross: (trackedBytes: number) => void;
}

/** Installs (or with null removes) a band watch on tracked bytes; replaces any setPressureHook hook. */
export function setTrackedBytesWatch(watch: TrackedBytesWatch | null): void {
  pressureCallback = null;
  pressureThreshold = Infinity;
  watchCallback = watch === null ? null : watch.onCross;
  watchPressure(watch !== null);
  pressureState[TRIGGER] = watch === null ? Infinity : watch.above;
  pressureState[REARM] = watch === null ? -Infinity : watch.atOrBelow;
}

function fireWatch(): void {
  const callback = watchCallback!;
  pressureState[TRIGGER] = Infinity;
  pressureState[REARM] = -Infinity;
  callback(pressureState[TRACKED]!);
}

function firePressure(tag: Tag): void {
  if (watchCallback !== null) return fireWatch();
  pressureState[TRIGGER] = Infinity;
  pressureState[REARM] = pressureThreshold;
  pressureCallback?.({ trackedBytes: pressureState[TRACKED]!, threshold: pressureThreshold, tag });
}

export function sizeClassOf(size: number): number {
  return size <= 1 ? 0 : 32 - Math.clz32(size - 1);
}

// ---- deferred charges (arenas) ------------------------------------------------------------------
// An arena adds its counted allocations up in its own fields and charges them here in one batch
// (`flushCharges`). It registers here with its first unflushed allocation, and flushes before its
// run of a tag ends, before a reset or destroy, whenever its pending bytes could take the tag past
// the level at which a new peak gets a timestamp, and on every allocation while a pressure hook
// or band watch is installed. Everything that reads the stats, and every other charge or release of
// the same tag, flushes the registered arenas first: the numbers seen are always exact, and a peak
// folded at a release includes the arenas' allocations made before it.

/** Implemented by arenas: charge the pending allocations now (which unregisters the owner). */
export interface DeferredCharges {
  flushCharges(): void;
  /** Where the owner is in the registry while registered (kept by stats.ts). */
  deferredSlot: number;
}

const pendingOwners: DeferredCharges[] = [];
const pendingTagOf: number[] = [];
const pendingGrantOf: number[] = [];
/** Registered owners per tag, so a charge of a tag nobody defers costs one compare. */
const pendingPerTag = new Int32Array(MAX_TAGS);
/** Bytes granted to the registered owners of each tag (see registerDeferredCharges). */
const grantedBytes = new Float64Array(MAX_TAGS);

/**
 * Registers an owner about to keep charges of `tag` pending (its `flushCharges` must call
 * chargeDeferred) and returns how many bytes it may keep pending before it must flush. Owners of
 * one tag share the room left below the tag's next peak-timestamp level, so together they can never
 * pass that level unnoticed: an owner alone gets all of it; one joining others gets half of what
 * they have not been granted, after flushing them if they hold more than half (they keep the other
 * half for when they register again, so two arenas allocating in turn do not flush each other on
 * every allocation). The grant is 0 while
 * a pressure hook or band watch needs every byte.
 */
export function registerDeferredCharges(owner: DeferredCharges, tag: number): number {
  let grant = 0;
  if (!pressureWatched) {
    let total = peakStampAbove[tag]! - currentBytes[tag]!;
    // Owners just flushed are likely to register again: leave them half, as if they still were.
    const shared = pendingPerTag[tag] !== 0;
    if (shared && total - grantedBytes[tag]! < total / 2) {
      flushTag(tag);
      total = peakStampAbove[tag]! - currentBytes[tag]!;
    }
    const room = total - grantedBytes[tag]!;
    grant = room > 0 ? Math.floor(shared ? room / 2 : room) : 0;
  }
  owner.deferredSlot = pendingOwners.length;
  pendingOwners.push(owner);
  pendingTagOf.push(tag);
  pendingGrantOf.push(grant);
  pendingPerTag[tag]!++;
  grantedBytes[tag] = grantedBytes[tag]! + grant;
  return grant;
}

/** Charges `count` allocations of `tag` totalling `bytes` for a registered owner and unregisters it. */
export function chargeDeferred(owner: DeferredCharges, tag: number, bytes: number, count: number): void {
  const position = owner.deferredSlot;
  if (pendingOwners[position] === owner) {
    grantedBytes[tag] = grantedBytes[tag]! - pendingGrantOf[position]!;
    // Swap-remove: the last entry takes this one's place.
    const last = pendingOwners.length - 1;
    const moved = pendingOwners[last]!;
    pendingOwners[position] = moved;
    pendingTagOf[position] = pendingTagOf[last]!;
    pendingGrantOf[position] = pendingGrantOf[last]!;
    moved.deferredSlot = position;
    pendingOwners.pop();
    pendingTagOf.pop();
    pendingGrantOf.pop();
    pendingPerTag[tag]!--;
    owner.deferredSlot = -1;
  }
  if (count === 0) return;
  const current = currentBytes[tag]! + bytes;
  currentBytes[tag] = current;
  totalAllocs[tag] = totalAllocs[tag]! + count;
  if (current > peakStampAbove[tag]!) foldPeak(tag);
  if (pressureWatched) trackAlloc(tag, bytes);
}

/** Flushes every owner with pending charges of `tag` (backwards: a swap-remove only moves visited entries). */
function flushTag(tag: number): void {
  for (let index = pendingOwners.length - 1; index >= 0; index--) {
    if (pendingTagOf[index] === tag) pendingOwners[index]!.flushCharges();
  }
}

/** Flushes every owner with pending charges (before the stats are read). */
export function flushDeferredCharges(): void {
  while (pendingOwners.length > 0) pendingOwners[pendingOwners.length - 1]!.flushCharges();
}

/** Counts an allocation of `size` bytes under `tag`. Callers check `statsEnabled` first. */
export function chargeAlloc(tag: number, size: number): void {
  sizeClassCounts[tag * SIZE_CLASSES + (size <= 1 ? 0 : 32 - Math.clz32(size - 1))]!++;
  chargeAllocUnclassified(tag, size);
}

/**
 * chargeAlloc without the size-class count, for arenas: they count size classes when the
 * allocation is released (countSizeClass), and report live ones through the contributor below.
 */
export function chargeAllocUnclassified(tag: number, size: number): void {
  if (pendingPerTag[tag] !== 0) flushTag(tag);
  const current = currentBytes[tag]! + size;
  currentBytes[tag] = current;
  totalAllocs[tag]!++;
  // Only a compare once usage repeats earlier peaks: the peak itself is folded in later.
  if (current > peakStampAbove[tag]!) foldPeak(tag);
  if (pressureWatched) trackAlloc(tag, size);
}

function trackAlloc(tag: number, size: number): void {
  const tracked = pressureState[TRACKED]! + size;
  pressureState[TRACKED] = tracked;
  if (tracked > pressureState[TRIGGER]!) firePressure(tag as Tag);
}

function trackFree(bytes: number): void {
  const tracked = pressureState[TRACKED]! - bytes;
  pressureState[TRACKED] = tracked;
  if (tracked <= pressureState[REARM]!) {
    if (watchCallback !== null) return fireWatch();
    pressureState[TRIGGER] = pressureThreshold;
    pressureState[REARM] = -Infinity;
  }
}

/** Folds `tag`'s current bytes into its peak (before a release, and before the peak is read). */
function foldPeak(tag: number): void {
  const current = currentBytes[tag]!;
  if (current <= peakBytes[tag]!) return;
  peakBytes[tag] = current;
  if (current > peakStampAbove[tag]!) {
    peakAt[tag] = performance.now();
    peakStampAbove[tag] = current + current / 64;
  }
}

/** Counts the release of an allocation that chargeAlloc counted. */
export function chargeFree(tag: number, size: number): void {
  if (pendingPerTag[tag] !== 0) flushTag(tag);
  if (currentBytes[tag]! > peakBytes[tag]!) foldPeak(tag);
  currentBytes[tag] = currentBytes[tag]! - size;
  totalFrees[tag]!++;
  if (pressureWatched) trackFree(size);
}

/** Counts the release of `count` allocations of `tag` totalling `bytes` (an arena reset). */
export function chargeFreeBatch(tag: number, bytes: number, count: number): void {
  if (pendingPerTag[tag] !== 0) flushTag(tag);
  foldPeak(tag);
  currentBytes[tag] = currentBytes[tag]! - bytes;
  totalFrees[tag] = totalFrees[tag]! + count;
  if (pressureWatched) trackFree(bytes);
}

/** A snapshot of `tag`'s counters. Throws ERR_INVALID_TAG for an undefined tag. */
export function getStats(tag: Tag): MemStats {
  if (!isDefinedTag(tag)) throwInvalidTag(tag);
  flushDeferredCharges();
  foldPeak(tag);
  return {
    currentBytes: currentBytes[tag]!,
    peakBytes: peakBytes[tag]!,
    totalAllocs: totalAllocs[tag]!,
    totalFrees: totalFrees[tag]!,
    allocCount: liveAtCounterReset[tag]! + totalAllocs[tag]! - totalFrees[tag]!,
  };
}

export interface StatsRow extends MemStats {
  readonly tag: Tag;
  readonly name: string;
}

export interface StatsReport {
  /** A fixed-width table, one line per tag that has ever been used, plus a total line. */
  readonly text: string;
  /** The data behind the table: every defined tag, in tag order. */
  readonly rows: readonly StatsRow[];
}

/** The per-tag stats table (`gm_mem_report_stats`). It returns the text instead of printing it. */
export function reportStats(): StatsReport {
  const rows: StatsRow[] = allTags().map((tag) => ({ tag, name: tagName(tag), ...getStats(tag) }));
  // The table lists the biggest users first (rows stay in tag order).
  const used = rows
    .filter((row) => row.totalAllocs > 0 || row.currentBytes !== 0)
    .sort((a, b) => b.currentBytes - a.currentBytes || b.peakBytes - a.peakBytes);
  const header = ['tag', 'current', 'peak', 'live', 'allocs', 'frees'];
  const body = used.map((row) => [
    row.name,
    formatBytes(row.currentBytes),
    formatBytes(row.peakBytes),
    String(row.allocCount),
    String(row.totalAllocs),
    String(row.totalFrees),
  ]);
  const sum = (pick: (row: StatsRow) => number): number => used.reduce((total, row) => total + pick(row), 0);
  body.push([
    'total',
    formatBytes(sum((row) => row.currentBytes)),
    '',
    String(sum((row) => row.allocCount)),
    String(sum((row) => row.totalAllocs)),
    String(sum((row) => row.totalFrees)),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((line) => line[column]!.length)));
  const render = (line: readonly string[]): string =>
    line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  const text = [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(render)].join('\n');
  return { text, rows };
}

export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) < 1024) return `${bytes} B`;
  if (Math.abs(bytes) < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Tracked bytes across all tags. */
export function getTrackedBytes(): number {
  flushDeferredCharges();
  return sumCurrentBytes();
}

/** When `tag`'s current peak was reached (`performance.now()` ms; 0 if never), to within 1/64 of the peak. */
export function getPeakAt(tag: Tag): number {
  if (!isDefinedTag(tag)) throwInvalidTag(tag);
  flushDeferredCharges();
  foldPeak(tag);
  return peakAt[tag]!;
}

/** Allocation counts of `tag` per size class (index k counts sizes in (2^(k-1), 2^k]). */
export function getSizeClassCounts(tag: Tag): number[] {
  if (!isDefinedTag(tag)) throwInvalidTag(tag);
  const counts = sizeClassCounts.slice(tag * SIZE_CLASSES, (tag + 1) * SIZE_CLASSES);
  for (const contribute of sizeClassContributors) contribute(tag, counts);
  return Array.from(counts);
}

/** Counts one allocation in its size class (arenas call this when they release the allocation). */
export function countSizeClass(tag: number, size: number): void {
  sizeClassCounts[tag * SIZE_CLASSES + (size <= 1 ? 0 : 32 - Math.clz32(size - 1))]!++;
}

// Counting a long run of releases into 4 interleaved histograms: consecutive sizes mostly fall in
// the same class, and incrementing one counter again waits for its previous store (measured: 1.9
// ns per allocation with one Float64Array histogram, 0.85 with 4 Int32 lanes; unrolling by 4 so each
// lane's offset is a constant: a further ~10%). Lanes have a stride of 64 and are summed and zeroed
// once per batch.
const LANES = 4;
const LANE_STRIDE = 64;
const laneCounts = new Int32Array(LANES * LANE_STRIDE);
/** Shorter runs are counted directly: summing the lanes costs about as much as 32 allocations. */
const LANED_RUN = 32;
/** Lane counters are Int32: a batch never counts more than this per lane. */
const LANE_BATCH = 2 ** 24;

/**
 * Counts the released allocations `sizes[first..end)` of `tag` (every size >= 1) in their size
 * classes and returns their total size: an arena reset releasing one run of a tag.
 */
export function countSizeClassesOf(tag: number, sizes: Uint32Array, first: number, end: number): number {
  const classBase = tag * SIZE_CLASSES;
  let bytes = 0;
  if (end - first < LANED_RUN) {
    for (let index = first; index < end; index++) {
      const size = sizes[index]!;
      bytes += size;
      // clz32(0) is 32: size 1 lands in class 0 without a branch.
      sizeClassCounts[classBase + 32 - Math.clz32(size - 1)]!++;
    }
    return bytes;
  }
  for (let batchStart = first; batchStart < end; batchStart += LANE_BATCH) {
    const batchEnd = Math.min(end, batchStart + LANE_BATCH);
    // Four sizes per iteration, one to each lane: the lane offsets become constants.
    let index = batchStart;
    for (const unrolledEnd = batchEnd - 3; index < unrolledEnd; index += 4) {
      const size0 = sizes[index]!;
      const size1 = sizes[index + 1]!;
      const size2 = sizes[index + 2]!;
      const size3 = sizes[index + 3]!;
      bytes += size0 + size1 + size2 + size3;
      laneCounts[32 - Math.clz32(size0 - 1)]!++;
      laneCounts[LANE_STRIDE + 32 - Math.clz32(size1 - 1)]!++;
      laneCounts[2 * LANE_STRIDE + 32 - Math.clz32(size2 - 1)]!++;
      laneCounts[3 * LANE_STRIDE + 32 - Math.clz32(size3 - 1)]!++;
    }
    for (; index < batchEnd; index++) {
      const size = sizes[index]!;
      bytes += size;
      laneCounts[32 - Math.clz32(size - 1)]!++;
    }
    for (let sizeClass = 0; sizeClass < SIZE_CLASSES; sizeClass++) {
      let total = 0;
      for (let lane = 0; lane < LANES; lane++) {
        total += laneCounts[lane * LANE_STRIDE + sizeClass]!;
        laneCounts[lane * LANE_STRIDE + sizeClass] = 0;
      }
      if (total !== 0) sizeClassCounts[classBase + sizeClass] = sizeClassCounts[classBase + sizeClass]! + total;
    }
  }
  return bytes;
}

const sizeClassContributors: ((tag: number, counts: Float64Array) => void)[] = [];

/** Lets an owner kind add the size classes of allocations it has not released (and counted) yet. */
export function addSizeClassContributor(contribute: (tag: number, counts: Float64Array) => void): void {
  sizeClassContributors.push(contribute);
}

/**
 * Zeroes the cumulative counters (totals, size classes) and lowers every peak to the current value,
 * leaving current bytes and live counts alone (they describe memory that is still allocated).
 */
export function resetStatCounters(): void {
  flushDeferredCharges();
  const now = performance.now();
  for (let tag = 0; tag < MAX_TAGS; tag++) foldPeak(tag);
  for (let tag = 0; tag < MAX_TAGS; tag++) liveAtCounterReset[tag] = liveAtCounterReset[tag]! + totalAllocs[tag]! - totalFrees[tag]!;
  totalAllocs.fill(0);
  totalFrees.fill(0);
  sizeClassCounts.fill(0);
  for (let tag = 0; tag < MAX_TAGS; tag++) {
    peakBytes[tag] = currentBytes[tag]!;
    peakStampAbove[tag] = currentBytes[tag]!;
    peakAt[tag] = currentBytes[tag]! > 0 ? now : 0;
  }
}
