// The slot table shared by pools, object pools and the tagged heap: fixed slots, a LIFO free list
// (so `free` then `alloc` hands back the same slot), and a generation per slot (thunderdome/slotmap).
//
// A handle is `ownerId * SERIAL_SPACE + generation * slotSpace + slot` (see registry.ts). One
// Float64Array, `slotHandle`, holds per slot either its live handle (>= 0) or, while the slot is
// free, `-1 - next`, where `next` is the handle its next allocation will get. Checking a handle is one
// mask and one compare (`slotHandle[handle & slotMask] === handle`: a handle is never negative),
// allocating is a negation, and freeing adds slotSpace (the next generation). A slot whose next
// generation would leave the owner's serial space is retired (never reused) rather than wrapped, so a
// stale handle can never match again.
import { POISON_BYTE, captureSite, debugMode, isDebugMode } from './debug.js';
import { ArenaError, describeHandleValue, describeOwner, type OwnerKind } from './errors.js';
import {
  SERIAL_SPACE,
  acquireOwnerId,
  allocationGate,
  foreignReason,
  gateRefuses,
  getHandleLayout,
  isHandleShaped,
  releaseOwnerId,
  splitHandle,
  type OwnerInfo,
  type OwnerReclaimer,
  type RegisteredOwner,
} from './registry.js';
import { chargeFree } from './stats.js';
import { tagLabel } from './tags.js';
import type { Handle, Tag } from './types.js';

/** Largest slot index width; keeps `handle & slotMask` within 31-bit integer arithmetic. */
const MAX_SLOT_BITS = 30;
/** Growable owners reserve at least this many slot bits (2^20 slots) so they can grow in place. */
const GROWABLE_SLOT_BITS = 20;

interface SlotSites {
  alloc: (string | undefined)[];
  freedGeneration: number[];
  freedAlloc: (string | undefined)[];
  freed: (string | undefined)[];
}

/**
 * What a pool leaves for the finalizer (registry.ts) if it is collected without destroy(): its slot
 * table and stats flags (kept current by addSlots), never the pool itself.
 */
class SlotReclaimer implements OwnerReclaimer {
  slotHandle = new Float64Array(0);
  counted = new Uint8Array(0);
  totalSlots = 0;
  idBase = 0;
  firstGeneration = 0;
  constructor(
    private readonly tag: number,
    private readonly bytesPerSlot: number,
    private readonly slotSpace: number,
  ) {}

  reclaim(): number {
    let highest = this.firstGeneration;
    for (let slot = 0; slot < this.totalSlots; slot++) {
      if (this.counted[slot] === 1) chargeFree(this.tag, this.bytesPerSlot);
      const value = this.slotHandle[slot]!;
      if (!Number.isNaN(value)) highest = Math.max(highest, Math.floor(((value >= 0 ? value : -1 - value) - this.idBase) / this.slotSpace));
    }
    return (highest + 1) * this.slotSpace;
  }
}

export function bitsFor(count: number): number {
  return count <= 1 ? 0 : 32 - Math.clz32(count - 1);
}

export abstract class SlotOwner implements RegisteredOwner {
  abstract readonly ownerKind: OwnerKind;
  readonly name: string;
  protected readonly tag: Tag;
  protected readonly growable: boolean;
  protected readonly blockSlots: number;
  protected readonly creationSite: string | undefined;

  protected readonly slotSpace: number;
  protected readonly slotMask: number;
  protected id = 0;
  protected idBase = 0;
  /** First handle beyond this owner's serial space: a slot whose next handle reaches it retires. */
  protected handleLimit = 0;
  protected firstGeneration = 0;

  /** Per slot: the live handle, or -1 - (the slot's next handle) while free or retired. */
  protected slotHandle = new Float64Array(0);
  protected counted = new Uint8Array(0);
  protected freeStack = new Int32Array(0);
  protected freeTop = 0;
  protected totalSlots = 0;
  protected retiredSlots = 0;
  /** Slots that can be live (not retired; 0 once destroyed): live = usableSlots - freeTop. */
  private usableSlots = 0;
  protected peakLive = 0;
  protected isDestroyed = false;
  private reclaimer: SlotReclaimer | undefined;
  protected sites: SlotSites | null = null;
  protected destroySite: string | undefined;
  private peakAtMs = 0;
  private peakStampAbove = 0;

