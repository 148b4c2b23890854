// `npm run bench:backends`: what each allocator backend costs, measured side by side in one run
// (interleaved rounds, medians). Four workloads per backend:
// - alloc: `arena.alloc(16..64)` + one `setUint32` per record, reset every 10k records (the hot path;
//   the backend is not on it, so the numbers should agree within noise);
// - grow: a fresh arena of 4 KiB filled with 32-byte records up to 4 MiB, then destroyed (chunk
//   growth: chained chunks for ArrayBuffer, SharedArrayBuffer and WebAssembly.Memory, one chunk
//   resized in place for the resizable backend);
// - create: createArena(64 KiB) + destroy (what reserving one chunk costs);
// - pool: pool alloc + setUint32 + free (pools take their blocks from the backend too).
import { loadavg } from 'node:os';
import {
  MemTag,
  arrayBufferBackend,
  createArena,
  createPool,
  resizableBackend,
  sharedArrayBufferBackend,
  wasmMemoryBackend,
  type Arena,
  type Handle,
  type MemoryBackend,
} from 'eslint-plugin-arena/runtime';
import { machineLine, markdownTable, writeDocSection } from './doc-section.js';
import { formatNumber, sink, timeCases, type BenchCase } from './runtime-harness.js';

const RECORDS = 1_000_000;
const RESET_EVERY = 10_000;
const GROW_TO = 4 * 1024 * 1024;
const GROW_RECORD = 32;
const CREATES = 2_000;
const POOL_PAIRS = 1_000_000;
const GROW_ROUNDS = 9;
const WARMUP_ROUNDS = 2;

/** The arenas and pools the cases keep between runs, destroyed when the bench ends. */
const owners: Disposable[] = [];

interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => Parameters<typeof wasmMemoryBackend>[0];
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Backend {
  readonly name: string;
  /** A fresh backend (a WebAssembly.Memory range is used up as it is handed out). */
  readonly make: () => MemoryBackend;
}

const PAGE = 65_536;
const backends: Backend[] = [
  { name: 'ArrayBuffer (default)', make: () => arrayBufferBackend() },
  { name: 'SharedArrayBuffer', make: () => sharedArrayBufferBackend() },
  { name: 'resizable ArrayBuffer', make: () => resizableBackend({ maxByteLength: 64 * 1024 * 1024 }) },
  // 160 pages (10 MiB) of linear memory: room for the grow workload's chained chunks.
  { name: 'WebAssembly.Memory', make: () => wasmMemoryBackend(new wasm.Memory({ initial: 160 }), { start: PAGE }) },
];

function allocCase(backend: Backend): BenchCase {
  const arena = createArena(1024 * 1024, `bench-alloc-${backend.name}`, { backend: backend.make(), tag: MemTag.General });
  owners.push(arena);
  return {
    name: `alloc ${backend.name}`,
    ops: RECORDS,
    run(ops) {
      let sum = 0;
      for (let index = 0; index < ops; index++) {
        const handle = arena.alloc(16 + (index & 48), MemTag.General);
        arena.setUint32(handle, 0, index);
        sum += handle & 1;
        if ((index + 1) % RESET_EVERY === 0) arena.reset();
      }
      arena.reset();
      return sum;
    },
  };
}

function growCase(backend: Backend, runs: number): BenchCase {
  const records = GROW_TO / GROW_RECORD;
  // A WebAssembly range is fresh per run (an arena's chunks are not given back to it): every run's
  // backend is made here, outside the timed runs.
  const made = Array.from({ length: runs }, () => backend.make());
  let run = 0;
  return {
    name: `grow ${backend.name}`,
    ops: records,
    run() {
      const arena: Arena = createArena(4096, `bench-grow-${backend.name}`, { backend: made[run++ % runs]! });
      let sum = 0;
      for (let index = 0; index < records; index++) {
        const handle = arena.alloc(GROW_RECORD, MemTag.General);
        arena.setUint32(handle, 0, index);
        sum += handle & 1;
      }
      sum += arena.overflow;
      arena.destroy();
      return sum;
    },
  };
}

/** Writes one word per 32 bytes of 4 MiB of fresh memory from the backend: the first-touch cost. */
function touchCase(backend: Backend, runs: number): BenchCase {
  const made = Array.from({ length: runs }, () => backend.make());
  let run = 0;
  return {
    name: `touch ${backend.name}`,
    ops: GROW_TO / GROW_RECORD,
    run(ops) {
      const region = made[run++ % runs]!.reserve(GROW_TO, 0, 4096);
      const view = new DataView(region.buffer, region.byteOffset, GROW_TO);
      for (let index = 0; index < ops; index++) view.setUint32(index * GROW_RECORD, index, true);
      return view.getUint32(GROW_RECORD, true);
    },
  };
}

function createCase(backend: Backend): BenchCase {
  const shared = backend.name === 'WebAssembly.Memory' ? null : backend.make();
  return {
    name: `create ${backend.name}`,
    ops: CREATES,
    run(ops) {
      let sum = 0;
      // The wasm range holds 9 MiB: a fresh backend per 100 arenas of 64 KiB.
      let current = shared ?? backend.make();
      for (let index = 0; index < ops; index++) {
        if (shared === null && index % 100 === 99) current = backend.make();
        const arena = createArena(64 * 1024, 'bench-create', { backend: current });
        sum += arena.capacity;
        arena.destroy();
      }
      return sum;
    },
  };
}

