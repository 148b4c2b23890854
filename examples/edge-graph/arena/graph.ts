// The edge graph on the arena runtime. Everything the graph keeps lives in arenas it owns, as typed
// columns (struct of arrays) tagged by purpose:
//   MemTag.Edge  edge columns (source node, target node, relation, confidence, timestamp) and the
//                compressed adjacency (per node: a range of edge indices, outgoing and incoming)
//   MemTag.Node  interned paths (their UTF-8 bytes, stored once) and the path lookup table
//   MemTag.Temp  breadth-first search scratch, in a second arena reset by every traversal
// Building borrows the batch's parse arena (MemTag.Parse) for the interning table, which dies with it.
// Nodes and edges are plain indices, so queries and traversals allocate nothing on the JS heap.

import { MemTag, createArena, type Arena, type Handle, type Tag } from 'eslint-plugin-arena/runtime';
import { CborWriter, MajorType, headSize, numberSizeAt } from '../shared/cbor.js';
import { EDGE_KEYS, RELATIONS, type EdgeRecord, type Relation } from '../shared/edge-format.js';
import { batchColumns, type EdgeBatch } from './decode.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function hashBytes(bytes: Uint8Array, start: number, length: number): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < start + length; i++) hash = Math.imul(hash ^ bytes[i]!, FNV_PRIME);
  return hash >>> 0;
}

/** FNV-1a over the UTF-8 encoding of `text`, computed without encoding it. */
function hashString(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      hash = Math.imul(hash ^ code, FNV_PRIME);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (code < 0x800) {
      hash = Math.imul(hash ^ (0xc0 | (code >> 6)), FNV_PRIME);
    } else if (code < 0x10000) {
      hash = Math.imul(hash ^ (0xe0 | (code >> 12)), FNV_PRIME);
      hash = Math.imul(hash ^ (0x80 | ((code >> 6) & 0x3f)), FNV_PRIME);
    } else {
      hash = Math.imul(hash ^ (0xf0 | (code >> 18)), FNV_PRIME);
      hash = Math.imul(hash ^ (0x80 | ((code >> 12) & 0x3f)), FNV_PRIME);
      hash = Math.imul(hash ^ (0x80 | ((code >> 6) & 0x3f)), FNV_PRIME);
    }
    hash = Math.imul(hash ^ (0x80 | (code & 0x3f)), FNV_PRIME);
  }
  return hash >>> 0;
}

const utf8 = new TextEncoder();
const textDecoder = new TextDecoder();

function tableSizeFor(entries: number): number {
  let size = 16;
  while (size < entries * 2) size *= 2;
  return size;
}

interface GraphColumns {
  readonly edgeSource: Uint32Array;
  readonly edgeTarget: Uint32Array;
  readonly edgeRelation: Uint8Array;
  readonly edgeConfidence: Float64Array;
  readonly edgeTimestamp: Float64Array;
  readonly nodePathStart: Uint32Array;
  readonly nodePathLength: Uint32Array;
  readonly pathBytes: Uint8Array;
  /** Open addressing, linear probing: node index + 1, 0 = empty. */
  readonly lookup: Int32Array;
  /** outStart[n] .. outStart[n + 1]: indices into outEdges. Same for in. */
  readonly outStart: Uint32Array;
  readonly outEdges: Uint32Array;
  /** outTargets[i] = edgeTarget[outEdges[i]]: traversals read neighbours sequentially. */
  readonly outTargets: Uint32Array;
  readonly inStart: Uint32Array;
  readonly inEdges: Uint32Array;
}

