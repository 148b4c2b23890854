// The process-wide tracked heap (the seed's gm_mem_alloc_tagged / gm_mem_free_tagged): each
// allocation is its own zeroed Uint8Array, charged to a tag until freed with that same tag.
// It is a growable slot table (slots.ts), so its handles are generation-checked like a pool's.
import { captureSite, isDebugMode, killBuffer } from './debug.js';
import { ArenaError, describeHandleValue, describeValue, invalidSizeReason } from './errors.js';
import { allocationGate, gateRefuses, getHandleLayout, onLayoutChange } from './registry.js';
import { SlotOwner } from './slots.js';
import { chargeAlloc, chargeFree, statsEnabled } from './stats.js';
import { MemTag, isDefinedTag, tagLabel, throwInvalidTag } from './tags.js';
import type { Handle, Tag } from './types.js';

/** Largest single tagged allocation. */
export const MAX_TAGGED_ALLOCATION = 2 ** 31 - 1;
const BLOCK_SLOTS = 256;
/** 24 slot bits: 16M live tagged allocations, 2^13 generations per slot with the default layout. */
const TAGGED_SLOT_BITS = 24;

/** A live tagged allocation, as listed by the registry. */
export interface TaggedAllocationInfo {
  readonly handle: Handle;
  readonly tag: Tag;
  readonly size: number;
  /** Where it was allocated (debug mode only). */
  readonly site: string | undefined;
}

class TaggedHeap extends SlotOwner {
  readonly ownerKind = 'tagged' as const;
  private buffers: (Uint8Array<ArrayBuffer> | undefined)[] = [];
  private sizes = new Float64Array(BLOCK_SLOTS);
  private tags = new Uint16Array(BLOCK_SLOTS);
  private liveBytes = 0;
  private peakBytes = 0;

  constructor() {
    // Under a test layout with tiny serials, a block must still fit in the slot space.
    super('tagged heap', MemTag.General, Math.min(BLOCK_SLOTS, 2 ** (getHandleLayout().serialBits - 1)), true, TAGGED_SLOT_BITS);
    this.register();
  }

  protected override kindForMessages(): 'tagged' {
    return 'tagged';
  }

  protected override ownerTagLabel(): string | undefined {
    return undefined;
  }

  protected createStorage(first: number, count: number): void {
    const needed = first + count;
    if (needed > this.sizes.length) {
      const capacity = Math.max(needed, this.sizes.length * 2);
      const sizes = new Float64Array(capacity);
      sizes.set(this.sizes);
      this.sizes = sizes;
      const tags = new Uint16Array(capacity);
      tags.set(this.tags);
      this.tags = tags;
    }
  }

  allocate(size: number, tag: Tag): Handle {
    if (!(size > 0 && size <= MAX_TAGGED_ALLOCATION && (size | 0) === size)) throwBadTaggedSize(size, tag);
    if (!((tag >>> 0) === tag && isDefinedTag(tag))) throwInvalidTag(tag);
    if (allocationGate !== null && gateRefuses('tagged', 'tagged heap', tag, size)) {
      throw new ArenaError('ERR_OUT_OF_MEMORY', `tagged allocation of ${size} bytes (tag ${tagLabel(tag)}) refused by the allocation gate`, {
        ownerName: 'tagged heap',
        ownerKind: 'tagged',
        tagName: tagLabel(tag),
      });
    }
    let buffer: Uint8Array<ArrayBuffer>;
    try {
      buffer = new Uint8Array(size);
    } catch (cause) {
      throw new ArenaError('ERR_OUT_OF_MEMORY', `tagged allocation of ${size} bytes (tag ${tagLabel(tag)}) failed: ${String(cause)}`, {
        ownerName: 'tagged heap',
        ownerKind: 'tagged',
        tagName: tagLabel(tag),
      });
    }
    if (this.freeTop === 0 && !this.refill()) {
      throw new ArenaError('ERR_OUT_OF_MEMORY', `tagged allocation of ${size} bytes (tag ${tagLabel(tag)}) failed: ${this.live} tagged allocations are live, the most the tagged heap can track`, {
        ownerName: 'tagged heap',
        ownerKind: 'tagged',
        tagName: tagLabel(tag),
      });
    }
    const slot = this.take();
    this.buffers[slot] = buffer;
    this.sizes[slot] = size;
    this.tags[slot] = tag;
    this.liveBytes += size;
    if (this.liveBytes > this.peakBytes) this.peakBytes = this.liveBytes;
    if (statsEnabled) {
      this.counted[slot] = 1;
      chargeAlloc(tag, size);
    }
    return this.slotHandle[slot]! as Handle;
  }

