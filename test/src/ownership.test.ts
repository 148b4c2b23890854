import type { TSESTree } from '@typescript-eslint/utils';
import { describe, expect, it } from 'vitest';
import { useOwnership, type OwnershipModel } from '../../src/ownership.js';
import { probe, type ProbeContext } from './probe.js';

const RT = `import { createArena, createPool, createObjectPool, withArena, allocTagged, freeTagged, MemTag, type Arena } from 'eslint-plugin-arena/runtime';\n`;

/** Builds the model of `code` and hands it over with a way to print nodes. */
function model(code: string, settings?: Record<string, unknown>): { model: OwnershipModel; text: (node: TSESTree.Node) => string } {
  let result: OwnershipModel | undefined;
  let context: ProbeContext | undefined;
  probe(
    code,
    (ruleContext) => {
      context = ruleContext;
      return useOwnership(ruleContext, (built) => {
        result = built;
      });
    },
    settings,
  );
  if (!result || !context) throw new Error('no model (file not active?)');
  const sourceCode = context.sourceCode;
  return { model: result, text: (node) => sourceCode.getText(node) };
}

const variableValues = (built: OwnershipModel, text: (node: TSESTree.Node) => string): Record<string, string[]> =>
  Object.fromEntries(
    [...built.valueVariables].map((variable) => [
      variable.name,
      built.writesOf(variable).map((write) => `${write.mode}:${write.value.kind}:${text(write.value.origin)}`),
    ]),
  );

describe('ownership model: owners', () => {
  it('classifies how each owner is scoped', () => {
    const { model: built } = model(
      RT +
        `const moduleArena = createArena(64, 'm');
         function f(borrowed: Arena) {
           using scoped = createArena(64, 'u');
           const manual = createPool(16, 4, 'p');
           const objects = createObjectPool(() => ({}), 4, 'o');
           withArena(64, 'w', (callbackArena) => callbackArena.alloc(1));
           allocTagged(8, MemTag.Temp);
         }`,
    );
    expect(built.owners.map((owner) => [owner.name, owner.kind, owner.scoping])).toEqual([
      ['moduleArena', 'arena', 'module'],
      ['scoped', 'arena', 'using'],
      ['manual', 'pool', 'manual'],
      ['objects', 'objectPool', 'manual'],
      ['callbackArena', 'arena', 'withArena'],
      ['borrowed', 'arena', 'borrowed'],
      ['allocTagged', 'tagged', 'tagged'],
    ]);
  });

  it('knows a lifetime scope only where the end of the owner is certain', () => {
    const { model: built, text } = model(
      RT +
        `function destroyedHere() { const a = createArena(64, 'a'); a.alloc(1); a.destroy(); }
         function handedOff() { const b = createArena(64, 'b'); register(b); b.destroy(); }
         function neverDestroyed() { const c = createArena(64, 'c'); return c; }
         function block() { if (x) { using d = createArena(64, 'd'); } }
         withArena(64, 'w', (e) => 0);`,
    );
    const scopes = Object.fromEntries(built.owners.map((owner) => [owner.name, owner.lifetimeScope ? owner.lifetimeScope.type : null]));
    expect(scopes).toEqual({ a: 'FunctionDeclaration', b: null, c: null, d: 'BlockStatement', e: 'ArrowFunctionExpression' });
    expect(text(built.owners[0]!.lifetimeScope!).startsWith('function destroyedHere')).toBe(true);
  });

  it('merges const aliases and collects lifetime events through TS wrappers and Symbol.dispose', () => {
    const { model: built, text } = model(
      RT +
        `const a = createArena(64, 'a'); const b = a; const p = createPool(16, 4, 'p');
         b.reset(); a!.destroy(); (a as Arena)[Symbol.dispose](); p.free(p.alloc()!); freeTagged(allocTagged(1, MemTag.Temp), MemTag.Temp);`,
    );
    const arena = built.owners.find((owner) => owner.name === 'a')!;
    expect(arena.variables.map((variable) => variable.name)).toEqual(['a', 'b']);
    expect(arena.events.map((event) => `${event.kind} ${text(event.call)}`)).toEqual([
      'reset b.reset()',
      'destroy a!.destroy()',
      'destroy (a as Arena)[Symbol.dispose]()',
    ]);
    expect(built.frees.map((event) => `${event.owner.name}: ${text(event.argument!)}`)).toEqual([
      'p: p.alloc()!',
      'allocTagged: allocTagged(1, MemTag.Temp)',
    ]);
  });

  it('builds nothing for files without an allocator import', () => {
    expect(() => model(`const a = createArena(64, 'a'); a.alloc(1);`)).toThrow(/no model/);
  });
});

