/// <reference lib="esnext.disposable" preserve="true" />
// (Kept in the emitted .d.ts: users' `lib` need not name esnext.disposable for `Disposable` here.)
// Fixed-size pools over one SharedArrayBuffer that any number of worker threads use at once
// (the seed's phase 4). Everything lives in the buffer, so `share()` is the buffer plus a name:
//
//   header (Int32 words, then Float64 fields) | per-thread rows | state[capacity] | next[capacity]
//   | holder[capacity] | data (capacity x stride bytes, 8-aligned)
//
// - state[slot] = generation * 2 + live. A slot's handle is base + generation * slotSpace + slot
//   (base = ownerId * 2^37 + first serial, see registry.ts), so a check is one mask, one division
//   by a power of two and one compare with state. alloc turns free into live and free turns live
//   into the next generation's free with compareExchange, so of two threads freeing one handle
//   exactly one succeeds: the other gets ERR_DOUBLE_FREE.
// - The free list is a Treiber stack: head = tag << indexBits | (slot + 1), compared-and-swapped
//   as one Int32; every change of the head bumps the tag, so a head read before another thread
//   popped and pushed the same slot no longer compares equal (ABA). The tag has 32 - indexBits
//   bits (at least 12, as capacity is below 2^20; 21 for 2047 slots). Only 2^tagBits changes of
//   the head between one thread's read of it and its CAS (a few instructions) could fool the CAS.
//   Should that ever happen, the pop still checks the slot's state and leaves a live slot to its
//   holder. (A compareExchange there too would also close the case of two threads fooled at the
//   same instant, at the price of a second atomic read-modify-write on every alloc.)
// - Per-thread rows (threadId, allocs, frees) are written only by their own thread, so counting
//   adds no shared write to the hot path; stats() adds them up in any thread.
// - holder[slot] is the row of the thread that allocated the slot (or adopted it): leak checks list
//   a thread's own handles, and reclaimThread frees what a dead worker held.
import { POISON_BYTE, captureSite, debugMode, isDebugMode } from './debug.js';
import { ArenaError, checkOptions, describeHandleValue, describeValue, invalidArgument, invalidSizeReason, notBytes, outOfBoundsError } from './errors.js';
import {
  SERIAL_SPACE,
  acquireOwnerId,
  allocationGate,
  currentThreadId,
  forgetOwnerId,
  foreignReason,
  gateRefuses,
  getHandleLayout,
  isHandleShaped,
  ownerById,
  registerForeignOwner,
  releaseSharedId,
  type OwnerInfo,
  type RegisteredOwner,
} from './registry.js';
import { bitsFor } from './slots.js';
import { MemTag, defineTag, isDefinedTag, tagLabel, tagName, throwInvalidTag } from './tags.js';
import type { CheckedAccess, Handle, Tag } from './types.js';

/** Most slots a shared pool can have: keeps at least 12 tag bits in the free-list head. */
export const MAX_SHARED_POOL_CAPACITY = 2 ** 20 - 1;
/** Most threads that can use one shared pool over its life (each takes a row for its counters). */
export const MAX_SHARED_POOL_THREADS = 1024;
const DEFAULT_THREADS = 64;
const DESCRIPTOR_KIND = 'eslint-plugin-arena/shared-pool';
const MAGIC = 0x41535031; // "ASP1"
/** Largest SharedArrayBuffer a pool asks for. */
const MAX_BYTES = 2 ** 31 - 1;

// Header: Int32 words 0..15, Float64 fields at Float64 index 8.. (byte 64..).
const H_MAGIC = 0;
const H_HEAD = 1;
const H_DESTROYED = 2;
const H_CAPACITY = 3;
const H_OBJECT_SIZE = 4;
const H_STRIDE = 5;
const H_SLOT_BITS = 6;
const H_OWNER_ID = 7;
const H_MAX_THREADS = 8;
const H_RETIRED = 9;
const H_MAX_GENERATION = 10;
const F_BASE = 8; // Float64 index: base handle
const F_FIRST_SERIAL = 9;
const HEADER_BYTES = 128;
const ROW_BYTES = 64; // one cache line per thread: Int32 claim at +0, Float64 allocs at +8, frees at +16
const GENERATION_LIMIT = 2 ** 30 - 2;

/** Options of createSharedPool. */
export interface SharedPoolOptions {
  /** Tag the pool's slots are reported under (its name travels in the descriptor). Default MemTag.General. */
  readonly tag?: Tag;
  /** Threads that may use the pool over its life, creator included (default 64, at most 1024). */
  readonly maxThreads?: number;
}

/**
 * What `share()` returns: structured-clonable (postMessage it, or pass it in `workerData`), and
 * accepted by `attachSharedPool` in any thread of the process.
 */
