// `npm run bench`: the runtime's speed and allocation bars from issues 2 and 4, measured in one run
// on one machine, written to docs/benchmarks.md (section `runtime`). Run with --expose-gc.
//
// Every loop keeps what it allocates alive until its batch ends (stored in a preallocated slot
// array), the way real code holds allocations for a phase, and folds results into a checksum so the
// JIT cannot drop the work. Cases are timed in interleaved rounds after warm-up; tables show medians.

import { MemPool } from '@thi.ng/malloc';
import * as runtime from 'eslint-plugin-arena/runtime';
import type { Arena, Handle, ObjectPool, Pool } from 'eslint-plugin-arena/runtime';
import { machineLine, markdownTable, writeDocSection } from './doc-section.js';
import { type BenchCase, type Timing, countCollections, formatNumber, heapBytesPerOp, median, sink, timeCases } from './runtime-harness.js';

const BATCH = 1024;
const SIZES_MASK = 4095;
const ALLOCATIONS_PER_RUN = 524_288;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const GC_COUNT_ALLOCATIONS = 1_000_000;

if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  console.warn('warning: run with node --expose-gc (npm run bench does) for stable numbers');
}

/** Sizes 16..64 from a fixed xorshift sequence, so every allocator sees the same requests. */
const sizes = new Uint8Array(SIZES_MASK + 1);
{
  let state = 0x9e3779b9;
  for (let index = 0; index < sizes.length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    sizes[index] = 16 + ((state >>> 0) % 49);
  }
}

const handleSlots = new Float64Array(BATCH);
const objectSlots: unknown[] = new Array<unknown>(BATCH).fill(null);

// ---------------------------------------------------------------------------------------------
// Small-block allocation: arena vs new Uint8Array vs @thi.ng/malloc vs a bare bump pointer

const ARENA_BYTES = BATCH * 64 * 2;

function arenaAllocReset(arena: Arena): (ops: number) => number {
  return (ops) => {
    let checksum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) handleSlots[index] = arena.alloc(sizes[(done + index) & SIZES_MASK]!);
      checksum += handleSlots[BATCH - 1]! % 1024;
      arena.reset();
    }
    return checksum;
  };
}

/** The alloc fast path alone: one arena big enough for a whole run, reset once at its end. */
function arenaAllocOnly(arena: Arena): (ops: number) => number {
  return (ops) => {
    let checksum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) handleSlots[index] = arena.alloc(sizes[(done + index) & SIZES_MASK]!);
      checksum += handleSlots[BATCH - 1]! % 1024;
    }
    arena.reset();
    return checksum;
  };
}

function newUint8Array(ops: number): number {
  let checksum = 0;
  for (let done = 0; done < ops; done += BATCH) {
    for (let index = 0; index < BATCH; index++) objectSlots[index] = new Uint8Array(sizes[(done + index) & SIZES_MASK]!);
    checksum += (objectSlots[BATCH - 1] as Uint8Array).length;
  }
  return checksum;
}

function thingMalloc(pool: MemPool): (ops: number) => number {
  return (ops) => {
    let checksum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) handleSlots[index] = pool.malloc(sizes[(done + index) & SIZES_MASK]!);
      checksum += handleSlots[BATCH - 1]! % 1024;
      pool.freeAll();
    }
    return checksum;
  };
}

/** The physical limit: an offset bumped by the 8-aligned size, no checks, no bookkeeping. */
function bareBump(ops: number): number {
  let checksum = 0;
  for (let done = 0; done < ops; done += BATCH) {
    let top = 0;
    for (let index = 0; index < BATCH; index++) {
      handleSlots[index] = top;
      top = (top + sizes[(done + index) & SIZES_MASK]! + 7) & ~7;
    }
    checksum += handleSlots[BATCH - 1]! % 1024;
  }
  return checksum;
}

// ---------------------------------------------------------------------------------------------
// Pools vs new objects

class Edge {
  constructor(
    public source: number,
    public target: number,
    public weight: number,
    public flags: number,
  ) {}
}

function poolAllocFree(pool: Pool): (ops: number) => number {
  return (ops) => {
    let checksum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) handleSlots[index] = pool.alloc() as Handle;
      checksum += handleSlots[BATCH - 1]! % 1024;
      for (let index = 0; index < BATCH; index++) pool.free(handleSlots[index] as Handle);
    }
    return checksum;
  };
}

