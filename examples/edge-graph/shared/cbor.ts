// A small CBOR (RFC 8949) codec: exactly what edge batches need, nothing more.
//
// Two layers:
// - `CborReader` / `CborWriter`: a cursor over bytes that reads or writes one item head at a time
//   and allocates nothing per item. The arena version of the edge graph decodes with these.
// - `decodeCbor` / `encodeCbor`: whole values to and from plain JS values, the way a general
//   CBOR library is used. The heap version of the edge graph decodes with these.
//
// Supported: unsigned and negative integers (within Number.MAX_SAFE_INTEGER), byte strings, text
// strings (validated UTF-8), arrays, maps with text keys, tags, false/true/null/undefined, and
// float16/32/64. Not supported, and rejected with a clear error: indefinite lengths, integers
// beyond 2^53 - 1, simple values other than the four above, non-text map keys.

/** Major types of an item head (the top three bits of its first byte). */
export const MajorType = {
  Unsigned: 0,
  Negative: 1,
  Bytes: 2,
  Text: 3,
  Array: 4,
  Map: 5,
  Tag: 6,
  Simple: 7,
} as const;
export type MajorType = (typeof MajorType)[keyof typeof MajorType];

const MAJOR_NAMES = ['unsigned integer', 'negative integer', 'byte string', 'text string', 'array', 'map', 'tag', 'simple/float'];

/** The name of a major type, for error messages. */
export function majorTypeName(major: number): string {
  return MAJOR_NAMES[major] ?? `major type ${major}`;
}

/** Malformed or unsupported CBOR; `offset` is the byte offset of the offending item head. */
export class CborError extends Error {
  override readonly name = 'CborError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
  }
}

const SIMPLE_FALSE = 20;
const SIMPLE_TRUE = 21;
const SIMPLE_NULL = 22;
const SIMPLE_UNDEFINED = 23;
const FLOAT16 = 25;
const FLOAT32 = 26;
const FLOAT64 = 27;

/**
 * Returns -1 when `bytes[start, end)` is well-formed UTF-8 (no overlongs, no surrogates, nothing
 * past U+10FFFF), else the index of the first byte of the first bad sequence.
 */
export function findInvalidUtf8(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    // ASCII fast path, eight bytes per step: paths are almost always ASCII.
    while (i + 8 <= end && (bytes[i]! | bytes[i + 1]! | bytes[i + 2]! | bytes[i + 3]! | bytes[i + 4]! | bytes[i + 5]! | bytes[i + 6]! | bytes[i + 7]!) < 0x80) i += 8;
    if (i >= end) break;
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      i += 1;
      continue;
    }
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      if (i + 1 >= end || (bytes[i + 1]! & 0xc0) !== 0x80) return i;
      i += 2;
      continue;
    }
    if (b0 >= 0xe0 && b0 <= 0xef) {
      if (i + 2 >= end) return i;
      const b1 = bytes[i + 1]!;
      const lo = b0 === 0xe0 ? 0xa0 : 0x80;
      const hi = b0 === 0xed ? 0x9f : 0xbf;
      if (b1 < lo || b1 > hi || (bytes[i + 2]! & 0xc0) !== 0x80) return i;
      i += 3;
      continue;
    }
    if (b0 >= 0xf0 && b0 <= 0xf4) {
      if (i + 3 >= end) return i;
      const b1 = bytes[i + 1]!;
      const lo = b0 === 0xf0 ? 0x90 : 0x80;
      const hi = b0 === 0xf4 ? 0x8f : 0xbf;
      if (b1 < lo || b1 > hi || (bytes[i + 2]! & 0xc0) !== 0x80 || (bytes[i + 3]! & 0xc0) !== 0x80) return i;
      i += 4;
      continue;
    }
    return i;
  }
  return -1;
}

