// Fixed-size block pools (the seed's gm_pool_*) and pools of reusable JS objects (GM_POOL_FOR).
// Both are slot tables (slots.ts): LIFO free list, generation-checked handles, null when exhausted.
import { debugMode, detachBuffer, isDebugMode } from './debug.js';
import { ArenaError, checkOptions, describeOwner, describeValue, invalidArgument, invalidSizeReason } from './errors.js';
import { notBytes, outOfBoundsError } from './errors.js';
import { allocationGate } from './registry.js';
import { SlotOwner } from './slots.js';
import { chargeAlloc, statsEnabled } from './stats.js';
import { MemTag, isDefinedTag, throwInvalidTag } from './tags.js';
import type { Handle, ObjectPool, ObjectPoolOptions, Pool, PoolOptions, Tag } from './types.js';

/** Largest block of slots one pool (or one growth step) reserves at once. */
const MAX_BLOCK_BYTES = 2 ** 31 - 1;
/** The DataView of a destroyed pool: never read, since no handle is live then. */
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));
/** Bulk reads up to this many bytes copy byte by byte instead of creating a view of the source. */
const SMALL_COPY = 64;

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

  constructor(objectSize: number, initialCount: number, name: string, options: PoolOptions) {
    super(name, options.tag ?? MemTag.General, initialCount, options.growable === true);
    this.objectSize = objectSize;
    this.createStorage(0, initialCount);
    this.register(objectSize);
  }

  protected createStorage(_first: number, count: number): void {
    try {
      this.blocks.push(new Uint8Array(count * this.objectSize));
      this.blockViews.push(new DataView(this.blocks[this.blocks.length - 1]!.buffer));
      this.firstView = this.blockViews[0]!;
    } catch (cause) {
      throw new ArenaError('ERR_OUT_OF_MEMORY', `${describeOwner('pool', this.name)} could not reserve ${count} slots of ${this.objectSize} bytes: ${String(cause)}`, {
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
    if (debugMode) SlotOwner.poison(this.view(slot));
    this.release(slot, this.objectSize);
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
    return slot * this.objectSize;
  }

  // ---- checked access without allocation (CheckedAccess); see ArenaImpl for the design ----------
  getUint8(handle: Handle, byteOffset: number): number {
    return this.locate(handle, byteOffset, 1, 'getUint8').getUint8(this.accessOffset);
  }
  getInt8(handle: Handle, byteOffset: number): number {
    return this.locate(handle, byteOffset, 1, 'getInt8').getInt8(this.accessOffset);
  }
  getUint16(handle: Handle, byteOffset: number): number {
    return this.locate(handle, byteOffset, 2, 'getUint16').getUint16(this.accessOffset, true);
  }
  getInt16(handle: Handle, byteOffset: number): number {
    return this.locate(handle, byteOffset, 2, 'getInt16').getInt16(this.accessOffset, true);
  }
  getUint32(handle: Handle, byteOffset: number): number {
    return this.locate(handle, byteOffset, 4, 'getUint32').getUint32(this.accessOffset, true);
  }
  getInt32(handle: Handle, byteOffset: number): number {
    return this.locate(handle, byteOffset, 4, 'getInt32').getInt32(this.accessOffset, true);
  }
  getFloat32(handle: Handle, byteOffset: number): number {
    return this.locate(handle, byteOffset, 4, 'getFloat32').getFloat32(this.accessOffset, true);
  }
  getFloat64(handle: Handle, byteOffset: number): number {
    return this.locate(handle, byteOffset, 8, 'getFloat64').getFloat64(this.accessOffset, true);
  }
  setUint8(handle: Handle, byteOffset: number, value: number): void {
    this.locate(handle, byteOffset, 1, 'setUint8').setUint8(this.accessOffset, value);
  }
  setInt8(handle: Handle, byteOffset: number, value: number): void {
    this.locate(handle, byteOffset, 1, 'setInt8').setInt8(this.accessOffset, value);
  }
  setUint16(handle: Handle, byteOffset: number, value: number): void {
    this.locate(handle, byteOffset, 2, 'setUint16').setUint16(this.accessOffset, value, true);
  }
  setInt16(handle: Handle, byteOffset: number, value: number): void {
    this.locate(handle, byteOffset, 2, 'setInt16').setInt16(this.accessOffset, value, true);
  }
  setUint32(handle: Handle, byteOffset: number, value: number): void {
    this.locate(handle, byteOffset, 4, 'setUint32').setUint32(this.accessOffset, value, true);
  }
  setInt32(handle: Handle, byteOffset: number, value: number): void {
    this.locate(handle, byteOffset, 4, 'setInt32').setInt32(this.accessOffset, value, true);
  }
  setFloat32(handle: Handle, byteOffset: number, value: number): void {
    this.locate(handle, byteOffset, 4, 'setFloat32').setFloat32(this.accessOffset, value, true);
  }
  setFloat64(handle: Handle, byteOffset: number, value: number): void {
    this.locate(handle, byteOffset, 8, 'setFloat64').setFloat64(this.accessOffset, value, true);
  }

  read<T extends Uint8Array>(handle: Handle, byteOffset: number, target: T): T {
    if (!(target instanceof Uint8Array)) throw notBytes('read', 'target', target);
    const length = target.length;
    const bytes = this.bytesOf(this.locate(handle, byteOffset, length, 'read'));
    const from = this.accessOffset;
    if (length <= SMALL_COPY) {
      for (let index = 0; index < length; index++) target[index] = bytes[from + index]!;
    } else {
      target.set(bytes.subarray(from, from + length));
    }
    return target;
  }

  write(handle: Handle, byteOffset: number, source: Uint8Array): void {
    if (!(source instanceof Uint8Array)) throw notBytes('write', 'source', source);
    this.bytesOf(this.locate(handle, byteOffset, source.length, 'write')).set(source, this.accessOffset);
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
    if (slot < this.blockSlots) {
      this.accessOffset = slot * this.objectSize + start;
      return this.firstView;
    }
    const block = (slot / this.blockSlots) | 0;
    this.accessOffset = (slot - block * this.blockSlots) * this.objectSize + start;
    return this.blockViews[block]!;
  }

  /** The bytes of the block whose DataView is `view` (bulk copies). */
  private bytesOf(view: DataView): Uint8Array {
    return view === this.firstView ? this.blocks[0]! : this.blocks[this.blockViews.indexOf(view)]!;
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
    const block = (slot / this.blockSlots) | 0;
    const bytes = this.blocks[block]!;
    return new Uint8Array(bytes.buffer, (slot - block * this.blockSlots) * this.objectSize, this.objectSize);
  }

  destroy(): void {
    this.destroySlots(() => this.objectSize);
    if (isDebugMode()) {
      // Poison, then detach: views of a destroyed pool read nothing at all.
      for (const block of this.blocks) {
        SlotOwner.poison(block);
        detachBuffer(block.buffer);
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
    this.release(slot, this.bytesPerObject);
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
