import rule from '../../rules/no-use-after-reset.js';
import { runRuleTests } from '../fixtures/rule-tester.js';

const IMPORT = `import { createArena, createPool, createObjectPool, withArena, allocTagged, freeTagged, MemTag } from 'eslint-plugin-arena/runtime';\n`;

// An arena kept in a field annotated `Arena`, made by the caller (the edge graph's traversal arena).
const ARENA_FIELD =
  "import { MemTag, type Arena } from 'eslint-plugin-arena/runtime';\nclass Graph {\n  private readonly scratch: Arena;\n  constructor(scratch: Arena) { this.scratch = scratch; }\n";

runRuleTests('no-use-after-reset', rule, {
  valid: [
    ARENA_FIELD + '  walk() { this.scratch.reset(); const h = this.scratch.alloc(8, MemTag.Temp); return this.scratch.bytes(h)[0]; }\n}',
    // Arrays built by map(cb) are read before the reset; a map over them after it makes numbers.
    IMPORT + `function f(xs: number[]) { using a = createArena(64, 'a'); const hs = xs.map((x) => a.alloc(x)); let s = 0; for (const h of hs) s += a.bytes(h)[0]!; a.reset(); const again = xs.map((x) => a.alloc(x)); for (const h of again) a.bytes(h); return s; }`,
    // A map callback whose result is not owned memory: sizes, copies.
    IMPORT + `function f(xs: number[]) { using a = createArena(64, 'a'); const hs = xs.map((x) => a.alloc(x)); const copies = hs.map((h) => a.bytes(h).slice()); a.reset(); return copies[0]; }`,
    // Used before the reset only.
    IMPORT + `const a = createArena(64, 'a'); const h = a.alloc(8); a.bytes(h)[0] = 1; a.reset();`,
    // Re-allocated after the reset.
    IMPORT + `const a = createArena(64, 'a'); let h = a.alloc(8); a.reset(); h = a.alloc(8); a.bytes(h);`,
    // Allocated at the top of every iteration, reset at the end: each use sees a fresh handle.
    IMPORT + `const a = createArena(64, 'a'); for (let i = 0; i < 3; i++) { const h = a.alloc(8); a.bytes(h)[0] = i; a.reset(); }`,
    IMPORT + `const a = createArena(64, 'a'); let h; while (next()) { h = a.alloc(8); a.bytes(h); a.reset(); }`,
    // Asking is fine.
    IMPORT + `const a = createArena(64, 'a'); const h = a.alloc(8); a.reset(); if (!a.isLive(h)) console.log(typeof h, h === null);`,
    // Look-alike names without an allocator import.
    `function createArena(n: number, s: string) { return { alloc: (x: number) => x, reset() {}, bytes: (h: number) => [h] }; }
     const a = createArena(64, 'a'); const h = a.alloc(8); a.reset(); a.bytes(h);`,
    `import { createArena } from 'my-own-arena'; const a = createArena(); const h = a.alloc(8); a.destroy(); a.bytes(h);`,
    // Another arena was reset.
    IMPORT + `const a = createArena(64, 'a'); const b = createArena(64, 'b'); const hb = b.alloc(8); a.reset(); b.bytes(hb);`,
    // Exclusive branches.
    IMPORT + `function f(c: boolean) { const a = createArena(64, 'a'); const h = a.alloc(8); if (c) { a.reset(); } else { a.bytes(h); } a.destroy(); }`,
    IMPORT + `function f(c: boolean) { const a = createArena(64, 'a'); const h = a.alloc(8); if (c) { a.destroy(); return; } a.bytes(h); a.destroy(); }`,
    // A pool frees another slot.
    IMPORT + `const p = createPool(16, 4, 'p'); const x = p.alloc()!; const y = p.alloc()!; p.free(x); p.bytes(y);`,
    // Reset inside a function that is not called here (intra-procedural).
    IMPORT + `const a = createArena(64, 'a'); const h = a.alloc(8); const clear = () => a.reset(); a.bytes(h);`,
    // using / withArena: used within their lifetime.
    IMPORT + `function f() { using a = createArena(64, 'a'); const h = a.alloc(8); return a.bytes(h).slice(); }`,
    IMPORT + `withArena(64, 'w', (a) => { const h = a.alloc(8); a.bytes(h)[0] = 1; });`,
    // A copy taken out of withArena is not arena memory.
    IMPORT + `const copy = withArena(64, 'w', (a) => a.bytes(a.alloc(8)).slice()); copy[0] = 1;`,
    IMPORT + `const size = withArena(64, 'w', (a) => a.bytes(a.alloc(8)).length); console.log(size);`,
    // Namespace import, re-allocated view.
    `import * as rt from 'eslint-plugin-arena/runtime';
     const a = rt.createArena(64, 'a'); let h = a.alloc(8); let v = a.bytes(h); a.reset(); h = a.alloc(8); v = a.bytes(h); v[0] = 1;`,
    // try/finally resets after the last use.
    IMPORT + `const a = createArena(64, 'a'); const h = a.alloc(8); try { a.bytes(h)[0] = 1; } finally { a.reset(); }`,
    // Generators and async functions use the handle before the reset.
    IMPORT + `function* g() { const a = createArena(64, 'a'); const h = a.alloc(8); yield a.bytes(h); a.destroy(); }`,
    IMPORT + `async function f() { const a = createArena(64, 'a'); const h = a.alloc(8); await tick(); a.bytes(h); a.destroy(); }`,
    // Positional destructuring: the reset arena's handle is not the one used.
    IMPORT + `const a = createArena(64, 'a'); const b = createArena(64, 'b'); const [ha, hb] = [a.alloc(8), b.alloc(8)]; a.reset(); b.bytes(hb);`,
    // Using an arena after reset (not destroy) is fine.
    IMPORT + `const a = createArena(64, 'a'); a.reset(); const h = a.alloc(8); a.bytes(h);`,
    // Option: owner calls after destroy not checked.
    { code: IMPORT + `const a = createArena(64, 'a'); a.destroy(); a.alloc(8);`, options: [{ checkOwnerCalls: false }] },
    // Object pool: using the object before freeing its handle.
    IMPORT + `const pool = createObjectPool(() => ({ x: 0 }), 4, 'o'); const h = pool.alloc()!; const o = pool.get(h); o.x = 1; pool.free(h);`,
    // A second free is no-mixed-ownership's to report, not a use.
    IMPORT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; p.free(h); p.free(h);`,
    // Freed then cleared.
    IMPORT + `const p = createPool(16, 4, 'p'); let h = p.alloc(); p.free(h!); h = null; console.log(h);`,
    // The tagged allocator.
    IMPORT + `const h = allocTagged(8, MemTag.Temp); use(h); freeTagged(h, MemTag.Temp);`,
    // A stale handle is a number: looking at the number does not touch memory.
    IMPORT + `const a = createArena(64, 'a'); const h = a.alloc(8); a.destroy(); const small = Number.isInteger(h) && h <= 2 ** 30; console.log(\`handle \${h}\`, h + 1, small);`,
    // Instance fields: used before the reset; a field re-created in a method is not followed.
    IMPORT + `class Store { arena = createArena(64, 's'); run() { const h = this.arena.alloc(8); this.arena.bytes(h); this.arena.reset(); } }`,
    IMPORT + `class Store { arena = createArena(64, 's'); renew() { const h = this.arena.alloc(8); this.arena.destroy(); this.arena = createArena(64, 's2'); this.arena.bytes(h); } }`,
    // Containers: elements used before the reset, or the container cleared and refilled after it.
    IMPORT + `const a = createArena(64, 'a'); const hs = [a.alloc(1)]; a.bytes(hs[0]!); a.reset();`,
    IMPORT + `const a = createArena(64, 'a'); const hs: number[] = []; hs.push(a.alloc(1)); a.reset(); hs.length = 0; hs.push(a.alloc(2)); a.bytes(hs[0]!);`,
    IMPORT + `const a = createArena(64, 'a'); const hs = [a.alloc(1)]; a.reset(); console.log(hs[0], hs.length);`,
    IMPORT + `const a = createArena(64, 'a'); let hs = [a.alloc(1)]; a.reset(); hs = [a.alloc(2)]; for (const h of hs) a.bytes(h);`,
    // Freeing elements one by one in a loop, refilling slots: elements are not told apart.
    IMPORT + `const p = createPool(16, 4, 'p'); const slots: number[] = []; for (let r = 0; r < 9; r++) { for (let i = 0; i < 4; i++) slots[i] = p.alloc()!; use(p.bytes(slots[3]!)); for (let i = 0; i < 4; i++) p.free(slots[i]!); }`,
    IMPORT + `const a = createArena(64, 'a'); const slots: number[] = []; for (let r = 0; r < 9; r++) { slots[0] = a.alloc(1); use(a.bytes(slots[0]!)); a.reset(); }`,
    // for-of over a plain variable (not a declaration).
    IMPORT + `const a = createArena(64, 'a'); const list = [a.alloc(1)]; let h; for (h of list) a.bytes(h); a.reset();`,
    // Helpers: unannotated parameters are not followed; a helper that only reads is not an event.
    IMPORT + `function clear(x) { x.reset(); } const a = createArena(64, 'a'); const h = a.alloc(8); clear(a); a.bytes(h);`,
    IMPORT + `import type { Arena } from 'eslint-plugin-arena/runtime'; function size(arena: Arena) { return arena.used; } const a = createArena(64, 'a'); const h = a.alloc(8); size(a); a.bytes(h);`,
    IMPORT + `import type { Arena } from 'eslint-plugin-arena/runtime'; function later(arena: Arena) { return () => arena.reset(); } const a = createArena(64, 'a'); const h = a.alloc(8); later(a); a.bytes(h);`,
    // An async withArena that is not awaited keeps its arena until the promise settles.
    IMPORT + `let view: Uint8Array | undefined; const done = withArena(64, 'w', async (a) => { view = a.bytes(a.alloc(8)); await tick(); }); view![0] = 1; void done;`,
    // Uses guarded by isLive are trusted.
    IMPORT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; if (maybe) p.free(h); if (p.isLive(h)) p.bytes(h); const n = p.isLive(h) && p.bytes(h).length; const m = p.isLive(h!) ? p.bytes(h) : null;`,
    // isTaggedLive asks without throwing.
    `import { allocTagged, freeTagged, isTaggedLive, MemTag } from 'eslint-plugin-arena/runtime'; const h = allocTagged(8, MemTag.Temp); freeTagged(h, MemTag.Temp); check(isTaggedLive(h));`,
    // Formerly invalid: a stale handle only handed on, with its owner nowhere in reach, reads no
    // memory (a handle is a number). Returning or yielding one stays invalid: the caller can only dereference it. Dereferencing variants are in \`invalid\`.
    IMPORT + `const a = createArena(64, 'a'); const h = a.alloc(8); a.destroy(); use(h);`,
    IMPORT + `const h = withArena(64, 'w', (a) => a.alloc(8)); use(h);`,
    IMPORT + `const h = allocTagged(8, MemTag.Temp); freeTagged(h, MemTag.Temp); use(h);`,
    IMPORT + `const a = createArena(64, 'a'); const h = a.alloc(8); a[Symbol.dispose](); use(h);`,
    IMPORT + `function f(k: number) { const a = createArena(64, 'a'); const h = a.alloc(8); switch (k) { case 1: a.reset(); case 2: use(h); } a.destroy(); }`,
    // Bookkeeping with a stale handle: sets, maps, arrays, logs, tests, unrelated functions.
    IMPORT + `const p = createPool(16, 4, 'p'); const live = new Set<number>(); const h = p.alloc()!; live.add(h); p.free(h); live.delete(h);`,
    IMPORT + `const p = createPool(16, 4, 'p'); const index = new Map<number, string>(); const h = p.alloc()!; p.free(h); index.delete(h); if (index.has(h)) throw new Error('kept');`,
    IMPORT + `const p = createPool(16, 4, 'p'); const log: number[] = []; const h = p.alloc()!; p.free(h); log.push(h);`,
    IMPORT + `const a = createArena(64, 'a'); const h = a.alloc(8); a.reset(); const label = \`freed \${h}\`; report(label);`,
    IMPORT + `const a = createArena(64, 'a'); const h = a.alloc(8); a.reset(); if (h === 0 || h > 100) note(h < 5);`,
    IMPORT + `const a = createArena(64, 'a'); const h = a.alloc(8); a.reset(); expect(h).toBe(5);`,
    IMPORT + `const a = createArena(64, 'a'); const h = a.alloc(8); a.reset(); logger.debug('released', h); console.log(h);`,
    IMPORT + `function describeHandle(x: number) { return x.toString(16); } const a = createArena(64, 'a'); const h = a.alloc(8); a.destroy(); describeHandle(h);`,
    // The whole bookkeeping pattern after a free, in one place.
    IMPORT + `const pool = createPool(16, 4, 'p'); const live = new Set<number>(); const index = new Map<number, number>(); const log: number[] = []; const h = pool.alloc()!; pool.free(h); live.delete(h); index.delete(h); log.push(h); expect(h).toBe(5);`,
    // A call that receives another owner does not reach this handle's owner.
    IMPORT + `const a = createArena(64, 'a'); const b = createArena(64, 'b'); const h = a.alloc(8); a.reset(); copyInto(b, h);`,
    // A helper of this file that never touches the owner.
    IMPORT + `const a = createArena(64, 'a'); const other = createArena(64, 'o'); const show = (x: number) => other.used + x; const h = a.alloc(8); a.reset(); show(h);`,
    // Stale handles kept in a container and only deleted from a Set afterwards.
    IMPORT + `const a = createArena(64, 'a'); const hs = [a.alloc(1)]; const seen = new Set<number>(); a.reset(); for (const h of hs) seen.delete(h);`,
    // isLive is never a use, even with the owner passed along.
    IMPORT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; p.free(h); check(p.isLive(h), p);`,
    // Reset and use in different functions.
    IMPORT + `const a = createArena(64, 'a'); function reset() { a.reset(); } function read(h: number) { return h; } read(a.alloc(8));`,
  ],
  invalid: [
    {
      code: ARENA_FIELD + '  walk() { const h = this.scratch.alloc(8, MemTag.Temp); this.scratch.reset(); return this.scratch.bytes(h)[0]; }\n}',
      errors: [{ messageId: 'afterReset' }],
    },
    {
      // A dead handle returned to a caller, who can do nothing with it but dereference it.
      code: IMPORT + `function f() { const a = createArena(64, 'a'); const h = a.alloc(8); a.destroy(); return h; }`,
      errors: [{ messageId: 'afterDestroy' }],
    },
    {
      code: IMPORT + `function* g() { const a = createArena(64, 'a'); const h = a.alloc(8); a.reset(); yield h; }`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      code: IMPORT + `const a = createArena(64, 'a'); const h = a.alloc(8); a.reset(); a.bytes(h);`,
      errors: [{ messageId: 'afterReset', data: { name: 'h', call: 'a.reset', line: 2, kind: 'handle', owner: 'a' }, line: 2, column: 74 }],
    },
    {
      code: IMPORT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; p.free(h); p.bytes(h);`,
      errors: [{ messageId: 'afterFree', data: { name: 'h', call: 'p.free', line: 2, kind: 'handle', owner: 'p' } }],
    },
    {
      // Loops: allocated once, reset at the end of each iteration, used again in the next one.
      code: IMPORT + `const a = createArena(64, 'a'); const h = a.alloc(8); for (const x of xs) { a.bytes(h)[0] = x; a.reset(); }`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      code: IMPORT + `function f(c: boolean) { const a = createArena(64, 'a'); const h = a.alloc(8); if (c) a.reset(); a.bytes(h); a.destroy(); }`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      // Alias.
      code: IMPORT + `const a = createArena(64, 'a'); const h = a.alloc(8); const h2 = h; a.reset(); a.bytes(h2);`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      // Renamed import and an aliased owner.
      code: `import { createArena as mk } from 'eslint-plugin-arena/runtime'; const arena = mk(64, 'a'); const same = arena; const h = same.alloc(8); arena.reset(); same.bytes(h);`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      code: `import * as rt from 'eslint-plugin-arena/runtime'; const a = rt.createArena(64, 'a'); const h = a.allocAligned(8, 16); a.reset(); a.bytes(h);`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      // Destructuring.
      code: IMPORT + `const a = createArena(64, 'a'); const [first, second] = [a.alloc(8), a.alloc(8)]; a.reset(); a.bytes(second);`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      code: IMPORT + `const a = createArena(64, 'a'); const { h } = { h: a.alloc(8) }; a.reset(); a.bytes(h);`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      // Views die with their arena generation.
      code: IMPORT + `const a = createArena(64, 'a'); const v = a.bytes(a.alloc(8)); a.reset(); v[0] = 1;`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      code: IMPORT + `const a = createArena(64, 'a'); const w = a.bytes(a.alloc(8)).subarray(2); a.reset(); w[0] = 1;`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      // A view of a freed slot.
      code: IMPORT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; const v = p.bytes(h); p.free(h); v[0] = 1;`,
      errors: [{ messageId: 'afterFree' }],
    },
    {
      code: IMPORT + `const pool = createObjectPool(() => ({ x: 0 }), 4, 'o'); const h = pool.alloc()!; const o = pool.get(h); pool.free(h); o.x = 2;`,
      errors: [{ messageId: 'afterFree', data: { name: 'o', call: 'pool.free', line: 2, kind: 'pooled object', owner: 'pool' } }],
    },
    {
      code: IMPORT + `let view: Uint8Array | undefined; withArena(64, 'w', (arena) => { view = arena.bytes(arena.alloc(8)); }); view![0] = 1;`,
      errors: [{ messageId: 'afterScope' }],
    },
    {
      // Awaited: the arena is gone after the await.
      code: IMPORT + `async function f() { let view: Uint8Array | undefined; await withArena(64, 'w', async (a) => { view = a.bytes(a.alloc(8)); }); view![0] = 1; }`,
      errors: [{ messageId: 'afterScope' }],
    },
    {
      // Nested loops: allocated per outer iteration, reset at the end of each inner one.
      code: IMPORT + `const a = createArena(64, 'a'); for (const row of rows) { const h = a.alloc(8); for (const cell of row) { a.bytes(h)[0] = cell; a.reset(); } }`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      // try/finally.
      code: IMPORT + `const a = createArena(64, 'a'); const h = a.alloc(8); try { work(); } finally { a.reset(); } a.bytes(h);`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      // async/await.
      code: IMPORT + `async function f() { const a = createArena(64, 'a'); const h = a.alloc(8); a.reset(); await tick(); return a.bytes(h); }`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      // using arena reset by hand.
      code: IMPORT + `function f() { using a = createArena(64, 'a'); const h = a.alloc(8); a.reset(); return a.bytes(h).slice(); }`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      // Conditional and logical expressions.
      code: IMPORT + `const a = createArena(64, 'a'); const h = big ? a.alloc(64) : a.alloc(8); a.reset(); a.bytes(h);`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      code: IMPORT + `const p = createPool(16, 4, 'p'); const h = p.alloc() ?? fail(); p.free(h); p.bytes(h);`,
      errors: [{ messageId: 'afterFree' }],
    },
    {
      // A guard about another handle does not protect this one.
      code: IMPORT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; const other = p.alloc()!; p.free(h); if (p.isLive(other)) p.bytes(h);`,
      errors: [{ messageId: 'afterFree' }],
    },
    {
      // An instance-field arena used after its destroy.
      code: IMPORT + `class Frame { arena = createArena(64, 'f'); close() { this.arena.destroy(); this.arena.alloc(1); } }`,
      errors: [{ messageId: 'ownerAfterDestroy', data: { owner: 'this.arena', method: 'alloc', call: 'this.arena.destroy', line: 2 } }],
    },
    {
      // A view of tagged memory outlives its free.
      code: `import { allocTagged, freeTagged, taggedBytes, MemTag } from 'eslint-plugin-arena/runtime'; const h = allocTagged(8, MemTag.Temp); const bytes = taggedBytes(h); freeTagged(h, MemTag.Temp); bytes[0] = 1;`,
      errors: [{ messageId: 'afterFree', data: { name: 'bytes', call: 'freeTagged', line: 1, kind: 'view', owner: 'allocTagged' } }],
    },
    {
      // Owner calls after destroy.
      code: IMPORT + `const a = createArena(64, 'a'); a.destroy(); a.alloc(8);`,
      errors: [{ messageId: 'ownerAfterDestroy', data: { owner: 'a', method: 'alloc', call: 'a.destroy', line: 2 } }],
    },
    {
      code: IMPORT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; p.destroy(); p.bytes(h);`,
      errors: [{ messageId: 'ownerAfterDestroy' }, { messageId: 'afterDestroy' }],
    },
    {
      // Handle kept across iterations of a while loop with continue.
      code: IMPORT + `const a = createArena(64, 'a'); let h = a.alloc(8); while (more()) { use(a.bytes(h)); if (skip()) { a.reset(); continue; } h = a.alloc(8); }`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      // Nested function owning everything.
      code: IMPORT + `class Graph { build() { const a = createArena(64, 'g'); const edge = a.alloc(16); a.reset(); return a.bytes(edge)[0]; } }`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      // Instance fields, through \`this\` and a const alias.
      code: IMPORT + `class Store { private readonly arena = createArena(64, 's'); run() { const h = this.arena.alloc(8); this.arena.reset(); return this.arena.bytes(h); } }`,
      errors: [{ messageId: 'afterReset', data: { name: 'h', call: 'this.arena.reset', line: 2, kind: 'handle', owner: 'this.arena' } }],
    },
    {
      code: IMPORT + `class Store { #pool; constructor() { this.#pool = createPool(16, 4, 'p'); } take() { const pool = this.#pool; const h = pool.alloc()!; this.#pool.free(h); return pool.bytes(h); } }`,
      errors: [{ messageId: 'afterFree' }],
    },
    {
      // The checked accessors dereference like bytes(); the write before the reset and the free is fine.
      code:
        IMPORT +
        `const a = createArena(64, 'a'); const h = a.alloc(8); a.setUint32(h, 0, 1); a.reset(); const n = a.getUint32(h, 0);\n` +
        `const p = createPool(16, 4, 'p'); const s = p.alloc()!; p.write(s, 0, bytes); p.free(s); p.setFloat64(s, 8, n);`,
      errors: [
        { messageId: 'afterReset', data: { name: 'h', call: 'a.reset', line: 2, kind: 'handle', owner: 'a' } },
        { messageId: 'afterFree', line: 3 },
      ],
    },
    {
      // Containers of handles and views.
      code: IMPORT + `const a = createArena(64, 'a'); const hs = [a.alloc(1), a.alloc(2)]; a.reset(); a.bytes(hs[0]!);`,
      errors: [{ messageId: 'afterReset', data: { name: 'hs[0]', call: 'a.reset', line: 2, kind: 'handle', owner: 'a' } }],
    },
    {
      code: IMPORT + `const a = createArena(64, 'a'); const hs: number[] = []; for (let i = 0; i < 3; i++) hs.push(a.alloc(i)); a.reset(); for (const h of hs) a.bytes(h);`,
      errors: [{ messageId: 'afterReset', data: { name: 'hs', call: 'a.reset', line: 2, kind: 'handle', owner: 'a' } }],
    },
    {
      code: IMPORT + `const a = createArena(64, 'a'); const views = [a.bytes(a.alloc(1))]; a.reset(); views[0]![0] = 1;`,
      errors: [{ messageId: 'afterReset', data: { name: 'views[0]', call: 'a.reset', line: 2, kind: 'view', owner: 'a' } }],
    },
    {
      code: IMPORT + `const p = createPool(16, 4, 'p'); const byName = new Map<string, number>(); byName.set('k', p.alloc()!); p.destroy(); p.bytes(byName.get('k')!);`,
      errors: [
        { messageId: 'ownerAfterDestroy' },
        { messageId: 'afterDestroy', data: { name: "byName.get('k')", call: 'p.destroy', line: 2, kind: 'handle', owner: 'p' } },
      ],
    },
    {
      // Helpers of this file that reset / free through an owner parameter.
      code: IMPORT + `import type { Arena, Pool, Handle } from 'eslint-plugin-arena/runtime';
function nextFrame(arena: Arena) { arena.reset(); }
const release = (pool: Pool, h: Handle) => { pool.free(h); };
const a = createArena(64, 'a'); const h = a.alloc(8); nextFrame(a); a.bytes(h);
const p = createPool(16, 4, 'p'); const s = p.alloc()!; release(p, s); p.bytes(s);`,
      errors: [
        { messageId: 'afterReset', data: { name: 'h', call: 'nextFrame', line: 5, kind: 'handle', owner: 'a' } },
        { messageId: 'afterFree', data: { name: 's', call: 'release', line: 6, kind: 'handle', owner: 'p' } },
      ],
    },
    {
      // A helper returning a handle of its arena parameter: the call's result is that arena's memory.
      code: IMPORT + `import type { Arena } from 'eslint-plugin-arena/runtime';
function makeEdge(arena: Arena) { const edge = arena.alloc(16); arena.bytes(edge).fill(0); return edge; }
const a = createArena(64, 'a'); const e = makeEdge(a); a.reset(); a.bytes(e);`,
      errors: [{ messageId: 'afterReset', data: { name: 'e', call: 'a.reset', line: 4, kind: 'handle', owner: 'a' } }],
    },
    {
      // A configured allocator (the older settings form): its own message, without this runtime's error codes.
      code: `import { makeRegion } from 'my-alloc'; const r = makeRegion(); const h = r.grab(8); r.clear(); r.bytes(h);`,
      settings: { arena: { allocators: [{ module: 'my-alloc', createArena: ['makeRegion'], alloc: ['grab'], reset: ['clear'] }] } },
      errors: [{ messageId: 'afterReleaseAll' }],
    },
    {
      // Freed in one branch, used after the join.
      code: IMPORT + `function f(c: boolean) { const p = createPool(16, 4, 'p'); const h = p.alloc()!; if (c) p.free(h); p.bytes(h); }`,
      errors: [{ messageId: 'afterFree' }],
    },
    {
      // The free goes through an alias.
      code: IMPORT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; const same = h; p.free(same); p.bytes(h);`,
      errors: [{ messageId: 'afterFree' }],
    },
    {
      // Dereferencing variants of cases that are now valid.
      code: `import { allocTagged, freeTagged, taggedBytes, MemTag } from 'eslint-plugin-arena/runtime'; const h = allocTagged(8, MemTag.Temp); freeTagged(h, MemTag.Temp); taggedBytes(h);`,
      errors: [{ messageId: 'afterFree', data: { name: 'h', call: 'freeTagged', line: 1, kind: 'handle', owner: 'allocTagged' } }],
    },
    {
      code: IMPORT + `function f(k: number) { const a = createArena(64, 'a'); const h = a.alloc(8); switch (k) { case 1: a.reset(); case 2: a.sizeOf(h); } a.destroy(); }`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      // A stale handle to an owner accessor after a reset in a loop.
      code: IMPORT + `const a = createArena(64, 'a'); const h = a.alloc(8); let total = 0; for (let i = 0; i < 3; i++) { total += a.addressOf(h); a.reset(); }`,
      errors: [{ messageId: 'afterReset', data: { name: 'h', call: 'a.reset', line: 2, kind: 'handle', owner: 'a' } }],
    },
    {
      // Passed together with its owner to a helper.
      code: IMPORT + `import type { Arena, Handle } from 'eslint-plugin-arena/runtime';
function readEdge(arena: Arena, h: Handle) { return arena.bytes(h)[0]; }
const a = createArena(64, 'a'); const h = a.alloc(8); a.reset(); readEdge(a, h);`,
      errors: [{ messageId: 'afterReset', data: { name: 'h', call: 'a.reset', line: 4, kind: 'handle', owner: 'a' } }],
    },
    {
      // The owner passed after the handle, to a function of another module.
      code: IMPORT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; p.free(h); drawSlot(h, p);`,
      errors: [{ messageId: 'afterFree' }],
    },
    {
      // A helper of this file that reaches the owner itself.
      code: IMPORT + `const a = createArena(64, 'a'); const peek = (x: number) => a.bytes(x)[0]; const h = a.alloc(8); a.reset(); peek(h);`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      // An alias of the handle dereferenced after its free.
      code: IMPORT + `const p = createPool(16, 4, 'p'); const h = p.alloc()!; const slot = h; p.free(h); p.get(slot);`,
      errors: [{ messageId: 'afterFree', data: { name: 'slot', call: 'p.free', line: 2, kind: 'handle', owner: 'p' } }],
    },
    {
      // A destructured handle dereferenced; the other one is only logged.
      code: IMPORT + `const a = createArena(64, 'a'); const { head, tail } = { head: a.alloc(8), tail: a.alloc(8) }; a.reset(); console.log(head); a.bytes(tail).fill(0);`,
      errors: [{ messageId: 'afterReset', data: { name: 'tail', call: 'a.reset', line: 2, kind: 'handle', owner: 'a' } }],
    },
    {
      // An instance-field owner passed along with the handle.
      code: IMPORT + `class Store { arena = createArena(64, 's'); run() { const h = this.arena.alloc(8); this.arena.reset(); inspect(this.arena, h); } }`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      // A shared pool (created here, or attached from a descriptor) is a pool owner like the others.
      code: `import { createSharedPool, attachSharedPool, type SharedPoolDescriptor } from 'eslint-plugin-arena/runtime';\nexport function f(d: SharedPoolDescriptor) { const s = createSharedPool(16, 8, 's'); const h = s.alloc()!; s.free(h); s.bytes(h); const t = attachSharedPool(d); const k = t.alloc()!; t.detach(); t.bytes(k); s.destroy(); }`,
      errors: [
        { messageId: 'afterFree', data: { name: 'h', call: 's.free', line: 2, kind: 'handle', owner: 's' } },
        { messageId: 'ownerAfterDestroy', data: { owner: 't', method: 'bytes', call: 't.detach', line: 2 } },
        { messageId: 'afterDestroy', data: { name: 'k', call: 't.detach', line: 2, kind: 'handle', owner: 't' } },
      ],
    },
    {
      // An array of handles built with map(cb), read by for-of and by index after the reset.
      code: IMPORT + `function f(xs: number[]) { using a = createArena(64, 'a'); const hs = xs.map((x) => a.alloc(x)); a.reset(); for (const h of hs) a.bytes(h); a.bytes(hs[0]!); }`,
      errors: [
        { messageId: 'afterReset', data: { name: 'hs', call: 'a.reset', line: 2, kind: 'handle', owner: 'a' } },
        { messageId: 'afterReset', data: { name: 'hs[0]', call: 'a.reset', line: 2, kind: 'handle', owner: 'a' } },
      ],
    },
    {
      // Views made by a block-bodied map callback and by Array.from's mapping callback.
      code: IMPORT + `function f(xs: number[]) { using a = createArena(64, 'a'); const vs = xs.map((x) => { const v = a.bytes(a.alloc(x)); return v; }); const ws = Array.from(xs, (x) => a.bytes(a.alloc(x))); a.reset(); vs[0]!.fill(0); for (const w of ws) w.fill(1); }`,
      errors: [
        { messageId: 'afterReset', data: { name: 'vs[0]', call: 'a.reset', line: 2, kind: 'view', owner: 'a' } },
        { messageId: 'afterReset', data: { name: 'ws', call: 'a.reset', line: 2, kind: 'view', owner: 'a' } },
      ],
    },
    {
      // flatMap, and handles pushed one by one in a loop.
      code: IMPORT + `function f(n: number, xs: number[]) { const a = createArena(64, 'a'); const hs = xs.flatMap((x) => [a.alloc(x)]); const more: number[] = []; for (let i = 0; i < n; i++) { const h = a.alloc(8); more.push(h); } a.reset(); for (const h of hs) a.bytes(h); for (const h of more) a.bytes(h); a.destroy(); }`,
      errors: [
        { messageId: 'afterReset', data: { name: 'hs', call: 'a.reset', line: 2, kind: 'handle', owner: 'a' } },
        { messageId: 'afterReset', data: { name: 'more', call: 'a.reset', line: 2, kind: 'handle', owner: 'a' } },
      ],
    },
  ],
});