function poolCase(backend: Backend): BenchCase {
  const pool = createPool(32, 1024, `bench-pool-${backend.name}`, { backend: backend.make(), tag: MemTag.General });
  owners.push(pool);
  return {
    name: `pool ${backend.name}`,
    ops: POOL_PAIRS,
    run(ops) {
      let sum = 0;
      for (let index = 0; index < ops; index++) {
        const handle = pool.alloc() as Handle;
        pool.setUint32(handle, 4, index);
        sum += pool.getUint32(handle, 4) & 1;
        pool.free(handle);
      }
      return sum;
    },
  };
}

const workloads = [
  { key: 'alloc', label: 'alloc + setUint32, reset per 10k', make: allocCase },
  { key: 'grow', label: 'grow 4 KiB -> 4 MiB (per 32 B record)', make: (backend: Backend) => growCase(backend, GROW_ROUNDS + WARMUP_ROUNDS) },
  { key: 'touch', label: 'first write to 4 MiB of fresh memory (per 32 B)', make: (backend: Backend) => touchCase(backend, GROW_ROUNDS + WARMUP_ROUNDS) },
  { key: 'create', label: 'createArena(64 KiB) + destroy', make: createCase },
  { key: 'pool', label: 'pool alloc + set/get + free', make: poolCase },
] as const;

const load = loadavg()[0]!;
console.log(`${machineLine()}; load average ${load.toFixed(1)}`);
const results = new Map<string, Map<string, number>>();
for (const workload of workloads) {
  const cases = backends.map((backend) => workload.make(backend));
  const timings = timeCases(cases, workload.key === 'grow' || workload.key === 'touch' ? GROW_ROUNDS : 7, WARMUP_ROUNDS);
  const row = new Map<string, number>();
  for (const [index, timing] of timings.entries()) row.set(backends[index]!.name, timing.nsPerOp);
  results.set(workload.key, row);
  console.log(workload.label);
  for (const [name, ns] of row) console.log(`  ${name.padEnd(24)} ${formatNumber(ns)} ns/op`);
}

const header = ['backend', ...workloads.map((workload) => `${workload.label} (ns/op, x default)`)];
const rows = backends.map((backend) => [
  backend.name,
  ...workloads.map((workload) => {
    const row = results.get(workload.key)!;
    const ns = row.get(backend.name)!;
    const base = row.get(backends[0]!.name)!;
    return `${formatNumber(ns)} (${(ns / base).toFixed(2)}x)`;
  }),
]);

writeDocSection(
  'backends',
  `## Allocator backends

\`npm run bench:backends\` (bench/backends.bench.ts). ${machineLine()}; load average ${load.toFixed(1)} while it ran${
    load > 1.5 ? ' (a loaded machine: compare the ratios, measured side by side in interleaved rounds, not the absolute numbers)' : ''
  }. Median of interleaved rounds; "x default" is the ratio to the ArrayBuffer backend in the same run.

${markdownTable(header, rows)}

- **alloc** and **pool**: the backend is not on the allocation or access path (bookkeeping and
  DataViews are the same whatever the memory), so differences here are noise or the memory itself:
  SharedArrayBuffer and WebAssembly memory are plain memory to a DataView.
- **grow**: ArrayBuffer, SharedArrayBuffer and WebAssembly.Memory chain chunks that double (4 KiB,
  8 KiB, ... 10 chunks to reach 4 MiB); the resizable backend grows its one chunk in place
  (\`resize\`, same doubling), so \`overflow\` stays 0 and addresses stay contiguous. A WebAssembly
  range is carved, never allocated: its chunks cost no allocation at all, but are never given back
  to the range either.
- **touch** isolates part of what **grow** pays besides the bookkeeping: the first write to each
  page of memory the backend just handed out (a page fault when the memory is freshly mapped). A
  WebAssembly range and a resizable ArrayBuffer (its own reservation of \`maxByteLength\`) are fresh
  mappings; ArrayBuffers and SharedArrayBuffers come from the engine's allocator, which can hand back
  memory it got back from earlier chunks. An application pays this once per arena it grows (chunks
  and their pages are kept across \`reset\`), not once per generation. What the SharedArrayBuffer
  backend pays in **grow** beyond the default is not explained by **touch** (creating and freeing a
  SharedArrayBuffer per chunk is the likely rest; not measured apart). Page faults are far dearer on
  a loaded machine than on a quiet one, so read these columns from a quiet run.
- **create**: an arena's bookkeeping plus reserving its first 64 KiB chunk. A resizable ArrayBuffer
  reserves its \`maxByteLength\` (64 MiB here) of address space up front. A WebAssembly range
  creates nothing per arena, but its range is used up: this workload makes a new 10 MiB memory every
  100 arenas, and that is counted.
`,
);
for (const owner of owners) owner[Symbol.dispose]();
console.log(`checksum ${sink.checksum}`);
