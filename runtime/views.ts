// Zero-allocation patterns from the seed: string views, slices and a reusable byte buffer. None of
// them copies bytes or touches the tracked heap; the only objects created are the small view wrappers.
import { deathOf, isDetached } from './debug.js';
import { ArenaError, describeValue, invalidArgument, invalidSizeReason } from './errors.js';

const decoder = new TextDecoder();

/**
 * A read-only view of UTF-8 bytes (`gm_string_view_t`): `length` is in bytes, nothing is decoded
 * until `toString()`. Comparing with `equals` encodes the other string on the fly, so it allocates
 * nothing either.
 */
export class StrView {
  /** The viewed bytes (shares memory with the source). */
  readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  /** Length in bytes. */
  get length(): number {
    return this.bytes.length;
  }

  /** The byte at `index` (no bounds check beyond the view's: out of range gives undefined). */
  byteAt(index: number): number | undefined {
    return this.bytes[index];
  }

  /** A view of `length` bytes from `start`, bounds-checked, still zero-copy. */
  subview(start: number, length: number = this.bytes.length - start): StrView {
    return new StrView(slice(this.bytes, start, length));
  }

  /** Whether the viewed bytes are exactly `other` (a string is compared as its UTF-8 encoding). */
  equals(other: string | StrView | Uint8Array): boolean {
    if (typeof other === 'string') return equalsUtf8(this.bytes, other);
    const bytes = other instanceof StrView ? other.bytes : other;
    if (!(bytes instanceof Uint8Array)) {
      throw invalidArgument(`StrView.equals takes a string, a StrView or a Uint8Array, got ${describeValue(other)}`);
    }
    if (bytes.length !== this.bytes.length) return false;
    for (let index = 0; index < bytes.length; index++) if (bytes[index] !== this.bytes[index]) return false;
    return true;
  }

  /** Decodes the bytes (this allocates the JS string). */
  toString(): string {
    return decoder.decode(this.bytes);
  }
}

/** Compares UTF-8 `bytes` with the UTF-8 encoding of `text`, without encoding `text` into memory. */
function equalsUtf8(bytes: Uint8Array, text: string): boolean {
  let position = 0;
  for (let index = 0; index < text.length; index++) {
    let code = text.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      const low = text.charCodeAt(index + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        index++;
      }
    }
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd; // lone surrogate: encoded as U+FFFD
    if (code < 0x80) {
      if (bytes[position++] !== code) return false;
    } else if (code < 0x800) {
      if (bytes[position++] !== (0xc0 | (code >> 6)) || bytes[position++] !== (0x80 | (code & 0x3f))) return false;
    } else if (code < 0x10000) {
      if (
        bytes[position++] !== (0xe0 | (code >> 12)) ||
        bytes[position++] !== (0x80 | ((code >> 6) & 0x3f)) ||
        bytes[position++] !== (0x80 | (code & 0x3f))
      ) {
        return false;
      }
    } else if (
      bytes[position++] !== (0xf0 | (code >> 18)) ||
      bytes[position++] !== (0x80 | ((code >> 12) & 0x3f)) ||
      bytes[position++] !== (0x80 | ((code >> 6) & 0x3f)) ||
      bytes[position++] !== (0x80 | (code & 0x3f))
    ) {
      return false;
    }
  }
  return position === bytes.length;
}

/** Bulk reads up to this many bytes copy byte by byte instead of creating a view of the source. */
const SMALL_COPY = 64;

/**
 * Copies `target.length` bytes of `bytes` from `from` into `target` (the bulk `read` of arenas and
 * pools, after their checks): small copies allocate nothing.
 */
export function copyOut<T extends Uint8Array>(bytes: Uint8Array, from: number, target: T): T {
  const length = target.length;
  if (length <= SMALL_COPY) {
    for (let index = 0; index < length; index++) target[index] = bytes[from + index]!;
  } else {
    target.set(bytes.subarray(from, from + length));
  }
  return target;
}

/**
 * `gm_str_view(data, len)`: a view of `length` bytes of `source` from `start` (default: all of it).
 * Bounds are checked; no bytes are copied. `source` must be UTF-8 bytes, a `Uint8Array` (a Node
 * `Buffer` is one). A string is refused rather than encoded: encoding would copy, and a view that
 * copies is not a view; `new TextEncoder().encode(text)` makes the bytes when a copy is wanted.
 * Any other typed array is refused too (its elements are not bytes).
 */
export function strView(source: Uint8Array, start = 0, length?: number): StrView {
  if (!(source instanceof Uint8Array)) {
    const hint = typeof source === 'string' ? ' (encode a string first: new TextEncoder().encode(text))' : '';
    throw invalidArgument(`strView takes UTF-8 bytes in a Uint8Array, got ${describeValue(source)}${hint}`);
  }
  return new StrView(slice(source, start, length ?? source.length - start));
}

/** Anything with typed-array style `subarray` (every TypedArray). */
export interface Subarrayable<T> {
  readonly length: number;
  subarray(begin?: number, end?: number): T;
}

/**
 * `gm_slice(array, start, count)`: a bounds-checked zero-copy view of `count` elements from `start`.
 * Throws ERR_INVALID_SIZE when start/count are not whole numbers >= 0 or run past the end.
 */
