// The arena version under the project's leak-checking setup: debug mode on, and after every test a
// leak report fails the test if any arena, pool or allocation it created is still alive.
import 'eslint-plugin-arena/testing/vitest';

import { describe, expect, it } from 'vitest';
import { isArenaError, withArena } from 'eslint-plugin-arena/runtime';
import { expectNoLeaks, forEachAllocationFailure, isDebugMode } from 'eslint-plugin-arena/testing';
import { ArenaEdgeGraph, decodeEdges, loadGraph } from '../../examples/edge-graph/arena/index.js';
import { generateEdgeBatch } from '../../examples/edge-graph/shared/generator.js';

const input = generateEdgeBatch({ edges: 400, seed: 11 });

describe('edge graph, arena version: leak-free', () => {
  it('runs in debug mode', () => {
    expect(isDebugMode()).toBe(true);
  });

  it('load, query, traverse, encode, dispose: nothing left behind', () => {
    const encoded = expectNoLeaks(() => {
      using graph = loadGraph(input);
      expect(graph.bfs(0)).toBeGreaterThan(1);
      return graph.encode();
    });
    expect(Buffer.from(encoded).equals(input)).toBe(true);
  });

  it('bad input: the parse arena is released on the error path too', () => {
    const truncated = input.subarray(0, input.length - 3);
    expectNoLeaks(() => expect(() => loadGraph(truncated)).toThrow(/unexpected end of input/));
  });

  it('a graph that is never disposed is reported as a leak, naming its arena', () => {
    let leak: unknown;
    let forgotten: ArenaEdgeGraph | undefined;
    try {
      expectNoLeaks(() => {
        forgotten = loadGraph(input);
      });
    } catch (error) {
      leak = error;
    } finally {
      forgotten?.[Symbol.dispose]();
    }
    expect(String(leak)).toMatch(/arena "edge-graph" \(tag Edge\) was never destroyed/);
    expect(String(leak)).toMatch(/created at:\n\s+at .*build/);
  });

  it('every allocation, made to fail in turn, leaves nothing allocated (allocation-failure sweep)', () => {
    // #region sweep
    const sweep = forEachAllocationFailure(
      () => {
        using graph = loadGraph(input);
        graph.bfs(0);
      },
      { isExpectedError: (error) => isArenaError(error, 'ERR_OUT_OF_MEMORY') },
    );
    // #endregion
    // 5 parse allocations, the graph's columns, 2 traversal allocations: each one failed once.
    expect(sweep.allocations).toBeGreaterThanOrEqual(15);
    expect(sweep.runs.filter((run) => run.outcome === 'threw')).toHaveLength(sweep.allocations);
  });

  it('a batch outliving its parse arena is caught in debug mode with the reset site', () => {
    withArena(1024, 'edge-parse', (parse) => {
      const batch = decodeEdges(input, parse);
      parse.reset();
      let thrown: unknown;
      try {
        ArenaEdgeGraph.build(batch);
      } catch (error) {
        thrown = error;
      }
      expect(isArenaError(thrown, 'ERR_USE_AFTER_RESET')).toBe(true);
      expect(String(thrown)).toMatch(/edge-parse/);
      expect(String(thrown)).toMatch(/reset at/);
    });
  });
});
