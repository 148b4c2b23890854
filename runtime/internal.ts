// Hooks for testing and observability tooling (runtime/testing, runtime/observability). Not part of
// the public `eslint-plugin-arena/runtime` entry; those modules re-export what users should see.
// Every hook costs nothing when unused:
//
// 1. Registry — liveOwnerInfo(): every arena, pool and object pool not yet destroyed (kind, name,
//    tag, bytes in use, live allocation count, peak bytes and when, creation site in debug mode);
//    liveTaggedAllocations(): every live allocTagged allocation (handle, tag, size, site in debug).
//    Reading walks the owner table; owners register on create and leave on destroy.
// 2. Allocation gate — setAllocationGate(fn | null): fn({ kind, owner, tag, size }) is asked before
//    every allocation; returning true makes it fail like an out-of-memory: arenas and allocTagged
//    throw ERR_OUT_OF_MEMORY, pools and object pools return null. Fast path cost: one null check.
// 3. Pressure — setPressureHook(threshold, fn | null): fn({ trackedBytes, threshold, tag }) runs
//    when tracked bytes (all tags, stats on) rise above threshold; re-arms once they are back at or
//    below it. Fast path cost: one compare per allocation and per free.
// 4. Per-tag peak time and size classes — getPeakAt(tag) (performance.now() ms, within 1/64 of
//    the peak) and getSizeClassCounts(tag) (index k counts sizes in (2^(k-1), 2^k]).
// 5. Per-owner peak with time — OwnerInfo.peakBytes / peakAt from liveOwnerInfo().
// Also: getTrackedBytes(), resetStatCounters() (zero totals between test cases), and
// configureHandleLayout() to shrink handle widths so generation/id exhaustion can be tested.
import { liveOwners, type OwnerInfo } from './registry.js';

export {
  configureHandleLayout,
  getHandleLayout,
  setAllocationGate,
  type AllocationRequest,
  type HandleLayout,
  type OwnerInfo,
} from './registry.js';
export {
  SIZE_CLASSES,
  formatBytes,
  getPeakAt,
  getSizeClassCounts,
  getTrackedBytes,
  resetStatCounters,
  setPressureHook,
  setTrackedBytesWatch,
  sizeClassOf,
  type PressureEvent,
  type TrackedBytesWatch,
} from './stats.js';
export { liveTaggedAllocations, type TaggedAllocationInfo } from './tagged.js';
export { allTags, tagCount, tagLabel } from './tags.js';
export { captureSite } from './debug.js';

/** Every arena, pool and object pool that has not been destroyed, oldest id first. */
export function liveOwnerInfo(): OwnerInfo[] {
  return liveOwners()
    .filter((owner) => owner.ownerKind !== 'tagged')
    .map((owner) => owner.describeForRegistry());
}