export function slice<T extends Subarrayable<T>>(array: T, start: number, count: number): T {
  // Typed arrays only: a plain Array has no zero-copy subarray, a DataView no elements.
  if (!ArrayBuffer.isView(array) || array instanceof DataView) {
    throw invalidArgument(`slice takes a typed array (Uint8Array, Float64Array...), got ${describeValue(array)}`);
  }
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(count) ||
    start < 0 ||
    count < 0 ||
    start + count > array.length
  ) {
    throw new ArenaError(
      'ERR_INVALID_SIZE',
      `slice(start ${describeValue(start)}, count ${describeValue(count)}) does not fit an array of length ${array.length}: start and count must be whole numbers >= 0 with start + count <= length`,
    );
  }
  return array.subarray(start, start + count);
}

/**
 * A fixed-capacity byte buffer for reuse across operations (`gm_buffer_t`). `append` is
 * all-or-nothing: when the bytes (or all the parts of a record) do not fit, it writes nothing and
 * returns false, like the seed's `gm_buffer_append` returning an error code. `clear()` makes the
 * whole capacity available again without freeing it.
 */
export class ByteBuffer {
  private readonly storage: Uint8Array;
  /**
   * The storage's length when the buffer was made. A view's length drops to 0 only when its
   * ArrayBuffer is detached, which debug mode does to memory that dies: a mismatch means the
   * memory under the buffer was freed, reset or destroyed.
   */
  private readonly size: number;
  private length = 0;

  /** A buffer of `capacity` new bytes, or one writing into `storage` (an arena allocation, say). */
  constructor(capacityOrStorage: number | Uint8Array) {
    if (typeof capacityOrStorage === 'number') {
      const problem = invalidSizeReason(capacityOrStorage);
      if (problem !== undefined) throw new ArenaError('ERR_INVALID_SIZE', `ByteBuffer capacity ${problem}`);
      try {
        this.storage = new Uint8Array(capacityOrStorage);
      } catch (cause) {
        throw new ArenaError('ERR_OUT_OF_MEMORY', `ByteBuffer could not reserve ${capacityOrStorage} bytes: ${String(cause)}`);
      }
    } else if (capacityOrStorage instanceof Uint8Array) {
      if (isDetached(capacityOrStorage.buffer)) throwDeadStorage(capacityOrStorage, 'wrap');
      this.storage = capacityOrStorage;
    } else {
      throw invalidArgument(`ByteBuffer needs a capacity (a whole number of bytes) or a Uint8Array to write into, got ${describeValue(capacityOrStorage)}`);
    }
    this.size = this.storage.length;
  }

  get capacity(): number {
    return this.size;
  }

  get used(): number {
    return this.length;
  }

  /** Bytes left; throws like every other method when the memory under the buffer has died. */
  get remaining(): number {
    if (this.storage.length !== this.size) throwDeadStorage(this.storage, 'read');
    return this.size - this.length;
  }

  /**
   * Appends `parts` as one record: either all of them are written, in order, or (when they do not
   * fit in the remaining capacity) none is and it returns false.
   */
  append(...parts: Uint8Array[]): boolean {
    let total = 0;
    for (const part of parts) {
      if (!(part instanceof Uint8Array)) throw invalidArgument(`ByteBuffer.append takes Uint8Arrays, got ${describeValue(part)}`);
      total += part.length;
    }
    if (this.storage.length !== this.size) throwDeadStorage(this.storage, 'append to');
    if (total > this.size - this.length) return false;
    for (const part of parts) {
      this.storage.set(part, this.length);
      this.length += part.length;
    }
    return true;
  }

  /** Appends one byte (0..255); false when full. */
  appendByte(value: number): boolean {
    if (!Number.isInteger(value) || value < 0 || value > 255) {
      throw invalidArgument(`ByteBuffer.appendByte takes a whole number 0..255, got ${describeValue(value)}`);
    }
    if (this.storage.length !== this.size) throwDeadStorage(this.storage, 'append to');
    if (this.length === this.size) return false;
    this.storage[this.length++] = value;
    return true;
  }

  /** The bytes written so far (a zero-copy view; appending later does not change its length). */
  view(): Uint8Array {
    if (this.storage.length !== this.size) throwDeadStorage(this.storage, 'view');
    return this.storage.subarray(0, this.length);
  }

  /** Forgets the contents, keeps the capacity. */
  clear(): void {
    this.length = 0;
  }
}

/**
 * The memory under a ByteBuffer died (debug mode detached it when its allocation was freed, its
 * arena reset or destroyed). Says which, and where, when debug mode recorded it.
 */
function throwDeadStorage(storage: Uint8Array, action: string): never {
  const death = deathOf(storage.buffer);
  if (death === undefined) {
    throw new ArenaError(
      'ERR_USE_AFTER_FREE',
      `cannot ${action} a ByteBuffer: the memory under it is gone (its ArrayBuffer was detached: given back to an arena or pool in debug mode, or transferred)`,
    );
  }
  throw new ArenaError(death.code, `cannot ${action} a ByteBuffer: ${death.summary}`, death.details);
}
