// The built-in `pg` description, zero config: `const client = await pool.connect()` is released
// with `client.release()` (or `release(err)`) exactly once on every path, a throwing call
// included, or handed on; never used after its release; `pool.query()` needs nothing.
import leakRule from '../../rules/no-leaked-arena.js';
import mixedRule from '../../rules/no-mixed-ownership.js';
import useRule from '../../rules/no-use-after-reset.js';
import tagRule from '../../rules/require-alloc-tag.js';
import { runRuleTests } from '../fixtures/rule-tester.js';

const PG = "import { Pool } from 'pg';\nconst pool = new Pool();\n";

runRuleTests('no-leaked-arena', leakRule, {
  valid: [
    // Released in a `finally`.
    PG + "export async function f() { const client = await pool.connect(); try { await client.query('x'); } finally { client.release(); } }",
    // Released with the error in a `catch` that rethrows, and after the `try` otherwise.
    PG +
      "export async function f() { const client = await pool.connect(); try { await client.query('x'); } catch (e) { client.release(e as Error); throw e; } client.release(); }",
    // `pool.query()` checks a client out and back in by itself.
    PG + "export async function f() { return pool.query('select 1'); }",
    // Handed on: returned to the caller (a helper), stored in a field, in an outer variable.
    PG + 'export async function checkout() { const client = await pool.connect(); return client; }',
    PG + 'export async function checkout() { return pool.connect(); }',
    PG + 'export class Repo { client: unknown; async open() { const client = await pool.connect(); this.client = client; } }',
    PG + 'let current: unknown; export async function open() { const client = await pool.connect(); current = client; }',
    // `let client` declared before the `try`, released (if set) in the `finally`.
    PG + "export async function f() { let client; try { client = await pool.connect(); await client.query('x'); } finally { client?.release(); } }",
    PG + "export async function f() { let client = null; try { client = await pool.connect(); await client.query('x'); } finally { if (client) client.release(); } }",
    // Passed to a function while borrowed, inside a `finally`-protected block; closures run inline.
    PG + 'declare function migrate(c: unknown): Promise<void>;\nexport async function f() { const client = await pool.connect(); try { await migrate(client); } finally { client.release(); } }',
    PG + 'export async function f(items: string[]) { const client = await pool.connect(); try { await Promise.all(items.map((i) => client.query(i))); } finally { client.release(); } }',
    // In a loop, each iteration releases its own client.
    PG + 'export async function f(items: string[]) { for (const item of items) { const client = await pool.connect(); try { await client.query(item); } finally { client.release(); } } }',
    // Callback style: the client goes to the callback, which is not followed.
    PG + 'export function f() { pool.connect((err, client, done) => { if (err) throw err; void client; done(); }); }',
    // A `using` arena of this runtime beside a pg client in the same function.
    "import { createArena } from 'eslint-plugin-arena/runtime';\n" +
      PG +
      "export async function f() { using scratch = createArena(64, 'scratch'); const client = await pool.connect(); try { await client.query('x'); scratch.alloc(8); } finally { client.release(); } }",
    // Released in a callback that runs later: not followed, nothing reported (precision first).
    PG + 'export async function f() { const client = await pool.connect(); setTimeout(() => client.release(), 10); }',
    PG + 'export function f() { return pool.connect().then((client) => { client.release(); }); }',
    // The callback form lends the client to the callback, which releases it: nothing is acquired here.
    PG +
      "export function f() { pool.connect((err: Error | undefined, client: { query(q: string): Promise<unknown> } | undefined, release: () => void) => { if (!client) return; void client.query('LISTEN x').finally(release); }); }",
    PG + 'function onClient(err: unknown, client: unknown, release: () => void): void { release(); }\nexport function f() { pool.connect(onClient); }',
    PG + 'const onClient = (err: unknown, client: unknown, release: () => void): void => { release(); };\nexport function f() { pool.connect(onClient); }',
    // Released before any call can throw; standard calls that do not throw in practice are not counted.
    PG + 'export async function f() { const client = await pool.connect(); client.release(); }',
    PG + "export async function f() { const client = await pool.connect(); const start = Date.now(); console.log('checked out'); try { await client.query('x'); } finally { client.release(); } return Date.now() - start; }",
    // An alias of the client is not followed by the leak check (nothing reported).
    PG + "export async function f() { const client = await pool.connect(); const c = client; await c.query('x'); c.release(); }",
    // The default import and a namespace: `new pg.Pool()`.
    "import pg from 'pg';\nconst pool = new pg.Pool();\nexport async function f() { const c = await pool.connect(); try { await c.query('x'); } finally { c.release(); } }",
    // A pool made in a function is not required to be ended (mustDestroy: false), nor advised `using`.
    "import { Pool } from 'pg';\nexport async function f() { const pool = new Pool(); await pool.query('x'); }",
    // Looks like a pool, is not `pg`'s: a local class named Pool, a module that is not imported.
    "class Pool { async connect() { return { query: async (_: string) => 0, release() {} }; } }\nconst pool = new Pool();\nexport async function f() { const client = await pool.connect(); await client.query('x'); }",
    "declare const pool: { connect(): Promise<{ query(s: string): Promise<void>; release(): void }> };\nexport async function f() { const client = await pool.connect(); await client.query('x'); }",
    "import { Pool } from 'not-pg';\nconst pool = new Pool();\nexport async function f() { const client = await pool.connect(); await client.query('x'); }",
    // A `Pool` parameter type from pg: its clients are judged too (correct code here).
    "import { Pool } from 'pg';\nexport async function f(pool: Pool) { const client = await pool.connect(); try { return await client.query('x'); } finally { client.release(); } }",
  ],
  invalid: [
    {
      // The query throws: release() is never reached. The suggestion moves it into a `finally`.
      code: PG + "export async function f() {\n  const client = await pool.connect();\n  await client.query('x');\n  await client.query('y');\n  client.release();\n}",
      errors: [
        {
          messageId: 'releaseSkippedOnThrow',
          data: { name: 'client', owner: 'pool', library: 'pg', call: 'pool.connect', thrower: 'await client.query()', line: 5 },
          suggestions: [
            {
              messageId: 'moveReleaseToFinally',
              data: { name: 'client', release: 'client.release()' },
              output:
                PG +
                "export async function f() {\n  const client = await pool.connect();\n  try {\n    await client.query('x');\n    await client.query('y');\n  } finally {\n    client.release();\n  }\n}",
            },
          ],
        },
      ],
    },
    {
      // A name declared in between is used after the release: no suggestion (it would leave scope).
      code: PG + "export async function f() { const c = await pool.connect(); const { rows } = await c.query('x'); c.release(); return rows; }",
      errors: [{ messageId: 'releaseSkippedOnThrow', suggestions: [] }],
    },
    {
      // An annotated pg Pool parameter.
      code: "import { Pool } from 'pg';\nexport async function f(pool: Pool) { const client = await pool.connect(); await client.query('x'); client.release(); }",
      errors: [
        {
          messageId: 'releaseSkippedOnThrow',
          suggestions: [
            {
              messageId: 'moveReleaseToFinally',
              output:
                "import { Pool } from 'pg';\nexport async function f(pool: Pool) { const client = await pool.connect(); try {\n  await client.query('x');\n} finally {\n  client.release();\n} }",
            },
          ],
        },
      ],
    },
    {
      // A catch that swallows the error, with the client declared inside the `try`: it leaks.
      code: PG + "export async function f() { try { const client = await pool.connect(); await client.query('x'); client.release(); } catch (e) { console.error(e); } }",
      errors: [
        {
          messageId: 'releaseSkippedOnThrow',
          suggestions: [
            {
              messageId: 'moveReleaseToFinally',
              output:
                PG +
                "export async function f() { try { const client = await pool.connect(); try {\n  await client.query('x');\n} finally {\n  client.release();\n} } catch (e) { console.error(e); } }",
            },
          ],
        },
      ],
    },
    {
      // A catch that returns without releasing.
      code: PG + "export async function f() { const client = await pool.connect(); try { await client.query('x'); } catch { return null; } client.release(); return 1; }",
      errors: [{ messageId: 'notReleasedOnEveryPath' }],
    },
    {
      // An early return skips the release.
      code: PG + 'export async function f(x: boolean) { const client = await pool.connect(); if (x) return 1; client.release(); return 2; }',
      errors: [{ messageId: 'notReleasedOnEveryPath', data: { name: 'client', owner: 'pool', library: 'pg', call: 'pool.connect' } }],
    },
    {
      // A local function that happens to be called `console.log` is any call: it may throw.
      code: PG + "export async function f() { const console = { log(_: string) { throw new Error('x'); } }; const client = await pool.connect(); console.log('x'); client.release(); }",
      errors: [{ messageId: 'releaseSkippedOnThrow', data: { name: 'client', owner: 'pool', library: 'pg', call: 'pool.connect', thrower: 'console.log()', line: 3 }, suggestions: [{ messageId: 'moveReleaseToFinally', output: PG + "export async function f() { const console = { log(_: string) { throw new Error('x'); } }; const client = await pool.connect(); try {\n  console.log('x');\n} finally {\n  client.release();\n} }" }] }],
    },
    {
      // Never released.
      code: PG + "export async function f() { const client = await pool.connect(); await client.query('x'); }",
      errors: [{ messageId: 'neverReleased', data: { name: 'client', owner: 'pool', library: 'pg', call: 'pool.connect' } }],
    },
    {
      // Acquired and dropped.
      code: PG + 'export async function f() { await pool.connect(); }',
      errors: [{ messageId: 'acquisitionDropped', data: { name: 'pool.connect()', owner: 'pool', library: 'pg', call: 'pool.connect' } }],
    },
    {
      // Aliased import, the `pg-pool` package's default export.
      code: "import PgPool from 'pg-pool';\nconst pool = new PgPool();\nexport async function f() { const c = await pool.connect(); await c.query('x'); c.release(); }",
      errors: [
        {
          messageId: 'releaseSkippedOnThrow',
          suggestions: [
            {
              messageId: 'moveReleaseToFinally',
              output:
                "import PgPool from 'pg-pool';\nconst pool = new PgPool();\nexport async function f() { const c = await pool.connect(); try {\n  await c.query('x');\n} finally {\n  c.release();\n} }",
            },
          ],
        },
      ],
    },
    {
      // In a loop: released only on one branch.
      code: PG + 'export async function f(items: string[]) { for (const item of items) { const client = await pool.connect(); if (item) client.release(); } }',
      errors: [{ messageId: 'notReleasedOnEveryPath' }],
    },
  ],
});

