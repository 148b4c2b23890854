import rule from '../../rules/require-alloc-tag.js';
import { runRuleTests } from '../fixtures/rule-tester.js';

const RT = "import { createArena, createPool, createObjectPool, withArena, allocTagged, MemTag } from 'eslint-plugin-arena/runtime';\n";
const RT_NO_TAG = "import { createArena, createPool, createObjectPool, withArena, allocTagged } from 'eslint-plugin-arena/runtime';\n";

runRuleTests('require-alloc-tag', rule, {
  valid: [
    // Tags given.
    RT + "const a = createArena(64, 'a'); const h = a.alloc(8, MemTag.Edge);",
    RT + "const a = createArena(64, 'a'); a.allocAligned(8, 8, MemTag.Node);",
    RT + 'allocTagged(16, MemTag.Cbor);',
    RT + "const pool = createPool(16, 8, 'p', { tag: MemTag.Node });",
    RT + "const pool = createObjectPool(() => ({}), 8, 'p', { growable: true, tag: MemTag.Cache });",
    RT + "withArena(64, 'w', (arena) => arena.alloc(8, MemTag.Temp));",
    // Custom tags.
    "import { createArena, defineTag } from 'eslint-plugin-arena/runtime';\nconst T = defineTag('mine'); const a = createArena(64, 'a'); a.alloc(8, T);",
    // An arena created with a default tag covers its allocations.
    RT + "const a = createArena(64, 'a', { tag: MemTag.Parse }); a.alloc(8);",
    RT + "createArena(64, 'a', { tag: MemTag.Parse }).alloc(8);",
    // Options not visible: the arena may have a default tag.
    RT + "declare const opts: { tag?: never }; const a = createArena(64, 'a', opts); a.alloc(8);",
    RT + "declare const extra: object; const a = createArena(64, 'a', { ...extra }); a.alloc(8);",
    RT + "declare const extra: object; const p = createPool(8, 8, 'p', { ...extra });",
    // An arena received from elsewhere: its default tag is unknown.
    "import type { Arena } from 'eslint-plugin-arena/runtime';\nexport function fill(arena: Arena): void { arena.alloc(8); }",
    // Pools take no tag per allocation.
    RT + "const pool = createPool(16, 8, 'p', { tag: MemTag.Node }); pool.alloc();",
    // Look-alike names without an allocator import.
    "function createArena(n: number, s: string) { return { alloc: (k: number) => k + n + s.length }; }\nconst a = createArena(1, 'x'); a.alloc(8);",
    'declare function allocTagged(n: number): number; allocTagged(4);',
    "declare const createPool: (a: number, b: number, c: string) => object; createPool(1, 2, 'x');",
    // Shadowed import.
    RT + "function f(createArena: (n: number, s: string) => { alloc(n: number): number }) { const a = createArena(1, 'x'); a.alloc(8); }",
    // Unknown receivers are not judged.
    RT + 'declare const thing: { alloc(n: number): number }; thing.alloc(8);',
    RT + "const a = createArena(64, 'a'); const b = a; b.alloc(8, MemTag.Edge);",
    // A `let` alias may be pointed elsewhere: not judged.
    RT + "const a = createArena(64, 'a'); let b = a; b.alloc(8);",
    // Reassigned variable: could hold another owner.
    RT + "let a = createArena(64, 'a'); a = createArena(64, 'b', { tag: MemTag.Edge }); a.alloc(8);",
    // Spread arguments / missing size: not checkable.
    RT + "const a = createArena(64, 'a'); declare const args: [number]; a.alloc(...args);",
    RT + "const a = createArena(64, 'a'); (a.alloc as (...x: number[]) => number)();",
    RT + "const a = createArena(64, 'a'); a.allocAligned(8);",
    // Configured allocators that are not the runtime: no tag convention, ignored for pools without options index.
    RT + "const a = createArena(64, 'a'); a.destroy(); a.reset();",
    // Namespace import with tags.
    "import * as rt from 'eslint-plugin-arena/runtime';\nconst a = rt.createArena(64, 'a'); a.alloc(8, rt.MemTag.Edge);",
    // Class field with a default-tagged arena.
    RT + "class G { private arena = createArena(64, 'g', { tag: MemTag.Edge }); add() { return this.arena.alloc(8); } }",
    // A field set in the constructor with a default tag; a quoted 'tag' key counts too.
    RT + "class H { private arena; constructor() { this.arena = createArena(64, 'h', { tag: MemTag.Edge }); } add() { return this.arena.alloc(8); } }",
    RT + "class H { #arena = createArena(64, 'h', { 'tag': MemTag.Node }); add() { return this.#arena.alloc(8); } }",
    // A local look-alike factory is not the runtime's.
    "function createArena(n: number, name: string) { return { alloc: (size: number) => size }; }\nconst a = createArena(64, 'a'); a.alloc(8);",
    {
      code: RT + "const a = createArena(64, 'a', { tag: MemTag.Parse }); a.alloc(8, MemTag.Parse);",
      options: [{ infer: false, allowArenaDefault: false }],
    },
    {
      // A configured allocator follows the lifetime model, not the runtime's tag signature.
      code: "import { makeRegion, makeSlab } from 'my-alloc';\nconst r = makeRegion(); r.alloc(8); const s = makeSlab(8, 8, 'slab');",
      settings: { arena: { allocators: [{ module: 'my-alloc', createArena: ['makeRegion'], createPool: ['makeSlab'] }] } },
    },
  ],
  invalid: [
    {
      // An arena assigned to a field in the constructor, allocated from in a method and through an alias.
      code: RT + "class Store { private arena; constructor() { this.arena = createArena(64, 's'); } addEdge() { const edge = this.arena.alloc(16); return edge; } node() { const a = this.arena; return a.alloc(8); } }",
      output: RT + "class Store { private arena; constructor() { this.arena = createArena(64, 's'); } addEdge() { const edge = this.arena.alloc(16, MemTag.Edge); return edge; } node() { const a = this.arena; return a.alloc(8, MemTag.Node); } }",
      errors: [
        { messageId: 'untaggedAlloc', data: { method: 'alloc', owner: 'this.arena', tag: 'MemTag.Edge' } },
        { messageId: 'untaggedAlloc', data: { method: 'alloc', owner: 'a', tag: 'MemTag.Node' } },
      ],
    },
    {
      code: RT + "const a = createArena(64, 'a'); const edge = a.alloc(16);",
      errors: [{ messageId: 'untaggedAlloc', data: { method: 'alloc', owner: 'a', tag: 'MemTag.Edge' } }],
      output: RT + "const a = createArena(64, 'a'); const edge = a.alloc(16, MemTag.Edge);",
    },
    {
      code: RT + "const a = createArena(64, 'a'); const nodes = a.allocAligned(16, 8);",
      errors: [{ messageId: 'untaggedAlloc' }],
      output: RT + "const a = createArena(64, 'a'); const nodes = a.allocAligned(16, 8, MemTag.Node);",
    },
    {
      code: RT + "const a = createArena(64, 'a'); const parseBuf = a.alloc(16);",
      errors: [{ messageId: 'untaggedAlloc' }],
      output: RT + "const a = createArena(64, 'a'); const parseBuf = a.alloc(16, MemTag.Parse);",
    },
    {
      // Word boundaries: "anode" is not "node"; nothing matches -> General.
      code: RT + "const a = createArena(64, 'a'); const anode = a.alloc(16);",
      errors: [{ messageId: 'untaggedAlloc', data: { method: 'alloc', owner: 'a', tag: 'MemTag.General' } }],
      output: RT + "const a = createArena(64, 'a'); const anode = a.alloc(16, MemTag.General);",
    },
    {
      // The type annotation names the tag when the variable name does not.
      code: RT + "type EdgeRecord = number; const a = createArena(64, 'a'); const rec: EdgeRecord = a.alloc(16);",
      errors: [{ messageId: 'untaggedAlloc' }],
      output: RT + "type EdgeRecord = number; const a = createArena(64, 'a'); const rec: EdgeRecord = a.alloc(16, MemTag.Edge);",
    },
    {
      // Head noun wins: an edge cache is a cache.
      code: RT + "const a = createArena(64, 'a'); const edgeCache = a.alloc(16);",
      errors: [{ messageId: 'untaggedAlloc' }],
      output: RT + "const a = createArena(64, 'a'); const edgeCache = a.alloc(16, MemTag.Cache);",
    },
    {
      code: RT + "const a = createArena(64, 'a'); const tmp_slot = a.alloc(16);",
      errors: [{ messageId: 'untaggedAlloc' }],
      output: RT + "const a = createArena(64, 'a'); const tmp_slot = a.alloc(16, MemTag.Temp);",
    },
    {
      // Pushed into a collection: the collection's name counts.
      code: RT + "const a = createArena(64, 'a'); const edges: number[] = []; edges.push(a.alloc(16));",
      errors: [{ messageId: 'untaggedAlloc' }],
      output: RT + "const a = createArena(64, 'a'); const edges: number[] = []; edges.push(a.alloc(16, MemTag.Edge));",
    },
    {
      // Returned: the function's name counts.
      code: RT + "const a = createArena(64, 'a'); function allocNode() { return a.alloc(16); }",
      errors: [{ messageId: 'untaggedAlloc' }],
      output: RT + "const a = createArena(64, 'a'); function allocNode() { return a.alloc(16, MemTag.Node); }",
    },
    {
      // Object property and assignment targets.
      code: RT + "const a = createArena(64, 'a'); const rec = { cbor: a.alloc(4) }; let x; x = { plugin: a.alloc(2) };",
      errors: [{ messageId: 'untaggedAlloc' }, { messageId: 'untaggedAlloc' }],
      output: RT + "const a = createArena(64, 'a'); const rec = { cbor: a.alloc(4, MemTag.Cbor) }; let x; x = { plugin: a.alloc(2, MemTag.Plugin) };",
    },
    {
      // An explicit undefined tag is no tag.
      code: RT + "const a = createArena(64, 'a'); const node = a.alloc(16, undefined);",
      errors: [{ messageId: 'untaggedAlloc' }],
      output: RT + "const a = createArena(64, 'a'); const node = a.alloc(16, MemTag.Node);",
    },
    {
      // withArena's arena has no default tag.
      code: RT + "withArena(64, 'w', (arena) => { const temp = arena.alloc(8); return temp; });",
      errors: [{ messageId: 'untaggedAlloc', data: { method: 'alloc', owner: 'arena', tag: 'MemTag.Temp' } }],
      output: RT + "withArena(64, 'w', (arena) => { const temp = arena.alloc(8, MemTag.Temp); return temp; });",
    },
    {
      // Renamed imports and a `using` arena; the MemTag import is added.
      code: "import { createArena as mk } from 'eslint-plugin-arena/runtime';\nfunction f() { using scratch = mk(64, 's'); const edge = scratch.alloc(8); return scratch.sizeOf(edge); }",
      errors: [{ messageId: 'untaggedAlloc' }],
      output: "import { createArena as mk, MemTag } from 'eslint-plugin-arena/runtime';\nfunction f() { using scratch = mk(64, 's'); const edge = scratch.alloc(8, MemTag.Edge); return scratch.sizeOf(edge); }",
    },
    {
      // Namespace import: the tag is spelled through the namespace, no import added.
      code: "import * as rt from 'eslint-plugin-arena/runtime';\nconst a = rt.createArena(64, 'a'); const node = a.alloc(8);",
      errors: [{ messageId: 'untaggedAlloc', data: { method: 'alloc', owner: 'a', tag: 'rt.MemTag.Node' } }],
      output: "import * as rt from 'eslint-plugin-arena/runtime';\nconst a = rt.createArena(64, 'a'); const node = a.alloc(8, rt.MemTag.Node);",
    },
    {
      // MemTag imported under another name.
      code: "import { createArena, MemTag as Tags } from 'eslint-plugin-arena/runtime';\nconst a = createArena(64, 'a'); const cached = a.alloc(8);",
      errors: [{ messageId: 'untaggedAlloc' }],
      output: "import { createArena, MemTag as Tags } from 'eslint-plugin-arena/runtime';\nconst a = createArena(64, 'a'); const cached = a.alloc(8, Tags.Cache);",
    },
    {
      // A type-only import beside the value import: MemTag joins the value import.
      code: "import type { Arena } from 'eslint-plugin-arena/runtime';\nimport { withArena } from 'eslint-plugin-arena/runtime';\nwithArena(8, 'w', (arena: Arena) => arena.alloc(4));",
      errors: [{ messageId: 'untaggedAlloc' }],
      output: "import type { Arena } from 'eslint-plugin-arena/runtime';\nimport { withArena, MemTag } from 'eslint-plugin-arena/runtime';\nwithArena(8, 'w', (arena: Arena) => arena.alloc(4, MemTag.General));",
    },
    {
      // Two fixes in one file: the import is added once, the second fix lands in the next pass.
      code: RT_NO_TAG + "const a = createArena(64, 'a'); const edge = a.alloc(8); const node = a.alloc(8);",
      errors: [{ messageId: 'untaggedAlloc' }, { messageId: 'untaggedAlloc' }],
      output: [
        RT_NO_TAG.replace('allocTagged }', 'allocTagged, MemTag }') + "const a = createArena(64, 'a'); const edge = a.alloc(8, MemTag.Edge); const node = a.alloc(8);",
        RT_NO_TAG.replace('allocTagged }', 'allocTagged, MemTag }') + "const a = createArena(64, 'a'); const edge = a.alloc(8, MemTag.Edge); const node = a.alloc(8, MemTag.Node);",
      ],
    },
    {
      // A local MemTag that is not the runtime's: report, but no fix that would clash.
      code: "import { createArena } from 'eslint-plugin-arena/runtime';\nconst MemTag = { Edge: 1 }; const a = createArena(64, 'a'); const edge = a.alloc(8);",
      errors: [{ messageId: 'untaggedAlloc' }],
      output: null,
    },
    {
      // Only a type-only import: MemTag comes in a new value import.
      code: "import type { Arena } from 'eslint-plugin-arena/runtime';\nexport function fill(arena: Arena) { const edge = arena.alloc(8); return edge; }",
      options: [{ allowArenaDefault: false }],
      errors: [{ messageId: 'untaggedAlloc' }],
      output: "import type { Arena } from 'eslint-plugin-arena/runtime';\nimport { MemTag } from 'eslint-plugin-arena/runtime';\nexport function fill(arena: Arena) { const edge = arena.alloc(8, MemTag.Edge); return edge; }",
    },
    {
      code: RT + 'const cbor = allocTagged(128);',
      errors: [{ messageId: 'untaggedAllocTagged', data: { tag: 'MemTag.Cbor' } }],
      output: RT + 'const cbor = allocTagged(128, MemTag.Cbor);',
    },
    {
      code: "import * as rt from 'eslint-plugin-arena/runtime';\nconst buf = rt.allocTagged(128);",
      errors: [{ messageId: 'untaggedAllocTagged' }],
      output: "import * as rt from 'eslint-plugin-arena/runtime';\nconst buf = rt.allocTagged(128, rt.MemTag.General);",
    },
    {
      code: RT + "const nodePool = createPool(32, 128, 'p');",
      errors: [{ messageId: 'untaggedPool', data: { kind: 'Pool', owner: 'nodePool', tag: 'MemTag.Node' } }],
      output: RT + "const nodePool = createPool(32, 128, 'p', { tag: MemTag.Node });",
    },
    {
      // The pool's name string names the tag when the variable does not.
      code: RT + "const pool = createPool(32, 128, 'edges', { growable: true });",
      errors: [{ messageId: 'untaggedPool' }],
      output: RT + "const pool = createPool(32, 128, 'edges', { tag: MemTag.Edge, growable: true });",
    },
    {
      code: RT + "const plugins = createObjectPool(() => ({ id: 0 }), 8, 'objs', {});",
      errors: [{ messageId: 'untaggedPool', data: { kind: 'Object pool', owner: 'plugins', tag: 'MemTag.Plugin' } }],
      output: RT + "const plugins = createObjectPool(() => ({ id: 0 }), 8, 'objs', { tag: MemTag.Plugin });",
    },
    {
      code: RT + "class Store { private readonly cache = createPool(8, 8, 'store', undefined); }",
      errors: [{ messageId: 'untaggedPool' }],
      output: RT + "class Store { private readonly cache = createPool(8, 8, 'store', { tag: MemTag.Cache }); }",
    },
    {
      // this.<field> of a class whose field is an untagged arena; nested arrow functions see `this`.
      code: RT + "class G { #arena = createArena(64, 'g'); add() { return [1].map(() => { const edge = this.#arena.alloc(8); return edge; }); } }",
      errors: [{ messageId: 'untaggedAlloc', data: { method: 'alloc', owner: 'this.#arena', tag: 'MemTag.Edge' } }],
      output: RT + "class G { #arena = createArena(64, 'g'); add() { return [1].map(() => { const edge = this.#arena.alloc(8, MemTag.Edge); return edge; }); } }",
    },
    {
      // A const alias is the same arena; closures that run inline are checked like any code.
      code: RT + "const a = createArena(64, 'a'); const b = a; const edges = [1, 2].map((n) => b.alloc(n));",
      errors: [{ messageId: 'untaggedAlloc', data: { method: 'alloc', owner: 'b', tag: 'MemTag.Edge' } }],
      output: RT + "const a = createArena(64, 'a'); const b = a; const edges = [1, 2].map((n) => b.alloc(n, MemTag.Edge));",
    },
    {
      // Created inline.
      code: RT + "const node = createArena(64, 'x').alloc(8);",
      errors: [{ messageId: 'untaggedAlloc' }],
      output: RT + "const node = createArena(64, 'x').alloc(8, MemTag.Node);",
    },
    {
      // Inside async functions, generators and loops, and through optional chaining and `!`.
      code: RT + "async function* g() { const a = createArena(64, 'a'); for (let i = 0; i < 3; i++) { const edge = a?.alloc(8); yield edge; await null; } a!.destroy(); }",
      errors: [{ messageId: 'untaggedAlloc' }],
      output: RT + "async function* g() { const a = createArena(64, 'a'); for (let i = 0; i < 3; i++) { const edge = a?.alloc(8, MemTag.Edge); yield edge; await null; } a!.destroy(); }",
    },
    {
      // try/finally does not change anything about tags.
      code: RT + "function f() { const a = createArena(64, 'a'); try { const parsed = a.alloc(8); return parsed; } finally { a.destroy(); } }",
      errors: [{ messageId: 'untaggedAlloc' }],
      output: RT + "function f() { const a = createArena(64, 'a'); try { const parsed = a.alloc(8, MemTag.Parse); return parsed; } finally { a.destroy(); } }",
    },
    {
      // infer: false -> no autofix, suggestions: the guess, then General.
      code: RT + "const a = createArena(64, 'a'); const edge = a.alloc(16);",
      options: [{ infer: false }],
      errors: [
        {
          messageId: 'untaggedAlloc',
          suggestions: [
            { messageId: 'useTag', data: { tag: 'MemTag.Edge' }, output: RT + "const a = createArena(64, 'a'); const edge = a.alloc(16, MemTag.Edge);" },
            { messageId: 'useTag', data: { tag: 'MemTag.General' }, output: RT + "const a = createArena(64, 'a'); const edge = a.alloc(16, MemTag.General);" },
          ],
        },
      ],
      output: null,
    },
    {
      code: RT + "const a = createArena(64, 'a'); const h = a.alloc(16);",
      options: [{ infer: false }],
      errors: [
        {
          messageId: 'untaggedAlloc',
          suggestions: [
            { messageId: 'useTag', data: { tag: 'MemTag.General' }, output: RT + "const a = createArena(64, 'a'); const h = a.alloc(16, MemTag.General);" },
          ],
        },
      ],
      output: null,
    },
    {
      // allowArenaDefault: false -> the arena's default tag does not excuse the allocation.
      code: RT + "const a = createArena(64, 'a', { tag: MemTag.Parse }); const parsed = a.alloc(8);",
      options: [{ allowArenaDefault: false }],
      errors: [{ messageId: 'untaggedAlloc' }],
      output: RT + "const a = createArena(64, 'a', { tag: MemTag.Parse }); const parsed = a.alloc(8, MemTag.Parse);",
    },
    {
      // allowArenaDefault: false also judges arenas received by annotation.
      code: "import { MemTag, type Arena } from 'eslint-plugin-arena/runtime';\nexport function fill(arena: Arena) { const node = arena.alloc(8); return node; }",
      options: [{ allowArenaDefault: false }],
      errors: [{ messageId: 'untaggedAlloc' }],
      output: "import { MemTag, type Arena } from 'eslint-plugin-arena/runtime';\nexport function fill(arena: Arena) { const node = arena.alloc(8, MemTag.Node); return node; }",
    },
    {
      // Constructor parameter property typed Arena, strict mode.
      code: "import { MemTag, type Arena } from 'eslint-plugin-arena/runtime';\nclass P { constructor(private readonly arena: Arena) {} make() { const cbor = this.arena.alloc(4); return cbor; } }",
      options: [{ allowArenaDefault: false }],
      errors: [{ messageId: 'untaggedAlloc' }],
      output: "import { MemTag, type Arena } from 'eslint-plugin-arena/runtime';\nclass P { constructor(private readonly arena: Arena) {} make() { const cbor = this.arena.alloc(4, MemTag.Cbor); return cbor; } }",
    },
    {
      // Settings: the runtime reached through a relative path counts as the runtime.
      code: "import { createArena, MemTag } from '../runtime/index.js';\nconst a = createArena(64, 'a'); const edges = a.alloc(8);",
      settings: { arena: { modules: ['../runtime/index.js'] } },
      errors: [{ messageId: 'untaggedAlloc' }],
      output: "import { createArena, MemTag } from '../runtime/index.js';\nconst a = createArena(64, 'a'); const edges = a.alloc(8, MemTag.Edge);",
    },
  ],
});