export interface SharedPoolDescriptor {
  readonly kind: typeof DESCRIPTOR_KIND;
  readonly version: 1;
  readonly buffer: SharedArrayBuffer;
  readonly name: string;
  readonly tagName: string;
}

/** One thread's counters in a shared pool. */
export interface SharedPoolThreadStats {
  readonly threadId: number;
  readonly allocs: number;
  readonly frees: number;
  /** Slots this thread allocated (or adopted) and that are still live. */
  readonly holding: number;
}

/** The whole picture of a shared pool, the same from every thread. */
export interface SharedPoolStats {
  readonly name: string;
  readonly tag: string;
  readonly objectSize: number;
  readonly capacity: number;
  readonly inUse: number;
  /** Slots retired because their generations ran out (never handed out again). */
  readonly retired: number;
  readonly threads: readonly SharedPoolThreadStats[];
}

/** A pool of fixed-size slots in shared memory; see createSharedPool. */
export interface SharedPool extends Disposable, CheckedAccess {
  readonly name: string;
  readonly objectSize: number;
  /** Slots that can be live (retired slots excluded). */
  readonly capacity: number;
  /** Live slots across all threads. */
  readonly inUse: number;
  /** Destroyed in any thread, or detached from this one. */
  readonly destroyed: boolean;
  /** The process-wide owner id in every handle of this pool. */
  readonly ownerId: number;

  /** A free slot, or null when every slot is live. Lock-free; safe from any thread. */
  alloc(): Handle | null;
  /** Frees a live handle, whichever thread allocated it. Lock-free. */
  free(handle: Handle): void;
  bytes(handle: Handle): Uint8Array;
  /** Byte offset of the slot in the pool's data (slot * stride). */
  addressOf(handle: Handle): number;
  isLive(handle: Handle): boolean;
  /** Marks a live handle as held by this thread (for leak checks and reclaimThread) after another thread passed it on. */
  adopt(handle: Handle): void;
  /** The descriptor to post to other threads. */
  share(): SharedPoolDescriptor;
  stats(): SharedPoolStats;
  /**
   * Frees every live slot held by thread `threadId` (one that exited without freeing them) and
   * returns how many. Handles of those slots that another thread still uses become ERR_USE_AFTER_FREE.
   */
  reclaimThread(threadId: number): number;
  /** Destroys the pool for every thread: any later use anywhere throws ERR_ARENA_DESTROYED. */
  destroy(): void;
  /** Stops using the pool in this thread only (attached pools; the creator destroys instead). */
  detach(): void;
}

interface Layout {
  readonly capacity: number;
  readonly objectSize: number;
  readonly stride: number;
  readonly maxThreads: number;
  readonly rowsAt: number;
  readonly stateAt: number;
  readonly nextAt: number;
  readonly holderAt: number;
  readonly dataAt: number;
  readonly bytes: number;
}

function layoutOf(capacity: number, objectSize: number, maxThreads: number): Layout {
  const stride = Math.ceil(objectSize / 8) * 8;
  const rowsAt = HEADER_BYTES;
  const stateAt = rowsAt + maxThreads * ROW_BYTES;
  const nextAt = stateAt + capacity * 4;
  const holderAt = nextAt + capacity * 4;
  const dataAt = Math.ceil((holderAt + capacity * 4) / 64) * 64;
  return { capacity, objectSize, stride, maxThreads, rowsAt, stateAt, nextAt, holderAt, dataAt, bytes: dataAt + capacity * stride };
}

/** This copy's instances by pool identity (owner id and base), so attaching twice gives the same object. */
const attached = new Map<string, WeakRef<SharedPoolImpl>>();

class SharedPoolImpl implements SharedPool, RegisteredOwner {
  readonly ownerKind = 'pool' as const;
  readonly name: string;
  readonly objectSize: number;
  readonly ownerId: number;
  private readonly tag: Tag;
  private readonly buffer: SharedArrayBuffer;
  private readonly header: Int32Array;
  private readonly state: Int32Array;
  private readonly next: Int32Array;
  private readonly holder: Int32Array;
  private readonly data: Uint8Array;
  private readonly view: DataView;
  private readonly layout: Layout;
  private readonly creator: boolean;
  private readonly slotSpace: number;
  private readonly slotMask: number;
  private readonly indexBits: number;
  private readonly indexMask: number;
  private readonly base: number;
  private readonly firstSerial: number;
  private readonly maxGeneration: number;
  private readonly stride: number;
  private readonly dataAt: number;
  private readonly totalSlots: number;
  /** This thread's row: counters[0] allocs, counters[1] frees. */
  private readonly counters: Float64Array;
  private readonly row: number;
  private readonly creationSite: string | undefined;
  private localEnd: 'destroyed' | 'detached' | undefined;
  private peakSeen = 0;
  private peakAt = 0;

