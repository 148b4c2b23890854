// Bump-allocating arenas over ArrayBuffer chunks (the seed's gm_arena_*).
//
// Allocation records live in typed arrays indexed by the allocation's position in the current
// generation: its address and its size, two stores per allocation. The chunk follows from the
// address (chunk bases are ordered), and the tag from a list of tag runs (consecutive allocations
// almost always share a tag, so a new run costs a store only when the tag changes). The arrays grow
// by doubling and are reused after reset, so the fast path of `alloc` creates no JS object. A handle is `ownerId * SERIAL_SPACE + serial` with
// serials numbered consecutively across resets (see registry.ts): the live handles of an arena are
// exactly [genStartHandle, genStartHandle + count), and checking one is a subtraction and a compare.
import { POISON_BYTE, captureSite, debugMode, detachBuffer, isDebugMode, noteDeath } from './debug.js';
import { ArenaError, checkOptions, describeHandleValue, describeOwner, describeValue, invalidArgument, invalidSizeReason, notBytes, outOfBoundsError } from './errors.js';
import { copyOut } from './views.js';
import { isPromiseLike } from './promises.js';
import { resolveBackend, type MemoryBackend } from './backends.js';
import {
  SERIAL_SPACE,
  acquireOwnerId,
  foreignReason,
  allocationGate,
  gateRefuses,
  isHandleShaped,
  liveOwners,
  releaseOwnerId,
  splitHandle,
  type OwnerInfo,
  type OwnerReclaimer,
  type RegisteredOwner,
} from './registry.js';
import {
  addSizeClassContributor,
  chargeDeferred,
  chargeFreeBatch,
  countSizeClassesOf,
  registerDeferredCharges,
  sizeClassOf,
  statsEnabled,
  type DeferredCharges,
} from './stats.js';
import { MemTag, definedTagCount, isDefinedTag, tagLabel, throwInvalidTag } from './tags.js';
import type { Arena, ArenaOptions, Handle, Tag } from './types.js';

/** Alignment of `alloc` (enough for a Float64Array over the bytes). */
export const DEFAULT_ALIGNMENT = 8;
/** Largest alignment `allocAligned` accepts; chunk bases are aligned to it. */
export const MAX_ALIGNMENT = 4096;
/** Largest single allocation (and chunk); ArrayBuffer offsets are kept in 31 bits. */
export const MAX_ALLOCATION = 2 ** 31 - MAX_ALIGNMENT;
/**
 * An arena's address space: every chunk lies below 2^31, so addresses are int32 values. V8 then keeps
 * `addressOf` results, and index arithmetic on them, in integer registers (a double address would make
 * every `view[address + k]` a float add and a conversion check).
 */
export const ARENA_ADDRESS_SPACE = 2 ** 31;
/** Overflow chunks double in size up to this, unless a request needs more. */
const MAX_GROWTH_CHUNK = 64 * 1024 * 1024;
const INITIAL_RECORDS = 64;
/**
 * Record arrays above this many entries shrink back once SHRINK_AFTER generations in a row used less
 * than a quarter of them (to twice the largest of those): one huge generation does not pin its
 * records for the arena's life, and a workload alternating sizes does not reallocate every reset.
 */
const SHRINK_RECORDS_ABOVE = 65_536;
const SHRINK_AFTER = 4;
/** Debug mode keeps the allocation sites of this many past generations for stale-handle messages. */
const DEBUG_HISTORY = 32;
// A tag run's key is its tag plus this bit when its allocations were counted in the stats (stats
// can be switched off, which starts a new run).
const COUNTED = 0x8000;
const TAG_MASK = 0x7fff;
const INITIAL_RUNS = 16;
/** `openTag` while no run is open: NaN equals no value at all, so the next allocation starts a run. */
const NO_RUN = Number.NaN;
/** The DataView of an arena without chunks (destroyed): never read, since no handle is live then. */
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

interface GenerationHistory {
  readonly firstHandle: number;
  readonly count: number;
  readonly sites: (string | undefined)[];
  /** The generation's tag runs: first index and key of each. */
  readonly runFirst: Uint32Array;
  readonly runKey: Uint16Array;
  readonly resetSite: string | undefined;
}

class ArenaImpl implements Arena, RegisteredOwner, DeferredCharges {
  readonly ownerKind = 'arena' as const;
  readonly name: string;
  readonly maxBytes: number;
  private readonly defaultTag: Tag;
  private readonly initialSize: number;
  private readonly creationSite: string | undefined;
  /** Where the chunks come from (backends.ts); ArrayBuffers unless options.backend says otherwise. */
  private readonly backend: MemoryBackend;
  /** Per chunk: where its bytes start in its buffer minus its base address (0 - base, or 0 for wasm). */
  private chunkShift: number[] = [];

  // Handle space.
  private id = 0;
  private idBase = 0;
  private firstSerialOfId = 0;
  private genStartSerial = 0;
  private genStartHandle = 0;
  private count = 0;
  /** Records the arrays can hold before growing; never more than the serials left for this id. */
  private recordCapacity = 0;
  private previousIds: { id: number; firstSerial: number }[] = [];

  // Records of the current generation.
  /** Address (chunk base + offset, below ARENA_ADDRESS_SPACE): addressOf is then a single load. */
  private recAddress = new Int32Array(INITIAL_RECORDS);
  private recSize = new Uint32Array(INITIAL_RECORDS);
  private recSite: (string | undefined)[] | null = null;
  /** Consecutive generations that used under a quarter of the record arrays, and the largest of them. */
  private smallGenerations = 0;
  private smallPeak = 0;
  /** What the finalizer releases if this arena is collected without destroy() (see ArenaReclaimer). */
  private readonly reclaimer = new ArenaReclaimer(this.recSize);
  // Tag runs of the current generation: run r covers [runFirst[r], runFirst[r + 1] or count).
  private runFirst = new Uint32Array(INITIAL_RUNS);
  private runKey = new Uint16Array(INITIAL_RUNS);
  private runCount = 0;
  /** Tag of the open run (the last one; always a valid tag), or NO_RUN. */
  private openTag: number = NO_RUN;
  /** Whether the open run's allocations are counted in the stats. */
  private openCounted = false;

