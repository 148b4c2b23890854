// Property tests: random programs over arenas, pools, object pools and tagged allocations, run
// against the reference model in ./model.ts, which checks after every step that live allocations
// never overlap, that what was written reads back, that stale and foreign handles throw the right
// code, and that per-tag stats and owner counters equal the model's.
//
// A failure prints the shrunk program (fast-check's counterexample) and, in the error, the step by
// step trace of that program with the runtime's answers, ending at the first disagreement.
// Reproduce with FC_SEED=<seed from the report>; FC_RUNS_SCALE=10 runs ten times as many programs.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as runtime from '../../runtime/index.js';
import { configureHandleLayout, getHandleLayout } from '../../runtime/internal.js';
import type { Tag } from '../../runtime/types.js';
import { type DestroyVia, type ModelSettings, type Op, type RuntimeUnderTest, coverage, runProgram } from './model.js';

const underTest: RuntimeUnderTest = runtime;

const settings: ModelSettings = {
  tags: [runtime.defineTag('property-a'), runtime.defineTag('property-b'), runtime.defineTag('property-c')] as readonly Tag[],
  arenaChargedBytes: (size) => size,
  defaultAlignment: runtime.DEFAULT_ALIGNMENT,
};

// Fixed seed per run unless FC_SEED is given, so CI failures reproduce; FC_RUNS scales the counts.
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const scale = process.env.FC_RUNS_SCALE === undefined ? 1 : Number(process.env.FC_RUNS_SCALE);
const runs = (count: number): fc.Parameters<[Op[]]> => ({
  numRuns: Math.max(1, Math.round(count * scale)),
  ...(seed === undefined ? {} : { seed }),
});

// ---------------------------------------------------------------------------------------------
// Arbitraries

const index = fc.nat({ max: 15 });
const destroyVia = fc.constantFrom<DestroyVia>('destroy', 'dispose');
const tagIndex = fc.option(fc.nat({ max: 2 }), { nil: null, freq: 3 });
/** Mostly small blocks, sometimes bigger than the first chunk so overflow chunks get chained. */
const blockSize = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 64 }) },
  { weight: 1, arbitrary: fc.integer({ min: 65, max: 1200 }) },
);
const alignment = fc.constantFrom(1, 2, 4, 8, 16, 32, 64, 256, 4096);
const invalidSize = fc.constantFrom(0, -1, -64, 0.5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
const invalidAlignment = fc.constantFrom(0, 3, 6, 12, 24, -8, 1.5, 8192, Number.NaN);

/** A budget, when there is one, is a multiple of the first chunk (a smaller one is refused at creation). */
const createArena = fc
  .record({
    initialSize: fc.constantFrom(64, 128, 256, 1024),
    budgetChunks: fc.option(fc.constantFrom(1, 2, 4), { nil: null, freq: 3 }),
    tag: fc.nat({ max: 2 }),
  })
  .map(({ initialSize, budgetChunks, tag }): Op => ({
    op: 'createArena',
    initialSize,
    maxBytes: budgetChunks === null ? null : initialSize * budgetChunks,
    tag,
  }));
const createPool = fc.record({
  op: fc.constant('createPool' as const),
  objectSize: fc.integer({ min: 1, max: 48 }),
  count: fc.integer({ min: 1, max: 6 }),
  growable: fc.boolean(),
  tag: fc.nat({ max: 2 }),
});
const createObjectPool = fc.record({
  op: fc.constant('createObjectPool' as const),
  count: fc.integer({ min: 1, max: 5 }),
  growable: fc.boolean(),
  tag: fc.nat({ max: 2 }),
  bytesPerObject: fc.constantFrom(0, 8, 40),
});

const arenaOps = {
  alloc: fc.record({ op: fc.constant('alloc' as const), arena: index, size: blockSize, tag: tagIndex }),
  allocAligned: fc.record({ op: fc.constant('allocAligned' as const), arena: index, size: blockSize, align: alignment, tag: tagIndex }),
  allocInvalidSize: fc.record({ op: fc.constant('allocInvalidSize' as const), arena: index, size: invalidSize }),
  allocInvalidAlign: fc.record({ op: fc.constant('allocInvalidAlign' as const), arena: index, align: invalidAlignment }),
  allocInvalidTag: fc.record({ op: fc.constant('allocInvalidTag' as const), arena: index, tag: fc.constantFrom(-1, 0.5, 255, 4096, Number.NaN) }),
  reset: fc.record({ op: fc.constant('reset' as const), arena: index }),
  destroyArena: fc.record({ op: fc.constant('destroyArena' as const), arena: index, via: destroyVia }),
};
const poolOps = {
  poolAlloc: fc.record({ op: fc.constant('poolAlloc' as const), pool: index }),
  free: fc.record({ op: fc.constant('free' as const), handle: index }),
  destroyPool: fc.record({ op: fc.constant('destroyPool' as const), pool: index, via: destroyVia }),
};
const objectPoolOps = {
  objectAlloc: fc.record({ op: fc.constant('objectAlloc' as const), objectPool: index }),
  objectFree: fc.record({ op: fc.constant('objectFree' as const), handle: index }),
  destroyObjectPool: fc.record({ op: fc.constant('destroyObjectPool' as const), objectPool: index, via: destroyVia }),
};
const accessOps = {
  write: fc.record({ op: fc.constant('write' as const), handle: index, seed: fc.nat({ max: 255 }) }),
  read: fc.record({ op: fc.constant('read' as const), handle: index }),
  readViaOther: fc.record({ op: fc.constant('readViaOther' as const), handle: index, owner: index }),
  readViaNewest: fc.record({ op: fc.constant('readViaNewest' as const), handle: index }),
  observe: fc.constant<Op>({ op: 'observe' }),
  setStats: fc.record({ op: fc.constant('setStats' as const), on: fc.boolean() }),
  notAHandle: fc.record({ op: fc.constant('notAHandle' as const), owner: index, value: fc.nat({ max: 11 }) }),
  access: fc.record({
    op: fc.constant('access' as const),
    handle: index,
    accessor: fc.nat({ max: 7 }),
    // Mostly offsets inside or just past the allocation (the interpreter takes them modulo size + 8).
    offset: fc.oneof({ weight: 12, arbitrary: fc.nat({ max: 1300 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, -8, 0.5, Number.NaN, 2 ** 32, 2 ** 32 + 4) }),
    value: fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), fc.double()),
    write: fc.boolean(),
  }),
  bulk: fc.record({
    op: fc.constant('bulk' as const),
    handle: index,
    offset: fc.nat({ max: 1300 }),
    // Both sides of the 64-byte line where read() switches from a byte loop to one view.
    length: fc.oneof(fc.nat({ max: 70 }), fc.integer({ min: 60, max: 1300 })),
    seed: fc.nat({ max: 255 }),
    write: fc.boolean(),
  }),
};
const taggedOps = {
  allocTagged: fc.record({ op: fc.constant('allocTagged' as const), size: fc.integer({ min: 1, max: 256 }), tag: fc.nat({ max: 2 }) }),
  freeTagged: fc.record({ op: fc.constant('freeTagged' as const), handle: index, wrongTag: fc.boolean() }),
};

