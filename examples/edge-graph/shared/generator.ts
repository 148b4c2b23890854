// Deterministic, seeded edge graphs that look like a repository's semantic links: repo-like file
// paths (a few with non-ASCII names), a skewed in-degree (some files are referenced by many), the
// four relation types, confidences in [0, 1] (0 and 1 included) and millisecond timestamps.

// The project's one seeded PRNG (mulberry32), the same the failure schedules and the lint corpus use.
import { seededRandom } from 'eslint-plugin-arena/testing';

import { CborWriter, MajorType, headSize, numberSize } from './cbor.js';
import { EDGE_KEYS, RELATIONS, type EdgeRecord } from './edge-format.js';

export interface GraphShape {
  /** Number of edges. */
  readonly edges: number;
  /** Number of distinct paths (default: edges / 8, at least 8). */
  readonly nodes?: number;
  /** Any integer; the same seed and shape give the same graph. */
  readonly seed: number;
}

const TOP = ['src', 'lib', 'test', 'docs', 'scripts', 'tools', 'packages/core/src', 'packages/cli/src', 'core/include/gitmind'];
const DIRS = ['graph', 'edge', 'cbor', 'memory', 'hooks', 'journal', 'cache', 'util', 'io', 'attribution', 'query', 'plugins'];
const WORDS = ['arena', 'pool', 'edge', 'node', 'reader', 'writer', 'index', 'parser', 'link', 'traverse', 'bitmap', 'hash', 'config', 'error', 'stats', 'view'];
const UNUSUAL = ['naïve', 'größe', 'résumé', 'データ', '図表'];
const EXTENSIONS = ['.ts', '.js', '.c', '.h', '.md', '.json', '.py', '.rs'];
/** Relative frequency of each relation in RELATIONS order. */
const RELATION_WEIGHTS = [0.2, 0.45, 0.3, 0.05];
const EPOCH_START = 1_700_000_000_000;

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

/** `count` distinct repo-like paths. */
export function generatePaths(count: number, random: () => number): string[] {
  const seen = new Set<string>();
  const paths: string[] = [];
  while (paths.length < count) {
    const depth = Math.floor(random() * 3);
    let path = pick(TOP, random);
    for (let d = 0; d < depth; d++) path += `/${pick(DIRS, random)}`;
    const unusual = random() < 1 / 64;
    const base = unusual ? pick(UNUSUAL, random) : `${pick(WORDS, random)}_${pick(WORDS, random)}`;
    path += `/${base}${pick(EXTENSIONS, random)}`;
    if (seen.has(path)) path = path.replace(/(\.[a-z]+)$/, `_${paths.length}$1`);
    if (seen.has(path)) continue;
    seen.add(path);
    paths.push(path);
  }
  return paths;
}

interface GeneratedEdge {
  source: number;
  target: number;
  relation: number;
  confidence: number;
  timestamp: number;
}

/** Calls `visit` once per edge, reusing one scratch object (so huge graphs cost no garbage). */
function forEachGeneratedEdge(shape: GraphShape, nodeCount: number, random: () => number, visit: (edge: GeneratedEdge) => void): void {
  const scratch: GeneratedEdge = { source: 0, target: 0, relation: 0, confidence: 0, timestamp: 0 };
  for (let i = 0; i < shape.edges; i++) {
    scratch.source = Math.floor(random() * nodeCount);
    // Squaring skews targets towards low indices: a few files are referenced by many.
    const skew = random();
    scratch.target = Math.floor(skew * skew * nodeCount);
    let roll = random();
    let relation = 0;
    while (relation < RELATION_WEIGHTS.length - 1 && roll >= RELATION_WEIGHTS[relation]!) {
      roll -= RELATION_WEIGHTS[relation]!;
      relation += 1;
    }
    scratch.relation = relation;
    scratch.confidence = Math.round(random() * 1000) / 1000;
    scratch.timestamp = EPOCH_START + Math.floor(random() * 10_000_000_000);
    visit(scratch);
  }
}

function nodeCountOf(shape: GraphShape): number {
  if (!Number.isInteger(shape.edges) || shape.edges < 0) throw new RangeError(`edges must be a non-negative integer, got ${shape.edges}`);
  const nodes = shape.nodes ?? Math.max(8, Math.floor(shape.edges / 8));
  if (!Number.isInteger(nodes) || nodes < 1) throw new RangeError(`nodes must be a positive integer, got ${nodes}`);
  return nodes;
}

/** The generated graph as plain records (small graphs, tests). */
export function generateEdges(shape: GraphShape): EdgeRecord[] {
  const random = seededRandom(shape.seed);
  const paths = generatePaths(nodeCountOf(shape), random);
  const edges: EdgeRecord[] = [];
  forEachGeneratedEdge(shape, paths.length, random, (edge) => {
    edges.push({
      source: paths[edge.source]!,
      target: paths[edge.target]!,
      relation: RELATIONS[edge.relation]!,
      confidence: edge.confidence,
      timestamp: edge.timestamp,
    });
  });
  return edges;
}

const encoder = new TextEncoder();

/**
 * The same graph as `generateEdges(shape)`, written straight to its CBOR batch encoding (byte for
 * byte what encoding those records gives), without materialising a record per edge.
 */
export function generateEdgeBatch(shape: GraphShape): Uint8Array {
  const paths = generatePaths(nodeCountOf(shape), seededRandom(shape.seed)).map((path) => encoder.encode(path));
  const keys = EDGE_KEYS.map((key) => encoder.encode(key));
  const relations = RELATIONS.map((name) => encoder.encode(name));
  const keyBytes = keys.reduce((sum, key) => sum + headSize(key.length) + key.length, 0);
  const textSize = (bytes: Uint8Array): number => headSize(bytes.length) + bytes.length;

  // Two passes with the same seed: measure, then write into an exact-size buffer.
  let size = headSize(shape.edges);
  const measureRandom = seededRandom(shape.seed);
  generatePaths(paths.length, measureRandom);
  forEachGeneratedEdge(shape, paths.length, measureRandom, (edge) => {
    size += 1 + keyBytes + textSize(paths[edge.source]!) + textSize(paths[edge.target]!) + textSize(relations[edge.relation]!);
    size += numberSize(edge.confidence) + numberSize(edge.timestamp);
  });

  const writer = new CborWriter(new Uint8Array(size));
  writer.writeHead(MajorType.Array, shape.edges);
  const writeRandom = seededRandom(shape.seed);
  generatePaths(paths.length, writeRandom);
  forEachGeneratedEdge(shape, paths.length, writeRandom, (edge) => {
    writer.writeHead(MajorType.Map, EDGE_KEYS.length);
    const source = paths[edge.source]!;
    const target = paths[edge.target]!;
    const relation = relations[edge.relation]!;
    writer.writeTextBytes(keys[0]!, 0, keys[0]!.length);
    writer.writeTextBytes(source, 0, source.length);
    writer.writeTextBytes(keys[1]!, 0, keys[1]!.length);
    writer.writeTextBytes(target, 0, target.length);
    writer.writeTextBytes(keys[2]!, 0, keys[2]!.length);
    writer.writeTextBytes(relation, 0, relation.length);
    writer.writeTextBytes(keys[3]!, 0, keys[3]!.length);
    writer.writeNumber(edge.confidence);
    writer.writeTextBytes(keys[4]!, 0, keys[4]!.length);
    writer.writeNumber(edge.timestamp);
  });
  if (writer.offset !== size) throw new Error(`generateEdgeBatch: wrote ${writer.offset} bytes, measured ${size}`);
  return writer.bytes;
}
