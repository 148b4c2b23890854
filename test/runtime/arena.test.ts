import { describe, expect, it } from 'vitest';
import {
  MAX_ALLOCATION,
  MemTag,
  createArena,
  getStats,
  withArena,
  type Arena,
  type Handle,
} from '../../runtime/index.js';
import { codeOf } from './helpers.js';

describe('arena allocation', () => {
  it('bumps: consecutive allocations do not overlap and follow each other', () => {
    using arena = createArena(256, 'bump');
    const a = arena.alloc(10);
    const b = arena.alloc(20);
    const c = arena.alloc(1);
    expect(arena.addressOf(b)).toBeGreaterThanOrEqual(arena.addressOf(a) + 10);
    expect(arena.addressOf(c)).toBeGreaterThanOrEqual(arena.addressOf(b) + 20);
    expect([arena.sizeOf(a), arena.sizeOf(b), arena.sizeOf(c)]).toEqual([10, 20, 1]);
    // alloc aligns to 8 (DEFAULT_ALIGNMENT), and `used` counts that padding.
    expect(arena.addressOf(b) % 8).toBe(0);
    expect(arena.used).toBe(16 + 24 + 1);
  });

  it('writes through bytes() read back, and separate allocations do not alias', () => {
    using arena = createArena(64, 'rw');
    const a = arena.alloc(4);
    const b = arena.alloc(4);
    arena.bytes(a).set([1, 2, 3, 4]);
    arena.bytes(b).set([9, 9, 9, 9]);
    expect([...arena.bytes(a)]).toEqual([1, 2, 3, 4]);
    expect([...arena.bytes(b)]).toEqual([9, 9, 9, 9]);
  });

  it('aligns 2..64 across chunk boundaries, at every starting offset (bumpalo style)', () => {
    for (const align of [1, 2, 4, 8, 16, 32, 64]) {
      for (let skew = 1; skew <= 9; skew++) {
        using arena = createArena(100, `align-${align}`);
        arena.alloc(skew);
        const previous: { address: number; size: number }[] = [];
        const problems: string[] = [];
        // Enough allocations to spill over several overflow chunks.
        for (let index = 0; index < 40; index++) {
          const size = 1 + ((index * 7) % 23);
          const handle = arena.allocAligned(size, align);
          const address = arena.addressOf(handle);
          if (address % align !== 0) problems.push(`address ${address} not aligned to ${align}`);
          if (arena.bytes(handle).byteOffset % align !== 0) problems.push(`byteOffset not aligned to ${align}`);
          for (const other of previous) {
            if (address < other.address + other.size && other.address < address + size) problems.push(`${address}+${size} overlaps ${other.address}`);
          }
          previous.push({ address, size });
        }
        expect(problems).toEqual([]);
        expect(arena.overflow).toBeGreaterThan(0);
      }
    }
  });

  it('allocAligned accepts alignments up to 4096 and rejects non powers of two', () => {
    using arena = createArena(16, 'big-align');
    const h = arena.allocAligned(8, 4096);
    expect(arena.addressOf(h) % 4096).toBe(0);
    for (const bad of [0, 3, 6, 12, -8, 1.5, NaN, Infinity, 8192]) {
      expect(codeOf(() => arena.allocAligned(8, bad))).toBe('ERR_INVALID_ALIGNMENT');
    }
  });

  it('grows by chaining overflow chunks; capacity, overflow and peak report it', () => {
    using arena = createArena(1024, 'grow');
    expect(arena.capacity).toBe(1024);
    expect(arena.overflow).toBe(0);
    arena.alloc(1000);
    arena.alloc(1000);
    expect(arena.overflow).toBe(1);
    expect(arena.capacity).toBeGreaterThanOrEqual(2024);
    const huge = arena.alloc(100_000);
    expect(arena.bytes(huge).length).toBe(100_000);
    expect(arena.overflow).toBe(2);
    expect(arena.peak).toBe(arena.used);
  });

  it('reset keeps the chunks for reuse, frees everything, bumps the generation', () => {
    using arena = createArena(1024, 'reuse');
    const first = arena.alloc(100);
    arena.alloc(5000);
    const capacity = arena.capacity;
    const firstAddress = arena.addressOf(first);
    const usedBefore = arena.used;
    arena.reset();
    expect(arena.generation).toBe(1);
    expect(arena.used).toBe(0);
    expect(arena.peak).toBe(usedBefore);
    expect(arena.capacity).toBe(capacity);
    const again = arena.alloc(100);
    expect(arena.addressOf(again)).toBe(firstAddress);
    arena.alloc(5000);
    expect(arena.capacity).toBe(capacity); // the overflow chunk was reused, not reallocated
    expect(arena.isLive(first)).toBe(false);
    expect(arena.isLive(again)).toBe(true);
  });

  it('tags: allocations count in their tag (or the arena default) until reset and destroy', () => {
    const edge = getStats(MemTag.Edge);
    const parse = getStats(MemTag.Parse);
    const arena = createArena(256, 'tagged', { tag: MemTag.Parse });
    arena.alloc(10);
    arena.alloc(20, MemTag.Edge);
    expect(getStats(MemTag.Parse).currentBytes).toBe(parse.currentBytes + 10);
    expect(getStats(MemTag.Edge).currentBytes).toBe(edge.currentBytes + 20);
    expect(getStats(MemTag.Edge).allocCount).toBe(edge.allocCount + 1);
    arena.reset();
    expect(getStats(MemTag.Edge).currentBytes).toBe(edge.currentBytes);
    expect(getStats(MemTag.Edge).totalFrees).toBe(edge.totalFrees + 1);
    arena.alloc(30, MemTag.Edge);
    arena.destroy();
    expect(getStats(MemTag.Edge).currentBytes).toBe(edge.currentBytes);
    expect(getStats(MemTag.Parse).currentBytes).toBe(parse.currentBytes);
    expect(getStats(MemTag.Edge).peakBytes).toBeGreaterThanOrEqual(edge.currentBytes + 30);
  });
});

