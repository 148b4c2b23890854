// The edge graph after migration: typed columns in arenas, paths as views, every byte tagged.
export { batchBytes, batchColumns, decodeEdges, type BatchColumns, type EdgeBatch } from './decode.js';
export { ArenaEdgeGraph } from './graph.js';
export { loadGraph, parseArenaSize } from './load.js';