  protected constructor(name: string, tag: Tag, initialCount: number, growable: boolean, reserveSlotBits?: number) {
    this.name = name;
    this.tag = tag;
    this.growable = growable;
    this.blockSlots = initialCount;
    this.creationSite = isDebugMode() ? captureSite() : undefined;
    const { serialBits } = getHandleLayout();
    const cap = Math.min(MAX_SLOT_BITS, serialBits - 1);
    const needed = bitsFor(initialCount);
    if (needed > cap) {
      throw new ArenaError(
        'ERR_INVALID_SIZE',
        `${describeOwner(this.kindForMessages(), name)} cannot have ${initialCount} slots: at most ${2 ** cap}`,
        { ownerName: name },
      );
    }
    const wanted = reserveSlotBits ?? (growable ? Math.max(needed + 8, GROWABLE_SLOT_BITS) : needed);
    const slotBits = Math.min(wanted, cap);
    this.slotSpace = 2 ** slotBits;
    this.slotMask = this.slotSpace - 1;
  }

  /**
   * Subclasses call this once their storage exists, so a failing factory leaves no id behind.
   * With `bytesPerSlot`, the pool is released if it is collected without destroy(): its live slots
   * leave the stats (each charged `bytesPerSlot`) and its id is freed. Without (the tagged heap, which
   * lives as long as the runtime), it is held until destroyed.
   */
  protected register(bytesPerSlot?: number): void {
    const reclaimer = bytesPerSlot === undefined ? undefined : new SlotReclaimer(this.tag, bytesPerSlot, this.slotSpace);
    const { id, firstSerial } = acquireOwnerId(this, this.slotSpace, reclaimer);
    this.id = id;
    this.idBase = id * SERIAL_SPACE;
    this.handleLimit = this.idBase + SERIAL_SPACE;
    this.firstGeneration = firstSerial / this.slotSpace;
    if (reclaimer !== undefined) {
      // The id is known only now; the reclaimer needs it to read generations from handles.
      reclaimer.idBase = this.idBase;
      reclaimer.firstGeneration = this.firstGeneration;
      this.reclaimer = reclaimer;
    }
    this.addSlots(this.blockSlots);
  }

  protected kindForMessages(): OwnerKind {
    return 'pool';
  }

  /** The tag named in messages; the tagged heap has none of its own (each allocation has one). */
  protected ownerTagLabel(): string | undefined {
    return tagLabel(this.tag);
  }

  get capacity(): number {
    return this.totalSlots - this.retiredSlots;
  }
  get inUse(): number {
    return this.live;
  }
  /** Live slots, derived from the free list so that alloc and free keep no separate counter. */
  protected get live(): number {
    return this.usableSlots - this.freeTop;
  }
  get peak(): number {
    return this.peakLive;
  }
  get destroyed(): boolean {
    return this.isDestroyed;
  }

  isLive(handle: Handle): boolean {
    return typeof handle === 'number' && this.slotHandle[handle & this.slotMask] === handle;
  }

  /** Makes room when the free list is empty: grows a growable owner by one block. */
  protected refill(): boolean {
    if (!this.growable) return false;
    const room = this.slotSpace - this.totalSlots;
    if (room <= 0) return false;
    const added = Math.min(this.blockSlots, room);
    this.createStorage(this.totalSlots, added);
    this.addSlots(added);
    return true;
  }

  /** Storage for slots [first, first + count): called before the slots become visible. */
  protected abstract createStorage(first: number, count: number): void;

  private addSlots(count: number): void {
    const total = this.totalSlots + count;
    if (total > this.slotHandle.length) {
      const capacity = Math.max(total, this.slotHandle.length * 2);
      // NaN beyond the slots in use: it equals no handle.
      const handles = new Float64Array(capacity).fill(NaN);
      handles.set(this.slotHandle);
      this.slotHandle = handles;
      const counted = new Uint8Array(capacity);
      counted.set(this.counted);
      this.counted = counted;
      const stack = new Int32Array(capacity);
      stack.set(this.freeStack.subarray(0, this.freeTop));
      this.freeStack = stack;
    }
    const firstHandle = this.idBase + this.firstGeneration * this.slotSpace;
    for (let slot = this.totalSlots; slot < total; slot++) this.slotHandle[slot] = -1 - (firstHandle + slot);
    // Pushed in reverse so slot 0 is handed out first.
    for (let slot = total - 1; slot >= this.totalSlots; slot--) this.freeStack[this.freeTop++] = slot;
    this.usableSlots += count;
    this.totalSlots = total;
    const reclaimer = this.reclaimer;
    if (reclaimer !== undefined) {
      reclaimer.slotHandle = this.slotHandle;
      reclaimer.counted = this.counted;
      reclaimer.totalSlots = total;
    }
  }