describe('maxBytes', () => {
  it('throws ERR_OUT_OF_MEMORY past the budget, and the budget survives reset', () => {
    using arena = createArena(1024, 'limited', { maxBytes: 4096 });
    expect(arena.maxBytes).toBe(4096);
    arena.alloc(3000); // needs an overflow chunk within the budget
    expect(codeOf(() => arena.alloc(4000))).toBe('ERR_OUT_OF_MEMORY');
    arena.reset();
    expect(arena.maxBytes).toBe(4096);
    expect(codeOf(() => arena.alloc(4097))).toBe('ERR_OUT_OF_MEMORY');
    // Chunks kept from before the reset still serve requests that fit.
    expect(arena.isLive(arena.alloc(3000))).toBe(true);
    expect(arena.capacity).toBeLessThanOrEqual(4096);
  });

  it('a failed allocation changes nothing', () => {
    using arena = createArena(64, 'atomic', { maxBytes: 64 });
    const h = arena.alloc(32);
    const used = arena.used;
    expect(codeOf(() => arena.alloc(64))).toBe('ERR_OUT_OF_MEMORY');
    expect(arena.used).toBe(used);
    expect(arena.isLive(h)).toBe(true);
    expect(arena.isLive(arena.alloc(32))).toBe(true);
  });

  it('rejects an initial size above the budget and bad budgets', () => {
    expect(codeOf(() => createArena(2048, 'x', { maxBytes: 1024 }))).toBe('ERR_OUT_OF_MEMORY');
    expect(codeOf(() => createArena(16, 'x', { maxBytes: -1 }))).toBe('ERR_INVALID_SIZE');
    expect(codeOf(() => createArena(16, 'x', { maxBytes: NaN }))).toBe('ERR_INVALID_SIZE');
  });
});

