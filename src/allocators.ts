// Import resolution: which identifiers and member expressions of a file denote an allocator, and
// which allocator description each owner comes from.
//
// Names are resolved through the scope manager, never by spelling: `import { createArena as mk }`,
// `import * as rt` (`rt.createArena`, `rt['createArena']`), `const { createArena } = rt`,
// `const mk = createArena`, `require(...)` all resolve; a local function that merely happens to be
// called `createArena` (or a local class called `Pool`) does not. Modules are matched by what
// they are (src/module-resolution.ts): a package and its subpaths, or project files by glob.
//
// Cost for a file that imports no described module: one look at each import's specifier.

import { dirname } from 'node:path';

import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import * as ASTUtils from '@typescript-eslint/utils/ast-utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import type { Scope } from '@typescript-eslint/utils/ts-eslint';
import { RUNTIME_MODULES } from './builtin-allocators.js';
import { importMatchesGlobs, isPackageImport, isPathSpecifier } from './module-resolution.js';
import { getArenaSettings, type ArenaSettings, type OwnerKind, type ResolvedDescription, type ResolvedMethods } from './settings.js';

export type { OwnerKind } from './settings.js';

/**
 * Every runtime export the rules know by name (functions, `MemTag`, `ByteBuffer`). The one list:
 * {@link RuntimeApi} is read from it, and test/runtime-api-names.test.ts checks it against what
 * `arena-runtime` exports.
 */
export const RUNTIME_APIS = [
  'createArena',
  'createPool',
  'createObjectPool',
  'createSharedPool',
  'attachSharedPool',
  'withArena',
  'allocTagged',
  'freeTagged',
  'MemTag',
  'defineTag',
  'strView',
  'slice',
  'ByteBuffer',
  'isTaggedLive',
  'taggedBytes',
] as const;

/** The name of a runtime export the rules know (see {@link RUNTIME_APIS}). */
export type RuntimeApi = (typeof RUNTIME_APIS)[number];

/** Runtime type names that mark a parameter or variable as an owner or a handle by annotation. */
const RUNTIME_TYPES = ['Arena', 'Pool', 'ObjectPool', 'Handle'] as const;

/** A runtime type name the rules recognise in annotations (see `RUNTIME_TYPES`). */
export type RuntimeTypeName = (typeof RUNTIME_TYPES)[number];

/** Method names by the older roles (alloc/free/reset/destroy), as the leak analysis reads them. */
export interface AllocatorMethods {
  readonly alloc: ReadonlySet<string>;
  readonly free: ReadonlySet<string>;
  readonly reset: ReadonlySet<string>;
  readonly destroy: ReadonlySet<string>;
}

/** An imported singleton owner (`import { BigPool } from 'pixi.js'`). */
export interface InstanceOwner {
  readonly variable: Scope.Variable;
  /** The local name's identifier in the import (or `require`) that binds it. */
  readonly identifier: TSESTree.Identifier;
  readonly description: ResolvedDescription;
}

/** A singleton owner read as `ns.Name` (`import * as PIXI from 'pixi.js'; PIXI.BigPool.get()`). */
export interface NamespaceInstance {
  /** `PIXI.BigPool`, as first written. */
  readonly name: string;
  readonly members: readonly TSESTree.MemberExpression[];
  readonly description: ResolvedDescription;
}