  /** Pops a free slot and issues its handle. Callers made sure the free list is not empty. */
  protected take(): number {
    const top = this.freeTop - 1;
    const slot = this.freeStack[top]!;
    this.freeTop = top;
    this.slotHandle[slot] = -1 - this.slotHandle[slot]!;
    if (this.usableSlots - top > this.peakLive) this.notePeak();
    // A slot's alloc site is cleared when it is freed, so outside debug mode there is nothing to overwrite.
    if (debugMode) this.recordAllocSite(slot);
    return slot;
  }

  /**
   * The rare part of `alloc`, entered when the free list is empty or an allocation gate is set:
   * throws for a destroyed owner, asks the gate, grows. False when the allocation must fail.
   */
  protected prepareSlow(kind: OwnerKind, size: number): boolean {
    if (this.isDestroyed) this.throwDestroyed('allocate from');
    if (allocationGate !== null && gateRefuses(kind, this.name, this.tag, size)) return false;
    return this.freeTop !== 0 || this.refill();
  }

  private notePeak(): void {
    this.peakLive = this.live;
    if (this.live > this.peakStampAbove) {
      this.peakAtMs = performance.now();
      this.peakStampAbove = this.live + this.live / 64;
    }
  }

  /** Returns a live slot to the free list under its next generation, or retires it. */
  protected release(slot: number, size: number): void {
    const handle = this.slotHandle[slot]!;
    const next = handle + this.slotSpace;
    this.slotHandle[slot] = -1 - next;
    if (this.counted[slot] === 1) {
      this.counted[slot] = 0;
      chargeFree(this.tag, size);
    }
    if (next < this.handleLimit) this.freeStack[this.freeTop++] = slot;
    else this.retire();
    if (this.sites !== null) this.recordFreeSite(slot, this.generationOf(handle));
  }

  private retire(): void {
    this.retiredSlots++;
    this.usableSlots--;
  }

  /** The generation encoded in one of this owner's handles. */
  protected generationOf(handle: number): number {
    return Math.floor((handle - this.idBase) / this.slotSpace);
  }

  /** The slot's current generation: of its live handle, or of the handle it will issue next. */
  private currentGeneration(slot: number): number | undefined {
    const value = this.slotHandle[slot];
    if (value === undefined || Number.isNaN(value)) return undefined;
    return this.generationOf(value >= 0 ? value : -1 - value);
  }

  private recordAllocSite(slot: number): void {
    if (this.sites === null) this.sites = { alloc: [], freedGeneration: [], freedAlloc: [], freed: [] };
    this.sites.alloc[slot] = isDebugMode() ? captureSite() : undefined;
    this.allocatedInDebugMode(slot);
  }

  /**
   * Debug mode only, right after `take`: owners whose slots can be viewed (pools, object pools)
   * give the allocation memory of its own here, so that it can be killed alone when it dies.
   */
  protected allocatedInDebugMode(_slot: number): void {}

  private recordFreeSite(slot: number, generation: number): void {
    const sites = this.sites!;
    sites.freedGeneration[slot] = generation;
    sites.freedAlloc[slot] = sites.alloc[slot];
    sites.freed[slot] = isDebugMode() ? captureSite() : undefined;
    sites.alloc[slot] = undefined;
  }

  /** Debug mode: overwrite bytes given back, so stale views read POISON_BYTE. */
  protected static poison(bytes: Uint8Array): void {
    bytes.fill(POISON_BYTE);
  }

