// `npm run bench`: the runtime's speed and allocation bars from issues 2 and 4, measured in one run
// on one machine, written to docs/benchmarks.md (section `runtime`). Run with --expose-gc.
//
// Every loop keeps what it allocates alive until its batch ends (stored in a preallocated slot
// array), the way real code holds allocations for a phase, and folds results into a checksum so the
// JIT cannot drop the work. Cases are timed in interleaved rounds after warm-up; tables show medians.

import { MemPool } from '@thi.ng/malloc';
import { cpus, loadavg } from 'node:os';
import * as runtime from 'eslint-plugin-arena/runtime';
import type { Arena, Handle, ObjectPool, Pool } from 'eslint-plugin-arena/runtime';
import { machineLine, markdownTable, writeDocSection } from './doc-section.js';
import { type BenchCase, type Timing, countCollections, formatNumber, heapBytesPerOp, median, sink, timeCases } from './runtime-harness.js';

/** Pools and access loops keep this many handles alive per batch. */
const BATCH = 1024;
/** The small-block cases reset (or freeAll, or drop for the GC) after this many allocations. */
const RESET_EVERY = 10_000;
const SIZES_MASK = 4095;
const ALLOCATIONS_PER_RUN = 500_000;
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

const handleSlots = new Float64Array(RESET_EVERY);
const objectSlots: unknown[] = new Array<unknown>(RESET_EVERY).fill(0);

// ---------------------------------------------------------------------------------------------
// Small blocks, as a user's loop would use them: allocate 16-64 bytes, write one uint32 into it,
// keep it until the batch of 10,000 ends, then release the batch.

const ARENA_BYTES = RESET_EVERY * 64 * 2;

function arenaAllocWrite(arena: Arena): (ops: number) => number {
  return (ops) => {
    let checksum = 0;
    for (let done = 0; done < ops; done += RESET_EVERY) {
      let last = 0;
      for (let index = 0; index < RESET_EVERY; index++) {
        const handle = arena.alloc(sizes[(done + index) & SIZES_MASK]!);
        arena.setUint32(handle, 0, index);
        handleSlots[index] = handle;
        last = handle;
      }
      checksum += arena.getUint32(last as Handle, 0);
      arena.reset();
    }
    return checksum;
  };
}

/** The same without the write: what `reset()` is compared with. */
function arenaAllocOnly(arena: Arena): (ops: number) => number {
  return (ops) => {
    let checksum = 0;
    for (let done = 0; done < ops; done += RESET_EVERY) {
      for (let index = 0; index < RESET_EVERY; index++) handleSlots[index] = arena.alloc(sizes[(done + index) & SIZES_MASK]!);
      checksum += handleSlots[RESET_EVERY - 1]! % 1024;
      arena.reset();
    }
    return checksum;
  };
}

function newUint8Array(ops: number): number {
  let checksum = 0;
  for (let done = 0; done < ops; done += RESET_EVERY) {
    for (let index = 0; index < RESET_EVERY; index++) {
      const bytes = new Uint8Array(sizes[(done + index) & SIZES_MASK]!);
      // One little-endian uint32, as the others write it.
      bytes[0] = index;
      bytes[1] = index >>> 8;
      bytes[2] = index >>> 16;
      bytes[3] = index >>> 24;
      objectSlots[index] = bytes;
    }
    checksum += (objectSlots[RESET_EVERY - 1] as Uint8Array)[0]!;
  }
  return checksum;
}

function thingMalloc(pool: MemPool): (ops: number) => number {
  const view = new DataView(pool.buf);
  return (ops) => {
    let checksum = 0;
    for (let done = 0; done < ops; done += RESET_EVERY) {
      for (let index = 0; index < RESET_EVERY; index++) {
        const address = pool.malloc(sizes[(done + index) & SIZES_MASK]!);
        view.setUint32(address, index, true);
        handleSlots[index] = address;
      }
      checksum += view.getUint32(handleSlots[RESET_EVERY - 1]!, true);
      pool.freeAll();
    }
    return checksum;
  };
}

/** The physical limit: an offset bumped by the 8-aligned size and one write, no checks, no records. */
function bareBump(memory: DataView): (ops: number) => number {
  return (ops) => {
    let checksum = 0;
    for (let done = 0; done < ops; done += RESET_EVERY) {
      let top = 0;
      for (let index = 0; index < RESET_EVERY; index++) {
        memory.setUint32(top, index, true);
        handleSlots[index] = top;
        top = (top + sizes[(done + index) & SIZES_MASK]! + 7) & ~7;
      }
      checksum += memory.getUint32(handleSlots[RESET_EVERY - 1]!, true);
    }
    return checksum;
  };
}

/** `reset()` of an arena with nothing allocated since the last one. */
function emptyResets(arena: Arena): (ops: number) => number {
  return (ops) => {
    for (let index = 0; index < ops; index++) arena.reset();
    return arena.generation & 1;
  };
}

// ---------------------------------------------------------------------------------------------
// Pools vs new objects (8 fields, 64 bytes of doubles)

class Edge {
  constructor(
    public source: number,
    public target: number,
    public weight: number,
    public flags: number,
    public cost: number,
    public label: number,
    public next: number,
    public previous: number,
  ) {}
}

function poolAllocFree(pool: Pool): (ops: number) => number {
  return (ops) => {
    let checksum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) {
        // `Handle | null` stored as is would box (see "Where handles box"); -1 stands for null.
        const handle = pool.alloc();
        handleSlots[index] = handle === null ? -1 : handle;
      }
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
    for (let index = 0; index < BATCH; index++) objectSlots[index] = new Edge(done, index, index, 0, 1, 2, 3, 4);
    checksum += (objectSlots[BATCH - 1] as Edge).weight;
  }
  return checksum;
}

// ---------------------------------------------------------------------------------------------
// Checked vs unchecked access to the same memory. Sums wrap at 32 bits (`| 0`) so they stay
// integers: a sum that outgrew the int32 range mid-run would deoptimize one loop and not another.