  free(handle: Handle, tag: Tag): void {
    // typeof first: `&` on a BigInt or Symbol would throw a TypeError of its own.
    if (typeof handle !== 'number' || this.slotHandle[handle & this.slotMask] !== handle) this.throwBadHandle(handle, 'free', true);
    const slot = handle & this.slotMask;
    const actual = this.tags[slot]!;
    if (tag !== actual) {
      throw new ArenaError(
        'ERR_INVALID_TAG',
        `freeTagged(${describeHandleValue(handle)}, ${describeTagArgument(tag)}): the allocation was made with tag ${tagLabel(actual)}; free it with the same tag`,
        {
          ownerName: 'tagged heap',
          ownerKind: 'tagged',
          tagName: tagLabel(actual),
          handle,
          allocationSite: this.sites?.alloc[slot],
        },
      );
    }
    const buffer = this.buffers[slot]!;
    // Decided per allocation: one made in debug mode (it has an allocation site) dies detached even
    // when debug mode was switched off since.
    if (isDebugMode() || this.sites?.alloc[slot] !== undefined) {
      // Kill every view handed out by taggedBytes: the buffer is not ours to reuse, so detaching costs nothing.
      killBuffer(buffer.buffer, {
        code: 'ERR_USE_AFTER_FREE',
        summary: `the tagged allocation (tag ${tagLabel(actual)}) was freed`,
        details: { ownerName: 'tagged heap', ownerKind: 'tagged', tagName: tagLabel(actual), freeSite: isDebugMode() ? captureSite() : undefined },
      });
    }
    this.buffers[slot] = undefined;
    this.liveBytes -= this.sizes[slot]!;
    // Stats are charged to the allocation's tag, not the heap's nominal one.
    this.releaseWithTag(slot, actual);
  }

  private releaseWithTag(slot: number, tag: number): void {
    const counted = this.counted[slot] === 1;
    this.counted[slot] = 0;
    this.release(slot, 0);
    if (counted) chargeFree(tag, this.sizes[slot]!);
  }

  bytes(handle: Handle): Uint8Array {
    // typeof first: `&` on a BigInt or Symbol would throw a TypeError of its own.
    if (typeof handle !== 'number' || this.slotHandle[handle & this.slotMask] !== handle) this.throwBadHandle(handle, 'read', false);
    const slot = handle & this.slotMask;
    return this.buffers[slot]!;
  }

  isIdle(): boolean {
    return this.live === 0;
  }

  dispose(): void {
    this.destroySlots(() => 0);
  }

  liveAllocations(): TaggedAllocationInfo[] {
    const result: TaggedAllocationInfo[] = [];
    for (let slot = 0; slot < this.totalSlots; slot++) {
      const handle = this.slotHandle[slot]!;
      if (!(handle >= 0)) continue; // free slots hold -1 - (their next handle)
      result.push({ handle: handle as Handle, tag: this.tags[slot]! as Tag, size: this.sizes[slot]!, site: this.sites?.alloc[slot] });
    }
    return result;
  }

  protected bytesInUse(): number {
    return this.liveBytes;
  }

  protected peakBytesForRegistry(): number {
    return this.peakBytes;
  }
}

function describeTagArgument(tag: unknown): string {
  return isDefinedTag(tag) ? `tag ${tagLabel(tag)}` : describeValue(tag);
}

function throwBadTaggedSize(size: number, tag: Tag): never {
  if (typeof size === 'number' && Number.isInteger(size) && size > MAX_TAGGED_ALLOCATION) {
    throw new ArenaError('ERR_OUT_OF_MEMORY', `tagged allocation of ${size} bytes exceeds the largest tagged allocation (${MAX_TAGGED_ALLOCATION} bytes)`, {
      ownerName: 'tagged heap',
      ownerKind: 'tagged',
      tagName: isDefinedTag(tag) ? tagLabel(tag) : undefined,
    });
  }
  throw new ArenaError('ERR_INVALID_SIZE', `tagged allocation size ${invalidSizeReason(size) ?? 'is invalid'}`, { ownerName: 'tagged heap', ownerKind: 'tagged' });
}

let heap: TaggedHeap | null = null;

function theHeap(): TaggedHeap {
  if (heap === null) heap = new TaggedHeap();
  return heap;
}

onLayoutChange(() => {
  if (heap !== null && heap.isIdle()) {
    heap.dispose();
    heap = null;
  }
});

/**
 * Allocates `size` zeroed bytes charged to `tag` (`gm_mem_alloc_tagged`). Read them with
 * `taggedBytes(handle)`; give them back with `freeTagged(handle, tag)` using the same tag.
 */
export function allocTagged(size: number, tag: Tag): Handle {
  return theHeap().allocate(size, tag);
}

/**
 * Frees a tagged allocation. Throws ERR_INVALID_TAG when `tag` is not the allocation's tag,
 * ERR_DOUBLE_FREE when it was already freed, ERR_FOREIGN_HANDLE for any other handle.
 */
export function freeTagged(handle: Handle, tag: Tag): void {
  theHeap().free(handle, tag);
}

/** The bytes of a live tagged allocation (the same view every time until it is freed). */
export function taggedBytes(handle: Handle): Uint8Array {
  return theHeap().bytes(handle);
}

/** Whether `handle` is a live tagged allocation; never throws. */
export function isTaggedLive(handle: Handle): boolean {
  return heap !== null && heap.isLive(handle);
}

/** Every live tagged allocation (for leak reports). */
export function liveTaggedAllocations(): TaggedAllocationInfo[] {
  return heap === null ? [] : heap.liveAllocations();
}
