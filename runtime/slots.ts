// The slot table shared by pools, object pools and the tagged heap: fixed slots, a LIFO free list
// (so `free` then `alloc` hands back the same slot), and a generation per slot (thunderdome/slotmap).
//
// A handle is `ownerId * SERIAL_SPACE + generation * slotSpace + slot` (see registry.ts). The live
// handle of each slot is kept in `slotHandle` (NaN while free), so checking a handle is one mask and
// one compare: `slotHandle[handle & slotMask] === handle`. Freeing bumps the slot's generation; a
// slot whose generation would leave the owner's serial space is retired (never reused) rather than
// wrapped, so a stale handle can never match again.
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
  /** Generations per slot: generation * slotSpace + slot must stay below SERIAL_SPACE. */
  protected readonly generationLimit: number;
  protected id = 0;
  protected idBase = 0;
  protected firstGeneration = 0;

  protected slotHandle = new Float64Array(0);
  protected slotGeneration = new Float64Array(0);
  protected counted = new Uint8Array(0);
  protected freeStack = new Int32Array(0);
  protected freeTop = 0;
  protected totalSlots = 0;
  protected retiredSlots = 0;
  protected live = 0;
  protected peakLive = 0;
  protected isDestroyed = false;
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
    this.generationLimit = SERIAL_SPACE / this.slotSpace;
  }

  /** Subclasses call this once their storage exists, so a failing factory leaves no id behind. */
  protected register(): void {
    const { id, firstSerial } = acquireOwnerId(this, this.slotSpace);
    this.id = id;
    this.idBase = id * SERIAL_SPACE;
    this.firstGeneration = firstSerial / this.slotSpace;
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
      const handles = new Float64Array(capacity).fill(NaN);
      handles.set(this.slotHandle);
      this.slotHandle = handles;
      const generations = new Float64Array(capacity);
      generations.set(this.slotGeneration);
      this.slotGeneration = generations;
      const counted = new Uint8Array(capacity);
      counted.set(this.counted);
      this.counted = counted;
      const stack = new Int32Array(capacity);
      stack.set(this.freeStack.subarray(0, this.freeTop));
      this.freeStack = stack;
    }
    this.slotGeneration.fill(this.firstGeneration, this.totalSlots, total);
    // Pushed in reverse so slot 0 is handed out first.
    for (let slot = total - 1; slot >= this.totalSlots; slot--) this.freeStack[this.freeTop++] = slot;
    this.totalSlots = total;
  }

  /** Pops a free slot and issues its handle. Callers made sure the free list is not empty. */
  protected take(): number {
    const slot = this.freeStack[--this.freeTop]!;
    this.slotHandle[slot] = this.idBase + this.slotGeneration[slot]! * this.slotSpace + slot;
    if (++this.live > this.peakLive) this.notePeak();
    if (this.sites !== null || debugMode) this.recordAllocSite(slot);
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
    this.slotHandle[slot] = NaN;
    if (this.counted[slot] === 1) {
      this.counted[slot] = 0;
      chargeFree(this.tag, size);
    }
    const generation = this.slotGeneration[slot]! + 1;
    this.slotGeneration[slot] = generation;
    if (generation < this.generationLimit) this.freeStack[this.freeTop++] = slot;
    else this.retiredSlots++;
    this.live--;
    if (this.sites !== null) this.recordFreeSite(slot, generation - 1);
  }

  private recordAllocSite(slot: number): void {
    if (this.sites === null) this.sites = { alloc: [], freedGeneration: [], freedAlloc: [], freed: [] };
    this.sites.alloc[slot] = isDebugMode() ? captureSite() : undefined;
  }

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
      maxGeneration = Math.max(maxGeneration, this.slotGeneration[slot]!);
    }
    this.isDestroyed = true;
    releaseOwnerId(this.id, (maxGeneration + 1) * this.slotSpace);
    this.slotHandle = new Float64Array(0);
    this.counted = new Uint8Array(0);
    this.freeTop = 0;
    this.live = 0;
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
    const current = this.slotGeneration[slot];
    const slotLive = !Number.isNaN(this.slotHandle[slot] ?? NaN);
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
