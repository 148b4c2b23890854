// The built-in `typeorm` description: `const qr = dataSource.createQueryRunner()` is given back
// with `qr.release()` on every path, like a `pg` client.
import leakRule from '../../rules/no-leaked-arena.js';
import mixedRule from '../../rules/no-mixed-ownership.js';
import useRule from '../../rules/no-use-after-reset.js';
import { runRuleTests } from '../fixtures/rule-tester.js';

const TO = "import { DataSource } from 'typeorm';\nconst dataSource = new DataSource({ type: 'postgres' } as never);\n";

runRuleTests('no-leaked-arena', leakRule, {
  valid: [
    // The documented transaction shape, with connect() inside the protected block.
    TO +
      'export async function f() { const qr = dataSource.createQueryRunner(); try { await qr.connect(); await qr.startTransaction(); await qr.commitTransaction(); } catch (e) { await qr.rollbackTransaction(); throw e; } finally { await qr.release(); } }',
    // connect() before the try: when it throws the runner took no connection, so nothing leaks.
    TO +
      'export async function f() { const qr = dataSource.createQueryRunner(); await qr.connect(); try { await qr.startTransaction(); await qr.commitTransaction(); } catch (e) { await qr.rollbackTransaction(); throw e; } finally { await qr.release(); } }',
    // Handed on.
    TO + 'export function runner() { const qr = dataSource.createQueryRunner(); return qr; }',
    TO + 'export class Unit { qr: unknown; open() { this.qr = dataSource.createQueryRunner(); } }',
    // A DataSource parameter typed from typeorm.
    "import type { DataSource } from 'typeorm';\nexport async function f(ds: DataSource) { const qr = ds.createQueryRunner(); try { await qr.query('x'); } finally { await qr.release(); } }",
    // Not typeorm's DataSource.
    "class DataSource { createQueryRunner() { return { query: async (_: string) => 0, release: async () => {} }; } }\nconst ds = new DataSource();\nexport async function f() { const qr = ds.createQueryRunner(); await qr.query('x'); }",
  ],
  invalid: [
    {
      // The query throws after connect() took a connection: the runner keeps it. The message names
      // the query, not connect(), which takes nothing when it throws.
      code: TO + "export async function f() { const qr = dataSource.createQueryRunner(); await qr.connect(); await qr.query('x'); await qr.release(); }",
      errors: [
        {
          messageId: 'releaseSkippedOnThrow',
          data: { name: 'qr', owner: 'dataSource', library: 'typeorm', call: 'dataSource.createQueryRunner', thrower: 'await qr.query()', line: 3 },
          suggestions: [
            {
              messageId: 'moveReleaseToFinally',
              output: TO + "export async function f() { const qr = dataSource.createQueryRunner(); try {\n  await qr.connect(); await qr.query('x');\n} finally {\n  await qr.release();\n} }",
            },
          ],
        },
      ],
    },
    {
      code: TO + "export async function f() { const qr = dataSource.createQueryRunner(); await qr.query('x'); }",
      errors: [{ messageId: 'neverReleased' }],
    },
    {
      // The documented shape with startTransaction() before the try: when BEGIN fails the runner
      // keeps the connection connect() took.
      code:
        TO +
        'export async function f() { const qr = dataSource.createQueryRunner(); await qr.connect(); await qr.startTransaction(); try { await qr.commitTransaction(); } catch (e) { await qr.rollbackTransaction(); throw e; } finally { await qr.release(); } }',
      errors: [{ messageId: 'releaseSkippedOnThrow', data: { name: 'qr', owner: 'dataSource', library: 'typeorm', call: 'dataSource.createQueryRunner', thrower: 'await qr.startTransaction()', line: 3 } }],
    },
  ],
});

runRuleTests('no-use-after-reset', useRule, {
  valid: [TO + "export async function f() { const qr = dataSource.createQueryRunner(); try { await qr.query('x'); } finally { await qr.release(); } }"],
  invalid: [
    {
      code: TO + "export async function f() { const qr = dataSource.createQueryRunner(); try { await qr.query('x'); } finally { await qr.release(); } return qr.manager; }",
      errors: [{ messageId: 'afterRelease', data: { name: 'qr', call: 'qr.release', line: 3, owner: 'dataSource', library: 'typeorm', kind: 'object' } }],
    },
  ],
});

runRuleTests('no-mixed-ownership', mixedRule, {
  valid: [],
  invalid: [
    {
      code: TO + "export async function f() { const qr = dataSource.createQueryRunner(); try { await qr.query('x'); } finally { await qr.release(); } await qr.release(); }",
      errors: [{ messageId: 'doubleRelease' }],
    },
  ],
});
