// The seed's success metrics, measured: the edge graph before (examples/edge-graph/heap) and after
// (examples/edge-graph/arena) migration, on the same generated graphs.
//
//   npm run bench:graph                   # 10k, 100k and 1M edges; writes docs/benchmarks.md#graph
//   node --expose-gc dist/bench/graph.bench.js --sizes 10000,100000 --no-write
//   GRAPH_BENCH_QUERIES=1000000 npm run bench:graph   # more lookups per query phase (default 100,000)
//
// How it measures:
// - The parent generates each graph once (seeded), writes its CBOR bytes to a temp file and runs
//   each version in its own child process on that file, heap and arena alternating, so that one
//   version's garbage, JIT state and peak memory cannot leak into the other's numbers.
// - In a child: one warm-up pipeline on a small graph, then `iterations` pipelines on the real one.
//   Each phase (decode, build, query, traverse, encode) is timed with process.hrtime; the median
//   iteration is reported. A full GC (global.gc, hence --expose-gc) runs before each phase, outside
//   the timed window, so each phase pays only for its own garbage.
// - JS-heap bytes allocated by a phase: v8.GCProfiler reports the used heap size before and after
//   every collection; allocated = (used at end - used at start) + sum over collections in the phase
//   of (used before - used after). Exact up to what V8 reports; ArrayBuffer contents (arena chunks,
//   the input, the output) live outside the JS heap and are reported separately.
// - GC time and count: PerformanceObserver 'gc' entries whose start falls inside the phase.
// - Peak memory: the child's maxRSS (process.resourceUsage) and its peak arrayBuffers; "retained"
//   is heapUsed + arrayBuffers growth while the built graph is alive, after a full GC.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { GCProfiler } from 'node:v8';

import { decode as decodeWithCborg } from 'cborg';
import { MemTag, createArena, getStats } from 'eslint-plugin-arena/runtime';
import { ArenaEdgeGraph, decodeEdges as decodeArena, parseArenaSize } from '../examples/edge-graph/arena/index.js';
import { HeapEdgeGraph, encodeEdges } from '../examples/edge-graph/heap/index.js';
// The heap ("before") side decodes with a maintained CBOR library, as an unmigrated project would;
// the arena side keeps its zero-allocation decoder.
import { edgesFromBatch } from '../examples/edge-graph/heap/decode.js';
import { generateEdgeBatch } from '../examples/edge-graph/shared/generator.js';
// The runtime's heatmap already has the one XML escaper (quotes included); it is pure, so a deep import is safe.
import { escapeXml } from '../runtime/observability/heatmap.js';
import { machineLine, markdownTable, writeDocSection } from './doc-section.js';

const PHASES = ['decode', 'build', 'query', 'traverse', 'encode'] as const;
type Phase = (typeof PHASES)[number];
type Version = 'heap' | 'arena';
const SEED = 20260101;
const QUERIES = Number(process.env.GRAPH_BENCH_QUERIES ?? 100_000);
const TRAVERSALS = 10;

interface PhaseResult {
  ms: number;
  /** CPU time of the whole process (all threads, user + system) during the phase. */
  cpuMs: number;
  heapBytes: number;
  gcMs: number;
  gcCount: number;
}

interface ChildResult {
  readonly version: Version;
  readonly edges: number;
  readonly nodes: number;
  readonly phases: Record<Phase, PhaseResult>;
  readonly maxRssBytes: number;
  readonly peakArrayBuffers: number;
  readonly retainedHeap: number;
  readonly retainedArrayBuffers: number;
  readonly checksum: number;
  readonly arenaAllocations: number;
}

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('graph.bench needs --expose-gc (npm run bench:graph passes it)');
  collect();
};

// ---------------------------------------------------------------------------------------------
// Child: one version, one graph.

interface GcEntry {
  readonly start: number;
  readonly duration: number;
}

/** Measures one phase. `gcEntries` fills asynchronously; GC time is attributed after the iteration. */
interface PhaseNumbers {
  readonly ms: number;
  readonly cpuMs: number;
  readonly heapBytes: number;
  readonly window: [number, number];
}