  constructor(buffer: SharedArrayBuffer, name: string, tag: Tag, creator: boolean) {
    this.buffer = buffer;
    this.name = name;
    this.tag = tag;
    this.creator = creator;
    this.header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    const floats = new Float64Array(buffer, 0, HEADER_BYTES / 8);
    const capacity = this.header[H_CAPACITY]!;
    this.layout = layoutOf(capacity, this.header[H_OBJECT_SIZE]!, this.header[H_MAX_THREADS]!);
    this.objectSize = this.layout.objectSize;
    this.stride = this.layout.stride;
    this.dataAt = this.layout.dataAt;
    this.totalSlots = capacity;
    this.state = new Int32Array(buffer, this.layout.stateAt, capacity);
    this.next = new Int32Array(buffer, this.layout.nextAt, capacity);
    this.holder = new Int32Array(buffer, this.layout.holderAt, capacity);
    this.data = new Uint8Array(buffer, this.dataAt, capacity * this.stride);
    this.view = new DataView(buffer);
    const slotBits = this.header[H_SLOT_BITS]!;
    this.slotSpace = 2 ** slotBits;
    this.slotMask = this.slotSpace - 1;
    this.indexBits = bitsFor(capacity + 1);
    this.indexMask = 2 ** this.indexBits - 1;
    this.ownerId = this.header[H_OWNER_ID]!;
    this.base = floats[F_BASE]!;
    this.firstSerial = floats[F_FIRST_SERIAL]!;
    this.maxGeneration = this.header[H_MAX_GENERATION]!;
    this.creationSite = isDebugMode() ? captureSite() : undefined;
    this.row = this.claimRow();
    this.counters = new Float64Array(buffer, this.layout.rowsAt + this.row * ROW_BYTES + 8, 2);
  }

  /** The row of this thread: found by threadId, or claimed. */
  private claimRow(): number {
    const mark = currentThreadId() + 1;
    const rows = new Int32Array(this.buffer, this.layout.rowsAt, (this.layout.maxThreads * ROW_BYTES) / 4);
    const perRow = ROW_BYTES / 4;
    for (let row = 0; row < this.layout.maxThreads; row++) {
      const seen = Atomics.load(rows, row * perRow);
      if (seen === mark) return row;
      if (seen === 0 && Atomics.compareExchange(rows, row * perRow, 0, mark) === 0) return row;
      if (Atomics.load(rows, row * perRow) === mark) return row;
    }
    throw new ArenaError(
      'ERR_OUT_OF_MEMORY',
      `shared pool "${this.name}" has no row left for thread ${mark - 1}: all ${this.layout.maxThreads} (maxThreads) are taken by threads that used it`,
      { ownerName: this.name, ownerKind: 'pool' },
    );
  }

  get key(): string {
    return `${this.ownerId}:${this.base}`;
  }

  get capacity(): number {
    return this.totalSlots - Atomics.load(this.header, H_RETIRED);
  }

  get inUse(): number {
    let live = 0;
    const floats = new Float64Array(this.buffer, this.layout.rowsAt, (this.layout.maxThreads * ROW_BYTES) / 8);
    for (let row = 0; row < this.layout.maxThreads; row++) live += floats[row * 8 + 1]! - floats[row * 8 + 2]!;
    return live;
  }

  get destroyed(): boolean {
    return this.localEnd !== undefined || Atomics.load(this.header, H_DESTROYED) !== 0;
  }

  // ---- hot paths ----------------------------------------------------------------------------
  alloc(): Handle | null {
    if (allocationGate !== null && gateRefuses('pool', this.name, this.tag, this.objectSize)) return null;
    const header = this.header;
    const indexBits = this.indexBits;
    for (;;) {
      const head = Atomics.load(header, H_HEAD);
      const top = head & this.indexMask;
      if (top === 0) return this.exhausted();
      const slot = top - 1;
      // A plain read: if another thread relinks this slot meanwhile, the head changed and the CAS fails.
      const following = this.next[slot]!;
      const bumped = ((((head >>> indexBits) + 1) << indexBits) | following) | 0;
      if (Atomics.compareExchange(header, H_HEAD, head, bumped) !== head) continue;
      // The slot is ours: the head CAS ordered us after its free. A live state here could only come
      // from a wrapped tag (see the module comment): leave that slot to its holder.
      const state = this.state[slot]!;
      if ((state & 1) !== 0) continue;
      this.state[slot] = state + 1;
      if (this.localEnd !== undefined || header[H_DESTROYED] !== 0) this.throwDestroyed('allocate from');
      this.holder[slot] = this.row + 1;
      this.counters[0]!++;
      return (this.base + (state >>> 1) * this.slotSpace + slot) as Handle;
    }
  }