/** A program: the owners it starts with, then `maxSteps` weighted random steps. */
function program(
  start: fc.Arbitrary<Op[]>,
  steps: readonly { weight: number; arbitrary: fc.Arbitrary<Op> }[],
  maxSteps: number,
): fc.Arbitrary<Op[]> {
  return fc
    // size 'max': lengths spread evenly up to maxSteps instead of fast-check's bias to short arrays.
    .tuple(start, fc.array(fc.oneof(...steps), { maxLength: maxSteps, size: 'max' }))
    .map(([first, rest]) => [...first, ...rest]);
}

const weighted = (weight: number, arbitrary: fc.Arbitrary<Op>): { weight: number; arbitrary: fc.Arbitrary<Op> } => ({ weight, arbitrary });

const arenaProgram = program(
  fc.array(createArena, { minLength: 1, maxLength: 2 }),
  [
    weighted(10, arenaOps.alloc),
    weighted(5, arenaOps.allocAligned),
    weighted(6, accessOps.write),
    weighted(6, accessOps.read),
    weighted(6, accessOps.access),
    weighted(2, accessOps.bulk),
    weighted(3, arenaOps.reset),
    weighted(1, arenaOps.destroyArena),
    weighted(1, createArena),
    weighted(1, arenaOps.allocInvalidSize),
    weighted(1, arenaOps.allocInvalidAlign),
    weighted(1, arenaOps.allocInvalidTag),
    weighted(2, accessOps.readViaOther),
    weighted(1, accessOps.observe),
  ],
  30,
);

const poolProgram = program(
  fc.array(createPool, { minLength: 1, maxLength: 2 }),
  [
    weighted(10, poolOps.poolAlloc),
    weighted(6, poolOps.free),
    weighted(5, accessOps.write),
    weighted(5, accessOps.read),
    weighted(5, accessOps.access),
    weighted(2, accessOps.bulk),
    weighted(1, poolOps.destroyPool),
    weighted(1, createPool),
    weighted(2, accessOps.readViaOther),
    weighted(1, accessOps.observe),
  ],
  30,
);