/** A phase's result and numbers; `take()` hands the result on and forgets it, so it can be collected. */
class Measurement<T> implements PhaseNumbers {
  constructor(
    private value: T | undefined,
    readonly ms: number,
    readonly cpuMs: number,
    readonly heapBytes: number,
    readonly window: [number, number],
  ) {}

  take(): T {
    const { value } = this;
    if (value === undefined) throw new Error('graph.bench: a phase result was taken twice');
    this.value = undefined;
    return value;
  }
}

function measurePhase<T>(body: () => T): Measurement<T> {
  gc();
  const profiler = new GCProfiler();
  profiler.start();
  const heapBefore = process.memoryUsage().heapUsed;
  const windowStart = performance.now();
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const value = body();
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const windowEnd = performance.now();
  const usageAfter = process.memoryUsage();
  const heapAfter = usageAfter.heapUsed;
  peakArrayBuffers = Math.max(peakArrayBuffers, usageAfter.arrayBuffers);
  const statistics = profiler.stop()?.statistics ?? [];
  let collected = 0;
  for (const event of statistics) collected += event.beforeGC.heapStatistics.usedHeapSize - event.afterGC.heapStatistics.usedHeapSize;
  return new Measurement(value, elapsed, (cpu.user + cpu.system) / 1000, Math.max(0, heapAfter - heapBefore + collected), [windowStart, windowEnd]);
}

function queryPaths(paths: readonly string[]): string[] {
  // Deterministic picks spread over the node order, some repeated, a few unknown.
  return Array.from({ length: QUERIES }, (_, i) => (i % 97 === 0 ? `missing/${i}.ts` : paths[(i * 7919) % paths.length]!));
}

interface Iteration {
  readonly phases: Record<Phase, PhaseNumbers>;
  readonly checksum: number;
  readonly nodes: number;
  readonly retainedHeap: number;
  readonly retainedArrayBuffers: number;
}

/** Byte equality without copying either side (Buffer.from(Uint8Array) would copy). */
function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  return Buffer.from(left.buffer, left.byteOffset, left.length).equals(right);
}

// The measured operations, as a user of each version would write them.
// #region query-heap
function queryHeap(graph: HeapEdgeGraph, paths: readonly string[]): number {
  let sum = 0;
  for (const path of paths) {
    for (const edge of graph.outgoing(path)) sum += edge.confidence;
    sum += graph.incoming(path).length;
  }
  return sum;
}
// #endregion

function traverseHeap(graph: HeapEdgeGraph, starts: readonly string[]): number {
  let reached = 0;
  for (const start of starts) reached += graph.bfs(start).length;
  return reached;
}

// #region query-arena
function queryArena(graph: ArenaEdgeGraph, paths: readonly string[]): number {
  let sum = 0;
  for (const path of paths) {
    const node = graph.nodeOf(path);
    if (node < 0) continue;
    const out = graph.outDegree(node);
    for (let i = 0; i < out; i++) sum += graph.confidenceOf(graph.outEdgeAt(node, i));
    sum += graph.inDegree(node);
  }
  return sum;
}
// #endregion

function traverseArena(graph: ArenaEdgeGraph, starts: readonly number[]): number {
  let reached = 0;
  for (const start of starts) reached += graph.bfs(start);
  return reached;
}


/**
 * The phases' numbers without their values: an iteration must not keep its decoded edges, graph or
 * output alive into the next one (that would make later iterations collect more than they should).
 */
function numbersOnly(phases: Record<Phase, PhaseNumbers>): Iteration['phases'] {
  const result = {} as Record<Phase, PhaseNumbers>;
  for (const phase of PHASES) {
    const { ms, cpuMs, heapBytes, window } = phases[phase];
    result[phase] = { ms, cpuMs, heapBytes, window };
  }
  return result;
}