export interface AllocatorApi {
  /** false when the file imports nothing from the runtime or a described module: rules bail out. */
  readonly active: boolean;
  /** The descriptions whose module this file imports, in priority order. */
  readonly descriptions: readonly ResolvedDescription[];
  /** Which API a callee / reference denotes, through `import { createArena as mk }`,
   *  `import * as rt` (rt.createArena), and described factories (`call` owners read as
   *  createArena/createPool/createObjectPool by their kind, `scoped` ones as withArena); null otherwise.
   *  Uses scope analysis: a local shadowing variable named createArena is NOT the API. */
  apiOf(node: TSESTree.Node): RuntimeApi | null;
  /** For a factory call or a `new` creating an owner: the description it comes from, else null. */
  creationOf(node: TSESTree.CallExpression | TSESTree.NewExpression): ResolvedDescription | null;
  /** For a call creating an owner: its kind (the kind of {@link creationOf}'s description). */
  ownerKindOfCreation(node: TSESTree.CallExpression | TSESTree.NewExpression): OwnerKind | null;
  /** For a withArena-like call (a `scoped` owner source): the description its callback's owner follows. */
  scopedOf(call: TSESTree.CallExpression): ResolvedDescription | null;
  /** Imported singletons that are owners (`instance` owner sources). */
  instanceOwners(): readonly InstanceOwner[];
  /**
   * Singletons reached through a namespace or default import (`PIXI.BigPool`): one entry per
   * singleton, with every `ns.Name` member expression that reads it.
   */
  namespaceInstances(): readonly NamespaceInstance[];
  /** This runtime's default method names (alloc/free/reset/destroy). Owners read their own description's. */
  readonly methods: AllocatorMethods;
  /** A description's methods by the older roles (release as free, acquire as alloc). */
  methodsOf(description: { readonly methods: ResolvedMethods } | null | undefined): AllocatorMethods;
  /** Source text that names MemTag in this file ('MemTag', 'rt.MemTag', or a local alias), or null if not imported. */
  memTagReference(): string | null;
  /** The ImportDeclaration of the runtime module, if any (for fixes that add a specifier).
   *  Prefers a value import with named specifiers (one a fix can append `MemTag` to). */
  runtimeImport(): TSESTree.ImportDeclaration | null;
  /** Which runtime type a type annotation names (`Arena`, `rt.Pool`, `ObjectPool<T>`, `Handle`), or null. */
  runtimeTypeOf(type: TSESTree.TypeNode | TSESTree.TSTypeAnnotation | undefined): RuntimeTypeName | null;
  /** The description whose `{ from: 'type' }` owner an annotation names (`a: Arena`, `pool: pg.Pool`), or null. */
  descriptionOfType(type: TSESTree.TypeNode | TSESTree.TSTypeAnnotation | undefined): ResolvedDescription | null;
  /** Owner kind named by a type annotation (`a: Arena` -> 'arena'), or null. */
  ownerKindOfType(type: TSESTree.TypeNode | TSESTree.TSTypeAnnotation | undefined): OwnerKind | null;
  /** The descriptions an import specifier of this file denotes (empty for any other module). */
  descriptionsOf(specifier: string): readonly ResolvedDescription[];
  /** Whether an import specifier is this project's runtime (`eslint-plugin-arena/runtime`, `arena-runtime`, `settings.arena.modules`). */
  isRuntimeSpecifier(specifier: string): boolean;
  /** The validated settings this API was built from. */
  readonly settings: ArenaSettings;
  /**
   * Every call in the file whose callee denotes an API ({@link apiOf} non-null), found through the
   * references of the import bindings and their aliases rather than by walking the AST.
   */
  apiCalls(): readonly TSESTree.CallExpression[];
  /** Every `new X(...)` whose class is a described `new` owner source, found the same way. */
  ownerNews(): readonly TSESTree.NewExpression[];
}


const DEFAULT_METHODS: AllocatorMethods = {
  alloc: new Set(['alloc', 'allocAligned']),
  free: new Set(['free']),
  reset: new Set(['reset']),
  destroy: new Set(['destroy']),
};

const CREATION_API: Readonly<Record<OwnerKind, RuntimeApi>> = { arena: 'createArena', pool: 'createPool', objectPool: 'createObjectPool' };

/** What one export of a matched module means to the rules. */
interface ExportEntry {
  /** A runtime function or value (`allocTagged`, `MemTag`), or the API a described factory reads as. */
  readonly api: RuntimeApi | null;
  /** Where it makes owners: called, constructed, itself one, or withArena-like. */
  readonly owner: { readonly from: 'call' | 'new' | 'instance' | 'scoped'; readonly description: ResolvedDescription } | null;
  /** As a type: the runtime type it is, and the description whose owners have it. */
  readonly runtimeType: RuntimeTypeName | null;
  readonly typeDescription: ResolvedDescription | null;
}

/** What a module exports that matters: export name -> entry. */
interface ModuleExports {
  readonly entries: ReadonlyMap<string, ExportEntry>;
  readonly descriptions: readonly ResolvedDescription[];
  readonly runtime: boolean;
}

/** A local name's meaning: an export, and/or a namespace of a module (a default import of a CommonJS package is both). */
interface Binding {
  readonly entry: ExportEntry | null;
  readonly namespace: ModuleExports | null;
}