/** A typed view over a fresh, tagged, 8-byte-aligned allocation of `count` elements. */
function allocColumn<T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(
  arena: Arena,
  create: (buffer: ArrayBuffer, byteOffset: number, length: number) => T,
  count: number,
  bytesPerElement: number,
  tag: Tag,
): T {
  const handle: Handle = arena.allocAligned(Math.max(8, count * bytesPerElement), 8, tag);
  const bytes = arena.bytes(handle);
  return create(bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
}

const u8 = (buffer: ArrayBuffer, offset: number, length: number): Uint8Array => new Uint8Array(buffer, offset, length);
const u32 = (buffer: ArrayBuffer, offset: number, length: number): Uint32Array => new Uint32Array(buffer, offset, length);
const i32 = (buffer: ArrayBuffer, offset: number, length: number): Int32Array => new Int32Array(buffer, offset, length);
const f64 = (buffer: ArrayBuffer, offset: number, length: number): Float64Array => new Float64Array(buffer, offset, length);

/** An edge graph whose memory is one owned arena; dispose it (or `using`) to release everything. */
export class ArenaEdgeGraph implements Disposable {
  readonly nodeCount: number;
  readonly edgeCount: number;
  private readonly memory: Arena;
  private readonly traversal: Arena;
  private readonly columns: GraphColumns;
  /** The graph's first allocation: while it is live, every column is. */
  private readonly witness: Handle;

  private constructor(memory: Arena, traversal: Arena, witness: Handle, columns: GraphColumns, nodeCount: number, edgeCount: number) {
    this.memory = memory;
    this.witness = witness;
    this.traversal = traversal;
    this.columns = columns;
    this.nodeCount = nodeCount;
    this.edgeCount = edgeCount;
  }

  // #region build
  /**
   * Builds the graph of a decoded batch: interns its paths (hashing the input bytes in place,
   * copying each distinct path once), then lays out compressed adjacency. The batch's parse arena
   * must still be live; it lends the interning table, which is released with it.
   */
  static build(batch: EdgeBatch): ArenaEdgeGraph {
    const memory = createArena(graphBytes(batch.count), 'edge-graph', { tag: MemTag.Edge });
    let traversal: Arena | undefined;
    try {
      traversal = createArena(4096, 'edge-graph-traversal', { tag: MemTag.Temp });
      const witness = memory.alloc(8, MemTag.Edge);
      const { columns, nodeCount } = layOut(batch, memory);
      return new ArenaEdgeGraph(memory, traversal, witness, columns, nodeCount, batch.count);
    } catch (error) {
      // Ownership passes to the graph only on success; on any failure both arenas die here.
      traversal?.destroy();
      memory.destroy();
      throw error;
    }
  }
  // #endregion

  /** Releases the graph's memory; any later call throws ERR_ARENA_DESTROYED. */
  [Symbol.dispose](): void {
    if (!this.memory.destroyed) this.memory.destroy();
    if (!this.traversal.destroyed) this.traversal.destroy();
  }

  get disposed(): boolean {
    return this.memory.destroyed;
  }

  // #region live
  /**
   * The columns, after checking the graph's memory is still live: once disposed, this throws the
   * runtime's ERR_ARENA_DESTROYED (naming the arena) instead of reading released memory.
   */
  private live(): GraphColumns {
    if (!this.memory.isLive(this.witness)) this.memory.bytes(this.witness);
    return this.columns;
  }
  // #endregion

  /** The node of `path`, or -1 when the graph has no such path. */
  nodeOf(path: string): number {
    const { lookup, nodePathStart, nodePathLength, pathBytes } = this.live();
    const mask = lookup.length - 1;
    for (let slot = hashString(path) & mask; ; slot = (slot + 1) & mask) {
      const entry = lookup[slot]!;
      if (entry === 0) return -1;
      const node = entry - 1;
      if (equalsUtf8(path, pathBytes, nodePathStart[node]!, nodePathLength[node]!)) return node;
    }
  }

  /** The path of `node`, decoded (a new string: for output, not for hot loops). */
  pathOf(node: number): string {
    const { nodePathStart, nodePathLength, pathBytes } = this.live();
    this.checkNode(node);
    const start = nodePathStart[node]!;
    return textDecoder.decode(pathBytes.subarray(start, start + nodePathLength[node]!));
  }

  outDegree(node: number): number {
    const { outStart } = this.live();
    this.checkNode(node);
    return outStart[node + 1]! - outStart[node]!;
  }

  /** The `i`-th edge leaving `node`, in insertion order (`0 <= i < outDegree(node)`). */
  outEdgeAt(node: number, i: number): number {
    const { outStart, outEdges } = this.live();
    this.checkNode(node);
    const at = outStart[node]! + i;
    if (!((i >>> 0) === i && at < outStart[node + 1]!)) throw new RangeError(`edge-graph: node ${node} has no outgoing edge ${i} (it has ${this.outDegree(node)})`);
    return outEdges[at]!;
  }

  inDegree(node: number): number {
    const { inStart } = this.live();
    this.checkNode(node);
    return inStart[node + 1]! - inStart[node]!;
  }

  /** The `i`-th edge arriving at `node`, in insertion order (`0 <= i < inDegree(node)`). */
  inEdgeAt(node: number, i: number): number {
    const { inStart, inEdges } = this.live();
    this.checkNode(node);
    const at = inStart[node]! + i;
    if (!((i >>> 0) === i && at < inStart[node + 1]!)) throw new RangeError(`edge-graph: node ${node} has no incoming edge ${i} (it has ${this.inDegree(node)})`);
    return inEdges[at]!;
  }

  // Edges are numbered 0 .. edgeCount - 1 in batch order.
  sourceOf(edge: number): number {
    const { edgeSource } = this.live();
    this.checkEdge(edge);
    return edgeSource[edge]!;
  }

  targetOf(edge: number): number {
    const { edgeTarget } = this.live();
    this.checkEdge(edge);
    return edgeTarget[edge]!;
  }

  relationOf(edge: number): Relation {
    const { edgeRelation } = this.live();
    this.checkEdge(edge);
    return RELATIONS[edgeRelation[edge]!]!;
  }

  confidenceOf(edge: number): number {
    const { edgeConfidence } = this.live();
    this.checkEdge(edge);
    return edgeConfidence[edge]!;
  }

  timestampOf(edge: number): number {
    const { edgeTimestamp } = this.live();
    this.checkEdge(edge);
    return edgeTimestamp[edge]!;
  }

  private checkEdge(edge: number): void {
    if (!((edge >>> 0) === edge && edge < this.edgeCount)) throw new RangeError(`edge-graph: no edge ${edge} (the graph has ${this.edgeCount})`);
  }

  private checkNode(node: number): void {
    if (!((node >>> 0) === node && node < this.nodeCount)) throw new RangeError(`edge-graph: no node ${node} (the graph has ${this.nodeCount})`);
  }

  // #region bfs
  /**
   * Breadth-first traversal along outgoing edges from `start`, at most `maxDepth` hops; calls
   * `visit` with each reached node in order (start first) and returns how many were reached.
   * Its queue and visited marks come from the traversal arena, reset on entry: no JS garbage.
   */
  bfs(start: number, maxDepth = Number.POSITIVE_INFINITY, visit?: (node: number) => void): number {
    const { outStart, outTargets } = this.live();
    this.checkNode(start);
    this.traversal.reset();
    const queueHandle = this.traversal.allocAligned(4 * this.nodeCount, 8, MemTag.Temp);
    const visitedHandle = this.traversal.alloc(this.nodeCount, MemTag.Temp);
    const queueBytes = this.traversal.bytes(queueHandle);
    const queue = new Uint32Array(queueBytes.buffer, queueBytes.byteOffset, this.nodeCount);
    const visited = this.traversal.bytes(visitedHandle).fill(0);
    queue[0] = start;
    visited[start] = 1;
    let head = 0;
    let tail = 1;
    for (let depth = 0; depth < maxDepth && head < tail; depth++) {
      const levelEnd = tail;
      for (; head < levelEnd; head++) {
        const node = queue[head]!;
        for (let e = outStart[node]!; e < outStart[node + 1]!; e++) {
          const target = outTargets[e]!;
          if (visited[target] === 1) continue;
          visited[target] = 1;
          queue[tail++] = target;
        }
      }
    }
    if (visit !== undefined) for (let i = 0; i < tail; i++) visit(queue[i]!);
    return tail;
  }
  // #endregion

  // ---- plain-data views, for output and tests (they allocate) --------------------------------

  /** Paths reached by `bfs` from `path` (empty when unknown), in order. */
  bfsPaths(path: string, maxDepth = Number.POSITIVE_INFINITY): string[] {
    const start = this.nodeOf(path);
    if (start < 0) return [];
    const paths: string[] = [];
    this.bfs(start, maxDepth, (node) => paths.push(this.pathOf(node)));
    return paths;
  }

  edgeRecord(edge: number): EdgeRecord {
    return {
      source: this.pathOf(this.sourceOf(edge)),
      target: this.pathOf(this.targetOf(edge)),
      relation: this.relationOf(edge),
      confidence: this.confidenceOf(edge),
      timestamp: this.timestampOf(edge),
    };
  }

  outgoingRecords(path: string): EdgeRecord[] {
    const node = this.nodeOf(path);
    if (node < 0) return [];
    return Array.from({ length: this.outDegree(node) }, (_, i) => this.edgeRecord(this.outEdgeAt(node, i)));
  }

  incomingRecords(path: string): EdgeRecord[] {
    const node = this.nodeOf(path);
    if (node < 0) return [];
    return Array.from({ length: this.inDegree(node) }, (_, i) => this.edgeRecord(this.inEdgeAt(node, i)));
  }

  // #region encode
  /**
   * Encodes the edges, in insertion order, as a CBOR edge batch: the exact size is measured from
   * the columns, the output allocated once, and each edge assembled from pre-encoded pieces (the
   * keys, the relation, each path's text item as interned) plus its two numbers.
   */
  encode(): Uint8Array {
    const { edgeSource, edgeTarget, edgeRelation, edgeConfidence, edgeTimestamp, nodePathStart, nodePathLength, pathBytes } = this.live();
    let size = headSize(this.edgeCount);
    for (let e = 0; e < this.edgeCount; e++) {
      size += EDGE_PIECES_BYTES + RELATION_PIECES[edgeRelation[e]!]!.length;
      size += textItemBytes(nodePathLength[edgeSource[e]!]!) + textItemBytes(nodePathLength[edgeTarget[e]!]!);
      size += numberSizeAt(edgeConfidence, e) + numberSizeAt(edgeTimestamp, e);
    }
    const writer = new CborWriter(new Uint8Array(size));
    writer.writeHead(MajorType.Array, this.edgeCount);
    for (let e = 0; e < this.edgeCount; e++) {
      const source = edgeSource[e]!;
      const target = edgeTarget[e]!;
      const relation = RELATION_PIECES[edgeRelation[e]!]!;
      const sourceItem = textItemBytes(nodePathLength[source]!);
      const targetItem = textItemBytes(nodePathLength[target]!);
      writer.writeBytes(MAP_AND_SOURCE_KEY, 0, MAP_AND_SOURCE_KEY.length);
      writer.writeBytes(pathBytes, nodePathStart[source]! + nodePathLength[source]! - sourceItem, sourceItem);
      writer.writeBytes(TARGET_KEY, 0, TARGET_KEY.length);
      writer.writeBytes(pathBytes, nodePathStart[target]! + nodePathLength[target]! - targetItem, targetItem);
      writer.writeBytes(relation, 0, relation.length);
      writer.writeBytes(CONFIDENCE_KEY, 0, CONFIDENCE_KEY.length);
      writer.writeNumberAt(edgeConfidence, e);
      writer.writeBytes(TIMESTAMP_KEY, 0, TIMESTAMP_KEY.length);
      writer.writeNumberAt(edgeTimestamp, e);
    }
    return writer.bytes;
  }
  // #endregion
}

/** A text item (head and UTF-8 bytes), encoded once. */
function textItem(text: string): Uint8Array {
  const bytes = utf8.encode(text);
  const writer = new CborWriter(new Uint8Array(headSize(bytes.length) + bytes.length));
  writer.writeTextBytes(bytes, 0, bytes.length);
  return writer.bytes;
}

/** Bytes of a text item whose UTF-8 body has `length` bytes. */
function textItemBytes(length: number): number {
  return headSize(length) + length;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

// The constant pieces of an encoded edge, in EDGE_KEYS order.
const MAP_AND_SOURCE_KEY = concat(Uint8Array.of((MajorType.Map << 5) | EDGE_KEYS.length), textItem('source'));
const TARGET_KEY = textItem('target');
/** The relation key and value together, per relation code. */
const RELATION_PIECES = RELATIONS.map((name) => concat(textItem('relation'), textItem(name)));
const CONFIDENCE_KEY = textItem('confidence');
const TIMESTAMP_KEY = textItem('timestamp');
const EDGE_PIECES_BYTES = MAP_AND_SOURCE_KEY.length + TARGET_KEY.length + CONFIDENCE_KEY.length + TIMESTAMP_KEY.length;
if (EDGE_KEYS.join() !== 'source,target,relation,confidence,timestamp') throw new Error('edge-graph: encoder pieces out of date with EDGE_KEYS');

/** A first-chunk size that holds a graph of `edgeCount` edges without overflow in the common case. */
function graphBytes(edgeCount: number): number {
  return 64 * 1024 + edgeCount * 48;
}

/**
 * Whether `text` is the string whose UTF-8 encoding is `bytes[start, start + length)`. Compares
 * code point by code point without encoding `text` anywhere. A lone surrogate never matches: no
 * well-formed UTF-8 decodes to one (the heap version's strings come from such bytes).
 */
function equalsUtf8(text: string, bytes: Uint8Array, start: number, length: number): boolean {
  // UTF-8 takes at least one byte per UTF-16 code unit.
  if (text.length > length) return false;
  const end = start + length;
  let position = start;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      if (bytes[position++] !== code) return false;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const low = code <= 0xdbff && i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (low < 0xdc00 || low > 0xdfff) return false;
      code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
      i++;
    }
    if (code < 0x800) {
      if (bytes[position++] !== (0xc0 | (code >> 6))) return false;
    } else if (code < 0x10000) {
      if (bytes[position++] !== (0xe0 | (code >> 12)) || bytes[position++] !== (0x80 | ((code >> 6) & 0x3f))) return false;
    } else {
      if (bytes[position++] !== (0xf0 | (code >> 18)) || bytes[position++] !== (0x80 | ((code >> 12) & 0x3f)) || bytes[position++] !== (0x80 | ((code >> 6) & 0x3f))) return false;
    }
    if (bytes[position++] !== (0x80 | (code & 0x3f))) return false;
  }
  // Reading past `end` compares against other paths' bytes, but then this fails.
  return position === end;
}

