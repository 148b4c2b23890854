// Allocator backends: the same arena and pool bookkeeping over ArrayBuffers, SharedArrayBuffers,
// resizable ArrayBuffers (grown in place) and a WebAssembly.Memory (addresses are pointers).
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  POISON_BYTE,
  arrayBufferBackend,
  createArena,
  createPool,
  resizableBackend,
  setDebugMode,
  sharedArrayBufferBackend,
  wasmMemoryBackend,
  type WasmMemory,
} from '../../runtime/index.js';
import { caught } from './helpers.js';

afterEach(() => {
  setDebugMode(false);
});

/**
 * A module written by hand for this test: it imports its memory as env.mem and exports
 * `load(ptr) -> i32` (i32.load) and `loadF64(ptr) -> f64` (f64.load), both little-endian.
 */
const WASM_READER = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x0b, 0x02, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7c, // types: (i32)->i32, (i32)->f64
  0x02, 0x0c, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01, // import env.mem, memory min 1 page
  0x03, 0x03, 0x02, 0x00, 0x01, // two functions: types 0 and 1
  0x07, 0x12, 0x02, 0x04, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x00, 0x07, 0x6c, 0x6f, 0x61, 0x64, 0x46, 0x36, 0x34, 0x00, 0x01, // exports load, loadF64
  0x0a, 0x11, 0x02, // code: two bodies
  0x07, 0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x0b, // local.get 0; i32.load align=4; end
  0x07, 0x00, 0x20, 0x00, 0x2b, 0x03, 0x00, 0x0b, // local.get 0; f64.load align=8; end
]);

// The test config has no DOM lib: the WebAssembly surface used here, declared.
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: object } }>;
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Reader {
  load(pointer: number): number;
  loadF64(pointer: number): number;
}

async function instantiateReader(memory: WasmMemory): Promise<Reader> {
  const { instance } = await WebAssembly.instantiate(WASM_READER, { env: { mem: memory } });
  return instance.exports as unknown as Reader;
}

describe('default backend', () => {
  it('is ArrayBuffers, addresses from 0, as before', () => {
    expect(arrayBufferBackend().kind).toBe('ArrayBuffer');
    using arena = createArena(64, 'plain', { backend: arrayBufferBackend() });
    const handle = arena.alloc(8);
    expect(arena.addressOf(handle)).toBe(0);
    expect(arena.bytes(handle).buffer).toBeInstanceOf(ArrayBuffer);
    using pool = createPool(16, 2, 'plain');
    pool.alloc();
    expect(pool.addressOf(pool.alloc()!)).toBe(16);
  });
});