function buildExports(descriptions: readonly ResolvedDescription[], runtime: boolean): ModuleExports {
  const entries = new Map<string, { -readonly [key in keyof ExportEntry]: ExportEntry[key] }>();
  const entry = (name: string): { -readonly [key in keyof ExportEntry]: ExportEntry[key] } => {
    let found = entries.get(name);
    if (!found) entries.set(name, (found = { api: null, owner: null, runtimeType: null, typeDescription: null }));
    return found;
  };
  if (runtime) {
    for (const api of RUNTIME_APIS) entry(api).api = api;
    for (const type of RUNTIME_TYPES) entry(type).runtimeType = type;
  }
  // Earlier descriptions win: the user's over the built-ins for the same export.
  for (const description of descriptions) {
    for (const source of description.owners) {
      if (source.from === 'type') {
        if (source.type.from !== 'package') continue;
        for (const name of typeof source.type.name === 'string' ? [source.type.name] : source.type.name) {
          const target = entry(name);
          target.typeDescription ??= description;
        }
        continue;
      }
      const target = entry(source.name);
      if (target.owner) continue;
      target.owner = { from: source.from, description };
      if (source.from === 'call') target.api ??= CREATION_API[description.kind];
      if (source.from === 'scoped') target.api ??= 'withArena';
    }
  }
  return { entries, descriptions, runtime };
}

/** Static name of `obj.name` / `obj['name']`, or null when computed from something else. */
export function staticPropertyName(member: TSESTree.MemberExpression): string | null {
  if (!member.computed) {
    return member.property.type === AST_NODE_TYPES.Identifier ? member.property.name : null;
  }
  const property = member.property;
  if (property.type === AST_NODE_TYPES.Literal && typeof property.value === 'string') return property.value;
  if (property.type === AST_NODE_TYPES.TemplateLiteral && property.expressions.length === 0) {
    return property.quasis[0]?.value.cooked ?? null;
  }
  return null;
}

function importedName(specifier: TSESTree.ImportSpecifier): string {
  return specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value;
}

function propertyKeyName(property: TSESTree.Property): string | null {
  if (!property.computed && property.key.type === AST_NODE_TYPES.Identifier) return property.key.name;
  if (property.key.type === AST_NODE_TYPES.Literal && typeof property.key.value === 'string') return property.key.value;
  return null;
}

/** `require('x')` / `await import('x')` with a literal specifier: the specifier. */
function dynamicImportSource(init: TSESTree.Expression): string | null {
  const expression = init.type === AST_NODE_TYPES.AwaitExpression ? init.argument : init;
  if (expression.type === AST_NODE_TYPES.ImportExpression) {
    return expression.source.type === AST_NODE_TYPES.Literal && typeof expression.source.value === 'string'
      ? expression.source.value
      : null;
  }
  if (
    expression.type === AST_NODE_TYPES.CallExpression &&
    expression.callee.type === AST_NODE_TYPES.Identifier &&
    expression.callee.name === 'require' &&
    expression.arguments.length === 1
  ) {
    const argument = expression.arguments[0];
    return argument?.type === AST_NODE_TYPES.Literal && typeof argument.value === 'string' ? argument.value : null;
  }
  return null;
}

const MAX_ALIAS_DEPTH = 8;

/** Expressions `resolveBinding` follows; any other initializer binds nothing unless it imports. */
const FOLLOWED_EXPRESSION_TYPES: ReadonlySet<string> = new Set([
  AST_NODE_TYPES.Identifier,
  AST_NODE_TYPES.MemberExpression,
  AST_NODE_TYPES.TSNonNullExpression,
  AST_NODE_TYPES.TSAsExpression,
  AST_NODE_TYPES.TSSatisfiesExpression,
  AST_NODE_TYPES.TSTypeAssertion,
  AST_NODE_TYPES.ChainExpression,
  AST_NODE_TYPES.SequenceExpression,
]);

/** Whether `bindingOfAlias` can find a binding through this initializer (a superset of when it does). */
function mayBeAlias(init: TSESTree.Expression, exportsOf: (source: string) => ModuleExports | null): boolean {
  if (FOLLOWED_EXPRESSION_TYPES.has(init.type)) return true;
  const source = dynamicImportSource(init);
  return source !== null && exportsOf(source) !== null;
}

/**
 * Which descriptions an import specifier denotes, cached per settings object: by specifier alone
 * when no description names files by path, else per importing directory too (relative paths and
 * tsconfig `paths` depend on it).
 */
class ModuleMatcher {
  private readonly bySpecifier = new Map<string, ModuleExports | null>();
  private readonly exportsByKey = new Map<string, ModuleExports>();
  private readonly hasPaths: boolean;

  constructor(private readonly settings: ArenaSettings) {
    this.hasPaths = settings.descriptions.some((description) => description.module.paths.length > 0);
  }

  isRuntime(specifier: string): boolean {
    return this.settings.modules.includes(specifier) || RUNTIME_MODULES.some((pkg) => isPackageImport(specifier, pkg));
  }