  private exhausted(): null {
    if (this.destroyed) this.throwDestroyed('allocate from');
    return null;
  }

  free(handle: Handle): void {
    if (typeof handle !== 'number' || this.localEnd !== undefined || this.header[H_DESTROYED] !== 0) this.throwBadHandle(handle, 'free', true);
    const slot = handle & this.slotMask;
    const generation = (handle - this.base - slot) / this.slotSpace;
    if (!(slot < this.totalSlots && generation >= 0 && generation <= this.maxGeneration && (generation | 0) === generation)) this.throwBadHandle(handle, 'free', true);
    const live = generation * 2 + 1;
    if (Atomics.compareExchange(this.state, slot, live, live + 1) !== live) this.throwBadHandle(handle, 'free', true);
    this.counters[1]!++;
    if (debugMode) this.data.fill(POISON_BYTE, slot * this.stride, slot * this.stride + this.objectSize);
    if (generation === this.maxGeneration) {
      // Its next generation would leave the pool's serial space: retire the slot, never reuse it.
      Atomics.add(this.header, H_RETIRED, 1);
      return;
    }
    this.push(slot);
  }

  private push(slot: number): void {
    const header = this.header;
    const indexBits = this.indexBits;
    for (;;) {
      const head = Atomics.load(header, H_HEAD);
      // A plain store: the CAS below publishes it to whoever reads this head.
      this.next[slot] = head & this.indexMask;
      const bumped = ((((head >>> indexBits) + 1) << indexBits) | (slot + 1)) | 0;
      if (Atomics.compareExchange(header, H_HEAD, head, bumped) === head) return;
    }
  }

  /** Byte offset in the buffer of `width` bytes at `byteOffset` of a live handle's slot; throws otherwise. */
  private at(handle: Handle, byteOffset: number, width: number, what: string): number {
    if (typeof handle === 'number') {
      const slot = handle & this.slotMask;
      const generation = (handle - this.base - slot) / this.slotSpace;
      if (slot < this.totalSlots && this.state[slot] === generation * 2 + 1 && this.header[H_DESTROYED] === 0 && this.localEnd === undefined) {
        if ((byteOffset >>> 0) === byteOffset && byteOffset <= this.objectSize - width) return this.dataAt + slot * this.stride + byteOffset;
        throw outOfBoundsError(what, byteOffset, width, this.objectSize, { ownerKind: 'pool', ownerName: this.name, tagName: tagLabel(this.tag), handle });
      }
    }
    return this.throwBadHandle(handle, what === 'read' || what === 'write' ? what : `${what} from`, false);
  }

  private slotOf(handle: Handle, action: string): number {
    if (typeof handle === 'number') {
      const slot = handle & this.slotMask;
      const generation = (handle - this.base - slot) / this.slotSpace;
      if (slot < this.totalSlots && this.state[slot] === generation * 2 + 1 && this.header[H_DESTROYED] === 0 && this.localEnd === undefined) return slot;
    }
    return this.throwBadHandle(handle, action, false);
  }

  isLive(handle: Handle): boolean {
    if (typeof handle !== 'number' || this.destroyed) return false;
    const slot = handle & this.slotMask;
    const generation = (handle - this.base - slot) / this.slotSpace;
    return slot < this.totalSlots && Atomics.load(this.state, slot) === generation * 2 + 1;
  }

  bytes(handle: Handle): Uint8Array {
    const slot = this.slotOf(handle, 'read');
    return new Uint8Array(this.buffer, this.dataAt + slot * this.stride, this.objectSize);
  }

  addressOf(handle: Handle): number {
    return this.slotOf(handle, 'take the address of') * this.stride;
  }

  adopt(handle: Handle): void {
    this.holder[this.slotOf(handle, 'adopt')] = this.row + 1;
  }