  // Stats charges kept here until flushed (see stats.ts, deferred charges): counted allocations of
  // the open run from index `flushedIndex` on, `pendingBytes` in total. While nothing is pending the
  // budget is 0, so the next counted allocation takes chargeSlow and registers with the stats.
  private pendingBytes = 0;
  // -0, not 0: a double from the start, so the Infinity of an uncounted run does not change the
  // field's representation (which would deoptimize every loop that inlined alloc).
  private chargeBudget = -0;
  private flushedIndex = 0;
  private pendingTag = 0;
  private chargesRegistered = false;
  /** This arena's entry in the stats' registry of deferred charges (maintained by stats.ts). */
  deferredSlot = -1;

  // Chunks.
  private chunks: ArrayBuffer[] = [];
  private chunkBytes: Uint8Array[] = [];
  private chunkBase: number[] = [];
  /** A DataView per chunk, for the checked accessors (getUint32...). */
  private chunkViews: DataView[] = [];
  /** The current chunk's DataView: live allocations at or above currentBase are all in it. */
  private currentView: DataView = EMPTY_VIEW;
  /** Offset within the DataView that `locate` last returned (read right after the call). */
  private accessOffset = 0;
  private current = 0;
  private currentOffset = 0;
  private currentSize = 0;
  private currentBase = 0;

  /** Bytes handed out in chunks before the current one, this generation (`used` = this + currentOffset). */
  private usedBeforeCurrent = 0;
  private peakBytes = 0;
  private ownerPeak = 0;
  private ownerPeakAt = 0;
  private capacityBytes = 0;
  private generationCount = 0;
  private isDestroyed = false;

  private history: GenerationHistory[] = [];
  private destroySite: string | undefined;

  constructor(initialSize: number, name: string, options: ArenaOptions) {
    this.name = name;
    this.defaultTag = options.tag ?? MemTag.General;
    this.maxBytes = options.maxBytes ?? Infinity;
    this.initialSize = initialSize;
    this.backend = resolveBackend(options.backend, `createArena(${JSON.stringify(name)})`);
    this.creationSite = isDebugMode() ? captureSite() : undefined;
    if (initialSize > this.maxBytes) {
      throw new ArenaError(
        'ERR_OUT_OF_MEMORY',
        `cannot create ${describeOwner('arena', name)}: initial size ${initialSize} exceeds maxBytes ${this.maxBytes}`,
        { ownerName: name, ownerKind: 'arena' },
      );
    }
    this.addChunk(initialSize);
    this.takeId(acquireOwnerId(this, 1, this.reclaimer));
  }

  // ---- read-only state ----------------------------------------------------------------------
  get capacity(): number {
    return this.capacityBytes;
  }
  get used(): number {
    return this.usedBeforeCurrent + this.currentOffset;
  }
  get peak(): number {
    return Math.max(this.peakBytes, this.used);
  }
  get overflow(): number {
    return this.chunks.length === 0 ? 0 : this.chunks.length - 1;
  }
  get generation(): number {
    return this.generationCount;
  }
  get destroyed(): boolean {
    return this.isDestroyed;
  }

  // ---- allocation ---------------------------------------------------------------------------
  alloc(size: number, tag?: Tag): Handle {
    return this.allocate(size, DEFAULT_ALIGNMENT, tag === undefined ? this.defaultTag : tag);
  }

  allocAligned(size: number, align: number, tag?: Tag): Handle {
    if (!(align > 0 && align <= MAX_ALIGNMENT && (align & (align - 1)) === 0 && (align | 0) === align)) {
      this.throwIfDestroyed();
      throw new ArenaError(
        'ERR_INVALID_ALIGNMENT',
        `alignment ${describeValue(align)} requested from ${describeOwner('arena', this.name)} is not a power of two between 1 and ${MAX_ALIGNMENT}`,
        { ownerName: this.name, ownerKind: 'arena' },
      );
    }
    return this.allocate(size, align, tag === undefined ? this.defaultTag : tag);
  }

  // The fast path: the common case only, every test of it folded into one condition, and everything
  // else in allocateSlow, which V8 does not inline (it is too big), so the caller's loop carries no
  // code for rare cases (measured side by side with the previous shape, where the rare cases were
  // inlined behind their own tests: alloc + setUint32 about 25% faster, alloc alone about 8%).
  private allocate(size: number, align: number, tag: Tag): Handle {
    const index = this.count;
    const offset = (this.currentOffset + align - 1) & ~(align - 1);
    const pending = this.pendingBytes + size;
    if (
      !(size > 0 && (size | 0) === size) ||
      offset + size > this.currentSize ||
      index === this.recordCapacity ||
      tag !== this.openTag ||
      statsEnabled !== this.openCounted ||
      pending > this.chargeBudget ||
      allocationGate !== null ||
      debugMode
    ) {
      return this.allocateSlow(size, align, tag);
    }
    this.currentOffset = offset + size;
    this.recAddress[index] = this.currentBase + offset;
    this.recSize[index] = size;
    this.count = index + 1;
    // An uncounted run adds up too, harmlessly: its budget is Infinity and openRun starts over at 0.
    this.pendingBytes = pending;
    return (this.genStartHandle + index) as Handle;
  }

  /** Everything the fast path does not: checks that throw, growth, chunk changes, runs, charges, debug sites. */
  private allocateSlow(size: number, align: number, tag: Tag): Handle {
    // A tag identical to the open run's was checked when the run started, and the run says whether
    // the stats count it; anything else (another tag, stats switched, a gate) goes through checkSlow.
    const counted = statsEnabled;
    const slow =
      !(size > 0 && size <= MAX_ALLOCATION && (size | 0) === size) || tag !== this.openTag || counted !== this.openCounted || allocationGate !== null;
    if (slow) this.checkSlow(size, tag);
    const index = this.count;
    // Records first: if they cannot grow, the allocation fails before any byte is taken.
    if (index === this.recordCapacity) this.growRecords(size, tag);
    let offset = (this.currentOffset + align - 1) & ~(align - 1);
    // A destroyed arena has currentSize -1, so it always takes this branch and throws there.
    if (offset + size > this.currentSize) offset = this.moveToChunkFor(size, align, tag);
    // Nothing can fail any more: start a run only now, so a failed allocation leaves none behind.
    if (slow && (tag !== this.openTag || counted !== this.openCounted)) this.openRun(tag, counted, index);
    this.currentOffset = offset + size;
    this.recAddress[index] = this.currentBase + offset;
    this.recSize[index] = size;
    this.count = index + 1;
    if (counted) {
      const pending = this.pendingBytes + size;
      this.pendingBytes = pending;
      if (pending > this.chargeBudget) this.chargeSlow(tag);
    }
    if (debugMode) this.recordSite(index);
    return (this.genStartHandle + index) as Handle;
  }

