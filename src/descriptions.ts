// The public format of `settings.arena.allocators`: allocator descriptions. One description tells
// the rules about one kind of owner (a pool, an arena, a connection pool): where its owners come
// from, which module they belong to, which of their methods acquire, release, reset and destroy,
// what an acquisition is, and which mistakes matter. The built-in descriptions (pg, generic-pool,
// typeorm, pixi.js, @thi.ng/malloc, and this project's runtime) are written in the same format
// (src/builtin-allocators.ts), so a user's own description can be copied from one of them.
//
// Shapes follow typescript-eslint's conventions (`TypeOrValueSpecifier` for named types), so a
// user who has configured `prefer-readonly-parameter-types` already knows how to name a type.

/**
 * Which module a description belongs to, by what the module *is*, never by the raw import text:
 * - a package name (`'pg'`): imports of `pg` and of its subpaths (`pg/lib/client`);
 * - a list of package names;
 * - `{ path }`: files of the project, as globs relative to the ESLint working directory
 *   (`'src/utils/pool/**'`); an import matches when it resolves to such a file, whether it is
 *   written as a relative path (`'../../utils/pool/Pool'`) or through tsconfig `paths`
 *   (`'@/utils/pool/Pool'`). Globs: `*` (within a path segment), `**` (any segments), `?`, `{a,b}`.
 */
export type ModuleSpecifier = string | readonly string[] | { readonly path: string | readonly string[] };

/**
 * A named type, as typescript-eslint's `TypeOrValueSpecifier` names one:
 * - `{ from: 'package', package, name }`: declared by that npm package (its typings, `@types/…` too);
 * - `{ from: 'file', path, name }`: declared in a project file (`path` is a glob as in
 *   {@link ModuleSpecifier}; omitted: any project file, i.e. not in `node_modules`);
 * - `{ from: 'lib', name }`: declared by TypeScript's own `lib` files.
 * `name` may list several names.
 */
export type TypeSpecifier =
  | { readonly from: 'package'; readonly package: string; readonly name: string | readonly string[] }
  | { readonly from: 'file'; readonly path?: string; readonly name: string | readonly string[] }
  | { readonly from: 'lib'; readonly name: string | readonly string[] };

/**
 * Where owners come from. Names are export names of the description's module, followed through
 * `import { x as y }`, `import * as ns` (`ns.x`), `const { x } = require(…)` and `const`
 * aliases; a local variable that merely has the same name is never an owner.
 * - `call`: calling an exported factory returns an owner: `const pool = createPool(…)`;
 * - `new`: constructing an exported class: `const pool = new Pool(…)`;
 * - `instance`: the export *is* an owner (a singleton): `BigPool.get(…)`;
 * - `scoped`: `fn(…, (owner) => { … })`: the callback's first parameter is an owner, destroyed
 *   once the callback returns (this runtime's `withArena`);
 * - `type` (type-aware mode only): any `const` or parameter whose static type is the named type:
 *   `function run(client: PoolClient)`.
 */
export type OwnerSource =
  | { readonly from: 'call'; readonly name: string }
  | { readonly from: 'new'; readonly name: string }
  | { readonly from: 'instance'; readonly name: string }
  | { readonly from: 'scoped'; readonly name: string }
  | { readonly from: 'type'; readonly type: TypeSpecifier };

/**
 * What one acquisition is:
 * - `handle`: an opaque token (this runtime's handles); only the owner's methods read through it;
 * - `address`: a number naming memory (`@thi.ng/malloc`'s `malloc`); like a handle, but arithmetic
 *   on it is expected and is not a use;
 * - `object`: the acquired thing itself (a pooled object, a `pg` client): after its release a
 *   member access, a method call, or passing it on is a use.
 */
export type AcquisitionKind = 'handle' | 'address' | 'object';

/**
 * Method names by lifetime role. They apply to this description's owners (and, for
 * `releaseSelf`, to its acquisitions) only: another description, or the runtime, is never read
 * through them. Every list is optional; an empty or missing list means "no such method".
 */
export interface DescriptionMethods {
  /** `owner.m(…)` returns a new acquisition (through `await` too): `pool.connect()`. */
  readonly acquire?: readonly string[];
  /** `owner.m(x, …)` ends acquisition `x`: `pool.release(r)`, `pool.free(h)`, `Pool.return(obj)`. */
  readonly release?: readonly string[];
  /** `x.m(…)` ends acquisition `x` itself: a `pg` client's `release()`, a typeorm `QueryRunner`'s. */
  readonly releaseSelf?: readonly string[];
  /**
   * `x.m(…)` is where acquisition `x` takes what it stands for (a typeorm `QueryRunner`'s
   * `connect()`): when it throws nothing was taken, so it is no throw that skips the release.
   */
  readonly acquireSelf?: readonly string[];
  /** `owner.m(x)` returns what acquisition `x` refers to (a view of its bytes, the pooled object), which dies with `x`. */
  readonly access?: readonly string[];
  /** `owner.m()` ends every acquisition of the owner, which stays usable: `arena.reset()`, `MemPool.freeAll()`. */
  readonly reset?: readonly string[];
  /** `owner.m()` ends the owner and every acquisition of it: `pool.end()`, `arena.destroy()`. */
  readonly destroy?: readonly string[];
}

/** One entry of `settings.arena.allocators` (all keys but `name` and `module` are optional). */
export interface AllocatorDescription {
  /** Shown in reports, in errors and by `explain`: `'pg'`, `'my-slab'`. */
  readonly name: string;
  /** The module the owners come from (see {@link ModuleSpecifier}). */
  readonly module: ModuleSpecifier;
  /** Where owners come from (see {@link OwnerSource}); at least one. */
  readonly owners: readonly OwnerSource[];
  /** What an acquisition is; default `'handle'`. */
  readonly acquisition?: AcquisitionKind;
  /** Method names by role, scoped to this description. */
  readonly methods?: DescriptionMethods;
  /**
   * Whether an acquisition not released on every path is a bug (default `false`). True for
   * connection pools (`pg`: a client never released exhausts the pool); false where the garbage
   * collector reclaims what is not given back (pixi.js).
   */
  readonly mustRelease?: boolean;
  /**
   * Whether an owner created in a function must be destroyed on every path (default: whether the
   * description lists a `destroy` method). `no-leaked-arena` reports only such owners.
   */
  readonly mustDestroy?: boolean;
  /**
   * Whether acquisitions take this runtime's memory tags (`require-alloc-tag`). Only the runtime's
   * own descriptions have `true`; a settings description must leave it `false` (an error otherwise).
   */
  readonly tags?: boolean;
}

/** `settings.arena` as a user writes it. */
export interface ArenaSettingsInput {
  /**
   * More module names that are this project's runtime (a re-export, a path alias):
   * `'eslint-plugin-arena/runtime'` and `'arena-runtime'` always are.
   */
  readonly modules?: readonly string[];
  /** Descriptions of further allocators; the built-in ones stay on unless `builtins` says otherwise. */
  readonly allocators?: readonly AllocatorDescription[];
  /**
   * Which built-in descriptions are on: `true` (default) all of them, `false` none, or a list of
   * their names (`['pg', 'generic-pool']`). The runtime's own descriptions are always on.
   */
  readonly builtins?: boolean | readonly string[];
  /**
   * When true, each linted file that imports a described module prints to stderr which
   * descriptions matched which call sites there (see docs/settings.md, "Seeing what was
   * recognised"). For a whole project at once, use `npx eslint-plugin-arena explain`.
   */
  readonly debug?: boolean;
}