function runHeap(input: Uint8Array, measureRetained: boolean): Iteration {
  const decode = measurePhase(() => edgesFromBatch(decodeWithCborg(input)));
  // The decoded edges are dropped once built, as `HeapEdgeGraph.build(decodeEdges(bytes))` would.
  const build = measurePhase(() => HeapEdgeGraph.build(decode.take()));
  const graph = build.take();
  const retained = measureRetained ? retainedNow() : { heap: 0, arrayBuffers: 0 };
  const paths = queryPaths([...graph.nodes.keys()]);
  const starts = [...graph.nodes.keys()].filter((_, i) => i % Math.max(1, Math.floor(graph.nodeCount / TRAVERSALS)) === 0).slice(0, TRAVERSALS);
  // Untimed: optimized code is specialised to the objects it saw (and dropped when they die), so
  // let a few queries and one traversal run on this graph first: the phases measure steady state.
  queryHeap(graph, paths.slice(0, 5000));
  traverseHeap(graph, starts.slice(0, 1));
  const query = measurePhase(() => queryHeap(graph, paths));
  const traverse = measurePhase(() => traverseHeap(graph, starts));
  const encode = measurePhase(() => encodeEdges(graph.edges));
  if (!sameBytes(encode.take(), input)) throw new Error('heap version: encode(decode(input)) differs from input');
  return {
    phases: numbersOnly({ decode, build, query, traverse, encode }),
    checksum: Math.round(query.take() * 1000) + traverse.take(),
    nodes: graph.nodeCount,
    retainedHeap: retained.heap,
    retainedArrayBuffers: retained.arrayBuffers,
  };
}

function runArena(input: Uint8Array, measureRetained: boolean): Iteration {
  // The parse arena lives from decode to the end of build, as in loadGraph.
  const parse = createArena(parseArenaSize(input), 'edge-parse', { tag: MemTag.Parse });
  let graph: ArenaEdgeGraph | undefined;
  try {
    const decode = measurePhase(() => decodeArena(input, parse));
    const build = measurePhase(() => {
      const built = ArenaEdgeGraph.build(decode.take());
      parse.destroy();
      return built;
    });
    graph = build.take();
    const built = graph;
    const retained = measureRetained ? retainedNow() : { heap: 0, arrayBuffers: 0 };
    const nodePaths = Array.from({ length: built.nodeCount }, (_, node) => built.pathOf(node));
    const paths = queryPaths(nodePaths);
    const starts = nodePaths
      .map((_, node) => node)
      .filter((node) => node % Math.max(1, Math.floor(built.nodeCount / TRAVERSALS)) === 0)
      .slice(0, TRAVERSALS);
    queryArena(built, paths.slice(0, 5000));
    traverseArena(built, starts.slice(0, 1));
    const query = measurePhase(() => queryArena(built, paths));
    const traverse = measurePhase(() => traverseArena(built, starts));
    const encode = measurePhase(() => built.encode());
    if (!sameBytes(encode.take(), input)) throw new Error('arena version: encode(decode(input)) differs from input');
    return {
      phases: numbersOnly({ decode, build, query, traverse, encode }),
      checksum: Math.round(query.take() * 1000) + traverse.take(),
      nodes: built.nodeCount,
      retainedHeap: retained.heap,
      retainedArrayBuffers: retained.arrayBuffers,
    };
  } finally {
    graph?.[Symbol.dispose]();
    if (!parse.destroyed) parse.destroy();
  }
}

let baseline = { heap: 0, arrayBuffers: 0 };
/** Highest `arrayBuffers` seen at the end of a phase (ArrayBuffer memory: arena chunks, input, output). */
let peakArrayBuffers = 0;
function retainedNow(): { heap: number; arrayBuffers: number } {
  gc();
  gc();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed - baseline.heap, arrayBuffers: usage.arrayBuffers - baseline.arrayBuffers };
}

