import { describe, expect, it } from 'vitest';
import {
  MemTag,
  createArena,
  createObjectPool,
  createPool,
  getStats,
  type Handle,
} from '../../runtime/index.js';
import { codeOf } from './helpers.js';

describe('createPool', () => {
  it('hands out distinct, non-overlapping blocks of objectSize bytes', () => {
    using pool = createPool(24, 8, 'blocks');
    const addresses = new Set<number>();
    for (let index = 0; index < 8; index++) {
      const handle = pool.alloc()!;
      expect(pool.bytes(handle).length).toBe(24);
      const address = pool.addressOf(handle);
      expect(address % 24).toBe(0);
      addresses.add(address);
    }
    expect(addresses.size).toBe(8);
    expect(pool.capacity).toBe(8);
    expect(pool.inUse).toBe(8);
    expect(pool.objectSize).toBe(24);
  });

  it('data written to one block stays there while others are allocated and freed', () => {
    using pool = createPool(4, 4, 'data');
    const kept = pool.alloc()!;
    pool.bytes(kept).set([1, 2, 3, 4]);
    for (let round = 0; round < 10; round++) {
      const other = pool.alloc()!;
      pool.bytes(other).fill(0xff);
      pool.free(other);
    }
    expect([...pool.bytes(kept)]).toEqual([1, 2, 3, 4]);
  });

  it('free then alloc returns the most recently freed block (LIFO), under a new handle', () => {
    using pool = createPool(16, 4, 'lifo');
    const a = pool.alloc()!;
    const b = pool.alloc()!;
    const addressA = pool.addressOf(a);
    const addressB = pool.addressOf(b);
    pool.free(a);
    pool.free(b);
    const first = pool.alloc()!;
    const second = pool.alloc()!;
    expect(pool.addressOf(first)).toBe(addressB);
    expect(pool.addressOf(second)).toBe(addressA);
    expect(first).not.toBe(b);
    expect(codeOf(() => pool.bytes(b))).toBe('ERR_USE_AFTER_FREE');
    expect(codeOf(() => pool.addressOf(a))).toBe('ERR_USE_AFTER_FREE');
  });

  it('inUse and peak follow allocations; exhaustion does not change them', () => {
    using pool = createPool(8, 2, 'counts');
    const a = pool.alloc()!;
    pool.alloc();
    expect(pool.alloc()).toBeNull();
    expect(pool.inUse).toBe(2);
    pool.free(a);
    expect(pool.inUse).toBe(1);
    expect(pool.peak).toBe(2);
  });

  it('a growable pool adds a block instead of returning null, and old blocks do not move', () => {
    using pool = createPool(8, 2, 'growable', { growable: true });
    const first = pool.alloc()!;
    pool.bytes(first).fill(7);
    const view = pool.bytes(first);
    const more: Handle[] = [];
    for (let index = 0; index < 10; index++) more.push(pool.alloc()!);
    expect(more.every((handle) => handle !== null)).toBe(true);
    expect(pool.capacity).toBe(12);
    expect([...pool.bytes(first)]).toEqual(new Array(8).fill(7));
    expect(view.buffer).toBe(pool.bytes(first).buffer); // same memory: views stay valid
    const addresses = new Set([first, ...more].map((handle) => pool.addressOf(handle)));
    expect(addresses.size).toBe(11);
  });

  it('charges objectSize per live block to its tag until free and destroy', () => {
    const before = getStats(MemTag.Node);
    const pool = createPool(32, 4, 'tagged', { tag: MemTag.Node });
    const a = pool.alloc()!;
    pool.alloc();
    expect(getStats(MemTag.Node).currentBytes).toBe(before.currentBytes + 64);
    expect(getStats(MemTag.Node).allocCount).toBe(before.allocCount + 2);
    pool.free(a);
    expect(getStats(MemTag.Node).currentBytes).toBe(before.currentBytes + 32);
    pool.destroy();
    const after = getStats(MemTag.Node);
    expect(after.currentBytes).toBe(before.currentBytes);
    expect(after.allocCount).toBe(before.allocCount);
    expect(after.totalAllocs).toBe(before.totalAllocs + 2);
    expect(after.totalFrees).toBe(before.totalFrees + 2);
  });

  it('double free throws ERR_DOUBLE_FREE, also after the slot was reused', () => {
    using pool = createPool(8, 2, 'double');
    const h = pool.alloc()!;
    pool.free(h);
    expect(codeOf(() => pool.free(h))).toBe('ERR_DOUBLE_FREE');
    const reused = pool.alloc()!;
    expect(codeOf(() => pool.free(h))).toBe('ERR_DOUBLE_FREE');
    expect(pool.isLive(reused)).toBe(true); // the failed free did not touch the new owner of the slot
    expect(pool.inUse).toBe(1);
  });

  it('a handle from another pool or an arena is foreign', () => {
    using first = createPool(8, 2, 'first');
    using second = createPool(8, 2, 'second');
    using arena = createArena(64, 'arena');
    const h = first.alloc()!;
    second.alloc();
    expect(codeOf(() => second.free(h))).toBe('ERR_FOREIGN_HANDLE');
    expect(codeOf(() => second.bytes(h))).toBe('ERR_FOREIGN_HANDLE');
    expect(codeOf(() => arena.bytes(h))).toBe('ERR_FOREIGN_HANDLE');
    expect(codeOf(() => first.free(arena.alloc(8)))).toBe('ERR_FOREIGN_HANDLE');
    expect(() => second.free(h)).toThrow(/pool "second".*belongs to pool "first"/);
    expect(first.isLive(h)).toBe(true);
  });

  it('a handle for a slot that was never handed out is foreign', () => {
    using pool = createPool(8, 4, 'forged');
    const h = pool.alloc()!;
    expect(codeOf(() => pool.bytes((h + 1) as Handle))).toBe('ERR_FOREIGN_HANDLE');
  });

  it.each([NaN, -1, 1.5, Infinity, '0', undefined, Symbol('h'), 2n])('%s is not a handle', (value) => {
    using pool = createPool(8, 4, 'not-a-handle');
    pool.alloc();
    const notAHandle = value as unknown as Handle;
    expect(codeOf(() => pool.free(notAHandle))).toBe('ERR_FOREIGN_HANDLE');
    expect(codeOf(() => pool.bytes(notAHandle))).toBe('ERR_FOREIGN_HANDLE');
    expect(pool.isLive(notAHandle)).toBe(false);
  });

  it('every method of a destroyed pool throws ERR_ARENA_DESTROYED', () => {
    const pool = createPool(8, 2, 'gone');
    const h = pool.alloc()!;
    pool.destroy();
    const notAHandle = undefined as unknown as Handle;
    for (const call of [
      () => pool.alloc(),
      () => pool.free(h),
      () => pool.bytes(h),
      () => pool.addressOf(h),
      () => pool.destroy(),
      () => pool.bytes(notAHandle),
      () => pool.free(notAHandle),
    ]) {
      expect(codeOf(call)).toBe('ERR_ARENA_DESTROYED');
    }
    expect(pool.destroyed).toBe(true);
    expect(pool.isLive(h)).toBe(false);
    expect(() => pool[Symbol.dispose]()).not.toThrow();
  });

  it.each([
    ['objectSize 0', () => createPool(0, 4, 'bad')],
    ['objectSize -8', () => createPool(-8, 4, 'bad')],
    ['objectSize 1.5', () => createPool(1.5, 4, 'bad')],
    ['objectSize NaN', () => createPool(NaN, 4, 'bad')],
    ['count 0', () => createPool(8, 0, 'bad')],
    ['count Infinity', () => createPool(8, Infinity, 'bad')],
    ['count -1', () => createPool(8, -1, 'bad')],
  ])('%s throws ERR_INVALID_SIZE', (_, create) => {
    expect(codeOf(create)).toBe('ERR_INVALID_SIZE');
  });

  it('a pool bigger than one block can hold is ERR_OUT_OF_MEMORY', () => {
    expect(codeOf(() => createPool(2 ** 20, 2 ** 12, 'too-big'))).toBe('ERR_OUT_OF_MEMORY');
  });

  it('`using` destroys a pool and releases its stats', () => {
    const before = getStats(MemTag.Cache);
    {
      using pool = createPool(100, 3, 'scoped', { tag: MemTag.Cache });
      pool.alloc();
      expect(getStats(MemTag.Cache).currentBytes).toBe(before.currentBytes + 100);
    }
    expect(getStats(MemTag.Cache).currentBytes).toBe(before.currentBytes);
  });
});

