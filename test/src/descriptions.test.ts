// Allocator descriptions as the rules' API reads them: which imports match (packages, subpaths,
// path globs through relative imports and tsconfig `paths`), where owners come from (factory
// calls, `new`, imported singletons, annotations), and that method names stay with their
// description. Includes code that only looks like a pool.
import { join } from 'node:path';

import * as tsParser from '@typescript-eslint/parser';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { Linter } from 'eslint';
import { describe, expect, it, vi } from 'vitest';

import { debugReport, getAllocatorApi, type AllocatorApi } from '../../src/allocators.js';
import plugin from '../../src/index.js';
import { clearModuleResolutionCache } from '../../src/module-resolution.js';
import { useOwnership, type OwnershipModel } from '../../src/ownership.js';
import { probe, type ProbeContext } from './probe.js';
import { temporaryProjects } from './temp-project.js';

const project = temporaryProjects('arena-descriptions-');

/** Lints `code` as `filename` (relative to `cwd`) with one ad-hoc rule; `settings` is `settings.arena`. */
function run(
  code: string,
  create: (context: ProbeContext) => TSESLint.RuleListener,
  options: { settings?: unknown; filename?: string; cwd?: string } = {},
): void {
  probe(code, create, options.settings === undefined ? {} : { arena: options.settings }, options);
}

interface Creation {
  readonly text: string;
  readonly description: string | null;
}

/** Every call and `new` with the description it creates an owner of; plus the file's API. */
function creations(code: string, options: { settings?: unknown; filename?: string; cwd?: string } = {}): { found: Creation[]; api: AllocatorApi; instances: string[] } {
  const found: Creation[] = [];
  let api: AllocatorApi | undefined;
  run(
    code,
    (context) => {
      api = getAllocatorApi(context);
      const record = (node: TSESTree.CallExpression | TSESTree.NewExpression): void => {
        found.push({ text: context.sourceCode.getText(node.callee), description: getAllocatorApi(context).creationOf(node)?.name ?? null });
      };
      return { CallExpression: record, NewExpression: record };
    },
    options,
  );
  if (!api) throw new Error('rule did not run');
  return { found, api, instances: api.instanceOwners().map((instance) => `${instance.identifier.name}:${instance.description.name}`) };
}

describe('built-in descriptions: owners of well-known libraries', () => {
  it('pg: new Pool() through named, default (CommonJS) and namespace imports, pg-pool default export, require', () => {
    const { found, api } = creations(`
      import { Pool } from 'pg';
      import pg from 'pg';
      import * as pgns from 'pg';
      import PgPool from 'pg-pool';
      const { Pool: Required } = require('pg');
      new Pool(); new pg.Pool(); new pgns.Pool(); new PgPool(); new Required(); new pg.Client();
    `);
    expect(found.map((entry) => [entry.text, entry.description])).toEqual([
      ['require', null],
      ['Pool', 'pg'],
      ['pg.Pool', 'pg'],
      ['pgns.Pool', 'pg'],
      ['PgPool', 'pg'],
      ['Required', 'pg'],
      ['pg.Client', null],
    ]);
    expect(api.descriptions.map((description) => description.name)).toEqual(['pg']);
  });

  it('generic-pool, typeorm and @thi.ng/malloc, including subpath imports of the package', () => {
    const { found } = creations(`
      import { createPool } from 'generic-pool';
      import { DataSource } from 'typeorm';
      import { MemPool } from '@thi.ng/malloc';
      import { Pool as Deep } from 'pg/lib/pool';
      createPool({}, {}); new DataSource({}); new MemPool({}); new Deep();
    `);
    expect(found.map((entry) => entry.description)).toEqual(['generic-pool', 'typeorm', '@thi.ng/malloc', 'pg']);
  });

  it('pixi.js: new Pool(Class) and the imported singletons BigPool, matrixPool, boundsPool', () => {
    const { found, instances } = creations(`
      import { Pool, BigPool, matrixPool, boundsPool as bounds, Texture } from 'pixi.js';
      new Pool(Texture); BigPool.get(Texture); matrixPool.get(); bounds.get();
    `);
    expect(found[0]).toEqual({ text: 'Pool', description: 'pixi.js' });
    expect(instances).toEqual(['BigPool:pixi.js', 'matrixPool:pixi.js', 'bounds:pixi.js']);
  });

  it('code that only looks like a pool: a local class Pool, an unrelated package, a shadowing local', () => {
    const local = creations(`class Pool { connect() {} } const BigPool = new Pool(); new Pool(); BigPool.connect();`);
    expect(local.api.active).toBe(false);
    expect(local.found.every((entry) => entry.description === null)).toBe(true);
    expect(creations(`import { Pool } from 'pgx'; import { Pool as P2 } from 'pg-native'; new Pool(); new P2();`).api.active).toBe(false);
    const shadowed = creations(`import { Pool } from 'pg'; function f(Pool: new () => object) { return new Pool(); } new Pool();`);
    expect(shadowed.found.map((entry) => entry.description)).toEqual([null, 'pg']);
  });

  it('recognises the runtime under both of its package names', () => {
    for (const module of ['eslint-plugin-arena/runtime', 'arena-runtime']) {
      const { found } = creations(`import { createArena } from '${module}'; createArena(64, 'a');`);
      expect(found).toEqual([{ text: 'createArena', description: 'arena-runtime (arena)' }]);
    }
  });
});