/**
 * Interns the batch's paths and writes every column into `memory`. Node indices follow first
 * appearance (source before target, edge by edge), as in the heap version's Map.
 */
function layOut(batch: EdgeBatch, memory: Arena): { columns: GraphColumns; nodeCount: number } {
  const { input, count, arena: parse } = batch;
  const { spans, relations, confidences, timestamps } = batchColumns(batch);

  const edgeSource = allocColumn(memory, u32, count, 4, MemTag.Edge);
  const edgeTarget = allocColumn(memory, u32, count, 4, MemTag.Edge);
  const edgeRelation = allocColumn(memory, u8, count, 1, MemTag.Edge);
  const edgeConfidence = allocColumn(memory, f64, count, 8, MemTag.Edge);
  const edgeTimestamp = allocColumn(memory, f64, count, 8, MemTag.Edge);
  edgeRelation.set(relations);
  edgeConfidence.set(confidences);
  edgeTimestamp.set(timestamps);

  // Interning in parse memory: candidates are first occurrences, as spans of the input. The table
  // holds (node + 1, hash) pairs, so a probe touches one cache line, and starts small and doubles,
  // so that it stays as dense as the distinct paths are few (outgrown tables stay in the parse
  // arena until it dies: at most as much again).
  const maxNodes = 2 * count;
  const firstStart = allocColumn(parse, u32, maxNodes, 4, MemTag.Parse);
  const firstLength = allocColumn(parse, u32, maxNodes, 4, MemTag.Parse);
  const nodeHash = allocColumn(parse, u32, maxNodes, 4, MemTag.Parse);
  let slots = tableSizeFor(Math.min(maxNodes, 1024));
  let internTable = allocColumn(parse, u32, 2 * slots, 4, MemTag.Parse).fill(0);
  let mask = slots - 1;
  let nodeCount = 0;
  let pathByteCount = 0;
  const grow = (): void => {
    slots *= 2;
    mask = slots - 1;
    internTable = allocColumn(parse, u32, 2 * slots, 4, MemTag.Parse).fill(0);
    for (let node = 0; node < nodeCount; node++) {
      let slot = nodeHash[node]! & mask;
      while (internTable[2 * slot] !== 0) slot = (slot + 1) & mask;
      internTable[2 * slot] = node + 1;
      internTable[2 * slot + 1] = nodeHash[node]!;
    }
  };
  const intern = (start: number, length: number): number => {
    const hash = hashBytes(input, start, length);
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = internTable[2 * slot]!;
      if (entry === 0) {
        const node = nodeCount++;
        internTable[2 * slot] = node + 1;
        internTable[2 * slot + 1] = hash;
        firstStart[node] = start;
        firstLength[node] = length;
        nodeHash[node] = hash;
        pathByteCount += headSize(length) + length;
        if (2 * nodeCount > slots) grow();
        return node;
      }
      if (internTable[2 * slot + 1] === hash) {
        const node = entry - 1;
        if (firstLength[node] === length && sameBytes(input, firstStart[node]!, start, length)) return node;
      }
    }
  };
  for (let e = 0; e < count; e++) {
    edgeSource[e] = intern(spans[4 * e]!, spans[4 * e + 1]!);
    edgeTarget[e] = intern(spans[4 * e + 2]!, spans[4 * e + 3]!);
  }

  // Paths: each distinct one copied once out of the input, which the graph does not keep, as the
  // CBOR text item it was (head, then bytes) so that encoding copies it whole.
  const nodePathStart = allocColumn(memory, u32, nodeCount, 4, MemTag.Node);
  const nodePathLength = allocColumn(memory, u32, nodeCount, 4, MemTag.Node);
  const pathBytes = allocColumn(memory, u8, pathByteCount, 1, MemTag.Node);
  const lookup = allocColumn(memory, i32, tableSizeFor(nodeCount), 4, MemTag.Node).fill(0);
  const lookupMask = lookup.length - 1;
  const pathWriter = new CborWriter(pathBytes);
  for (let node = 0; node < nodeCount; node++) {
    const length = firstLength[node]!;
    // Written with a fresh (shortest-form) head: the input's may be longer than needed.
    pathWriter.writeTextBytes(input, firstStart[node]!, length);
    nodePathStart[node] = pathWriter.offset - length;
    nodePathLength[node] = length;
    let slot = nodeHash[node]! & lookupMask;
    while (lookup[slot] !== 0) slot = (slot + 1) & lookupMask;
    lookup[slot] = node + 1;
  }

  const outStart = allocColumn(memory, u32, nodeCount + 1, 4, MemTag.Edge);
  const outEdges = allocColumn(memory, u32, count, 4, MemTag.Edge);
  const inStart = allocColumn(memory, u32, nodeCount + 1, 4, MemTag.Edge);
  const inEdges = allocColumn(memory, u32, count, 4, MemTag.Edge);
  fillAdjacency(edgeSource, nodeCount, outStart.fill(0), outEdges);
  fillAdjacency(edgeTarget, nodeCount, inStart.fill(0), inEdges);
  const outTargets = allocColumn(memory, u32, count, 4, MemTag.Edge);
  for (let i = 0; i < count; i++) outTargets[i] = edgeTarget[outEdges[i]!]!;

  return {
    nodeCount,
    columns: { edgeSource, edgeTarget, edgeRelation, edgeConfidence, edgeTimestamp, nodePathStart, nodePathLength, pathBytes, lookup, outStart, outEdges, outTargets, inStart, inEdges },
  };
}

function sameBytes(bytes: Uint8Array, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

/** Counting sort of edge indices by `endpoint`, stable, so each node's edges stay in insertion order. */
function fillAdjacency(endpoint: Uint32Array, nodeCount: number, start: Uint32Array, edges: Uint32Array): void {
  for (let e = 0; e < endpoint.length; e++) start[endpoint[e]! + 1]!++;
  for (let node = 0; node < nodeCount; node++) start[node + 1]! += start[node]!;
  // Fill using start[n] as a cursor, then shift back: avoids a second cursor array.
  for (let e = 0; e < endpoint.length; e++) edges[start[endpoint[e]!]!++] = e;
  for (let node = nodeCount; node > 0; node--) start[node] = start[node - 1]!;
  start[0] = 0;
}
