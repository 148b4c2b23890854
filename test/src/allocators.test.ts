import { describe, expect, it } from 'vitest';
import { getAllocatorApi, type AllocatorApi } from '../../src/allocators.js';
import { probe } from './probe.js';

interface CallResolution {
  readonly callee: string;
  readonly api: string | null;
  readonly owner: string | null;
}

/** Every call's callee text with what it resolves to, plus the file's API object. */
function resolveCalls(code: string, settings: Record<string, unknown> = {}): { calls: CallResolution[]; api: AllocatorApi } {
  const calls: CallResolution[] = [];
  let api: AllocatorApi | undefined;
  probe(
    code,
    (context) => {
      api = getAllocatorApi(context);
      return {
        CallExpression(node) {
          const fileApi = getAllocatorApi(context);
          calls.push({
            callee: context.sourceCode.getText(node.callee),
            api: fileApi.apiOf(node.callee),
            owner: fileApi.ownerKindOfCreation(node),
          });
        },
      };
    },
    settings,
  );
  if (!api) throw new Error('rule did not run');
  return { calls, api };
}

const apiByCallee = (code: string, settings?: Record<string, unknown>): Record<string, string | null> =>
  Object.fromEntries(resolveCalls(code, settings).calls.map((call) => [call.callee, call.api]));

