import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemTag, getStats, isArenaError, withArena, type Tag } from 'eslint-plugin-arena/runtime';
import { ArenaEdgeGraph, batchColumns, decodeEdges as decodeArena, loadGraph, type EdgeBatch } from '../../examples/edge-graph/arena/index.js';
import { HeapEdgeGraph, decodeEdges as decodeHeap, encodeEdges, toEdge } from '../../examples/edge-graph/heap/index.js';
import { CborError, encodeCbor, type CborValue } from '../../examples/edge-graph/shared/cbor.js';
import { EdgeFormatError, RELATIONS, type EdgeRecord } from '../../examples/edge-graph/shared/edge-format.js';
import { generateEdgeBatch, generateEdges } from '../../examples/edge-graph/shared/generator.js';

const TAGS: readonly Tag[] = [MemTag.Parse, MemTag.Edge, MemTag.Node, MemTag.Temp];
const liveAllocations = (): number[] => TAGS.map((tag) => getStats(tag).allocCount);
const liveBytes = (): number[] => TAGS.map((tag) => getStats(tag).currentBytes);

// Every test must leave the arena version's memory exactly as it found it.
let allocationsBefore: number[] = [];
let bytesBefore: number[] = [];
beforeEach(() => {
  allocationsBefore = liveAllocations();
  bytesBefore = liveBytes();
});
afterEach(() => {
  expect(liveAllocations()).toEqual(allocationsBefore);
  expect(liveBytes()).toEqual(bytesBefore);
});

const textDecoder = new TextDecoder();
function batchRecords(batch: EdgeBatch): EdgeRecord[] {
  const { spans, relations, confidences, timestamps } = batchColumns(batch);
  const text = (start: number, length: number): string => textDecoder.decode(batch.input.subarray(start, start + length));
  return Array.from({ length: batch.count }, (_, i) => ({
    source: text(spans[4 * i]!, spans[4 * i + 1]!),
    target: text(spans[4 * i + 2]!, spans[4 * i + 3]!),
    relation: RELATIONS[relations[i]!]!,
    confidence: confidences[i]!,
    timestamp: timestamps[i]!,
  }));
}

const plain = (edge: EdgeRecord): EdgeRecord => ({ ...edge });

/** Asserts that the two graphs answer every question the same way. */
function expectSameGraph(heap: HeapEdgeGraph, arena: ArenaEdgeGraph, bfsStarts: number): void {
  expect(arena.nodeCount).toBe(heap.nodeCount);
  expect(arena.edgeCount).toBe(heap.edgeCount);
  const paths = [...heap.nodes.keys()];
  expect(Array.from({ length: arena.nodeCount }, (_, node) => arena.pathOf(node))).toEqual(paths);
  expect(Array.from({ length: arena.edgeCount }, (_, edge) => arena.edgeRecord(edge))).toEqual(heap.edges.map(toEdge));
  for (const path of paths) {
    expect(arena.nodeOf(path)).toBe(paths.indexOf(path));
    expect(arena.outgoingRecords(path)).toEqual(heap.outgoing(path).map(toEdge));
    expect(arena.incomingRecords(path)).toEqual(heap.incoming(path).map(toEdge));
  }
  for (let i = 0; i < Math.min(bfsStarts, paths.length); i++) {
    const start = paths[Math.floor((i * paths.length) / bfsStarts)]!;
    for (const depth of [0, 1, 2, Number.POSITIVE_INFINITY]) expect(arena.bfsPaths(start, depth)).toEqual(heap.bfs(start, depth));
  }
}