  /**
   * Pending charges reached the budget: register them with the stats (first allocation since the
   * last flush), and flush when they could take the tag to a new peak-timestamp level.
   */
  private chargeSlow(tag: number): void {
    if (!this.chargesRegistered) {
      this.chargeBudget = registerDeferredCharges(this, tag);
      this.chargesRegistered = true;
      this.pendingTag = tag;
    }
    if (this.pendingBytes > this.chargeBudget) this.flushCharges();
  }

  /** Charges the pending allocations to the stats (called by stats.ts before any read). */
  flushCharges(): void {
    if (!this.chargesRegistered) return;
    const bytes = this.pendingBytes;
    const count = this.count - this.flushedIndex;
    this.pendingBytes = 0;
    this.chargeBudget = 0;
    this.flushedIndex = this.count;
    this.reclaimer.charged = this.count;
    this.chargesRegistered = false;
    chargeDeferred(this, this.pendingTag, bytes, count);
  }

  /** Starts a tag run at `index` (the tag was checked by checkSlow). */
  private openRun(tag: number, counted: boolean, index: number): void {
    this.flushCharges();
    // Pending charges only ever cover the open run (an uncounted run before it charges nothing).
    this.flushedIndex = index;
    // The fast path adds every size to pendingBytes and leaves when it passes chargeBudget: a counted
    // run starts at 0 (its first allocation registers the charges), an uncounted one never leaves.
    this.pendingBytes = 0;
    this.chargeBudget = counted ? 0 : Infinity;
    const run = this.runCount;
    if (run === this.runFirst.length) {
      const first = new Uint32Array(run * 2);
      first.set(this.runFirst);
      this.runFirst = first;
      const keys = new Uint16Array(run * 2);
      keys.set(this.runKey);
      this.runKey = keys;
    }
    this.runFirst[run] = index;
    this.runKey[run] = counted ? tag | COUNTED : tag;
    this.runCount = run + 1;
    const reclaimer = this.reclaimer;
    reclaimer.runFirst = this.runFirst;
    reclaimer.runKey = this.runKey;
    reclaimer.runCount = run + 1;
    reclaimer.charged = index;
    this.openTag = tag;
    this.openCounted = counted;
  }

  /** The run key (tag, and COUNTED) of the allocation at `index` of the current generation. */
  private keyAt(index: number): number {
    return keyInRuns(this.runFirst, this.runKey, this.runCount, index);
  }
  /** Throws for a bad size, tag or destroyed arena, or when the allocation gate refuses. */
  private checkSlow(size: number, tag: Tag): void {
    // A destroyed arena is the first thing to report, whatever else is wrong with the call.
    this.throwIfDestroyed();
    if (!(size > 0 && size <= MAX_ALLOCATION && (size | 0) === size)) this.throwBadSize(size);
    if (!((tag >>> 0) === tag && tag < definedTagCount)) throwInvalidTag(tag);
    if (gateRefuses('arena', this.name, tag, size)) {
      throw new ArenaError(
        'ERR_OUT_OF_MEMORY',
        `allocation of ${size} bytes from ${describeOwner('arena', this.name, tagLabel(tag))} refused by the allocation gate`,
        { ownerName: this.name, ownerKind: 'arena', tagName: tagLabel(tag) },
      );
    }
  }

  /**
   * Peaks are folded in when usage can drop (reset, destroy) or is read: within a generation `used`
   * and the live bytes only grow, so the peak is the value just before the drop.
   */
  private foldPeaks(liveBytes: number): void {
    if (this.used > this.peakBytes) this.peakBytes = this.used;
    if (liveBytes > this.ownerPeak) {
      this.ownerPeak = liveBytes;
      this.ownerPeakAt = performance.now();
    }
  }

  /** Sum of the sizes of the live allocations (kept out of the fast path; summed when asked). */
  private liveBytes(): number {
    let total = 0;
    for (let index = 0; index < this.count; index++) total += this.recSize[index]!;
    return total;
  }

  /** Slow path: the current chunk is full. Reuse a later chunk kept from before a reset, or add one. */
  private moveToChunkFor(size: number, align: number, tag: Tag): number {
    this.throwIfDestroyed();
    if (this.backend.growInPlace !== undefined && this.current === this.chunks.length - 1) {
      const offset = this.growCurrentChunk(size, align);
      if (offset >= 0) return offset;
    }
    // Chunk bases are MAX_ALIGNMENT-aligned, so offset 0 of any chunk satisfies every alignment.
    for (let next = this.current + 1; next < this.chunks.length; next++) {
      if (this.chunkBytes[next]!.length >= size) {
        this.enterChunk(next);
        return 0;
      }
    }
    const room = this.maxBytes - this.capacityBytes;
    if (size > room) {
      throw new ArenaError(
        'ERR_OUT_OF_MEMORY',
        `${describeOwner('arena', this.name, tagLabel(tag))} cannot allocate ${size} bytes (align ${align}): ` +
          `${this.capacityBytes} of its ${this.maxBytes} maxBytes are reserved and ${this.used} used`,
        { ownerName: this.name, ownerKind: 'arena', tagName: tagLabel(tag) },
      );
    }
    const addressRoom = ARENA_ADDRESS_SPACE - this.nextChunkBase();
    if (size > addressRoom) {
      throw new ArenaError(
        'ERR_OUT_OF_MEMORY',
        `${describeOwner('arena', this.name, tagLabel(tag))} cannot allocate ${size} bytes (align ${align}): ` +
          `its chunks already span ${this.nextChunkBase()} of the ${ARENA_ADDRESS_SPACE} bytes of address space an arena has (${this.used} used)`,
        { ownerName: this.name, ownerKind: 'arena', tagName: tagLabel(tag) },
      );
    }
    const lastSize = this.chunkBytes[this.chunks.length - 1]?.length ?? this.initialSize;
    const grown = Math.max(this.initialSize, Math.min(lastSize * 2, MAX_GROWTH_CHUNK));
    this.addChunk(Math.min(Math.max(size, grown), room, addressRoom, MAX_ALLOCATION));
    this.enterChunk(this.chunks.length - 1);
    return 0;
  }