describe('SharedArrayBuffer backend', () => {
  it('arena and pool bytes live in SharedArrayBuffers that a worker can read', async () => {
    using arena = createArena(64, 'shared', { backend: sharedArrayBufferBackend() });
    const handle = arena.alloc(8);
    arena.setUint32(handle, 4, 0xcafe_f00d);
    const view = arena.bytes(handle);
    expect(view.buffer).toBeInstanceOf(SharedArrayBuffer);
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const view = new DataView(workerData.buffer, workerData.offset, 8);
       view.setUint32(0, 77, true);
       parentPort.postMessage(view.getUint32(4, true));`,
      { eval: true, workerData: { buffer: view.buffer, offset: view.byteOffset } },
    );
    const seen = await new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(seen).toBe(0xcafe_f00d);
    expect(arena.getUint32(handle, 0)).toBe(77); // the worker's write is in the arena's memory

    using pool = createPool(8, 2, 'shared-pool', { backend: sharedArrayBufferBackend() });
    expect(pool.bytes(pool.alloc()!).buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('debug mode poisons shared memory but cannot detach it', () => {
    setDebugMode(true);
    using arena = createArena(64, 'shared-debug', { backend: sharedArrayBufferBackend() });
    const view = arena.bytes(arena.alloc(8));
    arena.reset();
    expect(view.length).toBe(8);
    expect([...view]).toEqual(new Array(8).fill(POISON_BYTE));
    using pool = createPool(8, 2, 'shared-debug-pool', { backend: sharedArrayBufferBackend() });
    const handle = pool.alloc()!;
    const slot = pool.bytes(handle);
    expect(slot.buffer).toBeInstanceOf(SharedArrayBuffer); // no memory of its own: it stays shared
    pool.free(handle);
    expect([...slot]).toEqual(new Array(8).fill(POISON_BYTE));
  });
});

describe('resizable ArrayBuffer backend', () => {
  it('grows the chunk in place instead of chaining chunks; earlier views stay valid', () => {
    using arena = createArena(64, 'grows', { backend: resizableBackend({ maxByteLength: 1 << 20 }) });
    const first = arena.alloc(16);
    arena.setFloat64(first, 8, 2.5);
    const firstView = arena.bytes(first);
    const handles = [first];
    for (let index = 0; index < 500; index++) handles.push(arena.alloc(24));
    expect(arena.overflow).toBe(0);
    expect(arena.capacity).toBeGreaterThanOrEqual(arena.used);
    expect(arena.capacity).toBeLessThanOrEqual(1 << 20);
    expect(firstView.length).toBe(16);
    expect(new DataView(firstView.buffer, firstView.byteOffset).getFloat64(8, true)).toBe(2.5);
    // Addresses are contiguous in the one chunk.
    expect(arena.addressOf(handles[1]!)).toBe(16);
    expect(arena.addressOf(handles[500]!)).toBe(16 + 499 * 24);
    for (const [index, handle] of handles.entries()) if (index > 0) arena.setUint32(handle, 20, index);
    for (const [index, handle] of handles.entries()) if (index > 0) expect(arena.getUint32(handle, 20)).toBe(index);
  });

  it('chains a chunk only past maxByteLength, and respects maxBytes', () => {
    using arena = createArena(64, 'capped', { backend: resizableBackend({ maxByteLength: 256 }) });
    for (let index = 0; index < 8; index++) arena.alloc(32);
    expect(arena.overflow).toBe(0);
    expect(arena.capacity).toBe(256);
    arena.alloc(32);
    expect(arena.overflow).toBe(1);
    using bounded = createArena(64, 'bounded', { backend: resizableBackend({ maxByteLength: 4096 }), maxBytes: 128 });
    bounded.alloc(100);
    expect(caught(() => bounded.alloc(64)).code).toBe('ERR_OUT_OF_MEMORY');
    expect(bounded.capacity).toBeLessThanOrEqual(128);
  });

  it('keeps growing after a debug-mode reset detached it', () => {
    setDebugMode(true);
    using arena = createArena(64, 'debug-grows', { backend: resizableBackend({ maxByteLength: 4096 }) });
    const stale = arena.bytes(arena.alloc(48));
    arena.reset();
    expect(stale.length).toBe(0);
    for (let index = 0; index < 20; index++) arena.alloc(48);
    expect(arena.overflow).toBe(0);
  });

  it('property: allocations match a model whatever the sizes (no overlap, data kept across growth)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 80 }), (sizes) => {
        using arena = createArena(32, 'model', { backend: resizableBackend({ maxByteLength: 8192 }) });
        const live = sizes.map((size, index) => {
          const handle = arena.alloc(size);
          arena.bytes(handle).fill(index & 0xff);
          return { handle, size, index };
        });
        const spans = live.map(({ handle, size }) => [arena.addressOf(handle), arena.addressOf(handle) + size] as const).sort((a, b) => a[0] - b[0]);
        for (let index = 1; index < spans.length; index++) expect(spans[index]![0]).toBeGreaterThanOrEqual(spans[index - 1]![1]);
        for (const { handle, size, index } of live) expect(arena.bytes(handle)).toEqual(new Uint8Array(size).fill(index & 0xff));
      }),
      { numRuns: 100 },
    );
  });

  it('rejects a bad maxByteLength', () => {
    expect(caught(() => resizableBackend({ maxByteLength: -1 })).code).toBe('ERR_INVALID_SIZE');
    expect(caught(() => resizableBackend(null as never)).code).toBe('ERR_INVALID_ARGUMENT');
  });
});

describe('WebAssembly.Memory backend', () => {
  it('addresses are offsets in linear memory: the module reads what JavaScript wrote through the arena', async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const reader = await instantiateReader(memory);
    // Arena chunks start at multiples of 4096 (MAX_ALIGNMENT), so start 1000 gives address 4096.
    using arena = createArena(256, 'wasm', { backend: wasmMemoryBackend(memory, { start: 1000 }) });
    const handle = arena.alloc(16);
    expect(arena.addressOf(handle)).toBe(4096);
    arena.setUint32(handle, 4, 0x1234_5678);
    arena.setFloat64(handle, 8, Math.PI);
    expect(reader.load(arena.addressOf(handle) + 4)).toBe(0x1234_5678);
    expect(reader.loadF64(arena.addressOf(handle) + 8)).toBe(Math.PI);
    arena.bytes(handle).set([1, 0, 0, 0]);
    expect(reader.load(arena.addressOf(handle))).toBe(1);
  });

  it('pools too, and overflow chunks continue in the range', async () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const reader = await instantiateReader(memory);
    const backend = wasmMemoryBackend(memory, { start: 4096, end: 3 * 65_536 });
    expect(memory.buffer.byteLength).toBe(3 * 65_536); // grown once, up front
    using pool = createPool(8, 4, 'wasm-pool', { backend });
    pool.alloc();
    const handle = pool.alloc()!;
    expect(pool.addressOf(handle)).toBe(4096 + 8);
    pool.setInt32(handle, 0, -5);
    expect(reader.load(pool.addressOf(handle))).toBe(-5);
    using arena = createArena(64, 'wasm-chain', { backend });
    const small = arena.alloc(64);
    const big = arena.alloc(1000); // a second chunk, higher in the range
    expect(arena.overflow).toBe(1);
    expect(arena.addressOf(big)).toBeGreaterThan(arena.addressOf(small));
    arena.setUint32(big, 996, 99);
    expect(reader.load(arena.addressOf(big) + 996)).toBe(99);
  });

  it('runs out cleanly at the end of its range', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    using arena = createArena(1024, 'tight', { backend: wasmMemoryBackend(memory, { start: 0, end: 4096 }) });
    arena.alloc(1000);
    expect(caught(() => arena.alloc(8192)).code).toBe('ERR_OUT_OF_MEMORY');
  });

  it('rejects what is not a memory or a bad range', () => {
    expect(caught(() => wasmMemoryBackend({} as never)).code).toBe('ERR_INVALID_ARGUMENT');
    const memory = new WebAssembly.Memory({ initial: 1 });
    expect(caught(() => wasmMemoryBackend(memory, { start: 10, end: 5 })).code).toBe('ERR_INVALID_ARGUMENT');
    expect(caught(() => createArena(64, 'x', { backend: {} as never })).code).toBe('ERR_INVALID_ARGUMENT');
  });
});
