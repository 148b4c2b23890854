// settings.arena: validation (errors name the setting in plain words), the older form's
// translation, the built-ins, and how ESLint shows a settings error.
import { readFileSync } from 'node:fs';

import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import plugin from '../../src/index.js';
import { BUILTIN_DESCRIPTIONS } from '../../src/builtin-allocators.js';
import { ArenaSettingsError, describeValue, parseArenaSettings, RUNTIME_MODULE, RUNTIME_PACKAGE } from '../../src/settings.js';

const names = (raw: unknown): string[] => parseArenaSettings(raw).descriptions.map((description) => description.name);

describe('parseArenaSettings: defaults', () => {
  it('knows the runtime under both package names and every built-in, with nothing configured', () => {
    const settings = parseArenaSettings(undefined);
    expect(settings.modules).toEqual([RUNTIME_MODULE, RUNTIME_PACKAGE]);
    expect(settings.debug).toBe(false);
    expect(names(undefined)).toEqual([
      'pg',
      'generic-pool',
      'typeorm',
      'pixi.js',
      '@thi.ng/malloc',
      'arena-runtime (arena)',
      'arena-runtime (pool)',
      'arena-runtime (shared pool)',
      'arena-runtime (object pool)',
    ]);
    const arena = settings.descriptions.find((description) => description.name === 'arena-runtime (arena)')!;
    expect(arena.module.packages).toEqual(['eslint-plugin-arena/runtime', 'arena-runtime']);
    expect(arena.tags).toBe(true);
    expect(settings.descriptions.filter((description) => description.tags).every((description) => description.origin === 'runtime')).toBe(true);
  });

  it('adds settings.arena.modules to the runtime as exact specifiers, once each', () => {
    const settings = parseArenaSettings({ modules: ['./rt.js', RUNTIME_MODULE] });
    expect(settings.modules).toEqual([RUNTIME_MODULE, RUNTIME_PACKAGE, './rt.js']);
    const runtime = settings.descriptions.filter((description) => description.origin === 'runtime');
    expect(runtime.every((description) => description.module.exact.includes('./rt.js'))).toBe(true);
  });

  it('turns built-ins off, or keeps only the named ones; the runtime stays', () => {
    expect(names({ builtins: false })).toEqual(['arena-runtime (arena)', 'arena-runtime (pool)', 'arena-runtime (shared pool)', 'arena-runtime (object pool)']);
    expect(names({ builtins: ['pg', 'pixi.js'] }).slice(0, 2)).toEqual(['pg', 'pixi.js']);
  });

  it('puts the user descriptions first, so they win over a built-in for the same export', () => {
    const raw = { allocators: [{ name: 'mine', module: 'pixi.js', owners: [{ from: 'new', name: 'Pool' }] }] };
    expect(names(raw)[0]).toBe('mine');
  });
});

describe('parseArenaSettings: descriptions', () => {
  it('fills in the defaults of a minimal description', () => {
    const [description] = parseArenaSettings({
      allocators: [{ name: 'slab', module: { path: 'src/slab/**' }, owners: [{ from: 'new', name: 'Slab' }] }],
    }).descriptions;
    expect(description).toMatchObject({
      name: 'slab',
      module: { packages: [], paths: ['src/slab/**'], exact: [] },
      acquisition: 'handle',
      mustRelease: false,
      mustDestroy: false,
      tags: false,
      kind: 'pool',
      origin: 'settings',
      settingsPath: 'settings.arena.allocators[0]',
    });
    expect([...description!.methods.acquire]).toEqual([]);
  });

  it('reads every key; mustDestroy defaults to having a destroy method', () => {
    const [description] = parseArenaSettings({
      allocators: [
        {
          name: 'conn',
          module: ['db-a', 'db-b'],
          owners: [
            { from: 'call', name: 'connectPool' },
            { from: 'type', type: { from: 'package', package: 'db-a', name: ['Pool', 'Cluster'] } },
            { from: 'type', type: { from: 'file', name: 'LocalPool' } },
          ],
          acquisition: 'object',
          methods: { acquire: ['checkout'], releaseSelf: ['done'], destroy: ['shutdown'] },
          mustRelease: true,
        },
      ],
    }).descriptions;
    expect(description!.module.packages).toEqual(['db-a', 'db-b']);
    expect(description!.mustDestroy).toBe(true);
    expect(description!.mustRelease).toBe(true);
    expect([...description!.methods.releaseSelf]).toEqual(['done']);
  });
});

