// Encoding edges back to a CBOR batch the natural way: plain values handed to the encoder.

import { encodeCbor } from '../shared/cbor.js';
import type { Edge } from './decode.js';

// #region encode
/** Encodes `edges` as a CBOR edge batch (keys in the canonical order). */
export function encodeEdges(edges: readonly Edge[]): Uint8Array {
  return encodeCbor(
    edges.map((edge) => ({
      source: edge.source,
      target: edge.target,
      relation: edge.relation,
      confidence: edge.confidence,
      timestamp: edge.timestamp,
    })),
  );
}
// #endregion
