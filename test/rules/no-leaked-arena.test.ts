import { fileURLToPath } from 'node:url';

import rule from '../../rules/no-leaked-arena.js';
import { runRuleTests } from '../fixtures/rule-tester.js';

const RT = "import { createArena, createPool, createObjectPool, withArena, MemTag } from 'eslint-plugin-arena/runtime';\n";
/** The project says `using` compiles (its lib has Disposable): `const` -> `using` may be an autofix. */
const USING_COMPILES = { arena: { usingDeclarations: true } };

runRuleTests('no-leaked-arena', rule, {
  valid: [
    // Destroyed on every path.
    RT + "function f() { const a = createArena(64, 'a'); a.alloc(8, MemTag.Temp); a.destroy(); }",
    RT + "function f(x: boolean) { const a = createArena(64, 'a'); try { if (x) return 1; a.alloc(8); return 2; } finally { a.destroy(); } }",
    RT + "function f(x: boolean) { const a = createArena(64, 'a'); if (x) { a.destroy(); return; } a.destroy(); }",
    RT + "function f(x: boolean) { const a = createArena(64, 'a'); if (x) { a.destroy(); throw new Error('bad'); } a.destroy(); }",
    RT + "function f() { const a = createArena(64, 'a'); a[Symbol.dispose](); }",
    RT + "function f() { const a = createArena(64, 'a'); a!.destroy(); }",
    RT + "function f() { const p = createPool(8, 8, 'p', { tag: MemTag.Node }); p.alloc(); p.destroy(); }",
    // A throw caught in the same function is not an exit.
    RT + "function f() { const a = createArena(64, 'a'); try { throw new Error('x'); } catch { /* handled */ } a.destroy(); }",
    // `using`, withArena, module level.
    RT + "function f() { using a = createArena(64, 'a'); a.alloc(8); }",
    RT + "async function f() { await using a = createArena(64, 'a'); await null; a.alloc(8); }",
    RT + "function f() { return withArena(64, 'w', (arena) => arena.used); }",
    RT + "export const shared = createArena(1 << 20, 'shared');",
    RT + "const cache = createPool(8, 8, 'cache'); export function get() { return cache.alloc(); }",
    // Handed on: returned, stored, given to a constructor or a collection.
    RT + "export function make() { const a = createArena(64, 'a'); a.alloc(8); return a; }",
    RT + "export function make() { return createArena(64, 'a'); }",
    RT + "export const make = () => createArena(64, 'a');",
    RT + "class Holder { arena; constructor() { this.arena = createArena(64, 'h'); } }",
    RT + "class Holder { private readonly arena = createArena(64, 'h'); }",
    RT + "class Holder { constructor(readonly a: unknown) {} } export function f() { const a = createArena(64, 'a'); return new Holder(a); }",
    RT + "const all: unknown[] = []; export function f() { const a = createArena(64, 'a'); all.push(a); }",
    RT + "export function f() { const a = createArena(64, 'a'); return { arena: a, size: 1 }; }",
    RT + "let current: unknown; export function f() { const a = createArena(64, 'a'); current = a; }",
    RT + "export function* f() { const a = createArena(64, 'a'); yield a; }",
    RT + "declare function register(x: unknown): void; export function f() { register(createArena(64, 'inline')); }",
    {
      code: RT + "declare function adopt(x: unknown): void; export function f() { const a = createArena(64, 'a'); adopt(a); }",
      options: [{ transferFunctions: ['adopt'] }],
    },
    RT + "class Base { constructor(readonly arena: unknown) {} } class D extends Base { constructor() { const a = createArena(64, 'd'); super(a); } }",
    RT + "export function f() { return new Promise((resolve) => { const a = createArena(64, 'p'); resolve(a); }); }",
    // Destroyed in both branches of a conditional, and in nested try/finally blocks.
    RT + "export function f(x: boolean) { const a = createArena(64, 'a'); if (x) { a.destroy(); } else { a.destroy(); } }",
    RT + "export function f(x: boolean) { const a = createArena(64, 'a'); try { try { if (x) return 1; } finally { a.alloc(1); } } finally { a.destroy(); } return 0; }",
    // Inline create-and-destroy.
    RT + "export function f() { createArena(64, 'a').destroy(); }",
    // Aliases the analysis does not follow: silent (precision first).
    RT + "export function f() { const a = createArena(64, 'a'); let b; b = a; return b; }",
    RT + "export function f() { const a = createArena(64, 'a'); process.on('exit', () => a.destroy()); }",
    // Reassigned owner variables are not judged.
    RT + "export function f() { let a = createArena(64, 'a'); a.destroy(); a = createArena(64, 'b'); return a; }",
    // Look-alike names without an allocator import.
    "function createArena(n: number, s: string) { return { n, s }; } export function f() { const a = createArena(1, 'x'); return a.n; }",
    "declare const rt: { createArena(n: number): object }; export function f() { const a = rt.createArena(1); void a; }",
    // A configured allocator with its own destroy method name.
    {
      code: "import { makeRegion } from 'my-alloc';\nexport function f() { const r = makeRegion(); try { r.take(8); } finally { r.drop(); } }",
      settings: { arena: { allocators: [{ module: 'my-alloc', createArena: ['makeRegion'], alloc: ['take'], destroy: ['drop'] }] } },
    },
    // Shadowed import.
    RT + "export function f(createArena: () => object) { const a = createArena(); void a; }",
  ],
  invalid: [
    {
      code: RT + "function f() { const a = createArena(64, 'a'); a.alloc(8); }",
      errors: [{ messageId: 'neverDestroyed', data: { kind: 'Arena', name: 'a' } }],
      settings: USING_COMPILES,
      output: RT + "function f() { using a = createArena(64, 'a'); a.alloc(8); }",
    },
    {
      // Early return skips the destroy; a destroy remains, so `using` is only a suggestion.
      code: RT + "function f(x: boolean) { const a = createArena(64, 'a'); if (x) return; a.destroy(); }",
      errors: [
        {
          messageId: 'notDestroyedOnEveryPath',
          suggestions: [{ messageId: 'useUsing', output: RT + "function f(x: boolean) { using a = createArena(64, 'a'); if (x) return; a.destroy(); }" }],
        },
      ],
      output: null,
    },
    {
      // A throw statement is an exit too.
      code: RT + "function f(x: boolean) { const a = createArena(64, 'a'); if (x) throw new Error('bad'); a.destroy(); }",
      errors: [
        {
          messageId: 'notDestroyedOnEveryPath',
          suggestions: [{ messageId: 'useUsing', output: RT + "function f(x: boolean) { using a = createArena(64, 'a'); if (x) throw new Error('bad'); a.destroy(); }" }],
        },
      ],
      output: null,
    },
    {
      // Destroyed only in the catch block: the normal path leaks.
      code: RT + "function f() { const a = createArena(64, 'a'); try { a.alloc(8); } catch (e) { a.destroy(); throw e; } }",
      errors: [{ messageId: 'notDestroyedOnEveryPath', suggestions: [{ messageId: 'useUsing', output: RT + "function f() { using a = createArena(64, 'a'); try { a.alloc(8); } catch (e) { a.destroy(); throw e; } }" }] }],
      output: null,
    },
    {
      // `continue` skips the destroy at the end of the loop body.
      code: RT + "function f(xs: number[]) { for (const x of xs) { const a = createArena(64, 'a'); if (x > 1) continue; a.destroy(); } }",
      errors: [{ messageId: 'notDestroyedOnEveryPath', suggestions: [{ messageId: 'useUsing', output: RT + "function f(xs: number[]) { for (const x of xs) { using a = createArena(64, 'a'); if (x > 1) continue; a.destroy(); } }" }] }],
      output: null,
    },
    {
      // Returned on one path, leaked on the other: no rewrite (the returned arena must stay alive).
      code: RT + "function f(x: boolean) { const a = createArena(64, 'a'); if (x) return a; return null; }",
      errors: [{ messageId: 'notDestroyedOnEveryPath' }],
      output: null,
    },
    {
      // Pools and object pools.
      code: RT + "function f() { const nodes = createPool(8, 8, 'n', { tag: MemTag.Node }); return nodes.alloc() !== null; }",
      errors: [{ messageId: 'neverDestroyed', data: { kind: 'Pool', name: 'nodes' } }],
      settings: USING_COMPILES,
      output: RT + "function f() { using nodes = createPool(8, 8, 'n', { tag: MemTag.Node }); return nodes.alloc() !== null; }",
    },
    {
      code: RT + "function f() { const objs = createObjectPool(() => ({ x: 0 }), 4, 'o'); const h = objs.alloc(); return h === null; }",
      errors: [{ messageId: 'neverDestroyed', data: { kind: 'Object pool', name: 'objs' } }],
      settings: USING_COMPILES,
      output: RT + "function f() { using objs = createObjectPool(() => ({ x: 0 }), 4, 'o'); const h = objs.alloc(); return h === null; }",
    },
    {
      // A borrow (plain call argument) does not take ownership; the callee might keep it, though,
      // so the rewrite is only suggested.
      code: RT + "declare function fill(x: unknown): void; function f() { const a = createArena(64, 'a'); fill(a); }",
      errors: [{ messageId: 'neverDestroyed', suggestions: [{ messageId: 'useUsing', output: RT + "declare function fill(x: unknown): void; function f() { using a = createArena(64, 'a'); fill(a); }" }] }],
      output: null,
    },
    {
      // Handles and views passed to functions are borrows: the rewrite stays automatic.
      code: RT + "declare function fill(x: Uint8Array): void; function f() { const a = createArena(64, 'a'); fill(a.bytes(a.alloc(8))); }",
      errors: [{ messageId: 'neverDestroyed' }],
      settings: USING_COMPILES,
      output: RT + "declare function fill(x: Uint8Array): void; function f() { using a = createArena(64, 'a'); fill(a.bytes(a.alloc(8))); }",
    },
    {
      // Renamed import.
      code: "import { createArena as mk } from 'eslint-plugin-arena/runtime';\nfunction f() { const scratch = mk(64, 's'); return scratch.used; }",
      errors: [{ messageId: 'neverDestroyed' }],
      settings: USING_COMPILES,
      output: "import { createArena as mk } from 'eslint-plugin-arena/runtime';\nfunction f() { using scratch = mk(64, 's'); return scratch.used; }",
    },
    {
      // Namespace import.
      code: "import * as rt from 'eslint-plugin-arena/runtime';\nfunction f() { const a = rt.createArena(64, 's'); a.reset(); }",
      errors: [{ messageId: 'neverDestroyed' }],
      settings: USING_COMPILES,
      output: "import * as rt from 'eslint-plugin-arena/runtime';\nfunction f() { using a = rt.createArena(64, 's'); a.reset(); }",
    },
    {
      // A handle returned from the function would be dead after `using`: suggestion only... and not even that.
      code: RT + "function f() { const a = createArena(64, 'a'); const h = a.alloc(8); return h; }",
      errors: [{ messageId: 'neverDestroyed', suggestions: [] }],
      output: null,
    },
    {
      // A view stored outside the block: no rewrite.
      code: RT + "let keep: Uint8Array | undefined; function f() { const a = createArena(64, 'a'); keep = a.bytes(a.alloc(8)); }",
      errors: [{ messageId: 'neverDestroyed' }],
      output: null,
    },
    {
      // Views used only inside the block, also through an array callback: the rewrite is safe.
      code: RT + "function f(xs: number[]) { const a = createArena(64, 'a'); const hs = xs.map((x) => a.alloc(x)); let sum = 0; for (const h of hs) sum += a.bytes(h).length; return sum; }",
      errors: [{ messageId: 'neverDestroyed' }],
      settings: USING_COMPILES,
      output: RT + "function f(xs: number[]) { using a = createArena(64, 'a'); const hs = xs.map((x) => a.alloc(x)); let sum = 0; for (const h of hs) sum += a.bytes(h).length; return sum; }",
    },
    {
      // Used by a timer callback that runs later: the rewrite would destroy it too early.
      code: RT + "function f() { const a = createArena(64, 'a'); setTimeout(() => a.alloc(8), 10); }",
      errors: [{ messageId: 'neverDestroyed' }],
      output: null,
    },
    {
      // A copy is still a call result: conservatively not rewritten.
      code: RT + "function f() { const a = createArena(64, 'a'); const h = a.alloc(8); return Uint8Array.from(a.bytes(h)); }",
      errors: [{ messageId: 'neverDestroyed' }],
      output: null,
    },
    {
      // Async functions and await.
      code: RT + "async function f() { const a = createArena(64, 'a'); await Promise.resolve(); a.alloc(8); }",
      errors: [{ messageId: 'neverDestroyed' }],
      settings: USING_COMPILES,
      output: RT + "async function f() { using a = createArena(64, 'a'); await Promise.resolve(); a.alloc(8); }",
    },
    {
      // Generators: an early return skips the destroy.
      code: RT + "function* g(n: number) { const a = createArena(64, 'a'); if (n === 0) return; yield a.used; a.destroy(); }",
      errors: [{ messageId: 'notDestroyedOnEveryPath', suggestions: [{ messageId: 'useUsing', output: RT + "function* g(n: number) { using a = createArena(64, 'a'); if (n === 0) return; yield a.used; a.destroy(); }" }] }],
      output: null,
    },
    {
      // Nested functions each own their arena.
      code: RT + "function outer() { const a = createArena(64, 'a'); function inner() { const b = createArena(8, 'b'); return b.used; } a.destroy(); return inner(); }",
      errors: [{ messageId: 'neverDestroyed', data: { kind: 'Arena', name: 'b' } }],
      settings: USING_COMPILES,
      output: RT + "function outer() { const a = createArena(64, 'a'); function inner() { using b = createArena(8, 'b'); return b.used; } a.destroy(); return inner(); }",
    },
    {
      // Arrow function body block; `let` is rewritten too.
      code: RT + "const f = () => { let a = createArena(64, 'a'); return a.capacity; };",
      errors: [{ messageId: 'neverDestroyed' }],
      settings: USING_COMPILES,
      output: RT + "const f = () => { using a = createArena(64, 'a'); return a.capacity; };",
    },
    {
      // `const` aliases are the same owner: destroying the alias on one path is not enough.
      code: RT + "function f(x: boolean) { const a = createArena(64, 'a'); const b = a; if (x) return; b.destroy(); }",
      errors: [{ messageId: 'notDestroyedOnEveryPath', suggestions: [{ messageId: 'useUsing', output: RT + "function f(x: boolean) { using a = createArena(64, 'a'); const b = a; if (x) return; b.destroy(); }" }] }],
      output: null,
    },
    {
      // A labelled break jumps over the destroy.
      code: RT + "function f(x: boolean) { outer: { const a = createArena(64, 'a'); if (x) break outer; a.destroy(); } }",
      errors: [{ messageId: 'notDestroyedOnEveryPath', suggestions: [{ messageId: 'useUsing', output: RT + "function f(x: boolean) { outer: { using a = createArena(64, 'a'); if (x) break outer; a.destroy(); } }" }] }],
      output: null,
    },
    {
      // Returned on one side of a conditional only: the other side leaks it.
      code: RT + "function f(x: boolean) { const a = createArena(64, 'a'); return x ? a : null; }",
      errors: [{ messageId: 'notDestroyedOnEveryPath' }],
      output: null,
    },
    {
      // Created and dropped.
      code: RT + "function f() { createArena(64, 'dropped'); }",
      errors: [{ messageId: 'dropped', data: { kind: 'Arena' } }],
      output: null,
    },
    {
      code: RT + "function f() { return createArena(64, 'tmp').alloc(8); }",
      errors: [{ messageId: 'dropped' }],
      output: null,
    },
    {
      code: RT + "function f() { createPool(8, 8, 'p').alloc(); }",
      errors: [{ messageId: 'dropped', data: { kind: 'Pool' } }],
      output: null,
    },
    {
      // A class method: not stored on `this`, so it leaks.
      code: RT + "class S { run() { const a = createArena(64, 'a'); return a.used; } }",
      errors: [{ messageId: 'neverDestroyed' }],
      settings: USING_COMPILES,
      output: RT + "class S { run() { using a = createArena(64, 'a'); return a.used; } }",
    },
    {
      // Switch with a fall-out path.
      code: RT + "function f(k: number) { const a = createArena(64, 'a'); switch (k) { case 1: a.destroy(); break; default: return; } }",
      errors: [{ messageId: 'notDestroyedOnEveryPath', suggestions: [{ messageId: 'useUsing', output: RT + "function f(k: number) { using a = createArena(64, 'a'); switch (k) { case 1: a.destroy(); break; default: return; } }" }] }],
      output: null,
    },
    {
      // JavaScript files get the rewrite as a suggestion (the runtime must support `using`).
      code: RT + "function f() { const a = createArena(64, 'a'); a.alloc(8); }",
      filename: 'file.js',
      errors: [{ messageId: 'neverDestroyed', suggestions: [{ messageId: 'useUsing', output: RT + "function f() { using a = createArena(64, 'a'); a.alloc(8); }" }] }],
      output: null,
    },
    {
      // Multiple declarators cannot become one `using`.
      code: RT + "function f() { const a = createArena(64, 'a'), n = 1; return a.used + n; }",
      errors: [{ messageId: 'neverDestroyed' }],
      output: null,
    },
    {
      // Settings: a configured allocator is judged, but `using` is neither advised nor written (its owners may not be Disposable).
      code: "import { makeRegion } from 'my-alloc';\nfunction f() { const r = makeRegion(); r.take(8); }",
      settings: { arena: { allocators: [{ module: 'my-alloc', createArena: ['makeRegion'], alloc: ['take'], destroy: ['drop'] }] } },
      errors: [{ messageId: 'ownerNeverEnded' }],
      output: null,
    },
  ],
});

