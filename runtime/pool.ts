// Fixed-size block pools (the seed's gm_pool_*) and pools of reusable JS objects (GM_POOL_FOR).
// Both are slot tables (slots.ts): LIFO free list, generation-checked handles, null when exhausted.
import { captureSite, debugMode, detachBuffer, isDebugMode, killBuffer } from './debug.js';
import { ArenaError, checkOptions, describeOwner, describeValue, invalidArgument, invalidSizeReason, notBytes, outOfBoundsError } from './errors.js';
import { copyOut } from './views.js';
import { resolveBackend, type MemoryBackend } from './backends.js';
import { allocationGate } from './registry.js';
import { SlotOwner } from './slots.js';
import { chargeAlloc, statsEnabled } from './stats.js';
import { MemTag, isDefinedTag, throwInvalidTag } from './tags.js';
import type { Handle, ObjectPool, ObjectPoolOptions, Pool, PoolOptions, Tag } from './types.js';

/** Largest block of slots one pool (or one growth step) reserves at once. */
const MAX_BLOCK_BYTES = 2 ** 31 - 1;
/** The DataView of a destroyed pool: never read, since no handle is live then. */
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

class PoolImpl extends SlotOwner implements Pool {
  readonly ownerKind = 'pool' as const;
  readonly objectSize: number;
  /** One buffer per block of `blockSlots` slots; growth adds blocks and never moves memory. */
  private blocks: Uint8Array<ArrayBuffer>[] = [];
  /** A DataView per block, for the checked accessors (getUint32...). */
  private blockViews: DataView[] = [];
  /** The first block's DataView: the accessors' fast path (a pool that never grew has only it). */
  private firstView: DataView = EMPTY_VIEW;
  /** Offset within the DataView that `locate` last returned (read right after the call). */
  private accessOffset = 0;
  /**
   * Debug mode: per slot, the memory of its own that an allocation made in debug mode lives on
   * (null until the first one). Killed (poisoned, detached) when the allocation is freed, so a stale
   * view can neither read nor write whoever gets the slot next.
   */
  private own: (DataView | undefined)[] | null = null;
  /** Slots `locate` finds in the first block directly: blockSlots, or 0 once `own` exists. */
  private fastSlots: number;

  /** Where the blocks' memory comes from (backends.ts). */
  private readonly backend: MemoryBackend;
  /** Per block: the address of its first slot (what addressOf reports). */
  private blockAddress: number[] = [];

  constructor(objectSize: number, initialCount: number, name: string, options: PoolOptions) {
    super(name, options.tag ?? MemTag.General, initialCount, options.growable === true);
    this.backend = resolveBackend(options.backend, `createPool(${JSON.stringify(name)})`);
    this.fastSlots = this.blockSlots;
    this.objectSize = objectSize;
    this.createStorage(0, initialCount);
    this.register(objectSize);
  }

  protected createStorage(first: number, count: number): void {
    try {
      const size = count * this.objectSize;
      // Addresses continue from the previous block (slot * objectSize with the default backend).
      const region = this.backend.reserve(size, first * this.objectSize, 8);
      this.blocks.push(new Uint8Array(region.buffer, region.byteOffset, size) as Uint8Array<ArrayBuffer>);
      this.blockViews.push(new DataView(region.buffer, region.byteOffset, size));
      this.blockAddress.push(region.address);
      this.firstView = this.blockViews[0]!;
    } catch (cause) {
      throw new ArenaError('ERR_OUT_OF_MEMORY', `${describeOwner('pool', this.name)} could not reserve ${count} slots of ${this.objectSize} bytes: ${cause instanceof Error ? cause.message : String(cause)}`, {
        ownerName: this.name,
        ownerKind: 'pool',
      });
    }
  }

  alloc(): Handle | null {
    // A destroyed pool has an empty free list, so it always takes the slow path (which throws).
    if ((this.freeTop === 0 || allocationGate !== null) && !this.prepareSlow('pool', this.objectSize)) return null;
    const slot = this.take();
    if (statsEnabled) {
      this.counted[slot] = 1;
      chargeAlloc(this.tag, this.objectSize);
    }
    return this.slotHandle[slot]! as Handle;
  }

