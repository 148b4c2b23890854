/// <reference lib="esnext.disposable" preserve="true" />
// (Kept in the emitted .d.ts: users' `lib` need not name esnext.disposable for `Disposable` here.)
// The runtime's public contract. Implementations live beside this file; everything here is
// re-exported from `eslint-plugin-arena/runtime`.

import type { MemoryBackend } from './backends.js';

declare const handleBrand: unique symbol;
declare const tagBrand: unique symbol;

/**
 * An allocation: a plain number packing (owner id, slot, generation), so that `alloc` allocates
 * nothing on the JS heap. Only the owner that issued it can read it; any access after the owner's
 * `reset`/`destroy` or the slot's `free` throws instead of reading reused memory.
 */
export type Handle = number & { readonly [handleBrand]: true };

/** A memory tag: a small integer naming what memory is for (`MemTag.Edge`, or `defineTag('x')`). */
export type Tag = number & { readonly [tagBrand]: true };

export type ArenaErrorCode =
  | 'ERR_USE_AFTER_RESET'
  | 'ERR_USE_AFTER_FREE'
  | 'ERR_DOUBLE_FREE'
  | 'ERR_ARENA_DESTROYED'
  | 'ERR_FOREIGN_HANDLE'
  | 'ERR_INVALID_SIZE'
  | 'ERR_INVALID_ALIGNMENT'
  | 'ERR_OUT_OF_MEMORY'
  /** A tag that was never defined, a bad tag name, or `freeTagged` with a tag other than the allocation's. */
  | 'ERR_INVALID_TAG'
  /** An argument of the wrong kind: a name that is not a string, options that are not an object, a Float64Array given to `strView`... */
  | 'ERR_INVALID_ARGUMENT'
  /** A checked access (`getUint32(h, offset)`, `read`, `write`...) reaching outside its allocation. */
  | 'ERR_OUT_OF_BOUNDS';

export interface ArenaOptions {
  /** Tag charged for allocations that name none (default `MemTag.General`). */
  readonly tag?: Tag;
  /** Hard budget in bytes across all chunks; an allocation past it throws `ERR_OUT_OF_MEMORY`. */
  readonly maxBytes?: number;
  /**
   * Where the chunks' memory comes from (runtime/backends.ts): `arrayBufferBackend()` (default),
   * `sharedArrayBufferBackend()`, `resizableBackend({ maxByteLength })` (grows in place),
   * `wasmMemoryBackend(memory, { start, end })` (addresses are offsets in linear memory).
   */
  readonly backend?: MemoryBackend;
}

/**
 * Checked reads and writes of an allocation's bytes that allocate nothing: the access path for hot
 * loops. Like `DataView`, but addressed by (handle, byte offset within the allocation) and always
 * little-endian. Every call checks the handle as `bytes(h)` does (stale: ERR_USE_AFTER_RESET or
 * ERR_USE_AFTER_FREE; another owner's: ERR_FOREIGN_HANDLE; destroyed owner: ERR_ARENA_DESTROYED) and
 * that `[byteOffset, byteOffset + width)` lies inside the allocation (else ERR_OUT_OF_BOUNDS;
 * `byteOffset` must be a whole number). Setters convert `value` as `DataView` does (wrap or round).
 */
export interface CheckedAccess {
  getUint8(handle: Handle, byteOffset: number): number;
  getInt8(handle: Handle, byteOffset: number): number;
  getUint16(handle: Handle, byteOffset: number): number;
  getInt16(handle: Handle, byteOffset: number): number;
  getUint32(handle: Handle, byteOffset: number): number;
  getInt32(handle: Handle, byteOffset: number): number;
  getFloat32(handle: Handle, byteOffset: number): number;
  getFloat64(handle: Handle, byteOffset: number): number;
  setUint8(handle: Handle, byteOffset: number, value: number): void;
  setInt8(handle: Handle, byteOffset: number, value: number): void;
  setUint16(handle: Handle, byteOffset: number, value: number): void;
  setInt16(handle: Handle, byteOffset: number, value: number): void;
  setUint32(handle: Handle, byteOffset: number, value: number): void;
  setInt32(handle: Handle, byteOffset: number, value: number): void;
  setFloat32(handle: Handle, byteOffset: number, value: number): void;
  setFloat64(handle: Handle, byteOffset: number, value: number): void;
  /**
   * Copies `target.length` bytes of the allocation, from `byteOffset` on, into `target`, and returns
   * `target`. Copies of up to 64 bytes allocate nothing; longer ones create one short-lived view.
   */
  read<T extends Uint8Array>(handle: Handle, byteOffset: number, target: T): T;
  /** Copies all of `source` into the allocation from `byteOffset` on; allocates nothing. */
  write(handle: Handle, byteOffset: number, source: Uint8Array): void;
}