runRuleTests('no-use-after-reset', useRule, {
  valid: [
    PG + "export async function f() { const client = await pool.connect(); try { await client.query('x'); } finally { client.release(); } }",
    // A new client in the same variable on each iteration.
    PG + "export async function f(n: number) { for (let i = 0; i < n; i++) { const client = await pool.connect(); await client.query('x'); client.release(); } }",
    // Testing or copying the reference after release is not a use.
    PG + 'export async function f() { const client = await pool.connect(); client.release(); if (client) return true; return false; }',
  ],
  invalid: [
    {
      code: PG + "export async function f() { const client = await pool.connect(); try { await client.query('x'); } finally { client.release(); } await client.query('y'); }",
      errors: [{ messageId: 'afterRelease', data: { name: 'client', call: 'client.release', line: 3, owner: 'pool', library: 'pg', kind: 'object' } }],
    },
    {
      // Through a `const` alias.
      code: PG + "export async function f() { const client = await pool.connect(); const c = client; c.release(); await client.query('x'); }",
      errors: [{ messageId: 'afterRelease', data: { name: 'client', call: 'c.release', line: 3, owner: 'pool', library: 'pg', kind: 'object' } }],
    },
    {
      // Passing it on after release is a use; `release(err)` counts as the release.
      code: PG + 'declare function log(c: unknown): void;\nexport async function f(e: Error) { const client = await pool.connect(); client.release(e); log(client); }',
      errors: [{ messageId: 'afterRelease' }],
    },
  ],
});

runRuleTests('no-mixed-ownership', mixedRule, {
  valid: [PG + "export async function f(x: boolean) { const client = await pool.connect(); if (x) { client.release(); return; } client.release(); }"],
  invalid: [
    {
      // Released with the error in a catch that does not rethrow, then again after the try.
      code: PG + "export async function f() { const client = await pool.connect(); try { await client.query('x'); } catch (e) { client.release(e as Error); } client.release(); }",
      errors: [{ messageId: 'doubleRelease', data: { arg: 'client', call: 'client.release', first: 'client.release', line: 3, library: 'pg' } }],
    },
  ],
});

runRuleTests('require-alloc-tag', tagRule, {
  // Memory tags are this runtime's: never asked of pg.
  valid: [PG + "export async function f() { const client = await pool.connect(); try { await client.query('x'); } finally { client.release(); } }"],
  invalid: [],
});