const objectPoolProgram = program(
  fc.array(createObjectPool, { minLength: 1, maxLength: 2 }),
  [
    weighted(10, objectPoolOps.objectAlloc),
    weighted(6, objectPoolOps.objectFree),
    weighted(4, accessOps.read),
    weighted(1, objectPoolOps.destroyObjectPool),
    weighted(1, createObjectPool),
    weighted(2, accessOps.readViaOther),
  ],
  25,
);

const mixedProgram = program(
  fc.tuple(createArena, createPool, createObjectPool).map((owners): Op[] => owners),
  [
    weighted(6, arenaOps.alloc),
    weighted(3, arenaOps.allocAligned),
    weighted(5, poolOps.poolAlloc),
    weighted(3, poolOps.free),
    weighted(3, objectPoolOps.objectAlloc),
    weighted(2, objectPoolOps.objectFree),
    weighted(3, taggedOps.allocTagged),
    weighted(2, taggedOps.freeTagged),
    weighted(4, accessOps.write),
    weighted(4, accessOps.read),
    weighted(4, accessOps.readViaOther),
    weighted(1, accessOps.setStats),
    weighted(1, accessOps.observe),
    weighted(2, arenaOps.reset),
    weighted(1, arenaOps.destroyArena),
    weighted(1, poolOps.destroyPool),
    weighted(1, objectPoolOps.destroyObjectPool),
    weighted(1, createArena),
    weighted(1, createPool),
  ],
  30,
);

/** Owners come and go quickly, so that a 2-bit owner id space (3 ids) is reused all the time. */
const churnProgram = program(
  fc.tuple(createArena, createPool).map((owners): Op[] => owners),
  [
    weighted(4, arenaOps.alloc),
    weighted(4, poolOps.poolAlloc),
    weighted(2, objectPoolOps.objectAlloc),
    weighted(2, taggedOps.allocTagged),
    weighted(2, poolOps.free),
    weighted(1, taggedOps.freeTagged),
    weighted(3, accessOps.write),
    weighted(3, accessOps.read),
    weighted(3, accessOps.readViaOther),
    weighted(6, accessOps.readViaNewest),
    weighted(2, arenaOps.reset),
    weighted(3, arenaOps.destroyArena),
    weighted(3, poolOps.destroyPool),
    weighted(2, objectPoolOps.destroyObjectPool),
    weighted(3, createArena),
    weighted(3, createPool),
    weighted(2, createObjectPool),
  ],
  40,
);

/** Values that are not handles, shown to live and destroyed owners of every kind and to the tagged heap. */
const notAHandleProgram = program(
  fc.tuple(createArena, createPool, createObjectPool).map((owners): Op[] => owners),
  [
    weighted(6, accessOps.notAHandle),
    weighted(2, arenaOps.alloc),
    weighted(2, poolOps.poolAlloc),
    weighted(1, objectPoolOps.objectAlloc),
    weighted(1, taggedOps.allocTagged),
    weighted(1, arenaOps.destroyArena),
    weighted(1, poolOps.destroyPool),
    weighted(1, objectPoolOps.destroyObjectPool),
  ],
  20,
);

/** Debug mode: many writes, frees and resets, so poisoning and detaching are seen often. */
const debugProgram = program(
  fc.tuple(createArena, createPool).map((owners): Op[] => owners),
  [
    weighted(4, arenaOps.alloc),
    weighted(5, poolOps.poolAlloc),
    weighted(2, taggedOps.allocTagged),
    weighted(8, accessOps.write),
    weighted(3, accessOps.read),
    weighted(4, poolOps.free),
    weighted(2, taggedOps.freeTagged),
    weighted(2, arenaOps.reset),
    weighted(1, arenaOps.destroyArena),
    weighted(1, poolOps.destroyPool),
    weighted(1, createPool),
  ],
  30,
);

const check = (programs: fc.Arbitrary<Op[]>, count: number, programSettings: ModelSettings = settings, before?: () => void): void => {
  fc.assert(
    fc.property(programs, (ops) => {
      before?.();
      runProgram(underTest, programSettings, ops);
    }),
    runs(count),
  );
};