// `const` -> `using` is an autofix only where `using` is known to compile: a setting says so, or the
// program's lib has Disposable. With lib es2022 alone TypeScript rejects `using` (TS2318).
const LEAK = "function f() { const a = createArena(64, 'a'); a.alloc(8); }";
const LEAK_USING = "function f() { using a = createArena(64, 'a'); a.alloc(8); }";
const RT_ONLY = "import { createArena } from 'eslint-plugin-arena/runtime';\n";
const UNRESOLVED_RT = "import { createArena } from 'vendored-arena-runtime';\n";
const typedIn = (directory: string) => ({
  filename: 'file.ts',
  languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: fileURLToPath(new URL(`../fixtures/${directory}/`, import.meta.url)) } },
});
const asSuggestion = [{ messageId: 'neverDestroyed' as const, suggestions: [{ messageId: 'useUsing' as const, output: RT_ONLY + LEAK_USING }] }];

runRuleTests('no-leaked-arena (using only where it compiles)', rule, {
  valid: [],
  invalid: [
    // Not known: no type information, no setting.
    { code: RT_ONLY + LEAK, output: null, errors: asSuggestion },
    // The setting says no.
    { code: RT_ONLY + LEAK, settings: { arena: { usingDeclarations: false } }, output: null, errors: asSuggestion },
    // Types: lib es2022 has no Disposable.
    // Types: lib es2022 has no Disposable. (The runtime's own types reference esnext.disposable, so
    // a program that resolves them has it: here the runtime is imported by a name left unresolved.)
    {
      ...typedIn('lib-es2022'),
      settings: { arena: { modules: ['vendored-arena-runtime'] } },
      code: UNRESOLVED_RT + LEAK,
      output: null,
      errors: [{ messageId: 'neverDestroyed', suggestions: [{ messageId: 'useUsing', output: UNRESOLVED_RT + LEAK_USING }] }],
    },
    // Types: the lib has Disposable; and the setting wins over the types.
    { ...typedIn('lib-disposable'), code: RT_ONLY + LEAK, output: RT_ONLY + LEAK_USING, errors: [{ messageId: 'neverDestroyed' }] },
    { ...typedIn('lib-disposable'), code: RT_ONLY + LEAK, settings: { arena: { usingDeclarations: false } }, output: null, errors: asSuggestion },
  ],
});
