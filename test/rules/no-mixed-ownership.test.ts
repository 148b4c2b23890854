import rule from '../../rules/no-mixed-ownership.js';
import { runRuleTests } from '../fixtures/rule-tester.js';

const RT = `import { createArena, createPool, createObjectPool, withArena, allocTagged, freeTagged, MemTag, type Pool, type Handle } from 'eslint-plugin-arena/runtime';\n`;

runRuleTests('no-mixed-ownership', rule, {
  valid: [
    RT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; p.free(h);`,
    RT + `const h = allocTagged(8, MemTag.Temp); const same = h; freeTagged(same, MemTag.Temp);`,
    RT + `const o = createObjectPool(() => ({ x: 0 }), 4, 'o'); const h = o.alloc()!; o.get(h).x = 1; o.free(h);`,
    RT + `function f() { using a = createArena(64, 'a'); return a.bytes(a.alloc(8)).length; }`,
    RT + `withArena(64, 'w', (a) => { a.alloc(8); a.reset(); });`,
    RT + `function f() { const a = createArena(64, 'a'); try { a.alloc(8); } finally { a.destroy(); } }`,
    // Exclusive branches free once each.
    RT + `function f(c: boolean) { const p = createPool(16, 4, 'p'); const h = p.alloc()!; if (c) p.free(h); else p.free(h); }`,
    RT + `function f(done: boolean) { const p = createPool(16, 4, 'p'); const h = p.alloc()!; if (done) { p.free(h); return; } p.free(h); }`,
    // Re-allocated between the frees.
    RT + `const p = createPool(16, 4, 'p'); let h = p.alloc()!; p.free(h); h = p.alloc()!; p.free(h);`,
    RT + `const p = createPool(16, 4, 'p'); for (let i = 0; i < 4; i++) { const h = p.alloc(); if (h === null) continue; p.free(h); }`,
    // An aliased pool is the same pool.
    RT + `const p = createPool(16, 4, 'p'); const same = p; same.free(p.alloc()!);`,
    // Different handles.
    RT + `const p = createPool(16, 4, 'p'); const x = p.alloc()!; const y = p.alloc()!; p.free(x); p.free(y);`,
    // Unreachable second free.
    RT + `function f() { const p = createPool(16, 4, 'p'); const h = p.alloc()!; p.free(h); return; p.free(h); }`,
    // Maybe this pool's handle: not reported.
    RT + `function f(c: boolean) { const p1 = createPool(16, 4, 'a'); const p2 = createPool(16, 4, 'b'); const h = c ? p1.alloc() : p2.alloc(); p1.free(h!); }`,
    // Handles of unknown origin.
    RT + `function release(p: Pool, h: Handle) { p.free(h); }`,
    // Another arena destroyed inside withArena.
    RT + `withArena(64, 'w', (a) => { const b = createArena(64, 'b'); b.alloc(8); b.destroy(); });`,
    // A re-created arena destroyed again.
    RT + `let a = createArena(64, 'a'); a.destroy(); a = createArena(64, 'b'); a.destroy();`,
    RT + `function f(c: boolean) { const a = createArena(64, 'a'); if (c) a.destroy(); else a.destroy(); }`,
    // Dispose is idempotent.
    RT + `const a = createArena(64, 'a'); a.destroy(); a[Symbol.dispose]();`,
    // Look-alike names without an allocator import.
    `const pool = { free(h: number) {}, alloc() { return 1; } }; const arena = { alloc: (n: number) => n, destroy() {} };
     pool.free(arena.alloc(8)); pool.free(1); pool.free(1); arena.destroy(); arena.destroy();`,
    `import { createPool, createArena } from 'not-the-runtime'; const p = createPool(); const a = createArena(); p.free(a.alloc(8)); p.free(a.alloc(8));`,
    `function freeTagged(h: number) {} const h = 1; freeTagged(h); freeTagged(h);`,
    // A configured allocator's own free.
    {
      code: `import { makeSlab } from 'my-alloc'; const s = makeSlab(); const h = s.grab(); s.release(h);`,
      settings: { arena: { allocators: [{ module: 'my-alloc', createPool: ['makeSlab'], alloc: ['grab'], free: ['release'] }] } },
    },
    // Object pool frees its own handle after get.
    RT + `const o = createObjectPool(() => ({ x: 0 }), 4, 'o'); const h = o.alloc()!; const obj = o.get(h); obj.x = 2; o.free(h);`,
    // A pool's destroy once.
    RT + `const p = createPool(16, 4, 'p'); p.alloc(); p.destroy();`,
    // Instance fields freeing their own handles; a nested function's \`this\` is another object.
    RT + `class Graph { nodes = createPool(16, 4, 'n'); add() { const h = this.nodes.alloc()!; this.nodes.free(h); } }`,
    RT + `class Graph { nodes = createPool(16, 4, 'n'); edges = createPool(16, 4, 'e'); m() { const h = this.nodes.alloc()!; const cb = function (this: { edges: { free(x: unknown): void } }) { this.edges.free(h); }; cb; } }`,
    // A helper destroying a using arena is not a removable manual destroy.
    RT + `import type { Arena } from 'eslint-plugin-arena/runtime'; function teardown(arena: Arena) { log(arena.name); arena.destroy(); } function f() { using a = createArena(64, 'a'); teardown(a); }`,
    // Frees guarded by isLive.
    RT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; if (p.isLive(h)) p.free(h); if (p.isLive(h)) p.free(h); p.isLive(h) && p.free(h);`,
    // Frees in different functions are not one path.
    RT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; function a() { p.free(h); } function b() { p.free(h); }`,
  ],
  invalid: [
    {
      // Shared pools are pools: a handle freed by another pool, or twice.
      code: `import { createPool, createSharedPool } from 'eslint-plugin-arena/runtime';\nconst s = createSharedPool(16, 8, 's'); const p = createPool(16, 4, 'p'); const h = s.alloc()!; p.free(h); const k = s.alloc()!; s.free(k); s.free(k);`,
      errors: [
        { messageId: 'foreignFree', data: { arg: 'h', kind: 'pool', owner: 's', call: 'p.free' } },
        { messageId: 'doubleFree', data: { arg: 'k', call: 's.free', first: 's.free', line: 2 } },
      ],
    },
    {
      code: RT + `const a = createArena(64, 'a'); const p = createPool(16, 4, 'p'); p.free(a.alloc(8));`,
      errors: [{ messageId: 'arenaMemoryFreed', data: { arg: 'a.alloc(8)', owner: 'a', call: 'p.free' } }],
    },
    {
      code: RT + `const a = createArena(64, 'a'); const h = a.alloc(8); freeTagged(h, MemTag.Temp);`,
      errors: [{ messageId: 'arenaMemoryFreed', data: { arg: 'h', owner: 'a', call: 'freeTagged' } }],
    },
    {
      code: RT + `const p1 = createPool(16, 4, 'one'); const p2 = createPool(16, 4, 'two'); const h = p1.alloc()!; p2.free(h);`,
      errors: [{ messageId: 'foreignFree', data: { arg: 'h', kind: 'pool', owner: 'p1', call: 'p2.free' } }],
    },
    {
      code: RT + `const p = createPool(16, 4, 'p'); freeTagged(p.alloc()!, MemTag.Node);`,
      errors: [{ messageId: 'foreignFree', data: { arg: 'p.alloc()!', kind: 'pool', owner: 'p', call: 'freeTagged' } }],
    },
    {
      code: RT + `const p = createPool(16, 4, 'p'); const h = allocTagged(16, MemTag.Node); p.free(h);`,
      errors: [{ messageId: 'foreignFree', data: { arg: 'h', kind: 'the tagged heap', owner: 'allocTagged', call: 'p.free' } }],
    },
    {
      code: RT + `const o = createObjectPool(() => ({}), 4, 'o'); const p = createPool(16, 4, 'p'); p.free(o.alloc()!);`,
      errors: [{ messageId: 'foreignFree', data: { arg: 'o.alloc()!', kind: 'object pool', owner: 'o', call: 'p.free' } }],
    },
    {
      // Through an alias and destructuring.
      code: RT + `const a = createArena(64, 'a'); const p = createPool(16, 4, 'p'); const h = a.alloc(8); const same = h; const [x] = [same]; p.free(x);`,
      errors: [{ messageId: 'arenaMemoryFreed' }],
    },
    {
      // Renamed and namespace imports.
      code: `import { createArena as mk, freeTagged as release } from 'eslint-plugin-arena/runtime'; const arena = mk(64, 'a'); release(arena.alloc(8), 1 as never);`,
      errors: [{ messageId: 'arenaMemoryFreed' }],
    },
    {
      code: `import * as rt from 'eslint-plugin-arena/runtime'; const p = rt.createPool(16, 4, 'p'); const q = rt.createPool(16, 4, 'q'); q.free(p.alloc()!);`,
      errors: [{ messageId: 'foreignFree' }],
    },
    {
      // A `using` arena destroyed by hand: unambiguous, removed.
      code: RT + `function f() {\n  using a = createArena(64, 'a');\n  a.alloc(8);\n  a.destroy();\n}`,
      output: RT + `function f() {\n  using a = createArena(64, 'a');\n  a.alloc(8);\n}`,
      errors: [{ messageId: 'scopedDestroy', data: { owner: 'a', how: 'a `using` arena, disposed when its block exits' } }],
    },
    {
      code: RT + `class Builder { run() { if (ready) { using scratch = createArena(64, 's'); scratch.alloc(8); scratch.destroy(); log(); } } }`,
      output: RT + `class Builder { run() { if (ready) { using scratch = createArena(64, 's'); scratch.alloc(8); log(); } } }`,
      errors: [{ messageId: 'scopedDestroy' }],
    },
    {
      // Used after the manual destroy: removing it would change behaviour, so only a suggestion.
      code: RT + `function f() { using a = createArena(64, 'a'); a.destroy(); a.alloc(8); }`,
      errors: [
        {
          messageId: 'scopedDestroy',
          suggestions: [{ messageId: 'removeDestroy', data: { who: "'using a'" }, output: RT + `function f() { using a = createArena(64, 'a'); a.alloc(8); }` }],
        },
      ],
    },
    {
      // Not a standalone statement: neither fix nor suggestion.
      code: RT + `function f(failed: boolean) { using a = createArena(64, 'a'); failed && a.destroy(); }`,
      errors: [{ messageId: 'scopedDestroy', suggestions: [] }],
    },
    {
      // Destroyed from a callback: the timing differs, only a suggestion.
      code: RT + `function f() { using a = createArena(64, 'a'); onExit(() => { a.destroy(); }); }`,
      errors: [{ messageId: 'scopedDestroy', suggestions: [{ messageId: 'removeDestroy', output: RT + `function f() { using a = createArena(64, 'a'); onExit(() => { }); }` }] }],
    },
    {
      code: RT + `withArena(64, 'w', (arena) => {\n  arena.alloc(8);\n  arena.destroy();\n});`,
      errors: [
        {
          messageId: 'scopedDestroy',
          data: { owner: 'arena', how: 'owned by withArena, which destroys it when the callback returns' },
          suggestions: [{ messageId: 'removeDestroy', data: { who: 'withArena' }, output: RT + `withArena(64, 'w', (arena) => {\n  arena.alloc(8);\n});` }],
        },
      ],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { a[Symbol.dispose](); });`,
      errors: [{ messageId: 'scopedDestroy', suggestions: [{ messageId: 'removeDestroy', output: RT + `withArena(64, 'w', (a) => { });` }] }],
    },
    {
      code: RT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; p.free(h); p.free(h);`,
      errors: [{ messageId: 'doubleFree', data: { arg: 'h', call: 'p.free', first: 'p.free', line: 2 } }],
    },
    {
      // Allocated once, freed every iteration.
      code: RT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; for (const x of xs) { use(x); p.free(h); }`,
      errors: [{ messageId: 'doubleFree' }],
    },
    {
      code: RT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; const alias = h; p.free(h); p.free(alias);`,
      errors: [{ messageId: 'doubleFree', data: { arg: 'alias', call: 'p.free', first: 'p.free', line: 2 } }],
    },
    {
      code: RT + `function f(c: boolean) { const p = createPool(16, 4, 'p'); const h = p.alloc()!; if (c) p.free(h); p.free(h); }`,
      errors: [{ messageId: 'doubleFree' }],
    },
    {
      code: RT + `const p = createPool(16, 4, 'p'); const h = p.alloc(); p.free(h!); p.free(h as Handle);`,
      errors: [{ messageId: 'doubleFree', data: { arg: 'h as Handle', call: 'p.free', first: 'p.free', line: 2 } }],
    },
    {
      code: RT + `const h = allocTagged(8, MemTag.Temp); freeTagged(h, MemTag.Temp); freeTagged(h, MemTag.Temp);`,
      errors: [{ messageId: 'doubleFree', data: { arg: 'h', call: 'freeTagged', first: 'freeTagged', line: 2 } }],
    },
    {
      code: RT + `const o = createObjectPool(() => ({}), 4, 'o'); const h = o.alloc()!; o.free(h); o.free(h);`,
      errors: [{ messageId: 'doubleFree' }],
    },
    {
      code: RT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; try { p.free(h); } finally { p.free(h); }`,
      errors: [{ messageId: 'doubleFree' }],
    },
    {
      code: RT + `async function f() { const p = createPool(16, 4, 'p'); const h = p.alloc()!; p.free(h); await tick(); p.free(h); }`,
      errors: [{ messageId: 'doubleFree' }],
    },
    {
      code: RT + `function* g() { const p = createPool(16, 4, 'p'); const h = p.alloc()!; p.free(h); yield 1; p.free(h); }`,
      errors: [{ messageId: 'doubleFree' }],
    },
    {
      code: RT + `const a = createArena(64, 'a'); a.destroy(); a.destroy();`,
      errors: [{ messageId: 'doubleDestroy', data: { owner: 'a', line: 2 } }],
    },
    {
      code: RT + `function f(c: boolean) { const p = createPool(16, 4, 'p'); if (c) p.destroy(); p.destroy(); }`,
      errors: [{ messageId: 'doubleDestroy' }],
    },
    {
      // A configured allocator's free method given arena memory.
      code: `import { makeRegion, makeSlab } from 'my-alloc'; const r = makeRegion(); const s = makeSlab(); s.release(r.grab(8));`,
      settings: { arena: { allocators: [{ module: 'my-alloc', createArena: ['makeRegion'], createPool: ['makeSlab'], alloc: ['grab'], free: ['release'] }] } },
      errors: [{ messageId: 'arenaMemoryFreed', data: { arg: 'r.grab(8)', owner: 'r', call: 's.release' } }],
    },
    {
      // Instance fields: one pool's slot freed by another, and a double free.
      code: RT + `class Graph { private nodes = createPool(16, 4, 'n'); private edges = createPool(16, 4, 'e'); link() { const h = this.nodes.alloc()!; this.edges.free(h); } }`,
      errors: [{ messageId: 'foreignFree', data: { arg: 'h', kind: 'pool', owner: 'this.nodes', call: 'this.edges.free' } }],
    },
    {
      code: RT + `class Graph { nodes; constructor() { this.nodes = createPool(16, 4, 'n'); } drop() { const h = this.nodes.alloc()!; this.nodes.free(h); this.nodes.free(h); } }`,
      errors: [{ messageId: 'doubleFree' }],
    },
    {
      // Through a helper of this file that frees its parameter.
      code: RT + `const release = (pool: Pool, h: Handle) => pool.free(h);
const p = createPool(16, 4, 'p'); const q = createPool(16, 4, 'q'); const h = p.alloc()!; release(p, h); release(p, h); release(q, p.alloc()!);`,
      errors: [
        { messageId: 'doubleFree', data: { arg: 'h', call: 'release', first: 'release', line: 3 } },
        { messageId: 'foreignFree', data: { arg: 'p.alloc()!', kind: 'pool', owner: 'p', call: 'release' } },
      ],
    },
    {
      // The statement shares its line with others.
      code: RT + `function f() { using a = createArena(64, 'a'); a.alloc(8); a.destroy(); return 1; }`,
      output: RT + `function f() { using a = createArena(64, 'a'); a.alloc(8); return 1; }`,
      errors: [{ messageId: 'scopedDestroy' }],
    },
  ],
});
