// Decoding an edge batch on the arena runtime: one pass over the CBOR bytes with a cursor, the
// edges written as columns into one allocation of the caller's parse arena, and every path kept
// as a view (start, length) into the input instead of a decoded string.

import { MemTag, type Arena, type Handle } from 'eslint-plugin-arena/runtime';
import { CborError, CborReader, MajorType } from '../shared/cbor.js';
import { EDGE_KEYS, EdgeFormatError, RELATIONS, checkConfidence } from '../shared/edge-format.js';

// #region batch-type
/**
 * A decoded batch: its columns live in `arena` (read them with `batchColumns`), its paths are
 * spans of `input`. Valid until that arena is reset or destroyed; reading it later throws.
 */
export interface EdgeBatch {
  readonly input: Uint8Array;
  readonly count: number;
  readonly arena: Arena;
  readonly columns: Handle;
}
// #endregion

/** The columns of a batch, as typed views over its one allocation. */
export interface BatchColumns {
  /** Per edge: source start, source length, target start, target length (byte offsets into the input). */
  readonly spans: Uint32Array;
  /** Per edge: index into RELATIONS. */
  readonly relations: Uint8Array;
  readonly confidences: Float64Array;
  readonly timestamps: Float64Array;
}

/** Bytes of parse memory a batch of `count` edges takes. */
export function batchBytes(count: number): number {
  return Math.max(1, count * 33);
}

// #region columns
/**
 * The columns of `batch`. Goes through `arena.bytes`, so a batch whose parse arena was reset or
 * destroyed throws ERR_USE_AFTER_RESET / ERR_ARENA_DESTROYED here instead of reading stale memory.
 */
export function batchColumns(batch: EdgeBatch): BatchColumns {
  const bytes = batch.arena.bytes(batch.columns);
  return columnsAt(bytes.buffer, bytes.byteOffset, batch.count);
}
// #endregion

/** The columns of `count` edges laid out from `byteOffset` of `buffer` (8-byte aligned). */
export function columnsAt(buffer: ArrayBufferLike, byteOffset: number, count: number): BatchColumns {
  // Layout: timestamps f64 | confidences f64 | spans 4 x u32 | relations u8 (8-byte aligned start).
  return {
    timestamps: new Float64Array(buffer, byteOffset, count),
    confidences: new Float64Array(buffer, byteOffset + 8 * count, count),
    spans: new Uint32Array(buffer, byteOffset + 16 * count, 4 * count),
    relations: new Uint8Array(buffer, byteOffset + 32 * count, count),
  };
}

const encoder = new TextEncoder();
const KEY_BYTES = EDGE_KEYS.map((key) => encoder.encode(key));
const RELATION_BYTES = RELATIONS.map((name) => encoder.encode(name));
const ALL_KEYS = (1 << EDGE_KEYS.length) - 1;
const KEY_SOURCE = 0;
const KEY_TARGET = 1;
const KEY_RELATION = 2;
const KEY_CONFIDENCE = 3;
const KEY_TIMESTAMP = 4;

/** Index of the candidate equal to `input[start, start + length)`, or -1. */
function matchBytes(candidates: readonly Uint8Array[], input: Uint8Array, start: number, length: number): number {
  for (let c = 0; c < candidates.length; c++) {
    const candidate = candidates[c]!;
    if (candidate.length !== length) continue;
    let i = 0;
    while (i < length && candidate[i] === input[start + i]) i++;
    if (i === length) return c;
  }
  return -1;
}

const textDecoder = new TextDecoder();
/** Only error messages decode text. */
function textAt(input: Uint8Array, start: number, length: number): string {
  return textDecoder.decode(input.subarray(start, start + length));
}

// #region decode
/**
 * Decodes a CBOR edge batch into `parse` (tagged MemTag.Parse); throws CborError or
 * EdgeFormatError on bad input, exactly as the heap version does.
 */
export function decodeEdges(input: Uint8Array, parse: Arena): EdgeBatch {
  const reader = new CborReader(input);
  reader.readHead();
  if (!reader.headIs(MajorType.Array)) throw new EdgeFormatError('a batch must be an array of edges', -1);
  const count = reader.argument;
  // Every edge takes at least one byte: refuse a count the input cannot hold before allocating for it.
  if (count > input.length - reader.offset) reader.fail(`unexpected end of input: array of ${count} edges cannot fit in ${input.length - reader.offset} byte(s)`);
  const columns = parse.allocAligned(batchBytes(count), 8, MemTag.Parse);
  const batch: EdgeBatch = { input, count, arena: parse, columns };
  const { spans, relations, confidences, timestamps } = batchColumns(batch);
  for (let index = 0; index < count; index++) {
    readEdge(reader, index, spans, relations, confidences, timestamps);
  }
  if (!reader.atEnd) reader.fail(`${input.length - reader.offset} trailing byte(s) after the top-level item`, reader.offset);
  return batch;
}
// #endregion

