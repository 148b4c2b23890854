// One test per error code: each provokes the error through the public API and checks the code, the
// class, and that the message says what happened to which owner (and tag, where there is one).
import { describe, expect, it } from 'vitest';
import {
  ArenaError,
  MemTag,
  allocTagged,
  createArena,
  createPool,
  defineTag,
  freeTagged,
  isArenaError,
  type ArenaErrorCode,
} from '../../runtime/index.js';
import { caught } from './helpers.js';

describe('ArenaError', () => {
  it('is an Error with a name, a code and the owner it concerns', () => {
    using arena = createArena(64, 'request');
    const error = caught(() => arena.alloc(0));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ArenaError');
    expect(error.code).toBe('ERR_INVALID_SIZE');
    expect(error.ownerName).toBe('request');
    expect(error.ownerKind).toBe('arena');
    expect(error.message.startsWith('ERR_INVALID_SIZE: ')).toBe(true);
    expect(isArenaError(error)).toBe(true);
    expect(isArenaError(error, 'ERR_INVALID_SIZE')).toBe(true);
    expect(isArenaError(error, 'ERR_DOUBLE_FREE')).toBe(false);
    expect(isArenaError(new Error('x'))).toBe(false);
  });
});

describe('error codes', () => {
  const cases: Record<ArenaErrorCode, () => { error: ArenaError; mentions: RegExp[] }> = {
    ERR_USE_AFTER_RESET: () => {
      using arena = createArena(64, 'frame', { tag: MemTag.Parse });
      const h = arena.alloc(8);
      arena.reset();
      return { error: caught(() => arena.bytes(h)), mentions: [/arena "frame"/, /reset/, /generation 1/] };
    },
    ERR_USE_AFTER_FREE: () => {
      using pool = createPool(16, 2, 'edges', { tag: MemTag.Edge });
      const h = pool.alloc()!;
      pool.free(h);
      return { error: caught(() => pool.bytes(h)), mentions: [/pool "edges"/, /tag Edge/, /freed/] };
    },
    ERR_DOUBLE_FREE: () => {
      using pool = createPool(16, 2, 'nodes', { tag: MemTag.Node });
      const h = pool.alloc()!;
      pool.free(h);
      return { error: caught(() => pool.free(h)), mentions: [/double free/, /pool "nodes"/, /tag Node/] };
    },
    ERR_ARENA_DESTROYED: () => {
      const arena = createArena(64, 'gone');
      const h = arena.alloc(8);
      arena.destroy();
      return { error: caught(() => arena.bytes(h)), mentions: [/arena "gone"/, /destroyed/] };
    },
    ERR_FOREIGN_HANDLE: () => {
      using mine = createArena(64, 'mine');
      using theirs = createArena(64, 'theirs');
      const h = theirs.alloc(8);
      return { error: caught(() => mine.bytes(h)), mentions: [/arena "mine"/, /belongs to arena "theirs"/] };
    },
    ERR_INVALID_SIZE: () => {
      using arena = createArena(64, 'sized');
      return { error: caught(() => arena.alloc(-3)), mentions: [/arena "sized"/, /positive/, /-3/] };
    },
    ERR_INVALID_ALIGNMENT: () => {
      using arena = createArena(64, 'aligned');
      return { error: caught(() => arena.allocAligned(8, 12)), mentions: [/arena "aligned"/, /12/, /power of two/] };
    },
    ERR_OUT_OF_MEMORY: () => {
      using arena = createArena(64, 'bounded', { maxBytes: 128, tag: MemTag.Cache });
      return { error: caught(() => arena.alloc(200)), mentions: [/arena "bounded"/, /tag Cache/, /200 bytes/, /128 maxBytes/] };
    },
    ERR_INVALID_TAG: () => {
      const h = allocTagged(8, MemTag.Cbor);
      const error = caught(() => freeTagged(h, MemTag.Edge));
      freeTagged(h, MemTag.Cbor);
      return { error, mentions: [/tag Cbor/, /tag Edge/] };
    },
    ERR_INVALID_ARGUMENT: () => {
      return { error: caught(() => createArena(64, 'z', null as never)), mentions: [/createArena\("z"\)/, /options must be an object/, /got null/] };
    },
    ERR_OUT_OF_BOUNDS: () => {
      using arena = createArena(64, 'bounds', { tag: MemTag.Edge });
      const h = arena.alloc(8);
      return { error: caught(() => arena.getUint32(h, 6)), mentions: [/getUint32/, /arena "bounds"/, /8 bytes/] };
    },
  };

  it.each(Object.keys(cases) as ArenaErrorCode[])('%s', (code) => {
    const { error, mentions } = cases[code]();
    expect(error.code).toBe(code);
    expect(error.message.startsWith(`${code}: `)).toBe(true);
    for (const pattern of mentions) expect(error.message).toMatch(pattern);
  });

  it('messages call a handle a handle and a plain number a number', () => {
    using arena = createArena(64, 'plain');
    expect(caught(() => arena.allocAligned(8, 3)).message).toMatch(/alignment 3 requested/);
    expect(caught(() => arena.alloc(8, 999 as never)).message).toMatch(/^ERR_INVALID_TAG: 999 is not a memory tag/);
    expect(caught(() => arena.bytes(999 as never)).message).toMatch(/handle 999/);
    for (const error of [caught(() => arena.allocAligned(8, 3)), caught(() => arena.alloc(8, 999 as never))]) {
      expect(error.message).not.toMatch(/handle/);
    }
  });

  it('ERR_INVALID_TAG also covers bad tag names and unknown tags', () => {
    expect(caught(() => defineTag('')).code).toBe('ERR_INVALID_TAG');
    expect(caught(() => allocTagged(8, 4242 as never)).code).toBe('ERR_INVALID_TAG');
  });
});