  exportsFor(specifier: string, filename: string, cwd: string): ModuleExports | null {
    // Resolution depends on the importing directory, not the file: one entry per directory.
    const key = this.hasPaths ? `${cwd}\0${dirname(filename)}\0${specifier}` : specifier;
    const cached = this.bySpecifier.get(key);
    if (cached !== undefined) return cached;
    const runtime = this.isRuntime(specifier);
    const matched: ResolvedDescription[] = [];
    for (const description of this.settings.descriptions) {
      if (description.origin === 'runtime') {
        if (runtime) matched.push(description);
        continue;
      }
      const { packages, paths } = description.module;
      if (
        (packages.length > 0 && !isPathSpecifier(specifier) && packages.some((pkg) => isPackageImport(specifier, pkg))) ||
        (paths.length > 0 && importMatchesGlobs(specifier, filename, paths, cwd))
      ) {
        matched.push(description);
      }
    }
    let result: ModuleExports | null = null;
    if (matched.length > 0 || runtime) {
      const listKey = `${runtime}:${matched.map((description) => this.settings.descriptions.indexOf(description)).join(',')}`;
      result = this.exportsByKey.get(listKey) ?? null;
      if (!result) this.exportsByKey.set(listKey, (result = buildExports(matched, runtime)));
    }
    this.bySpecifier.set(key, result);
    return result;
  }
}

const matchers = new WeakMap<ArenaSettings, ModuleMatcher>();

function matcherFor(settings: ArenaSettings): ModuleMatcher {
  let matcher = matchers.get(settings);
  if (!matcher) matchers.set(settings, (matcher = new ModuleMatcher(settings)));
  return matcher;
}

const methodsByDescription = new WeakMap<object, AllocatorMethods>();

function legacyMethods(description: { readonly methods: ResolvedMethods } | null | undefined): AllocatorMethods {
  if (!description) return DEFAULT_METHODS;
  let methods = methodsByDescription.get(description);
  if (!methods) {
    methods = {
      alloc: description.methods.acquire,
      free: new Set([...description.methods.release, ...description.methods.releaseSelf]),
      reset: description.methods.reset,
      destroy: description.methods.destroy,
    };
    methodsByDescription.set(description, methods);
  }
  return methods;
}

class FileAllocatorApi implements AllocatorApi {
  readonly active: boolean;
  readonly methods: AllocatorMethods = DEFAULT_METHODS;
  readonly descriptions: readonly ResolvedDescription[];
  private readonly bindings = new Map<Scope.Variable, Binding>();
  private readonly aliasCache = new Map<Scope.Variable, Binding | null>();
  private readonly imports: TSESTree.ImportDeclaration[] = [];
  private readonly matcher: ModuleMatcher;
  private readonly instances: InstanceOwner[] = [];
  private memTagText: string | null | undefined;

  constructor(
    private readonly sourceCode: Readonly<TSESLint.SourceCode>,
    readonly settings: ArenaSettings,
    private readonly filename: string,
    private readonly cwd: string,
  ) {
    this.matcher = matcherFor(settings);
    const active = new Set<ResolvedDescription>();
    for (const statement of sourceCode.ast.body) {
      if (statement.type !== AST_NODE_TYPES.ImportDeclaration) continue;
      const exports = this.exportsOf(statement.source.value);
      if (!exports) continue;
      this.imports.push(statement);
      for (const description of exports.descriptions) active.add(description);
      for (const specifier of statement.specifiers) this.bindImportSpecifier(specifier, exports);
    }
    for (const declarator of this.dynamicImportDeclarators()) {
      const source = declarator.init ? dynamicImportSource(declarator.init) : null;
      for (const description of (source !== null ? this.exportsOf(source)?.descriptions : undefined) ?? []) active.add(description);
      this.bindRequiredInstances(declarator);
    }
    this.active = this.imports.length > 0 || this.dynamicImportDeclarators().length > 0;
    this.descriptions = settings.descriptions.filter((description) => active.has(description));
  }

  private exportsOf(source: string): ModuleExports | null {
    return this.matcher.exportsFor(source, this.filename, this.cwd);
  }

  isRuntimeSpecifier(specifier: string): boolean {
    return this.matcher.isRuntime(specifier);
  }

  descriptionsOf(specifier: string): readonly ResolvedDescription[] {
    return this.exportsOf(specifier)?.descriptions ?? [];
  }

  methodsOf(description: { readonly methods: ResolvedMethods } | null | undefined): AllocatorMethods {
    return legacyMethods(description);
  }

  instanceOwners(): readonly InstanceOwner[] {
    return this.instances;
  }

  private namespaceInstanceCache: NamespaceInstance[] | null = null;

