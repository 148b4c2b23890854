// Debug mode: no stale view ever reads or writes a new occupant. Each allocation made in debug mode
// dies detached (its memory of its own for pools, its chunks for arenas, its buffer for the tagged
// heap), whatever the debug switch says when it dies; a ByteBuffer over dead memory throws.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ByteBuffer,
  MemTag,
  POISON_BYTE,
  allocTagged,
  createArena,
  createObjectPool,
  createPool,
  freeTagged,
  setDebugMode,
  taggedBytes,
} from '../../runtime/index.js';
import { caught } from './helpers.js';

afterEach(() => {
  setDebugMode(false);
});

describe('pools in debug mode', () => {
  it('a stale view of a reused slot neither reads nor writes the new occupant', () => {
    setDebugMode(true);
    using pool = createPool(8, 4, 'reuse');
    const first = pool.alloc()!;
    pool.setUint32(first, 0, 0x11111111);
    const stale = pool.bytes(first);
    const address = pool.addressOf(first);
    pool.free(first);
    const second = pool.alloc()!;
    expect(pool.addressOf(second)).toBe(address); // LIFO: the same slot
    pool.setUint32(second, 0, 0x22222222);
    expect(stale.length).toBe(0);
    expect(stale[0]).toBeUndefined();
    stale[0] = 0x99; // writes nowhere
    expect(pool.getUint32(second, 0)).toBe(0x22222222);
    expect([...pool.bytes(second)]).toEqual([0x22, 0x22, 0x22, 0x22, 0, 0, 0, 0].map((byte, index) => (index < 4 ? byte : POISON_BYTE)));
  });

  it('bytes(), the accessors and bulk copies see the same memory of its own', () => {
    setDebugMode(true);
    using pool = createPool(16, 2, 'same');
    const handle = pool.alloc()!;
    pool.bytes(handle)[3] = 7;
    expect(pool.getUint8(handle, 3)).toBe(7);
    pool.setFloat64(handle, 8, 1.5);
    expect(new DataView(pool.bytes(handle).buffer).getFloat64(8, true)).toBe(1.5);
    pool.write(handle, 0, Uint8Array.of(1, 2));
    expect([...pool.read(handle, 0, new Uint8Array(4))]).toEqual([1, 2, 0, 7]);
  });

  it('debug on at allocation but off at free still detaches', () => {
    setDebugMode(true);
    using pool = createPool(8, 2, 'switched');
    const handle = pool.alloc()!;
    const stale = pool.bytes(handle);
    setDebugMode(false);
    pool.free(handle);
    expect(stale.length).toBe(0);
    const next = pool.alloc()!; // made outside debug mode: lives in the pool's block again
    pool.setUint8(next, 0, 5);
    expect(pool.bytes(next)[0]).toBe(5);
    expect(stale[0]).toBeUndefined();
  });

  it('destroy kills the memory of its own of live allocations', () => {
    setDebugMode(true);
    const pool = createPool(8, 2, 'doomed');
    const view = pool.bytes(pool.alloc()!);
    setDebugMode(false);
    pool.destroy();
    expect(view.length).toBe(0);
  });

  it('property: with debug on at random, views of dead allocations are empty and live bytes match a model', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ op: fc.constantFrom('alloc', 'free', 'write', 'toggle'), pick: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 60 }),
        (steps) => {
          using pool = createPool(4, 3, 'model');
          const live: { handle: number; bytes: number[]; debug: boolean }[] = [];
          const deadViews: Uint8Array[] = [];
          const views = new Map<number, Uint8Array[]>();
          let debug = false;
          for (const step of steps) {
            if (step.op === 'toggle') {
              debug = !debug;
              setDebugMode(debug);
            } else if (step.op === 'alloc') {
              const handle = pool.alloc();
              if (handle === null) continue;
              live.push({ handle, bytes: [...pool.bytes(handle)], debug });
              views.set(handle, [pool.bytes(handle)]);
            } else if (live.length > 0) {
              const index = step.pick % live.length;
              const entry = live[index]!;
              if (step.op === 'write') {
                pool.setUint8(entry.handle as never, step.pick % 4, step.value);
                entry.bytes[step.pick % 4] = step.value;
                // A write through every stale view ever taken must reach nothing live.
                for (const view of deadViews) view[0] = step.value ^ 0xff;
              } else {
                pool.free(entry.handle as never);
                live.splice(index, 1);
                if (entry.debug) deadViews.push(...views.get(entry.handle)!);
              }
            }
            for (const view of deadViews) expect(view.length).toBe(0);
            for (const entry of live) expect([...pool.bytes(entry.handle as never)]).toEqual(entry.bytes);
          }
          setDebugMode(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('arenas in debug mode', () => {
  it('debug on at allocation but off at reset still detaches', () => {
    setDebugMode(true);
    using arena = createArena(64, 'switched');
    const stale = arena.bytes(arena.alloc(8));
    setDebugMode(false);
    arena.reset();
    const next = arena.alloc(8);
    arena.setUint32(next, 0, 0xabcdef01);
    expect(stale.length).toBe(0);
    expect(stale[0]).toBeUndefined();
    expect(arena.getUint32(next, 0)).toBe(0xabcdef01);
  });

  it('a generation made entirely outside debug mode is not detached (production cost unchanged)', () => {
    using arena = createArena(64, 'plain');
    const view = arena.bytes(arena.alloc(8));
    arena.reset();
    expect(view.length).toBe(8);
  });
});

describe('object pools in debug mode', () => {
  it('a freed object is never handed out again; writes through a stale reference throw', () => {
    setDebugMode(true);
    using pool = createObjectPool(() => ({ x: 0 }), 1, 'objects', { reset: (object) => (object.x = 0) });
    const first = pool.alloc()!;
    const stale = pool.get(first);
    stale.x = 41;
    pool.free(first);
    const second = pool.alloc()!;
    expect(pool.get(second)).not.toBe(stale);
    expect(stale.x).toBe(0); // reset, then frozen
    expect(() => {
      stale.x = 7;
    }).toThrow(TypeError);
    expect(pool.get(second).x).toBe(0);
  });

  it('outside debug mode the object is reused (LIFO), as documented', () => {
    using pool = createObjectPool(() => ({ x: 0 }), 1, 'objects');
    const first = pool.alloc()!;
    const object = pool.get(first);
    pool.free(first);
    expect(pool.get(pool.alloc()!)).toBe(object);
  });
});

describe('tagged heap in debug mode', () => {
  it('debug on at allocation but off at free still detaches', () => {
    setDebugMode(true);
    const handle = allocTagged(8, MemTag.Temp);
    const view = taggedBytes(handle);
    setDebugMode(false);
    freeTagged(handle, MemTag.Temp);
    expect(view.length).toBe(0);
  });
});

describe('ByteBuffer over dead memory', () => {
  it('over a freed pool slot: every method throws ERR_USE_AFTER_FREE instead of writing nothing', () => {
    setDebugMode(true);
    using pool = createPool(8, 2, 'buffers', { tag: MemTag.Edge });
    const handle = pool.alloc()!;
    const buffer = new ByteBuffer(pool.bytes(handle));
    expect(buffer.appendByte(1)).toBe(true);
    pool.free(handle);
    for (const action of [() => buffer.appendByte(2), () => buffer.remaining, () => buffer.view(), () => buffer.append(Uint8Array.of(3))]) {
      const error = caught(action);
      expect(error.code).toBe('ERR_USE_AFTER_FREE');
      expect(error.message).toMatch(/ByteBuffer: its slot 0 of pool "buffers" \(tag Edge\) was freed/);
      expect(error.freeSite).toMatch(/debug-views\.test\.ts/);
    }
    expect(buffer.capacity).toBe(8);
  });

  it('over a reset or destroyed arena: ERR_USE_AFTER_RESET, ERR_ARENA_DESTROYED', () => {
    setDebugMode(true);
    const arena = createArena(64, 'frame');
    const buffer = new ByteBuffer(arena.bytes(arena.alloc(16)));
    arena.reset();
    expect(caught(() => buffer.appendByte(1)).code).toBe('ERR_USE_AFTER_RESET');
    expect(caught(() => buffer.appendByte(1)).resetSite).toMatch(/debug-views\.test\.ts/);
    const second = new ByteBuffer(arena.bytes(arena.alloc(16)));
    arena.destroy();
    expect(caught(() => second.view()).code).toBe('ERR_ARENA_DESTROYED');
  });

  it('wrapping memory that is already dead throws at once', () => {
    setDebugMode(true);
    const handle = allocTagged(8, MemTag.Temp);
    const view = taggedBytes(handle);
    freeTagged(handle, MemTag.Temp);
    expect(caught(() => new ByteBuffer(view)).code).toBe('ERR_USE_AFTER_FREE');
  });

  it('memory detached by someone else: still an ArenaError', () => {
    const storage = new Uint8Array(4);
    const buffer = new ByteBuffer(storage);
    structuredClone(storage.buffer, { transfer: [storage.buffer] });
    expect(caught(() => buffer.appendByte(1)).code).toBe('ERR_USE_AFTER_FREE');
  });
});
