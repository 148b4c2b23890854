// Decoding an edge batch the natural TypeScript way: decode the CBOR into plain values, then
// validate each into an `Edge` object. Every edge is an object and every path a fresh string.

import { decodeCbor, type CborValue } from '../shared/cbor.js';
import { EDGE_KEYS, EdgeFormatError, RELATIONS, checkConfidence, type EdgeKey, type Relation } from '../shared/edge-format.js';

// #region edge-type
/** One semantic link between two files of a repository. */
export interface Edge {
  readonly source: string;
  readonly target: string;
  readonly relation: Relation;
  readonly confidence: number;
  readonly timestamp: number;
}
// #endregion

// #region decode
/** Decodes a CBOR edge batch; throws CborError or EdgeFormatError on bad input. */
export function decodeEdges(bytes: Uint8Array): Edge[] {
  const batch = decodeCbor(bytes);
  if (!Array.isArray(batch)) throw new EdgeFormatError('a batch must be an array of edges', -1);
  const items: readonly CborValue[] = batch;
  return items.map(toEdge);
}
// #endregion

/**
 * Validates a batch that another CBOR decoder produced (plain arrays, objects, strings, numbers)
 * into edges, with the same checks as {@link decodeEdges}. The benchmark's heap side decodes with
 * cborg and then calls this, as a project that had not migrated would use a CBOR library.
 */
export function edgesFromBatch(batch: unknown): Edge[] {
  if (!Array.isArray(batch)) throw new EdgeFormatError('a batch must be an array of edges', -1);
  const items: readonly CborValue[] = batch as CborValue[];
  return items.map(toEdge);
}

function isMap(value: CborValue): value is { readonly [key: string]: CborValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && Object.getPrototypeOf(value) === Object.prototype;
}

function toEdge(value: CborValue, index: number): Edge {
  if (!isMap(value)) throw new EdgeFormatError('an edge must be a map', index);
  const fields: Partial<Record<EdgeKey, CborValue>> = {};
  for (const [key, field] of Object.entries(value)) {
    if (!(EDGE_KEYS as readonly string[]).includes(key)) throw new EdgeFormatError(`unknown key "${key}"`, index);
    checkField(key as EdgeKey, field, index);
    fields[key as EdgeKey] = field;
  }
  for (const key of EDGE_KEYS) {
    if (!(key in fields)) throw new EdgeFormatError(`missing key "${key}"`, index);
  }
  return {
    source: fields.source as string,
    target: fields.target as string,
    relation: fields.relation as Relation,
    confidence: fields.confidence as number,
    timestamp: fields.timestamp as number,
  };
}

function checkField(key: EdgeKey, field: CborValue, index: number): void {
  switch (key) {
    case 'source':
    case 'target':
      if (typeof field !== 'string' || field.length === 0) throw new EdgeFormatError(`${key} must be a non-empty text string`, index);
      return;
    case 'relation':
      if (typeof field !== 'string') throw new EdgeFormatError('relation must be a text string', index);
      if (!(RELATIONS as readonly string[]).includes(field)) throw new EdgeFormatError(`unknown relation "${field}"`, index);
      return;
    case 'confidence':
      if (typeof field !== 'number') throw new EdgeFormatError('confidence must be a number in [0, 1]', index);
      checkConfidence(field, index);
      return;
    case 'timestamp':
      if (typeof field !== 'number' || !Number.isSafeInteger(field) || field < 0) throw new EdgeFormatError('timestamp must be an unsigned integer', index);
      return;
  }
}