describe('heap and arena versions agree on generated graphs', () => {
  const shapes = [
    { edges: 0, seed: 1 },
    { edges: 1, seed: 2 },
    { edges: 50, seed: 3 },
    { edges: 500, seed: 4, nodes: 40 },
    { edges: 2000, seed: 5 },
    { edges: 6000, seed: 6, nodes: 3000 },
  ];
  it.each(shapes)('%o', (shape) => {
    const input = generateEdgeBatch(shape);
    const heapEdges = decodeHeap(input);
    expect(heapEdges).toEqual(generateEdges(shape));

    withArena(1024, 'test-parse', (parse) => {
      expect(batchRecords(decodeArena(input, parse))).toEqual(heapEdges.map(plain));
    });

    const heapGraph = HeapEdgeGraph.build(heapEdges);
    using arenaGraph = loadGraph(input);
    expectSameGraph(heapGraph, arenaGraph, 12);
    expect(Buffer.from(encodeEdges(heapGraph.edges)).equals(input)).toBe(true);
    expect(Buffer.from(arenaGraph.encode()).equals(input)).toBe(true);
  });

  it('unknown paths: no node, no edges, empty traversal', () => {
    const input = generateEdgeBatch({ edges: 100, seed: 9 });
    const heap = HeapEdgeGraph.build(decodeHeap(input));
    using arena = loadGraph(input);
    for (const path of ['', 'nope.ts', 'src/', 'src/naïve.tsx']) {
      expect(arena.nodeOf(path)).toBe(-1);
      expect(arena.outgoingRecords(path)).toEqual(heap.outgoing(path).map(toEdge));
      expect(arena.incomingRecords(path)).toEqual(heap.incoming(path).map(toEdge));
      expect(arena.bfsPaths(path)).toEqual(heap.bfs(path));
    }
  });
  it('a query with a lone surrogate matches nothing, even where its lossy UTF-8 encoding would', () => {
    // TextEncoder turns a lone surrogate into U+FFFD; no decoded path can hold a lone surrogate.
    const edges = [{ source: 'a\ufffd.ts', target: '\ufffd', relation: 'augments', confidence: 1, timestamp: 2 }];
    const input = encodeCbor(edges);
    const heap = HeapEdgeGraph.build(decodeHeap(input));
    using arena = loadGraph(input);
    expect(arena.nodeOf('a\ufffd.ts')).toBe(0);
    for (const path of ['a\ud800.ts', '\ud800', '\udfff', 'a\udbff\udfff.ts'.slice(0, 3)]) {
      expect(heap.nodes.has(path)).toBe(false);
      expect(arena.nodeOf(path)).toBe(-1);
    }
  });
});