describe('getAllocatorApi: import resolution', () => {
  it('resolves named imports and owner kinds', () => {
    const { calls, api } = resolveCalls(`
      import { createArena, createPool, createObjectPool, withArena } from 'eslint-plugin-arena/runtime';
      createArena(1024, 'a'); createPool(16, 4, 'p'); createObjectPool(() => ({}), 4, 'o');
      withArena(64, 'w', (arena) => arena.alloc(8));
    `);
    expect(api.active).toBe(true);
    expect(calls.map((call) => [call.callee, call.api, call.owner])).toEqual([
      ['createArena', 'createArena', 'arena'],
      ['createPool', 'createPool', 'pool'],
      ['createObjectPool', 'createObjectPool', 'objectPool'],
      ['withArena', 'withArena', null],
      ['arena.alloc', null, null],
    ]);
  });

  it('resolves renamed imports by what they import, not by their local name', () => {
    expect(
      apiByCallee(`
        import { createArena as mk, freeTagged as release } from 'eslint-plugin-arena/runtime';
        function createPool() {}
        mk(1, 'a'); release(0, 1); createPool();
      `),
    ).toEqual({ mk: 'createArena', release: 'freeTagged', createPool: null });
  });

  it('resolves namespace imports with dotted and string-keyed members', () => {
    expect(
      apiByCallee(`
        import * as rt from 'eslint-plugin-arena/runtime';
        rt.createArena(1, 'a'); rt['createPool'](1, 1, 'p'); rt[\`withArena\`](1, 'w', () => 0);
        rt.getStats(rt.MemTag.Edge); rt.notAnExport();
      `),
    ).toEqual({
      'rt.createArena': 'createArena',
      "rt['createPool']": 'createPool',
      'rt[`withArena`]': 'withArena',
      'rt.getStats': null,
      'rt.notAnExport': null,
    });
  });

  it('does not treat a shadowing local of the same name as the API', () => {
    const { calls } = resolveCalls(`
      import { createArena } from 'eslint-plugin-arena/runtime';
      createArena(1, 'outer');
      function inner(createArena: (n: number) => void) { createArena(2); }
      { const createArena = (n: number) => n; createArena(3); }
    `);
    expect(calls.map((call) => call.api)).toEqual(['createArena', null, null]);
  });

  it('is inactive and resolves nothing without an allocator import', () => {
    const { calls, api } = resolveCalls(`
      import { createArena } from 'some-other-arena-lib';
      function withArena(size: number, name: string, body: (a: unknown) => void) { body({}); }
      createArena(1, 'a'); withArena(1, 'w', () => {});
    `);
    expect(api.active).toBe(false);
    expect(calls.every((call) => call.api === null && call.owner === null)).toBe(true);
    expect(api.memTagReference()).toBeNull();
    expect(api.runtimeImport()).toBeNull();
  });

  it('follows const aliases, destructuring from the namespace and require()', () => {
    expect(
      apiByCallee(`
        import * as rt from 'eslint-plugin-arena/runtime';
        const make = rt.createArena;
        const again = make;
        const { createPool, withArena: scoped } = rt;
        let mutable = rt.createArena;
        make(1, 'a'); again(1, 'b'); createPool(1, 1, 'p'); scoped(1, 'w', () => 0); mutable(1, 'c');
      `),
    ).toEqual({ make: 'createArena', again: 'createArena', createPool: 'createPool', scoped: 'withArena', mutable: null });

    expect(
      apiByCallee(`
        const rt = require('eslint-plugin-arena/runtime');
        const { createObjectPool } = require('eslint-plugin-arena/runtime');
        rt.createArena(1, 'a'); createObjectPool(() => ({}), 1, 'o');
      `),
    ).toEqual({ require: null, 'rt.createArena': 'createArena', createObjectPool: 'createObjectPool' });
  });

  it('sees through TypeScript wrappers on the callee', () => {
    expect(
      apiByCallee(`
        import * as rt from 'eslint-plugin-arena/runtime';
        (rt.createArena as typeof rt.createArena)(1, 'a'); rt!.createPool(1, 1, 'p');
      `),
    ).toEqual({ 'rt.createArena as typeof rt.createArena': 'createArena', 'rt!.createPool': 'createPool' });
  });

  it('recognises extra runtime module specifiers from settings.modules', () => {
    const code = `import { createArena } from '../runtime/index.js'; createArena(1, 'a');`;
    expect(apiByCallee(code)).toEqual({ createArena: null });
    expect(apiByCallee(code, { arena: { modules: ['../runtime/index.js'] } })).toEqual({ createArena: 'createArena' });
  });

  it('recognises allocators of the older form, with their method names scoped to their owners', () => {
    const settings = {
      arena: {
        allocators: [
          {
            module: 'my-alloc',
            createArena: ['makeRegion'],
            createPool: ['makeSlab'],
            scoped: ['inRegion'],
            alloc: ['grab'],
            free: ['release'],
            reset: ['clear'],
            destroy: ['dispose'],
          },
        ],
      },
    };
    const { calls, api } = resolveCalls(
      `import { makeRegion, makeSlab, inRegion, createArena } from 'my-alloc';
       makeRegion(); makeSlab(); inRegion(() => 0); createArena();`,
      settings,
    );
    expect(calls.map((call) => [call.callee, call.api, call.owner])).toEqual([
      ['makeRegion', 'createArena', 'arena'],
      ['makeSlab', 'createPool', 'pool'],
      ['inRegion', 'withArena', null],
      ['createArena', null, null],
    ]);
    const region = api.descriptions.find((description) => description.name === 'my-alloc (arena)')!;
    expect([...region.methods.acquire].sort()).toEqual(['alloc', 'allocAligned', 'grab']);
    expect([...region.methods.release].sort()).toEqual(['free', 'release']);
    expect([...region.methods.reset].sort()).toEqual(['clear', 'reset']);
    expect([...region.methods.destroy].sort()).toEqual(['destroy', 'dispose']);
    // The runtime's own method names are not widened by a description of another module.
    expect([...api.methods.alloc].sort()).toEqual(['alloc', 'allocAligned']);
    expect([...api.methods.reset]).toEqual(['reset']);
    // A configured module is an allocator, not the runtime: there is no MemTag to import from it.
    expect(api.runtimeImport()).toBeNull();
  });
});

