// Every bad input to a public entry point is an ArenaError with a code and a message in plain words,
// never a TypeError or RangeError escaping from inside. One row per input: what is called, the code.
import { describe, expect, it } from 'vitest';
import {
  ArenaError,
  ByteBuffer,
  MemTag,
  MemorySampler,
  allocTagged,
  buildHeatmapMatrix,
  createArena,
  createObjectPool,
  createOomPredictor,
  createPool,
  defineTag,
  freeTagged,
  getStats,
  onMemoryPressure,
  predictExhaustion,
  renderExposition,
  renderHeatmapSvg,
  setDebugMode,
  setStatsEnabled,
  sizeClassOf,
  slice,
  strView,
  tagName,
  taggedBytes,
  withArena,
  type ArenaErrorCode,
} from '../../runtime/index.js';
import { createFailureSchedule, expectNoLeaks, findLeaks, forEachAllocationFailure } from '../../runtime/testing/index.js';

const bytes = new TextEncoder().encode('hello');
const view = strView(bytes);
const untyped = (value: unknown): never => value as never;

type Row = readonly [what: string, call: () => unknown, code: ArenaErrorCode];

const rows: Row[] = [
  // views
  ["strView('hello')", () => strView(untyped('hello')), 'ERR_INVALID_ARGUMENT'],
  ['strView(null)', () => strView(untyped(null)), 'ERR_INVALID_ARGUMENT'],
  ['strView(undefined)', () => strView(untyped(undefined)), 'ERR_INVALID_ARGUMENT'],
  ['strView(new Float64Array([97]))', () => strView(untyped(new Float64Array([97]))), 'ERR_INVALID_ARGUMENT'],
  ['strView(new Int8Array([97]))', () => strView(untyped(new Int8Array([97]))), 'ERR_INVALID_ARGUMENT'],
  ['strView(new Uint8ClampedArray([97]))', () => strView(untyped(new Uint8ClampedArray([97]))), 'ERR_INVALID_ARGUMENT'],
  ['strView(bytes, 0, 99)', () => strView(bytes, 0, 99), 'ERR_INVALID_SIZE'],
  ["strView(bytes, '1')", () => strView(bytes, untyped('1')), 'ERR_INVALID_SIZE'],
  ["slice('hello', 0, 2)", () => slice(untyped('hello'), 0, 2), 'ERR_INVALID_ARGUMENT'],
  ['slice([1, 2, 3], 0, 2)', () => slice(untyped([1, 2, 3]), 0, 2), 'ERR_INVALID_ARGUMENT'],
  ['slice(null, 0, 0)', () => slice(untyped(null), 0, 0), 'ERR_INVALID_ARGUMENT'],
  ['slice(new DataView(...), 0, 1)', () => slice(untyped(new DataView(new ArrayBuffer(4))), 0, 1), 'ERR_INVALID_ARGUMENT'],
  ['slice(bytes, -1, 2)', () => slice(bytes, -1, 2), 'ERR_INVALID_SIZE'],
  ['slice(bytes, 4, 2)', () => slice(bytes, 4, 2), 'ERR_INVALID_SIZE'],
  ['slice(bytes, 0, NaN)', () => slice(bytes, 0, NaN), 'ERR_INVALID_SIZE'],
  ['view.equals(null)', () => view.equals(untyped(null)), 'ERR_INVALID_ARGUMENT'],
  ['view.equals(undefined)', () => view.equals(untyped(undefined)), 'ERR_INVALID_ARGUMENT'],
  ['view.equals(104)', () => view.equals(untyped(104)), 'ERR_INVALID_ARGUMENT'],
  ['view.equals([104])', () => view.equals(untyped([104])), 'ERR_INVALID_ARGUMENT'],
  ['view.subview(2, 9)', () => view.subview(2, 9), 'ERR_INVALID_SIZE'],
  ['new ByteBuffer(2 ** 40)', () => new ByteBuffer(2 ** 40), 'ERR_OUT_OF_MEMORY'],
  ['new ByteBuffer(0)', () => new ByteBuffer(0), 'ERR_INVALID_SIZE'],
  ["new ByteBuffer('4')", () => new ByteBuffer(untyped('4')), 'ERR_INVALID_ARGUMENT'],
  ['new ByteBuffer(null)', () => new ByteBuffer(untyped(null)), 'ERR_INVALID_ARGUMENT'],
  ['new ByteBuffer(new Uint16Array(4))', () => new ByteBuffer(untyped(new Uint16Array(4))), 'ERR_INVALID_ARGUMENT'],
  ['buffer.appendByte(256)', () => new ByteBuffer(4).appendByte(256), 'ERR_INVALID_ARGUMENT'],
  ["buffer.appendByte('a')", () => new ByteBuffer(4).appendByte(untyped('a')), 'ERR_INVALID_ARGUMENT'],
  ['buffer.append([1])', () => new ByteBuffer(4).append(untyped([1])), 'ERR_INVALID_ARGUMENT'],
  // arenas
  ["createArena(64, 'z', null)", () => createArena(64, 'z', untyped(null)), 'ERR_INVALID_ARGUMENT'],
  ["createArena(64, 'z', 5)", () => createArena(64, 'z', untyped(5)), 'ERR_INVALID_ARGUMENT'],
  ["createArena(64, 'z', [])", () => createArena(64, 'z', untyped([])), 'ERR_INVALID_ARGUMENT'],
  ['createArena(64, null)', () => createArena(64, untyped(null)), 'ERR_INVALID_ARGUMENT'],
  ["createArena('64', 'z')", () => createArena(untyped('64'), 'z'), 'ERR_INVALID_SIZE'],
  ["createArena(64, 'z', { tag: 'Edge' })", () => createArena(64, 'z', { tag: untyped('Edge') }), 'ERR_INVALID_TAG'],
  ["createArena(64, 'z', { maxBytes: '1' })", () => createArena(64, 'z', { maxBytes: untyped('1') }), 'ERR_INVALID_SIZE'],
  ["withArena(64, 'w', null)", () => withArena(64, 'w', untyped(null)), 'ERR_INVALID_ARGUMENT'],
  ['arena.alloc(8, 999)', () => withArena(64, 'a', (arena) => arena.alloc(8, untyped(999))), 'ERR_INVALID_TAG'],
  ["arena.alloc(8, 'Edge')", () => withArena(64, 'a', (arena) => arena.alloc(8, untyped('Edge'))), 'ERR_INVALID_TAG'],
  ['arena.alloc(null)', () => withArena(64, 'a', (arena) => arena.alloc(untyped(null))), 'ERR_INVALID_SIZE'],
  ['arena.allocAligned(8, 3)', () => withArena(64, 'a', (arena) => arena.allocAligned(8, 3)), 'ERR_INVALID_ALIGNMENT'],
  ["arena.allocAligned(8, '8')", () => withArena(64, 'a', (arena) => arena.allocAligned(8, untyped('8'))), 'ERR_INVALID_ALIGNMENT'],
  ["arena.bytes('1')", () => withArena(64, 'a', (arena) => arena.bytes(untyped('1'))), 'ERR_FOREIGN_HANDLE'],
  ['arena.bytes(null)', () => withArena(64, 'a', (arena) => arena.bytes(untyped(null))), 'ERR_FOREIGN_HANDLE'],
  ['arena.sizeOf(-1)', () => withArena(64, 'a', (arena) => arena.sizeOf(untyped(-1))), 'ERR_FOREIGN_HANDLE'],
  // pools
  ["createPool(8, 4, 'p', null)", () => createPool(8, 4, 'p', untyped(null)), 'ERR_INVALID_ARGUMENT'],
  ["createPool(8, 4, 'p', { growable: 'yes' })", () => createPool(8, 4, 'p', { growable: untyped('yes') }), 'ERR_INVALID_ARGUMENT'],
  ['createPool(8, 4, 7)', () => createPool(8, 4, untyped(7)), 'ERR_INVALID_ARGUMENT'],
  ["createPool(0, 4, 'p')", () => createPool(0, 4, 'p'), 'ERR_INVALID_SIZE'],
  ["createPool(8, 1.5, 'p')", () => createPool(8, 1.5, 'p'), 'ERR_INVALID_SIZE'],
  ["createPool(8, 4, 'p', { tag: -1 })", () => createPool(8, 4, 'p', { tag: untyped(-1) }), 'ERR_INVALID_TAG'],
  ["createObjectPool(null, 2, 'o')", () => createObjectPool(untyped(null), 2, 'o'), 'ERR_INVALID_ARGUMENT'],
  ["createObjectPool(f, 2, 'o', [])", () => createObjectPool(() => ({}), 2, 'o', untyped([])), 'ERR_INVALID_ARGUMENT'],
  ["createObjectPool(f, 2, 'o', { reset: 1 })", () => createObjectPool(() => ({}), 2, 'o', { reset: untyped(1) }), 'ERR_INVALID_ARGUMENT'],
  ["createObjectPool(f, 2, 'o', { bytesPerObject: -8 })", () => createObjectPool(() => ({}), 2, 'o', { bytesPerObject: -8 }), 'ERR_INVALID_SIZE'],
  ["pool.free('x')", () => withPool((pool) => pool.free(untyped('x'))), 'ERR_FOREIGN_HANDLE'],
  ['pool.bytes(1.5)', () => withPool((pool) => pool.bytes(untyped(1.5))), 'ERR_FOREIGN_HANDLE'],
  // tagged heap and tags
  ["allocTagged('8', Edge)", () => allocTagged(untyped('8'), MemTag.Edge), 'ERR_INVALID_SIZE'],
  ['allocTagged(8, 4242)', () => allocTagged(8, untyped(4242)), 'ERR_INVALID_TAG'],
  ["freeTagged('x', Edge)", () => freeTagged(untyped('x'), MemTag.Edge), 'ERR_FOREIGN_HANDLE'],
  ['taggedBytes(undefined)', () => taggedBytes(untyped(undefined)), 'ERR_FOREIGN_HANDLE'],
  ['defineTag(42)', () => defineTag(untyped(42)), 'ERR_INVALID_TAG'],
  ["defineTag('9lives')", () => defineTag('9lives'), 'ERR_INVALID_TAG'],
  ['tagName(999)', () => tagName(untyped(999)), 'ERR_INVALID_TAG'],
  ["getStats('Edge')", () => getStats(untyped('Edge')), 'ERR_INVALID_TAG'],
  // observability
  ["onMemoryPressure('x', f)", () => onMemoryPressure(untyped('x'), () => {}), 'ERR_INVALID_ARGUMENT'],
  ['onMemoryPressure(null, f)', () => onMemoryPressure(untyped(null), () => {}), 'ERR_INVALID_ARGUMENT'],
  ['onMemoryPressure(-1, f)', () => onMemoryPressure(-1, () => {}), 'ERR_INVALID_ARGUMENT'],
  ['onMemoryPressure(10, null)', () => onMemoryPressure(10, untyped(null)), 'ERR_INVALID_ARGUMENT'],
  ['onMemoryPressure({ arena: null, fraction: 0.5 }, f)', () => onMemoryPressure(untyped({ arena: null, fraction: 0.5 }), () => {}), 'ERR_INVALID_ARGUMENT'],
  ['createOomPredictor(-1)', () => createOomPredictor(-1), 'ERR_INVALID_ARGUMENT'],
  ["createOomPredictor('1e9')", () => createOomPredictor(untyped('1e9')), 'ERR_INVALID_ARGUMENT'],
  ['new MemorySampler(1)', () => new MemorySampler(1), 'ERR_INVALID_ARGUMENT'],
  ['predictExhaustion([], NaN)', () => predictExhaustion([], NaN), 'ERR_INVALID_ARGUMENT'],
  ['sizeClassOf(0)', () => sizeClassOf(0), 'ERR_INVALID_ARGUMENT'],
  ['buildHeatmapMatrix([{ sizeClass: -1 }])', () => buildHeatmapMatrix([{ tag: 'x', sizeClass: -1, count: 1 }]), 'ERR_INVALID_ARGUMENT'],
  ['renderHeatmapSvg(matrix, null)', () => renderHeatmapSvg(buildHeatmapMatrix([]), untyped(null)), 'ERR_INVALID_ARGUMENT'],
  ["renderExposition([{ name: 'a-b' }])", () => renderExposition([{ name: 'a-b', help: '', type: 'gauge', samples: [] }]), 'ERR_INVALID_ARGUMENT'],
  // switches
  ["setDebugMode('true')", () => setDebugMode(untyped('true')), 'ERR_INVALID_ARGUMENT'],
  ['setStatsEnabled(1)', () => setStatsEnabled(untyped(1)), 'ERR_INVALID_ARGUMENT'],
  // testing
  ['expectNoLeaks(null)', () => expectNoLeaks(untyped(null)), 'ERR_INVALID_ARGUMENT'],
  ['expectNoLeaks(f, 5)', () => expectNoLeaks(() => 1, untyped(5)), 'ERR_INVALID_ARGUMENT'],
  ['findLeaks({})', () => findLeaks(untyped({})), 'ERR_INVALID_ARGUMENT'],
  ['forEachAllocationFailure(null)', () => forEachAllocationFailure(untyped(null)), 'ERR_INVALID_ARGUMENT'],
  ['forEachAllocationFailure(f, { maxRuns: 0 })', () => forEachAllocationFailure(() => 1, { maxRuns: 0 }), 'ERR_INVALID_ARGUMENT'],
  ['createFailureSchedule(null)', () => createFailureSchedule(untyped(null)), 'ERR_INVALID_ARGUMENT'],
  ['createFailureSchedule({ nth: 0 })', () => createFailureSchedule({ nth: 0 }), 'ERR_INVALID_ARGUMENT'],
  ['createFailureSchedule({})', () => createFailureSchedule({}), 'ERR_INVALID_ARGUMENT'],
  ["createFailureSchedule({ probability: 0.5, seed: 'x' })", () => createFailureSchedule({ probability: 0.5, seed: untyped('x') }), 'ERR_INVALID_ARGUMENT'],
];

function withPool(body: (pool: ReturnType<typeof createPool>) => unknown): unknown {
  using pool = createPool(8, 2, 'bad-input');
  return body(pool);
}

/** Words that must not describe a plain number (a size, an alignment, a tag, an offset). */
const handleCodes = new Set<ArenaErrorCode>(['ERR_FOREIGN_HANDLE', 'ERR_USE_AFTER_FREE', 'ERR_USE_AFTER_RESET', 'ERR_DOUBLE_FREE']);

describe('bad input -> ArenaError code', () => {
  it.each(rows)('%s', (_what, call, code) => {
    let thrown: unknown;
    try {
      call();
    } catch (error) {
      thrown = error;
    }
    expect(thrown, 'nothing was thrown').toBeInstanceOf(ArenaError);
    const error = thrown as ArenaError;
    expect(error.code).toBe(code);
    expect(error.message.startsWith(`${code}: `)).toBe(true);
    // Plain words: a sentence past the code, and "handle" only where a handle was expected.
    expect(error.message.length).toBeGreaterThan(code.length + 20);
    if (!handleCodes.has(code)) expect(error.message).not.toMatch(/\bhandle \d/);
  });
});