  free(handle: Handle): void {
    // typeof first: `&` on a BigInt or Symbol would throw a TypeError of its own.
    if (typeof handle !== 'number' || this.slotHandle[handle & this.slotMask] !== handle) this.throwBadHandle(handle, 'free', true);
    const slot = handle & this.slotMask;
    if (debugMode || this.own !== null) this.debugRelease(slot);
    this.release(slot, this.objectSize);
  }

  /** Gives a slot allocated in debug mode memory of its own, starting as a copy of the slot's bytes. */
  protected override allocatedInDebugMode(slot: number): void {
    // Shared or WebAssembly memory is the point of such a pool: its slots stay there (poisoned on free).
    if (!this.backend.detachable) return;
    const memory = new Uint8Array(this.objectSize);
    memory.set(this.blockView(slot));
    if (this.own === null) this.own = [];
    this.own[slot] = new DataView(memory.buffer);
    this.fastSlots = 0;
  }

  /** On free: poisons the slot (debug mode) and kills the memory of its own, if it has one. */
  private debugRelease(slot: number): void {
    SlotOwner.poison(this.blockView(slot));
    const memory = this.own?.[slot];
    if (memory === undefined) return;
    this.own![slot] = undefined;
    killBuffer(memory.buffer as ArrayBuffer, {
      code: 'ERR_USE_AFTER_FREE',
      summary: `its slot ${slot} of ${describeOwner('pool', this.name, this.ownerTagLabel())} was freed`,
      details: { ownerName: this.name, ownerKind: 'pool', tagName: this.ownerTagLabel(), freeSite: isDebugMode() ? captureSite() : undefined },
    });
  }

  bytes(handle: Handle): Uint8Array {
    // typeof first: `&` on a BigInt or Symbol would throw a TypeError of its own.
    if (typeof handle !== 'number' || this.slotHandle[handle & this.slotMask] !== handle) this.throwBadHandle(handle, 'read', false);
    const slot = handle & this.slotMask;
    return this.view(slot);
  }

  addressOf(handle: Handle): number {
    // typeof first: `&` on a BigInt or Symbol would throw a TypeError of its own.
    if (typeof handle !== 'number' || this.slotHandle[handle & this.slotMask] !== handle) this.throwBadHandle(handle, 'take the address of', false);
    const slot = handle & this.slotMask;
    if (slot < this.blockSlots) return this.blockAddress[0]! + slot * this.objectSize;
    const block = (slot / this.blockSlots) | 0;
    return this.blockAddress[block]! + (slot - block * this.blockSlots) * this.objectSize;
  }