describe('getAllocatorApi: apiCalls', () => {
  it('finds, through references, exactly the calls a full traversal resolves', () => {
    const code = `
      import { createArena, withArena as scoped, MemTag } from 'eslint-plugin-arena/runtime';
      import * as rt from 'eslint-plugin-arena/runtime';
      const { createPool } = rt;
      const make = createArena;
      const rt2 = rt;
      const req = require('eslint-plugin-arena/runtime');
      createArena(1, 'a'); make(1, 'b'); rt2.createObjectPool(() => 0, 1, 'c');
      (0, rt.createArena)(8, 'comma'); rt['createPool'](1, 1, 'd'); createArena?.(1, 'e')?.destroy();
      createPool(1, 1, 'f'); scoped(1, 'g', (a) => a.alloc(1)); req.allocTagged(8, MemTag.Temp);
      (createArena as typeof createArena)(1, 'h');
      function shadow(createArena: () => void) { createArena(); }
      rt.getStats(MemTag.Edge); other();
    `;
    const traversed: string[] = [];
    let found: string[] = [];
    probe(code, (context) => {
      const api = getAllocatorApi(context);
      found = api.apiCalls().map((call) => context.sourceCode.getText(call));
      return {
        CallExpression(node) {
          if (api.apiOf(node.callee) !== null) traversed.push(context.sourceCode.getText(node));
        },
      };
    });
    expect(traversed).toHaveLength(10);
    expect([...found].sort()).toEqual([...traversed].sort());
  });
});

describe('getAllocatorApi: MemTag and the runtime import', () => {
  const inspect = (code: string): { memTag: string | null; importText: string | null } => {
    let result: { memTag: string | null; importText: string | null } | undefined;
    probe(code, (context) => {
      const api = getAllocatorApi(context);
      const declaration = api.runtimeImport();
      result = { memTag: api.memTagReference(), importText: declaration ? context.sourceCode.getText(declaration) : null };
      return {};
    });
    if (!result) throw new Error('rule did not run');
    return result;
  };

  it('names MemTag as imported, aliased, through a namespace, or not at all', () => {
    expect(inspect(`import { MemTag, createArena } from 'eslint-plugin-arena/runtime';`).memTag).toBe('MemTag');
    expect(inspect(`import { MemTag as Tags } from 'eslint-plugin-arena/runtime';`).memTag).toBe('Tags');
    expect(inspect(`import * as rt from 'eslint-plugin-arena/runtime';`).memTag).toBe('rt.MemTag');
    expect(inspect(`import { createArena } from 'eslint-plugin-arena/runtime';`).memTag).toBeNull();
    expect(inspect(`import type { MemTag } from 'eslint-plugin-arena/runtime';`).memTag).toBeNull();
    expect(inspect(`import { type MemTag, createArena } from 'eslint-plugin-arena/runtime';`).memTag).toBeNull();
  });

  it('prefers a value import with named specifiers as the one fixes extend', () => {
    expect(
      inspect(`import type { Arena } from 'eslint-plugin-arena/runtime';
import * as rt from 'eslint-plugin-arena/runtime';
import { createArena } from 'eslint-plugin-arena/runtime';`).importText,
    ).toBe(`import { createArena } from 'eslint-plugin-arena/runtime';`);
    expect(inspect(`import * as rt from 'eslint-plugin-arena/runtime';`).importText).toBe(
      `import * as rt from 'eslint-plugin-arena/runtime';`,
    );
  });
});

describe('getAllocatorApi: runtime types in annotations', () => {
  it('maps Arena/Pool/ObjectPool/Handle annotations, also qualified, and ignores look-alikes', () => {
    const found: Array<[string, string | null, string | null]> = [];
    probe(
      `import type { Arena, Pool, Handle } from 'eslint-plugin-arena/runtime';
       import type * as rt from 'eslint-plugin-arena/runtime';
       interface ObjectPool { x: number }
       function f(a: Arena, p: Pool, h: Handle, o: rt.ObjectPool<string>, q: ObjectPool, n: number) {}`,
      (context) => ({
        'FunctionDeclaration > Identifier.params'(node: import('@typescript-eslint/utils').TSESTree.Identifier) {
          const api = getAllocatorApi(context);
          found.push([node.name, api.runtimeTypeOf(node.typeAnnotation), api.ownerKindOfType(node.typeAnnotation)]);
        },
      }),
    );
    expect(found).toEqual([
      ['a', 'Arena', 'arena'],
      ['p', 'Pool', 'pool'],
      ['h', 'Handle', null],
      ['o', 'ObjectPool', 'objectPool'],
      ['q', null, null],
      ['n', null, null],
    ]);
  });
});