  getUint8(handle: Handle, byteOffset: number): number {
    return this.view.getUint8(this.at(handle, byteOffset, 1, 'getUint8'));
  }
  getInt8(handle: Handle, byteOffset: number): number {
    return this.view.getInt8(this.at(handle, byteOffset, 1, 'getInt8'));
  }
  getUint16(handle: Handle, byteOffset: number): number {
    return this.view.getUint16(this.at(handle, byteOffset, 2, 'getUint16'), true);
  }
  getInt16(handle: Handle, byteOffset: number): number {
    return this.view.getInt16(this.at(handle, byteOffset, 2, 'getInt16'), true);
  }
  getUint32(handle: Handle, byteOffset: number): number {
    return this.view.getUint32(this.at(handle, byteOffset, 4, 'getUint32'), true);
  }
  getInt32(handle: Handle, byteOffset: number): number {
    return this.view.getInt32(this.at(handle, byteOffset, 4, 'getInt32'), true);
  }
  getFloat32(handle: Handle, byteOffset: number): number {
    return this.view.getFloat32(this.at(handle, byteOffset, 4, 'getFloat32'), true);
  }
  getFloat64(handle: Handle, byteOffset: number): number {
    return this.view.getFloat64(this.at(handle, byteOffset, 8, 'getFloat64'), true);
  }
  setUint8(handle: Handle, byteOffset: number, value: number): void {
    this.view.setUint8(this.at(handle, byteOffset, 1, 'setUint8'), value);
  }
  setInt8(handle: Handle, byteOffset: number, value: number): void {
    this.view.setInt8(this.at(handle, byteOffset, 1, 'setInt8'), value);
  }
  setUint16(handle: Handle, byteOffset: number, value: number): void {
    this.view.setUint16(this.at(handle, byteOffset, 2, 'setUint16'), value, true);
  }
  setInt16(handle: Handle, byteOffset: number, value: number): void {
    this.view.setInt16(this.at(handle, byteOffset, 2, 'setInt16'), value, true);
  }
  setUint32(handle: Handle, byteOffset: number, value: number): void {
    this.view.setUint32(this.at(handle, byteOffset, 4, 'setUint32'), value, true);
  }
  setInt32(handle: Handle, byteOffset: number, value: number): void {
    this.view.setInt32(this.at(handle, byteOffset, 4, 'setInt32'), value, true);
  }
  setFloat32(handle: Handle, byteOffset: number, value: number): void {
    this.view.setFloat32(this.at(handle, byteOffset, 4, 'setFloat32'), value, true);
  }
  setFloat64(handle: Handle, byteOffset: number, value: number): void {
    this.view.setFloat64(this.at(handle, byteOffset, 8, 'setFloat64'), value, true);
  }

  read<T extends Uint8Array>(handle: Handle, byteOffset: number, target: T): T {
    if (!(target instanceof Uint8Array)) throw notBytes(`read from shared pool "${this.name}"`, 'target', target);
    const start = this.at(handle, byteOffset, target.length, 'read');
    target.set(this.data.subarray(start - this.dataAt, start - this.dataAt + target.length));
    return target;
  }

  write(handle: Handle, byteOffset: number, source: Uint8Array): void {
    if (!(source instanceof Uint8Array)) throw notBytes(`write to shared pool "${this.name}"`, 'source', source);
    const start = this.at(handle, byteOffset, source.length, 'write');
    this.data.set(source, start - this.dataAt);
  }

  // ---- sharing and lifetime -----------------------------------------------------------------
  share(): SharedPoolDescriptor {
    if (this.destroyed) this.throwDestroyed('share');
    return { kind: DESCRIPTOR_KIND, version: 1, buffer: this.buffer, name: this.name, tagName: tagName(this.tag) };
  }

  stats(): SharedPoolStats {
    const rows = new Int32Array(this.buffer, this.layout.rowsAt, (this.layout.maxThreads * ROW_BYTES) / 4);
    const floats = new Float64Array(this.buffer, this.layout.rowsAt, (this.layout.maxThreads * ROW_BYTES) / 8);
    const holding = new Map<number, number>();
    for (let slot = 0; slot < this.totalSlots; slot++) {
      if ((Atomics.load(this.state, slot) & 1) === 1) {
        const row = this.holder[slot]! - 1;
        holding.set(row, (holding.get(row) ?? 0) + 1);
      }
    }
    const threads: SharedPoolThreadStats[] = [];
    let inUse = 0;
    for (let row = 0; row < this.layout.maxThreads; row++) {
      const mark = Atomics.load(rows, row * (ROW_BYTES / 4));
      if (mark === 0) continue;
      const allocs = floats[row * 8 + 1]!;
      const frees = floats[row * 8 + 2]!;
      inUse += allocs - frees;
      threads.push({ threadId: mark - 1, allocs, frees, holding: holding.get(row) ?? 0 });
    }
    this.notePeak(inUse);
    return {
      name: this.name,
      tag: tagLabel(this.tag),
      objectSize: this.objectSize,
      capacity: this.capacity,
      inUse,
      retired: Atomics.load(this.header, H_RETIRED),
      threads,
    };
  }

  private notePeak(inUse: number): void {
    if (inUse > this.peakSeen) {
      this.peakSeen = inUse;
      this.peakAt = performance.now();
    }
  }

