// The descriptions the rules know without configuration, in the public format of
// `settings.arena.allocators` (docs/settings.md shows them as examples). Each is active only in
// files that import its module. What each library's API does was read from its documentation and
// typings; the descriptions name only exports and methods, never copy code.

import type { AllocatorDescription } from './descriptions.js';
import type { OwnerKind } from './settings.js';

/** `pg`: `const client = await pool.connect()` must be given back with `client.release()` (or `release(err)`). */
const pg: AllocatorDescription = {
  name: 'pg',
  module: ['pg', 'pg-pool'],
  owners: [
    { from: 'new', name: 'Pool' },
    // `import Pool from 'pg-pool'`
    { from: 'new', name: 'default' },
    { from: 'type', type: { from: 'package', package: 'pg', name: 'Pool' } },
    { from: 'type', type: { from: 'package', package: 'pg-pool', name: 'Pool' } },
  ],
  acquisition: 'object',
  // `pool.query(...)` checks a client out and back in by itself: it is no acquisition.
  methods: { acquire: ['connect'], releaseSelf: ['release'], destroy: ['end'] },
  mustRelease: true,
  // Pools usually live as long as the process; one made per request is a different bug.
  mustDestroy: false,
};

/** `generic-pool`: `const r = await pool.acquire()` is given back by `pool.release(r)` or `pool.destroy(r)`. */
const genericPool: AllocatorDescription = {
  name: 'generic-pool',
  module: 'generic-pool',
  owners: [
    { from: 'call', name: 'createPool' },
    { from: 'new', name: 'Pool' },
    { from: 'type', type: { from: 'package', package: 'generic-pool', name: 'Pool' } },
  ],
  acquisition: 'object',
  methods: { acquire: ['acquire'], release: ['release', 'destroy'], destroy: ['clear'] },
  mustRelease: true,
  mustDestroy: false,
};

/** `typeorm`: `const qr = dataSource.createQueryRunner()` is given back with `qr.release()`. */
const typeorm: AllocatorDescription = {
  name: 'typeorm',
  module: 'typeorm',
  owners: [
    { from: 'new', name: 'DataSource' },
    { from: 'type', type: { from: 'package', package: 'typeorm', name: 'DataSource' } },
  ],
  acquisition: 'object',
  methods: { acquire: ['createQueryRunner'], acquireSelf: ['connect'], releaseSelf: ['release'], destroy: ['destroy'] },
  mustRelease: true,
  mustDestroy: false,
};

/** `pixi.js`: `get()` lends an object, `return(obj)` takes it back; the GC reclaims what is not returned. */
const pixi: AllocatorDescription = {
  name: 'pixi.js',
  module: 'pixi.js',
  owners: [
    { from: 'new', name: 'Pool' },
    { from: 'instance', name: 'BigPool' },
    { from: 'instance', name: 'matrixPool' },
    { from: 'instance', name: 'boundsPool' },
    { from: 'type', type: { from: 'package', package: 'pixi.js', name: ['Pool', 'PoolGroup'] } },
  ],
  acquisition: 'object',
  methods: { acquire: ['get'], release: ['return'] },
  mustRelease: false,
  mustDestroy: false,
};

/** `@thi.ng/malloc`: `malloc`/`calloc` return addresses, `free(addr)` ends one, `freeAll()` all, `release()` the pool. */
const thingMalloc: AllocatorDescription = {
  name: '@thi.ng/malloc',
  module: '@thi.ng/malloc',
  owners: [
    { from: 'new', name: 'MemPool' },
    { from: 'type', type: { from: 'package', package: '@thi.ng/malloc', name: 'MemPool' } },
  ],
  acquisition: 'address',
  methods: { acquire: ['malloc', 'calloc'], release: ['free'], reset: ['freeAll'], destroy: ['release'] },
  mustRelease: false,
  // Its memory is an ArrayBuffer the GC reclaims with the pool.
  mustDestroy: false,
};

/** The library descriptions that are on unless `settings.arena.builtins` says otherwise. */
export const BUILTIN_DESCRIPTIONS: readonly AllocatorDescription[] = [pg, genericPool, typeorm, pixi, thingMalloc];

/** The module every rule treats as the allocator runtime, whatever the settings say. */
export const RUNTIME_MODULE = 'eslint-plugin-arena/runtime';
/** The runtime's own package name (the same runtime, installed without the plugin). */
export const RUNTIME_PACKAGE = 'arena-runtime';
/** The runtime's module names, each with its subpaths; `settings.arena.modules` adds exact specifiers to them. */
export const RUNTIME_MODULES: readonly string[] = [RUNTIME_MODULE, RUNTIME_PACKAGE];

function runtimeType(name: string): AllocatorDescription['owners'][number][] {
  return RUNTIME_MODULES.map((module) => ({ from: 'type', type: { from: 'package', package: module, name } }) as const);
}

/** The name of the runtime's shared-pool description: the owners whose handles may cross threads. */
export const SHARED_POOL_DESCRIPTION = 'arena-runtime (shared pool)';

/**
 * This project's runtime, in the same format. Its free functions (`allocTagged`, `strView`,
 * `MemTag`...) are not owners and are known to the rules by name (src/allocators.ts).
 */
export const RUNTIME_DESCRIPTIONS: ReadonlyArray<{ readonly description: AllocatorDescription; readonly kind: OwnerKind }> = [
  {
    kind: 'arena',
    description: {
      name: 'arena-runtime (arena)',
      module: RUNTIME_MODULES,
      owners: [{ from: 'call', name: 'createArena' }, { from: 'scoped', name: 'withArena' }, ...runtimeType('Arena')],
      acquisition: 'handle',
      methods: { acquire: ['alloc', 'allocAligned'], release: ['free'], access: ['bytes'], reset: ['reset'], destroy: ['destroy'] },
      mustRelease: false,
      mustDestroy: true,
      tags: true,
    },
  },
  {
    kind: 'pool',
    description: {
      name: 'arena-runtime (pool)',
      module: RUNTIME_MODULES,
      owners: [{ from: 'call', name: 'createPool' }, ...runtimeType('Pool')],
      acquisition: 'handle',
      methods: { acquire: ['alloc', 'allocAligned'], release: ['free'], access: ['bytes'], destroy: ['destroy'] },
      mustRelease: false,
      mustDestroy: true,
      tags: true,
    },
  },
  {
    // A pool over a SharedArrayBuffer: its handles mean the same in every worker (they may be
    // posted to one); `detach()` ends it in this thread as `destroy()` does everywhere.
    kind: 'pool',
    description: {
      name: SHARED_POOL_DESCRIPTION,
      module: RUNTIME_MODULES,
      owners: [{ from: 'call', name: 'createSharedPool' }, { from: 'call', name: 'attachSharedPool' }, ...runtimeType('SharedPool')],
      acquisition: 'handle',
      methods: { acquire: ['alloc'], release: ['free'], access: ['bytes'], destroy: ['destroy', 'detach'] },
      mustRelease: false,
      mustDestroy: true,
      tags: false,
    },
  },
  {
    kind: 'objectPool',
    description: {
      name: 'arena-runtime (object pool)',
      module: RUNTIME_MODULES,
      owners: [{ from: 'call', name: 'createObjectPool' }, ...runtimeType('ObjectPool')],
      acquisition: 'handle',
      methods: { acquire: ['alloc', 'allocAligned'], release: ['free'], access: ['get'], destroy: ['destroy'] },
      mustRelease: false,
      mustDestroy: true,
      tags: true,
    },
  },
];
