// Generation wrap and owner-id reuse. The handle widths are shrunk (configureHandleLayout) so that
// slots, serials and ids run out within a few hundred operations; the guarantee under test is that
// a stale handle never becomes valid again, whatever gets reused.
import { afterEach, describe, expect, it } from 'vitest';
import { ArenaError, createArena, createObjectPool, createPool, type Arena, type Handle, type Pool } from '../../runtime/index.js';
import { configureHandleLayout, getHandleLayout, liveOwnerInfo } from '../../runtime/internal.js';
import { codeOf } from './helpers.js';

const defaultLayout = getHandleLayout();

afterEach(() => {
  configureHandleLayout(defaultLayout);
});

describe('handle layout', () => {
  it('defaults to 16 owner bits and 37 serial bits: every handle is a safe integer', () => {
    expect(defaultLayout).toEqual({ ownerBits: 16, serialBits: 37 });
    using arena = createArena(64, 'safe');
    using pool = createPool(8, 4, 'safe');
    for (const handle of [arena.alloc(8), pool.alloc()!]) {
      expect(Number.isSafeInteger(handle)).toBe(true);
      expect(handle).toBeGreaterThan(0);
    }
  });

  it('cannot change while an owner is alive, and rejects impossible widths', () => {
    const arena = createArena(64, 'alive');
    expect(codeOf(() => configureHandleLayout({ ownerBits: 4, serialBits: 8 }))).toBe('ERR_INVALID_SIZE');
    arena.destroy();
    expect(codeOf(() => configureHandleLayout({ ownerBits: 20, serialBits: 40 }))).toBe('ERR_INVALID_SIZE');
    expect(codeOf(() => configureHandleLayout({ ownerBits: 0, serialBits: 8 }))).toBe('ERR_INVALID_SIZE');
  });
});

describe('pool slot generations', () => {
  it('a slot whose generation would wrap is retired, never reused', () => {
    configureHandleLayout({ ownerBits: 4, serialBits: 6 }); // 4 slots -> 2 slot bits -> 16 generations
    using pool = createPool(8, 4, 'wrap');
    const seen = new Set<Handle>();
    for (let cycle = 0; cycle < 16; cycle++) {
      const handle = pool.alloc()!;
      expect(seen.has(handle)).toBe(false);
      seen.add(handle);
      pool.free(handle);
    }
    // Slot 0 went through generations 0..15 and is retired; the other three are untouched.
    expect(pool.capacity).toBe(3);
    for (const handle of seen) {
      expect(pool.isLive(handle)).toBe(false);
      expect(codeOf(() => pool.bytes(handle))).toBe('ERR_USE_AFTER_FREE');
      expect(codeOf(() => pool.free(handle))).toBe('ERR_DOUBLE_FREE');
    }
    // Keep cycling: every slot retires in turn, then the (non-growable) pool is exhausted.
    let issued = 16;
    for (;;) {
      const handle = pool.alloc();
      if (handle === null) break;
      expect(seen.has(handle)).toBe(false);
      seen.add(handle);
      pool.free(handle);
      issued++;
    }
    expect(issued).toBe(64);
    expect(pool.capacity).toBe(0);
    for (const handle of seen) expect(pool.isLive(handle)).toBe(false);
  });

  it('a growable pool replaces retired slots by growing', () => {
    configureHandleLayout({ ownerBits: 4, serialBits: 8 });
    using pool = createObjectPool(() => ({}), 2, 'grow-on-retire', { growable: true });
    const seen = new Set<Handle>();
    for (let cycle = 0; cycle < 100; cycle++) {
      const handle = pool.alloc()!;
      expect(handle).not.toBeNull();
      expect(seen.has(handle)).toBe(false);
      seen.add(handle);
      pool.free(handle);
    }
  });
});

describe('arena serials', () => {
  it('an arena whose id runs out of serials moves to a fresh id at a reset; old handles stay stale', () => {
    configureHandleLayout({ ownerBits: 4, serialBits: 4 }); // 16 serials per id
    using arena = createArena(64, 'rollover');
    const old: Handle[] = [];
    for (let generation = 0; generation < 40; generation++) {
      old.push(arena.alloc(4), arena.alloc(4));
      expect(new Set(old).size).toBe(old.length);
      arena.reset();
    }
    for (const handle of old) expect(codeOf(() => arena.bytes(handle))).toBe('ERR_USE_AFTER_RESET');
  });

  it('running out of serials in the middle of a generation is ERR_OUT_OF_MEMORY; a reset recovers', () => {
    configureHandleLayout({ ownerBits: 4, serialBits: 4 });
    using arena = createArena(256, 'mid-generation');
    for (let index = 0; index < 16; index++) arena.alloc(1);
    expect(() => arena.alloc(1)).toThrow(/handle space is used up/);
    expect(codeOf(() => arena.alloc(1))).toBe('ERR_OUT_OF_MEMORY');
    arena.reset();
    expect(arena.isLive(arena.alloc(1))).toBe(true);
  });
});