describe('parseArenaSettings: the older form', () => {
  it('becomes one description per owner kind, with the runtime method names plus the listed ones', () => {
    const settings = parseArenaSettings({
      allocators: [{ module: 'my-alloc', createArena: ['makeRegion'], scoped: ['inRegion'], createObjectPool: ['makeObjects'], alloc: ['grab'], reset: ['clear'] }],
    });
    const mine = settings.descriptions.filter((description) => description.origin === 'settings');
    expect(mine.map((description) => [description.name, description.kind])).toEqual([
      ['my-alloc (arena)', 'arena'],
      ['my-alloc (object pool)', 'objectPool'],
    ]);
    expect(mine[0]!.source.owners).toEqual([
      { from: 'call', name: 'makeRegion' },
      { from: 'scoped', name: 'inRegion' },
    ]);
    expect([...mine[0]!.methods.reset].sort()).toEqual(['clear', 'reset']);
    // Reset belongs to arenas only, access is `get` for object pools and `bytes` otherwise.
    expect([...mine[1]!.methods.reset]).toEqual([]);
    expect([...mine[1]!.methods.access]).toEqual(['get']);
    expect(mine.every((description) => description.mustDestroy && !description.tags)).toBe(true);
  });
});

describe('parseArenaSettings: errors name the setting in plain words', () => {
  it.each<[unknown, string]>([
    [42, 'settings.arena must be an object; got the number 42'],
    [{ modulez: [] }, 'settings.arena.modulez is not a known key (known keys: modules, allocators, builtins, debug, usingDeclarations)'],
    [{ modules: 'x' }, 'settings.arena.modules must be an array of non-empty strings; got the string "x"'],
    [{ modules: ['ok', 3] }, 'settings.arena.modules[1] must be a non-empty string; got the number 3'],
    [{ allocators: {} }, 'settings.arena.allocators must be an array of allocator descriptions; got an object'],
    [{ allocators: [null] }, 'settings.arena.allocators[0] must be an allocator description (an object with name, module and owners); got null'],
    [
      { allocators: [{ name: 'pg2', owners: [{ from: 'new', name: 'Pool' }] }] },
      'settings.arena.allocators[0].module must be a package name, a list of package names, or { path: <glob> }; got undefined',
    ],
    [
      { allocators: [{ name: 'x', module: { path: 3 }, owners: [{ from: 'new', name: 'P' }] }] },
      'settings.arena.allocators[0].module.path must be a glob or a list of globs; got the number 3',
    ],
    [
      { allocators: [{ name: 'x', module: '../pool/**', owners: [{ from: 'new', name: 'P' }] }] },
      'settings.arena.allocators[0].module must be a package name, but "../pool/**" is a path or a glob: write { path: "../pool/**" }',
    ],
    [{ allocators: [{ name: 'x', module: 'm' }] }, "settings.arena.allocators[0].owners must be a non-empty array of owner sources (e.g. [{ from: 'new', name: 'Pool' }]); got undefined"],
    [
      { allocators: [{ name: 'x', module: 'm', owners: [{ from: 'factory', name: 'P' }] }] },
      "settings.arena.allocators[0].owners[0].from must be one of 'call', 'new', 'instance', 'scoped', 'type'; got the string \"factory\"",
    ],
    [
      { allocators: [{ name: 'x', module: 'm', owners: [{ from: 'type', type: { from: 'package', name: 'P' } }] }] },
      'settings.arena.allocators[0].owners[0].type.package must be a non-empty string; got undefined',
    ],
    [
      { allocators: [{ name: 'x', module: 'm', owners: [{ from: 'new', name: 'P' }], acquisition: 'pointer' }] },
      "settings.arena.allocators[0].acquisition must be 'handle', 'address' or 'object'; got the string \"pointer\"",
    ],
    [
      { allocators: [{ name: 'x', module: 'm', owners: [{ from: 'new', name: 'P' }], methods: { take: ['get'] } }] },
      'settings.arena.allocators[0].methods.take is not a known key (known keys: acquire, acquireSelf, release, releaseSelf, access, reset, destroy)',
    ],
    [
      { allocators: [{ name: 'x', module: 'm', owners: [{ from: 'new', name: 'P' }], mustRelease: 'yes' }] },
      'settings.arena.allocators[0].mustRelease must be true or false; got the string "yes"',
    ],
    [{ allocators: [{ module: 'm', alloc: 'grab', createPool: ['p'] }] }, 'settings.arena.allocators[0].alloc must be an array of non-empty strings; got the string "grab"'],
    [{ allocators: [{ module: 'm', allocate: [] }] }, 'settings.arena.allocators[0].allocate is not a known key'],
    [{ allocators: [{ module: 'm' }] }, 'settings.arena.allocators[0] declares no owners'],
    [{ allocators: [{ name: 'x', module: 'm', createPool: ['p'] }] }, "settings.arena.allocators[0] mixes the older form's keys (createPool) with the description keys (name)"],
    [{ builtins: ['pgx'] }, 'settings.arena.builtins[0] names no built-in description'],
    [{ debug: 1 }, 'settings.arena.debug must be true or false; got the number 1'],
    [
      { allocators: [{ name: 'x', module: 'm', owners: [{ from: 'new', name: 'P' }], tags: true }] },
      "settings.arena.allocators[0].tags must be false: memory tags exist only in this project's runtime",
    ],
  ])('%j', (raw, message) => {
    expect(() => parseArenaSettings(raw)).toThrow(ArenaSettingsError);
    expect(() => parseArenaSettings(raw)).toThrow(message);
  });

  it('describes values without "a undefined" or "a object"', () => {
    expect([undefined, null, {}, [], [1], '', 'x', 3, true].map(describeValue)).toEqual([
      'undefined',
      'null',
      'an object',
      'an empty array',
      'an array',
      'an empty string',
      'the string "x"',
      'the number 3',
      'true',
    ]);
  });

  it('validates the built-ins with the same rules a user description must pass', () => {
    for (const description of BUILTIN_DESCRIPTIONS) {
      expect(() => parseArenaSettings({ builtins: false, allocators: [description] }), description.name).not.toThrow();
    }
  });
});