  reclaimThread(threadId: number): number {
    if (this.destroyed) this.throwDestroyed('reclaim slots of');
    if (!Number.isInteger(threadId) || threadId < 0) throw invalidArgument(`reclaimThread of shared pool "${this.name}": thread id must be a whole number, got ${describeValue(threadId)}`);
    const rows = new Int32Array(this.buffer, this.layout.rowsAt, (this.layout.maxThreads * ROW_BYTES) / 4);
    let row = -1;
    for (let index = 0; index < this.layout.maxThreads; index++) if (Atomics.load(rows, index * (ROW_BYTES / 4)) === threadId + 1) row = index;
    if (row < 0) return 0;
    let freed = 0;
    for (let slot = 0; slot < this.totalSlots; slot++) {
      if (this.holder[slot] !== row + 1) continue;
      const state = Atomics.load(this.state, slot);
      if ((state & 1) === 0) continue;
      const handle = (this.base + (state >>> 1) * this.slotSpace + slot) as Handle;
      // Another thread may free it at the same moment: whoever wins the compareExchange frees it.
      if (this.holder[slot] === row + 1 && Atomics.load(this.state, slot) === state) {
        try {
          this.free(handle);
          freed++;
        } catch (error) {
          if (!(error instanceof ArenaError) || error.code !== 'ERR_DOUBLE_FREE') throw error;
        }
      }
    }
    return freed;
  }

  destroy(): void {
    if (this.localEnd !== undefined || Atomics.compareExchange(this.header, H_DESTROYED, 0, 1) !== 0) this.throwDestroyed('destroy');
    this.localEnd = 'destroyed';
    // The id's next owner starts past every generation issued here (allocs re-check the flag after popping).
    let highest = 0;
    for (let slot = 0; slot < this.totalSlots; slot++) highest = Math.max(highest, Atomics.load(this.state, slot) >>> 1);
    releaseSharedId(this.ownerId, this.firstSerial + (highest + 1) * this.slotSpace);
    attached.delete(this.key);
  }

  detach(): void {
    if (this.localEnd !== undefined) this.throwDestroyed('detach');
    this.localEnd = 'detached';
    forgetOwnerId(this.ownerId, this);
    attached.delete(this.key);
  }

  [Symbol.dispose](): void {
    if (this.localEnd !== undefined) return;
    if (this.creator && Atomics.load(this.header, H_DESTROYED) === 0) this.destroy();
    else this.detach();
  }

  // ---- registry -----------------------------------------------------------------------------
  /** This thread's live handles (leak checks report what a thread took and still holds). */
  liveSlots(): { handle: number; site: string | undefined }[] {
    const result: { handle: number; site: string | undefined }[] = [];
    if (this.destroyed) return result;
    for (let slot = 0; slot < this.totalSlots; slot++) {
      const state = Atomics.load(this.state, slot);
      if ((state & 1) === 1 && this.holder[slot] === this.row + 1) result.push({ handle: this.base + (state >>> 1) * this.slotSpace + slot, site: undefined });
    }
    return result;
  }

  describeForRegistry(): OwnerInfo {
    const inUse = this.destroyed ? 0 : this.inUse;
    this.notePeak(inUse);
    return {
      kind: 'pool',
      name: `${this.name} (shared)`,
      tag: this.tag,
      bytesInUse: inUse * this.objectSize,
      liveAllocations: inUse,
      peakBytes: this.peakSeen * this.objectSize,
      peakAt: this.peakAt,
      creationSite: this.creationSite,
    };
  }

  // ---- errors -------------------------------------------------------------------------------
  private throwDestroyed(action: string): never {
    const detached = this.localEnd === 'detached';
    throw new ArenaError(
      'ERR_ARENA_DESTROYED',
      `cannot ${action} shared pool "${this.name}": it was ${detached ? 'detached from this thread' : 'destroyed (in this or another thread)'}`,
      { ownerName: this.name, ownerKind: 'pool', tagName: tagLabel(this.tag), allocationSite: this.creationSite },
    );
  }

  private throwBadHandle(handle: unknown, action: string, freeing: boolean): never {
    const who = `shared pool "${this.name}" (tag ${tagLabel(this.tag)})`;
    const details = { ownerName: this.name, ownerKind: 'pool' as const, tagName: tagLabel(this.tag), handle };
    if (this.destroyed) {
      throw new ArenaError('ERR_ARENA_DESTROYED', `cannot ${action} ${describeHandleValue(handle)}: ${who} was ${this.localEnd === 'detached' ? 'detached from this thread' : 'destroyed (in this or another thread)'}`, details);
    }
    if (!isHandleShaped(handle)) {
      throw new ArenaError('ERR_FOREIGN_HANDLE', `cannot ${action} ${describeHandleValue(handle)} in ${who}: it is not a handle (handles are non-negative integers returned by alloc)`, details);
    }
    const id = Math.floor(handle / SERIAL_SPACE);
    const serial = handle - id * SERIAL_SPACE;
    const earlierOwner = id === this.ownerId && serial < this.firstSerial;
    const slot = handle & this.slotMask;
    const generation = (handle - this.base - slot) / this.slotSpace;
    const state = slot < this.totalSlots ? Atomics.load(this.state, slot) : -1;
    const current = state >>> 1;
    const issued = id === this.ownerId && !earlierOwner && state >= 0 && Number.isInteger(generation) && (generation < current || (generation === current && (state & 1) === 1));
    if (!issued) {
      throw new ArenaError('ERR_FOREIGN_HANDLE', `cannot ${action} ${describeHandleValue(handle)} in ${who}: ${foreignReason(id, this.ownerId, earlierOwner)}`, details);
    }
    const reused = (state & 1) === 1 ? ' and has been handed out again since' : '';
    if (freeing) throw new ArenaError('ERR_DOUBLE_FREE', `double free of ${describeHandleValue(handle)} in ${who}: slot ${slot} was already freed (in this or another thread)${reused}`, details);
    throw new ArenaError('ERR_USE_AFTER_FREE', `cannot ${action} ${describeHandleValue(handle)} in ${who}: slot ${slot} was freed (in this or another thread)${reused}`, details);
  }
}