  private addChunk(size: number): void {
    let region;
    try {
      region = this.backend.reserve(size, this.nextChunkBase(), MAX_ALIGNMENT);
    } catch (cause) {
      throw new ArenaError(
        'ERR_OUT_OF_MEMORY',
        `${describeOwner('arena', this.name)} could not reserve a chunk of ${size} bytes: ${cause instanceof Error ? cause.message : String(cause)}`,
        { ownerName: this.name, ownerKind: 'arena' },
      );
    }
    const previous = this.chunks.length - 1;
    const { buffer, byteOffset, address: base } = region;
    this.chunks.push(buffer as ArrayBuffer);
    // A chunk that can grow in place gets length-tracking views, which follow its resizes.
    const tracking = this.backend.growInPlace !== undefined && byteOffset === 0;
    this.chunkBytes.push(tracking ? new Uint8Array(buffer) : new Uint8Array(buffer, byteOffset, size));
    this.chunkViews.push(tracking ? new DataView(buffer) : new DataView(buffer, byteOffset, size));
    this.chunkBase.push(base);
    this.chunkShift.push(byteOffset - base);
    this.capacityBytes += size;
    if (previous < 0) this.enterChunk(0);
  }

  /**
   * A backend that grows in place (resizable ArrayBuffer): grow the last chunk instead of chaining
   * one, doubling like chunks do, within maxBytes. Returns the offset for the allocation, or -1.
   */
  private growCurrentChunk(size: number, align: number): number {
    const offset = (this.currentOffset + align - 1) & ~(align - 1);
    const needed = offset + size;
    const limit = Math.min(this.currentSize + (this.maxBytes - this.capacityBytes), ARENA_ADDRESS_SPACE - this.currentBase, MAX_ALLOCATION);
    if (needed > limit) return -1;
    const doubled = Math.min(Math.max(needed, this.currentSize * 2, this.initialSize), this.currentSize + MAX_GROWTH_CHUNK, limit);
    const chunk = this.current;
    const region = { buffer: this.chunks[chunk]!, byteOffset: 0, address: this.currentBase, byteLength: this.currentSize };
    if (!this.backend.growInPlace!(region, Math.max(doubled, needed)) && !(doubled > needed && this.backend.growInPlace!(region, needed))) return -1;
    const grown = this.chunkBytes[chunk]!.length;
    this.capacityBytes += grown - this.currentSize;
    this.currentSize = grown;
    return offset;
  }

  /** Base of the next chunk: past the last one, aligned to MAX_ALIGNMENT. */
  private nextChunkBase(): number {
    const last = this.chunks.length - 1;
    return last < 0 ? 0 : Math.ceil((this.chunkBase[last]! + this.chunkBytes[last]!.length) / MAX_ALIGNMENT) * MAX_ALIGNMENT;
  }

  private enterChunk(index: number): void {
    this.usedBeforeCurrent = index === 0 ? 0 : this.usedBeforeCurrent + this.currentOffset;
    this.current = index;
    this.currentOffset = 0;
    this.currentSize = this.chunkBytes[index]!.length;
    this.currentBase = this.chunkBase[index]!;
    this.currentView = this.chunkViews[index]!;
  }

  private growRecords(size: number, tag: Tag): void {
    this.throwIfDestroyed(); // a destroyed arena has no record capacity, so it lands here first
    const serialsLeft = SERIAL_SPACE - this.genStartSerial;
    if (this.count >= serialsLeft) {
      if (this.count > 0) {
        throw new ArenaError(
          'ERR_OUT_OF_MEMORY',
          `${describeOwner('arena', this.name, tagLabel(tag))} cannot allocate ${size} more bytes: ` +
            `its handle space is used up (${this.count} live allocations); reset it first`,
          { ownerName: this.name, ownerKind: 'arena', tagName: tagLabel(tag) },
        );
      }
      this.moveToFreshId();
    }
    const capacity = Math.min(Math.max(this.recAddress.length, this.count * 2, INITIAL_RECORDS), SERIAL_SPACE - this.genStartSerial);
    if (capacity > this.recAddress.length) {
      const addresses = new Int32Array(capacity);
      addresses.set(this.recAddress.subarray(0, this.count));
      this.recAddress = addresses;
      this.recSize = grow32(this.recSize, capacity, this.count);
      this.reclaimer.recSize = this.recSize;
    }
    this.recordCapacity = capacity;
    this.reclaimer.serialBound = this.genStartSerial + capacity;
  }

  /** The id's serials are used up at a generation boundary: retire it and continue under a new id. */
  private moveToFreshId(): void {
    const retiring = { id: this.id, firstSerial: this.firstSerialOfId };
    const next = acquireOwnerId(this, 1, this.reclaimer);
    releaseOwnerId(retiring.id, SERIAL_SPACE);
    this.previousIds.push(retiring);
    this.takeId(next);
  }

  private takeId({ id, firstSerial }: { id: number; firstSerial: number }): void {
    this.id = id;
    this.idBase = id * SERIAL_SPACE;
    this.firstSerialOfId = firstSerial;
    this.genStartSerial = firstSerial;
    this.genStartHandle = this.idBase + firstSerial;
    this.recordCapacity = Math.min(this.recAddress.length, SERIAL_SPACE - firstSerial);
    this.reclaimer.serialBound = firstSerial + this.recordCapacity;
  }

  private recordSite(index: number): void {
    if (this.recSite === null) this.recSite = [];
    this.recSite[index] = captureSite();
  }

  // ---- reset / destroy ----------------------------------------------------------------------
  reset(): void {
    this.throwIfDestroyed();
    this.flushCharges();
    this.foldPeaks(this.releaseRecords());
    const debug = isDebugMode();
    const resetSite = debug ? captureSite() : undefined;
    if (debug || this.recSite !== null) this.rememberGeneration(resetSite);
    // Decided per allocation, not per reset: a generation with allocations made in debug mode
    // (recSite is set) is detached even when debug mode was switched off since.
    if (debug || this.recSite !== null) {
      this.poisonAndDetach('ERR_USE_AFTER_RESET', `${describeOwner('arena', this.name)} was reset after the memory was allocated`, resetSite);
    }
    this.genStartSerial += this.count;
    this.genStartHandle = this.idBase + this.genStartSerial;
    if (this.recAddress.length > SHRINK_RECORDS_ABOVE) this.considerShrinking(this.count);
    this.recordCapacity = Math.min(this.recAddress.length, SERIAL_SPACE - this.genStartSerial);
    const reclaimer = this.reclaimer;
    reclaimer.serialBound = this.genStartSerial + this.recordCapacity;
    reclaimer.charged = 0;
    reclaimer.runCount = 0;
    this.count = 0;
    this.flushedIndex = 0;
    this.runCount = 0;
    this.openTag = NO_RUN;
    this.generationCount++;
    this.enterChunk(0);
    if (this.recSite !== null) this.recSite = debug ? [] : null;
  }