describe('a settings error in ESLint', () => {
  it('stops the lint with a message naming the setting and saying that no rule is at fault', () => {
    const linter = new Linter({ configType: 'flat' });
    const run = (): unknown =>
      linter.verify(
        `import { createArena } from 'eslint-plugin-arena/runtime'; createArena(1, 'a');`,
        [
          {
            files: ['**/*.ts'],
            languageOptions: { parser: tsParser as unknown as Linter.Parser },
            ...plugin.configs.recommended,
            settings: { arena: { allocators: [{ name: 'x', owners: [{ from: 'new', name: 'P' }] }] } },
          },
        ],
        'file.ts',
      );
    expect(run).toThrow(/settings\.arena\.allocators\[0\]\.module must be a package name/);
    expect(run).toThrow(/read by every arena rule, none of them is at fault/);
  });
});

describe('docs/settings.md', () => {
  it('shows every built-in description exactly as the code has it', () => {
    const docs = readFileSync(new URL('../../docs/settings.md', import.meta.url), 'utf8');
    const shown = [...docs.matchAll(/^### `([^`]+)`\n[\s\S]*?```json\n([\s\S]*?)\n```/gm)].map((match) => [match[1], JSON.parse(match[2]!) as unknown]);
    expect(shown).toEqual(BUILTIN_DESCRIPTIONS.map((description) => [description.name, description]));
  });
});
