// Allocator backends: where an arena's chunks and a pool's blocks come from. The owner asks its
// backend for a region of bytes and keeps doing its own bookkeeping (bump pointer, slots,
// generations) inside it; the backend only decides what memory that is and what its addresses are.
//
// - arrayBufferBackend (the default): a new ArrayBuffer per chunk or block.
// - sharedArrayBufferBackend: a new SharedArrayBuffer per chunk or block, so the bytes can be
//   posted to workers (handles still are not: see docs/guides/threads.md).
// - resizableBackend({ maxByteLength }): one resizable ArrayBuffer per chunk, grown in place with
//   `resize` when an arena runs out, instead of chaining a new chunk.
// - wasmMemoryBackend(memory, { start, end }): regions of a WebAssembly.Memory; addresses are
//   offsets in the module's linear memory, so `arena.addressOf(h)` is a pointer the module can use.
import { ArenaError, checkOptions, describeValue, invalidArgument, invalidSizeReason } from './errors.js';

/** A region of memory a backend handed out. */
export interface MemoryRegion {
  /** The buffer holding the region (for wasm: the memory's buffer, shared by every region). */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** Where the region starts in `buffer`. */
  readonly byteOffset: number;
  /** The region's address: what `addressOf` reports for its first byte. */
  readonly address: number;
  /** Its size in bytes when handed out (a resizable region may grow later). */
  readonly byteLength: number;
}

/** Where an arena's or pool's memory comes from. Pass one as `options.backend`. */
export interface MemoryBackend {
  /** What kind of memory this is, for reports: `'ArrayBuffer'`, `'SharedArrayBuffer'`, `'resizable ArrayBuffer'`, `'WebAssembly.Memory'`. */
  readonly kind: string;
  /**
   * Whether debug mode may detach this memory (only ArrayBuffers the backend made can be). When it
   * cannot, debug mode still poisons dead memory, but a stale view of it is not cut off.
   */
  readonly detachable: boolean;
  /**
   * Memory for `size` bytes at an address of at least `minAddress`, a multiple of `align` (a power
   * of two). The owner keeps the addresses of its regions ascending by passing, as `minAddress`,
   * the end of its last region. Throws an ArenaError (ERR_OUT_OF_MEMORY) when it cannot.
   */
  reserve(size: number, minAddress: number, align: number): MemoryRegion;
  /**
   * Grows `region` (the last one handed out) in place to `size` bytes; false when it cannot. Views
   * made over the region's buffer without a length follow the growth (length-tracking views).
   */
  growInPlace?(region: MemoryRegion, size: number): boolean;
}

// The runtime compiles against ES2022 without DOM types: the ES2024 resizable ArrayBuffer and the
// WebAssembly.Memory surface it uses are declared here.
interface ResizableArrayBuffer extends ArrayBuffer {
  readonly resizable: boolean;
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}
const ResizableArrayBufferConstructor = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;

/** What wasmMemoryBackend needs of a `WebAssembly.Memory`. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
const WasmMemoryConstructor = (globalThis as { WebAssembly?: { Memory?: abstract new (...args: never[]) => WasmMemory } }).WebAssembly?.Memory;

const alignUp = (value: number, align: number): number => Math.ceil(value / align) * align;

function outOfMemory(kind: string, size: number, cause: unknown): ArenaError {
  return new ArenaError('ERR_OUT_OF_MEMORY', `the ${kind} backend could not reserve ${size} bytes: ${cause instanceof Error ? cause.message : String(cause)}`);
}

const arrayBuffers: MemoryBackend = Object.freeze({
  kind: 'ArrayBuffer',
  detachable: true,
  reserve(size: number, minAddress: number): MemoryRegion {
    try {
      return { buffer: new ArrayBuffer(size), byteOffset: 0, address: minAddress, byteLength: size };
    } catch (cause) {
      throw outOfMemory('ArrayBuffer', size, cause);
    }
  },
});

/** A new ArrayBuffer per chunk or block: the default, and the fastest to allocate from. */
export function arrayBufferBackend(): MemoryBackend {
  return arrayBuffers;
}

const sharedArrayBuffers: MemoryBackend = Object.freeze({
  kind: 'SharedArrayBuffer',
  detachable: false,
  reserve(size: number, minAddress: number): MemoryRegion {
    try {
      return { buffer: new SharedArrayBuffer(size), byteOffset: 0, address: minAddress, byteLength: size };
    } catch (cause) {
      throw outOfMemory('SharedArrayBuffer', size, cause);
    }
  },
});

/**
 * A new SharedArrayBuffer per chunk or block. Its bytes can be read by any worker the buffer is
 * posted to (`arena.bytes(h).buffer`), but the arena's bookkeeping stays in the thread that made it.
 * For memory that several workers allocate from, use createSharedPool.
 */
export function sharedArrayBufferBackend(): MemoryBackend {
  return sharedArrayBuffers;
}

