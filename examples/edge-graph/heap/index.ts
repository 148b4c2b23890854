// The edge graph before migration: plain objects and strings on the JS heap.
export { decodeEdges, type Edge } from './decode.js';
export { encodeEdges } from './encode.js';
export { HeapEdgeGraph, toEdge, type GraphEdge, type GraphNode } from './graph.js';