describe('ownership model: values', () => {
  it('follows handles and views through aliases, destructuring, containers and conditionals', () => {
    const { model: built, text } = model(
      RT +
        `const a = createArena(64, 'a');
         const h = a.alloc(8);
         const alias = h;
         const [first, second] = [a.alloc(1), 42];
         const { named } = { named: a.allocAligned(8, 8) };
         const either = flag ? h : a.alloc(2);
         const view = a.bytes(h).subarray(1);
         const copy = a.bytes(h).slice();
         const list = [h];
         list.push(a.alloc(3));
         const element = list[0];
         for (const each of list) use(each);`,
    );
    const values = variableValues(built, text);
    expect(values['h']).toEqual(['direct:handle:a.alloc(8)']);
    expect(values['alias']).toEqual(['direct:handle:a.alloc(8)']);
    expect(values['first']).toEqual(['direct:handle:a.alloc(1)']);
    expect(values['second']).toBeUndefined();
    expect(values['named']).toEqual(['direct:handle:a.allocAligned(8, 8)']);
    expect(values['either']?.sort()).toEqual(['direct:handle:a.alloc(2)', 'direct:handle:a.alloc(8)']);
    expect(values['view']).toEqual(['direct:view:a.bytes(h)']);
    expect(values['copy']).toBeUndefined();
    expect(values['list']?.sort()).toEqual(['contained:handle:a.alloc(3)', 'contained:handle:a.alloc(8)']);
    expect(values['element']?.sort()).toEqual(['direct:handle:a.alloc(3)', 'direct:handle:a.alloc(8)']);
    expect(values['each']?.sort()).toEqual(['direct:handle:a.alloc(3)', 'direct:handle:a.alloc(8)']);
    // A view of h dies with h's allocation.
    const view = built.values.find((value) => value.kind === 'view')!;
    expect([...view.roots].map(text)).toEqual(['a.alloc(8)']);
  });

  it('gives a withArena call the value its callback returns, and records the return as a sink', () => {
    const { model: built, text } = model(RT + `const h = withArena(64, 'w', (arena) => arena.alloc(8)); const n = withArena(64, 'w', (arena) => 1);`);
    expect(variableValues(built, text)).toEqual({ h: ['direct:handle:arena.alloc(8)'] });
    const returns = built.sinks.filter((sink) => sink.kind === 'return');
    expect(returns.map((sink) => text(sink.expression))).toEqual(['arena.alloc(8)']);
  });

  it('records objects of object pools and pool handles', () => {
    const { model: built, text } = model(
      RT + `const o = createObjectPool(() => ({ x: 0 }), 4, 'o'); const h = o.alloc(); const obj = o.get(h!);`,
    );
    expect(variableValues(built, text)).toEqual({ h: ['direct:handle:o.alloc()'], obj: ['direct:object:o.get(h!)'] });
  });

  it('records stores, outer assignments and captures as sinks', () => {
    const { model: built, text } = model(
      RT +
        `let outer; const box = {}; withArena(64, 'w', (a) => {
           const h = a.alloc(8);
           outer = h;
           box.h = h;
           setTimeout(() => use(h));
         });`,
    );
    const sinks = built.sinks.map((sink) => `${sink.kind}:${text(sink.expression)}`);
    expect(sinks).toContain('assign:outer');
    expect(sinks).toContain('store:h');
    expect(sinks).toContain('closure:h');
  });
});

describe('ownership model: described owners', () => {
  it('reads each owner through its own description, never through another', () => {
    const { model: built, text } = model(
      `import { Pool } from 'pg';
       import { matrixPool } from 'pixi.js';
       import { createPool } from 'eslint-plugin-arena/runtime';
       const pool = new Pool();
       const slots = createPool(16, 4, 'slots');
       export async function f() {
         const client = await pool.connect();
         const m = matrixPool.get();
         const h = slots.alloc();
         slots.get(h);
         pool.get();
         client.release();
         matrixPool.return(m);
       }`,
    );
    const owners = built.owners.map((owner) => [owner.name, owner.protocol.name, owner.protocol.origin]);
    expect(owners).toHaveLength(3);
    expect(owners).toEqual(
      expect.arrayContaining([
        ['matrixPool', 'pixi.js', 'builtin'],
        ['pool', 'pg', 'builtin'],
        ['slots', 'arena-runtime (pool)', 'runtime'],
      ]),
    );
    // `pool.get()` is no acquisition of pg's pool (pixi.js's `get` does not leak into it), and
    // `slots.get(h)` is no access of this runtime's pool.
    const values = variableValues(built, text);
    expect(values['client']).toEqual(['direct:object:pool.connect()']);
    expect(values['m']).toEqual(['direct:object:matrixPool.get()']);
    expect(values['h']).toEqual(['direct:handle:slots.alloc()']);
    // client.release() is a release of the client by its pool (releaseSelf), return(m) by matrixPool.
    expect(built.frees.map((event) => `${event.owner.name}:${text(event.call)}:${event.argument ? text(event.argument) : '-'}`)).toEqual([
      'pool:client.release():client',
      'matrixPool:matrixPool.return(m):m',
    ]);
    expect(built.untrackedReleases).toEqual([]);
  });

  it('records releases of variables whose value it did not follow', () => {
    const { model: built, text } = model(
      `import { matrixPool } from 'pixi.js';
       export function f(m: object) { matrixPool.return(m); }
       export function g() { const n = matrixPool.get().identity(); matrixPool.return(n); }`,
    );
    expect(built.untrackedReleases.map((event) => text(event.call))).toEqual(['matrixPool.return(m)', 'matrixPool.return(n)']);
  });
});