async function child(version: Version, file: string, iterations: number): Promise<void> {
  const run = version === 'heap' ? runHeap : runArena;
  const gcEntries: GcEntry[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcEntries.push({ start: entry.startTime, duration: entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  // Warm-up on a small graph of the same kind, so the measured iterations run optimized code.
  const warmUp = generateEdgeBatch({ edges: 20_000, seed: SEED + 1 });
  for (let i = 0; i < 4; i++) run(warmUp, false);
  const fileBytes = readFileSync(file);
  // A plain Uint8Array over the file's bytes (no copy): Buffer's own slice() semantics differ.
  const input = new Uint8Array(fileBytes.buffer, fileBytes.byteOffset, fileBytes.length);
  // ArrayBuffers of the warm-up are released by the collector in the background: let it finish.
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  const usage = process.memoryUsage();
  baseline = { heap: usage.heapUsed, arrayBuffers: usage.arrayBuffers };
  peakArrayBuffers = usage.arrayBuffers;
  const samples: Iteration[] = [];
  const arenaAllocsBefore = [MemTag.Parse, MemTag.Edge, MemTag.Node, MemTag.Temp].reduce((sum, tag) => sum + getStats(tag).totalAllocs, 0);
  for (let i = 0; i < iterations; i++) {
    samples.push(run(input, i === 0));
    // Let the observer's entries for this iteration arrive.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const arenaAllocs = [MemTag.Parse, MemTag.Edge, MemTag.Node, MemTag.Temp].reduce((sum, tag) => sum + getStats(tag).totalAllocs, 0) - arenaAllocsBefore;
  observer.disconnect();
  const phases = {} as Record<Phase, PhaseResult>;
  for (const phase of PHASES) {
    const perIteration = samples.map((sample) => {
      const { ms, cpuMs, heapBytes, window } = sample.phases[phase];
      const inside = gcEntries.filter((entry) => entry.start >= window[0] && entry.start <= window[1]);
      return { ms, cpuMs, heapBytes, gcMs: inside.reduce((sum, entry) => sum + entry.duration, 0), gcCount: inside.length };
    });
    phases[phase] = {
      ms: median(perIteration.map((p) => p.ms)),
      cpuMs: median(perIteration.map((p) => p.cpuMs)),
      heapBytes: median(perIteration.map((p) => p.heapBytes)),
      gcMs: median(perIteration.map((p) => p.gcMs)),
      gcCount: median(perIteration.map((p) => p.gcCount)),
    };
  }
  const result: ChildResult = {
    version,
    edges: 0,
    nodes: samples[0]!.nodes,
    phases,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    peakArrayBuffers,
    retainedHeap: samples[0]!.retainedHeap,
    retainedArrayBuffers: samples[0]!.retainedArrayBuffers,
    checksum: samples[0]!.checksum,
    arenaAllocations: arenaAllocs / iterations,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

// ---------------------------------------------------------------------------------------------
// Parent: generate, run children, write the report.

interface SizeResult {
  readonly edges: number;
  readonly inputBytes: number;
  readonly heap: ChildResult;
  readonly arena: ChildResult;
}

function runChild(version: Version, file: string, iterations: number, edges: number): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const spawned = spawnSync(process.execPath, ['--expose-gc', self, '--child', version, file, String(iterations)], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (spawned.status !== 0) throw new Error(`graph.bench child (${version}, ${edges} edges) failed:\n${spawned.stderr}`);
  const line = spawned.stdout.trim().split('\n').pop() ?? '';
  return { ...(JSON.parse(line) as ChildResult), edges };
}

const total = (result: ChildResult, key: keyof PhaseResult): number => PHASES.reduce((sum, phase) => sum + result.phases[phase][key], 0);
const mb = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(bytes >= 100 * 1024 * 1024 ? 0 : 1);
const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const ratio = (heap: number, arena: number): string => (arena <= 0 ? '∞' : `${(heap / arena).toFixed(heap / arena >= 10 ? 0 : 1)}x`);
const fewer = (heap: number, arena: number): string => (heap <= 0 ? 'n/a' : `${(100 * (1 - arena / heap)).toFixed(1)}%`);
const edgesLabel = (edges: number): string => (edges >= 1_000_000 ? `${edges / 1_000_000}M` : `${edges / 1000}k`);

/** What each phase does differently in the arena version (for the migration guide's table). */
const PHASE_CHANGES: Record<Phase, string> = {
  decode: 'cborg to generic values, then an object and two strings per edge → one cursor pass into columns; paths stay spans of the input',
  build: 'Map of node objects, an object per edge → paths interned by their bytes, typed columns, compressed adjacency',
  query: 'Map lookup, arrays of edge objects → hash of the path bytes, index ranges over columns',
  traverse: 'Set and arrays per call → queue and marks in a reset scratch arena, sequential neighbour reads',
  encode: 'a plain object per edge into a growing buffer → exact-size output assembled from pre-encoded pieces',
};

interface Report {
  readonly markdown: string;
  readonly guide: string;
  readonly svg: string;
}

function report(results: readonly SizeResult[], wallSeconds: number): Report {
  const largest = results[results.length - 1]!;
  const { heap, arena } = largest;
  const speedup = total(heap, 'ms') / total(arena, 'ms');
  const cpuSpeedup = total(heap, 'cpuMs') / total(arena, 'cpuMs');
  const byteCut = 1 - total(arena, 'heapBytes') / total(heap, 'heapBytes');
  const verdict = (met: boolean): string => (met ? '**met**' : '**not met**');
  const retained = (result: ChildResult): number => result.retainedHeap + result.retainedArrayBuffers;
  const lines: string[] = [];
  lines.push('## Edge graph: heap vs arena (`npm run bench:graph`)');
  lines.push('');
  lines.push(
    `${machineLine()}; ${wallSeconds.toFixed(0)} s wall for the whole run. The heap version is \`examples/edge-graph/heap\` decoding with the cborg library, the arena version \`examples/edge-graph/arena\` ` +
      `(see [the migration guide](guides/migration.md)). Each runs in its own child process on the same generated CBOR batch (seed ${SEED}); ` +
      'times are medians of the iterations after a warm-up.',
  );
  lines.push('');
  lines.push(`### Bars at ${edgesLabel(largest.edges)} edges (${largest.heap.nodes.toLocaleString('en-US')} paths, ${mb(largest.inputBytes)} MB of CBOR)`);
  lines.push('');
  lines.push(
    markdownTable(
      ['metric', 'heap', 'arena', 'result', 'seed bar', 'our bar'],
      [
        ['wall time, all five phases', `${ms(total(heap, 'ms'))} ms`, `${ms(total(arena, 'ms'))} ms`, `${speedup.toFixed(2)}x faster`, `>= 1.3x: ${verdict(speedup >= 1.3)}`, `>= 2x: ${verdict(speedup >= 2)}`],
        ['JS-heap bytes allocated', `${mb(total(heap, 'heapBytes'))} MB`, `${mb(total(arena, 'heapBytes'))} MB`, `${(100 * byteCut).toFixed(1)}% fewer`, `>= 50%: ${verdict(byteCut >= 0.5)}`, `>= 90%: ${verdict(byteCut >= 0.9)}`],
        ['CPU time, all threads', `${ms(total(heap, 'cpuMs'))} ms`, `${ms(total(arena, 'cpuMs'))} ms`, `${cpuSpeedup.toFixed(2)}x less`, '', ''],
        ['GC time (collections)', `${ms(total(heap, 'gcMs'))} ms (${total(heap, 'gcCount')})`, `${ms(total(arena, 'gcMs'))} ms (${total(arena, 'gcCount')})`, `${ratio(total(heap, 'gcMs'), total(arena, 'gcMs'))} less`, '', ''],
        ['built graph, retained (JS heap + ArrayBuffers)', `${mb(retained(heap))} MB`, `${mb(retained(arena))} MB`, `${ratio(retained(heap), retained(arena))} smaller`, '', ''],
        ['peak RSS of the process', `${mb(heap.maxRssBytes)} MB`, `${mb(arena.maxRssBytes)} MB`, `${ratio(heap.maxRssBytes, arena.maxRssBytes)} lower`, '', ''],
        ['peak ArrayBuffer memory', `${mb(heap.peakArrayBuffers)} MB`, `${mb(arena.peakArrayBuffers)} MB`, '', '', ''],
      ],
    ),
  );
  lines.push('');
  lines.push(
    `Met or not is computed by the benchmark from these numbers. The seed's other metrics: "zero leaks" is checked by the tests (leak-checking setup and an allocation-failure sweep, \`test/examples/edge-graph-leaks.test.ts\`), "full allocation tracking" by every arena allocation carrying a tag (\`configs.strict\` is clean on the example), and "2x better locality" is not measured directly (JavaScript has no cache counters); the closest proxies are the retained size (${ratio(retained(heap), retained(arena))} smaller) and the traversal time, which is dominated by memory access.`,
  );
  lines.push('');
  lines.push('### Per phase and size');
  lines.push('');
  const rows: string[][] = [];
  for (const result of results) {
    for (const phase of PHASES) {
      const h = result.heap.phases[phase];
      const a = result.arena.phases[phase];
      rows.push([edgesLabel(result.edges), phase, ms(h.ms), ms(a.ms), ratio(h.ms, a.ms), ms(h.cpuMs), ms(a.cpuMs), mb(h.heapBytes), mb(a.heapBytes), fewer(h.heapBytes, a.heapBytes), `${ms(h.gcMs)} (${h.gcCount})`, `${ms(a.gcMs)} (${a.gcCount})`]);
    }
  }
  lines.push(markdownTable(['edges', 'phase', 'heap ms', 'arena ms', 'speedup', 'heap CPU ms', 'arena CPU ms', 'heap MB alloc', 'arena MB alloc', 'fewer bytes', 'heap GC ms (n)', 'arena GC ms (n)'], rows));
  lines.push('');
  lines.push(
    markdownTable(
      ['edges', 'CBOR MB', 'paths', 'heap total ms', 'arena total ms', 'heap retained MB', 'arena retained MB (JS heap + ArrayBuffers)', 'heap peak RSS MB', 'arena peak RSS MB', 'arena allocations per load'],
      results.map((r) => [
        edgesLabel(r.edges),
        mb(r.inputBytes),
        r.heap.nodes.toLocaleString('en-US'),
        ms(total(r.heap, 'ms')),
        ms(total(r.arena, 'ms')),
        mb(retained(r.heap)),
        `${mb(retained(r.arena))} (${mb(r.arena.retainedHeap)} + ${mb(r.arena.retainedArrayBuffers)})`,
        mb(r.heap.maxRssBytes),
        mb(r.arena.maxRssBytes),
        String(Math.round(r.arena.arenaAllocations)),
      ]),
    ),
  );
  lines.push('');
  lines.push('![Edge graph benchmark: time and JS-heap bytes per phase, heap vs arena](graph-bench.svg)');
  lines.push('');
  lines.push('How each number is measured:');
  lines.push(
    `- **Wall time**: \`process.hrtime\` around each phase; a full GC (\`--expose-gc\`) runs before each phase, outside the window. Before query and traverse, 5,000 queries and one traversal run untimed on the same graph (V8's optimized code is specialised to the objects it saw, so each new graph briefly runs unoptimized code; the phases measure the steady state). Phases: decode the CBOR batch; build (intern paths, adjacency); query (${QUERIES.toLocaleString('en-US')} path lookups, summing outgoing confidences and counting incoming edges); traverse (${TRAVERSALS} full breadth-first searches); encode back (checked byte-identical to the input). **CPU time**: \`process.cpuUsage\` over the same window, all threads (it includes the collector's helper threads, and is steadier than wall time on a loaded machine).`,
  );
  lines.push(
    '- **JS-heap bytes allocated**: `v8.GCProfiler` around each phase: growth of used heap plus, for every collection inside the phase, used-before minus used-after. ArrayBuffer contents (arena chunks, input, output) are outside the JS heap and not counted here; they appear in retained memory, peak ArrayBuffer memory and RSS.',
  );
  lines.push('- **GC time and count**: `PerformanceObserver` entries of type `gc` that start inside the phase (sum of their durations).');
  lines.push(
    "- **Retained**: growth of `heapUsed` + `arrayBuffers` while the built graph is alive, after a full GC. **Peak RSS**: the child process's `maxRSS` (it includes Node itself and the input). **Peak ArrayBuffer memory**: highest `arrayBuffers` at the end of a phase. **Arena allocations per load**: runtime allocations (all tags) per pipeline, from `getStats`.",
  );

  const guideRows = PHASES.map((phase) => {
    const h = heap.phases[phase];
    const a = arena.phases[phase];
    return [phase, PHASE_CHANGES[phase], ms(h.ms), ms(a.ms), ratio(h.ms, a.ms), mb(h.heapBytes), mb(a.heapBytes), `${ms(h.gcMs)} / ${ms(a.gcMs)}`];
  });
  guideRows.push(['**all**', '', ms(total(heap, 'ms')), ms(total(arena, 'ms')), ratio(total(heap, 'ms'), total(arena, 'ms')), mb(total(heap, 'heapBytes')), mb(total(arena, 'heapBytes')), `${ms(total(heap, 'gcMs'))} / ${ms(total(arena, 'gcMs'))}`]);
  const guide = [
    `${edgesLabel(largest.edges)} edges (${mb(largest.inputBytes)} MB of CBOR); ${machineLine()}.`,
    '',
    markdownTable(['phase', 'what changed', 'heap ms', 'arena ms', 'speedup', 'heap MB allocated', 'arena MB allocated', 'GC ms heap / arena'], guideRows),
    '',
    `The built graph retains ${mb(retained(heap))} MB (heap) vs ${mb(retained(arena))} MB (arena); peak RSS ${mb(heap.maxRssBytes)} MB vs ${mb(arena.maxRssBytes)} MB.`,
  ].join('\n');
  return { markdown: lines.join('\n'), guide, svg: chart(results) };
}

// ---------------------------------------------------------------------------------------------
// The chart: hand-written SVG, three panels.

function chart(results: readonly SizeResult[]): string {
  const largest = results[results.length - 1]!;
  const width = 960;
  const height = 420;
  const heapColor = '#d9534f';
  const arenaColor = '#2b7bb9';
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">Edge graph, heap vs arena (${edgesLabel(largest.edges)} edges unless noted; lower is better)</text>`);
  parts.push(`<rect x="${width - 230}" y="38" width="12" height="12" fill="${heapColor}"/><text x="${width - 213}" y="48">heap (before)</text>`);
  parts.push(`<rect x="${width - 115}" y="38" width="12" height="12" fill="${arenaColor}"/><text x="${width - 98}" y="48">arena (after)</text>`);

  // Panel 1: time per phase at the largest size.
  const panel = (x: number, title: string): void => {
    parts.push(`<text x="${x}" y="78" font-size="13" font-weight="bold">${escapeXml(title)}</text>`);
  };
  const hbars = (x: number, y: number, w: number, labels: string[], heapValues: number[], arenaValues: number[], unit: string, showRatio = false): void => {
    const max = Math.max(...heapValues, ...arenaValues, 1e-9);
    const labelWidth = 62;
    const barMax = w - labelWidth - (showRatio ? 130 : 70);
    labels.forEach((label, i) => {
      const rowY = y + i * 54;
      parts.push(`<text x="${x}" y="${rowY + 20}">${escapeXml(label)}</text>`);
      const values: [number, string][] = [
        [heapValues[i]!, heapColor],
        [arenaValues[i]!, arenaColor],
      ];
      values.forEach(([value, color], j) => {
        const barY = rowY + 6 + j * 18;
        const barWidth = Math.max(1, (value / max) * barMax);
        parts.push(`<rect x="${x + labelWidth}" y="${barY}" width="${barWidth.toFixed(1)}" height="15" fill="${color}"/>`);
        const note = showRatio && j === 1 && value > 0 ? ` (${ratio(heapValues[i]!, value)} faster)` : '';
        parts.push(`<text x="${x + labelWidth + barWidth + 4}" y="${barY + 12}">${escapeXml(formatValue(value, unit) + note)}</text>`);
      });
    });
  };
  panel(20, `Time per phase, ms (${edgesLabel(largest.edges)} edges)`);
  hbars(
    20,
    90,
    320,
    [...PHASES],
    PHASES.map((p) => largest.heap.phases[p].ms),
    PHASES.map((p) => largest.arena.phases[p].ms),
    'ms',
    true,
  );
  panel(350, `JS-heap MB allocated per phase (${edgesLabel(largest.edges)})`);
  hbars(
    350,
    90,
    300,
    [...PHASES],
    PHASES.map((p) => largest.heap.phases[p].heapBytes / 2 ** 20),
    PHASES.map((p) => largest.arena.phases[p].heapBytes / 2 ** 20),
    'MB',
  );
  panel(670, 'Total time by graph size, ms');
  hbars(
    670,
    90,
    280,
    results.map((r) => edgesLabel(r.edges)),
    results.map((r) => total(r.heap, 'ms')),
    results.map((r) => total(r.arena, 'ms')),
    'ms',
    true,
  );
  parts.push(`<text x="20" y="${height - 12}" fill="#555">Measured by bench/graph.bench.ts: ${escapeXml(machineLine())}. Times are medians; bytes via v8.GCProfiler.</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function formatValue(value: number, unit: string): string {
  if (value === 0) return `0 ${unit}`;
  if (value >= 100) return `${value.toFixed(0)} ${unit}`;
  if (value >= 1) return `${value.toFixed(1)} ${unit}`;
  return `${value.toPrecision(2)} ${unit}`;
}

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  if (process.argv.includes('--child')) {
    const [version, file, iterations] = process.argv.slice(process.argv.indexOf('--child') + 1);
    await child(version as Version, file!, Number(iterations));
    return;
  }
  gc();
  const sizes = (argValue('--sizes') ?? '10000,100000,1000000').split(',').map(Number);
  const started = performance.now();
  const directory = mkdtempSync(join(tmpdir(), 'graph-bench-'));
  const results: SizeResult[] = [];
  try {
    for (const edges of sizes) {
      const input = generateEdgeBatch({ edges, seed: SEED });
      const file = join(directory, `edges-${edges}.cbor`);
      writeFileSync(file, input);
      const digest = createHash('sha256').update(input).digest('hex').slice(0, 12);
      const iterations = edges >= 1_000_000 ? 3 : edges >= 100_000 ? 5 : 9;
      process.stderr.write(`graph.bench: ${edges} edges, ${mb(input.length)} MB (sha256 ${digest}), ${iterations} iterations per version\n`);
      // Heap first, then arena: each child process starts cold and owns its memory.
      const heap = runChild('heap', file, iterations, edges);
      const arena = runChild('arena', file, iterations, edges);
      if (heap.checksum !== arena.checksum) throw new Error(`versions disagree at ${edges} edges: checksum ${heap.checksum} vs ${arena.checksum}`);
      results.push({ edges, inputBytes: input.length, heap, arena });
      process.stderr.write(`  heap ${ms(total(heap, 'ms'))} ms, ${mb(total(heap, 'heapBytes'))} MB heap; arena ${ms(total(arena, 'ms'))} ms, ${mb(total(arena, 'heapBytes'))} MB heap\n`);
      rmSync(file);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const { markdown, guide, svg } = report(results, (performance.now() - started) / 1000);
  process.stdout.write(`${markdown}\n`);
  if (!process.argv.includes('--no-write')) {
    writeDocSection('graph', markdown);
    writeDocSection('graph-migration', guide, fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../docs/guides/migration.md' : '../docs/guides/migration.md', import.meta.url)));
    const svgPath = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../docs/graph-bench.svg' : '../docs/graph-bench.svg', import.meta.url));
    writeFileSync(svgPath, svg);
    process.stderr.write(`graph.bench: wrote docs/benchmarks.md (section graph) and docs/graph-bench.svg\n`);
  }
}

await main();
