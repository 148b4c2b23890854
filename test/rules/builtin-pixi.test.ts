// The built-in `pixi.js` description: `get()` lends an object, `return(obj)` takes it back. Using
// it after its return and returning it twice are bugs; not returning it is not (the GC reclaims it).
import leakRule from '../../rules/no-leaked-arena.js';
import mixedRule from '../../rules/no-mixed-ownership.js';
import useRule from '../../rules/no-use-after-reset.js';
import tagRule from '../../rules/require-alloc-tag.js';
import { runRuleTests } from '../fixtures/rule-tester.js';

const PIXI = "import { BigPool, Pool, matrixPool, boundsPool } from 'pixi.js';\nclass Point { x = 0; y = 0; }\nconst points = new Pool(Point);\n";

runRuleTests('no-use-after-reset', useRule, {
  valid: [
    PIXI + 'export function f() { const m = matrixPool.get(); m.tx = 1; const a = m.a; matrixPool.return(m); return a; }',
    // A field returned, then cleared or refilled before the next read.
    PIXI + 'export class Batcher { private batch: Point | null = null; destroy() { if (this.batch) { points.return(this.batch); this.batch = null; } } reuse() { points.return(this.batch!); this.batch = points.get(); this.batch.x = 1; } }',
    // The element changed before the read: another index, a refilled slot, a new list.
    PIXI + 'export function f(list: Point[]) { for (let i = 0; i < list.length; i++) { points.return(list[i]!); } return list[0]; }',
    PIXI + 'export function f(list: Point[], i: number) { points.return(list[i]!); i++; return list[i]!.x; }',
    PIXI + 'export function f(list: Point[], i: number) { points.return(list[i]!); list[i] = points.get(); list[i]!.x = 1; }',
    PIXI + 'export function f(list: Point[], i: number) { points.return(list[i]!); list.splice(i, 1); return list[i]?.x; }',
    PIXI + 'export function f(list: Point[], idx: number[]) { for (const i of idx) { points.return(list[i]!); } }',
    PIXI + 'export function f(lists: Point[][]) { for (const list of lists) { points.return(list[0]!); } }',
    PIXI + 'export function f(list: Point[], next: () => number) { for (;;) { const i = next(); points.return(list[i]!); } }',
    // Each iteration's loop variable is a different object.
    PIXI + 'export function f(list: Point[]) { for (const p of list) { p.x = 0; points.return(p); } }',
    // Not returned at all: fine for pixi.js.
    PIXI + 'export function f() { const m = matrixPool.get(); return m.a; }',
    // A fresh object in the same variable each iteration.
    PIXI + 'export function f(n: number) { for (let i = 0; i < n; i++) { const p = points.get(); p.x = i; points.return(p); } }',
    PIXI + 'export function f(n: number) { let p = points.get(); for (let i = 0; i < n; i++) { points.return(p); p = points.get(); p.x = i; } }',
    // After return, only the reference is tested or copied.
    PIXI + 'export function f() { const b = boundsPool.get(); boundsPool.return(b); return b === null; }',
    // A look-alike: a local class named Pool, and pixi's names from another module.
    'class Pool<T> { constructor(private readonly make: () => T) {} get(): T { return this.make(); } return(_: T) {} }\nconst pool = new Pool(() => ({ x: 0 }));\nexport function f() { const p = pool.get(); pool.return(p); return p.x; }',
    "import { matrixPool } from './my-pools';\nexport function f() { const m = matrixPool.get(); matrixPool.return(m); return m.a; }",
  ],
  invalid: [
    {
      code: PIXI + 'export function f() { const m = matrixPool.get(); matrixPool.return(m); m.tx = 2; }',
      errors: [{ messageId: 'afterRelease', data: { name: 'm', call: 'matrixPool.return', line: 4, owner: 'matrixPool', library: 'pixi.js', kind: 'object' } }],
    },
    {
      // A method call and passing it on are uses too.
      code: PIXI + 'declare function draw(p: unknown): void;\nexport function f() { const p = points.get(); points.return(p); p.set(1, 2); draw(p); }',
      errors: [{ messageId: 'afterRelease' }, { messageId: 'afterRelease' }],
    },
    {
      // BigPool hands out by class; a parameter returned then read; a value from get().identity().
      code: PIXI + 'export function f() { const q = BigPool.get(Point); BigPool.return(q); return q.x; }',
      errors: [{ messageId: 'afterRelease', data: { name: 'q', call: 'BigPool.return', line: 4, owner: 'BigPool', library: 'pixi.js', kind: 'object' } }],
    },
    {
      code: PIXI + 'export function f(m: { a: number }) { matrixPool.return(m); return m.a; }',
      errors: [{ messageId: 'afterRelease' }],
    },
    {
      code: PIXI + 'export function f() { const m = matrixPool.get().identity(); matrixPool.return(m); return m.a; }',
      errors: [{ messageId: 'afterRelease' }],
    },
    {
      // Aliased import; destructuring reads the object.
      code: "import { matrixPool as mp } from 'pixi.js';\nexport function f() { const m = mp.get(); mp.return(m); const { a, b } = m; return a + b; }",
      errors: [{ messageId: 'afterRelease' }],
    },
    {
      // A value taken from an array, and a loop variable: the release ends them whatever their origin.
      code: PIXI + 'export function f(list: Point[], i: number) { const p = list[i]!; points.return(p); return p.x; }',
      errors: [{ messageId: 'afterRelease' }],
    },
    {
      code: PIXI + 'export function f(list: Point[]) { for (const p of list) { points.return(p); p.y = 0; } }',
      errors: [{ messageId: 'afterRelease' }],
    },
    {
      // An element expression or a member of a local object: released, then read again.
      code: PIXI + 'export function f(list: Point[], i: number) { points.return(list[i]!); list[i]!.x = 1; }',
      errors: [{ messageId: 'afterRelease', data: { name: 'list[i]', call: 'points.return', line: 4, owner: 'points', library: 'pixi.js', kind: 'object' } }],
    },
    {
      code: PIXI + 'export function f(state: { p: Point }) { points.return(state.p); return state.p.x; }',
      errors: [{ messageId: 'afterRelease' }],
    },
    {
      // A field: returned, then read before it is cleared.
      code: PIXI + 'export class Batcher { private batch: Point | null = null; destroy() { if (this.batch) { points.return(this.batch); this.batch.x = 0; this.batch = null; } } }',
      errors: [{ messageId: 'afterRelease', data: { name: 'this.batch', call: 'points.return', line: 4, owner: 'points', library: 'pixi.js', kind: 'object' } }],
    },
    {
      // Returned on one branch, used after the join.
      code: PIXI + 'export function f(c: boolean) { const p = points.get(); if (c) points.return(p); p.x = 1; }',
      errors: [{ messageId: 'afterRelease' }],
    },
  ],
});