// 4,000 + 3,000 + 1,500 + 2,500 + 1,000 + 500 + 1,500 + 600 (debug mode) = 14,600 programs in the default run.
describe('runtime against the reference model', () => {
  // Arena and pool programs read peaks and stats only now and then (observe steps, and the end), so
  // the runtime must keep them right across frees and resets nobody looked at.
  const observedRarely: ModelSettings = { ...settings, observeEveryStep: false };

  it('arenas: alloc, allocAligned, write, read, reset, destroy, bad input, budgets', () => {
    check(arenaProgram, 4_000, observedRarely);
  });

  it('pools: alloc, free, exhaustion, growth, reuse of the freed slot, double free, destroy', () => {
    check(poolProgram, 3_000, observedRarely);
  });

  it('object pools: alloc, get, free with reset callback, reuse, destroy', () => {
    check(objectPoolProgram, 1_500);
  });

  it('everything at once, with tagged allocations and handles shown to the wrong owner', () => {
    check(mixedProgram, 2_500);
  });

  it('everything at once, peaks and stats read only now and then', () => {
    check(mixedProgram, 1_000, observedRarely);
  });

  it('values that are not handles are refused by every accessor, on live and destroyed owners', () => {
    check(notAHandleProgram, 500);
  });

  it('owner ids reused constantly (2-bit ids): old handles stay foreign to the next owner of their id', () => {
    const normal = getHandleLayout();
    const ownerBits = 2;
    try {
      // Each program starts from a fresh id space (allowed while nothing is alive), so every program
      // reuses ids within itself and programs stay independent of each other. 30 serial bits keep
      // ids from being retired within a program (a growable pool reserves 2^20 serials per use).
      const layout = { ownerBits, serialBits: 30 };
      const tiny: ModelSettings = { ...settings, ownerIds: 2 ** ownerBits - 1, ownerIdOf: (handle) => Math.floor(handle / 2 ** layout.serialBits) };
      check(churnProgram, 1_500, tiny, () => configureHandleLayout(layout));
    } finally {
      configureHandleLayout(normal);
    }
  });

  it('debug mode: same behaviour, plus stale views detached and freed slots poisoned', () => {
    runtime.setDebugMode(true);
    try {
      check(debugProgram, 600, { ...settings, debugPoisonByte: runtime.POISON_BYTE });
    } finally {
      runtime.setDebugMode(false);
    }
  });

  // Regression: the tag used to be checked before destruction (counterexample [{kind:'tag',value:-1},false]).
  it('a destroyed arena reports ERR_ARENA_DESTROYED whichever argument is also bad', () => {
    const badArgument = fc.oneof(
      fc.record({ kind: fc.constant('size' as const), value: invalidSize }),
      fc.record({ kind: fc.constant('alignment' as const), value: invalidAlignment }),
      fc.record({ kind: fc.constant('tag' as const), value: fc.constantFrom(-1, 0.5, 255, 4096, Number.NaN) }),
    );
    fc.assert(
      fc.property(badArgument, fc.boolean(), ({ kind, value }, aligned) => {
        const arena = runtime.createArena(64, 'destroyed');
        arena.destroy();
        const call = (): unknown => {
          if (kind === 'size') return aligned ? arena.allocAligned(value, 8) : arena.alloc(value);
          if (kind === 'alignment') return arena.allocAligned(8, value);
          return aligned ? arena.allocAligned(8, 8, value as Tag) : arena.alloc(8, value as Tag);
        };
        expect(call).toThrowError(expect.objectContaining({ code: 'ERR_ARENA_DESTROYED' }));
      }),
      { numRuns: 200, ...(seed === undefined ? {} : { seed }) },
    );
  });

  // Runs last and reads what the properties above met: a generator that never produced, say, a
  // stale pool handle would let its invariant pass vacuously.
  it('reached every situation the model checks, many times', () => {
    const minimum = Math.max(1, Math.round(20 * scale));
    const events = [
      'ERR_USE_AFTER_RESET',
      'ERR_USE_AFTER_FREE',
      'ERR_ARENA_DESTROYED',
      'ERR_FOREIGN_HANDLE',
      'ERR_DOUBLE_FREE',
      'ERR_INVALID_SIZE',
      'ERR_INVALID_ALIGNMENT',
      'ERR_INVALID_TAG',
      'budget refused an allocation',
      'arena grew a chunk',
      'large alignment',
      'pool exhausted',
      'growable pool grew',
      'pool slot reused right after free',
      'pooled object reused right after free',
      'written bytes read back',
      'layout checked with 2+ live allocations',
      'owner ids exhausted',
      'foreign handle carrying the owner id of its new owner',
      'value that is not a handle refused',
      'allocation made with stats off',
      'peaks and stats observed after unobserved steps',
      'tagged allocation read back zeroed',
      'tagged bytes read back',
      'debug: stale view detached',
      'debug: freed pool slot detached',
      'accessor read matched the model',
      'accessor write',
      'accessor writes read back through bytes()',
      'accessor out of bounds refused',
      'accessor on a stale handle refused',
      'bulk write',
      'bulk read matched the model',
      'bulk copy out of bounds refused',
    ];
    const reached = Object.fromEntries(events.map((event) => [event, coverage.get(event) ?? 0]));
    const missed = events.filter((event) => (coverage.get(event) ?? 0) < minimum);
    expect(missed, `situations met fewer than ${minimum} times: ${JSON.stringify(reached)}`).toEqual([]);
  });
});
