// The checked accessors (getUint8 ... setFloat64, read, write) of arenas and pools: little-endian
// values that match a DataView over the same bytes, the handle checks of bytes(h), bounds within the
// allocation (ERR_OUT_OF_BOUNDS), and no change to memory when an access is refused.
import { describe, expect, it } from 'vitest';
import { createArena, createPool, setDebugMode, type Arena, type Handle, type Pool } from '../../runtime/index.js';
import { caught, codeOf } from './helpers.js';

type Owner = Arena | Pool;

const GETTERS = [
  ['getUint8', 'setUint8', 1],
  ['getInt8', 'setInt8', 1],
  ['getUint16', 'setUint16', 2],
  ['getInt16', 'setInt16', 2],
  ['getUint32', 'setUint32', 4],
  ['getInt32', 'setInt32', 4],
  ['getFloat32', 'setFloat32', 4],
  ['getFloat64', 'setFloat64', 8],
] as const;

/** A DataView over a copy of the allocation's bytes, to compare the accessors with. */
function viewOf(owner: Owner, handle: Handle): DataView {
  const copy = owner.bytes(handle).slice();
  return new DataView(copy.buffer);
}

const owners: [string, () => { owner: Owner; handle: Handle; size: number }][] = [
  [
    'arena',
    () => {
      const owner = createArena(256, 'access');
      return { owner, handle: owner.alloc(24), size: 24 };
    },
  ],
  [
    'pool',
    () => {
      const owner = createPool(24, 4, 'access-pool');
      return { owner, handle: owner.alloc()!, size: 24 };
    },
  ],
];

describe.each(owners)('%s accessors', (_kind, make) => {
  it.each(GETTERS)('%s / %s read and write little-endian, like DataView', (get, set, width) => {
    const { owner, handle, size } = make();
    try {
      const values = [0, 1, -1, 127, 128, 255, 256, -129, 65535, 2 ** 31 - 1, -(2 ** 31), 2 ** 32 - 1, 0.1, -2.5, 1e300, Number.NaN, Infinity];
      for (let offset = 0; offset + width <= size; offset += 3) {
        for (const value of values) {
          owner[set](handle, offset, value);
          const expected = new DataView(new ArrayBuffer(8));
          expected[set](0, value, true);
          const wanted = expected[get](0, true);
          expect(owner[get](handle, offset)).toBe(wanted);
          // The bytes are there, little-endian, for bytes(h) and a plain DataView alike.
          expect(viewOf(owner, handle)[get](offset, true)).toBe(wanted);
        }
      }
    } finally {
      owner.destroy();
    }
  });

  it('a byte order check: setUint32(0x01020304) stores 04 03 02 01', () => {
    const { owner, handle } = make();
    owner.setUint32(handle, 4, 0x01020304);
    expect(Array.from(owner.bytes(handle).subarray(4, 8))).toEqual([4, 3, 2, 1]);
    expect(owner.getUint16(handle, 5)).toBe(0x0203);
    owner.destroy();
  });

  it('accesses reaching outside the allocation throw ERR_OUT_OF_BOUNDS and change nothing', () => {
    const { owner, handle, size } = make();
    owner.bytes(handle).fill(7);
    for (const [get, set, width] of GETTERS) {
      for (const offset of [size - width + 1, size, size + 100, -1, -width, 0.5, Number.NaN, 2 ** 32, 2 ** 32 + 1, '0' as unknown as number]) {
        expect(codeOf(() => owner[get](handle, offset))).toBe('ERR_OUT_OF_BOUNDS');
        expect(codeOf(() => owner[set](handle, offset, 0))).toBe('ERR_OUT_OF_BOUNDS');
      }
      // The last position that fits is fine.
      expect(owner[get](handle, size - width)).toBe(viewOf(owner, handle)[get](size - width, true));
    }
    expect(owner.bytes(handle).every((byte) => byte === 7)).toBe(true);
    owner.destroy();
  });

  it('the out-of-bounds message names the access, the bytes, the allocation size and the owner', () => {
    const { owner, handle, size } = make();
    const error = caught(() => owner.getFloat64(handle, size - 4));
    expect(error.code).toBe('ERR_OUT_OF_BOUNDS');
    expect(error.message).toContain(`getFloat64 of handle ${handle}`);
    expect(error.message).toContain(`bytes ${size - 4}..${size + 3}`);
    expect(error.message).toContain(`${size} bytes`);
    expect(error.message).toContain(owner.name);
    expect(error.handle).toBe(handle);
    expect(caught(() => owner.setUint8(handle, size, 1)).message).toContain(`byte ${size},`);
    expect(caught(() => owner.getUint8(handle, 0.5)).message).toContain('whole numbers');
    owner.destroy();
  });

  it('read and write copy bytes in and out, on both sides of the small-copy threshold', () => {
    const { owner, handle, size } = make();
    const source = Uint8Array.from({ length: size }, (_, index) => index * 7 + 1);
    owner.write(handle, 0, source);
    expect(Array.from(owner.bytes(handle))).toEqual(Array.from(source));
    const target = new Uint8Array(size - 2);
    expect(owner.read(handle, 2, target)).toBe(target);
    expect(Array.from(target)).toEqual(Array.from(source.subarray(2)));
    owner.write(handle, size - 1, new Uint8Array([99]));
    expect(owner.getUint8(handle, size - 1)).toBe(99);
    // Zero bytes at the very end is in bounds; one more is not.
    owner.write(handle, size, new Uint8Array(0));
    expect(codeOf(() => owner.write(handle, size - 1, new Uint8Array(2)))).toBe('ERR_OUT_OF_BOUNDS');
    expect(codeOf(() => owner.read(handle, 1, new Uint8Array(size)))).toBe('ERR_OUT_OF_BOUNDS');
    expect(codeOf(() => owner.read(handle, 0, [1, 2] as unknown as Uint8Array))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => owner.write(handle, 0, new Float64Array(1) as unknown as Uint8Array))).toBe('ERR_INVALID_ARGUMENT');
    owner.destroy();
  });
});

