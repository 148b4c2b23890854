// The SQLite-style sweep over the example code: examples/edge-graph/arena decodes a CBOR edge batch
// and builds its graph. Every allocation on that path is failed in turn; each run must end in a clean
// ERR_OUT_OF_MEMORY (no other error, no partial graph) and leave no arena, pool or byte behind.
import { describe, expect, it } from 'vitest';
import { getStats, isArenaError, MemTag, type Tag } from 'eslint-plugin-arena/runtime';
import { forEachAllocationFailure } from 'eslint-plugin-arena/testing';
import { loadGraph } from '../../examples/edge-graph/arena/index.js';
import { generateEdgeBatch } from '../../examples/edge-graph/shared/generator.js';

const TAGS: readonly Tag[] = [MemTag.General, MemTag.Parse, MemTag.Edge, MemTag.Node, MemTag.Temp];
const bytesByTag = (): number[] => TAGS.map((tag) => getStats(tag).currentBytes);

/** Decode, build, traverse, dispose: the example's whole life cycle. Returns nodes reached. */
function ingestAndTraverse(input: Uint8Array): number {
  const graph = loadGraph(input);
  try {
    return graph.bfs(0, 3);
  } finally {
    graph[Symbol.dispose]();
  }
}

describe('edge-graph example under allocation failure', () => {
  it.each([
    { edges: 40, seed: 1 },
    { edges: 400, seed: 2 },
  ])('every failure path of decode + build + bfs leaks nothing ($edges edges)', (shape) => {
    const input = generateEdgeBatch(shape);
    const expectedReach = ingestAndTraverse(input);
    const before = bytesByTag();
    let cleanReach = -1;
    const sweep = forEachAllocationFailure(
      () => {
        cleanReach = ingestAndTraverse(input);
      },
      {
        isExpectedError: (error) => isArenaError(error, 'ERR_OUT_OF_MEMORY'),
        check: () => expect(bytesByTag()).toEqual(before),
      },
    );
    // Every allocation was failed once; each of those runs gave up with ERR_OUT_OF_MEMORY.
    expect(sweep.allocations).toBeGreaterThanOrEqual(5);
    expect(sweep.runs.slice(0, -1).every((run) => run.outcome === 'threw')).toBe(true);
    expect(new Set(sweep.runs.slice(0, -1).map((run) => run.failure?.owner))).toEqual(
      new Set(['edge-parse', 'edge-graph', 'edge-graph-traversal']),
    );
    // The last run had no failure and computed the same answer as an unobserved run.
    expect(sweep.runs.at(-1)?.outcome).toBe('clean');
    expect(cleanReach).toBe(expectedReach);
  });
});
