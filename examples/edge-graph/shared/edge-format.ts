// The wire format of an edge batch, shared by both implementations.
//
// A batch is a CBOR array of edges; an edge is a CBOR map with exactly these five text keys
// (written in this order, accepted in any order):
//   source      text, non-empty: repository-relative path the edge starts at
//   target      text, non-empty: path it points to
//   relation    text, one of RELATIONS
//   confidence  number in [0, 1]
//   timestamp   unsigned integer, milliseconds since the Unix epoch

/** The relation types an edge may carry, in code order (the arena version stores the index). */
export const RELATIONS = ['implements', 'references', 'depends_on', 'augments'] as const;
export type Relation = (typeof RELATIONS)[number];

/** Map keys of an edge, in the order encoders write them. */
export const EDGE_KEYS = ['source', 'target', 'relation', 'confidence', 'timestamp'] as const;
export type EdgeKey = (typeof EDGE_KEYS)[number];

/** A decoded edge as plain data: what tests compare and the generator produces. */
export interface EdgeRecord {
  readonly source: string;
  readonly target: string;
  readonly relation: Relation;
  readonly confidence: number;
  readonly timestamp: number;
}

/** Well-formed CBOR that is not a valid edge batch. `edgeIndex` is the edge at fault, if any. */
export class EdgeFormatError extends Error {
  override readonly name = 'EdgeFormatError';
  constructor(
    message: string,
    readonly edgeIndex: number,
  ) {
    super(edgeIndex >= 0 ? `edge ${edgeIndex}: ${message}` : message);
  }
}

/** The relation code of `name`, or -1. */
export function relationCode(name: string): number {
  return (RELATIONS as readonly string[]).indexOf(name);
}

/** Throws unless `value` is a valid confidence. */
export function checkConfidence(value: number, edgeIndex: number): void {
  if (!(value >= 0 && value <= 1)) throw new EdgeFormatError(`confidence must be a number in [0, 1], got ${value}`, edgeIndex);
}