function registerInstance(pool: SharedPoolImpl): void {
  attached.set(pool.key, new WeakRef(pool));
}

/**
 * Creates a pool of `capacity` slots of `objectSize` bytes in one SharedArrayBuffer. Post
 * `pool.share()` to workers and `attachSharedPool` it there: every thread allocates and frees
 * lock-free, any thread may free any handle, and stale or doubly freed handles are caught across
 * threads. Slots are 8-byte aligned (stride = objectSize rounded up to 8).
 */
export function createSharedPool(objectSize: number, capacity: number, name: string, options?: SharedPoolOptions): SharedPool {
  if (typeof name !== 'string') throw invalidArgument(`shared pool name must be a string, got ${describeValue(name)}`);
  const { tag = MemTag.General, maxThreads = DEFAULT_THREADS } = checkOptions(options, `createSharedPool("${name}")`);
  const details = { ownerName: name, ownerKind: 'pool' as const };
  const sizeProblem = invalidSizeReason(objectSize);
  if (sizeProblem !== undefined) throw new ArenaError('ERR_INVALID_SIZE', `object size of shared pool "${name}" ${sizeProblem}`, details);
  const countProblem = invalidSizeReason(capacity);
  if (countProblem !== undefined) throw new ArenaError('ERR_INVALID_SIZE', `capacity of shared pool "${name}" ${countProblem}`, details);
  if (capacity > MAX_SHARED_POOL_CAPACITY) {
    throw new ArenaError('ERR_INVALID_SIZE', `capacity of shared pool "${name}" must be at most ${MAX_SHARED_POOL_CAPACITY} slots, got ${capacity}`, details);
  }
  if (!isDefinedTag(tag)) throwInvalidTag(tag);
  if (!Number.isInteger(maxThreads) || maxThreads < 1 || maxThreads > MAX_SHARED_POOL_THREADS) {
    throw new ArenaError('ERR_INVALID_SIZE', `maxThreads of shared pool "${name}" must be a whole number from 1 to ${MAX_SHARED_POOL_THREADS}, got ${describeValue(maxThreads)}`, details);
  }
  const layout = layoutOf(capacity, objectSize, maxThreads);
  if (layout.bytes > MAX_BYTES) {
    throw new ArenaError('ERR_OUT_OF_MEMORY', `shared pool "${name}" does not fit: ${capacity} slots of ${objectSize} bytes need ${layout.bytes} bytes, at most ${MAX_BYTES}`, details);
  }
  if (typeof SharedArrayBuffer !== 'function') {
    throw new ArenaError('ERR_OUT_OF_MEMORY', `shared pool "${name}": SharedArrayBuffer is not available here (browsers need cross-origin isolation)`, details);
  }
  const { ownerBits, serialBits } = getHandleLayout();
  if (ownerBits !== 16 || serialBits !== 37) {
    throw invalidArgument(`shared pool "${name}" needs the default handle layout (its handles must mean the same in every thread), not ${ownerBits}/${serialBits}`);
  }
  let buffer: SharedArrayBuffer;
  try {
    buffer = new SharedArrayBuffer(layout.bytes);
  } catch (cause) {
    throw new ArenaError('ERR_OUT_OF_MEMORY', `shared pool "${name}" could not reserve ${layout.bytes} bytes: ${String(cause)}`, details);
  }
  const slotBits = bitsFor(capacity);
  const slotSpace = 2 ** slotBits;
  // A placeholder owner takes the id (the pool object needs the formatted buffer first).
  const placeholder: RegisteredOwner = {
    ownerKind: 'pool',
    name,
    describeForRegistry: () => ({ kind: 'pool', name, tag, bytesInUse: 0, liveAllocations: 0, peakBytes: 0, peakAt: 0, creationSite: undefined }),
  };
  const { id, firstSerial } = acquireOwnerId(placeholder, slotSpace);
  const header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  const floats = new Float64Array(buffer, 0, HEADER_BYTES / 8);
  header[H_CAPACITY] = capacity;
  header[H_OBJECT_SIZE] = objectSize;
  header[H_STRIDE] = layout.stride;
  header[H_SLOT_BITS] = slotBits;
  header[H_OWNER_ID] = id;
  header[H_MAX_THREADS] = maxThreads;
  header[H_MAX_GENERATION] = Math.min(GENERATION_LIMIT, (SERIAL_SPACE - firstSerial) / slotSpace - 1);
  floats[F_BASE] = id * SERIAL_SPACE + firstSerial;
  floats[F_FIRST_SERIAL] = firstSerial;
  const next = new Int32Array(buffer, layout.nextAt, capacity);
  for (let slot = 0; slot < capacity; slot++) next[slot] = slot + 1 < capacity ? slot + 2 : 0;
  header[H_HEAD] = 1; // slot 0 on top, tag 0
  Atomics.store(header, H_MAGIC, MAGIC);
  const pool = new SharedPoolImpl(buffer, name, tag, true);
  // The registry lists the pool itself from now on (and holds it: only destroy() releases the id).
  registerForeignOwner(pool, id, true);
  registerInstance(pool);
  return pool;
}