/**
 * Decodes edges `from` .. `to` - 1 of a batch, the first starting at byte `offset` of `input`, into
 * `columns`; returns the offset after the last. Part of a batch for one worker (parallel-decode.ts):
 * checks and messages are exactly decodeEdges' for those edges.
 */
export function decodeEdgeRange(input: Uint8Array, offset: number, from: number, to: number, columns: BatchColumns): number {
  const reader = new CborReader(input, offset);
  const { spans, relations, confidences, timestamps } = columns;
  for (let index = from; index < to; index++) readEdge(reader, index, spans, relations, confidences, timestamps);
  return reader.offset;
}

/** Skips `count` edges from byte `offset` (heads and text checked, values not); returns the offset after them. */
export function skipEdges(input: Uint8Array, offset: number, count: number): number {
  const reader = new CborReader(input, offset);
  for (let index = 0; index < count; index++) reader.skipItem();
  return reader.offset;
}

function readEdge(reader: CborReader, index: number, spans: Uint32Array, relations: Uint8Array, confidences: Float64Array, timestamps: Float64Array): void {
  const input = reader.bytes;
  reader.readHead();
  if (!reader.headIs(MajorType.Map)) throw new EdgeFormatError('an edge must be a map', index);
  const pairs = reader.argument;
  let seen = 0;
  for (let pair = 0; pair < pairs; pair++) {
    reader.readHead();
    if (!reader.headIs(MajorType.Text)) reader.fail(`map keys must be text strings, found ${reader.describeHead()}`);
    const keyOffset = reader.headOffset;
    const keyLength = reader.skipTextBody();
    const keyStart = reader.offset - keyLength;
    const key = matchBytes(KEY_BYTES, input, keyStart, keyLength);
    if (key < 0) {
      // A known key is valid UTF-8 by construction; anything else is checked before it is reported.
      reader.checkUtf8(keyLength);
      throw new EdgeFormatError(`unknown key "${textAt(input, keyStart, keyLength)}"`, index);
    }
    if ((seen & (1 << key)) !== 0) throw new CborError(`duplicate map key "${EDGE_KEYS[key]}"`, keyOffset);
    seen |= 1 << key;
    switch (key) {
      case KEY_SOURCE:
      case KEY_TARGET: {
        reader.readHead();
        const length = reader.headIs(MajorType.Text) ? reader.consumeTextBody() : 0;
        if (length === 0) throw new EdgeFormatError(`${EDGE_KEYS[key]} must be a non-empty text string`, index);
        spans[4 * index + 2 * key] = reader.offset - length;
        spans[4 * index + 2 * key + 1] = length;
        break;
      }
      case KEY_RELATION: {
        reader.readHead();
        if (!reader.headIs(MajorType.Text)) throw new EdgeFormatError('relation must be a text string', index);
        const length = reader.skipTextBody();
        const code = matchBytes(RELATION_BYTES, input, reader.offset - length, length);
        if (code < 0) {
          reader.checkUtf8(length);
          throw new EdgeFormatError(`unknown relation "${textAt(input, reader.offset - length, length)}"`, index);
        }
        relations[index] = code;
        break;
      }
      case KEY_CONFIDENCE: {
        // Numbers go straight into their column: returning them from calls would box them.
        if (!reader.readNumberInto(confidences, index)) throw new EdgeFormatError('confidence must be a number in [0, 1]', index);
        const value = confidences[index]!;
        if (!(value >= 0 && value <= 1)) checkConfidence(value, index);
        break;
      }
      default: {
        const valid = reader.readNumberInto(timestamps, index) && Number.isSafeInteger(timestamps[index]) && timestamps[index]! >= 0;
        if (!valid) throw new EdgeFormatError('timestamp must be an unsigned integer', index);
        break;
      }
    }
  }
  if (seen !== ALL_KEYS) {
    for (let key = 0; key < EDGE_KEYS.length; key++) {
      if ((seen & (1 << key)) === 0) throw new EdgeFormatError(`missing key "${EDGE_KEYS[key]}"`, index);
    }
  }
}