  /** Releases every live slot's stats and the id; subclasses drop their storage afterwards. */
  protected destroySlots(sizeOf: (slot: number) => number): void {
    if (this.isDestroyed) this.throwDestroyed('destroy');
    if (isDebugMode()) this.destroySite = captureSite();
    let maxGeneration = this.firstGeneration;
    for (let slot = 0; slot < this.totalSlots; slot++) {
      if (this.counted[slot] === 1) chargeFree(this.tag, sizeOf(slot));
      maxGeneration = Math.max(maxGeneration, this.currentGeneration(slot) ?? maxGeneration);
    }
    this.isDestroyed = true;
    releaseOwnerId(this.id, (maxGeneration + 1) * this.slotSpace);
    this.slotHandle = new Float64Array(0);
    this.counted = new Uint8Array(0);
    this.freeTop = 0;
    this.usableSlots = 0;
  }

  protected throwDestroyed(action: string): never {
    throw new ArenaError('ERR_ARENA_DESTROYED', `cannot ${action} ${describeOwner(this.kindForMessages(), this.name, this.ownerTagLabel())}: it was destroyed`, {
      ownerName: this.name,
      ownerKind: this.ownerKind,
      tagName: this.ownerTagLabel(),
      allocationSite: this.creationSite,
      destroySite: this.destroySite,
    });
  }

  /** Slow path of every handle check: says exactly what is wrong with `handle`. */
  protected throwBadHandle(handle: unknown, action: string, freeing: boolean): never {
    const who = describeOwner(this.kindForMessages(), this.name, this.ownerTagLabel());
    const details = { ownerName: this.name, ownerKind: this.ownerKind, tagName: this.ownerTagLabel(), handle };
    if (this.isDestroyed) {
      throw new ArenaError('ERR_ARENA_DESTROYED', `cannot ${action} ${describeHandleValue(handle)}: ${who} was destroyed`, {
        ...details,
        destroySite: this.destroySite,
      });
    }
    if (!isHandleShaped(handle)) {
      throw new ArenaError(
        'ERR_FOREIGN_HANDLE',
        `cannot ${action} ${describeHandleValue(handle)} in ${who}: it is not a handle (handles are non-negative integers returned by alloc)`,
        details,
      );
    }
    const { id, serial } = splitHandle(handle);
    const generation = Math.floor(serial / this.slotSpace);
    const slot = serial - generation * this.slotSpace;
    const earlierOwner = id === this.id && generation < this.firstGeneration;
    const current = this.currentGeneration(slot);
    const slotLive = (this.slotHandle[slot] ?? -1) >= 0;
    const issued =
      id === this.id &&
      !earlierOwner &&
      slot < this.totalSlots &&
      current !== undefined &&
      (generation < current || (generation === current && slotLive));
    if (!issued) {
      throw new ArenaError('ERR_FOREIGN_HANDLE', `cannot ${action} ${describeHandleValue(handle)} in ${who}: ${foreignReason(id, this.id, earlierOwner)}`, details);
    }
    const sites = this.sites;
    const exact = sites !== null && sites.freedGeneration[slot] === generation;
    const siteDetails = {
      ...details,
      allocationSite: exact ? sites.freedAlloc[slot] : undefined,
      freeSite: exact ? sites.freed[slot] : undefined,
    };
    const reused = slotLive ? ' and has been handed out again since' : '';
    if (freeing) {
      throw new ArenaError('ERR_DOUBLE_FREE', `double free of ${describeHandleValue(handle)} in ${who}: slot ${slot} was already freed${reused}`, siteDetails);
    }
    throw new ArenaError('ERR_USE_AFTER_FREE', `cannot ${action} ${describeHandleValue(handle)} in ${who}: slot ${slot} was freed${reused}`, siteDetails);
  }

  protected abstract bytesInUse(): number;

  /** Live handles and, in debug mode, where each was allocated: for leak reports (runtime/testing). */
  liveSlots(): { handle: number; site: string | undefined }[] {
    const result: { handle: number; site: string | undefined }[] = [];
    const end = Math.min(this.totalSlots, this.slotHandle.length);
    for (let slot = 0; slot < end; slot++) {
      const handle = this.slotHandle[slot]!;
      if (handle >= 0) result.push({ handle, site: this.sites?.alloc[slot] });
    }
    return result;
  }

  describeForRegistry(): OwnerInfo {
    return {
      kind: this.ownerKind,
      name: this.name,
      tag: this.tag,
      bytesInUse: this.bytesInUse(),
      liveAllocations: this.live,
      peakBytes: this.peakBytesForRegistry(),
      peakAt: this.peakAtMs,
      creationSite: this.creationSite,
    };
  }

  protected abstract peakBytesForRegistry(): number;
}