  // ---- checked access without allocation (CheckedAccess); see ArenaImpl for the design ----------
  // The fast path (firstBlockOffset) stores nothing and returns an offset in the first block's view;
  // slots elsewhere (later blocks, memory of their own in debug mode) go through locate.
  getUint8(handle: Handle, byteOffset: number): number {
    const at = this.firstBlockOffset(handle, byteOffset, 1, 'getUint8');
    return at >= 0 ? this.firstView.getUint8(at) : this.locate(handle, byteOffset, 1, 'getUint8').getUint8(this.accessOffset);
  }
  getInt8(handle: Handle, byteOffset: number): number {
    const at = this.firstBlockOffset(handle, byteOffset, 1, 'getInt8');
    return at >= 0 ? this.firstView.getInt8(at) : this.locate(handle, byteOffset, 1, 'getInt8').getInt8(this.accessOffset);
  }
  getUint16(handle: Handle, byteOffset: number): number {
    const at = this.firstBlockOffset(handle, byteOffset, 2, 'getUint16');
    return at >= 0 ? this.firstView.getUint16(at, true) : this.locate(handle, byteOffset, 2, 'getUint16').getUint16(this.accessOffset, true);
  }
  getInt16(handle: Handle, byteOffset: number): number {
    const at = this.firstBlockOffset(handle, byteOffset, 2, 'getInt16');
    return at >= 0 ? this.firstView.getInt16(at, true) : this.locate(handle, byteOffset, 2, 'getInt16').getInt16(this.accessOffset, true);
  }
  getUint32(handle: Handle, byteOffset: number): number {
    const at = this.firstBlockOffset(handle, byteOffset, 4, 'getUint32');
    return at >= 0 ? this.firstView.getUint32(at, true) : this.locate(handle, byteOffset, 4, 'getUint32').getUint32(this.accessOffset, true);
  }
  getInt32(handle: Handle, byteOffset: number): number {
    const at = this.firstBlockOffset(handle, byteOffset, 4, 'getInt32');
    return at >= 0 ? this.firstView.getInt32(at, true) : this.locate(handle, byteOffset, 4, 'getInt32').getInt32(this.accessOffset, true);
  }
  getFloat32(handle: Handle, byteOffset: number): number {
    const at = this.firstBlockOffset(handle, byteOffset, 4, 'getFloat32');
    return at >= 0 ? this.firstView.getFloat32(at, true) : this.locate(handle, byteOffset, 4, 'getFloat32').getFloat32(this.accessOffset, true);
  }
  getFloat64(handle: Handle, byteOffset: number): number {
    const at = this.firstBlockOffset(handle, byteOffset, 8, 'getFloat64');
    return at >= 0 ? this.firstView.getFloat64(at, true) : this.locate(handle, byteOffset, 8, 'getFloat64').getFloat64(this.accessOffset, true);
  }
  setUint8(handle: Handle, byteOffset: number, value: number): void {
    const at = this.firstBlockOffset(handle, byteOffset, 1, 'setUint8');
    if (at >= 0) this.firstView.setUint8(at, value);
    else this.locate(handle, byteOffset, 1, 'setUint8').setUint8(this.accessOffset, value);
  }
  setInt8(handle: Handle, byteOffset: number, value: number): void {
    const at = this.firstBlockOffset(handle, byteOffset, 1, 'setInt8');
    if (at >= 0) this.firstView.setInt8(at, value);
    else this.locate(handle, byteOffset, 1, 'setInt8').setInt8(this.accessOffset, value);
  }
  setUint16(handle: Handle, byteOffset: number, value: number): void {
    const at = this.firstBlockOffset(handle, byteOffset, 2, 'setUint16');
    if (at >= 0) this.firstView.setUint16(at, value, true);
    else this.locate(handle, byteOffset, 2, 'setUint16').setUint16(this.accessOffset, value, true);
  }
  setInt16(handle: Handle, byteOffset: number, value: number): void {
    const at = this.firstBlockOffset(handle, byteOffset, 2, 'setInt16');
    if (at >= 0) this.firstView.setInt16(at, value, true);
    else this.locate(handle, byteOffset, 2, 'setInt16').setInt16(this.accessOffset, value, true);
  }
  setUint32(handle: Handle, byteOffset: number, value: number): void {
    const at = this.firstBlockOffset(handle, byteOffset, 4, 'setUint32');
    if (at >= 0) this.firstView.setUint32(at, value, true);
    else this.locate(handle, byteOffset, 4, 'setUint32').setUint32(this.accessOffset, value, true);
  }
  setInt32(handle: Handle, byteOffset: number, value: number): void {
    const at = this.firstBlockOffset(handle, byteOffset, 4, 'setInt32');
    if (at >= 0) this.firstView.setInt32(at, value, true);
    else this.locate(handle, byteOffset, 4, 'setInt32').setInt32(this.accessOffset, value, true);
  }
  setFloat32(handle: Handle, byteOffset: number, value: number): void {
    const at = this.firstBlockOffset(handle, byteOffset, 4, 'setFloat32');
    if (at >= 0) this.firstView.setFloat32(at, value, true);
    else this.locate(handle, byteOffset, 4, 'setFloat32').setFloat32(this.accessOffset, value, true);
  }
  setFloat64(handle: Handle, byteOffset: number, value: number): void {
    const at = this.firstBlockOffset(handle, byteOffset, 8, 'setFloat64');
    if (at >= 0) this.firstView.setFloat64(at, value, true);
    else this.locate(handle, byteOffset, 8, 'setFloat64').setFloat64(this.accessOffset, value, true);
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
   * Checks `handle` and that `width` bytes from `byteOffset` lie inside its slot; returns their offset
   * in `firstView` when the slot is one of the first block's, else -1 (then locate finds them).
   */
  private firstBlockOffset(handle: Handle, byteOffset: number, width: number, what: string): number {
    // typeof first: `&` on a BigInt or Symbol would throw a TypeError of its own.
    if (typeof handle !== 'number' || this.slotHandle[handle & this.slotMask] !== handle) this.throwBadHandle(handle, what, false);
    // `>>> 0` maps every non-integer, negative or non-number offset to a value it is not equal to.
    const start = byteOffset >>> 0;
    if (start !== byteOffset || start + width > this.objectSize) this.throwOutOfBounds(handle, byteOffset, width, what);
    const slot = handle & this.slotMask;
    return slot < this.fastSlots ? slot * this.objectSize + start : -1;
  }

  /**
   * Checks `handle` and that `width` bytes from `byteOffset` lie inside its slot; returns the
   * DataView of the block holding the slot and leaves the bytes' offset in it in `accessOffset`.
   */
  private locate(handle: Handle, byteOffset: number, width: number, what: string): DataView {
    // typeof first: `&` on a BigInt or Symbol would throw a TypeError of its own.
    if (typeof handle !== 'number' || this.slotHandle[handle & this.slotMask] !== handle) this.throwBadHandle(handle, what, false);
    const slot = handle & this.slotMask;
    // `>>> 0` maps every non-integer, negative or non-number offset to a value it is not equal to.
    const start = byteOffset >>> 0;
    if (start !== byteOffset || start + width > this.objectSize) this.throwOutOfBounds(handle, byteOffset, width, what);
    if (slot < this.fastSlots) {
      this.accessOffset = slot * this.objectSize + start;
      return this.firstView;
    }
    if (this.own !== null) {
      const memory = this.own[slot];
      if (memory !== undefined) {
        this.accessOffset = start;
        return memory;
      }
    }
    const block = (slot / this.blockSlots) | 0;
    this.accessOffset = (slot - block * this.blockSlots) * this.objectSize + start;
    return this.blockViews[block]!;
  }

  /** The bytes of the block whose DataView is `view` (bulk copies). */
  private bytesOf(view: DataView): Uint8Array {
    if (view === this.firstView) return this.blocks[0]!;
    const block = this.blockViews.indexOf(view);
    // Not a block's: the memory of its own of a slot allocated in debug mode.
    return block >= 0 ? this.blocks[block]! : new Uint8Array(view.buffer);
  }

  private throwOutOfBounds(handle: Handle, byteOffset: number, width: number, what: string): never {
    throw outOfBoundsError(what, byteOffset, width, this.objectSize, {
      ownerName: this.name,
      ownerKind: 'pool',
      tagName: this.ownerTagLabel(),
      handle,
    });
  }

  private view(slot: number): Uint8Array {
    if (this.own !== null) {
      const memory = this.own[slot];
      if (memory !== undefined) return new Uint8Array(memory.buffer);
    }
    return this.blockView(slot);
  }

  /** The slot's bytes in its block. */
  private blockView(slot: number): Uint8Array {
    const block = (slot / this.blockSlots) | 0;
    const bytes = this.blocks[block]!;
    return new Uint8Array(bytes.buffer, bytes.byteOffset + (slot - block * this.blockSlots) * this.objectSize, this.objectSize);
  }

  destroy(): void {
    this.destroySlots(() => this.objectSize);
    if (this.own !== null) {
      const death = {
        code: 'ERR_ARENA_DESTROYED' as const,
        summary: `${describeOwner('pool', this.name, this.ownerTagLabel())} was destroyed`,
        details: { ownerName: this.name, ownerKind: 'pool' as const, destroySite: this.destroySite },
      };
      for (const memory of this.own) if (memory !== undefined) killBuffer(memory.buffer as ArrayBuffer, death);
      this.own = null;
    }
    if (isDebugMode()) {
      // Poison, then detach: views of a destroyed pool read nothing at all.
      for (const block of this.blocks) {
        SlotOwner.poison(block);
        if (this.backend.detachable) detachBuffer(block.buffer);
      }
    }
    this.blocks = [];
    this.blockViews = [];
    this.firstView = EMPTY_VIEW;
  }

  [Symbol.dispose](): void {
    if (!this.isDestroyed) this.destroy();
  }

  protected bytesInUse(): number {
    return this.live * this.objectSize;
  }

  protected peakBytesForRegistry(): number {
    return this.peakLive * this.objectSize;
  }
}

class ObjectPoolImpl<T> extends SlotOwner implements ObjectPool<T> {
  readonly ownerKind = 'objectPool' as const;
  private readonly factory: () => T;
  private readonly resetObject: ((object: T) => void) | undefined;
  private readonly bytesPerObject: number;
  private objects: T[] = [];
  /** Debug mode: 1 for slots whose live allocation was made in debug mode (null until the first). */
  private debugSlots: Uint8Array | null = null;

