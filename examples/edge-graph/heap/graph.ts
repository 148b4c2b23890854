// The edge graph the natural TypeScript way: a Map from path to node object, adjacency as arrays
// of edge objects, breadth-first search with a Set and an array queue.

import type { Edge } from './decode.js';

/** A file of the repository and the edges touching it. */
export interface GraphNode {
  readonly path: string;
  readonly outgoing: Edge[];
  readonly incoming: Edge[];
}

const NO_EDGES: readonly Edge[] = Object.freeze([]);

export class HeapEdgeGraph {
  /** Interned paths: one node per distinct path, in order of first appearance. */
  readonly nodes = new Map<string, GraphNode>();
  readonly edges: Edge[] = [];

  // #region build
  /** Builds the graph of `edges`, keeping their order. */
  static build(edges: readonly Edge[]): HeapEdgeGraph {
    const graph = new HeapEdgeGraph();
    for (const edge of edges) graph.addEdge(edge);
    return graph;
  }

  addEdge(edge: Edge): void {
    this.nodeFor(edge.source).outgoing.push(edge);
    this.nodeFor(edge.target).incoming.push(edge);
    this.edges.push(edge);
  }

  private nodeFor(path: string): GraphNode {
    let node = this.nodes.get(path);
    if (node === undefined) {
      node = { path, outgoing: [], incoming: [] };
      this.nodes.set(path, node);
    }
    return node;
  }
  // #endregion

  get nodeCount(): number {
    return this.nodes.size;
  }

  get edgeCount(): number {
    return this.edges.length;
  }

  /** Edges leaving `path`, in insertion order (empty for an unknown path). */
  outgoing(path: string): readonly Edge[] {
    return this.nodes.get(path)?.outgoing ?? NO_EDGES;
  }

  /** Edges arriving at `path`, in insertion order. */
  incoming(path: string): readonly Edge[] {
    return this.nodes.get(path)?.incoming ?? NO_EDGES;
  }

  // #region bfs
  /**
   * Paths reachable from `start` along outgoing edges within `maxDepth` hops, in breadth-first
   * order (start first; neighbours in edge insertion order). Empty when `start` is unknown.
   */
  bfs(start: string, maxDepth = Number.POSITIVE_INFINITY): string[] {
    if (!this.nodes.has(start)) return [];
    const visited = new Set<string>([start]);
    const order: string[] = [start];
    let frontier: string[] = [start];
    for (let depth = 0; depth < maxDepth && frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const path of frontier) {
        for (const edge of this.outgoing(path)) {
          if (visited.has(edge.target)) continue;
          visited.add(edge.target);
          order.push(edge.target);
          next.push(edge.target);
        }
      }
      frontier = next;
    }
    return order;
  }
  // #endregion
}
