// The one place that reads the runtime's internals for leak detection, turning them into plain
// records: live owners (with identity, so a baseline can tell old from new) and live slot
// allocations (pool handles, tagged allocations) with their allocation sites.

import { liveTaggedAllocations, tagLabel } from '../internal.js';
import { liveOwners, type RegisteredOwner } from '../registry.js';

export interface OwnerRecord {
  /** The owner object itself: identity across baselines. */
  readonly ref: object;
  readonly kind: 'arena' | 'pool' | 'objectPool';
  readonly name: string;
  readonly tag: string;
  readonly bytesInUse: number;
  readonly liveCount: number;
  readonly site: string | null;
}

export interface SlotAllocationRecord {
  readonly handle: number;
  readonly tag: string;
  readonly size: number;
  readonly site: string | null;
}

/** Optional on slot owners: their live handles with allocation sites (pools, object pools). */
interface SlotLister {
  liveSlots(): readonly { readonly handle: number; readonly site: string | undefined }[];
}

function hasSlotLister(owner: unknown): owner is SlotLister {
  return typeof (owner as Partial<SlotLister>).liveSlots === 'function';
}

/** Arenas, pools and object pools not destroyed (the tagged heap is reported per allocation instead). */
export function liveOwnerRecords(): OwnerRecord[] {
  const records: OwnerRecord[] = [];
  for (const owner of liveOwners() as RegisteredOwner[]) {
    if (owner.ownerKind === 'tagged') continue;
    const info = owner.describeForRegistry();
    records.push({
      ref: owner,
      kind: owner.ownerKind,
      name: info.name,
      tag: tagLabel(info.tag),
      bytesInUse: info.bytesInUse,
      liveCount: info.liveAllocations,
      site: info.creationSite ?? null,
    });
  }
  return records;
}

/**
 * The live handles of a pool or object pool, with sizes and allocation sites, or null when the
 * runtime cannot list them (then leak checks fall back to counting handles).
 */
export function liveSlotAllocations(owner: OwnerRecord): SlotAllocationRecord[] | null {
  if (owner.kind === 'arena' || !hasSlotLister(owner.ref)) return null;
  // Every slot of a pool has the same size (object pools: bytesPerObject).
  const size = owner.liveCount === 0 ? 0 : owner.bytesInUse / owner.liveCount;
  return owner.ref.liveSlots().map((slot) => ({ handle: slot.handle, tag: owner.tag, size, site: slot.site ?? null }));
}

/** Every live allocTagged allocation. */
export function liveTaggedRecords(): SlotAllocationRecord[] {
  return liveTaggedAllocations().map((allocation) => ({
    handle: allocation.handle,
    tag: tagLabel(allocation.tag),
    size: allocation.size,
    site: allocation.site ?? null,
  }));
}