function objectPoolAllocFree(pool: ObjectPool<Edge>): (ops: number) => number {
  return (ops) => {
    let checksum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) {
        const handle = pool.alloc() as Handle;
        pool.get(handle).weight = index;
        handleSlots[index] = handle;
      }
      checksum += pool.get(handleSlots[BATCH - 1] as Handle).weight;
      for (let index = 0; index < BATCH; index++) pool.free(handleSlots[index] as Handle);
    }
    return checksum;
  };
}

function newObjects(ops: number): number {
  let checksum = 0;
  for (let done = 0; done < ops; done += BATCH) {
    for (let index = 0; index < BATCH; index++) objectSlots[index] = new Edge(done, index, index, 0);
    checksum += (objectSlots[BATCH - 1] as Edge).weight;
  }
  return checksum;
}

// ---------------------------------------------------------------------------------------------
// Checked vs unchecked access to the same 32-byte records. Sums wrap at 32 bits (`| 0`) so they
// stay integers: a sum that outgrew the int32 range mid-run would deoptimize one loop and not another.

const RECORD = 32;

interface AccessFixture {
  readonly arena: Arena;
  readonly handles: Float64Array;
  /** Offsets of the same records in `memory`, for the unchecked path. */
  readonly offsets: Int32Array;
  readonly memory: Uint8Array;
  /** addressOf(h) - base = offset in `memory`. */
  readonly base: number;
}

function accessFixture(): AccessFixture {
  const arena = runtime.createArena(BATCH * RECORD * 2, 'bench-access');
  const handles = new Float64Array(BATCH);
  const offsets = new Int32Array(BATCH);
  for (let index = 0; index < BATCH; index++) {
    const handle = arena.allocAligned(RECORD, 8);
    handles[index] = handle;
    const view = arena.bytes(handle);
    for (let byte = 0; byte < RECORD; byte++) view[byte] = (index + byte) & 0xff;
    offsets[index] = view.byteOffset;
  }
  const first = arena.bytes(handles[0] as Handle);
  const memory = new Uint8Array(first.buffer);
  const base = arena.addressOf(handles[0] as Handle) - first.byteOffset;
  for (let index = 0; index < BATCH; index++) {
    const view = arena.bytes(handles[index] as Handle);
    if (view.buffer !== first.buffer) {
      arena.destroy();
      throw new Error('access fixture spilled into a second chunk; enlarge it');
    }
  }
  return { arena, handles, offsets, memory, base };
}

function uncheckedByte({ offsets, memory }: AccessFixture): (ops: number) => number {
  return (ops) => {
    let sum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) sum = (sum + memory[offsets[index]!]!) | 0;
    }
    return sum;
  };
}

function checkedByte({ arena, handles, memory, base }: AccessFixture): (ops: number) => number {
  return (ops) => {
    let sum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) sum = (sum + memory[arena.addressOf(handles[index] as Handle) - base]!) | 0;
    }
    return sum;
  };
}

function uncheckedRecord({ offsets, memory }: AccessFixture): (ops: number) => number {
  return (ops) => {
    let sum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) {
        const offset = offsets[index]!;
        for (let byte = 0; byte < RECORD; byte++) sum = (sum + memory[offset + byte]!) | 0;
      }
    }
    return sum;
  };
}

function checkedRecord({ arena, handles, memory, base }: AccessFixture): (ops: number) => number {
  return (ops) => {
    let sum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) {
        const offset = arena.addressOf(handles[index] as Handle) - base;
        for (let byte = 0; byte < RECORD; byte++) sum = (sum + memory[offset + byte]!) | 0;
      }
    }
    return sum;
  };
}

function checkedView({ arena, handles }: AccessFixture): (ops: number) => number {
  return (ops) => {
    let sum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) {
        const view = arena.bytes(handles[index] as Handle);
        for (let byte = 0; byte < RECORD; byte++) sum = (sum + view[byte]!) | 0;
      }
    }
    return sum;
  };
}

// ---------------------------------------------------------------------------------------------
// The run