describe('bad input', () => {
  const badSizes: [string, number][] = [
    ['zero', 0],
    ['negative', -1],
    ['fractional', 1.5],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
  ];

  it.each(badSizes)('alloc of a %s size throws ERR_INVALID_SIZE', (_, size) => {
    using arena = createArena(64, 'sizes');
    expect(codeOf(() => arena.alloc(size))).toBe('ERR_INVALID_SIZE');
    expect(codeOf(() => arena.allocAligned(size, 8))).toBe('ERR_INVALID_SIZE');
    expect(arena.used).toBe(0);
  });

  it.each(badSizes)('createArena with a %s initial size throws ERR_INVALID_SIZE', (_, size) => {
    expect(codeOf(() => createArena(size, 'bad'))).toBe('ERR_INVALID_SIZE');
  });

  it('sizes past the largest allocation throw ERR_OUT_OF_MEMORY', () => {
    using arena = createArena(64, 'huge');
    expect(codeOf(() => arena.alloc(MAX_ALLOCATION + 1))).toBe('ERR_OUT_OF_MEMORY');
    expect(codeOf(() => createArena(2 ** 40, 'huge'))).toBe('ERR_OUT_OF_MEMORY');
  });

  it('a size given as a string is rejected, not coerced', () => {
    using arena = createArena(64, 'coerce');
    expect(codeOf(() => arena.alloc('8' as unknown as number))).toBe('ERR_INVALID_SIZE');
  });

  it('an undefined tag throws ERR_INVALID_TAG', () => {
    using arena = createArena(64, 'tags');
    expect(codeOf(() => arena.alloc(8, 9999 as never))).toBe('ERR_INVALID_TAG');
    expect(codeOf(() => createArena(64, 'x', { tag: -1 as never }))).toBe('ERR_INVALID_TAG');
  });

  it('a name that is not a string is ERR_INVALID_ARGUMENT', () => {
    expect(codeOf(() => createArena(64, 42 as unknown as string))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('every method of a destroyed arena throws ERR_ARENA_DESTROYED', () => {
    const arena = createArena(64, 'gone');
    const h = arena.alloc(8);
    arena.destroy();
    expect(arena.destroyed).toBe(true);
    const calls: [string, () => unknown][] = [
      ['alloc', () => arena.alloc(8)],
      ['allocAligned', () => arena.allocAligned(8, 8)],
      ['allocAligned with a bad alignment', () => arena.allocAligned(8, 3)],
      ['alloc with a bad size', () => arena.alloc(0)],
      ['reset', () => arena.reset()],
      ['destroy', () => arena.destroy()],
      ['bytes', () => arena.bytes(h)],
      ['addressOf', () => arena.addressOf(h)],
      ['sizeOf', () => arena.sizeOf(h)],
    ];
    for (const [, call] of calls) expect(codeOf(call)).toBe('ERR_ARENA_DESTROYED');
    expect(arena.isLive(h)).toBe(false);
    expect(() => arena[Symbol.dispose]()).not.toThrow(); // disposal after destroy is a no-op
    expect(arena.capacity).toBe(0);
  });
});

describe('withArena', () => {
  it('destroys the arena when the body returns, and returns its value', () => {
    let seen: Arena | undefined;
    const value = withArena(64, 'sync', (arena) => {
      seen = arena;
      arena.alloc(8);
      return 42;
    });
    expect(value).toBe(42);
    expect(seen?.destroyed).toBe(true);
  });

  it('destroys the arena when the body throws, and rethrows', () => {
    let seen: Arena | undefined;
    expect(() =>
      withArena(64, 'throws', (arena) => {
        seen = arena;
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(seen?.destroyed).toBe(true);
  });

  it('waits for a returned promise, destroys once it resolves, and resolves with its value', async () => {
    let seen: Arena | undefined;
    let release: (value: string) => void = () => undefined;
    const promise = withArena(64, 'async', (arena) => {
      seen = arena;
      const handle = arena.alloc(4);
      return new Promise<string>((resolve) => {
        release = resolve;
      }).then((value) => {
        arena.bytes(handle)[0] = 1; // the arena is still alive while the body runs
        return value;
      });
    });
    await Promise.resolve();
    expect(seen?.destroyed).toBe(false);
    release('done');
    await expect(promise).resolves.toBe('done');
    expect(seen?.destroyed).toBe(true);
  });

  it('destroys once a returned promise rejects, and rejects with the same reason', async () => {
    let seen: Arena | undefined;
    const failure = new Error('async boom');
    const promise = withArena(64, 'rejects', async (arena) => {
      seen = arena;
      await Promise.resolve();
      throw failure;
    });
    await expect(promise).rejects.toBe(failure);
    expect(seen?.destroyed).toBe(true);
  });

  it('tolerates a body that destroys the arena itself', () => {
    expect(withArena(64, 'self', (arena) => (arena.destroy(), 'ok'))).toBe('ok');
  });
});

describe('using', () => {
  it('a `using` declaration destroys the arena at the end of the block, also on throw', () => {
    let escaped: Arena | undefined;
    {
      using arena = createArena(64, 'using');
      escaped = arena;
      arena.alloc(8);
      expect(arena.destroyed).toBe(false);
    }
    expect(escaped.destroyed).toBe(true);

    let thrownFrom: Arena | undefined;
    expect(() => {
      using arena = createArena(64, 'using-throw');
      thrownFrom = arena;
      throw new Error('inside');
    }).toThrow('inside');
    expect(thrownFrom?.destroyed).toBe(true);
  });

  it('stats return to where they were after the block', () => {
    const before = getStats(MemTag.Temp);
    {
      using arena = createArena(64, 'using-stats', { tag: MemTag.Temp });
      arena.alloc(16);
      expect(getStats(MemTag.Temp).currentBytes).toBe(before.currentBytes + 16);
    }
    expect(getStats(MemTag.Temp).currentBytes).toBe(before.currentBytes);
  });
});

describe('stale handles', () => {
  it('every access through a handle from before a reset throws ERR_USE_AFTER_RESET', () => {
    using arena = createArena(64, 'stale');
    const old: Handle = arena.alloc(8);
    arena.reset();
    const fresh = arena.alloc(8);
    expect(arena.addressOf(fresh)).toBe(0); // same memory as `old` had...
    for (const access of [() => arena.bytes(old), () => arena.addressOf(old), () => arena.sizeOf(old)]) {
      expect(codeOf(access)).toBe('ERR_USE_AFTER_RESET'); // ...but `old` cannot reach it
    }
    expect(arena.isLive(old)).toBe(false);
  });

  it('stays stale after many resets', () => {
    using arena = createArena(64, 'many');
    const handles: Handle[] = [];
    for (let generation = 0; generation < 100; generation++) {
      handles.push(arena.alloc(8), arena.alloc(8));
      arena.reset();
    }
    for (const handle of handles) expect(codeOf(() => arena.bytes(handle))).toBe('ERR_USE_AFTER_RESET');
    expect(arena.generation).toBe(100);
  });

  it('a handle that was never issued (past the live range) is foreign', () => {
    using arena = createArena(64, 'forged');
    const h = arena.alloc(8);
    expect(codeOf(() => arena.bytes((h + 1) as Handle))).toBe('ERR_FOREIGN_HANDLE');
    expect(codeOf(() => arena.bytes((h + 1000) as Handle))).toBe('ERR_FOREIGN_HANDLE');
  });

  it('a handle of another arena is foreign, and the message names its owner', () => {
    using first = createArena(64, 'first');
    using second = createArena(64, 'second');
    const h = first.alloc(8);
    second.alloc(8);
    expect(() => second.bytes(h)).toThrow(/arena "second".*belongs to arena "first"/);
    expect(codeOf(() => second.bytes(h))).toBe('ERR_FOREIGN_HANDLE');
    expect(second.isLive(h)).toBe(false);
  });

  it.each([
    ['NaN', NaN],
    ['-1', -1],
    ['1.5', 1.5],
    ['Infinity', Infinity],
    ['a string', '0'],
    ['null', null],
    ['an object', {}],
    ['a symbol', Symbol('h')],
    ['a BigInt', 1n],
    ['2^53', 2 ** 53],
  ])('%s is not a handle: ERR_FOREIGN_HANDLE, and isLive is false without throwing', (_, value) => {
    using arena = createArena(64, 'not-a-handle');
    arena.alloc(8);
    const notAHandle = value as unknown as Handle;
    expect(codeOf(() => arena.bytes(notAHandle))).toBe('ERR_FOREIGN_HANDLE');
    expect(codeOf(() => arena.addressOf(notAHandle))).toBe('ERR_FOREIGN_HANDLE');
    expect(arena.isLive(notAHandle)).toBe(false);
  });

  it('a string spelling a live handle is still rejected', () => {
    using arena = createArena(64, 'string-handle');
    const h = arena.alloc(8);
    expect(codeOf(() => arena.bytes(String(h) as unknown as Handle))).toBe('ERR_FOREIGN_HANDLE');
  });
});

describe('failed allocations', () => {
  it('an allocation that fails for lack of handle space takes no bytes', async () => {
    const { configureHandleLayout, getHandleLayout } = await import('../../runtime/internal.js');
    const layout = getHandleLayout();
    configureHandleLayout({ ownerBits: 4, serialBits: 3 });
    try {
      const arena = createArena(256, 'no-serials-left');
      for (let index = 0; index < 8; index++) arena.alloc(8);
      const used = arena.used;
      expect(codeOf(() => arena.alloc(8))).toBe('ERR_OUT_OF_MEMORY');
      expect(arena.used).toBe(used);
      arena.destroy();
    } finally {
      configureHandleLayout(layout);
    }
  });
});
