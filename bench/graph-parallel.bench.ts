// `npm run bench:graph-parallel`: the edge-graph example's 1M-edge batch decoded on one thread
// (decodeEdges) and by two workers into shared memory (parallel-decode.ts), side by side in
// interleaved rounds. Three ways are timed per round, each from bytes to a decoded batch in a fresh
// parse arena:
// - one thread: decodeEdges into an ArrayBuffer arena;
// - two workers: the bytes copied into a SharedArrayBuffer, then decoded by the workers into an arena
//   on sharedArrayBufferBackend() (what a caller holding ordinary bytes pays);
// - two workers, bytes already shared: the same without the copy (a caller that reads or receives
//   the batch straight into shared memory).
// Worker start-up (two threads, each loading the decoder) is paid once per decoder and reported apart.
import { availableParallelism, loadavg } from 'node:os';
import { MemTag, createArena, sharedArrayBufferBackend } from 'eslint-plugin-arena/runtime';
import { batchColumns, decodeEdges, parseArenaSize } from '../examples/edge-graph/arena/index.js';
import { createParallelDecoder, sharedBytes } from '../examples/edge-graph/arena/parallel-decode.js';
import { generateEdgeBatch } from '../examples/edge-graph/shared/generator.js';
import { machineLine, markdownTable, writeDocSection } from './doc-section.js';
import { median } from './runtime-harness.js';

const EDGES = Number(process.env['BENCH_EDGES'] ?? 1_000_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const SEED = 42;

const elapsedMs = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

const input = generateEdgeBatch({ edges: EDGES, seed: SEED });
const prepared = sharedBytes(input);
console.log(`${machineLine()}; ${availableParallelism()} cores; ${EDGES} edges, ${(input.length / 1e6).toFixed(1)} MB of CBOR`);

let started = process.hrtime.bigint();
const decoder = createParallelDecoder();
{
  // The first batch pays the workers' start-up (thread, module loading) and their first compile.
  using parse = createArena(parseArenaSize(input), 'graph-parallel-first', { backend: sharedArrayBufferBackend(), tag: MemTag.Parse });
  await decoder.decode(prepared, parse);
}
const firstBatchMs = elapsedMs(started);

// The two results agree (the example's test checks this on smaller batches too).
{
  using single = createArena(parseArenaSize(input), 'graph-parallel-check', { tag: MemTag.Parse });
  using shared = createArena(parseArenaSize(input), 'graph-parallel-check-shared', { backend: sharedArrayBufferBackend(), tag: MemTag.Parse });
  const one = batchColumns(decodeEdges(input, single));
  const two = batchColumns(await decoder.decode(input, shared));
  const same = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  if (!(same(one.spans, two.spans) && same(one.relations, two.relations) && same(one.confidences, two.confidences) && same(one.timestamps, two.timestamps))) {
    throw new Error('parallel decode differs from decodeEdges');
  }
}

const samples = { single: [] as number[], parallel: [] as number[], parallelShared: [] as number[] };
let sink = 0;
for (let round = 0; round < ROUNDS + 1; round++) {
  (globalThis as { gc?: () => void }).gc?.();
  started = process.hrtime.bigint();
  {
    using parse = createArena(parseArenaSize(input), 'graph-single', { tag: MemTag.Parse });
    sink += decodeEdges(input, parse).count;
  }
  const single = elapsedMs(started);
  (globalThis as { gc?: () => void }).gc?.();
  started = process.hrtime.bigint();
  {
    using parse = createArena(parseArenaSize(input), 'graph-parallel', { backend: sharedArrayBufferBackend(), tag: MemTag.Parse });
    sink += (await decoder.decode(input, parse)).count;
  }
  const parallel = elapsedMs(started);
  (globalThis as { gc?: () => void }).gc?.();
  started = process.hrtime.bigint();
  {
    using parse = createArena(parseArenaSize(input), 'graph-parallel-shared', { backend: sharedArrayBufferBackend(), tag: MemTag.Parse });
    sink += (await decoder.decode(prepared, parse)).count;
  }
  const parallelShared = elapsedMs(started);
  if (round === 0) continue; // warm-up
  samples.single.push(single);
  samples.parallel.push(parallel);
  samples.parallelShared.push(parallelShared);
  console.log(`round ${round}: one thread ${single.toFixed(0)} ms, two workers ${parallel.toFixed(0)} ms, two workers (shared input) ${parallelShared.toFixed(0)} ms`);
}
await decoder.close();

const load = loadavg()[0]!;
const single = median(samples.single);
const parallel = median(samples.parallel);
const parallelShared = median(samples.parallelShared);
const row = (name: string, ms: number): string[] => [name, `${ms.toFixed(0)} ms`, `${(single / ms).toFixed(2)}x`];
console.log(`speed-up: ${(single / parallel).toFixed(2)}x (copy included), ${(single / parallelShared).toFixed(2)}x (input already shared); first batch ${firstBatchMs.toFixed(0)} ms; load ${load.toFixed(1)}; sink ${sink}`);

writeDocSection(
  'graph-parallel',
  `## Edge graph: decoding with two workers (\`npm run bench:graph-parallel\`)

bench/graph-parallel.bench.ts. ${machineLine()}, ${availableParallelism()} cores, load average ${load.toFixed(1)} at the end of the run${
    load > 1.5 ? ' (a loaded machine: the workers competed with other processes for the two cores, so read the ratio, measured side by side, not the milliseconds)' : ''
  }. The ${EDGES >= 1_000_000 ? `${EDGES / 1_000_000}M` : EDGES}-edge batch of the graph bench (${(input.length / 1e6).toFixed(1)} MB of CBOR), median of ${ROUNDS} interleaved rounds after one warm-up.

${markdownTable(['decode', 'time', 'speed-up'], [row('one thread (decodeEdges)', single), row('two workers, ordinary bytes (copied into a SharedArrayBuffer first)', parallel), row('two workers, bytes already in shared memory', parallelShared)])}

- The result is decodeEdges' own, byte for byte (checked before timing, and by
  test/examples/edge-graph-parallel.test.ts): the workers write the columns of an arena on
  \`sharedArrayBufferBackend()\` in place.
- ${
    single / parallelShared >= 1.2
      ? `Two workers gain ${(single / parallelShared).toFixed(2)}x when the bytes are already shared.`
      : `Two workers gained little in this run (${(single / parallelShared).toFixed(2)}x with the bytes already shared, under the 1.2x this bench counts as a speed-up).`
  } Why not 2x even on a quiet machine: CBOR has no index, so the second worker must skim the first
  60% of the batch to find where its edges start (skimming reads every head and checks every string,
  at roughly half the cost of decoding), which caps two workers at about 1.6x. Bytes that are not
  shared yet are copied once (${(input.length / 1e6).toFixed(0)} MB into a fresh SharedArrayBuffer, whose pages are
  faulted in on first write), and the columns go to a fresh SharedArrayBuffer chunk each batch where
  the one-thread arena reuses memory the allocator got back. On a loaded machine the two workers do
  not get two cores: with the load average above 2 on 2 cores they time-slice with everything else.
- The first batch also pays for starting the two workers (threads, module loading, compiling the
  decoder): ${firstBatchMs.toFixed(0)} ms here. Keep one decoder for many batches.
`,
);