  destroy(): void {
    this.throwIfDestroyed();
    this.flushCharges();
    this.foldPeaks(this.releaseRecords());
    const debug = isDebugMode();
    if (debug) this.destroySite = captureSite();
    if (debug || this.recSite !== null) this.poisonAndDetach('ERR_ARENA_DESTROYED', `${describeOwner('arena', this.name)} was destroyed`, this.destroySite);
    this.isDestroyed = true;
    releaseOwnerId(this.id, this.genStartSerial + this.count);
    this.count = 0;
    this.flushedIndex = 0;
    this.recordCapacity = 0;
    this.usedBeforeCurrent = 0;
    this.chunks = [];
    this.chunkBytes = [];
    this.chunkBase = [];
    this.chunkShift = [];
    this.chunkViews = [];
    this.currentView = EMPTY_VIEW;
    this.capacityBytes = 0;
    this.currentSize = -1;
    this.currentOffset = 0;
    this.recAddress = new Int32Array(0);
    this.recSize = new Uint32Array(0);
    this.runCount = 0;
    this.openTag = NO_RUN;
  }

  /** At a reset, with `count` records used by the generation just ended: shrink oversized record arrays. */
  private considerShrinking(count: number): void {
    if (count * 4 >= this.recAddress.length) {
      this.smallGenerations = 0;
      this.smallPeak = 0;
      return;
    }
    this.smallPeak = Math.max(this.smallPeak, count);
    if (++this.smallGenerations < SHRINK_AFTER) return;
    const capacity = Math.max(INITIAL_RECORDS, 2 ** Math.ceil(Math.log2(Math.max(1, this.smallPeak * 2))));
    this.recAddress = new Int32Array(capacity);
    this.recSize = new Uint32Array(capacity);
    this.reclaimer.recSize = this.recSize;
    this.smallGenerations = 0;
    this.smallPeak = 0;
  }

  /** Destroys the arena unless it already is: `using` and withArena may run after an explicit destroy. */
  [Symbol.dispose](): void {
    if (!this.isDestroyed) this.destroy();
  }

  /** Takes this generation's allocations out of the stats; returns their total size. */
  private releaseRecords(): number {
    const sizes = this.recSize;
    let total = 0;
    for (let run = 0; run < this.runCount; run++) {
      const key = this.runKey[run]!;
      const end = run + 1 < this.runCount ? this.runFirst[run + 1]! : this.count;
      let runBytes = 0;
      if (key >= COUNTED) {
        const tag = key & TAG_MASK;
        runBytes = countSizeClassesOf(tag, sizes, this.runFirst[run]!, end);
        if (end > this.runFirst[run]!) chargeFreeBatch(tag, runBytes, end - this.runFirst[run]!);
      } else {
        for (let index = this.runFirst[run]!; index < end; index++) runBytes += sizes[index]!;
      }
      total += runBytes;
    }
    return total;
  }

  /** Size classes of the counted allocations still live in this arena (they are counted on release). */
  addLiveSizeClasses(tag: number, counts: Float64Array): void {
    for (let run = 0; run < this.runCount; run++) {
      if (this.runKey[run] !== (tag | COUNTED)) continue;
      const end = run + 1 < this.runCount ? this.runFirst[run + 1]! : this.count;
      for (let index = this.runFirst[run]!; index < end; index++) counts[sizeClassOf(this.recSize[index]!)]!++;
    }
  }

  /**
   * Debug mode: poisons the used bytes and moves every chunk to a fresh buffer, so views taken
   * before go dead; notes why for ByteBuffer (`code`, `summary`, where it happened).
   */
  private poisonAndDetach(code: 'ERR_USE_AFTER_RESET' | 'ERR_ARENA_DESTROYED', summary: string, site: string | undefined): void {
    const death = {
      code,
      summary,
      details: code === 'ERR_USE_AFTER_RESET' ? { ownerName: this.name, ownerKind: 'arena' as const, resetSite: site } : { ownerName: this.name, ownerKind: 'arena' as const, destroySite: site },
    };
    for (let index = 0; index < this.chunks.length; index++) {
      const end = index < this.current ? this.chunkBytes[index]!.length : index === this.current ? this.currentOffset : 0;
      if (end > 0) this.chunkBytes[index]!.fill(POISON_BYTE, 0, end);
      // Shared and WebAssembly memory cannot be detached (others hold it): poisoned only.
      if (!this.backend.detachable) continue;
      noteDeath(this.chunks[index]!, death);
      const fresh = detachBuffer(this.chunks[index]!);
      this.chunks[index] = fresh;
      this.chunkBytes[index] = new Uint8Array(fresh);
      this.chunkViews[index] = new DataView(fresh);
    }
  }

  private rememberGeneration(resetSite: string | undefined): void {
    this.history.push({
      firstHandle: this.genStartHandle,
      count: this.count,
      sites: this.recSite ?? [],
      runFirst: this.runFirst.slice(0, this.runCount),
      runKey: this.runKey.slice(0, this.runCount),
      resetSite,
    });
    if (this.history.length > DEBUG_HISTORY) this.history.shift();
  }

  // ---- access -------------------------------------------------------------------------------
  bytes(handle: Handle): Uint8Array {
    // Not a number (a string, a BigInt...) gives offset -1, which fails the check below. Checking the
    // uint32 `index` (not the double `offset`) lets V8 index the records with an integer.
    const offset = typeof handle === 'number' ? handle - this.genStartHandle : -1;
    const index = offset >>> 0;
    if (index !== offset || index >= this.count) this.throwBadHandle(handle, 'read');
    const address = this.recAddress[index]!;
    const chunk = this.chunkAt(address);
    return new Uint8Array(this.chunks[chunk]!, address + this.chunkShift[chunk]!, this.recSize[index]!);
  }

