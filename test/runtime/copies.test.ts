// Two copies of the runtime side by side in one realm (two bundles, or a duplicated dependency):
// they draw owner ids from one space, so a handle of one copy is never memory of the other.
import { beforeAll, describe, expect, it } from 'vitest';
import * as source from '../../runtime/index.js';
import { failureOf, makeRuntimeCopy, type RuntimeModule } from './workers/runtime-copy.js';

let copyA: RuntimeModule;
let copyB: RuntimeModule;

beforeAll(async () => {
  copyA = (await import(/* @vite-ignore */ makeRuntimeCopy('a'))) as RuntimeModule;
  copyB = (await import(/* @vite-ignore */ makeRuntimeCopy('b'))) as RuntimeModule;
});

describe('two copies of the runtime in one realm', () => {
  it('are really two copies: separate classes, separate registries', () => {
    expect(copyA.ArenaError).not.toBe(copyB.ArenaError);
    expect(copyA.createArena).not.toBe(copyB.createArena);
    expect(copyA.ArenaError).not.toBe(source.ArenaError);
  });

  it('never issue the same handle: the first handle of each copy differs', () => {
    using arenaA = copyA.createArena(256, 'first-a');
    using arenaB = copyB.createArena(256, 'first-b');
    const handleA = arenaA.alloc(8);
    const handleB = arenaB.alloc(8);
    expect(handleA).not.toBe(handleB);
    expect(arenaB.isLive(handleA)).toBe(false);
    expect(arenaA.isLive(handleB)).toBe(false);
  });

  it('report the other copy\'s arena handle as ERR_FOREIGN_HANDLE naming its arena', () => {
    using arenaA = copyA.createArena(256, 'arena-of-a');
    using arenaB = copyB.createArena(256, 'arena-of-b');
    const handleA = arenaA.alloc(16);
    arenaB.alloc(16);
    arenaA.bytes(handleA).fill(7);
    const read = failureOf(() => arenaB.bytes(handleA));
    expect(read.code).toBe('ERR_FOREIGN_HANDLE');
    expect(read.message).toMatch(/arena "arena-of-a" of another copy of the runtime/);
    expect(failureOf(() => arenaB.addressOf(handleA)).code).toBe('ERR_FOREIGN_HANDLE');
    expect(failureOf(() => arenaB.getUint8(handleA, 0)).code).toBe('ERR_FOREIGN_HANDLE');
  });

  it('keep pool handles apart too, whatever order owners are created in', () => {
    const ownersA: source.Pool[] = [];
    const ownersB: source.Pool[] = [];
    const handles = new Set<number>();
    for (let round = 0; round < 40; round++) {
      const poolA = copyA.createPool(8, 4, `pa${round}`);
      const poolB = copyB.createPool(8, 4, `pb${round}`);
      const a = poolA.alloc()!;
      const b = poolB.alloc()!;
      handles.add(a).add(b);
      expect(poolB.isLive(a)).toBe(false);
      expect(poolA.isLive(b)).toBe(false);
      expect(failureOf(() => poolB.free(a)).code).toBe('ERR_FOREIGN_HANDLE');
      expect(failureOf(() => poolA.bytes(b)).code).toBe('ERR_FOREIGN_HANDLE');
      ownersA.push(poolA);
      ownersB.push(poolB);
      // Destroy some as we go, so ids are released and reused across copies.
      if (round % 3 === 0) ownersA.shift()!.destroy();
      if (round % 4 === 0) ownersB.shift()!.destroy();
    }
    expect(handles.size).toBe(80);
    for (const pool of [...ownersA, ...ownersB]) pool.destroy();
  });

  it('an id released by one copy and reused by the other continues its serials: old handles stay dead', () => {
    // Fresh ids are preferred, so run through them (creating and destroying) until an id comes back.
    const serialSpace = 2 ** 37;
    const lastHandleOfId = new Map<number, { handle: number; copy: 'a' | 'b' }>();
    let reuse: { id: number; before: { handle: number; copy: 'a' | 'b' }; after: number; copy: 'a' | 'b' } | undefined;
    for (let round = 0; round < 70_000 && reuse === undefined; round++) {
      const copyName = round % 2 === 0 ? 'a' : 'b';
      const arena = (copyName === 'a' ? copyA : copyB).createArena(8, 'churn');
      const handle = arena.alloc(8);
      const id = Math.floor(handle / serialSpace);
      const before = lastHandleOfId.get(id);
      if (before !== undefined && before.copy !== copyName) reuse = { id, before, after: handle, copy: copyName };
      lastHandleOfId.set(id, { handle, copy: copyName });
      arena.destroy();
    }
    expect(reuse).toBeDefined();
    const { before, after } = reuse!;
    // Same id, issued by the other copy after it was released: it continues past the old serials.
    expect(after).toBeGreaterThan(before.handle);
    const holder = (reuse!.copy === 'a' ? copyA : copyB).createArena(8, 'holder');
    for (let index = 0; index < 3; index++) holder.alloc(8);
    expect(holder.isLive(before.handle as source.Handle)).toBe(false);
    holder.destroy();
  });

  it('the copy loaded from the sources and a transpiled copy share the id space as well', () => {
    using mine = source.createArena(64, 'source-copy');
    using theirs = copyA.createArena(64, 'copy-a');
    const handle = theirs.alloc(8);
    expect(mine.isLive(handle)).toBe(false);
    expect(failureOf(() => mine.bytes(handle)).code).toBe('ERR_FOREIGN_HANDLE');
  });
});