function halfToNumber(half: number): number {
  const exponent = (half >> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * A cursor over CBOR bytes. `readHead()` consumes one item head and leaves its parts in
 * `major`, `argument` (length, count, integer value, tag number or simple value) and `headOffset`;
 * the typed helpers check the major type and fail with a CborError naming what was found.
 * Nothing is allocated per item.
 */
export class CborReader {
  /** Position of the next unread byte. */
  offset: number;
  /** Major type of the last head read. */
  major = 0;
  /** Argument of the last head read (for floats: the raw additional-info code, see `readNumber`). */
  argument = 0;
  /** Additional information (low five bits) of the last head read. */
  additional = 0;
  /** Offset of the last head read, for error messages. */
  headOffset = 0;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.offset = offset;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get atEnd(): boolean {
    return this.offset >= this.bytes.length;
  }

  fail(message: string, at: number = this.headOffset): never {
    throw new CborError(message, at);
  }

  private need(count: number): void {
    if (this.offset + count > this.bytes.length) {
      this.fail(`unexpected end of input: ${majorTypeName(this.major)} needs ${count} more byte(s), ${this.bytes.length - this.offset} left`);
    }
  }

  /** Reads one item head. Floats keep their bits unread: call `readFloatBody()` next. */
  readHead(): void {
    const at = this.offset;
    this.headOffset = at;
    if (at >= this.bytes.length) this.fail('unexpected end of input: expected an item', at);
    const initial = this.bytes[at]!;
    this.offset = at + 1;
    const major = initial >> 5;
    const additional = initial & 0x1f;
    this.major = major;
    this.additional = additional;
    if (major === MajorType.Simple && additional >= FLOAT16) {
      if (additional > FLOAT64) this.fail(additional === 31 ? 'unexpected "break" (indefinite lengths are not supported)' : `reserved additional information ${additional}`);
      this.argument = additional;
      return;
    }
    if (additional < 24) {
      this.argument = additional;
    } else if (additional === 24) {
      this.need(1);
      this.argument = this.bytes[this.offset]!;
      this.offset += 1;
      if (major === MajorType.Simple && this.argument < 32) this.fail(`simple value ${this.argument} encoded in two bytes is not well-formed`);
    } else if (additional === 25) {
      this.need(2);
      this.argument = this.view.getUint16(this.offset);
      this.offset += 2;
    } else if (additional === 26) {
      this.need(4);
      this.argument = this.view.getUint32(this.offset);
      this.offset += 4;
    } else if (additional === 27) {
      this.need(8);
      const high = this.view.getUint32(this.offset);
      const low = this.view.getUint32(this.offset + 4);
      this.offset += 8;
      if (high >= 0x200000) this.fail(`${majorTypeName(major)} argument exceeds 2^53 - 1`);
      this.argument = high * 0x100000000 + low;
    } else if (additional === 31) {
      this.fail(`indefinite-length ${majorTypeName(major)} is not supported`);
    } else {
      this.fail(`reserved additional information ${additional} in ${majorTypeName(major)} head`);
    }
  }

  /** After a float head: reads and returns its value. */
  readFloatBody(): number {
    const at = this.offset;
    if (this.argument === FLOAT16) {
      this.need(2);
      this.offset += 2;
      return halfToNumber(this.view.getUint16(at));
    }
    if (this.argument === FLOAT32) {
      this.need(4);
      this.offset += 4;
      return this.view.getFloat32(at);
    }
    this.need(8);
    this.offset += 8;
    return this.view.getFloat64(at);
  }

  /** Whether the last head read has major type `major` (a method, so type narrowing does not stick across reads). */
  headIs(major: MajorType): boolean {
    return this.major === major;
  }

  /** Whether the last head read was a float (its body not yet consumed). */
  get headIsFloat(): boolean {
    return this.major === MajorType.Simple && this.additional >= FLOAT16;
  }

  private expect(major: MajorType, what: string): void {
    this.readHead();
    if (this.major !== major) this.fail(`expected ${what}, found ${this.describeHead()}`);
  }

  /** A short description of the last head read, for error messages. */
  describeHead(): string {
    if (this.major === MajorType.Simple) {
      if (this.additional >= FLOAT16) return 'a float';
      if (this.argument === SIMPLE_FALSE || this.argument === SIMPLE_TRUE) return 'a boolean';
      if (this.argument === SIMPLE_NULL) return 'null';
      if (this.argument === SIMPLE_UNDEFINED) return 'undefined';
      return `simple value ${this.argument}`;
    }
    const name = majorTypeName(this.major);
    return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`;
  }

  /** Reads an array head; returns its element count. */
  readArrayHead(): number {
    this.expect(MajorType.Array, 'an array');
    return this.argument;
  }

  /** Reads a map head; returns its pair count. */
  readMapHead(): number {
    this.expect(MajorType.Map, 'a map');
    return this.argument;
  }

  /**
   * Reads a text string without decoding it: validates its UTF-8 and returns its byte length;
   * its bytes are `bytes[offset - length, offset)` afterwards.
   */
  readTextRange(): number {
    this.expect(MajorType.Text, 'a text string');
    return this.consumeTextBody();
  }

  /**
   * After a text head: skips its body without validating it; returns its byte length. For text
   * the caller compares against known valid strings, calling `checkUtf8` when nothing matches.
   */
  skipTextBody(): number {
    const length = this.argument;
    this.need(length);
    this.offset += length;
    return length;
  }

  /** Fails like `consumeTextBody` unless the `length` bytes before `offset` are valid UTF-8. */
  checkUtf8(length: number): void {
    if (findInvalidUtf8(this.bytes, this.offset - length, this.offset) >= 0) this.fail('invalid UTF-8 in text string');
  }

  /** After a text head: validates and skips its body; returns its byte length. */
  consumeTextBody(): number {
    const length = this.argument;
    this.need(length);
    const start = this.offset;
    const end = start + length;
    if (findInvalidUtf8(this.bytes, start, end) >= 0) this.fail('invalid UTF-8 in text string');
    this.offset = end;
    return length;
  }

  /** Reads an unsigned or negative integer, or a float. */
  readNumber(): number {
    this.readHead();
    if (this.major === MajorType.Unsigned) return this.argument;
    if (this.major === MajorType.Negative) return -1 - this.argument;
    if (this.headIsFloat) return this.readFloatBody();
    return this.fail(`expected a number, found ${this.describeHead()}`);
  }

  /**
   * Reads an integer or float item into `target[index]` and returns true; returns false (with the
   * head read) for any other item. Storing instead of returning keeps doubles unboxed: a number
   * returned from a call that is not inlined costs a heap allocation.
   */
  readNumberInto(target: Float64Array, index: number): boolean {
    this.readHead();
    const major = this.major;
    if (major === MajorType.Unsigned) target[index] = this.argument;
    else if (major === MajorType.Negative) target[index] = -1 - this.argument;
    else if (major !== MajorType.Simple || this.additional < FLOAT16) return false;
    else if (this.additional === FLOAT64) {
      this.need(8);
      target[index] = this.view.getFloat64(this.offset);
      this.offset += 8;
    } else target[index] = this.readFloatBody();
    return true;
  }

  /** Reads an unsigned integer (<= 2^53 - 1). */
  readUnsigned(): number {
    this.expect(MajorType.Unsigned, 'an unsigned integer');
    return this.argument;
  }

  /** Skips one complete item, nested items included. */
  skipItem(): void {
    let pending = 1;
    while (pending > 0) {
      pending -= 1;
      this.readHead();
      switch (this.major) {
        case MajorType.Bytes:
          this.need(this.argument);
          this.offset += this.argument;
          break;
        case MajorType.Text:
          this.consumeTextBody();
          break;
        case MajorType.Array:
          pending += this.argument;
          break;
        case MajorType.Map:
          pending += this.argument * 2;
          break;
        case MajorType.Tag:
          pending += 1;
          break;
        case MajorType.Simple:
          if (this.headIsFloat) this.readFloatBody();
          break;
        default:
          break;
      }
    }
  }
}

/** Bytes needed by an item head carrying `argument`. */
export function headSize(argument: number): number {
  if (argument < 24) return 1;
  if (argument < 0x100) return 2;
  if (argument < 0x10000) return 3;
  if (argument < 0x100000000) return 5;
  return 9;
}

/** Bytes `encodeNumber` writes for `value`. */
export function numberSize(value: number): number {
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) return headSize(value < 0 ? -1 - value : value);
  return 9;
}

/** `numberSize(values[index])`, without passing the double through a call (see `readNumberInto`). */
export function numberSizeAt(values: Float64Array, index: number): number {
  const value = values[index]!;
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
    const argument = value < 0 ? -1 - value : value;
    return argument < 24 ? 1 : argument < 0x100 ? 2 : argument < 0x10000 ? 3 : argument < 0x100000000 ? 5 : 9;
  }
  return 9;
}

/**
 * Writes item heads and bodies into a caller-provided buffer, which must be large enough
 * (compute it with `headSize`/`numberSize`); writing past the end throws a RangeError.
 */
export class CborWriter {
  offset: number;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.offset = offset;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private room(count: number): void {
    if (this.offset + count > this.bytes.length) {
      throw new RangeError(`CborWriter: ${count} byte(s) do not fit at offset ${this.offset} of a ${this.bytes.length}-byte buffer`);
    }
  }

  writeHead(major: MajorType, argument: number): void {
    const size = headSize(argument);
    this.room(size);
    const at = this.offset;
    const top = major << 5;
    if (size === 1) {
      this.bytes[at] = top | argument;
    } else if (size === 2) {
      this.bytes[at] = top | 24;
      this.bytes[at + 1] = argument;
    } else if (size === 3) {
      this.bytes[at] = top | 25;
      this.view.setUint16(at + 1, argument);
    } else if (size === 5) {
      this.bytes[at] = top | 26;
      this.view.setUint32(at + 1, argument);
    } else {
      this.bytes[at] = top | 27;
      this.view.setUint32(at + 1, Math.floor(argument / 0x100000000));
      this.view.setUint32(at + 5, argument >>> 0);
    }
    this.offset = at + size;
  }

  /** Safe integers as unsigned/negative integers, everything else as float64. */
  writeNumber(value: number): void {
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
      if (value >= 0) this.writeHead(MajorType.Unsigned, value);
      else this.writeHead(MajorType.Negative, -1 - value);
      return;
    }
    this.room(9);
    this.bytes[this.offset] = (MajorType.Simple << 5) | FLOAT64;
    this.view.setFloat64(this.offset + 1, value);
    this.offset += 9;
  }

  /** `writeNumber(values[index])`, without passing the double through a call. */
  writeNumberAt(values: Float64Array, index: number): void {
    const value = values[index]!;
    const at = this.offset;
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
      const negative = value < 0;
      const argument = negative ? -1 - value : value;
      // Small arguments are Smis and pass through writeHead unboxed; large ones are written here.
      if (argument < 0x40000000) {
        this.writeHead(negative ? MajorType.Negative : MajorType.Unsigned, argument);
        return;
      }
      const top = (negative ? MajorType.Negative : MajorType.Unsigned) << 5;
      if (argument < 0x100000000) {
        this.room(5);
        this.bytes[at] = top | 26;
        this.view.setUint32(at + 1, argument);
        this.offset = at + 5;
        return;
      }
      this.room(9);
      this.bytes[at] = top | 27;
      this.view.setUint32(at + 1, Math.floor(argument / 0x100000000));
      this.view.setUint32(at + 5, argument >>> 0);
      this.offset = at + 9;
      return;
    }
    this.room(9);
    this.bytes[at] = (MajorType.Simple << 5) | FLOAT64;
    this.view.setFloat64(at + 1, value);
    this.offset = at + 9;
  }

  /** A text string whose UTF-8 bytes are `source[start, start + length)`. */
  writeTextBytes(source: Uint8Array, start: number, length: number): void {
    this.writeHead(MajorType.Text, length);
    this.room(length);
    const out = this.bytes;
    const at = this.offset;
    // Paths are short: a loop beats creating a subarray for `set`, and leaves no garbage.
    if (length < 64) for (let i = 0; i < length; i++) out[at + i] = source[start + i]!;
    else out.set(source.subarray(start, start + length), at);
    this.offset = at + length;
  }

  /** Raw bytes `source[start, start + length)`, e.g. items encoded ahead of time. */
  writeBytes(source: Uint8Array, start: number, length: number): void {
    this.room(length);
    const out = this.bytes;
    const at = this.offset;
    if (length < 64) for (let i = 0; i < length; i++) out[at + i] = source[start + i]!;
    else out.set(source.subarray(start, start + length), at);
    this.offset = at + length;
  }

  writeSimple(value: number): void {
    this.room(1);
    this.bytes[this.offset] = (MajorType.Simple << 5) | value;
    this.offset += 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Whole values

/** A tagged item (major type 6). */
export class CborTagged {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

/** What `decodeCbor` returns and `encodeCbor` accepts. Maps have text keys and become plain objects. */
export type CborValue =
  | number
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborTagged
  | readonly CborValue[]
  | { readonly [key: string]: CborValue };

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();
/** Nesting limit, so hostile input cannot overflow the stack. */
const MAX_DEPTH = 256;

/** Decodes exactly one CBOR item spanning all of `bytes`. */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const reader = new CborReader(bytes);
  const value = decodeItem(reader, 0);
  if (!reader.atEnd) reader.fail(`${bytes.length - reader.offset} trailing byte(s) after the top-level item`, reader.offset);
  return value;
}

function decodeItem(reader: CborReader, depth: number): CborValue {
  if (depth > MAX_DEPTH) reader.fail(`nesting deeper than ${MAX_DEPTH}`, reader.offset);
  reader.readHead();
  const { argument } = reader;
  switch (reader.major) {
    case MajorType.Unsigned:
      return argument;
    case MajorType.Negative:
      return -1 - argument;
    case MajorType.Bytes: {
      const start = reader.offset;
      if (start + argument > reader.bytes.length) reader.fail(`unexpected end of input: byte string of ${argument} byte(s) has ${reader.bytes.length - start} left`);
      reader.offset = start + argument;
      return reader.bytes.slice(start, start + argument);
    }
    case MajorType.Text:
      return decodeText(reader);
    case MajorType.Array: {
      const items: CborValue[] = [];
      for (let i = 0; i < argument; i++) items.push(decodeItem(reader, depth + 1));
      return items;
    }
    case MajorType.Map: {
      const object: Record<string, CborValue> = {};
      for (let i = 0; i < argument; i++) {
        reader.readHead();
        if ((reader.major as number) !== MajorType.Text) reader.fail(`map keys must be text strings, found ${reader.describeHead()}`);
        const keyOffset = reader.headOffset;
        const key = decodeText(reader);
        if (key === '__proto__') reader.fail('map key "__proto__" is not allowed', keyOffset);
        if (Object.hasOwn(object, key)) reader.fail(`duplicate map key "${key}"`, keyOffset);
        object[key] = decodeItem(reader, depth + 1);
      }
      return object;
    }
    case MajorType.Tag:
      return new CborTagged(argument, decodeItem(reader, depth + 1));
    default:
      if (reader.headIsFloat) return reader.readFloatBody();
      if (argument === SIMPLE_FALSE) return false;
      if (argument === SIMPLE_TRUE) return true;
      if (argument === SIMPLE_NULL) return null;
      if (argument === SIMPLE_UNDEFINED) return undefined;
      return reader.fail(`unsupported simple value ${argument}`);
  }
}

/** After a text head: decodes its body (the heap way: a new JS string). */
function decodeText(reader: CborReader): string {
  const length = reader.argument;
  const start = reader.offset;
  if (start + length > reader.bytes.length) reader.fail(`unexpected end of input: text string of ${length} byte(s) has ${reader.bytes.length - start} left`);
  reader.offset = start + length;
  try {
    return utf8Decoder.decode(reader.bytes.subarray(start, start + length));
  } catch {
    return reader.fail('invalid UTF-8 in text string');
  }
}

/** Encodes a value; numbers that are safe integers become integers, all others float64. */
export function encodeCbor(value: CborValue): Uint8Array {
  const out = new GrowableWriter();
  encodeItem(out, value, 0);
  return out.finish();
}

class GrowableWriter {
  private writer = new CborWriter(new Uint8Array(256));

  ensure(count: number): CborWriter {
    const { writer } = this;
    if (writer.offset + count <= writer.bytes.length) return writer;
    let size = writer.bytes.length * 2;
    while (size < writer.offset + count) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(writer.bytes.subarray(0, writer.offset));
    this.writer = new CborWriter(grown, writer.offset);
    return this.writer;
  }

  finish(): Uint8Array {
    return this.writer.bytes.slice(0, this.writer.offset);
  }
}

function encodeItem(out: GrowableWriter, value: CborValue, depth: number): void {
  if (depth > MAX_DEPTH) throw new TypeError(`encodeCbor: nesting deeper than ${MAX_DEPTH}`);
  if (typeof value === 'number') {
    out.ensure(9).writeNumber(value);
  } else if (typeof value === 'string') {
    // encodeInto needs room for the worst case, 3 bytes per UTF-16 unit.
    const writer = out.ensure(9 + value.length * 3);
    const scratchStart = writer.offset + headSize(value.length * 3);
    const { written } = utf8Encoder.encodeInto(value, writer.bytes.subarray(scratchStart));
    const headAt = writer.offset;
    writer.writeHead(MajorType.Text, written);
    if (writer.offset !== scratchStart) writer.bytes.copyWithin(writer.offset, scratchStart, scratchStart + written);
    writer.offset = headAt + headSize(written) + written;
  } else if (typeof value === 'boolean') {
    out.ensure(1).writeSimple(value ? SIMPLE_TRUE : SIMPLE_FALSE);
  } else if (value === null) {
    out.ensure(1).writeSimple(SIMPLE_NULL);
  } else if (value === undefined) {
    out.ensure(1).writeSimple(SIMPLE_UNDEFINED);
  } else if (value instanceof Uint8Array) {
    const writer = out.ensure(9 + value.length);
    writer.writeHead(MajorType.Bytes, value.length);
    writer.bytes.set(value, writer.offset);
    writer.offset += value.length;
  } else if (value instanceof CborTagged) {
    out.ensure(9).writeHead(MajorType.Tag, value.tag);
    encodeItem(out, value.value, depth + 1);
  } else if (Array.isArray(value)) {
    const items: readonly CborValue[] = value;
    out.ensure(9).writeHead(MajorType.Array, items.length);
    for (const item of items) encodeItem(out, item, depth + 1);
  } else {
    const entries = Object.entries(value as { readonly [key: string]: CborValue });
    out.ensure(9).writeHead(MajorType.Map, entries.length);
    for (const [key, item] of entries) {
      encodeItem(out, key, depth + 1);
      encodeItem(out, item, depth + 1);
    }
  }
}