  /** The chunk holding `address`: the last one whose base is not above it (bases ascend). */
  private chunkAt(address: number): number {
    if (address >= this.currentBase) {
      // Usually the current chunk; after it only chunks kept from before a reset, not used yet.
      let chunk = this.current;
      while (chunk + 1 < this.chunkBase.length && this.chunkBase[chunk + 1]! <= address) chunk++;
      return chunk;
    }
    let low = 0;
    let high = this.current;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.chunkBase[middle]! <= address) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  addressOf(handle: Handle): number {
    // Not a number (a string, a BigInt...) gives offset -1, which fails the check below. Checking the
    // uint32 `index` (not the double `offset`) lets V8 index the records with an integer.
    const offset = typeof handle === 'number' ? handle - this.genStartHandle : -1;
    const index = offset >>> 0;
    if (index !== offset || index >= this.count) this.throwBadHandle(handle, 'take the address of');
    return this.recAddress[index]!;
  }

  sizeOf(handle: Handle): number {
    // Not a number (a string, a BigInt...) gives offset -1, which fails the check below. Checking the
    // uint32 `index` (not the double `offset`) lets V8 index the records with an integer.
    const offset = typeof handle === 'number' ? handle - this.genStartHandle : -1;
    const index = offset >>> 0;
    if (index !== offset || index >= this.count) this.throwBadHandle(handle, 'take the size of');
    return this.recSize[index]!;
  }

  isLive(handle: Handle): boolean {
    const offset = typeof handle === 'number' ? handle - this.genStartHandle : -1;
    const index = offset >>> 0;
    return index === offset && index < this.count;
  }

  // ---- checked access without allocation (CheckedAccess) -------------------------------------
  // Each accessor is `localAddress` (handle check, bounds check, chunk) plus one DataView call, so
  // V8 inlines the whole of it into the caller's loop and nothing is allocated. The fast path
  // stores nothing: returning the view and its offset through a field measured about 1.5x slower.
  getUint8(handle: Handle, byteOffset: number): number {
    const local = this.localAddress(handle, byteOffset, 1, 'getUint8');
    return local >= 0 ? this.currentView.getUint8(local) : this.olderView(local).getUint8(this.accessOffset);
  }
  getInt8(handle: Handle, byteOffset: number): number {
    const local = this.localAddress(handle, byteOffset, 1, 'getInt8');
    return local >= 0 ? this.currentView.getInt8(local) : this.olderView(local).getInt8(this.accessOffset);
  }
  getUint16(handle: Handle, byteOffset: number): number {
    const local = this.localAddress(handle, byteOffset, 2, 'getUint16');
    return local >= 0 ? this.currentView.getUint16(local, true) : this.olderView(local).getUint16(this.accessOffset, true);
  }
  getInt16(handle: Handle, byteOffset: number): number {
    const local = this.localAddress(handle, byteOffset, 2, 'getInt16');
    return local >= 0 ? this.currentView.getInt16(local, true) : this.olderView(local).getInt16(this.accessOffset, true);
  }
  getUint32(handle: Handle, byteOffset: number): number {
    const local = this.localAddress(handle, byteOffset, 4, 'getUint32');
    return local >= 0 ? this.currentView.getUint32(local, true) : this.olderView(local).getUint32(this.accessOffset, true);
  }
  getInt32(handle: Handle, byteOffset: number): number {
    const local = this.localAddress(handle, byteOffset, 4, 'getInt32');
    return local >= 0 ? this.currentView.getInt32(local, true) : this.olderView(local).getInt32(this.accessOffset, true);
  }
  getFloat32(handle: Handle, byteOffset: number): number {
    const local = this.localAddress(handle, byteOffset, 4, 'getFloat32');
    return local >= 0 ? this.currentView.getFloat32(local, true) : this.olderView(local).getFloat32(this.accessOffset, true);
  }
  getFloat64(handle: Handle, byteOffset: number): number {
    const local = this.localAddress(handle, byteOffset, 8, 'getFloat64');
    return local >= 0 ? this.currentView.getFloat64(local, true) : this.olderView(local).getFloat64(this.accessOffset, true);
  }
  setUint8(handle: Handle, byteOffset: number, value: number): void {
    const local = this.localAddress(handle, byteOffset, 1, 'setUint8');
    if (local >= 0) this.currentView.setUint8(local, value);
    else this.olderView(local).setUint8(this.accessOffset, value);
  }
  setInt8(handle: Handle, byteOffset: number, value: number): void {
    const local = this.localAddress(handle, byteOffset, 1, 'setInt8');
    if (local >= 0) this.currentView.setInt8(local, value);
    else this.olderView(local).setInt8(this.accessOffset, value);
  }
  setUint16(handle: Handle, byteOffset: number, value: number): void {
    const local = this.localAddress(handle, byteOffset, 2, 'setUint16');
    if (local >= 0) this.currentView.setUint16(local, value, true);
    else this.olderView(local).setUint16(this.accessOffset, value, true);
  }
  setInt16(handle: Handle, byteOffset: number, value: number): void {
    const local = this.localAddress(handle, byteOffset, 2, 'setInt16');
    if (local >= 0) this.currentView.setInt16(local, value, true);
    else this.olderView(local).setInt16(this.accessOffset, value, true);
  }
  setUint32(handle: Handle, byteOffset: number, value: number): void {
    const local = this.localAddress(handle, byteOffset, 4, 'setUint32');
    if (local >= 0) this.currentView.setUint32(local, value, true);
    else this.olderView(local).setUint32(this.accessOffset, value, true);
  }
  setInt32(handle: Handle, byteOffset: number, value: number): void {
    const local = this.localAddress(handle, byteOffset, 4, 'setInt32');
    if (local >= 0) this.currentView.setInt32(local, value, true);
    else this.olderView(local).setInt32(this.accessOffset, value, true);
  }
  setFloat32(handle: Handle, byteOffset: number, value: number): void {
    const local = this.localAddress(handle, byteOffset, 4, 'setFloat32');
    if (local >= 0) this.currentView.setFloat32(local, value, true);
    else this.olderView(local).setFloat32(this.accessOffset, value, true);
  }
  setFloat64(handle: Handle, byteOffset: number, value: number): void {
    const local = this.localAddress(handle, byteOffset, 8, 'setFloat64');
    if (local >= 0) this.currentView.setFloat64(local, value, true);
    else this.olderView(local).setFloat64(this.accessOffset, value, true);
  }

  read<T extends Uint8Array>(handle: Handle, byteOffset: number, target: T): T {
    if (!(target instanceof Uint8Array)) throw notBytes('read', 'target', target);
    const bytes = this.bytesOf(this.locate(handle, byteOffset, target.length, 'read'));
    return copyOut(bytes, this.accessOffset, target);
  }