type Verdict = { readonly bar: string; readonly measured: string; readonly met: boolean };

const setStatsEnabled = (runtime as { setStatsEnabled?: (on: boolean) => void }).setStatsEnabled;

function signedPercent(fraction: number): string {
  return `${fraction >= 0 ? '+' : '-'}${formatNumber(Math.abs(fraction) * 100)}%`;
}

function byName(timings: readonly Timing[], name: string): number {
  const timing = timings.find((candidate) => candidate.name === name);
  if (!timing) throw new Error(`no timing named ${name}`);
  return timing.nsPerOp;
}

function timingTable(timings: readonly Timing[], baseline: string | null): string {
  const base = baseline === null ? null : byName(timings, baseline);
  return markdownTable(
    ['case', 'ns/op (median)', 'spread (min-max)', ...(base === null ? [] : [`vs ${baseline}`])],
    timings.map((timing) => [
      timing.name,
      formatNumber(timing.nsPerOp),
      `${formatNumber(Math.min(...timing.rounds))}-${formatNumber(Math.max(...timing.rounds))}`,
      ...(base === null ? [] : [`${formatNumber(timing.nsPerOp / base)}x`]),
    ]),
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  runtime.setDebugMode(false);
  setStatsEnabled?.(true);

  // 1. Small blocks.
  const arena = runtime.createArena(ARENA_BYTES, 'bench-small-blocks');
  const mallocPool = new MemPool({ size: ARENA_BYTES + 4096, align: 8 });
  const wholeRunArena = runtime.createArena(ALLOCATIONS_PER_RUN * 72, 'bench-whole-run');
  const allocCases: BenchCase[] = [
    { name: 'arena.alloc + reset per 1024', ops: ALLOCATIONS_PER_RUN, run: arenaAllocReset(arena) },
    { name: 'new Uint8Array (GC reclaims)', ops: ALLOCATIONS_PER_RUN, run: newUint8Array },
    { name: '@thi.ng/malloc MemPool.malloc + freeAll per 1024', ops: ALLOCATIONS_PER_RUN, run: thingMalloc(mallocPool) },
    { name: 'bare bump pointer (no checks)', ops: ALLOCATIONS_PER_RUN, run: bareBump },
    { name: 'arena.alloc only (one reset per run; for reference)', ops: ALLOCATIONS_PER_RUN, run: arenaAllocOnly(wholeRunArena) },
  ];
  const allocTimings = timeCases(allocCases, ROUNDS);
  const [arenaCase, uint8Case, mallocCase, bumpCase] = allocCases.map((bench) => bench.name) as [string, string, string, string];
  wholeRunArena.destroy();

  // 2. Pools.
  const pool = runtime.createPool(32, BATCH, 'bench-pool');
  const objectPool = runtime.createObjectPool(() => new Edge(0, 0, 0, 0), BATCH, 'bench-object-pool');
  const poolCases: BenchCase[] = [
    { name: 'pool.alloc + free (32-byte slots)', ops: ALLOCATIONS_PER_RUN, run: poolAllocFree(pool) },
    { name: 'objectPool.alloc + get + free', ops: ALLOCATIONS_PER_RUN, run: objectPoolAllocFree(objectPool) },
    { name: 'new Edge() (4 fields, GC reclaims)', ops: ALLOCATIONS_PER_RUN, run: newObjects },
  ];
  const poolTimings = timeCases(poolCases, ROUNDS);

  // 3. Access.
  const fixture = accessFixture();
  const accessCases: BenchCase[] = [
    { name: '1 byte, unchecked offset', ops: ALLOCATIONS_PER_RUN * 4, run: uncheckedByte(fixture) },
    { name: '1 byte, arena.addressOf(h) (checked)', ops: ALLOCATIONS_PER_RUN * 4, run: checkedByte(fixture) },
    { name: '32-byte record, unchecked offset', ops: ALLOCATIONS_PER_RUN, run: uncheckedRecord(fixture) },
    { name: '32-byte record, arena.addressOf(h) (checked)', ops: ALLOCATIONS_PER_RUN, run: checkedRecord(fixture) },
    { name: '32-byte record, arena.bytes(h) view (checked)', ops: ALLOCATIONS_PER_RUN, run: checkedView(fixture) },
  ];
  const accessTimings = timeCases(accessCases, ROUNDS);

  // 4. Minor collections during a million allocations.
  const million = (run: (ops: number) => number) => () => run(GC_COUNT_ALLOCATIONS);
  const collections = {
    arena: await countCollections(million(arenaAllocReset(arena))),
    uint8: await countCollections(million(newUint8Array)),
    malloc: await countCollections(million(thingMalloc(mallocPool))),
    bump: await countCollections(million(bareBump)),
    pool: await countCollections(million(poolAllocFree(pool))),
    objectPool: await countCollections(million(objectPoolAllocFree(objectPool))),
    objects: await countCollections(million(newObjects)),
  };

  // 5. JS-heap bytes per allocation on the fast path (no reset inside a window: a big arena).
  const bigArena = runtime.createArena(64 * 40_000, 'bench-heap');
  const heapPerAlloc = {
    arena: heapBytesPerOp((ops) => {
      let checksum = 0;
      for (let index = 0; index < ops; index++) checksum += bigArena.alloc(sizes[index & SIZES_MASK]!) & 1;
      bigArena.reset();
      return checksum;
    }),
    pool: heapBytesPerOp((ops) => {
      let checksum = 0;
      for (let index = 0; index < ops; index++) {
        const handle = pool.alloc() as Handle;
        checksum += handle & 1;
        pool.free(handle);
      }
      return checksum;
    }),
    uint8: heapBytesPerOp((ops) => {
      let checksum = 0;
      for (let index = 0; index < ops; index++) {
        objectSlots[index & (BATCH - 1)] = new Uint8Array(sizes[index & SIZES_MASK]!);
        checksum += 1;
      }
      return checksum;
    }, 2_000),
    objectPool: heapBytesPerOp((ops) => {
      let checksum = 0;
      for (let index = 0; index < ops; index++) {
        const handle = objectPool.alloc() as Handle;
        checksum += objectPool.get(handle).flags;
        objectPool.free(handle);
      }
      return checksum;
    }),
    objects: heapBytesPerOp((ops) => {
      let checksum = 0;
      for (let index = 0; index < ops; index++) {
        objectSlots[index & (BATCH - 1)] = new Edge(index, index, index, 0);
        checksum += 1;
      }
      return checksum;
    }, 2_000),
    malloc: heapBytesPerOp((ops) => {
      let checksum = 0;
      for (let index = 0; index < ops; index++) {
        checksum += mallocPool.malloc(sizes[index & SIZES_MASK]!) & 1;
        if ((index & (BATCH - 1)) === BATCH - 1) mallocPool.freeAll();
      }
      mallocPool.freeAll();
      return checksum;
    }),
    bump: heapBytesPerOp(bareBump),
  };
  bigArena.destroy();

  // 6. Cost of stats and debug mode on the arena fast path, measured last: running with stats off
  // or in debug mode teaches V8 about branches the fast path never takes otherwise, which can change
  // how it optimizes alloc for everything measured after. The stats switch is flipped between
  // blocks of rounds, not inside them: each flip can send the optimized alloc back to the
  // interpreter, and a warm-up round after every flip lets it re-optimize before timing.
  const costTimings: Timing[] = [];
  if (setStatsEnabled) {
    const statsOn: number[] = [];
    const statsOff: number[] = [];
    const run = arenaAllocReset(arena);
    for (let block = 0; block < ROUNDS; block++) {
      for (const [enabled, samples] of [
        [true, statsOn],
        [false, statsOff],
      ] as const) {
        setStatsEnabled(enabled);
        const [timing] = timeCases([{ name: 'block', ops: ALLOCATIONS_PER_RUN, run }], 1, 1);
        samples.push(timing!.nsPerOp);
      }
    }
    setStatsEnabled(true);
    costTimings.push({ name: 'stats on (default)', nsPerOp: median(statsOn), rounds: statsOn });
    costTimings.push({ name: 'stats off (setStatsEnabled(false))', nsPerOp: median(statsOff), rounds: statsOff });
  } else {
    costTimings.push(...timeCases([{ name: 'stats on (default)', ops: ALLOCATIONS_PER_RUN, run: arenaAllocReset(arena) }], ROUNDS));
  }
  // Debug mode captures a stack per allocation: far slower, so fewer operations and its own arena.
  const debugArena = runtime.createArena(ARENA_BYTES, 'bench-debug');
  runtime.setDebugMode(true);
  const debugTimings = timeCases([{ name: 'debug mode on', ops: BATCH * 16, run: arenaAllocReset(debugArena) }], 5, 1);
  runtime.setDebugMode(false);
  debugArena.destroy();

  fixture.arena.destroy();
  arena.destroy();
  pool.destroy();
  objectPool.destroy();

  // ---------------------------------------------------------------------------------------------
  // Verdicts, computed from the numbers above

  const arenaNs = byName(allocTimings, arenaCase);
  const verdicts: Verdict[] = [];
  const ratio = (numerator: number, denominator: number): string => `${formatNumber(numerator / denominator)}x`;
  verdicts.push({
    bar: 'arena >= 10x faster than new Uint8Array',
    measured: ratio(byName(allocTimings, uint8Case), arenaNs),
    met: byName(allocTimings, uint8Case) / arenaNs >= 10,
  });
  verdicts.push({
    bar: 'arena >= 2x faster than @thi.ng/malloc',
    measured: ratio(byName(allocTimings, mallocCase), arenaNs),
    met: byName(allocTimings, mallocCase) / arenaNs >= 2,
  });
  verdicts.push({
    bar: 'arena <= 2x the bare bump pointer',
    measured: ratio(arenaNs, byName(allocTimings, bumpCase)),
    met: arenaNs / byName(allocTimings, bumpCase) <= 2,
  });
  const newEdgeNs = byName(poolTimings, 'new Edge() (4 fields, GC reclaims)');
  for (const name of ['pool.alloc + free (32-byte slots)', 'objectPool.alloc + get + free']) {
    verdicts.push({ bar: `${name.split(' ')[0]} no slower than new`, measured: ratio(byName(poolTimings, name), newEdgeNs), met: byName(poolTimings, name) <= newEdgeNs });
  }
  for (const [checked, unchecked] of [
    ['1 byte, arena.addressOf(h) (checked)', '1 byte, unchecked offset'],
    ['32-byte record, arena.addressOf(h) (checked)', '32-byte record, unchecked offset'],
  ] as const) {
    const overhead = byName(accessTimings, checked) / byName(accessTimings, unchecked) - 1;
    verdicts.push({ bar: `generation check <= 10% over unchecked (${checked.split(',')[0]})`, measured: signedPercent(overhead), met: overhead <= 0.1 });
  }
  verdicts.push({
    bar: 'zero JS-heap bytes per arena.alloc',
    measured: `${formatNumber(heapPerAlloc.arena)} B/alloc, ${collections.arena} minor GCs per 1M`,
    met: heapPerAlloc.arena < 0.5 && collections.arena === 0,
  });
  verdicts.push({
    bar: 'zero JS-heap bytes per pool.alloc + free',
    measured: `${formatNumber(heapPerAlloc.pool)} B/op, ${collections.pool} minor GCs per 1M`,
    met: heapPerAlloc.pool < 0.5 && collections.pool === 0,
  });
  if (setStatsEnabled) {
    const statsCost = byName(costTimings, 'stats on (default)') / byName(costTimings, 'stats off (setStatsEnabled(false))') - 1;
    verdicts.push({ bar: 'stats cost <= 15% on the arena alloc fast path', measured: signedPercent(statsCost), met: statsCost <= 0.15 });
  } else {
    verdicts.push({ bar: 'stats cost <= 15% on the arena alloc fast path', measured: 'not measurable: the runtime has no setStatsEnabled', met: false });
  }

  const debugNs = median(debugTimings[0]!.rounds);
  // A handle above the small-integer range is a double: returned from a call that is not inlined it
  // is boxed in a 16-byte HeapNumber, which is what a nonzero heap-bytes figure usually means.
  const probeArena = runtime.createArena(64, 'bench-probe');
  const sampleHandle = probeArena.alloc(8);
  probeArena.destroy();
  const handleIsSmall = Number.isInteger(sampleHandle) && sampleHandle <= 2 ** 30 - 1;
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const doc = [
    '## Runtime',
    '',
    `${machineLine()}. Produced by \`npm run bench\` (bench/runtime.bench.ts) in ${seconds} s; each number is the`,
    `median of ${ROUNDS} interleaved rounds after 2 warm-up rounds; sizes are 16-64 bytes from a fixed sequence;`,
    `every loop keeps a batch of ${BATCH} allocations alive, then releases the batch (reset, freeAll, free, or drops it for the GC).`,
    '',
    '### Bars',
    '',
    markdownTable(
      ['bar', 'measured', 'met'],
      verdicts.map((verdict) => [verdict.bar, verdict.measured, verdict.met ? 'met' : '**not met**']),
    ),
    '',
    '### Small-block allocation',
    '',
    timingTable(allocTimings, bumpCase),
    '',
    '### Pools vs `new`',
    '',
    timingTable(poolTimings, 'new Edge() (4 fields, GC reclaims)'),
    '',
    '### Checked vs unchecked access (same memory)',
    '',
    'Unchecked reads a precomputed offset; checked turns the handle into an address with `arena.addressOf(h)`',
    '(owner, slot and generation compared) on every access. `arena.bytes(h)` also creates a view per call.',
    '',
    timingTable(accessTimings, null),
    '',
    '### Cost of stats and debug mode (arena.alloc + reset per 1024)',
    '',
    `Stats on and off alternate in ${ROUNDS} blocks of one warm-up and one timed run each (flipping the switch can`,
    'deoptimize `alloc`, so it is never flipped inside a timed run); debug mode: 5 rounds of 16,384 allocations.',
    '',
    markdownTable(
      ['mode', 'ns/alloc (median)', 'vs stats on'],
      [
        ...costTimings.map((timing) => [timing.name, formatNumber(timing.nsPerOp), ratio(timing.nsPerOp, byName(costTimings, 'stats on (default)'))]),
        ['debug mode on (stack captured per allocation)', formatNumber(debugNs), ratio(debugNs, byName(costTimings, 'stats on (default)'))],
      ],
    ),
    '',
    '### Garbage collection and JS-heap allocation',
    '',
    `Minor GCs: \`PerformanceObserver\` entries of type \`gc\` with \`detail.kind === NODE_PERFORMANCE_GC_MINOR\``,
    `(scavenges) during ${GC_COUNT_ALLOCATIONS.toLocaleString('en-US')} allocations, after a forced full GC.`,
    'Heap bytes per op: `process.memoryUsage().heapUsed` read around windows of 20,000 operations (2,000 for',
    '`new Uint8Array`); windows in which a collection ran (heapUsed fell) are discarded; the same reading around an',
    'empty loop is subtracted; median window, divided by its operations.',
    `A sample arena handle is ${sampleHandle}: ${handleIsSmall ? 'within' : 'beyond'} V8's small-integer range (2^30 - 1 with pointer compression, 2^31 - 1 without)${handleIsSmall ? '' : ', so a handle returned from a call V8 does not inline is boxed in a 16-byte HeapNumber'}.`,
    '',
    markdownTable(
      ['allocator', `minor GCs per ${GC_COUNT_ALLOCATIONS.toLocaleString('en-US')} allocs`, 'JS-heap bytes per op'],
      [
        ['arena.alloc (+ reset per 1024)', String(collections.arena), formatNumber(heapPerAlloc.arena)],
        ['pool.alloc + free', String(collections.pool), formatNumber(heapPerAlloc.pool)],
        ['new Uint8Array', String(collections.uint8), formatNumber(heapPerAlloc.uint8)],
        ['objectPool.alloc + get + free', String(collections.objectPool), formatNumber(heapPerAlloc.objectPool)],
        ['new Edge()', String(collections.objects), formatNumber(heapPerAlloc.objects)],
        ['@thi.ng/malloc', String(collections.malloc), formatNumber(heapPerAlloc.malloc)],
        ['bare bump pointer', String(collections.bump), formatNumber(heapPerAlloc.bump)],
      ],
    ),
  ].join('\n');

  writeDocSection('runtime', doc);
  console.log(doc);
  console.log(`\nchecksum ${sink.checksum}`);
}

await main();