runRuleTests('no-mixed-ownership', mixedRule, {
  valid: [
    PIXI + 'export function f(c: boolean) { const p = points.get(); if (c) { points.return(p); return; } points.return(p); }',
    // BigPool takes back objects of any pool: not reported as foreign.
    PIXI + 'export function f() { const m = matrixPool.get(); BigPool.return(m); }',
    // Ping-pong: after a swap each name holds the other object, so each is returned once.
    PIXI + 'export function f() { let a = points.get(); let b = points.get(); const t = a; a = b; b = t; points.return(a); points.return(b); }',
    PIXI + 'export function f(n: number) { let a = points.get(); let b = points.get(); for (let i = 0; i < n; i++) { const t = a; a = b; b = t; } points.return(a); points.return(b); }',
  ],
  invalid: [
    {
      // Through an alias that can only hold the same object.
      code: PIXI + 'export function f() { const p = points.get(); const q = p; points.return(p); points.return(q); }',
      errors: [{ messageId: 'doubleRelease' }],
    },
    {
      code: PIXI + 'export function f() { const p = points.get(); points.return(p); points.return(p); }',
      errors: [{ messageId: 'doubleRelease', data: { arg: 'p', call: 'points.return', first: 'points.return', line: 4, library: 'pixi.js' } }],
    },
    {
      // A field returned twice in one method.
      code: PIXI + 'export class Batcher { private batch = points.get(); destroy() { points.return(this.batch); points.return(this.batch); } }',
      errors: [{ messageId: 'doubleRelease', data: { arg: 'this.batch', call: 'points.return', first: 'points.return', line: 4, library: 'pixi.js' } }],
    },
    {
      // The same element returned twice.
      code: PIXI + 'export function f(list: Point[]) { points.return(list[0]!); points.return(list[0]!); }',
      errors: [{ messageId: 'doubleRelease' }],
    },
    {
      // A parameter returned twice.
      code: PIXI + 'export function f(m: object) { matrixPool.return(m); matrixPool.return(m); }',
      errors: [{ messageId: 'doubleRelease' }],
    },
    {
      // In a loop: the same object returned on every iteration.
      code: PIXI + 'export function f(n: number) { const p = points.get(); for (let i = 0; i < n; i++) points.return(p); }',
      errors: [{ messageId: 'doubleRelease' }],
    },
  ],
});

runRuleTests('no-leaked-arena', leakRule, {
  // Not giving back is not a leak for pixi.js (mustRelease: false), and its pools need no destroy.
  valid: [
    PIXI + 'export function f() { const m = matrixPool.get(); m.tx = 1; }',
    "import { Pool } from 'pixi.js';\nexport function f() { const pool = new Pool(class { x = 0; }); return pool.get().x; }",
  ],
  invalid: [],
});

runRuleTests('require-alloc-tag', tagRule, {
  valid: [PIXI + 'export function f() { const p = points.get(); points.return(p); }'],
  invalid: [],
});