  write(handle: Handle, byteOffset: number, source: Uint8Array): void {
    if (!(source instanceof Uint8Array)) throw notBytes('write', 'source', source);
    this.bytesOf(this.locate(handle, byteOffset, source.length, 'write')).set(source, this.accessOffset);
  }

  /**
   * Checks `handle` and that `width` bytes from `byteOffset` lie inside its allocation. Returns their
   * offset in the current chunk's DataView or, when they lie in an earlier chunk, a negative number
   * for olderView.
   */
  private localAddress(handle: Handle, byteOffset: number, width: number, what: string): number {
    const offset = typeof handle === 'number' ? handle - this.genStartHandle : -1;
    const index = offset >>> 0;
    if (index !== offset || index >= this.count) this.throwBadHandle(handle, what);
    // `>>> 0` maps every non-integer, negative or non-number offset to a value it is not equal to.
    const start = byteOffset >>> 0;
    if (start !== byteOffset || start + width > this.recSize[index]!) this.throwOutOfBounds(handle, byteOffset, width, index, what);
    // Addresses are below 2^31, so `-1 - address` is negative exactly for the earlier chunks.
    const address = this.recAddress[index]! + start;
    return address >= this.currentBase ? address - this.currentBase : -1 - address;
  }

  /** The DataView of the earlier chunk holding address `-1 - local`; the offset in it goes to accessOffset. */
  private olderView(local: number): DataView {
    const address = -1 - local;
    const chunk = this.chunkAt(address);
    this.accessOffset = address - this.chunkBase[chunk]!;
    return this.chunkViews[chunk]!;
  }

  /**
   * Checks `handle` and that `width` bytes from `byteOffset` lie inside its allocation; returns the
   * DataView of the chunk holding them and leaves their offset in it in `accessOffset` (bulk copies).
   */
  private locate(handle: Handle, byteOffset: number, width: number, what: string): DataView {
    const offset = typeof handle === 'number' ? handle - this.genStartHandle : -1;
    const index = offset >>> 0;
    if (index !== offset || index >= this.count) this.throwBadHandle(handle, what);
    // `>>> 0` maps every non-integer, negative or non-number offset to a value it is not equal to.
    const start = byteOffset >>> 0;
    if (start !== byteOffset || start + width > this.recSize[index]!) this.throwOutOfBounds(handle, byteOffset, width, index, what);
    const address = this.recAddress[index]! + start;
    if (address >= this.currentBase) {
      this.accessOffset = address - this.currentBase;
      return this.currentView;
    }
    const chunk = this.chunkAt(address);
    this.accessOffset = address - this.chunkBase[chunk]!;
    return this.chunkViews[chunk]!;
  }

  /** The bytes of the chunk whose DataView is `view` (bulk copies; an arena has few chunks). */
  private bytesOf(view: DataView): Uint8Array {
    return view === this.currentView ? this.chunkBytes[this.current]! : this.chunkBytes[this.chunkViews.indexOf(view)]!;
  }

  private throwOutOfBounds(handle: Handle, byteOffset: number, width: number, index: number, what: string): never {
    const tag = this.keyAt(index) & TAG_MASK;
    throw outOfBoundsError(what, byteOffset, width, this.recSize[index]!, {
      ownerName: this.name,
      ownerKind: 'arena',
      tagName: tagLabel(tag),
      handle,
      ...(this.recSite?.[index] === undefined ? {} : { allocationSite: this.recSite[index] }),
    });
  }

  // ---- errors -------------------------------------------------------------------------------
  private throwIfDestroyed(): void {
    if (!this.isDestroyed) return;
    throw new ArenaError('ERR_ARENA_DESTROYED', `${describeOwner('arena', this.name)} was used after it was destroyed`, {
      ownerName: this.name,
      ownerKind: 'arena',
      destroySite: this.destroySite,
      allocationSite: this.creationSite,
    });
  }

  private throwBadSize(size: number): never {
    this.throwIfDestroyed();
    if (typeof size === 'number' && Number.isInteger(size) && size > MAX_ALLOCATION) {
      throw new ArenaError(
        'ERR_OUT_OF_MEMORY',
        `${describeOwner('arena', this.name)} cannot allocate ${size} bytes: the largest single allocation is ${MAX_ALLOCATION} bytes`,
        { ownerName: this.name, ownerKind: 'arena' },
      );
    }
    throw new ArenaError('ERR_INVALID_SIZE', `allocation size from ${describeOwner('arena', this.name)} ${invalidSizeReason(size) ?? 'is invalid'}`, {
      ownerName: this.name,
      ownerKind: 'arena',
    });
  }

  private throwBadHandle(handle: unknown, action: string): never {
    const who = describeOwner('arena', this.name);
    if (this.isDestroyed) {
      throw new ArenaError('ERR_ARENA_DESTROYED', `cannot ${action} ${describeHandleValue(handle)}: ${who} was destroyed`, {
        ownerName: this.name,
        ownerKind: 'arena',
        handle,
        ...this.debugSitesFor(handle),
        destroySite: this.destroySite,
      });
    }
    if (!isHandleShaped(handle)) {
      throw new ArenaError('ERR_FOREIGN_HANDLE', `cannot ${action} ${describeHandleValue(handle)} in ${who}: it is not a handle (handles are non-negative integers returned by alloc)`, {
        ownerName: this.name,
        ownerKind: 'arena',
        handle,
      });
    }
    const { id, serial } = splitHandle(handle);
    let stale = false;
    let earlierOwner = false;
    if (id === this.id) {
      earlierOwner = serial < this.firstSerialOfId;
      stale = !earlierOwner && serial < this.genStartSerial;
    } else {
      // Ids this arena used before its serials ran out: every generation under them is over.
      const previous = this.previousIds.find((candidate) => candidate.id === id);
      if (previous !== undefined) {
        earlierOwner = serial < previous.firstSerial;
        stale = !earlierOwner;
      }
    }
    if (stale) {
      const sites = this.debugSitesFor(handle);
      const tag = sites.tag === undefined ? '' : ` (tag ${tagLabel(sites.tag)})`;
      throw new ArenaError(
        'ERR_USE_AFTER_RESET',
        `cannot ${action} ${describeHandleValue(handle)}${tag}: ${who} was reset after it was allocated (the arena is at generation ${this.generationCount}); the memory now belongs to newer allocations`,
        {
          ownerName: this.name,
          ownerKind: 'arena',
          handle,
          tagName: sites.tag === undefined ? undefined : tagLabel(sites.tag),
          allocationSite: sites.allocationSite,
          resetSite: sites.resetSite,
        },
      );
    }
    throw new ArenaError('ERR_FOREIGN_HANDLE', `cannot ${action} ${describeHandleValue(handle)} in ${who}: ${foreignReason(id, this.id, earlierOwner)}`, {
      ownerName: this.name,
      ownerKind: 'arena',
      handle,
    });
  }

