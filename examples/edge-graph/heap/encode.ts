// Encoding edges back to a CBOR batch the natural way: plain values handed to the encoder.

import { encodeCbor } from '../shared/cbor.js';
import type { GraphEdge } from './graph.js';

// #region encode
/** Encodes the graph's `edges` as a CBOR edge batch (keys in the canonical order). */
export function encodeEdges(edges: readonly GraphEdge[]): Uint8Array {
  return encodeCbor(
    edges.map((edge) => ({
      source: edge.source.path,
      target: edge.target.path,
      relation: edge.relation,
      confidence: edge.confidence,
      timestamp: edge.timestamp,
    })),
  );
}
// #endregion
