// Type-aware mode: with a TypeScript program, values typed as the runtime's Arena/Pool are owners
// even when the rules cannot see where they were created.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as tsParser from '@typescript-eslint/parser';
import type { TSESTree } from '@typescript-eslint/utils';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import noMixedOwnership from '../../rules/no-mixed-ownership.js';
import noUseAfterReset from '../../rules/no-use-after-reset.js';
import { useOwnership } from '../../src/ownership.js';
import { typeOwnerLookup } from '../../src/typed-owners.js';
import { runRuleTests } from '../fixtures/rule-tester.js';

const fixtureDirectory = fileURLToPath(new URL('./typed/', import.meta.url));
// typescript-eslint switches to its single-run program when CI=true; under it TypeScript throws inside
// getLocalModuleSpecifier during these lookups (not yet understood, see the closing note of stop 7),
// so the fixtures ask for the ordinary program in CI and locally alike.
const typed = {
  filename: 'file.ts',
  languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: fixtureDirectory, disallowAutomaticSingleRunInference: true } },
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

/** A package (test/src/typed/packages/fake-pool, reached through tsconfig paths) whose `Pool` type makes owners. */
const FAKE_POOL = {
  name: 'fake',
  module: 'fake-pool',
  owners: [{ from: 'type', type: { from: 'package', package: 'fake-pool', name: 'Pool' } }],
  acquisition: 'object',
  methods: { acquire: ['get'], release: ['return'] },
};

// The lookup itself: which description a value's type belongs to, by declaration.
describe('typeOwnerLookup: type specifiers', () => {
  const descriptions = {
    builtins: false,
    allocators: [
      FAKE_POOL,
      // Listed first: were globs ignored, it would claim OwnPool before 'own' does.
      {
        name: 'buffers',
        module: 'buffers',
        owners: [{ from: 'type', type: { from: 'lib', name: 'SharedArrayBuffer' } }],
      },
      {
        name: 'elsewhere',
        module: 'other',
        owners: [{ from: 'type', type: { from: 'file', path: 'src/**', name: 'OwnPool' } }],
      },
      {
        name: 'own',
        module: { path: 'test/src/typed/own-pool.ts' },
        owners: [{ from: 'type', type: { from: 'file', path: 'test/src/typed/own-*.ts', name: 'OwnPool' } }],
        methods: { acquire: ['take'], release: ['giveBack'] },
      },
    ],
  };

  /** `name -> description` for every `const` of the code but `ctx`, looked up with type information. */
  function lookup(code: string): Record<string, string | null> {
    const found: Record<string, string | null> = {};
    const rule = {
      meta: { type: 'problem' as const, schema: [] },
      create(context: unknown) {
        const typed = typeOwnerLookup(context as Parameters<typeof typeOwnerLookup>[0]);
        return {
          VariableDeclarator(node: TSESTree.VariableDeclarator) {
            if (node.id.type === 'Identifier' && node.id.name !== 'ctx') found[node.id.name] = typed ? (typed(node.id)?.name ?? null) : 'no type information';
          },
        };
      },
    };
    const messages = new Linter({ configType: 'flat' }).verify(
      code,
      [
        {
          files: ['**/*.ts'],
          languageOptions: { parser: tsParser as unknown as Linter.Parser, parserOptions: { project: './tsconfig.json', tsconfigRootDir: fixtureDirectory, disallowAutomaticSingleRunInference: true } },
          plugins: { probe: { rules: { probe: rule } } },
          rules: { 'probe/probe': 'error' },
          settings: { arena: descriptions },
        },
      ],
      join(fixtureDirectory, 'file.ts'),
    );
    const fatal = messages.find((message) => message.fatal);
    if (fatal) throw new Error(fatal.message);
    return found;
  }

  it('recognises the runtime under both package names, and a package type wherever paths resolve it', () => {
    expect(
      lookup(`import type { Arena } from 'eslint-plugin-arena/runtime';
import type { Arena as SplitArena, Pool as RtPool } from 'arena-runtime';
import type { Pool } from 'fake-pool';
declare const ctx: { a: Arena; b: SplitArena; p: Pool; maybe: Pool | null; rt: RtPool; mixed: Pool | RtPool };
const a = ctx.a; const b = ctx.b; const p = ctx.p; const maybe = ctx.maybe; const rt = ctx.rt; const mixed = ctx.mixed;`),
    ).toEqual({
      a: 'arena-runtime (arena)',
      b: 'arena-runtime (arena)',
      p: 'fake',
      maybe: 'fake',
      rt: 'arena-runtime (pool)',
      // A union of two different owner types is no single owner.
      mixed: null,
    });
  });

  it('ignores look-alikes: the same names declared in the linted file', () => {
    expect(
      lookup(`interface Arena { alloc(n: number): number }
declare class Pool { get(): object }
interface OwnPool { take(): number }
declare const ctx: { a: Arena; p: Pool; o: OwnPool };
const a = ctx.a; const p = ctx.p; const o = ctx.o;`),
    ).toEqual({ a: null, p: null, o: null });
  });

  it("finds a type of TypeScript's lib files by { from: 'lib' }, not a local one of the same name", () => {
    expect(
      lookup(`declare const ctx: { s: SharedArrayBuffer };
const s = ctx.s;`),
    ).toEqual({ s: 'buffers' });
    expect(lookup(`interface SharedArrayBuffer { local: true }
declare const ctx: { s: SharedArrayBuffer };
const s = ctx.s;
export {};`)).toEqual({ s: null });
  });

  it("finds a project's own type by { from: 'file' } with a path glob, and not by another glob", () => {
    expect(lookup(`import type { OwnPool } from './own-pool';\ndeclare const ctx: { o: OwnPool };\nconst o = ctx.o;`)).toEqual({ o: 'own' });
  });
});

describe('type-aware owners imported from another module', () => {
  it('an imported value of a described type is a module-level owner; other imports are not', () => {
    let owners: string[] = [];
    const rule = {
      meta: { type: 'problem' as const, schema: [] },
      create: (context: unknown) =>
        useOwnership(context as Parameters<typeof useOwnership>[0], (model) => {
          owners = model.owners.map((owner) => `${owner.name}:${owner.scoping}:${owner.protocol.name}`);
        }),
    };
    const messages = new Linter({ configType: 'flat' }).verify(
      `import { shared, notAPool } from './shared';\nimport { Pool } from 'fake-pool';\nexport function f() { const item = shared.get(); shared.return(item); return notAPool.get() + (Pool ? 1 : 0); }`,
      [
        {
          files: ['**/*.ts'],
          languageOptions: { parser: tsParser as unknown as Linter.Parser, parserOptions: { project: './tsconfig.json', tsconfigRootDir: fixtureDirectory, disallowAutomaticSingleRunInference: true } },
          plugins: { probe: { rules: { probe: rule as never } } },
          rules: { 'probe/probe': 'error' },
          settings: {
            arena: {
              allocators: [FAKE_POOL],
            },
          },
        },
      ],
      join(fixtureDirectory, 'file.ts'),
    );
    expect(messages.filter((message) => message.fatal)).toEqual([]);
    expect(owners).toEqual(['shared:module:fake']);
  });
});
