// Import resolution: which identifiers and member expressions of a file denote the allocator API.
//
// Names are resolved through the scope manager, never by spelling: `import { createArena as mk }`,
// `import * as rt` (`rt.createArena`, `rt['createArena']`), `const { createArena } = rt`,
// `const mk = createArena`, `require(...)`, and the allocators declared in `settings.arena.allocators`
// all resolve; a local function that merely happens to be called `createArena` does not.

import { ASTUtils, AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type { Scope } from '@typescript-eslint/utils/ts-eslint';
import { getArenaSettings, type AllocatorDeclaration, type ArenaSettings } from './settings.js';

export type RuntimeApi =
  | 'createArena'
  | 'createPool'
  | 'createObjectPool'
  | 'withArena'
  | 'allocTagged'
  | 'freeTagged'
  | 'MemTag'
  | 'defineTag'
  | 'strView'
  | 'slice'
  | 'ByteBuffer'
  | 'isTaggedLive'
  | 'taggedBytes';

export type OwnerKind = 'arena' | 'pool' | 'objectPool';

/** Runtime type names that mark a parameter or variable as an owner or a handle by annotation. */
export type RuntimeTypeName = 'Arena' | 'Pool' | 'ObjectPool' | 'Handle';

export interface AllocatorMethods {
  readonly alloc: ReadonlySet<string>;
  readonly free: ReadonlySet<string>;
  readonly reset: ReadonlySet<string>;
  readonly destroy: ReadonlySet<string>;
}

export interface AllocatorApi {
  /** false when the file imports nothing from the runtime or a configured allocator: rules bail out. */
  readonly active: boolean;
  /** Which API a callee / reference denotes, through `import { createArena as mk }`,
   *  `import * as rt` (rt.createArena), and configured allocators; null otherwise.
   *  Uses scope analysis: a local shadowing variable named createArena is NOT the API. */
  apiOf(node: TSESTree.Node): RuntimeApi | null;
  /** For a call creating an owner (createArena/createPool/createObjectPool or configured): its kind. */
  ownerKindOfCreation(call: TSESTree.CallExpression): OwnerKind | null;
  /** Method names per lifetime role, defaults merged with settings. */
  readonly methods: AllocatorMethods;
  /** Source text that names MemTag in this file ('MemTag', 'rt.MemTag', or a local alias), or null if not imported. */
  memTagReference(): string | null;
  /** The ImportDeclaration of the runtime module, if any (for fixes that add a specifier).
   *  Prefers a value import with named specifiers (one a fix can append `MemTag` to). */
  runtimeImport(): TSESTree.ImportDeclaration | null;
  /** Which runtime type a type annotation names (`Arena`, `rt.Pool`, `ObjectPool<T>`, `Handle`), or null. */
  runtimeTypeOf(type: TSESTree.TypeNode | TSESTree.TSTypeAnnotation | undefined): RuntimeTypeName | null;
  /** Owner kind named by a type annotation (`a: Arena` -> 'arena'), or null. */
  ownerKindOfType(type: TSESTree.TypeNode | TSESTree.TSTypeAnnotation | undefined): OwnerKind | null;
  /** The validated settings this API was built from. */
  readonly settings: ArenaSettings;
  /**
   * Every call in the file whose callee denotes an API ({@link apiOf} non-null), found through the
   * references of the import bindings and their aliases rather than by walking the AST.
   */
  apiCalls(): readonly TSESTree.CallExpression[];
}

const RUNTIME_APIS: ReadonlySet<string> = new Set<RuntimeApi>([
  'createArena',
  'createPool',
  'createObjectPool',
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
]);
const RUNTIME_TYPES: ReadonlySet<string> = new Set<RuntimeTypeName>(['Arena', 'Pool', 'ObjectPool', 'Handle']);

const DEFAULT_METHODS = {
  alloc: ['alloc', 'allocAligned'],
  free: ['free'],
  reset: ['reset'],
  destroy: ['destroy'],
} as const;

/** What one module exports that matters to the rules: export name -> API / type. */
interface ModuleExports {
  readonly values: ReadonlyMap<string, RuntimeApi>;
  readonly types: ReadonlyMap<string, RuntimeTypeName>;
}

type Binding =
  | { readonly kind: 'value'; readonly api: RuntimeApi }
  | { readonly kind: 'type'; readonly type: RuntimeTypeName }
  | { readonly kind: 'namespace'; readonly exports: ModuleExports };

const runtimeExports: ModuleExports = {
  values: new Map([...RUNTIME_APIS].map((name) => [name, name as RuntimeApi])),
  types: new Map([...RUNTIME_TYPES].map((name) => [name, name as RuntimeTypeName])),
};

function configuredExports(declaration: AllocatorDeclaration): ModuleExports {
  const values = new Map<string, RuntimeApi>();
  for (const name of declaration.createArena) values.set(name, 'createArena');
  for (const name of declaration.createPool) values.set(name, 'createPool');
  for (const name of declaration.createObjectPool) values.set(name, 'createObjectPool');
  for (const name of declaration.scoped) values.set(name, 'withArena');
  return { values, types: new Map() };
}

function mergeExports(a: ModuleExports | undefined, b: ModuleExports): ModuleExports {
  if (!a) return b;
  return { values: new Map([...a.values, ...b.values]), types: new Map([...a.types, ...b.types]) };
}

function buildModuleTable(settings: ArenaSettings): Map<string, ModuleExports> {
  const table = new Map<string, ModuleExports>();
  for (const module of settings.modules) table.set(module, runtimeExports);
  for (const declaration of settings.allocators) {
    table.set(declaration.module, mergeExports(table.get(declaration.module), configuredExports(declaration)));
  }
  return table;
}

function buildMethods(settings: ArenaSettings): AllocatorMethods {
  const merge = (role: keyof typeof DEFAULT_METHODS): ReadonlySet<string> =>
    new Set([...DEFAULT_METHODS[role], ...settings.allocators.flatMap((declaration) => declaration[role])]);
  return { alloc: merge('alloc'), free: merge('free'), reset: merge('reset'), destroy: merge('destroy') };
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
function mayBeAlias(init: TSESTree.Expression, moduleTable: ReadonlyMap<string, ModuleExports>): boolean {
  if (FOLLOWED_EXPRESSION_TYPES.has(init.type)) return true;
  const source = dynamicImportSource(init);
  return source !== null && moduleTable.has(source);
}

class FileAllocatorApi implements AllocatorApi {
  readonly active: boolean;
  readonly methods: AllocatorMethods;
  private readonly bindings = new Map<Scope.Variable, Binding>();
  private readonly aliasCache = new Map<Scope.Variable, Binding | null>();
  private readonly imports: TSESTree.ImportDeclaration[] = [];
  private readonly moduleTable: Map<string, ModuleExports>;
  private memTagText: string | null | undefined;

  constructor(
    private readonly sourceCode: Readonly<TSESLint.SourceCode>,
    readonly settings: ArenaSettings,
  ) {
    this.moduleTable = buildModuleTable(settings);
    this.methods = buildMethods(settings);
    for (const statement of sourceCode.ast.body) {
      if (statement.type !== AST_NODE_TYPES.ImportDeclaration) continue;
      const exports = this.moduleTable.get(statement.source.value);
      if (!exports) continue;
      this.imports.push(statement);
      for (const specifier of statement.specifiers) this.bindImportSpecifier(specifier, exports);
    }
    this.active = this.imports.length > 0 || this.hasDynamicImport();
  }

  private bindImportSpecifier(specifier: TSESTree.ImportClause, exports: ModuleExports): void {
    const variable = this.sourceCode.getDeclaredVariables(specifier)[0];
    if (!variable) return;
    if (specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier) {
      this.bindings.set(variable, { kind: 'namespace', exports });
      return;
    }
    if (specifier.type !== AST_NODE_TYPES.ImportSpecifier) return;
    const binding = bindingForExport(exports, importedName(specifier));
    if (binding) this.bindings.set(variable, binding);
  }

  /** `require`/`import()` of an allocator module anywhere at top level makes the file active too. */
  private hasDynamicImport(): boolean {
    return this.dynamicImportDeclarators().length > 0;
  }

  private dynamicImportDeclarators(): TSESTree.VariableDeclarator[] {
    const found: TSESTree.VariableDeclarator[] = [];
    for (const statement of this.sourceCode.ast.body) {
      if (statement.type !== AST_NODE_TYPES.VariableDeclaration) continue;
      for (const declarator of statement.declarations) {
        const source = declarator.init ? dynamicImportSource(declarator.init) : null;
        if (source !== null && this.moduleTable.has(source)) found.push(declarator);
      }
    }
    return found;
  }

  private apiCallCache: TSESTree.CallExpression[] | null = null;
  /** Identifiers whose variable is known from the references `apiCalls` followed. */
  private readonly knownVariables = new Map<TSESTree.Node, Scope.Variable>();

  apiCalls(): readonly TSESTree.CallExpression[] {
    if (this.apiCallCache) return this.apiCallCache;
    const calls = new Set<TSESTree.CallExpression>();
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
        if (call && this.apiOf(call.callee) !== null) calls.add(call);
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
    this.apiCallCache = [...calls].sort((a, b) => a.range[0] - b.range[0]);
    return this.apiCallCache;
  }

  apiOf(node: TSESTree.Node): RuntimeApi | null {
    const binding = this.bindingOf(node, 0);
    return binding?.kind === 'value' ? binding.api : null;
  }

  ownerKindOfCreation(call: TSESTree.CallExpression): OwnerKind | null {
    switch (this.apiOf(call.callee)) {
      case 'createArena':
        return 'arena';
      case 'createPool':
        return 'pool';
      case 'createObjectPool':
        return 'objectPool';
      default:
        return null;
    }
  }

  runtimeTypeOf(type: TSESTree.TypeNode | TSESTree.TSTypeAnnotation | undefined): RuntimeTypeName | null {
    if (!type) return null;
    if (type.type === AST_NODE_TYPES.TSTypeAnnotation) return this.runtimeTypeOf(type.typeAnnotation);
    if (type.type !== AST_NODE_TYPES.TSTypeReference) return null;
    const name = type.typeName;
    if (name.type === AST_NODE_TYPES.Identifier) {
      const binding = this.bindingOf(name, 0);
      return binding?.kind === 'type' ? binding.type : null;
    }
    if (name.type === AST_NODE_TYPES.TSQualifiedName && name.left.type === AST_NODE_TYPES.Identifier) {
      const namespace = this.bindingOf(name.left, 0);
      return namespace?.kind === 'namespace' ? (namespace.exports.types.get(name.right.name) ?? null) : null;
    }
    return null;
  }

  ownerKindOfType(type: TSESTree.TypeNode | TSESTree.TSTypeAnnotation | undefined): OwnerKind | null {
    switch (this.runtimeTypeOf(type)) {
      case 'Arena':
        return 'arena';
      case 'Pool':
        return 'pool';
      case 'ObjectPool':
        return 'objectPool';
      default:
        return null;
    }
  }

  memTagReference(): string | null {
    if (this.memTagText === undefined) this.memTagText = this.findMemTagText();
    return this.memTagText;
  }

  private findMemTagText(): string | null {
    let namespaceName: string | null = null;
    for (const declaration of this.imports) {
      if (declaration.importKind === 'type' || !this.isRuntimeModule(declaration.source.value)) continue;
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
    const runtimeImports = this.imports.filter((declaration) => this.isRuntimeModule(declaration.source.value));
    const extendable = runtimeImports.find(
      (declaration) =>
        declaration.importKind !== 'type' &&
        !declaration.specifiers.some((specifier) => specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier),
    );
    return extendable ?? runtimeImports[0] ?? null;
  }

  private isRuntimeModule(source: string): boolean {
    return this.settings.modules.includes(source);
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
        const namespace = this.bindingOf(node.object, depth + 1);
        if (namespace?.kind !== 'namespace') return null;
        const name = staticPropertyName(node);
        return name === null ? null : bindingForExport(namespace.exports, name);
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
   * Every name a variable with a binding can have: the imports bound to the runtime, and each
   * `const` that {@link bindingOfAlias} could resolve (one definition, an initializer it follows).
   */
  private bindableNames(): ReadonlySet<string> {
    if (this.bindableNameCache) return this.bindableNameCache;
    const names = new Set<string>();
    for (const variable of this.bindings.keys()) names.add(variable.name);
    for (const scope of this.sourceCode.scopeManager?.scopes ?? []) {
      for (const variable of scope.variables) {
        if (variable.defs.length !== 1) continue;
        const definition = variable.defs[0];
        if (definition?.type !== 'Variable' || definition.parent.kind !== 'const') continue;
        const init = definition.node.init;
        if (init && mayBeAlias(init, this.moduleTable)) names.add(variable.name);
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
    const sourceBinding: Binding | null =
      source !== null
        ? this.moduleTable.has(source)
          ? { kind: 'namespace', exports: this.moduleTable.get(source)! }
          : null
        : this.bindingOf(init, depth + 1);
    if (!sourceBinding) return null;
    if (declarator.id.type === AST_NODE_TYPES.Identifier) return sourceBinding;
    if (declarator.id.type !== AST_NODE_TYPES.ObjectPattern || sourceBinding.kind !== 'namespace') return null;
    for (const property of declarator.id.properties) {
      if (property.type !== AST_NODE_TYPES.Property) continue;
      const value = property.value.type === AST_NODE_TYPES.AssignmentPattern ? property.value.left : property.value;
      if (value.type !== AST_NODE_TYPES.Identifier || value.name !== variable.name) continue;
      const name = propertyKeyName(property);
      return name === null ? null : bindingForExport(sourceBinding.exports, name);
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

/** The call whose callee `expression` is (through wrappers), or null. */
function calleeCall(expression: TSESTree.Node): TSESTree.CallExpression | null {
  const callee = climbWrappers(expression);
  const call = callee.parent;
  return call?.type === AST_NODE_TYPES.CallExpression && call.callee === callee ? call : null;
}

function bindingForExport(exports: ModuleExports, name: string): Binding | null {
  const api = exports.values.get(name);
  if (api) return { kind: 'value', api };
  const type = exports.types.get(name);
  return type ? { kind: 'type', type } : null;
}

const apiCache = new WeakMap<object, FileAllocatorApi>();

/** The allocator API of the file being linted (cached per SourceCode, shared by every rule). */
export function getAllocatorApi(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): AllocatorApi {
  const sourceCode = context.sourceCode;
  const settings = getArenaSettings(context);
  const cached = apiCache.get(sourceCode);
  if (cached && cached.settings === settings) return cached;
  const api = new FileAllocatorApi(sourceCode, settings);
  apiCache.set(sourceCode, api);
  return api;
}
