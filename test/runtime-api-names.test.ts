// The rules know the runtime by name: the API names of src/allocators.ts and the owners and methods of
// src/builtin-allocators.ts. This file ties those names to what `arena-runtime` exports, so renaming
// one side without the other fails `npm test`: the type-level checks fail `npm run typecheck`, the
// runtime ones fail here.
import * as runtime from 'arena-runtime';
import type * as Runtime from 'arena-runtime';
import { describe, expect, expectTypeOf, it } from 'vitest';

import { RUNTIME_APIS, type RuntimeApi, type RuntimeTypeName } from '../src/allocators.js';
import { RUNTIME_DESCRIPTIONS, SHARED_POOL_DESCRIPTION } from '../src/builtin-allocators.js';

/** The runtime's types the rules recognise in annotations, by the name the rules use. */
interface RuntimeTypesByName {
  readonly Arena: Runtime.Arena;
  readonly Pool: Runtime.Pool;
  readonly ObjectPool: Runtime.ObjectPool<object>;
  readonly Handle: Runtime.Handle;
}

const ABSENT_BUT_LISTED = ['arena.free', 'pool.allocAligned', 'objectPool.allocAligned'];

describe('the runtime names the rules rely on', () => {
  it('are all exported by arena-runtime (checked by the type checker)', () => {
    // A name the plugin lists and the runtime does not export leaves this Exclude non-empty.
    expectTypeOf<Exclude<RuntimeApi, keyof typeof Runtime>>().toEqualTypeOf<never>();
    // Renaming a type in the runtime breaks RuntimeTypesByName; renaming it in the plugin breaks this.
    expectTypeOf<RuntimeTypeName>().toEqualTypeOf<keyof RuntimeTypesByName>();
  });

  it.each(RUNTIME_APIS)('%s is a value exported by arena-runtime', (name) => {
    expect(runtime[name]).toBeDefined();
  });

  it('every owner factory of the built-in runtime descriptions is a runtime function', () => {
    const factories = RUNTIME_DESCRIPTIONS.flatMap(({ description }) =>
      description.owners.flatMap((owner) => ('name' in owner && typeof owner.name === 'string' ? [owner.name] : [])),
    );
    expect(factories).toEqual(expect.arrayContaining(['createArena', 'createPool', 'createObjectPool', 'withArena']));
    for (const name of factories) expect(typeof (runtime as Record<string, unknown>)[name], name).toBe('function');
  });

  it('every method of the built-in runtime descriptions exists on a live owner', () => {
    using arena = runtime.createArena(64, 'names');
    using pool = runtime.createPool(8, 2, 'names');
    using objects = runtime.createObjectPool(() => ({}), 2, 'names');
    using shared = runtime.createSharedPool(8, 2, 'names');
    const owners: Record<string, object> = { arena, pool, objectPool: objects };
    const missing: string[] = [];
    for (const { kind, description } of RUNTIME_DESCRIPTIONS) {
      // The shared pool's description has kind 'pool' (pool messages and checks) but owners of its own.
      const owner = description.name === SHARED_POOL_DESCRIPTION ? shared : owners[kind];
      expect(owner, kind).toBeDefined();
      const methods = Object.values(description.methods ?? {}).flat() as string[];
      expect(methods.length, kind).toBeGreaterThan(0);
      for (const method of methods) {
        if (typeof (owner as Record<string, unknown>)[method] !== 'function') missing.push(`${kind}.${method}`);
      }
    }
    // Listed by the descriptions though these owners have no such method (arenas free only in bulk,
    // pools have no aligned allocation): harmless, but not names the runtime has; see issue 10's note.
    expect(missing).toEqual(ABSENT_BUT_LISTED);
  });
});