  namespaceInstances(): readonly NamespaceInstance[] {
    if (this.namespaceInstanceCache) return this.namespaceInstanceCache;
    const found = new Map<string, { name: string; members: TSESTree.MemberExpression[]; description: ResolvedDescription }>();
    for (const [variable, binding] of this.bindings) {
      if (!binding.namespace) continue;
      for (const reference of variable.references) {
        const member = reference.identifier.parent;
        if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== reference.identifier) continue;
        const name = staticPropertyName(member);
        const owner = name === null ? null : binding.namespace.entries.get(name)?.owner;
        if (owner?.from !== 'instance') continue;
        // One owner per export, however many namespace imports reach it.
        const key = `${owner.description.name}\0${name}`;
        let entry = found.get(key);
        if (!entry) found.set(key, (entry = { name: `${variable.name}.${name}`, members: [], description: owner.description }));
        entry.members.push(member);
      }
    }
    return (this.namespaceInstanceCache = [...found.values()]);
  }

  private bindImportSpecifier(specifier: TSESTree.ImportClause, exports: ModuleExports): void {
    const variable = this.sourceCode.getDeclaredVariables(specifier)[0];
    if (!variable) return;
    if (specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier) {
      this.bindings.set(variable, { entry: null, namespace: exports });
      return;
    }
    // A default import is the `default` export, and of a CommonJS package (`import pg from 'pg'`)
    // also the namespace: `new pg.Pool()`.
    const isDefault = specifier.type === AST_NODE_TYPES.ImportDefaultSpecifier;
    const name = isDefault ? 'default' : importedName(specifier);
    const entry = exports.entries.get(name) ?? null;
    if (entry || isDefault) this.bindings.set(variable, { entry, namespace: isDefault ? exports : null });
    if (entry?.owner?.from === 'instance') {
      this.instances.push({ variable, identifier: specifier.local, description: entry.owner.description });
    }
  }

  /** `const { BigPool } = require('pixi.js')`: destructured singletons are owners too. */
  private bindRequiredInstances(declarator: TSESTree.VariableDeclarator): void {
    if (declarator.id.type !== AST_NODE_TYPES.ObjectPattern || !declarator.init) return;
    const source = dynamicImportSource(declarator.init);
    const exports = source === null ? null : this.exportsOf(source);
    if (!exports) return;
    for (const property of declarator.id.properties) {
      if (property.type !== AST_NODE_TYPES.Property || property.value.type !== AST_NODE_TYPES.Identifier) continue;
      const key = propertyKeyName(property);
      const owner = key === null ? null : exports.entries.get(key)?.owner;
      if (owner?.from !== 'instance') continue;
      const local = property.value;
      const variable = this.sourceCode.getDeclaredVariables(declarator).find((candidate) => candidate.name === local.name);
      if (variable) this.instances.push({ variable, identifier: local, description: owner.description });
    }
  }

  private dynamicImportCache: TSESTree.VariableDeclarator[] | null = null;

  private dynamicImportDeclarators(): TSESTree.VariableDeclarator[] {
    if (this.dynamicImportCache) return this.dynamicImportCache;
    const found: TSESTree.VariableDeclarator[] = [];
    for (const statement of this.sourceCode.ast.body) {
      if (statement.type !== AST_NODE_TYPES.VariableDeclaration) continue;
      for (const declarator of statement.declarations) {
        const source = declarator.init ? dynamicImportSource(declarator.init) : null;
        if (source !== null && this.exportsOf(source) !== null) found.push(declarator);
      }
    }
    return (this.dynamicImportCache = found);
  }

  private apiCallCache: TSESTree.CallExpression[] | null = null;
  private newCache: TSESTree.NewExpression[] = [];
  /** Identifiers whose variable is known from the references `apiCalls` followed. */
  private readonly knownVariables = new Map<TSESTree.Node, Scope.Variable>();

  apiCalls(): readonly TSESTree.CallExpression[] {
    if (this.apiCallCache) return this.apiCallCache;
    const calls = new Set<TSESTree.CallExpression>();
    const news = new Set<TSESTree.NewExpression>();
    if (!this.active) return (this.apiCallCache = []);
    const carriers: Scope.Variable[] = [...this.bindings.keys()];
    for (const declarator of this.dynamicImportDeclarators()) carriers.push(...this.sourceCode.getDeclaredVariables(declarator));
    const seen = new Set<Scope.Variable>(carriers);
    while (carriers.length > 0) {
      const variable = carriers.pop()!;
      for (const reference of variable.references) {
        if (!reference.isRead()) continue;
        // The scope manager already resolved this name: no need to look it up again below.
        this.knownVariables.set(reference.identifier, variable);
        let expression: TSESTree.Node = reference.identifier;
        const member = expression.parent;
        if (member?.type === AST_NODE_TYPES.MemberExpression && member.object === expression) expression = member;
        const call = calleeCall(expression) ?? (expression !== reference.identifier ? calleeCall(reference.identifier) : null);
        if (call?.type === AST_NODE_TYPES.CallExpression && this.apiOf(call.callee) !== null) calls.add(call);
        if (call?.type === AST_NODE_TYPES.NewExpression && this.creationOf(call) !== null) news.add(call);
        // Aliases: `const mk = createArena`, `const { createArena } = rt`, `const alias = rt`.
        const declarator = climbWrappers(expression).parent;
        const aliasSource = declarator?.type === AST_NODE_TYPES.VariableDeclarator ? declarator : climbWrappers(reference.identifier).parent;
        if (aliasSource?.type === AST_NODE_TYPES.VariableDeclarator && aliasSource.parent.kind === 'const') {
          for (const alias of this.sourceCode.getDeclaredVariables(aliasSource)) {
            if (!seen.has(alias)) {
              seen.add(alias);
              carriers.push(alias);
            }
          }
        }
      }
    }
    this.newCache = [...news].sort((a, b) => a.range[0] - b.range[0]);
    this.apiCallCache = [...calls].sort((a, b) => a.range[0] - b.range[0]);
    return this.apiCallCache;
  }

  ownerNews(): readonly TSESTree.NewExpression[] {
    this.apiCalls();
    return this.newCache;
  }

  private entryOf(node: TSESTree.Node): ExportEntry | null {
    return this.bindingOf(node, 0)?.entry ?? null;
  }

  apiOf(node: TSESTree.Node): RuntimeApi | null {
    return this.entryOf(node)?.api ?? null;
  }

  creationOf(node: TSESTree.CallExpression | TSESTree.NewExpression): ResolvedDescription | null {
    const owner = this.entryOf(node.callee)?.owner;
    if (!owner) return null;
    const wanted = node.type === AST_NODE_TYPES.NewExpression ? 'new' : 'call';
    return owner.from === wanted ? owner.description : null;
  }

  ownerKindOfCreation(node: TSESTree.CallExpression | TSESTree.NewExpression): OwnerKind | null {
    return this.creationOf(node)?.kind ?? null;
  }

  scopedOf(call: TSESTree.CallExpression): ResolvedDescription | null {
    const owner = this.entryOf(call.callee)?.owner;
    return owner?.from === 'scoped' ? owner.description : null;
  }

  private typeEntryOf(type: TSESTree.TypeNode | TSESTree.TSTypeAnnotation | undefined): ExportEntry | null {
    if (!type) return null;
    if (type.type === AST_NODE_TYPES.TSTypeAnnotation) return this.typeEntryOf(type.typeAnnotation);
    if (type.type !== AST_NODE_TYPES.TSTypeReference) return null;
    const name = type.typeName;
    if (name.type === AST_NODE_TYPES.Identifier) return this.bindingOf(name, 0)?.entry ?? null;
    if (name.type === AST_NODE_TYPES.TSQualifiedName && name.left.type === AST_NODE_TYPES.Identifier) {
      const namespace = this.bindingOf(name.left, 0)?.namespace;
      return namespace?.entries.get(name.right.name) ?? null;
    }
    return null;
  }

  runtimeTypeOf(type: TSESTree.TypeNode | TSESTree.TSTypeAnnotation | undefined): RuntimeTypeName | null {
    return this.typeEntryOf(type)?.runtimeType ?? null;
  }

  descriptionOfType(type: TSESTree.TypeNode | TSESTree.TSTypeAnnotation | undefined): ResolvedDescription | null {
    return this.typeEntryOf(type)?.typeDescription ?? null;
  }

  ownerKindOfType(type: TSESTree.TypeNode | TSESTree.TSTypeAnnotation | undefined): OwnerKind | null {
    return this.descriptionOfType(type)?.kind ?? null;
  }

  memTagReference(): string | null {
    if (this.memTagText === undefined) this.memTagText = this.findMemTagText();
    return this.memTagText;
  }

  private findMemTagText(): string | null {
    let namespaceName: string | null = null;
    for (const declaration of this.imports) {
      if (declaration.importKind === 'type' || !this.isRuntimeSpecifier(declaration.source.value)) continue;
      for (const specifier of declaration.specifiers) {
        if (
          specifier.type === AST_NODE_TYPES.ImportSpecifier &&
          specifier.importKind !== 'type' &&
          importedName(specifier) === 'MemTag'
        ) {
          return specifier.local.name;
        }
        if (specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier) namespaceName ??= specifier.local.name;
      }
    }
    return namespaceName === null ? null : `${namespaceName}.MemTag`;
  }

  runtimeImport(): TSESTree.ImportDeclaration | null {
    const runtimeImports = this.imports.filter((declaration) => this.isRuntimeSpecifier(declaration.source.value));
    const extendable = runtimeImports.find(
      (declaration) =>
        declaration.importKind !== 'type' &&
        !declaration.specifiers.some((specifier) => specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier),
    );
    return extendable ?? runtimeImports[0] ?? null;
  }

  /** Results of top-level lookups: several rules ask about the same callee of every call. */
  private readonly rootBindingCache = new Map<TSESTree.Node, Binding | null>();

  private bindingOf(node: TSESTree.Node, depth: number): Binding | null {
    if (!this.active || depth > MAX_ALIAS_DEPTH) return null;
    if (depth === 0) {
      const cached = this.rootBindingCache.get(node);
      if (cached !== undefined) return cached;
      const resolved = this.resolveBinding(node, 0);
      this.rootBindingCache.set(node, resolved);
      return resolved;
    }
    return this.resolveBinding(node, depth);
  }

  private resolveBinding(node: TSESTree.Node, depth: number): Binding | null {
    switch (node.type) {
      case AST_NODE_TYPES.Identifier:
        return this.bindingOfIdentifier(node, depth);
      case AST_NODE_TYPES.MemberExpression: {
        const namespace = this.bindingOf(node.object, depth + 1)?.namespace;
        if (!namespace) return null;
        const name = staticPropertyName(node);
        const entry = name === null ? null : namespace.entries.get(name);
        return entry ? { entry, namespace: null } : null;
      }
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSSatisfiesExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
        return this.bindingOf(node.expression, depth + 1);
      case AST_NODE_TYPES.ChainExpression:
        return this.bindingOf(node.expression, depth + 1);
      case AST_NODE_TYPES.SequenceExpression: {
        const last = node.expressions[node.expressions.length - 1];
        return last ? this.bindingOf(last, depth + 1) : null;
      }
      default:
        return null;
    }
  }

  private bindingOfIdentifier(identifier: TSESTree.Identifier, depth: number): Binding | null {
    if (!this.active) return null;
    // Most identifiers asked about (the callee of every call, every parameter's type) cannot name
    // a binding; their spelling alone tells, which saves a scope lookup each.
    if (!this.bindableNames().has(identifier.name)) return null;
    const variable = this.knownVariables.get(identifier) ?? ASTUtils.findVariable(this.sourceCode.getScope(identifier), identifier);
    if (!variable) return null;
    const direct = this.bindings.get(variable);
    if (direct) return direct;
    if (this.aliasCache.has(variable)) return this.aliasCache.get(variable) ?? null;
    // Mark before resolving so that a self-referential alias cannot recurse forever.
    this.aliasCache.set(variable, null);
    const resolved = this.bindingOfAlias(variable, depth);
    this.aliasCache.set(variable, resolved);
    return resolved;
  }

  private bindableNameCache: ReadonlySet<string> | null = null;

  /**
   * Every name a variable with a binding can have: the imports bound to an allocator module, and
   * each `const` that {@link bindingOfAlias} could resolve (one definition, an initializer it follows).
   */
  private bindableNames(): ReadonlySet<string> {
    if (this.bindableNameCache) return this.bindableNameCache;
    const names = new Set<string>();
    for (const variable of this.bindings.keys()) names.add(variable.name);
    const exportsOf = (source: string): ModuleExports | null => this.exportsOf(source);
    for (const scope of this.sourceCode.scopeManager?.scopes ?? []) {
      for (const variable of scope.variables) {
        if (variable.defs.length !== 1) continue;
        const definition = variable.defs[0];
        if (definition?.type !== 'Variable' || definition.parent.kind !== 'const') continue;
        const init = definition.node.init;
        if (init && mayBeAlias(init, exportsOf)) names.add(variable.name);
      }
    }
    this.bindableNameCache = names;
    return names;
  }

  /** `const mk = createArena`, `const { createArena: mk } = rt`, `const rt = require('…')`. */
  private bindingOfAlias(variable: Scope.Variable, depth: number): Binding | null {
    if (variable.defs.length !== 1) return null;
    const definition = variable.defs[0];
    if (definition?.type !== 'Variable' || definition.parent.kind !== 'const') return null;
    const declarator = definition.node;
    const init = declarator.init;
    if (!init) return null;
    const source = dynamicImportSource(init);
    let sourceBinding: Binding | null;
    if (source !== null) {
      const exports = this.exportsOf(source);
      sourceBinding = exports ? { entry: exports.entries.get('default') ?? null, namespace: exports } : null;
    } else {
      sourceBinding = this.bindingOf(init, depth + 1);
    }
    if (!sourceBinding) return null;
    if (declarator.id.type === AST_NODE_TYPES.Identifier) return sourceBinding;
    if (declarator.id.type !== AST_NODE_TYPES.ObjectPattern || !sourceBinding.namespace) return null;
    for (const property of declarator.id.properties) {
      if (property.type !== AST_NODE_TYPES.Property) continue;
      const value = property.value.type === AST_NODE_TYPES.AssignmentPattern ? property.value.left : property.value;
      if (value.type !== AST_NODE_TYPES.Identifier || value.name !== variable.name) continue;
      const name = propertyKeyName(property);
      const entry = name === null ? null : sourceBinding.namespace.entries.get(name);
      return entry ? { entry, namespace: null } : null;
    }
    return null;
  }
}