  /** In debug mode, what is known about a stale handle's allocation: site, tag, and the reset that ended it. */
  private debugSitesFor(handle: unknown): { allocationSite?: string; resetSite?: string; tag?: number } {
    if (typeof handle !== 'number') return {};
    for (const generation of this.history) {
      const index = handle - generation.firstHandle;
      if (index >= 0 && index < generation.count && Number.isInteger(index)) {
        const site = generation.sites[index];
        const key = keyInRuns(generation.runFirst, generation.runKey, generation.runKey.length, index);
        const result: { allocationSite?: string; resetSite?: string; tag?: number } = { tag: key & TAG_MASK };
        if (site !== undefined) result.allocationSite = site;
        if (generation.resetSite !== undefined) result.resetSite = generation.resetSite;
        return result;
      }
    }
    const index = handle - this.genStartHandle;
    if (index >= 0 && index < this.count && Number.isInteger(index)) {
      const site = this.recSite?.[index];
      const tag = this.keyAt(index) & TAG_MASK;
      return site === undefined ? { tag } : { allocationSite: site, tag };
    }
    return {};
  }

  describeForRegistry(): OwnerInfo {
    const liveBytes = this.liveBytes();
    this.foldPeaks(liveBytes);
    return {
      kind: 'arena',
      name: this.name,
      tag: this.defaultTag,
      bytesInUse: liveBytes,
      liveAllocations: this.count,
      peakBytes: this.ownerPeak,
      peakAt: this.ownerPeakAt,
      creationSite: this.creationSite,
    };
  }
}

addSizeClassContributor((tag, counts) => {
  for (const owner of liveOwners()) if (owner instanceof ArenaImpl) owner.addLiveSizeClasses(tag, counts);
});

/**
 * What the finalizer (registry.ts) needs if an arena is collected without destroy(): the record and
 * run arrays and the counts the arena keeps current on its slow paths, never the arena itself. A
 * collected arena has no charges pending (the stats hold an arena while it has), so the charged
 * allocations are exactly the counted runs below `charged`.
 */
class ArenaReclaimer implements OwnerReclaimer {
  runFirst = new Uint32Array(0);
  runKey = new Uint16Array(0);
  runCount = 0;
  /** Allocations of the current generation charged to the stats. */
  charged = 0;
  /** No serial at or above this was issued under the current id. */
  serialBound = 0;

  constructor(public recSize: Uint32Array) {}

  reclaim(): number {
    for (let run = 0; run < this.runCount; run++) {
      const key = this.runKey[run]!;
      if (key < COUNTED) continue;
      const first = this.runFirst[run]!;
      const end = Math.min(run + 1 < this.runCount ? this.runFirst[run + 1]! : this.charged, this.charged);
      if (end <= first) continue;
      const tag = key & TAG_MASK;
      chargeFreeBatch(tag, countSizeClassesOf(tag, this.recSize, first, end), end - first);
    }
    this.runCount = 0;
    return this.serialBound;
  }
}

/** Key of the run holding `index`: the last run starting at or before it. */
function keyInRuns(runFirst: Uint32Array, runKey: Uint16Array, runCount: number, index: number): number {
  let low = 0;
  let high = runCount - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (runFirst[middle]! <= index) low = middle;
    else high = middle - 1;
  }
  return runKey[low]!;
}

function grow32(array: Uint32Array<ArrayBuffer>, capacity: number, keep: number): Uint32Array<ArrayBuffer> {
  const grown = new Uint32Array(capacity);
  grown.set(array.subarray(0, keep));
  return grown;
}

function checkName(name: unknown, what: string): string {
  if (typeof name !== 'string') {
    throw invalidArgument(`${what} name must be a string, got ${describeValue(name)}`);
  }
  return name;
}

/**
 * Creates an arena whose first chunk holds `initialSize` bytes. Allocations that do not fit chain
 * overflow chunks (each at least double the last, up to 64 MiB, or as big as the request), within
 * `options.maxBytes` if given. `name` appears in every error and report about the arena.
 */
export function createArena(initialSize: number, name: string, options: ArenaOptions = {}): Arena {
  checkName(name, 'arena');
  options = checkOptions(options, `createArena(${JSON.stringify(name)})`);
  const sizeProblem = invalidSizeReason(initialSize);
  if (sizeProblem !== undefined) {
    throw new ArenaError('ERR_INVALID_SIZE', `initial size of ${describeOwner('arena', name)} ${sizeProblem}`, { ownerName: name, ownerKind: 'arena' });
  }
  if (initialSize > MAX_ALLOCATION) {
    throw new ArenaError('ERR_OUT_OF_MEMORY', `initial size ${initialSize} of ${describeOwner('arena', name)} exceeds the largest chunk (${MAX_ALLOCATION} bytes)`, {
      ownerName: name,
      ownerKind: 'arena',
    });
  }
  const maxBytes = options.maxBytes;
  if (maxBytes !== undefined && maxBytes !== Infinity && invalidSizeReason(maxBytes) !== undefined) {
    throw new ArenaError('ERR_INVALID_SIZE', `maxBytes of ${describeOwner('arena', name)} ${invalidSizeReason(maxBytes)!}`, { ownerName: name, ownerKind: 'arena' });
  }
  if (options.tag !== undefined && !isDefinedTag(options.tag)) throwInvalidTag(options.tag);
  return new ArenaImpl(initialSize, name, options);
}

/**
 * Runs `body` with a fresh arena and destroys the arena on every exit path (`GM_WITH_ARENA`).
 * When `body` returns a promise, the arena is destroyed once the promise settles, and the returned
 * promise settles with the same value or reason after that.
 */
export function withArena<T>(initialSize: number, name: string, body: (arena: Arena) => T): T {
  if (typeof body !== 'function') throw invalidArgument(`withArena needs a body function, got ${describeValue(body)}`);
  const arena = createArena(initialSize, name);
  let result: T;
  try {
    result = body(arena);
  } catch (error) {
    arena[Symbol.dispose]();
    throw error;
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).finally(() => arena[Symbol.dispose]()) as T;
  }
  arena[Symbol.dispose]();
  return result;
}