  constructor(factory: () => T, initialCount: number, name: string, options: ObjectPoolOptions<T>) {
    super(name, options.tag ?? MemTag.General, initialCount, options.growable === true);
    this.factory = factory;
    this.resetObject = options.reset;
    this.bytesPerObject = options.bytesPerObject ?? 0;
    this.createStorage(0, initialCount);
    this.register(this.bytesPerObject);
  }

  protected override kindForMessages(): 'objectPool' {
    return 'objectPool';
  }

  protected createStorage(first: number, count: number): void {
    // Build the new objects aside first, so a throwing factory leaves the pool as it was.
    const created: T[] = [];
    for (let index = 0; index < count; index++) created.push(this.factory());
    for (let index = 0; index < count; index++) this.objects[first + index] = created[index]!;
  }

  alloc(): Handle | null {
    if ((this.freeTop === 0 || allocationGate !== null) && !this.prepareSlow('objectPool', this.bytesPerObject)) return null;
    const slot = this.take();
    if (statsEnabled) {
      this.counted[slot] = 1;
      chargeAlloc(this.tag, this.bytesPerObject);
    }
    return this.slotHandle[slot]! as Handle;
  }

  get(handle: Handle): T {
    // typeof first: `&` on a BigInt or Symbol would throw a TypeError of its own.
    if (typeof handle !== 'number' || this.slotHandle[handle & this.slotMask] !== handle) this.throwBadHandle(handle, 'get', false);
    const slot = handle & this.slotMask;
    return this.objects[slot]!;
  }