/** Up through TS wrappers, `?.` chains and the last expression of `(0, f)`. */
function climbWrappers(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (;;) {
    const parent = current.parent;
    if (
      parent &&
      (((parent.type === AST_NODE_TYPES.TSAsExpression ||
        parent.type === AST_NODE_TYPES.TSNonNullExpression ||
        parent.type === AST_NODE_TYPES.TSSatisfiesExpression ||
        parent.type === AST_NODE_TYPES.TSTypeAssertion ||
        parent.type === AST_NODE_TYPES.ChainExpression) &&
        parent.expression === current) ||
        (parent.type === AST_NODE_TYPES.SequenceExpression && parent.expressions[parent.expressions.length - 1] === current))
    ) {
      current = parent;
      continue;
    }
    return current;
  }
}

/** The call or `new` whose callee `expression` is (through wrappers), or null. */
function calleeCall(expression: TSESTree.Node): TSESTree.CallExpression | TSESTree.NewExpression | null {
  const callee = climbWrappers(expression);
  const call = callee.parent;
  return (call?.type === AST_NODE_TYPES.CallExpression || call?.type === AST_NODE_TYPES.NewExpression) && call.callee === callee ? call : null;
}

const apiCache = new WeakMap<object, FileAllocatorApi>();

/** The allocator API of the file being linted (cached per SourceCode, shared by every rule). */
export function getAllocatorApi(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): AllocatorApi {
  const sourceCode = context.sourceCode;
  const settings = getArenaSettings(context);
  const cached = apiCache.get(sourceCode);
  if (cached && cached.settings === settings) return cached;
  const api = new FileAllocatorApi(sourceCode, settings, context.physicalFilename ?? context.filename, context.cwd);
  apiCache.set(sourceCode, api);
  if (settings.debug) process.stderr.write(debugReport(api, sourceCode, context.physicalFilename ?? context.filename));
  return api;
}

