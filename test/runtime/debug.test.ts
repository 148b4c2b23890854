import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MemTag,
  POISON_BYTE,
  allocTagged,
  createArena,
  createPool,
  freeTagged,
  isDebugMode,
  setDebugMode,
  taggedBytes,
} from '../../runtime/index.js';
import { caught } from './helpers.js';

afterEach(() => {
  setDebugMode(false);
});

const thisFile = /debug\.test\.ts:\d+:\d+/;

describe('debug mode switch', () => {
  it('is off by default here and follows setDebugMode', () => {
    expect(isDebugMode()).toBe(false);
    setDebugMode(true);
    expect(isDebugMode()).toBe(true);
    setDebugMode(false);
    expect(isDebugMode()).toBe(false);
  });

  it.each([
    ['1', true],
    ['true', true],
    ['0', false],
    ['', false],
    ['false', false],
  ])('ARENA_DEBUG=%j at load gives %s', async (value, expected) => {
    const previous = process.env.ARENA_DEBUG;
    process.env.ARENA_DEBUG = value;
    try {
      vi.resetModules();
      const fresh = await import('../../runtime/debug.js');
      expect(fresh.isDebugMode()).toBe(expected);
    } finally {
      if (previous === undefined) delete process.env.ARENA_DEBUG;
      else process.env.ARENA_DEBUG = previous;
      vi.resetModules();
    }
  });
});

describe('sites in messages', () => {
  it('use after reset names where the memory was allocated and where the arena was reset', () => {
    setDebugMode(true);
    using arena = createArena(64, 'frame', { tag: MemTag.Parse });
    const handle = arena.alloc(8, MemTag.Edge);
    arena.reset();
    const error = caught(() => arena.bytes(handle));
    expect(error.code).toBe('ERR_USE_AFTER_RESET');
    expect(error.message).toMatch(/arena "frame"/);
    expect(error.message).toMatch(/tag Edge/);
    expect(error.allocationSite).toMatch(thisFile);
    expect(error.resetSite).toMatch(thisFile);
    expect(error.allocationSite).not.toBe(error.resetSite);
    expect(error.message).toMatch(/allocated at:\n\s+at .*debug\.test\.ts/);
    expect(error.message).toMatch(/reset at:\n\s+at .*debug\.test\.ts/);
    expect(error.allocationSite).not.toMatch(/runtime[\\/]arena/); // the runtime's own frames are skipped
  });

  it('use after free and double free name the allocation and the free', () => {
    setDebugMode(true);
    using pool = createPool(8, 2, 'edges', { tag: MemTag.Edge });
    const handle = pool.alloc()!;
    pool.free(handle);
    for (const error of [caught(() => pool.bytes(handle)), caught(() => pool.free(handle))]) {
      expect(error.allocationSite).toMatch(thisFile);
      expect(error.freeSite).toMatch(thisFile);
      expect(error.message).toMatch(/freed at:/);
    }
    expect(caught(() => pool.free(handle)).code).toBe('ERR_DOUBLE_FREE');
  });

  it('a destroyed arena names where it was destroyed', () => {
    setDebugMode(true);
    const arena = createArena(64, 'gone');
    const handle = arena.alloc(8);
    arena.destroy();
    const error = caught(() => arena.bytes(handle));
    expect(error.code).toBe('ERR_ARENA_DESTROYED');
    expect(error.destroySite).toMatch(thisFile);
    expect(error.message).toMatch(/destroyed at:/);
  });

  it('a handle older than the kept history (32 generations) is still caught, without sites', () => {
    setDebugMode(true);
    using arena = createArena(64, 'long-lived');
    const ancient = arena.alloc(8);
    for (let generation = 0; generation < 40; generation++) arena.reset();
    const error = caught(() => arena.bytes(ancient));
    expect(error.code).toBe('ERR_USE_AFTER_RESET');
    expect(error.allocationSite).toBeUndefined();
    const recent = arena.alloc(8);
    arena.reset();
    expect(caught(() => arena.bytes(recent)).allocationSite).toMatch(thisFile);
  });

  it('production mode captures no sites', () => {
    using arena = createArena(64, 'quiet');
    const handle = arena.alloc(8);
    arena.reset();
    const error = caught(() => arena.bytes(handle));
    expect(error.code).toBe('ERR_USE_AFTER_RESET');
    expect(error.allocationSite).toBeUndefined();
    expect(error.resetSite).toBeUndefined();
    expect(error.message).not.toMatch(/allocated at/);
  });
});

describe('poisoning and detached views', () => {
  it(`arena reset poisons the old contents with 0x${POISON_BYTE.toString(16)} and kills old views`, () => {
    setDebugMode(true);
    using arena = createArena(64, 'poison');
    const handle = arena.alloc(16);
    const view = arena.bytes(handle);
    view.fill(1);
    arena.reset();
    expect(view.length).toBe(0); // detached: the stale view reads nothing
    expect(view[0]).toBeUndefined();
    const again = arena.alloc(16); // same memory, not yet written by its new owner
    expect([...arena.bytes(again)]).toEqual(new Array(16).fill(POISON_BYTE));
  });

  it('without debug mode a stale view keeps its length (only handles are checked)', () => {
    using arena = createArena(64, 'production');
    const view = arena.bytes(arena.alloc(16));
    arena.reset();
    expect(view.length).toBe(16);
  });

  it('arena destroy detaches views too', () => {
    setDebugMode(true);
    const arena = createArena(64, 'destroy-detach');
    const view = arena.bytes(arena.alloc(16));
    arena.destroy();
    expect(view.length).toBe(0);
  });

  it('pool free detaches the allocation\'s memory and poisons its slot in the block', () => {
    setDebugMode(true);
    using pool = createPool(8, 2, 'poisoned');
    const handle = pool.alloc()!;
    const view = pool.bytes(handle);
    view.fill(7);
    pool.free(handle);
    expect(view.length).toBe(0);
    // The next occupant, made outside debug mode, lives in the block: it starts as poison, not as 7s.
    setDebugMode(false);
    expect([...pool.bytes(pool.alloc()!)]).toEqual(new Array(8).fill(POISON_BYTE));
  });

  it('pool destroy detaches every block', () => {
    setDebugMode(true);
    const pool = createPool(8, 2, 'destroyed-views');
    const view = pool.bytes(pool.alloc()!);
    pool.destroy();
    expect(view.length).toBe(0);
  });

  it('freeTagged detaches the allocation, so stale views go dead', () => {
    setDebugMode(true);
    const handle = allocTagged(32, MemTag.Temp);
    const view = taggedBytes(handle);
    freeTagged(handle, MemTag.Temp);
    expect(view.length).toBe(0);
  });

  it('memory allocated in debug mode stays reportable after debug mode is turned off', () => {
    setDebugMode(true);
    using arena = createArena(64, 'switch');
    const handle = arena.alloc(8);
    setDebugMode(false);
    arena.reset();
    const error = caught(() => arena.bytes(handle));
    expect(error.code).toBe('ERR_USE_AFTER_RESET');
    expect(error.allocationSite).toMatch(thisFile);
  });
});