const RECORD = 32;

interface AccessFixture {
  readonly arena: Arena;
  readonly pool: Pool;
  readonly arenaHandles: Float64Array;
  readonly poolHandles: Float64Array;
  /** Offsets of the same records in `arenaView` / `poolView`, for the unchecked path. */
  readonly arenaOffsets: Int32Array;
  readonly poolOffsets: Int32Array;
  readonly arenaView: DataView;
  readonly poolView: DataView;
  readonly arenaMemory: Uint8Array;
  /** addressOf(h) - base = offset in `arenaMemory`. */
  readonly base: number;
}

function accessFixture(): AccessFixture {
  const arena = runtime.createArena(BATCH * RECORD * 2, 'bench-access');
  const pool = runtime.createPool(RECORD, BATCH, 'bench-access-pool', { tag: runtime.MemTag.General });
  const arenaHandles = new Float64Array(BATCH);
  const poolHandles = new Float64Array(BATCH);
  const arenaOffsets = new Int32Array(BATCH);
  const poolOffsets = new Int32Array(BATCH);
  for (let index = 0; index < BATCH; index++) {
    const handle = arena.allocAligned(RECORD, 8, runtime.MemTag.General);
    arenaHandles[index] = handle;
    const view = arena.bytes(handle);
    for (let byte = 0; byte < RECORD; byte++) view[byte] = (index + byte) & 0xff;
    arenaOffsets[index] = view.byteOffset;
    const slot = pool.alloc()!;
    poolHandles[index] = slot;
    const slotView = pool.bytes(slot);
    for (let byte = 0; byte < RECORD; byte++) slotView[byte] = (index * 3 + byte) & 0xff;
    poolOffsets[index] = slotView.byteOffset;
  }
  const first = arena.bytes(arenaHandles[0] as Handle);
  const arenaMemory = new Uint8Array(first.buffer);
  const base = arena.addressOf(arenaHandles[0] as Handle) - first.byteOffset;
  for (let index = 0; index < BATCH; index++) {
    if (arena.bytes(arenaHandles[index] as Handle).buffer !== first.buffer) {
      arena.destroy();
      pool.destroy();
      throw new Error('access fixture spilled into a second chunk; enlarge it');
    }
  }
  const poolView = new DataView(pool.bytes(poolHandles[0] as Handle).buffer);
  return { arena, pool, arenaHandles, poolHandles, arenaOffsets, poolOffsets, arenaView: new DataView(first.buffer), poolView, arenaMemory, base };
}

function uncheckedGetUint32(view: DataView, offsets: Int32Array): (ops: number) => number {
  return (ops) => {
    let sum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) sum = (sum + view.getUint32(offsets[index]! + 4, true)) | 0;
    }
    return sum;
  };
}

function arenaGetUint32({ arena, arenaHandles }: AccessFixture): (ops: number) => number {
  return (ops) => {
    let sum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) sum = (sum + arena.getUint32(arenaHandles[index] as Handle, 4)) | 0;
    }
    return sum;
  };
}

function poolGetUint32({ pool, poolHandles }: AccessFixture): (ops: number) => number {
  return (ops) => {
    let sum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) sum = (sum + pool.getUint32(poolHandles[index] as Handle, 4)) | 0;
    }
    return sum;
  };
}

function arenaSetUint32({ arena, arenaHandles }: AccessFixture): (ops: number) => number {
  return (ops) => {
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) arena.setUint32(arenaHandles[index] as Handle, 8, done + index);
    }
    return arena.getUint32(arenaHandles[0] as Handle, 8) & 1;
  };
}

function uncheckedSetUint32({ arenaView, arenaOffsets }: AccessFixture): (ops: number) => number {
  return (ops) => {
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) arenaView.setUint32(arenaOffsets[index]! + 8, done + index, true);
    }
    return arenaView.getUint32(arenaOffsets[0]! + 8, true) & 1;
  };
}

function addressOfByte({ arena, arenaHandles, arenaMemory, base }: AccessFixture): (ops: number) => number {
  return (ops) => {
    let sum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) sum = (sum + arenaMemory[arena.addressOf(arenaHandles[index] as Handle) - base]!) | 0;
    }
    return sum;
  };
}

function viewPerRead({ arena, arenaHandles }: AccessFixture): (ops: number) => number {
  return (ops) => {
    let sum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) sum = (sum + arena.bytes(arenaHandles[index] as Handle)[4]!) | 0;
    }
    return sum;
  };
}

// ---------------------------------------------------------------------------------------------
// Where the fast paths spend their time. Each step below is a stripped copy of the runtime's fast
// path (runtime/arena.ts `allocate` and `localAddress`) with one more part of it put back, run in the
// same rounds as the real thing: the differences between steps are what each part costs. (A CPU
// profile cannot show this: V8 inlines the whole fast path into the caller's loop.)

/** Flags read on every allocation, standing in for the runtime's module-level switches. */
const stepFlags = { stats: true, gate: null as (() => boolean) | null, debug: false };

class FastPathSteps {
  count = 0;
  recordCapacity = 1 << 16;
  recAddress = new Int32Array(1 << 16);
  recSize = new Uint32Array(1 << 16);
  currentOffset = 0;
  currentSize = ARENA_BYTES;
  currentBase = 0;
  genStartHandle = 2 ** 37 + 1;
  openTag = 0;
  openCounted = true;
  pendingBytes = 0;
  chargeBudget = 2 ** 52;
  readonly view = new DataView(new ArrayBuffer(ARENA_BYTES));