/**
 * `settings.arena.debug`: what this file's imports matched and where owners are made, one block
 * per file (the full picture, acquisitions and releases included, is `eslint-plugin-arena explain`).
 */
export function debugReport(api: AllocatorApi, sourceCode: Readonly<TSESLint.SourceCode>, filename: string): string {
  const lines = [`eslint-plugin-arena debug: ${filename}`];
  if (!api.active) return `${lines[0]}: imports no described module\n`;
  for (const statement of sourceCode.ast.body) {
    if (statement.type !== AST_NODE_TYPES.ImportDeclaration) continue;
    const names = api.descriptionsOf(statement.source.value).map((description) => description.name);
    if (names.length > 0) lines.push(`  ${statement.loc.start.line}: import '${statement.source.value}' -> ${names.join(', ')}`);
  }
  const sites: Array<{ line: number; text: string }> = [];
  for (const node of [...api.apiCalls(), ...api.ownerNews()]) {
    const description = api.creationOf(node) ?? (node.type === AST_NODE_TYPES.CallExpression ? api.scopedOf(node) : null);
    if (description) sites.push({ line: node.loc.start.line, text: `${description.name} owner: ${sourceCode.getText(node.callee)}(...)` });
  }
  for (const instance of api.instanceOwners()) {
    sites.push({ line: instance.identifier.loc.start.line, text: `${instance.description.name} owner: ${instance.identifier.name} (imported instance)` });
  }
  for (const site of sites.sort((a, b) => a.line - b.line)) lines.push(`  ${site.line}: ${site.text}`);
  if (sites.length === 0) lines.push('  no owner is created or imported here');
  return `${lines.join('\n')}\n`;
}

/** The allocator API of a parsed file outside a rule (the `explain` command). */
export function allocatorApiOf(sourceCode: Readonly<TSESLint.SourceCode>, settings: ArenaSettings, filename: string, cwd: string): AllocatorApi {
  return new FileAllocatorApi(sourceCode, settings, filename, cwd);
}
