// The built-in `generic-pool` description: `await pool.acquire()` is given back by
// `pool.release(r)` or `pool.destroy(r)` exactly once on every path, a throwing call included.
import leakRule from '../../rules/no-leaked-arena.js';
import mixedRule from '../../rules/no-mixed-ownership.js';
import useRule from '../../rules/no-use-after-reset.js';
import tagRule from '../../rules/require-alloc-tag.js';
import { runRuleTests } from '../fixtures/rule-tester.js';

const GP =
  "import { createPool } from 'generic-pool';\nconst pool = createPool({ create: async () => ({ n: 0 }), destroy: async () => {} });\ndeclare function use(r: unknown): Promise<void>;\n";

runRuleTests('no-leaked-arena', leakRule, {
  valid: [
    GP + 'export async function f() { const r = await pool.acquire(); try { await use(r); } finally { await pool.release(r); } }',
    // destroy(r) gives it back too (a broken resource).
    GP + 'export async function f() { const r = await pool.acquire(); try { await use(r); } catch (e) { await pool.destroy(r); throw e; } await pool.release(r); }',
    // Destroyed when broken, released otherwise, in a finally guarded by a test of the variable.
    GP +
      'export async function f() { let r; try { r = await pool.acquire(); return await use(r); } finally { if (r) { if ((r as { broken?: boolean }).broken) { await pool.destroy(r); } else { await pool.release(r); } } } }',
    // Handed to the caller.
    GP + 'export async function borrow() { const r = await pool.acquire(); return r; }',
    // Namespace import and a `new Pool`.
    "import * as gp from 'generic-pool';\nconst pool = gp.createPool({ create: async () => 1, destroy: async () => {} });\nexport async function f() { const r = await pool.acquire(); try { await Promise.resolve(r); } finally { await pool.release(r); } }",
    // The pool itself need not be drained in the function that made it (mustDestroy: false).
    "import { createPool } from 'generic-pool';\nexport function make() { const pool = createPool({ create: async () => 1, destroy: async () => {} }); void pool; }",
    // A look-alike: `createPool` from another module, a local function named createPool.
    "import { createPool } from 'other-pool';\nconst pool = createPool();\nexport async function f() { const r = await pool.acquire(); void r; }",
    'function createPool() { return { acquire: async () => 1, release: async (_: number) => {} }; }\nconst pool = createPool();\nexport async function f() { const r = await pool.acquire(); void r; }',
  ],
  invalid: [
    {
      // Only the broken branch gives it back.
      code: GP + 'export async function f() { let r; try { r = await pool.acquire(); return await use(r); } finally { if (r) { if ((r as { broken?: boolean }).broken) { await pool.destroy(r); } } } }',
      errors: [{ messageId: 'notReleasedOnEveryPath' }],
    },
    {
      code: GP + 'export async function f() {\n  const r = await pool.acquire();\n  await use(r);\n  await pool.release(r);\n}',
      errors: [
        {
          messageId: 'releaseSkippedOnThrow',
          data: { name: 'r', owner: 'pool', library: 'generic-pool', call: 'pool.acquire', thrower: 'await use()', line: 6 },
          suggestions: [
            {
              messageId: 'moveReleaseToFinally',
              data: { name: 'r', release: 'pool.release(r)' },
              output: GP + 'export async function f() {\n  const r = await pool.acquire();\n  try {\n    await use(r);\n  } finally {\n    await pool.release(r);\n  }\n}',
            },
          ],
        },
      ],
    },
    {
      code: GP + 'export async function f() { const r = await pool.acquire(); await use(r); }',
      errors: [{ messageId: 'neverReleased', data: { name: 'r', owner: 'pool', library: 'generic-pool', call: 'pool.acquire' } }],
    },
    {
      code: GP + 'export async function f(x: boolean) { const r = await pool.acquire(); if (x) throw new Error("no"); await pool.release(r); }',
      errors: [{ messageId: 'notReleasedOnEveryPath' }],
    },
  ],
});

runRuleTests('no-mixed-ownership', mixedRule, {
  valid: [GP + 'export async function f() { const r = await pool.acquire(); try { await use(r); } finally { await pool.release(r); } }'],
  invalid: [
    {
      // Released, then destroyed: given back twice.
      code: GP + 'export async function f() { const r = await pool.acquire(); try { await use(r); } finally { await pool.release(r); } await pool.destroy(r); }',
      errors: [{ messageId: 'doubleRelease', data: { arg: 'r', call: 'pool.destroy', first: 'pool.release', line: 4, library: 'generic-pool' } }],
    },
    {
      // Given back to the wrong pool (both made in this file).
      code:
        "import { createPool } from 'generic-pool';\nconst a = createPool({ create: async () => 1, destroy: async () => {} });\nconst b = createPool({ create: async () => 2, destroy: async () => {} });\nexport async function f() { const r = await a.acquire(); await b.release(r); }",
      errors: [{ messageId: 'foreignRelease', data: { arg: 'r', owner: 'a', call: 'b.release', library: 'generic-pool', kind: 'pool' } }],
    },
  ],
});

// A pool kept in a field annotated with generic-pool's type, made elsewhere (exasol-driver-ts style).
const FIELD =
  "import type { Pool } from 'generic-pool';\ndeclare function use(r: unknown): Promise<void>;\nexport class Driver {\n  private readonly internalPool: Pool<{ n: number }>;\n  constructor(pool: Pool<{ n: number }>) { this.internalPool = pool; }\n";

runRuleTests('no-use-after-reset', useRule, {
  valid: [
    GP + 'export async function f() { const r = await pool.acquire(); await use(r); await pool.release(r); }',
    FIELD + '  async run() { const r = await this.internalPool.acquire(); await use(r); await this.internalPool.release(r); }\n}',
    // Reassigned outside the constructor: which pool the field holds is not followed.
    "import type { Pool } from 'generic-pool';\ndeclare function use(r: unknown): Promise<void>;\nexport class Driver {\n  private internalPool: Pool<{ n: number }>;\n  constructor(pool: Pool<{ n: number }>) { this.internalPool = pool; }\n  swap(pool: Pool<{ n: number }>) { this.internalPool = pool; }\n  async run() { const r = await this.internalPool.acquire(); await this.internalPool.release(r); await use(r); }\n}",
  ],
  invalid: [
    {
      code: FIELD + '  async run() { const r = await this.internalPool.acquire(); await this.internalPool.release(r); await use(r); }\n}',
      errors: [{ messageId: 'afterRelease', data: { name: 'r', call: 'this.internalPool.release', line: 6, owner: 'this.internalPool', library: 'generic-pool', kind: 'object' } }],
    },
    {
      code: GP + 'export async function f() { const r = await pool.acquire(); await pool.release(r); await use(r); }',
      errors: [{ messageId: 'afterRelease', data: { name: 'r', call: 'pool.release', line: 4, owner: 'pool', library: 'generic-pool', kind: 'object' } }],
    },
    {
      // A resource received as a parameter: released, then used.
      code: GP + 'export async function f(r: { n: number }) { await pool.release(r); return r.n; }',
      errors: [{ messageId: 'afterRelease' }],
    },
  ],
});

runRuleTests('require-alloc-tag', tagRule, {
  valid: [GP + 'export async function f() { const r = await pool.acquire(); await pool.release(r); }'],
  invalid: [],
});