export interface ResizableBackendOptions {
  /** Most bytes one chunk may grow to (the `maxByteLength` of each resizable ArrayBuffer). */
  readonly maxByteLength: number;
}

/**
 * Resizable ArrayBuffers (`new ArrayBuffer(size, { maxByteLength })`): an arena whose chunk is full
 * grows it in place with `resize` (keeping its address range, so `overflow` stays 0) until it reaches
 * `maxByteLength`; only then does it chain a new chunk. The engine reserves `maxByteLength` of
 * address space per chunk up front and commits pages as the buffer grows.
 */
export function resizableBackend(options: ResizableBackendOptions): MemoryBackend {
  const { maxByteLength } = checkOptions(options, 'resizableBackend') as Partial<ResizableBackendOptions>;
  const problem = invalidSizeReason(maxByteLength);
  if (problem !== undefined) throw new ArenaError('ERR_INVALID_SIZE', `resizableBackend: maxByteLength ${problem}`);
  const limit = maxByteLength!;
  return Object.freeze({
    kind: 'resizable ArrayBuffer',
    detachable: true,
    reserve(size: number, minAddress: number): MemoryRegion {
      try {
        return { buffer: new ResizableArrayBufferConstructor(size, { maxByteLength: Math.max(size, limit) }), byteOffset: 0, address: minAddress, byteLength: size };
      } catch (cause) {
        throw outOfMemory('resizable ArrayBuffer', size, cause);
      }
    },
    growInPlace(region: MemoryRegion, size: number): boolean {
      const buffer = region.buffer as ResizableArrayBuffer;
      if (!buffer.resizable || size > buffer.maxByteLength) return false;
      try {
        buffer.resize(size);
        return true;
      } catch {
        return false; // the engine could not commit the pages: chain a chunk instead
      }
    },
  });
}

export interface WasmMemoryBackendOptions {
  /** First byte of linear memory the owner may use (default 0); keep the module's own data below it. */
  readonly start?: number;
  /** End (exclusive) of the usable range; default: the memory's current size. */
  readonly end?: number;
}

/**
 * Regions of a WebAssembly.Memory from `start` to `end`, handed out in ascending order. Addresses
 * are offsets in the module's linear memory: `arena.addressOf(h)` can be passed to an exported
 * function as a pointer, and what JavaScript wrote through the arena is what the module reads.
 * The memory is grown once, here, if `end` is past its size; nothing grows it later, because
 * `memory.grow` replaces `memory.buffer` and would cut off every view the owner holds. Owners
 * created on it must not outlive a `memory.grow` done by the module itself.
 */
export function wasmMemoryBackend(memory: WasmMemory, options: WasmMemoryBackendOptions = {}): MemoryBackend {
  if (WasmMemoryConstructor === undefined || !(memory instanceof WasmMemoryConstructor)) throw invalidArgument(`wasmMemoryBackend needs a WebAssembly.Memory, got ${describeValue(memory)}`);
  const { start = 0, end = memory.buffer.byteLength } = checkOptions(options, 'wasmMemoryBackend');
  if (!(Number.isInteger(start) && start >= 0)) throw invalidArgument(`wasmMemoryBackend: start must be a whole number >= 0, got ${describeValue(start)}`);
  if (!(Number.isInteger(end) && end > start && end <= 2 ** 31)) {
    throw invalidArgument(`wasmMemoryBackend: end must be a whole number above start (${start}) and at most 2^31, got ${describeValue(end)}`);
  }
  const pageSize = 65_536;
  if (end > memory.buffer.byteLength) {
    try {
      memory.grow(Math.ceil((end - memory.buffer.byteLength) / pageSize));
    } catch (cause) {
      throw outOfMemory('WebAssembly.Memory', end - memory.buffer.byteLength, cause);
    }
  }
  let cursor = start;
  return Object.freeze({
    kind: 'WebAssembly.Memory',
    detachable: false,
    reserve(size: number, minAddress: number, align: number): MemoryRegion {
      const address = alignUp(Math.max(cursor, minAddress), align);
      if (address + size > end) {
        throw new ArenaError(
          'ERR_OUT_OF_MEMORY',
          `the WebAssembly.Memory backend cannot reserve ${size} bytes: its range ${start}..${end} has ${Math.max(0, end - address)} bytes left`,
        );
      }
      cursor = address + size;
      return { buffer: memory.buffer, byteOffset: address, address, byteLength: size };
    },
  });
}

/** Checks `options.backend`: undefined (the ArrayBuffer default) or a MemoryBackend. */
export function resolveBackend(backend: unknown, where: string): MemoryBackend {
  if (backend === undefined) return arrayBuffers;
  const candidate = backend as Partial<MemoryBackend> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.reserve !== 'function' || typeof candidate.kind !== 'string') {
    throw invalidArgument(`${where}: backend must be a MemoryBackend (arrayBufferBackend(), resizableBackend(...), ...), got ${describeValue(backend)}`);
  }
  return candidate as MemoryBackend;
}
