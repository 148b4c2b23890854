// The built-in `@thi.ng/malloc` description: `malloc`/`calloc` return addresses, `free(addr)`
// ends one, `freeAll()` all of them, `release()` the pool. Use after free or freeAll and double
// free are bugs; an address is a number, so arithmetic on it is no use.
import leakRule from '../../rules/no-leaked-arena.js';
import mixedRule from '../../rules/no-mixed-ownership.js';
import useRule from '../../rules/no-use-after-reset.js';
import tagRule from '../../rules/require-alloc-tag.js';
import { runRuleTests } from '../fixtures/rule-tester.js';

const MP = "import { MemPool } from '@thi.ng/malloc';\nconst pool = new MemPool({ size: 0x1000 });\n";

runRuleTests('no-use-after-reset', useRule, {
  valid: [
    MP + 'export function f() { const a = pool.malloc(16); pool.realloc(a, 32); pool.free(a); }',
    // Arithmetic and logging after free read no memory.
    MP + 'export function f() { const a = pool.malloc(16); pool.free(a); const end = a + 16; console.log(a, end); }',
    // A new address in the same variable.
    MP + 'export function f() { let a = pool.malloc(16); pool.free(a); a = pool.malloc(8); pool.realloc(a, 16); }',
    // A look-alike MemPool.
    'class MemPool { malloc(n: number) { return n; } free(_: number) {} realloc(a: number, _: number) { return a; } }\nconst pool = new MemPool();\nexport function f() { const a = pool.malloc(16); pool.free(a); pool.realloc(a, 8); }',
  ],
  invalid: [
    {
      code: MP + 'export function f() { const a = pool.malloc(16); pool.free(a); pool.realloc(a, 32); }',
      errors: [{ messageId: 'afterRelease', data: { name: 'a', call: 'pool.free', line: 3, owner: 'pool', library: '@thi.ng/malloc', kind: 'address' } }],
    },
    {
      code: MP + 'export function f() { const a = pool.calloc(16); pool.freeAll(); pool.realloc(a, 32); }',
      errors: [{ messageId: 'afterReleaseAll', data: { name: 'a', call: 'pool.freeAll', line: 3, owner: 'pool', library: '@thi.ng/malloc', kind: 'address' } }],
    },
    {
      // Namespace import; a released pool cannot be used any more (freeing into it included).
      code: "import * as malloc from '@thi.ng/malloc';\nexport function f() { const pool = new malloc.MemPool({ size: 256 }); const a = pool.malloc(8); pool.release(); pool.free(a); }",
      errors: [{ messageId: 'ownerAfterEnd', data: { owner: 'pool', method: 'free', call: 'pool.release', line: 2, library: '@thi.ng/malloc' } }],
    },
  ],
});

runRuleTests('no-mixed-ownership', mixedRule, {
  valid: [MP + 'export function f(c: boolean) { const a = pool.malloc(16); if (c) { pool.free(a); return; } pool.free(a); }'],
  invalid: [
    {
      code: MP + 'export function f() { const a = pool.malloc(16); pool.free(a); pool.free(a); }',
      errors: [{ messageId: 'doubleRelease', data: { arg: 'a', call: 'pool.free', first: 'pool.free', line: 3, library: '@thi.ng/malloc' } }],
    },
    {
      // An address received as a parameter, freed twice.
      code: MP + 'export function f(a: number) { pool.free(a); pool.free(a); }',
      errors: [{ messageId: 'doubleRelease' }],
    },
  ],
});

runRuleTests('no-leaked-arena', leakRule, {
  // Not freeing is not reported (mustRelease: false), nor a pool left to the GC (mustDestroy: false).
  valid: [MP + 'export function f() { const a = pool.malloc(16); return a; }', "import { MemPool } from '@thi.ng/malloc';\nexport function f() { const p = new MemPool({ size: 64 }); p.malloc(8); }"],
  invalid: [],
});

runRuleTests('require-alloc-tag', tagRule, {
  valid: [MP + 'export function f() { const a = pool.malloc(16); pool.free(a); }'],
  invalid: [],
});