describe('createObjectPool', () => {
  interface Edge {
    from: number;
    to: number;
  }
  const makeEdge = (): Edge => ({ from: 0, to: 0 });

  it('creates its objects up front and hands the same object back after free', () => {
    let made = 0;
    using pool = createObjectPool(() => (made++, makeEdge()), 3, 'edges');
    expect(made).toBe(3);
    const h = pool.alloc()!;
    const edge = pool.get(h);
    edge.from = 1;
    pool.free(h);
    const again = pool.alloc()!;
    expect(pool.get(again)).toBe(edge);
    expect(again).not.toBe(h);
    expect(codeOf(() => pool.get(h))).toBe('ERR_USE_AFTER_FREE');
    expect(made).toBe(3);
  });

  it('calls reset on free, before the object can be handed out again', () => {
    const reset: Edge[] = [];
    using pool = createObjectPool(makeEdge, 1, 'reset', {
      reset: (edge) => {
        reset.push(edge);
        edge.from = 0;
        edge.to = 0;
      },
    });
    const h = pool.alloc()!;
    pool.get(h).from = 5;
    pool.free(h);
    expect(reset).toHaveLength(1);
    expect(pool.get(pool.alloc()!).from).toBe(0);
  });

  it('a throwing reset leaves the handle live (nothing freed half-way)', () => {
    using pool = createObjectPool(makeEdge, 1, 'throwing-reset', {
      reset: () => {
        throw new Error('reset failed');
      },
    });
    const h = pool.alloc()!;
    expect(() => pool.free(h)).toThrow('reset failed');
    expect(pool.isLive(h)).toBe(true);
    expect(pool.inUse).toBe(1);
  });

  it('returns null when exhausted, grows when growable', () => {
    using fixed = createObjectPool(makeEdge, 2, 'fixed');
    fixed.alloc();
    fixed.alloc();
    expect(fixed.alloc()).toBeNull();
    let made = 0;
    using growable = createObjectPool(() => (made++, makeEdge()), 2, 'growable', { growable: true });
    for (let index = 0; index < 5; index++) expect(growable.alloc()).not.toBeNull();
    expect(growable.capacity).toBe(6);
    expect(made).toBe(6);
  });

  it('double free, foreign handles and destroyed pools throw typed errors', () => {
    const pool = createObjectPool(makeEdge, 2, 'errors');
    const other = createObjectPool(makeEdge, 2, 'other');
    const h = pool.alloc()!;
    expect(codeOf(() => other.get(h))).toBe('ERR_FOREIGN_HANDLE');
    pool.free(h);
    expect(codeOf(() => pool.free(h))).toBe('ERR_DOUBLE_FREE');
    pool.destroy();
    expect(codeOf(() => pool.alloc())).toBe('ERR_ARENA_DESTROYED');
    expect(codeOf(() => pool.get(h))).toBe('ERR_ARENA_DESTROYED');
    expect(codeOf(() => pool.get(undefined as unknown as Handle))).toBe('ERR_ARENA_DESTROYED');
    other.destroy();
  });

  it('charges bytesPerObject per live object to its tag', () => {
    const before = getStats(MemTag.Plugin);
    using pool = createObjectPool(makeEdge, 4, 'charged', { tag: MemTag.Plugin, bytesPerObject: 40 });
    const h = pool.alloc()!;
    pool.alloc();
    expect(getStats(MemTag.Plugin).currentBytes).toBe(before.currentBytes + 80);
    pool.free(h);
    expect(getStats(MemTag.Plugin).currentBytes).toBe(before.currentBytes + 40);
    expect(getStats(MemTag.Plugin).allocCount).toBe(before.allocCount + 1);
  });

  it('a throwing factory creates no pool', () => {
    expect(() =>
      createObjectPool(
        () => {
          throw new Error('factory failed');
        },
        2,
        'broken',
      ),
    ).toThrow('factory failed');
  });

  it('bad arguments are rejected', () => {
    expect(codeOf(() => createObjectPool(makeEdge, 0, 'x'))).toBe('ERR_INVALID_SIZE');
    expect(codeOf(() => createObjectPool(makeEdge, 2, 'x', { bytesPerObject: -1 }))).toBe('ERR_INVALID_SIZE');
    expect(() => createObjectPool('nope' as unknown as () => Edge, 2, 'x')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});