  /** A bump pointer that returns a handle (no records, no checks). */
  bump(size: number): number {
    const index = this.count;
    const offset = (this.currentOffset + 7) & ~7;
    this.currentOffset = offset + size;
    this.count = index + 1;
    return this.genStartHandle + index;
  }
  /** ...plus the two record writes (address, size). */
  records(size: number): number {
    const index = this.count;
    const offset = (this.currentOffset + 7) & ~7;
    this.currentOffset = offset + size;
    this.recAddress[index] = this.currentBase + offset;
    this.recSize[index] = size;
    this.count = index + 1;
    return this.genStartHandle + index;
  }
  /** ...plus the record-capacity and chunk-room checks. */
  room(size: number): number {
    const index = this.count;
    if (index === this.recordCapacity) throw new Error('records full');
    const offset = (this.currentOffset + 7) & ~7;
    if (offset + size > this.currentSize) throw new Error('chunk full');
    this.currentOffset = offset + size;
    this.recAddress[index] = this.currentBase + offset;
    this.recSize[index] = size;
    this.count = index + 1;
    return this.genStartHandle + index;
  }
  /** ...plus the size, tag, stats-switch, gate and debug checks and the stats budget: all of `allocate`. */
  full(size: number, tag: number): number {
    const counted = stepFlags.stats;
    const slow = !(size > 0 && size <= 2 ** 31 - 4096 && (size | 0) === size) || tag !== this.openTag || counted !== this.openCounted || stepFlags.gate !== null;
    if (slow) throw new Error('slow path');
    const index = this.count;
    if (index === this.recordCapacity) throw new Error('records full');
    const offset = (this.currentOffset + 7) & ~7;
    if (offset + size > this.currentSize) throw new Error('chunk full');
    this.currentOffset = offset + size;
    this.recAddress[index] = this.currentBase + offset;
    this.recSize[index] = size;
    this.count = index + 1;
    if (counted) {
      const pending = this.pendingBytes + size;
      this.pendingBytes = pending;
      if (pending > this.chargeBudget) throw new Error('flush');
    }
    if (stepFlags.debug) throw new Error('debug');
    return this.genStartHandle + index;
  }
  reset(): void {
    this.genStartHandle += this.count;
    this.count = 0;
    this.currentOffset = 0;
  }

  /** Access: the handle turned into a record index, no check at all. */
  readIndexOnly(handle: number, byteOffset: number): number {
    const index = (handle - this.genStartHandle) >>> 0;
    return this.view.getUint32(this.recAddress[index]! + byteOffset, true);
  }
  /** ...plus the liveness (generation) check. */
  readLive(handle: number, byteOffset: number): number {
    const offset = handle - this.genStartHandle;
    const index = offset >>> 0;
    if (index !== offset || index >= this.count) throw new Error('stale');
    return this.view.getUint32(this.recAddress[index]! + byteOffset, true);
  }
  /** ...plus the bounds check within the allocation and the current-chunk test: all of `localAddress`. */
  readChecked(handle: number, byteOffset: number): number {
    const offset = handle - this.genStartHandle;
    const index = offset >>> 0;
    if (index !== offset || index >= this.count) throw new Error('stale');
    const start = byteOffset >>> 0;
    if (start !== byteOffset || start + 4 > this.recSize[index]!) throw new Error('out of bounds');
    const address = this.recAddress[index]! + start;
    if (address < this.currentBase) throw new Error('earlier chunk');
    return this.view.getUint32(address - this.currentBase, true);
  }
}

function stepAlloc(steps: FastPathSteps, step: 'bump' | 'records' | 'room' | 'full'): (ops: number) => number {
  // One loop per step, so each stays monomorphic.
  const loops = {
    bump: (ops: number) => {
      let checksum = 0;
      for (let done = 0; done < ops; done += RESET_EVERY) {
        for (let index = 0; index < RESET_EVERY; index++) handleSlots[index] = steps.bump(sizes[(done + index) & SIZES_MASK]!);
        checksum += handleSlots[RESET_EVERY - 1]! % 1024;
        steps.reset();
      }
      return checksum;
    },
    records: (ops: number) => {
      let checksum = 0;
      for (let done = 0; done < ops; done += RESET_EVERY) {
        for (let index = 0; index < RESET_EVERY; index++) handleSlots[index] = steps.records(sizes[(done + index) & SIZES_MASK]!);
        checksum += handleSlots[RESET_EVERY - 1]! % 1024;
        steps.reset();
      }
      return checksum;
    },
    room: (ops: number) => {
      let checksum = 0;
      for (let done = 0; done < ops; done += RESET_EVERY) {
        for (let index = 0; index < RESET_EVERY; index++) handleSlots[index] = steps.room(sizes[(done + index) & SIZES_MASK]!);
        checksum += handleSlots[RESET_EVERY - 1]! % 1024;
        steps.reset();
      }
      return checksum;
    },
    full: (ops: number) => {
      let checksum = 0;
      for (let done = 0; done < ops; done += RESET_EVERY) {
        for (let index = 0; index < RESET_EVERY; index++) handleSlots[index] = steps.full(sizes[(done + index) & SIZES_MASK]!, 0);
        checksum += handleSlots[RESET_EVERY - 1]! % 1024;
        steps.reset();
      }
      return checksum;
    },
  };
  return loops[step];
}

function stepRead(steps: FastPathSteps, handles: Float64Array, step: 'index' | 'live' | 'checked'): (ops: number) => number {
  const loops = {
    index: (ops: number) => {
      let sum = 0;
      for (let done = 0; done < ops; done += BATCH) for (let index = 0; index < BATCH; index++) sum = (sum + steps.readIndexOnly(handles[index]!, 4)) | 0;
      return sum;
    },
    live: (ops: number) => {
      let sum = 0;
      for (let done = 0; done < ops; done += BATCH) for (let index = 0; index < BATCH; index++) sum = (sum + steps.readLive(handles[index]!, 4)) | 0;
      return sum;
    },
    checked: (ops: number) => {
      let sum = 0;
      for (let done = 0; done < ops; done += BATCH) for (let index = 0; index < BATCH; index++) sum = (sum + steps.readChecked(handles[index]!, 4)) | 0;
      return sum;
    },
  };
  return loops[step];
}

// ---------------------------------------------------------------------------------------------
// Where handles box: JS-heap bytes per stored handle, by how it is stored (docs/guides/runtime.md).