  free(handle: Handle): void {
    // typeof first: `&` on a BigInt or Symbol would throw a TypeError of its own.
    if (typeof handle !== 'number' || this.slotHandle[handle & this.slotMask] !== handle) this.throwBadHandle(handle, 'free', true);
    const slot = handle & this.slotMask;
    // Reset before the slot is released: if `reset` throws, the handle stays live and nothing leaks.
    if (this.resetObject !== undefined) this.resetObject(this.objects[slot]!);
    if (this.debugSlots !== null && this.debugSlots[slot] === 1) this.retireObject(slot);
    this.release(slot, this.bytesPerObject);
  }

  /** Marks a slot allocated in debug mode: its object is never handed out again once freed. */
  protected override allocatedInDebugMode(slot: number): void {
    if (this.debugSlots === null || this.debugSlots.length <= slot) {
      const grown = new Uint8Array(Math.max(slot + 1, this.objects.length));
      if (this.debugSlots !== null) grown.set(this.debugSlots);
      this.debugSlots = grown;
    }
    this.debugSlots[slot] = 1;
  }

  /**
   * The object of a slot allocated in debug mode dies with its allocation: the slot gets a new
   * object from the factory, and the old one is frozen, so a stale reference reads the reset object
   * and a write through it throws (modules are strict) instead of reaching the next occupant. Should
   * the factory throw, the slot keeps its object, as outside debug mode.
   */
  private retireObject(slot: number): void {
    this.debugSlots![slot] = 0;
    const old = this.objects[slot]!;
    let fresh: T;
    try {
      fresh = this.factory();
    } catch {
      return;
    }
    this.objects[slot] = fresh;
    try {
      if (typeof old === 'object' && old !== null) Object.freeze(old);
    } catch {
      // Typed arrays with elements cannot be frozen; the new object alone keeps the next occupant apart.
    }
  }

