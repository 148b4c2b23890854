// Type-aware mode: with a TypeScript program, values typed as the runtime's Arena/Pool are owners
// even when the rules cannot see where they were created.
import { fileURLToPath } from 'node:url';
import noMixedOwnership from '../../rules/no-mixed-ownership.js';
import noUseAfterReset from '../../rules/no-use-after-reset.js';
import { runRuleTests } from '../fixtures/rule-tester.js';

const fixtureDirectory = fileURLToPath(new URL('./typed/', import.meta.url));
const typed = {
  filename: 'file.ts',
  languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: fixtureDirectory } },
};
const RT = `import { createPool, type Arena, type Pool } from 'eslint-plugin-arena/runtime';\ninterface Context { readonly arena: Arena; readonly pool: Pool | null }\ntype Scratch = Arena;\n`;

runRuleTests('no-use-after-reset (typed)', noUseAfterReset, {
  valid: [
    { ...typed, code: RT + `export function f(ctx: Context) { const arena = ctx.arena; const h = arena.alloc(8); arena.bytes(h); arena.reset(); }` },
    // Same code without a program: `ctx.arena` is not known to be an arena, nothing is reported.
    { code: RT + `export function f(ctx: Context) { const arena = ctx.arena; const h = arena.alloc(8); arena.reset(); arena.bytes(h); }` },
    // A look-alike type with the same name, not the runtime's.
    {
      ...typed,
      code: `import { createPool } from 'eslint-plugin-arena/runtime';\ninterface Arena { alloc(n: number): number; reset(): void; bytes(h: number): number[] }\nexport function f(ctx: { arena: Arena }) { const arena = ctx.arena; const h = arena.alloc(8); arena.reset(); arena.bytes(h); createPool; }`,
    },
  ],
  invalid: [
    {
      ...typed,
      code: RT + `export function f(ctx: Context) { const arena = ctx.arena; const h = arena.alloc(8); arena.reset(); arena.bytes(h); }`,
      errors: [{ messageId: 'afterReset' }],
    },
    {
      // An alias type of Arena, which the syntactic check cannot see through.
      ...typed,
      code: RT + `export function f(scratch: Scratch) { const v = scratch.bytes(scratch.alloc(8)); scratch.reset(); v[0] = 1; }`,
      errors: [{ messageId: 'afterReset' }],
    },
  ],
});

runRuleTests('no-mixed-ownership (typed)', noMixedOwnership, {
  valid: [{ ...typed, code: RT + `export function f(ctx: Context) { const pool = ctx.pool!; const h = pool.alloc()!; pool.free(h); }` }],
  invalid: [
    {
      ...typed,
      code: RT + `export function f(ctx: Context) { const mine = createPool(16, 4, 'mine'); const theirs = ctx.pool; const h = mine.alloc()!; theirs?.free(h); }`,
      errors: [{ messageId: 'foreignFree' }],
    },
    {
      ...typed,
      code: RT + `export function f(ctx: Context) { const pool = ctx.pool!; const h = pool.alloc()!; pool.free(h); pool.free(h); }`,
      errors: [{ messageId: 'doubleFree' }],
    },
  ],
});
