// Decode and build in one step: the parse arena lives exactly as long as this call.

import { MemTag, createArena } from 'eslint-plugin-arena/runtime';
import { decodeEdges } from './decode.js';
import { ArenaEdgeGraph } from './graph.js';

/**
 * A first-chunk size for parsing `input`: the batch columns take 33 bytes per edge and interning
 * about 40 more, while a typical encoded edge takes ~130 bytes. Bigger batches (short paths) chain
 * an overflow chunk.
 */
export function parseArenaSize(input: Uint8Array): number {
  return 64 * 1024 + Math.ceil(input.length * 0.6);
}

// #region load
/** Decodes a CBOR edge batch and builds its graph; the caller disposes the graph. */
export function loadGraph(input: Uint8Array): ArenaEdgeGraph {
  using parse = createArena(parseArenaSize(input), 'edge-parse', { tag: MemTag.Parse });
  const batch = decodeEdges(input, parse);
  return ArenaEdgeGraph.build(batch);
}
// #endregion
