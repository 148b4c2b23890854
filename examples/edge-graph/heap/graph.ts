// The edge graph the natural TypeScript way: a Map from path to node object (interning every path
// to one string and one node), edges as objects pointing at their nodes, adjacency as arrays,
// breadth-first search with a Set and an array queue.

import type { Relation } from '../shared/edge-format.js';
import type { Edge } from './decode.js';

/** A file of the repository and the edges touching it. */
export interface GraphNode {
  readonly path: string;
  readonly outgoing: GraphEdge[];
  readonly incoming: GraphEdge[];
}

/** An edge of the graph: like a decoded `Edge`, with its endpoints resolved to nodes. */
export interface GraphEdge {
  readonly source: GraphNode;
  readonly target: GraphNode;
  readonly relation: Relation;
  readonly confidence: number;
  readonly timestamp: number;
}

const NO_EDGES: readonly GraphEdge[] = Object.freeze([]);

export class HeapEdgeGraph {
  /** Interned paths: one node per distinct path, in order of first appearance. */
  readonly nodes = new Map<string, GraphNode>();
  readonly edges: GraphEdge[] = [];

  // #region build
  /** Builds the graph of `edges`, keeping their order. */
  static build(edges: readonly Edge[]): HeapEdgeGraph {
    const graph = new HeapEdgeGraph();
    for (const edge of edges) graph.addEdge(edge);
    return graph;
  }

  addEdge({ source, target, relation, confidence, timestamp }: Edge): void {
    const edge: GraphEdge = { source: this.nodeFor(source), target: this.nodeFor(target), relation, confidence, timestamp };
    edge.source.outgoing.push(edge);
    edge.target.incoming.push(edge);
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
  outgoing(path: string): readonly GraphEdge[] {
    return this.nodes.get(path)?.outgoing ?? NO_EDGES;
  }

  /** Edges arriving at `path`, in insertion order. */
  incoming(path: string): readonly GraphEdge[] {
    return this.nodes.get(path)?.incoming ?? NO_EDGES;
  }

  // #region bfs
  /**
   * Paths reachable from `start` along outgoing edges within `maxDepth` hops, in breadth-first
   * order (start first; neighbours in edge insertion order). Empty when `start` is unknown.
   */
  bfs(start: string, maxDepth = Number.POSITIVE_INFINITY): string[] {
    const first = this.nodes.get(start);
    if (first === undefined) return [];
    const visited = new Set<GraphNode>([first]);
    const order: string[] = [first.path];
    let frontier: GraphNode[] = [first];
    for (let depth = 0; depth < maxDepth && frontier.length > 0; depth++) {
      const next: GraphNode[] = [];
      for (const node of frontier) {
        for (const { target } of node.outgoing) {
          if (visited.has(target)) continue;
          visited.add(target);
          order.push(target.path);
          next.push(target);
        }
      }
      frontier = next;
    }
    return order;
  }
  // #endregion
}

/** An edge of the graph as plain data (paths instead of nodes). */
export function toEdge(edge: GraphEdge): Edge {
  return { source: edge.source.path, target: edge.target.path, relation: edge.relation, confidence: edge.confidence, timestamp: edge.timestamp };
}