  destroy(): void {
    this.destroySlots(() => this.bytesPerObject);
    this.objects = [];
  }

  [Symbol.dispose](): void {
    if (!this.isDestroyed) this.destroy();
  }

  protected bytesInUse(): number {
    return this.live * this.bytesPerObject;
  }

  protected peakBytesForRegistry(): number {
    return this.peakLive * this.bytesPerObject;
  }
}

function checkCommon(kind: 'pool' | 'objectPool', name: unknown, initialCount: number, options: PoolOptions): void {
  if (typeof name !== 'string') throw invalidArgument(`${kind === 'pool' ? 'pool' : 'object pool'} name must be a string, got ${describeValue(name)}`);
  const { tag, growable } = options;
  if (growable !== undefined && typeof growable !== 'boolean') {
    throw invalidArgument(`${describeOwner(kind, name)}: growable must be true or false, got ${describeValue(growable)}`, { ownerName: name, ownerKind: kind });
  }
  const countProblem = invalidSizeReason(initialCount);
  if (countProblem !== undefined) {
    throw new ArenaError('ERR_INVALID_SIZE', `initial count of ${describeOwner(kind, name)} ${countProblem}`, { ownerName: name, ownerKind: kind });
  }
  if (tag !== undefined && !isDefinedTag(tag)) throwInvalidTag(tag);
}

/**
 * Creates a pool of `initialCount` blocks of `objectSize` bytes. `alloc()` returns null once every
 * block is in use, unless `growable` is set, in which case the pool adds `initialCount` more blocks
 * (without moving existing ones) up to its slot limit. Each block is charged to `tag` while in use.
 */
export function createPool(objectSize: number, initialCount: number, name: string, options: PoolOptions = {}): Pool {
  options = checkOptions(options, 'createPool');
  checkCommon('pool', name, initialCount, options);
  const sizeProblem = invalidSizeReason(objectSize);
  if (sizeProblem !== undefined) {
    throw new ArenaError('ERR_INVALID_SIZE', `object size of ${describeOwner('pool', name)} ${sizeProblem}`, { ownerName: name, ownerKind: 'pool' });
  }
  if (objectSize * initialCount > MAX_BLOCK_BYTES) {
    throw new ArenaError(
      'ERR_OUT_OF_MEMORY',
      `${describeOwner('pool', name)} cannot reserve ${initialCount} x ${objectSize} bytes: a block holds at most ${MAX_BLOCK_BYTES} bytes`,
      { ownerName: name, ownerKind: 'pool' },
    );
  }
  return new PoolImpl(objectSize, initialCount, name, options);
}

/**
 * Creates a pool of `initialCount` objects made by `factory` (called up front, and again for each
 * growth block when `growable`). `free` calls `options.reset(object)` before the object can be
 * handed out again; `get(handle)` returns the object behind a live handle.
 */
export function createObjectPool<T>(factory: () => T, initialCount: number, name: string, options: ObjectPoolOptions<T> = {}): ObjectPool<T> {
  options = checkOptions(options, 'createObjectPool');
  checkCommon('objectPool', name, initialCount, options);
  if (typeof factory !== 'function') throw invalidArgument(`object pool "${name}" needs a factory function, got ${describeValue(factory)}`);
  if (options.reset !== undefined && typeof options.reset !== 'function') {
    throw invalidArgument(`object pool "${name}": reset must be a function, got ${describeValue(options.reset)}`);
  }
  const perObject = options.bytesPerObject;
  if (perObject !== undefined && perObject !== 0 && invalidSizeReason(perObject) !== undefined) {
    throw new ArenaError('ERR_INVALID_SIZE', `bytesPerObject of ${describeOwner('objectPool', name)} ${invalidSizeReason(perObject)!}`, {
      ownerName: name,
      ownerKind: 'objectPool',
    });
  }
  return new ObjectPoolImpl(factory, initialCount, name, options);
}