describe('round trip on arbitrary edges (fast-check)', () => {
  const edge: fc.Arbitrary<EdgeRecord> = fc.record({
    source: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
    target: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
    relation: fc.constantFrom(...RELATIONS),
    confidence: fc.oneof(fc.constantFrom(0, 1, -0, 0.5), fc.double({ min: 0, max: 1, noNaN: true })),
    timestamp: fc.oneof(fc.constantFrom(0, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER), fc.nat()),
  });
  // Small path alphabets make shared endpoints (and cycles) likely.
  const graph = fc.oneof(
    fc.array(edge, { maxLength: 40 }),
    fc.array(
      fc.record({ source: fc.constantFrom('a', 'b', 'c', 'd', 'é'), target: fc.constantFrom('a', 'b', 'c', 'd', 'é'), relation: fc.constantFrom(...RELATIONS), confidence: fc.constant(0.25), timestamp: fc.nat() }),
      { maxLength: 40 },
    ),
  );

  it('decode, graph queries, traversals and encode agree; encode(decode(x)) === x', () => {
    fc.assert(
      fc.property(graph, (edges) => {
        const input = encodeCbor(edges.map((e): CborValue => ({ ...e })));
        const heapEdges = decodeHeap(input);
        expect(heapEdges).toEqual(edges);
        const heapGraph = HeapEdgeGraph.build(heapEdges);
        using arenaGraph = loadGraph(input);
        expectSameGraph(heapGraph, arenaGraph, 5);
        expect(Buffer.from(encodeEdges(heapGraph.edges)).equals(input)).toBe(true);
        expect(Buffer.from(arenaGraph.encode()).equals(input)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('bad input: both versions reject it with the same error', () => {
  const good = { source: 'a.ts', target: 'b.ts', relation: 'implements', confidence: 0.5, timestamp: 1 };
  const batch = (...edges: CborValue[]): Uint8Array => encodeCbor(edges);
  const hex = (text: string): Uint8Array => Uint8Array.from(text.replace(/ /g, '').match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
  const cases: [string, Uint8Array, typeof CborError | typeof EdgeFormatError, string][] = [
    ['not an array', encodeCbor({ edges: [] }), EdgeFormatError, 'a batch must be an array of edges'],
    ['edge not a map', batch(good, [1, 2]), EdgeFormatError, 'edge 1: an edge must be a map'],
    ['undefined timestamp', batch({ ...good, timestamp: undefined }), EdgeFormatError, 'edge 0: timestamp must be an unsigned integer'],
    ['absent key', batch({ source: 'a', target: 'b', relation: 'augments', confidence: 1 }), EdgeFormatError, 'edge 0: missing key "timestamp"'],
    ['unknown key', batch({ ...good, weight: 3 }), EdgeFormatError, 'edge 0: unknown key "weight"'],
    ['empty source', batch({ ...good, source: '' }), EdgeFormatError, 'edge 0: source must be a non-empty text string'],
    ['target not text', batch(good, { ...good, target: 7 }), EdgeFormatError, 'edge 1: target must be a non-empty text string'],
    ['unknown relation', batch({ ...good, relation: 'owns' }), EdgeFormatError, 'edge 0: unknown relation "owns"'],
    ['relation not text', batch({ ...good, relation: 1 }), EdgeFormatError, 'edge 0: relation must be a text string'],
    ['confidence above 1', batch({ ...good, confidence: 1.5 }), EdgeFormatError, 'edge 0: confidence must be a number in [0, 1], got 1.5'],
    ['confidence NaN', batch({ ...good, confidence: Number.NaN }), EdgeFormatError, 'edge 0: confidence must be a number in [0, 1], got NaN'],
    ['confidence text', batch({ ...good, confidence: 'high' }), EdgeFormatError, 'edge 0: confidence must be a number in [0, 1]'],
    ['negative timestamp', batch({ ...good, timestamp: -5 }), EdgeFormatError, 'edge 0: timestamp must be an unsigned integer'],
    ['fractional timestamp', batch({ ...good, timestamp: 1.5 }), EdgeFormatError, 'edge 0: timestamp must be an unsigned integer'],
    // {"source": "a", "source": "b", ...}: a duplicate key is malformed CBOR for both.
    ['duplicate key', hex('81 a2 66736f75726365 6161 66736f75726365 6162'), CborError, 'duplicate map key "source" (at byte 11)'],
    ['non-text key', hex('81 a1 01 02'), CborError, 'map keys must be text strings, found an unsigned integer (at byte 2)'],
    ['invalid UTF-8 path', hex('81 a1 66736f75726365 62 c328'), CborError, 'invalid UTF-8 in text string (at byte 9)'],
    ['invalid UTF-8 key', hex('81 a1 62 c328 01'), CborError, 'invalid UTF-8 in text string (at byte 2)'],
    ['invalid UTF-8 relation', hex('81 a1 68 72656c6174696f6e 62 ff41'), CborError, 'invalid UTF-8 in text string (at byte 11)'],
    ['truncated', batch(good, good).subarray(0, 60), CborError, 'unexpected end of input'],
    ['trailing bytes', Uint8Array.from([...batch(good), 0]), CborError, '1 trailing byte(s) after the top-level item'],
    ['indefinite array', hex('9f ff'), CborError, 'indefinite-length array is not supported (at byte 0)'],
  ];
  it.each(cases)('%s', (_name, input, errorClass, message) => {
    expect(() => decodeHeap(input)).toThrow(errorClass);
    expect(() => decodeHeap(input)).toThrow(message);
    withArena(1024, 'test-parse', (parse) => {
      expect(() => decodeArena(input, parse)).toThrow(errorClass);
      expect(() => decodeArena(input, parse)).toThrow(message);
    });
    expect(() => loadGraph(input)).toThrow(message);
  });

  it('accepts longer-than-needed heads and re-encodes both versions in shortest form', () => {
    const canonical = batch(good);
    // "a.ts" is 0x64 + 4 bytes; spell its length with a one-byte argument instead (0x78 0x04).
    const at = Buffer.from(canonical).indexOf(Buffer.from([0x64, 0x61, 0x2e, 0x74, 0x73]));
    const longHead = Uint8Array.from([...canonical.subarray(0, at), 0x78, 0x04, ...canonical.subarray(at + 1)]);
    expect(decodeHeap(longHead)).toEqual(decodeHeap(canonical));
    expect(Buffer.from(encodeEdges(HeapEdgeGraph.build(decodeHeap(longHead)).edges)).equals(canonical)).toBe(true);
    using graph = loadGraph(longHead);
    expect(Buffer.from(graph.encode()).equals(canonical)).toBe(true);
  });

  it('refuses an edge count the input cannot hold before allocating for it', () => {
    withArena(1024, 'test-parse', (parse) => {
      expect(() => decodeArena(hex('9a 7fffffff a0'), parse)).toThrow(/array of 2147483647 edges cannot fit in 1 byte/);
      expect(parse.used).toBe(0);
    });
  });
});

describe('arena version lifetimes', () => {
  it('a batch read after its parse arena is reset throws instead of reading reused memory', () => {
    const input = generateEdgeBatch({ edges: 10, seed: 1 });
    withArena(1024, 'test-parse', (parse) => {
      const batch = decodeArena(input, parse);
      parse.reset();
      expect(() => batchColumns(batch)).toThrow(expect.objectContaining({ code: 'ERR_USE_AFTER_RESET' }));
      expect(() => ArenaEdgeGraph.build(batch)).toThrow(expect.objectContaining({ code: 'ERR_USE_AFTER_RESET' }));
    });
  });

  it('out-of-range nodes, edges and adjacency positions throw instead of reading neighbours', () => {
    using graph = loadGraph(generateEdgeBatch({ edges: 40, seed: 3 }));
    const node = graph.sourceOf(0);
    const degree = graph.outDegree(node);
    expect(graph.outEdgeAt(node, degree - 1)).toBeGreaterThanOrEqual(0);
    expect(() => graph.outEdgeAt(node, degree)).toThrow(`node ${node} has no outgoing edge ${degree} (it has ${degree})`);
    expect(() => graph.outEdgeAt(node, -1)).toThrow(RangeError);
    expect(() => graph.inEdgeAt(node, graph.inDegree(node))).toThrow(RangeError);
    expect(() => graph.outDegree(graph.nodeCount)).toThrow(`no node ${graph.nodeCount} (the graph has ${graph.nodeCount})`);
    expect(() => graph.confidenceOf(40)).toThrow('no edge 40 (the graph has 40)');
    expect(() => graph.sourceOf(1.5)).toThrow(RangeError);
    expect(() => graph.bfs(-1)).toThrow(RangeError);
  });

  it('a disposed graph throws ERR_ARENA_DESTROYED, naming its arena', () => {
    const graph = loadGraph(generateEdgeBatch({ edges: 10, seed: 1 }));
    graph[Symbol.dispose]();
    expect(graph.disposed).toBe(true);
    for (const query of [() => graph.nodeOf('x'), () => graph.bfs(0), () => graph.encode(), () => graph.confidenceOf(0)]) {
      let thrown: unknown;
      try {
        query();
      } catch (error) {
        thrown = error;
      }
      expect(isArenaError(thrown, 'ERR_ARENA_DESTROYED')).toBe(true);
      expect(String(thrown)).toContain('edge-graph');
    }
    graph[Symbol.dispose]();
  });

  it('charges every byte to Parse, Edge, Node and Temp, and frees all of it', () => {
    const input = generateEdgeBatch({ edges: 300, seed: 2 });
    const parseBefore = getStats(MemTag.Parse).totalAllocs;
    let parsePeak = 0;
    {
      using graph = loadGraph(input);
      graph.bfs(0);
      expect(getStats(MemTag.Edge).currentBytes - bytesBefore[1]!).toBeGreaterThanOrEqual(300 * (4 + 4 + 1 + 8 + 8 + 4 + 4));
      expect(getStats(MemTag.Node).allocCount - allocationsBefore[2]!).toBe(4);
      expect(getStats(MemTag.Temp).allocCount - allocationsBefore[3]!).toBe(2);
      parsePeak = getStats(MemTag.Parse).totalAllocs - parseBefore;
      // The parse arena died with loadGraph.
      expect(getStats(MemTag.Parse).allocCount).toBe(allocationsBefore[0]);
    }
    expect(parsePeak).toBe(5);
  });
});