export interface Arena extends Disposable, CheckedAccess {
  readonly name: string;
  /** Bytes reserved across the first chunk and every overflow chunk. */
  readonly capacity: number;
  /** Bytes handed out (including alignment padding) since the last reset. */
  readonly used: number;
  /** Highest `used` ever seen, across resets. */
  readonly peak: number;
  /** Number of overflow chunks chained after the first one. */
  readonly overflow: number;
  /** Bumped by every `reset`; handles from older generations are stale. */
  readonly generation: number;
  readonly destroyed: boolean;
  readonly maxBytes: number;

  alloc(size: number, tag?: Tag): Handle;
  /** `align` must be a power of two (1..4096). */
  allocAligned(size: number, align: number, tag?: Tag): Handle;
  /** Frees everything at once, keeps the chunks for reuse, makes every handle stale. */
  reset(): void;
  destroy(): void;

  /** A checked zero-copy view of the allocation's bytes. */
  bytes(handle: Handle): Uint8Array;
  /** The allocation's byte address in the arena's address space (chunk base + offset). */
  addressOf(handle: Handle): number;
  sizeOf(handle: Handle): number;
  /** Whether `handle` is a live allocation of this arena; never throws. */
  isLive(handle: Handle): boolean;
}

export interface PoolOptions {
  readonly tag?: Tag;
  /** When true, an exhausted pool adds a block of `initialCount` slots instead of returning null. */
  readonly growable?: boolean;
  /**
   * Where the blocks' memory comes from (runtime/backends.ts), as for arenas. With
   * `wasmMemoryBackend`, `addressOf(h)` is the slot's offset in the module's linear memory.
   * A resizable backend gives no in-place growth to pools (a growable pool adds blocks).
   */
  readonly backend?: MemoryBackend;
}

export interface Pool extends Disposable, CheckedAccess {
  readonly name: string;
  readonly objectSize: number;
  /** Total slots. */
  readonly capacity: number;
  /** Slots currently allocated. */
  readonly inUse: number;
  readonly peak: number;
  readonly destroyed: boolean;

  /** A free slot, or `null` when the pool is exhausted (and not growable). */
  alloc(): Handle | null;
  free(handle: Handle): void;
  destroy(): void;
  bytes(handle: Handle): Uint8Array;
  addressOf(handle: Handle): number;
  isLive(handle: Handle): boolean;
}

export interface ObjectPoolOptions<T> {
  readonly tag?: Tag;
  readonly growable?: boolean;
  /** Called on an object when it is freed, before it can be handed out again. */
  readonly reset?: (object: T) => void;
  /** Bytes charged to the tag per object (JS objects have no measurable size); default 0. */
  readonly bytesPerObject?: number;
}

export interface ObjectPool<T> extends Disposable {
  readonly name: string;
  readonly capacity: number;
  readonly inUse: number;
  readonly peak: number;
  readonly destroyed: boolean;

  alloc(): Handle | null;
  /** The pooled object behind a live handle. */
  get(handle: Handle): T;
  free(handle: Handle): void;
  destroy(): void;
  isLive(handle: Handle): boolean;
}

export interface MemStats {
  readonly currentBytes: number;
  readonly peakBytes: number;
  readonly totalAllocs: number;
  readonly totalFrees: number;
  /** Allocations live now. */
  readonly allocCount: number;
}