describe('stale, foreign and destroyed handles', () => {
  it('arena: after reset ERR_USE_AFTER_RESET, from another arena ERR_FOREIGN_HANDLE, after destroy ERR_ARENA_DESTROYED', () => {
    const arena = createArena(64, 'checked');
    const other = createArena(64, 'other');
    const handle = arena.alloc(8);
    const theirs = other.alloc(8);
    expect(codeOf(() => arena.getUint32(theirs, 0))).toBe('ERR_FOREIGN_HANDLE');
    expect(codeOf(() => arena.setUint32(theirs, 0, 1))).toBe('ERR_FOREIGN_HANDLE');
    expect(codeOf(() => arena.write(theirs, 0, new Uint8Array(1)))).toBe('ERR_FOREIGN_HANDLE');
    arena.reset();
    for (const access of [() => arena.getUint8(handle, 0), () => arena.setFloat64(handle, 0, 1), () => arena.read(handle, 0, new Uint8Array(1))]) {
      expect(codeOf(access)).toBe('ERR_USE_AFTER_RESET');
    }
    // Checked before the bounds: a stale handle is reported as stale even with a bad offset.
    expect(codeOf(() => arena.getUint8(handle, 999))).toBe('ERR_USE_AFTER_RESET');
    arena.destroy();
    expect(codeOf(() => arena.getUint8(handle, 0))).toBe('ERR_ARENA_DESTROYED');
    for (const value of [Number.NaN, -1, 0.5, '1', null, undefined]) expect(codeOf(() => other.getUint8(value as unknown as Handle, 0))).toBe('ERR_FOREIGN_HANDLE');
    other.destroy();
  });

  it('pool: after free ERR_USE_AFTER_FREE, even once the slot is handed out again', () => {
    const pool = createPool(16, 2, 'checked-pool');
    const handle = pool.alloc()!;
    pool.setUint32(handle, 0, 11);
    pool.free(handle);
    expect(codeOf(() => pool.getUint32(handle, 0))).toBe('ERR_USE_AFTER_FREE');
    const next = pool.alloc()!;
    pool.setUint32(next, 0, 22);
    expect(codeOf(() => pool.getUint32(handle, 0))).toBe('ERR_USE_AFTER_FREE');
    expect(codeOf(() => pool.setUint32(handle, 0, 33))).toBe('ERR_USE_AFTER_FREE');
    expect(pool.getUint32(next, 0)).toBe(22);
    pool.destroy();
    expect(codeOf(() => pool.getUint32(next, 0))).toBe('ERR_ARENA_DESTROYED');
  });
});

describe('memory layout behind the accessors', () => {
  it('arena: allocations in overflow chunks and in the first chunk after the arena moved on', () => {
    const arena = createArena(64, 'chained');
    const handles: Handle[] = [];
    for (let index = 0; index < 40; index++) {
      const handle = arena.alloc(24);
      arena.setFloat64(handle, 8, index + 0.5);
      arena.setUint32(handle, 20, index * 1000);
      handles.push(handle);
    }
    expect(arena.overflow).toBeGreaterThan(1);
    handles.forEach((handle, index) => {
      expect(arena.getFloat64(handle, 8)).toBe(index + 0.5);
      expect(arena.getUint32(handle, 20)).toBe(index * 1000);
      expect(new DataView(arena.bytes(handle).slice().buffer).getFloat64(8, true)).toBe(index + 0.5);
    });
    // After a reset the arena starts over in the first chunk and walks the kept chunks again.
    arena.reset();
    const again = Array.from({ length: 40 }, (_, index) => {
      const handle = arena.alloc(24);
      arena.setInt16(handle, 0, -index);
      return handle;
    });
    again.forEach((handle, index) => expect(arena.getInt16(handle, 0)).toBe(-index | 0));
    arena.destroy();
  });

  it('growable pool: slots in later blocks', () => {
    const pool = createPool(12, 3, 'grown', { growable: true });
    const handles = Array.from({ length: 10 }, (_, index) => {
      const handle = pool.alloc()!;
      pool.setInt32(handle, 8, -index - 1);
      pool.write(handle, 0, new Uint8Array([index, index, index]));
      return handle;
    });
    expect(pool.capacity).toBeGreaterThanOrEqual(10);
    handles.forEach((handle, index) => {
      expect(pool.getInt32(handle, 8)).toBe(-index - 1);
      expect(Array.from(pool.read(handle, 0, new Uint8Array(3)))).toEqual([index, index, index]);
      expect(pool.bytes(handle)[0]).toBe(index);
    });
    pool.destroy();
  });

  it('debug mode: the accessors follow the arena onto its fresh buffers after a reset', () => {
    setDebugMode(true);
    try {
      const arena = createArena(64, 'debug-access');
      const first = arena.alloc(8);
      arena.setUint32(first, 0, 5);
      arena.reset();
      expect(codeOf(() => arena.getUint32(first, 0))).toBe('ERR_USE_AFTER_RESET');
      const second = arena.alloc(8);
      arena.setUint32(second, 4, 6);
      expect(arena.getUint32(second, 4)).toBe(6);
      expect(arena.bytes(second)[4]).toBe(6);
      arena.destroy();
    } finally {
      setDebugMode(false);
    }
  });
});
