// The observability half of the demo: an edge-graph style ingest workload, then what a person or a
// metrics scraper sees about it: the stats report, the size-class heatmap (text, and an SVG written
// to docs/heatmap.svg), Prometheus metrics, a memory-pressure callback and an OOM prediction.
// `observabilityDemo()` is called by scripts/demo.ts; running this file directly works too.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  allocationHeatmap,
  allocTagged,
  createArena,
  createOomPredictor,
  createPool,
  formatReport,
  freeTagged,
  MemTag,
  metricsText,
  onMemoryPressure,
  takeSnapshot,
  type Arena,
  type Handle,
  type MemoryPressureEvent,
  type OomPrediction,
} from 'eslint-plugin-arena/runtime';
import { seededRandom } from 'eslint-plugin-arena/testing';

export interface ObservabilityDemoOptions {
  /** Where to write the heatmap SVG. Default: docs/heatmap.svg in the package. */
  readonly svgPath?: string;
  /** Where output lines go. Default: console.log. */
  readonly log?: (line: string) => void;
  /** Batches to ingest (each: ~200 edges). Default 40. */
  readonly batches?: number;
}

export interface ObservabilityDemoResult {
  readonly svgPath: string;
  readonly report: string;
  readonly heatmapText: string;
  readonly metrics: string;
  readonly pressureEvents: readonly MemoryPressureEvent[];
  readonly prediction: OomPrediction;
}

const packageRoot = (): string => {
  // Works from the sources (scripts/) and from the build (dist/scripts/).
  const here = dirname(fileURLToPath(import.meta.url));
  return here.endsWith(`${'dist'}/scripts`) || here.endsWith('dist\\scripts') ? resolve(here, '../..') : resolve(here, '..');
};

export function observabilityDemo(options: ObservabilityDemoOptions = {}): ObservabilityDemoResult {
  const log = options.log ?? ((line: string) => console.log(line));
  const svgPath = options.svgPath ?? resolve(packageRoot(), 'docs/heatmap.svg');
  const batches = options.batches ?? 40;
  const random = seededRandom(2026);
  const between = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));

  const edges = createPool(32, 4096, 'edge records', { tag: MemTag.Edge, growable: true });
  const nodes = createPool(64, 1024, 'node table', { tag: MemTag.Node, growable: true });
  const cacheBudget = 2 * 1024 * 1024;
  const pressureEvents: MemoryPressureEvent[] = [];
  const unsubscribe = onMemoryPressure(cacheBudget / 2, (event) => pressureEvents.push(event));
  const predictor = createOomPredictor(cacheBudget);
  const cache: Handle[] = [];
  const liveEdges: Handle[] = [];
  const liveNodes: Handle[] = [];
  // A long-lived arena for interned paths, with a budget, kept alive to show in the owner table.
  const paths = createArena(64 * 1024, 'interned paths', { tag: MemTag.Node, maxBytes: 1024 * 1024 });

  let lastParse: Arena | null = null;
  for (let batch = 0; batch < batches; batch++) {
    // Per request: a parse arena for the CBOR bytes and decoded strings, reset by destroy at the end.
    const parse = createArena(16 * 1024, `parse batch ${batch}`, { tag: MemTag.Parse });
    for (let i = 0; i < 200; i++) {
      parse.alloc(between(9, 40), MemTag.Cbor); // CBOR item headers and small strings
      parse.alloc(between(24, 120)); // decoded paths (Parse)
      const edge = edges.alloc();
      if (edge !== null) liveEdges.push(edge);
      if (i % 8 === 0) {
        const node = nodes.alloc();
        if (node !== null) liveNodes.push(node);
        paths.alloc(between(20, 200));
      }
      const scratch = allocTagged(between(3, 16), MemTag.Temp);
      freeTagged(scratch, MemTag.Temp);
    }
    if (batch === batches - 1) {
      lastParse = parse; // kept alive until after the report, so the report shows a request in flight
      break;
    }
    parse.destroy();
    // The query cache grows with every batch: this is what the OOM predictor watches.
    for (let i = 0; i < 6; i++) cache.push(allocTagged(between(1024, 8192), MemTag.Cache));
    // Old edges retire.
    for (const handle of liveEdges.splice(0, 120)) edges.free(handle);
    predictor.sample(batch * 250); // a batch every 250 ms of simulated time
  }

  const snapshot = takeSnapshot();
  const report = formatReport(snapshot);
  const heatmap = allocationHeatmap(snapshot, {
    title: 'Edge-graph ingest: allocations by size class x tag',
    tagOrder: ['Edge', 'Node', 'Parse', 'Cbor', 'Cache', 'Temp'],
  });
  mkdirSync(dirname(svgPath), { recursive: true });
  writeFileSync(svgPath, heatmap.svg);
  const metrics = metricsText({ includeOwners: true, includeSizeClasses: false });
  const prediction = predictor.predict();

  log('== Observability: memory report (sorted by current bytes) ==');
  log(report);
  log('== Allocation heatmap ==');
  log(heatmap.text);
  log(`(SVG written to ${svgPath})`);
  log('');
  log('== Prometheus metrics (excerpt; serve metricsText() on /metrics) ==');
  for (const line of metrics.split('\n').filter((l) => /^(# TYPE )?arena_(current_bytes|peak_bytes|tracked_bytes)/.test(l)).slice(0, 14)) {
    log(line);
  }
  log('');
  log(`== Memory pressure: ${pressureEvents.length} callback(s) at ${cacheBudget / 2} tracked bytes ==`);
  for (const event of pressureEvents) log(`  tracked bytes reached ${event.bytes} (threshold ${event.threshold})`);
  log(`== OOM prediction against a ${cacheBudget}-byte budget: ${prediction.message} ==`);

  unsubscribe();
  for (const handle of cache) freeTagged(handle, MemTag.Cache);
  edges.destroy();
  nodes.destroy();
  paths.destroy();
  lastParse?.destroy();
  return { svgPath, report, heatmapText: heatmap.text, metrics, pressureEvents, prediction };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  observabilityDemo();
}