interface Holder {
  handle: Handle | null;
}
interface NumberHolder {
  handle: number;
}
/** A class whose field only ever holds numbers (-1 when empty). */
class HandleSlot {
  handle = -1;
}

function boxingCases(pool: Pool, arena: Arena): { name: string; run: (ops: number) => number }[] {
  const f64 = new Float64Array(BATCH);
  const withNull: (Handle | null)[] = new Array<Handle | null>(BATCH).fill(null);
  const withSentinel: number[] = new Array<number>(BATCH).fill(-1);
  const nullHolder: Holder = { handle: null };
  const numberHolder: NumberHolder = { handle: -1 };
  const slot = new HandleSlot();
  const map = new Map<number, number>();
  for (let index = 0; index < BATCH; index++) map.set(index, -1);
  const cycle = (store: (index: number) => void, release: (index: number) => number) => (ops: number) => {
    let checksum = 0;
    for (let done = 0; done < ops; done += BATCH) {
      for (let index = 0; index < BATCH; index++) store(index);
      for (let index = 0; index < BATCH; index++) checksum += release(index);
    }
    return checksum;
  };
  return [
    {
      name: 'arena handle -> Float64Array',
      run: (ops) => {
        let checksum = 0;
        for (let done = 0; done < ops; done += BATCH) {
          for (let index = 0; index < BATCH; index++) f64[index] = arena.alloc(16);
          checksum += f64[BATCH - 1]! & 1;
          arena.reset();
        }
        return checksum;
      },
    },
    {
      name: 'arena handle -> array that holds null',
      run: (ops) => {
        let checksum = 0;
        for (let done = 0; done < ops; done += BATCH) {
          for (let index = 0; index < BATCH; index++) withNull[index] = arena.alloc(16);
          checksum += withNull[BATCH - 1]! & 1;
          arena.reset();
          withNull[0] = null;
        }
        return checksum;
      },
    },
    {
      name: 'pool handle (Handle or null) -> Float64Array, null as -1',
      run: cycle(
        (index) => {
          const handle = pool.alloc();
          f64[index] = handle === null ? -1 : handle;
        },
        (index) => {
          pool.free(f64[index] as Handle);
          return 1;
        },
      ),
    },
    {
      name: 'pool handle -> number[] with -1 sentinel',
      run: cycle(
        (index) => {
          const handle = pool.alloc();
          withSentinel[index] = handle === null ? -1 : handle;
        },
        (index) => {
          pool.free(withSentinel[index] as Handle);
          withSentinel[index] = -1;
          return 1;
        },
      ),
    },
    {
      name: 'pool handle -> (Handle or null)[] holding null',
      run: cycle(
        (index) => {
          withNull[index] = pool.alloc();
        },
        (index) => {
          pool.free(withNull[index]!);
          withNull[index] = null;
          return 1;
        },
      ),
    },
    {
      name: 'pool handle -> object field that has held null',
      run: cycle(
        () => {
          nullHolder.handle = pool.alloc();
          pool.free(nullHolder.handle!);
          nullHolder.handle = null;
        },
        () => 1,
      ),
    },
    {
      name: 'pool handle -> number field of an object literal, -1 when empty',
      run: cycle(
        () => {
          const handle = pool.alloc();
          numberHolder.handle = handle === null ? -1 : handle;
          pool.free(numberHolder.handle as Handle);
          numberHolder.handle = -1;
        },
        () => 1,
      ),
    },
    {
      name: 'pool handle -> number field of a class instance, -1 when empty',
      run: cycle(
        () => {
          const handle = pool.alloc();
          slot.handle = handle === null ? -1 : handle;
          pool.free(slot.handle as Handle);
          slot.handle = -1;
        },
        () => 1,
      ),
    },
    {
      name: 'pool handle -> Map value',
      run: cycle(
        (index) => {
          const handle = pool.alloc();
          map.set(index, handle === null ? -1 : handle);
        },
        (index) => {
          pool.free(map.get(index)! as Handle);
          return 1;
        },
      ),
    },
  ];
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

/** What the numbers above say about the bars that are not met, and the designs tried. */
const WHY_NOT_MET = [
  '**Why some bars are not met.** The checked read is the unchecked `DataView.getUint32` plus a fixed amount of',
  'work: turn the handle (a double) into a record index and back to check it was whole, compare it with the',
  'live count, load the size and address records (two typed arrays, each a header load and a bounds check),',
  'compare the bounds, test for the current chunk. In V8\'s optimized code for the loop above that is about 60',
  'instructions per read against about 12 for the unchecked read, and no single part dominates (rows above):',
  'a 1.3x bar leaves room for a handful of instructions, and the generation check alone takes more. The same',
  'holds for `alloc`: @thi.ng/malloc and the bump pointer keep no per-allocation records and check no handles;',
  'the record writes and the checks are each a visible step above, and the `setUint32` that follows is a',
  'second full handle and bounds check. Pools: the stats (two per-tag charges per alloc + free) are a large',
  'part of `pool.alloc + free` (stats on vs off below). In two of four runs on the loaded machine',
  '`pool.alloc + free` showed 16 B per op (one HeapNumber per operation: a handle boxed somewhere in that',
  'loop\'s optimized code) and 0 B in the others; in a standalone loop V8 inlines all of it. Not explained yet.',
  '',
  'Designs tried, each measured side by side with the one before on the loaded machine (minimum of 25',
  'interleaved rounds): the alloc fast path as one condition with everything rare in a separate, not inlined',
  '`allocateSlow` (alloc + setUint32 from 19.6 to 14.8 ns, alloc alone from 13.3 to 12.2 ns; kept); accessors',
  'returning an offset instead of a view plus an offset in a field (12.1 to 9.2 ns per checked read; kept);',
  'one mode word instead of three module-level switches (no difference within the noise; not kept); dropping',
  'the running byte count of the stats altogether, to see what charging by address range could gain (no',
  'measurable difference; not pursued). Next designs, not built: interleave address and size in one',
  '`Int32Array` (one typed-array header load and bounds check fewer on every allocation and checked access);',
  'defer pool charges as arenas do (pool-local alloc and free counts and the highest net since the last',
  'flush, charged in one batch; exact for the same reason as the arenas\' deferred charges: every other charge',
  'of the tag flushes first).',
].join('\n');

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = loadavg()[0]!;
  runtime.setDebugMode(false);
  setStatsEnabled?.(true);

  // 1. Small blocks, one uint32 written into each, reset per 10,000.
  const arena = runtime.createArena(ARENA_BYTES, 'bench-small-blocks');
  const allocOnlyArena = runtime.createArena(ARENA_BYTES, 'bench-alloc-only');
  const mallocPool = new MemPool({ size: ARENA_BYTES + 4096, align: 8 });
  const bumpMemory = new DataView(new ArrayBuffer(ARENA_BYTES));
  const emptyArena = runtime.createArena(64, 'bench-empty-reset');
  const ARENA_CASE = 'arena.alloc + setUint32, reset per 10k';
  const UINT8_CASE = 'new Uint8Array + 4 byte writes (GC reclaims)';
  const MALLOC_CASE = '@thi.ng/malloc malloc + DataView.setUint32, freeAll per 10k';
  const BUMP_CASE = 'bare bump pointer + DataView.setUint32 (no checks)';
  const ALLOC_ONLY_CASE = 'arena.alloc only, reset per 10k (no write)';
  const EMPTY_RESET_CASE = 'arena.reset() with nothing allocated (ns per reset)';
  const allocCases: BenchCase[] = [
    { name: ARENA_CASE, ops: ALLOCATIONS_PER_RUN, run: arenaAllocWrite(arena) },
    { name: UINT8_CASE, ops: ALLOCATIONS_PER_RUN, run: newUint8Array },
    { name: MALLOC_CASE, ops: ALLOCATIONS_PER_RUN, run: thingMalloc(mallocPool) },
    { name: BUMP_CASE, ops: ALLOCATIONS_PER_RUN, run: bareBump(bumpMemory) },
    { name: ALLOC_ONLY_CASE, ops: ALLOCATIONS_PER_RUN, run: arenaAllocOnly(allocOnlyArena) },
    { name: EMPTY_RESET_CASE, ops: ALLOCATIONS_PER_RUN / 10, run: emptyResets(emptyArena) },
  ];
  const allocTimings = timeCases(allocCases, ROUNDS);

  // 2. Pools.
  const pool = runtime.createPool(64, BATCH, 'bench-pool', { tag: runtime.MemTag.General });
  const objectPool = runtime.createObjectPool(() => new Edge(0, 0, 0, 0, 0, 0, 0, 0), BATCH, 'bench-object-pool', { tag: runtime.MemTag.General });
  const POOL_CASE = 'pool.alloc + free (64-byte slots, handles in a Float64Array)';
  const NEW_CASE = 'new Edge() (8 fields, GC reclaims)';
  const poolCases: BenchCase[] = [
    { name: POOL_CASE, ops: ALLOCATIONS_PER_RUN, run: poolAllocFree(pool) },
    { name: 'objectPool.alloc + get + free', ops: ALLOCATIONS_PER_RUN, run: objectPoolAllocFree(objectPool) },
    { name: NEW_CASE, ops: ALLOCATIONS_PER_RUN, run: newObjects },
  ];
  const poolTimings = timeCases(poolCases, ROUNDS);

  // 3. Access.
  const fixture = accessFixture();
  const READS = ALLOCATIONS_PER_RUN * 4;
  const UNCHECKED_ARENA = 'DataView.getUint32, arena memory (unchecked)';
  const CHECKED_ARENA = 'arena.getUint32(h, 4) (checked)';
  const UNCHECKED_POOL = 'DataView.getUint32, pool memory (unchecked)';
  const CHECKED_POOL = 'pool.getUint32(h, 4) (checked)';
  const UNCHECKED_SET = 'DataView.setUint32, arena memory (unchecked)';
  const CHECKED_SET = 'arena.setUint32(h, 8, v) (checked)';
  const accessCases: BenchCase[] = [
    { name: UNCHECKED_ARENA, ops: READS, run: uncheckedGetUint32(fixture.arenaView, fixture.arenaOffsets) },
    { name: CHECKED_ARENA, ops: READS, run: arenaGetUint32(fixture) },
    { name: UNCHECKED_POOL, ops: READS, run: uncheckedGetUint32(fixture.poolView, fixture.poolOffsets) },
    { name: CHECKED_POOL, ops: READS, run: poolGetUint32(fixture) },
    { name: UNCHECKED_SET, ops: READS, run: uncheckedSetUint32(fixture) },
    { name: CHECKED_SET, ops: READS, run: arenaSetUint32(fixture) },
    { name: '1 byte via arena.addressOf(h) + a Uint8Array of the chunk', ops: READS, run: addressOfByte(fixture) },
    { name: '1 byte via arena.bytes(h) (a view per read)', ops: READS, run: viewPerRead(fixture) },
  ];
  const accessTimings = timeCases(accessCases, ROUNDS);

  // 3b. Where the time goes: stripped copies of the fast paths, step by step, next to the real ones.
  const allocSteps = new FastPathSteps();
  const readSteps = new FastPathSteps();
  const stepHandles = new Float64Array(BATCH);
  for (let index = 0; index < BATCH; index++) stepHandles[index] = readSteps.records(RECORD);
  const STEP_ALLOC_REAL = 'arena.alloc (the runtime, same loop)';
  const STEP_READ_REAL = 'arena.getUint32 (the runtime, same loop)';
  const allocStepTimings = timeCases(
    [
      { name: 'bump pointer returning a handle', ops: ALLOCATIONS_PER_RUN, run: stepAlloc(allocSteps, 'bump') },
      { name: '+ two record writes (address, size)', ops: ALLOCATIONS_PER_RUN, run: stepAlloc(allocSteps, 'records') },
      { name: '+ record-capacity and chunk-room checks', ops: ALLOCATIONS_PER_RUN, run: stepAlloc(allocSteps, 'room') },
      { name: '+ size, tag, stats, gate, debug checks and stats budget (= allocate)', ops: ALLOCATIONS_PER_RUN, run: stepAlloc(allocSteps, 'full') },
      { name: STEP_ALLOC_REAL, ops: ALLOCATIONS_PER_RUN, run: arenaAllocOnly(allocOnlyArena) },
    ],
    ROUNDS,
  );
  const readStepTimings = timeCases(
    [
      { name: UNCHECKED_ARENA, ops: READS, run: uncheckedGetUint32(fixture.arenaView, fixture.arenaOffsets) },
      { name: 'handle -> record index, no check', ops: READS, run: stepRead(readSteps, stepHandles, 'index') },
      { name: '+ liveness (generation) check', ops: READS, run: stepRead(readSteps, stepHandles, 'live') },
      { name: '+ bounds check and chunk test (= localAddress)', ops: READS, run: stepRead(readSteps, stepHandles, 'checked') },
      { name: STEP_READ_REAL, ops: READS, run: arenaGetUint32(fixture) },
    ],
    ROUNDS,
  );

  // 4. Minor collections during a million operations.
  const million = (run: (ops: number) => number) => () => run(GC_COUNT_ALLOCATIONS);
  // The loops timed above, already optimized: a fresh closure would start in the interpreter, where
  // every handle is boxed, and count collections that optimized code never causes.
  const timed = (cases: readonly BenchCase[], name: string): ((ops: number) => number) => {
    const found = cases.find((bench) => bench.name === name);
    if (!found) throw new Error(`no case named ${name}`);
    return found.run;
  };
  const runs = {
    arena: timed(allocCases, ARENA_CASE),
    uint8: timed(allocCases, UINT8_CASE),
    malloc: timed(allocCases, MALLOC_CASE),
    bump: timed(allocCases, BUMP_CASE),
    emptyReset: timed(allocCases, EMPTY_RESET_CASE),
    pool: timed(poolCases, POOL_CASE),
    objectPool: timed(poolCases, 'objectPool.alloc + get + free'),
    objects: timed(poolCases, NEW_CASE),
    arenaGet: timed(accessCases, CHECKED_ARENA),
    poolGet: timed(accessCases, CHECKED_POOL),
    arenaSet: timed(accessCases, CHECKED_SET),
  };
  const collections = {
    arena: await countCollections(million(runs.arena)),
    uint8: await countCollections(million(runs.uint8)),
    malloc: await countCollections(million(runs.malloc)),
    bump: await countCollections(million(runs.bump)),
    pool: await countCollections(million(runs.pool)),
    objectPool: await countCollections(million(runs.objectPool)),
    objects: await countCollections(million(runs.objects)),
    arenaGet: await countCollections(million(runs.arenaGet)),
    poolGet: await countCollections(million(runs.poolGet)),
    arenaSet: await countCollections(million(runs.arenaSet)),
  };

  // 5. JS-heap bytes per operation (windows of 20,000; the small-block loops reset per 10k inside).
  const heapPerOp = {
    arena: heapBytesPerOp(runs.arena),
    pool: heapBytesPerOp(runs.pool),
    uint8: heapBytesPerOp(runs.uint8),
    objectPool: heapBytesPerOp(runs.objectPool),
    objects: heapBytesPerOp(runs.objects),
    malloc: heapBytesPerOp(runs.malloc),
    bump: heapBytesPerOp(runs.bump),
    arenaGet: heapBytesPerOp(runs.arenaGet),
    poolGet: heapBytesPerOp(runs.poolGet),
    arenaSet: heapBytesPerOp(runs.arenaSet),
    emptyReset: heapBytesPerOp(runs.emptyReset),
  };

  // 6. Where handles box.
  const boxingPool = runtime.createPool(16, BATCH, 'bench-boxing', { tag: runtime.MemTag.General });
  const boxingArena = runtime.createArena(BATCH * 16 * 2, 'bench-boxing');
  const boxing = boxingCases(boxingPool, boxingArena).map(({ name, run }) => ({ name, bytes: heapBytesPerOp(run, BATCH * 20) }));
  boxingPool.destroy();
  boxingArena.destroy();

  // 7. Cost of stats and debug mode on the arena fast path, measured last: running with stats off
  // or in debug mode teaches V8 about branches the fast path never takes otherwise, which can change
  // how it optimizes alloc for everything measured after. The stats switch is flipped between
  // blocks of rounds, not inside them: each flip can send the optimized alloc back to the
  // interpreter, and a warm-up round after every flip lets it re-optimize before timing.
  const costTimings: Timing[] = [];
  const STATS_ON = 'stats on (default)';
  const STATS_OFF = 'stats off (setStatsEnabled(false))';
  if (setStatsEnabled) {
    const statsOn: number[] = [];
    const statsOff: number[] = [];
    const run = runs.arena;
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
    costTimings.push({ name: STATS_ON, nsPerOp: median(statsOn), rounds: statsOn });
    costTimings.push({ name: STATS_OFF, nsPerOp: median(statsOff), rounds: statsOff });
    const poolOn: number[] = [];
    const poolOff: number[] = [];
    const poolRun = runs.pool;
    for (let block = 0; block < ROUNDS; block++) {
      for (const [enabled, samples] of [
        [true, poolOn],
        [false, poolOff],
      ] as const) {
        setStatsEnabled(enabled);
        const [timing] = timeCases([{ name: 'block', ops: ALLOCATIONS_PER_RUN, run: poolRun }], 1, 1);
        samples.push(timing!.nsPerOp);
      }
    }
    setStatsEnabled(true);
    costTimings.push({ name: 'pool.alloc + free, stats on', nsPerOp: median(poolOn), rounds: poolOn });
    costTimings.push({ name: 'pool.alloc + free, stats off', nsPerOp: median(poolOff), rounds: poolOff });
  } else {
    costTimings.push(...timeCases([{ name: STATS_ON, ops: ALLOCATIONS_PER_RUN, run: arenaAllocWrite(arena) }], ROUNDS));
  }
  // Debug mode captures a stack per allocation: far slower, so fewer operations and its own arena.
  const debugArena = runtime.createArena(ARENA_BYTES, 'bench-debug');
  runtime.setDebugMode(true);
  const debugTimings = timeCases([{ name: 'debug mode on', ops: RESET_EVERY * 2, run: arenaAllocWrite(debugArena) }], 5, 1);
  runtime.setDebugMode(false);
  debugArena.destroy();

  fixture.arena.destroy();
  fixture.pool.destroy();
  arena.destroy();
  allocOnlyArena.destroy();
  emptyArena.destroy();
  pool.destroy();
  objectPool.destroy();

  // ---------------------------------------------------------------------------------------------
  // Verdicts, computed from the numbers above

  const arenaNs = byName(allocTimings, ARENA_CASE);
  const verdicts: Verdict[] = [];
  const ratio = (numerator: number, denominator: number): string => `${formatNumber(numerator / denominator)}x`;
  verdicts.push({
    bar: 'arena alloc + setUint32 no slower than @thi.ng/malloc doing the same',
    measured: `${ratio(arenaNs, byName(allocTimings, MALLOC_CASE))} its time`,
    met: arenaNs <= byName(allocTimings, MALLOC_CASE),
  });
  verdicts.push({
    bar: 'arena alloc + setUint32 >= 3x faster than new Uint8Array',
    measured: `${ratio(byName(allocTimings, UINT8_CASE), arenaNs)} faster`,
    met: byName(allocTimings, UINT8_CASE) / arenaNs >= 3,
  });
  verdicts.push({
    bar: 'arena alloc + setUint32 within 3x of a bare bump pointer',
    measured: `${ratio(arenaNs, byName(allocTimings, BUMP_CASE))} its time`,
    met: arenaNs / byName(allocTimings, BUMP_CASE) <= 3,
  });
  verdicts.push({
    bar: 'pool alloc + free no slower than new of an 8-field object',
    measured: `${ratio(byName(poolTimings, POOL_CASE), byName(poolTimings, NEW_CASE))} its time`,
    met: byName(poolTimings, POOL_CASE) <= byName(poolTimings, NEW_CASE),
  });
  for (const [checked, unchecked] of [
    [CHECKED_ARENA, UNCHECKED_ARENA],
    [CHECKED_POOL, UNCHECKED_POOL],
  ] as const) {
    const times = byName(accessTimings, checked) / byName(accessTimings, unchecked);
    verdicts.push({ bar: `${checked.split('(')[0]!.trim()} within 1.3x of an unchecked DataView.getUint32`, measured: `${formatNumber(times)}x`, met: times <= 1.3 });
  }
  if (setStatsEnabled) {
    const statsCost = byName(costTimings, STATS_ON) / byName(costTimings, STATS_OFF) - 1;
    verdicts.push({ bar: 'stats on within 10% of stats off (arena alloc + setUint32)', measured: signedPercent(statsCost), met: statsCost <= 0.1 });
  } else {
    verdicts.push({ bar: 'stats on within 10% of stats off (arena alloc + setUint32)', measured: 'not measurable: the runtime has no setStatsEnabled', met: false });
  }
  const resetNs = byName(allocTimings, EMPTY_RESET_CASE);
  const allocOnlyNs = byName(allocTimings, ALLOC_ONLY_CASE);
  verdicts.push({
    bar: 'empty reset() no dearer than 5 allocations',
    measured: `${formatNumber(resetNs)} ns = ${formatNumber(resetNs / allocOnlyNs)} allocations of ${formatNumber(allocOnlyNs)} ns`,
    met: resetNs <= 5 * allocOnlyNs,
  });
  const zeroBar = (what: string, bytes: number, gcs: number): Verdict => ({
    bar: `0 B per op: ${what}`,
    measured: `${formatNumber(bytes)} B/op, ${gcs} minor GCs per 1M`,
    met: bytes < 0.5 && gcs === 0,
  });
  verdicts.push(zeroBar('arena alloc + setUint32 (+ reset per 10k)', heapPerOp.arena, collections.arena));
  verdicts.push(zeroBar('pool alloc + free', heapPerOp.pool, collections.pool));
  verdicts.push(zeroBar('arena.getUint32 / pool.getUint32 / arena.setUint32', Math.max(heapPerOp.arenaGet, heapPerOp.poolGet, heapPerOp.arenaSet), collections.arenaGet + collections.poolGet + collections.arenaSet));

  const debugNs = median(debugTimings[0]!.rounds);
  // A handle above the small-integer range is a double: returned from a call that is not inlined it
  // is boxed in a 16-byte HeapNumber, which is what a nonzero heap-bytes figure usually means.
  const probeArena = runtime.createArena(64, 'bench-probe');
  const sampleHandle = probeArena.alloc(8, runtime.MemTag.General);
  probeArena.destroy();
  const handleIsSmall = Number.isInteger(sampleHandle) && sampleHandle <= 2 ** 30 - 1;
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const doc = [
    '## Runtime',
    '',
    `${machineLine()}. Produced by \`npm run bench\` (bench/runtime.bench.ts) in ${seconds} s; each number is the`,
    `median of ${ROUNDS} interleaved rounds after 2 warm-up rounds (every case of a table runs once per round, so`,
    'load from other processes falls on all of them alike); sizes are 16-64 bytes from a fixed sequence.',
    `Load average when the run started: ${loadAtStart.toFixed(1)} on ${cpus().length} cores${
      loadAtStart > cpus().length ? ': a loaded machine, where medians swing from run to run and only the minimums (spread column) are steady' : ''
    }.`,
    '',
    '### Bars',
    '',
    markdownTable(
      ['bar', 'measured', 'met'],
      verdicts.map((verdict) => [verdict.bar, verdict.measured, verdict.met ? 'met' : '**not met**']),
    ),
    '',
    '### Small blocks: allocate, write one uint32, release per 10,000',
    '',
    'Each case allocates 16-64 bytes, writes one little-endian uint32 into it and keeps it until its batch of',
    `${RESET_EVERY.toLocaleString('en-US')} ends (arena: \`reset()\`; @thi.ng/malloc: \`freeAll()\`; \`new Uint8Array\`: dropped for the GC).`,
    'The arena checks the handle and the bounds on `setUint32` and keeps exact per-tag stats; the others check nothing.',
    '',
    timingTable(allocTimings, BUMP_CASE),
    '',
    '### Pools vs `new`',
    '',
    timingTable(poolTimings, NEW_CASE),
    '',
    '### Checked vs unchecked access (same memory)',
    '',
    'Unchecked: `DataView.getUint32(offset, true)` at an offset computed beforehand. Checked: the accessor checks',
    'the handle (owner, generation) and the bounds within the allocation on every call. Handles are read from a',
    '`Float64Array`, 1,024 records of 32 bytes.',
    '',
    timingTable(accessTimings, null),
    '',
    '### Where the time goes',
    '',
    'A CPU profile cannot split the fast paths: V8 inlines all of `alloc` and `getUint32` into the caller\'s loop.',
    'Instead each row below is a stripped copy of the fast path (bench/runtime.bench.ts, `FastPathSteps`) with one',
    'more part of it put back, timed in the same interleaved rounds as the runtime itself; the last row of each',
    'table is the runtime. The allocation rows reset per 10k like the runtime row, but their reset does nothing,',
    'so the difference between the last two allocation rows is the runtime\'s `reset()` (stats and size classes',
    'of 10,000 records) plus its module-level switches, which the copy reads from a plain object.',
    '',
    timingTable(allocStepTimings, null),
    '',
    timingTable(readStepTimings, UNCHECKED_ARENA),
    '',
    WHY_NOT_MET,
    '',
    '### Cost of stats and debug mode',
    '',
    `Stats on and off alternate in ${ROUNDS} blocks of one warm-up and one timed run each (flipping the switch can`,
    'deoptimize `alloc`, so it is never flipped inside a timed run); debug mode: 5 rounds of 20,000 allocations.',
    '',
    markdownTable(
      ['mode (arena: alloc + setUint32, reset per 10k)', 'ns/op (median)', 'vs stats on (its own kind)'],
      [
        ...costTimings.map((timing) => [
          timing.name,
          formatNumber(timing.nsPerOp),
          ratio(timing.nsPerOp, byName(costTimings, timing.name.startsWith('pool') ? 'pool.alloc + free, stats on' : STATS_ON)),
        ]),
        ['debug mode on (stack captured per allocation)', formatNumber(debugNs), ratio(debugNs, byName(costTimings, STATS_ON))],
      ],
    ),
    '',
    '### Garbage collection and JS-heap allocation',
    '',
    `Minor GCs: \`PerformanceObserver\` entries of type \`gc\` with \`detail.kind === NODE_PERFORMANCE_GC_MINOR\``,
    `(scavenges) during ${GC_COUNT_ALLOCATIONS.toLocaleString('en-US')} operations, after a forced full GC.`,
    'Heap bytes per op: `process.memoryUsage().heapUsed` read around windows of 20,000 operations; windows in',
    'which a collection ran (heapUsed fell) are discarded; the same reading around an empty loop is subtracted;',
    'median window, divided by its operations.',
    `A sample arena handle is ${sampleHandle}: ${handleIsSmall ? 'within' : 'beyond'} V8's small-integer range (2^30 - 1 with pointer compression, 2^31 - 1 without)${handleIsSmall ? '' : ', so a handle stored where V8 keeps tagged values is boxed in a 16-byte HeapNumber (next table)'}.`,
    '',
    markdownTable(
      ['operation', `minor GCs per ${GC_COUNT_ALLOCATIONS.toLocaleString('en-US')} ops`, 'JS-heap bytes per op'],
      [
        ['arena.alloc + setUint32 (+ reset per 10k)', String(collections.arena), formatNumber(heapPerOp.arena)],
        ['pool.alloc + free', String(collections.pool), formatNumber(heapPerOp.pool)],
        ['arena.getUint32', String(collections.arenaGet), formatNumber(heapPerOp.arenaGet)],
        ['pool.getUint32', String(collections.poolGet), formatNumber(heapPerOp.poolGet)],
        ['arena.setUint32', String(collections.arenaSet), formatNumber(heapPerOp.arenaSet)],
        ['empty arena.reset()', '-', formatNumber(heapPerOp.emptyReset)],
        ['new Uint8Array', String(collections.uint8), formatNumber(heapPerOp.uint8)],
        ['objectPool.alloc + get + free', String(collections.objectPool), formatNumber(heapPerOp.objectPool)],
        ['new Edge() (8 fields)', String(collections.objects), formatNumber(heapPerOp.objects)],
        ['@thi.ng/malloc', String(collections.malloc), formatNumber(heapPerOp.malloc)],
        ['bare bump pointer', String(collections.bump), formatNumber(heapPerOp.bump)],
      ],
    ),
    '',
    '### Where handles box',
    '',
    'JS-heap bytes per handle stored and released, by where the handle is stored (optimized code; unoptimized',
    'code boxes every handle). 16 B is one HeapNumber per handle.',
    '',
    markdownTable(
      ['storage', 'JS-heap bytes per handle'],
      boxing.map(({ name, bytes }) => [name, formatNumber(bytes)]),
    ),
  ].join('\n');

  writeDocSection('runtime', doc);
  console.log(doc);
  console.log(`\nchecksum ${sink.checksum}`);
}

await main();