describe('user descriptions', () => {
  const slab = {
    name: 'slab',
    module: { path: 'src/utils/pool/**' },
    owners: [
      { from: 'new', name: 'Pool' },
      { from: 'instance', name: 'BigPool' },
    ],
    acquisition: 'object',
    methods: { acquire: ['get'], release: ['return'] },
  };

  it('match a path module by relative import, with or without extension, from any depth', () => {
    const root = project({});
    for (const [file, specifier] of [
      ['src/scene/a.ts', '../utils/pool/PoolGroup'],
      ['src/scene/deep/b.ts', '../../utils/pool/PoolGroup.js'],
      ['src/utils/c.ts', './pool/Pool'],
      ['src/utils/pool/d.ts', './Pool'],
    ] as const) {
      const { found, instances } = creations(`import { Pool, BigPool } from '${specifier}'; new Pool(); BigPool.get();`, {
        settings: { allocators: [slab] },
        filename: join(root, file),
        cwd: root,
      });
      expect(found[0], `${file} importing ${specifier}`).toEqual({ text: 'Pool', description: 'slab' });
      expect(instances).toEqual(['BigPool:slab']);
    }
    // Outside the glob: not the described module.
    const outside = creations(`import { Pool } from '../other/Pool'; new Pool();`, { settings: { allocators: [slab] }, filename: join(root, 'src/scene/e.ts'), cwd: root });
    expect(outside.api.active).toBe(false);
  });

  it('match a path module reached through tsconfig paths (extends followed)', () => {
    const root = project({
      'tsconfig.base.json': JSON.stringify({ compilerOptions: { paths: { '~/*': ['./src/*'], '@pool': ['./src/utils/pool/index.ts'] } } }),
      // Comments and trailing commas, as tsconfig files have them.
      'tsconfig.json': '{\n  // the project\n  "extends": "./tsconfig.base.json",\n  "compilerOptions": { "strict": true, },\n}\n',
    });
    clearModuleResolutionCache();
    for (const specifier of ['~/utils/pool/Pool', '@pool']) {
      const { found } = creations(`import { Pool } from '${specifier}'; new Pool();`, { settings: { allocators: [slab] }, filename: join(root, 'src/scene/a.ts'), cwd: root });
      expect(found[0], specifier).toEqual({ text: 'Pool', description: 'slab' });
    }
    const unmapped = creations(`import { Pool } from '~other/Pool'; new Pool();`, { settings: { allocators: [slab] }, filename: join(root, 'src/scene/a.ts'), cwd: root });
    expect(unmapped.api.active).toBe(false);
  });

  it('follow only the tsconfig paths pattern TypeScript picks: an exact key, else the longest prefix', () => {
    const root = project({
      'tsconfig.json': JSON.stringify({
        compilerOptions: { paths: { '~/*': ['./src/*'], '~/utils/pool/*': ['./vendor/pool/*'], '@*': ['./src/utils/pool/*'], '@pool': ['./vendor/pool.ts'] } },
      }),
    });
    clearModuleResolutionCache();
    const lint = (specifier: string): boolean =>
      creations(`import { Pool } from '${specifier}'; new Pool();`, { settings: { allocators: [slab] }, filename: join(root, 'src/scene/a.ts'), cwd: root }).api.active;
    // `~/utils/pool/*` is longer than `~/*`, and `@pool` is a key of its own: both lead to vendor/, outside the glob.
    expect(lint('~/utils/pool/Pool')).toBe(false);
    expect(lint('@pool')).toBe(false);
    // Still through the shorter patterns when the longer ones do not match.
    expect(lint('~/utils/pool')).toBe(true);
    expect(lint('@Pool')).toBe(true);
  });

  it('with a glob that opens a { it does not close are a settings error naming the glob, not a crash while linting', () => {
    const broken = (path: unknown): unknown => ({ allocators: [{ ...slab, module: { path } }] });
    expect(() => creations(`new Pool();`, { settings: broken('src/{utils,lib/pool/**') })).toThrow(
      /settings\.arena\.allocators\[0\]\.module\.path is not a glob: the glob "src\/\{utils,lib\/pool\/\*\*" opens a \{ it does not close/,
    );
    expect(() => creations(`new Pool();`, { settings: broken(['src/ok/**', 'src/{a']) })).toThrow(/settings\.arena\.allocators\[0\]\.module\.path\[1\] is not a glob/);
    const typed = { name: 't', module: 'm', owners: [{ from: 'type', type: { from: 'file', path: 'src/{x', name: 'T' } }] };
    expect(() => creations(`new Pool();`, { settings: { allocators: [typed] } })).toThrow(/settings\.arena\.allocators\[0\]\.owners\[0\]\.type\.path is not a glob/);
    // Closed braces are alternatives, as before.
    expect(() => creations(`new Pool();`, { settings: broken('src/{utils,lib}/pool/**') })).not.toThrow();
  });

  it('win over a built-in for the same export, and keep the built-in for the rest', () => {
    const mine = { name: 'my-pixi', module: 'pixi.js', owners: [{ from: 'new', name: 'Pool' }], acquisition: 'object', methods: { acquire: ['take'] } };
    const { found, instances } = creations(`import { Pool, BigPool } from 'pixi.js'; new Pool(); BigPool.get();`, { settings: { allocators: [mine] } });
    expect(found[0]).toEqual({ text: 'Pool', description: 'my-pixi' });
    expect(instances).toEqual(['BigPool:pixi.js']);
  });

  it('of the older form still read factories and scoped functions', () => {
    const { found } = creations(`import { makeRegion } from 'my-alloc'; makeRegion();`, { settings: { allocators: [{ module: 'my-alloc', createArena: ['makeRegion'] }] } });
    expect(found).toEqual([{ text: 'makeRegion', description: 'my-alloc (arena)' }]);
  });

  it('annotations with a described type make borrowed owners (syntactic mode)', () => {
    const kinds: Array<string | null> = [];
    run(
      `import type { Pool } from 'pg'; import type { Pool as PixiPool } from 'pixi.js'; interface Local { x: 1 }
       function f(a: Pool, b: PixiPool, c: Local) {}`,
      (context) => ({
        'FunctionDeclaration > Identifier.params'(node: TSESTree.Identifier) {
          kinds.push(getAllocatorApi(context).descriptionOfType(node.typeAnnotation)?.name ?? null);
        },
      }),
    );
    expect(kinds).toEqual(['pg', 'pixi.js', null]);
  });
});

describe('method names are scoped to their description', () => {
  /** Values of the model: `origin text -> kind`, and the events. */
  function model(code: string, settings?: unknown): { values: string[]; events: string[] } {
    let built: OwnershipModel | undefined;
    let text = (node: TSESTree.Node): string => String(node.type);
    run(
      code,
      (context) => {
        text = (node) => context.sourceCode.getText(node);
        return useOwnership(context, (m) => {
          built = m;
        });
      },
      settings === undefined ? {} : { settings },
    );
    if (!built) throw new Error('no model');
    return {
      values: built.values.map((value) => `${text(value.origin)}:${value.kind}`),
      events: built.owners.flatMap((owner) => owner.events.map((event) => `${owner.name}.${event.kind}@${text(event.call)}`)),
    };
  }

  const RUNTIME = `import { createObjectPool } from 'eslint-plugin-arena/runtime';
export function f() { const objects = createObjectPool(() => ({ x: 0 }), 4, 'o'); const h = objects.alloc()!; const o = objects.get(h); objects.free(h); return o.x; }`;

  it("a description of a module the file does not import changes nothing in the runtime's reading", () => {
    const plain = model(RUNTIME);
    expect(plain.values).toEqual(['objects.alloc():handle', 'objects.get(h):object']);
    const withForeign = model(RUNTIME, {
      allocators: [{ name: 'never', module: 'never-imported', owners: [{ from: 'new', name: 'Cache' }], methods: { acquire: ['get'], release: ['alloc'], reset: ['free'] } }],
    });
    expect(withForeign).toEqual(plain);
  });

  it('nor in a file that imports both: each owner is read by its own description', () => {
    const both = model(
      `import { Cache } from 'my-cache';\n${RUNTIME.replace('return o.x; }', 'const c = new Cache(); const e = c.get(1); c.free(e); return o.x; }')}`,
      { allocators: [{ name: 'cache', module: 'my-cache', owners: [{ from: 'new', name: 'Cache' }], acquisition: 'object', methods: { acquire: ['get'], release: ['free'] } }] },
    );
    expect([...both.values].sort()).toEqual(['c.get(1):object', 'objects.alloc():handle', 'objects.get(h):object']);
    expect(both.events).toEqual(['objects.free@objects.free(h)', 'c.free@c.free(e)']);
  });

  it('owners made by `new` in a field, and singletons, yield acquisitions of their own kind', () => {
    const read = model(`import { Pool } from 'pg';
import { BigPool } from 'pixi.js';
import { MemPool } from '@thi.ng/malloc';
class Db {
  private pool = new Pool();
  async one() { const client = await this.pool.connect(); client.release(); }
}
export function draw() { const m = BigPool.get(Object); BigPool.return(m); const mem = new MemPool({}); const a = mem.malloc(8); mem.free(a); mem.freeAll(); }
export { Db };`);
    expect([...read.values].sort()).toEqual(['BigPool.get(Object):object', 'mem.malloc(8):handle', 'this.pool.connect():object']);
    expect(read.events).toEqual(expect.arrayContaining(['BigPool.free@BigPool.return(m)', 'mem.free@mem.free(a)', 'mem.reset@mem.freeAll()', 'this.pool.free@client.release()']));
  });

  it('singletons reached through a namespace or as a default export are owners too', () => {
    const read = model(`import * as PIXI from 'pixi.js';
import pool from './db';
export function draw() { const m = PIXI.BigPool.get(PIXI.Matrix); PIXI.BigPool.return(m); const n = PIXI.matrixPool.get(); void n; PIXI.Pool; }
export async function query() { const client = await pool.connect(); client.release(); }`, {
      allocators: [{ name: 'db', module: { path: '**/db.ts' }, owners: [{ from: 'instance', name: 'default' }], acquisition: 'object', methods: { acquire: ['connect'], releaseSelf: ['release'] }, mustRelease: true }],
    });
    expect([...read.values].sort()).toEqual(['PIXI.BigPool.get(PIXI.Matrix):object', 'PIXI.matrixPool.get():object', 'pool.connect():object']);
    expect(read.events).toEqual(expect.arrayContaining(['PIXI.BigPool.free@PIXI.BigPool.return(m)', 'pool.free@client.release()']));
  });

  it('a parameter property of a described type is an owner reached as this.field (a NestJS service)', () => {
    const read = model(`import { DataSource } from 'typeorm';
export class Users {
  constructor(private readonly dataSource: DataSource, private readonly name: string) {}
  async rename() { const runner = this.dataSource.createQueryRunner(); try { await runner.query(this.name); } finally { await runner.release(); } }
}
export class Reassigned {
  constructor(private dataSource: DataSource) {}
  swap(other: DataSource) { this.dataSource = other; }
  run() { return this.dataSource.createQueryRunner(); }
}`);
    // Only the class that never reassigns the field has its acquisition followed through this.dataSource.
    expect(read.values).toEqual(['this.dataSource.createQueryRunner():object']);
    expect(read.events).toEqual(['dataSource.free@runner.release()']);
  });

  it('the lint result of runtime code is the same with an unrelated description configured', () => {
    const code = `${RUNTIME.replace('return o.x; }', 'objects.get(h); }')}`;
    const lint = (settings: unknown): string[] =>
      new Linter({ configType: 'flat' })
        .verify(code, [{ files: ['**/*.ts'], languageOptions: { parser: tsParser as unknown as Linter.Parser }, ...plugin.configs.recommended, ...(settings ? { settings: { arena: settings } } : {}) }], 'file.ts')
        .map((message) => `${message.ruleId}:${message.line}`);
    const plain = lint(undefined);
    expect(plain).toContain('arena/no-use-after-reset:2');
    expect(lint({ allocators: [{ name: 'never', module: 'never-imported', owners: [{ from: 'new', name: 'X' }], methods: { acquire: ['get'] } }] })).toEqual(plain);
  });
});

describe('settings.arena.debug', () => {
  it('prints the report once per file to stderr while linting, and nothing without it', () => {
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      const lint = (settings: unknown): void => {
        new Linter({ configType: 'flat' }).verify(
          `import { Pool } from 'pg';\nexport const pool = new Pool();`,
          [{ files: ['**/*.ts'], languageOptions: { parser: tsParser as unknown as Linter.Parser }, ...plugin.configs.recommended, settings: { arena: settings } }],
          'debugged.ts',
        );
      };
      lint({ debug: true });
      lint({ debug: false });
    } finally {
      spy.mockRestore();
    }
    const reports = writes.filter((text) => text.startsWith('eslint-plugin-arena debug:'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/debugged\.ts\n {2}1: import 'pg' -> pg\n {2}2: pg owner: Pool\(\.\.\.\)\n$/);
  });

  it('reports the matched imports and the owner sites of a file', () => {
    let report = '';
    run(
      `import { Pool, BigPool } from 'pixi.js';\nimport { readFileSync } from 'node:fs';\nconst p = new Pool(Object);\nBigPool.get(Object);`,
      (context) => {
        report = debugReport(getAllocatorApi(context), context.sourceCode, 'src/a.ts');
        return {};
      },
    );
    expect(report).toBe(
      "eslint-plugin-arena debug: src/a.ts\n  1: import 'pixi.js' -> pixi.js\n  1: pixi.js owner: BigPool (imported instance)\n  3: pixi.js owner: Pool(...)\n",
    );
    run(`const x = 1;`, (context) => {
      report = debugReport(getAllocatorApi(context), context.sourceCode, 'b.ts');
      return {};
    });
    expect(report).toBe('eslint-plugin-arena debug: b.ts: imports no described module\n');
  });
});

describe('what the descriptions ask of the rules', () => {
  const lint = (code: string): string[] =>
    new Linter({ configType: 'flat' })
      .verify(code, [{ files: ['**/*.ts'], languageOptions: { parser: tsParser as unknown as Linter.Parser }, ...plugin.configs.recommended }], 'file.ts')
      .map((message) => `${message.ruleId ?? 'fatal'}:${message.line}`);

  it('require-alloc-tag asks no library for tags (tags: false), and still asks the runtime', () => {
    expect(
      lint(`import { MemPool } from '@thi.ng/malloc';
import { Pool } from 'pixi.js';
export function f(): void {
  const memory = new MemPool({ size: 1024 });
  const edge = memory.malloc(16);
  memory.free(edge);
  const pool = new Pool(Object);
  const node = pool.get();
  pool.return(node);
}`).filter((id) => id.startsWith('arena/require-alloc-tag')),
    ).toEqual([]);
    expect(lint(`import { createArena } from 'arena-runtime';\nexport function f(): void { using a = createArena(64, 'a'); const edge = a.alloc(16); void edge; }`)).toContain('arena/require-alloc-tag:2');
  });

  it('no-leaked-arena leaves pools alone whose description needs no destroy (pixi.js, generic-pool, pg)', () => {
    expect(
      lint(`import { Pool } from 'pixi.js';
import { createPool } from 'generic-pool';
import { Pool as PgPool } from 'pg';
export function f(): void {
  const pool = new Pool(Object);
  pool.get();
  const generic = createPool({ create: async () => ({}), destroy: async () => undefined });
  void generic;
  const pg = new PgPool();
  void pg;
}`).filter((id) => id.startsWith('arena/no-leaked-arena')),
    ).toEqual([]);
  });
});