function notOurs(reason: string): ArenaError {
  return invalidArgument(`attachSharedPool: not a shared pool descriptor (${reason}); pass what pool.share() returned`);
}

/**
 * The pool behind a descriptor from `share()`, in this thread. Attaching a pool this thread already
 * has (created or attached, not detached) returns that same object.
 */
export function attachSharedPool(descriptor: SharedPoolDescriptor): SharedPool {
  if (typeof descriptor !== 'object' || descriptor === null) throw notOurs(`got ${describeValue(descriptor)}`);
  const candidate = descriptor as Partial<SharedPoolDescriptor>;
  if (candidate.kind !== DESCRIPTOR_KIND || candidate.version !== 1) throw notOurs('its kind or version is not ours');
  if (typeof SharedArrayBuffer !== 'function' || !(candidate.buffer instanceof SharedArrayBuffer)) throw notOurs('its buffer is not a SharedArrayBuffer');
  if (typeof candidate.name !== 'string' || typeof candidate.tagName !== 'string') throw notOurs('name or tag missing');
  const buffer = candidate.buffer;
  if (buffer.byteLength < HEADER_BYTES) throw notOurs('its buffer is too small');
  const header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  if (Atomics.load(header, H_MAGIC) !== MAGIC) throw notOurs('its buffer does not start with a shared pool header');
  const capacity = header[H_CAPACITY]!;
  const objectSize = header[H_OBJECT_SIZE]!;
  const maxThreads = header[H_MAX_THREADS]!;
  if (!(capacity > 0 && capacity <= MAX_SHARED_POOL_CAPACITY && objectSize > 0 && maxThreads > 0 && maxThreads <= MAX_SHARED_POOL_THREADS)) throw notOurs('its header is corrupt');
  if (layoutOf(capacity, objectSize, maxThreads).bytes !== buffer.byteLength || header[H_SLOT_BITS] !== bitsFor(capacity)) throw notOurs('its size does not match its header');
  const floats = new Float64Array(buffer, 0, HEADER_BYTES / 8);
  const key = `${header[H_OWNER_ID]}:${floats[F_BASE]}`;
  const existing = attached.get(key)?.deref();
  if (existing !== undefined && !existing.destroyed) return existing;
  if (Atomics.load(header, H_DESTROYED) !== 0) {
    throw new ArenaError('ERR_ARENA_DESTROYED', `cannot attach shared pool "${candidate.name}": it was destroyed`, { ownerName: candidate.name, ownerKind: 'pool' });
  }
  const id = header[H_OWNER_ID]!;
  const clash = ownerById(id);
  if (clash !== undefined) {
    throw invalidArgument(
      `cannot attach shared pool "${candidate.name}": its owner id ${id} is also held by ${clash.ownerKind} "${clash.name}" of this thread, so their handles could be confused (load the runtime before starting workers)`,
    );
  }
  const pool = new SharedPoolImpl(buffer, candidate.name, defineTag(candidate.tagName), false);
  registerForeignOwner(pool, id);
  registerInstance(pool);
  return pool;
}

/** Whether `value` looks like what `share()` returns (does not check the buffer). */
export function isSharedPoolDescriptor(value: unknown): value is SharedPoolDescriptor {
  return typeof value === 'object' && value !== null && (value as Partial<SharedPoolDescriptor>).kind === DESCRIPTOR_KIND;
}