describe('owner id reuse', () => {
  it('a reused id continues the serials: old handles are foreign to the new owner, never valid', () => {
    configureHandleLayout({ ownerBits: 2, serialBits: 10 }); // ids 1..3
    const handlesOfDestroyed: { handle: Handle; name: string }[] = [];
    for (let round = 0; round < 12; round++) {
      const arena = createArena(64, `arena-${round}`);
      const pool = createPool(8, 4, `pool-${round}`);
      for (const { handle } of handlesOfDestroyed) {
        expect(arena.isLive(handle)).toBe(false);
        expect(pool.isLive(handle)).toBe(false);
      }
      const fresh = [arena.alloc(8), arena.alloc(8), pool.alloc()!, pool.alloc()!];
      for (const { handle } of handlesOfDestroyed) expect(fresh).not.toContain(handle);
      for (const { handle } of handlesOfDestroyed.slice(-8)) {
        expect(codeOf(() => arena.bytes(handle))).toBe('ERR_FOREIGN_HANDLE');
        expect(codeOf(() => pool.bytes(handle))).toBe('ERR_FOREIGN_HANDLE');
      }
      arena.destroy();
      pool.destroy();
      for (const handle of fresh) handlesOfDestroyed.push({ handle, name: `round ${round}` });
    }
  });

  it('ids whose serials are used up retire; when every id is retired creation fails with ERR_OUT_OF_MEMORY', () => {
    configureHandleLayout({ ownerBits: 2, serialBits: 3 }); // 3 ids x 8 serials
    let created = 0;
    let failure: unknown;
    try {
      for (;;) {
        const arena = createArena(64, `burn-${created}`);
        created++;
        for (let index = 0; index < 8; index++) arena.alloc(1); // use up the id's serials
        arena.destroy();
      }
    } catch (error) {
      failure = error;
    }
    expect(created).toBe(3);
    expect(failure).toBeInstanceOf(ArenaError);
    expect((failure as ArenaError).code).toBe('ERR_OUT_OF_MEMORY');
    expect(String((failure as ArenaError).message)).toMatch(/owner ids are in use or retired/);
  });

  it('too many live owners at once is ERR_OUT_OF_MEMORY, and destroying one frees its id', () => {
    configureHandleLayout({ ownerBits: 2, serialBits: 10 });
    const arenas = [createArena(8, 'a'), createArena(8, 'b'), createArena(8, 'c')];
    expect(codeOf(() => createArena(8, 'd'))).toBe('ERR_OUT_OF_MEMORY');
    arenas[0]!.destroy();
    const d = createArena(8, 'd');
    expect(liveOwnerInfo().map((owner) => owner.name)).toEqual(['d', 'b', 'c']);
    for (const arena of [d, arenas[1]!, arenas[2]!]) arena.destroy();
  });
});

describe('no stale handle ever becomes valid again (randomised, tiny layout)', () => {
  it('holds over thousands of operations mixing arenas, pools, resets, frees and destroys', () => {
    configureHandleLayout({ ownerBits: 4, serialBits: 8 });
    let seed = 12345;
    const random = (limit: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return Math.floor((seed / 2 ** 32) * limit); // high bits: an LCG's low bits cycle quickly
    };
    const arenas: { arena: Arena; live: Handle[] }[] = [];
    const pools: { pool: Pool; live: Handle[] }[] = [];
    const dead: Handle[] = [];
    const issued = new Set<Handle>();
    let reissued = 0;
    let outOfMemory = 0;
    let owners = 0;
    const issue = (handle: Handle): Handle => {
      if (issued.has(handle)) reissued++; // no number may ever be handed out twice
      issued.add(handle);
      return handle;
    };
    for (let step = 0; step < 3000; step++) {
      const choice = random(10);
      try {
        if (choice === 0 && arenas.length + pools.length < 6) {
          arenas.push({ arena: createArena(32, `a${step}`), live: [] });
          owners++;
        } else if (choice === 1 && arenas.length + pools.length < 6) {
          pools.push({ pool: createPool(4, 1 + random(4), `p${step}`), live: [] });
          owners++;
        }
        else if (choice <= 4 && arenas.length > 0) {
          const entry = arenas[random(arenas.length)]!;
          entry.live.push(issue(entry.arena.alloc(1 + random(40))));
        } else if (choice === 5 && arenas.length > 0) {
          const entry = arenas[random(arenas.length)]!;
          entry.arena.reset();
          dead.push(...entry.live.splice(0));
        } else if (choice <= 7 && pools.length > 0) {
          const entry = pools[random(pools.length)]!;
          const handle = entry.pool.alloc();
          if (handle !== null) entry.live.push(issue(handle));
        } else if (choice === 8 && pools.length > 0) {
          const entry = pools[random(pools.length)]!;
          if (entry.live.length > 0) {
            const [handle] = entry.live.splice(random(entry.live.length), 1);
            entry.pool.free(handle!);
            dead.push(handle!);
          }
        } else if (choice === 9) {
          if (random(2) === 0 && arenas.length > 0) {
            const [entry] = arenas.splice(random(arenas.length), 1);
            entry!.arena.destroy();
            dead.push(...entry!.live);
          } else if (pools.length > 0) {
            const [entry] = pools.splice(random(pools.length), 1);
            entry!.pool.destroy();
            dead.push(...entry!.live);
          }
        }
      } catch (error) {
        // Running out of ids or serials under this tiny layout is allowed; nothing else is.
        expect((error as ArenaError).code).toBe('ERR_OUT_OF_MEMORY');
        outOfMemory++;
      }
      if (step % 25 === 0 || step === 2999) {
        let revived = 0;
        let lost = 0;
        for (const handle of dead) {
          for (const { arena } of arenas) if (arena.isLive(handle)) revived++;
          for (const { pool } of pools) if (pool.isLive(handle)) revived++;
        }
        for (const { arena, live } of arenas) for (const handle of live) if (!arena.isLive(handle)) lost++;
        for (const { pool, live } of pools) for (const handle of live) if (!pool.isLive(handle)) lost++;
        expect({ step, revived, lost, reissued }).toEqual({ step, revived: 0, lost: 0, reissued: 0 });
      }
    }
    // The run must actually have reused ids (8 ids minus the tagged heap's) and hit exhaustion.
    expect(owners).toBeGreaterThan(20);
    expect(outOfMemory).toBeGreaterThan(0);
    expect(dead.length).toBeGreaterThan(100);
    for (const { arena } of arenas) arena.destroy();
    for (const { pool } of pools) pool.destroy();
  });
});
