/**
 * The ownership model shared by the lifetime rules: which variables hold owners (arenas, pools,
 * object pools), which hold handles / views / pooled objects owned by them (through aliases,
 * destructuring, containers, conditional and logical expressions), each owner's lifetime events
 * (reset, destroy, free, end of a `withArena` callback) and its lifetime scope.
 *
 * Owners come from creation calls (`const`/`let`/`using`), `withArena` callbacks, instance fields
 * (`this.pool`), parameters annotated with a runtime type, and — with type information — any
 * `const`/parameter typed as one (see typed-owners.ts).
 *
 * Mostly intra-procedural and syntactic: values are followed through the scope manager's
 * references, flow-insensitively (a variable holds the union of everything ever written to it);
 * the rules recover order with {@link CodePathIndex} queries. Values passed into functions are not
 * followed (a call argument is a borrow), with two exceptions: a `withArena` callback's return
 * value becomes the value of the `withArena` call, and a function of the same file acting on an
 * owner parameter (reset/destroy/free through it, or returning its handles) acts at its call sites.
 *
 * Usage from a rule: `return useOwnership(context, (model, paths) => { ...report... })`. The model
 * is built once per file (at rule creation, before traversal) and shared by every rule that asks
 * for it. The `paths` index handed to `onModel` records only {@link OwnershipModel.queriedNodes}:
 * references of owner and value variables and their writers, owner creations (call and
 * declarator), owner method calls, lifetime events and withArena calls; asking about any other
 * node throws.
 */

import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import * as ASTUtils from '@typescript-eslint/utils/ast-utils';
import type { Scope } from '@typescript-eslint/utils/ts-eslint';
import { getAllocatorApi, staticPropertyName, type AllocatorApi, type AllocatorMethods, type OwnerKind } from './allocators.js';
import { CodePathIndex, mergeListeners } from './code-paths.js';
import type { ResolvedDescription } from './settings.js';
import { typeOwnerLookup, type TypeOwnerLookup } from './typed-owners.js';
import { valuePassage } from './value-passing.js';

/**
 * How an owner's lifetime is bounded:
 * - `using`: a `using` declaration, disposed when its block exits;
 * - `withArena`: the parameter of a `withArena` callback, destroyed when the callback returns;
 * - `manual`: created into a local variable, destroyed by hand (or leaked);
 * - `module`: created at module level, lives as long as the process;
 * - `borrowed`: a parameter annotated with a runtime owner type, owned by the caller;
 * - `tagged`: the process-wide tagged allocator (`allocTagged` / `freeTagged`);
 * - `field`: an instance field created once (`pool = createPool(...)` or `this.pool = ...` in the
 *   constructor) and used as `this.pool` in the class's own methods; it lives as long as the object.
 */
export type OwnerScoping = 'using' | 'withArena' | 'manual' | 'module' | 'borrowed' | 'tagged' | 'field';

export type LifetimeEventKind = 'reset' | 'destroy' | 'free';

export interface LifetimeEvent {
  readonly kind: LifetimeEventKind;
  readonly owner: Owner;
  readonly call: TSESTree.CallExpression;
  /** For `free`: the freed expression (first argument). */
  readonly argument: TSESTree.Expression | null;
  /**
   * Set when the event happens inside a function of this file that `call` invokes (a helper that
   * resets/destroys/frees its owner parameter): the helper. Null for a direct method call.
   */
  readonly via: FunctionNode | null;
}

export interface Owner {
  readonly id: number;
  readonly kind: OwnerKind | 'tagged';
  readonly scoping: OwnerScoping;
  /** Where the owner comes from: creation call, withArena callback parameter, annotated parameter. */
  readonly node: TSESTree.Node;
  /** Name for messages (the variable's name, or 'allocTagged'). */
  readonly name: string;
  /** The variable holding it first, then its `const` aliases. Empty for the tagged allocator. */
  readonly variables: readonly Scope.Variable[];
  /** The factory call or `new` expression that created it, when there is one in this file. */
  readonly creation: TSESTree.CallExpression | TSESTree.NewExpression | null;
  /** How its methods and acquisitions are read: this runtime's, or an allocator description's. */
  readonly protocol: OwnerProtocol;
  /** The `withArena` call for a `withArena` owner. */
  readonly scopedCall: TSESTree.CallExpression | null;
  /**
   * The node whose extent is the owner's lifetime, when the analysis can tell: the `using`
   * declaration's block, the `withArena` callback, or the function body of a manual owner that is
   * destroyed in that function and never leaves it. Null when the owner outlives its code.
   */
  readonly lifetimeScope: TSESTree.Node | null;
  readonly events: readonly LifetimeEvent[];
  /** Every `owner.method(...)` call, including lifetime events. */
  readonly methodCalls: ReadonlyArray<{ readonly name: string; readonly call: TSESTree.CallExpression }>;
}

/** What an acquisition is (an allocator description's `acquisition`). */
export type AcquisitionKind = 'handle' | 'address' | 'object';

/**
 * How the rules read one owner: the method names of each lifetime role, scoped to the owner (an
 * owner described as `pg`'s pool is never read through the runtime's method names, nor the other
 * way round), and which mistakes matter for it. A resolved allocator description (settings.ts)
 * is one; this runtime's owners found by the older built-in resolution get {@link runtimeProtocol}.
 */
export interface OwnerProtocol {
  /** The description's name (`'pg'`, `'pixi.js'`), shown in messages. */
  readonly name: string;
  /** `runtime`: this project's runtime (tags, `ERR_*` codes in messages); otherwise a library or the user's own. */
  readonly origin: 'runtime' | 'builtin' | 'settings';
  readonly acquisition: AcquisitionKind;
  readonly methods: {
    /** `owner.m(...)` returns an acquisition. */
    readonly acquire: ReadonlySet<string>;
    /** `owner.m(x)` ends acquisition `x`. */
    readonly release: ReadonlySet<string>;
    /** `x.m()` ends acquisition `x` itself (a `pg` client's `release()`). */
    readonly releaseSelf: ReadonlySet<string>;
    /** `x.m()` takes what acquisition `x` stands for; nothing is taken when it throws (a typeorm runner's `connect()`). */
    readonly acquireSelf: ReadonlySet<string>;
    /** `owner.m(x)` returns a view / the object of acquisition `x`, which dies with `x`. */
    readonly access: ReadonlySet<string>;
    /** `owner.m()` ends every acquisition; the owner stays usable. */
    readonly reset: ReadonlySet<string>;
    /** `owner.m()` ends the owner and all its acquisitions. */
    readonly destroy: ReadonlySet<string>;
  };
  /** An acquisition not released exactly once on every path out of its function is a leak. */
  readonly mustRelease: boolean;
  /** An owner created in a function must be destroyed on every path (or handed on). */
  readonly mustDestroy: boolean;
  /** Acquisitions take a memory tag (this runtime only). */
  readonly tags: boolean;
}

const runtimeProtocols = new WeakMap<AllocatorMethods, Map<OwnerKind | 'tagged', OwnerProtocol>>();

/** This runtime's protocol for an owner kind, with the method names of `methods`. */
export function runtimeProtocol(kind: OwnerKind | 'tagged', methods: AllocatorMethods): OwnerProtocol {
  let byKind = runtimeProtocols.get(methods);
  if (!byKind) {
    byKind = new Map();
    runtimeProtocols.set(methods, byKind);
  }
  let protocol = byKind.get(kind);
  if (protocol) return protocol;
  const none: ReadonlySet<string> = new Set();
  protocol = {
    name: 'eslint-plugin-arena/runtime',
    origin: 'runtime',
    acquisition: 'handle',
    methods: {
      acquire: kind === 'tagged' ? none : methods.alloc,
      release: methods.free,
      releaseSelf: none,
      acquireSelf: none,
      access: kind === 'objectPool' ? OBJECT_METHODS : kind === 'tagged' ? none : VIEW_METHODS,
      reset: kind === 'arena' ? methods.reset : none,
      destroy: methods.destroy,
    },
    mustRelease: false,
    mustDestroy: kind !== 'tagged',
    tags: true,
  };
  byKind.set(kind, protocol);
  return protocol;
}

export type OwnedValueKind = 'handle' | 'view' | 'object';

/** A handle, a view of an allocation's bytes, or an object-pool object. */
export interface OwnedValue {
  readonly id: number;
  readonly owner: Owner;
  readonly kind: OwnedValueKind;
  /** The call producing it (`alloc`, `bytes`, `get`, `allocTagged`, `strView`...). */
  readonly origin: TSESTree.CallExpression;
  /** Allocation calls whose `free` invalidates this value (a view of `h` dies with `h`). */
  readonly roots: ReadonlySet<TSESTree.CallExpression>;
}

/** How a variable holds a value: directly, or inside an array/object/collection it refers to. */
export type HoldMode = 'direct' | 'contained';

export interface ValueWrite {
  readonly value: OwnedValue;
  readonly mode: HoldMode;
  /** The node writing it: VariableDeclarator, AssignmentExpression, or a for-of loop's declarator. */
  readonly node: TSESTree.Node;
}

/** A place where owned values leave the expression they were computed in. */
export type SinkKind =
  | 'return' // returned from `fn` (also an arrow's expression body)
  | 'yield'
  | 'throw'
  | 'assign' // assigned to `variable`
  | 'store' // stored into `target` (a member write, or push/set/add... on it)
  | 'closure'; // read inside the function `fn` (captured)

export interface Sink {
  readonly kind: SinkKind;
  /** The expression carrying the values at the sink (e.g. the return argument). */
  readonly expression: TSESTree.Node;
  readonly values: ReadonlySet<OwnedValue>;
  readonly mode: HoldMode;
  /** `return`/`yield`: the function left; `closure`: the capturing function. */
  readonly fn: FunctionNode | null;
  /** `assign`: the variable written; `closure`: the variable captured. */
  readonly variable: Scope.Variable | null;
  /**
   * `store`: the object written into (a MemberExpression's object or a collection receiver), with
   * `expression` the stored value (or the member pattern when destructuring);
   * `assign`: the writing VariableDeclarator / AssignmentExpression / for-of loop.
   */
  readonly target: TSESTree.Node | null;
}

export type FunctionNode = TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression;

export interface OwnershipModel {
  readonly api: AllocatorApi;
  readonly owners: readonly Owner[];
  readonly values: readonly OwnedValue[];
  readonly sinks: readonly Sink[];
  /** Every `free` (owner.free / freeTagged, a description's release / releaseSelf), in source order. */
  readonly frees: readonly LifetimeEvent[];
  /**
   * Releases by an allocator description's owner of a variable that holds no acquisition the
   * model followed (a parameter, `const m = pool.get().clear()`, a loop variable): the release
   * still ends whatever the variable holds, so later reads of it are uses after release.
   */
  readonly untrackedReleases: readonly LifetimeEvent[];
  /**
   * For an untracked release of a member (`BigPool.return(this._batch)`, `pool.return(list[i])`,
   * `pool.return(state.current)`): every expression of the releasing function (not of functions
   * nested in it) that denotes the same member, and the nodes that may change what it denotes
   * (assigning it; for `list[i]` / `state.x` also assigning `list`, `i` or any member of `list`,
   * or calling a method of `list`). Null for any other event.
   */
  memberAccesses(event: LifetimeEvent): { readonly reads: readonly TSESTree.MemberExpression[]; readonly writes: readonly TSESTree.Node[] } | null;
  ownerOfVariable(variable: Scope.Variable): Owner | null;
  /** The owner an expression denotes (a reference to an owner variable), or null. */
  ownerOf(expression: TSESTree.Node): Owner | null;
  /** Owned values an expression may evaluate to (`mode`: directly, or inside a container). */
  valuesOf(expression: TSESTree.Node, mode?: HoldMode): ReadonlySet<OwnedValue>;
  /** Variables that may hold owned values. */
  readonly valueVariables: ReadonlySet<Scope.Variable>;
  writesOf(variable: Scope.Variable): readonly ValueWrite[];
  /** Every node that writes the variable (declarator with init, assignment, update, for-of binding). */
  writeNodesOf(variable: Scope.Variable): readonly TSESTree.Node[];
  variableOf(identifier: TSESTree.Identifier): Scope.Variable | null;
  /** Every node the lifetime queries may ask the code path index about. */
  queriedNodes(): ReadonlySet<TSESTree.Node>;
}

// ---------------------------------------------------------------------------------------------
// Small AST helpers

const FUNCTION_TYPES: ReadonlySet<string> = new Set([
  AST_NODE_TYPES.ArrowFunctionExpression,
  AST_NODE_TYPES.FunctionDeclaration,
  AST_NODE_TYPES.FunctionExpression,
]);

export function isFunctionNode(node: TSESTree.Node | null | undefined): node is FunctionNode {
  return !!node && FUNCTION_TYPES.has(node.type);
}

/** The innermost function containing `node` (not `node` itself), or null at module level. */
export function enclosingFunction(node: TSESTree.Node): FunctionNode | null {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionNode(current)) return current;
  }
  return null;
}

export function isWithin(node: TSESTree.Node, container: TSESTree.Node): boolean {
  return node.range[0] >= container.range[0] && node.range[1] <= container.range[1];
}

/** Skips TS-only wrappers and `!` around an expression. */
export function unwrapExpression(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (
    current.type === AST_NODE_TYPES.TSAsExpression ||
    current.type === AST_NODE_TYPES.TSNonNullExpression ||
    current.type === AST_NODE_TYPES.TSSatisfiesExpression ||
    current.type === AST_NODE_TYPES.TSTypeAssertion ||
    current.type === AST_NODE_TYPES.ChainExpression
  ) {
    current = current.expression;
  }
  return current;
}

/** The outermost TS-only wrapper (`as`, `!`, `satisfies`, `<T>`) around `node`, or `node` itself. */
export function climbTypeWrappers(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (
    current.parent?.type === AST_NODE_TYPES.TSAsExpression ||
    current.parent?.type === AST_NODE_TYPES.TSNonNullExpression ||
    current.parent?.type === AST_NODE_TYPES.TSSatisfiesExpression ||
    current.parent?.type === AST_NODE_TYPES.TSTypeAssertion
  ) {
    current = current.parent;
  }
  return current;
}

/** `recv.name(...)`: the call's method name and receiver, through `?.`; null otherwise. */
export function methodCallOf(
  call: TSESTree.CallExpression,
): { readonly name: string; readonly receiver: TSESTree.Expression } | null {
  const callee = unwrapExpression(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return null;
  const name = memberName(callee);
  return name === null ? null : { name, receiver: callee.object };
}

/** Static member name; `x[Symbol.dispose]` is named 'Symbol.dispose'. */
export function memberName(member: TSESTree.MemberExpression): string | null {
  const name = staticPropertyName(member);
  if (name !== null) return name;
  const property = member.property;
  if (
    member.computed &&
    property.type === AST_NODE_TYPES.MemberExpression &&
    property.object.type === AST_NODE_TYPES.Identifier &&
    property.object.name === 'Symbol' &&
    staticPropertyName(property) === 'dispose'
  ) {
    return 'Symbol.dispose';
  }
  return null;
}

/** For an expression, the call it is the callee's receiver of: `expr.name(...)` -> that call. */
function callOnReceiver(expression: TSESTree.Node): { name: string; call: TSESTree.CallExpression } | null {
  const receiver = climbTypeWrappers(expression);
  const member = receiver.parent;
  if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== receiver) return null;
  const call = member.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression || call.callee !== member) return null;
  const name = memberName(member);
  return name === null ? null : { name, call };
}

/** Methods that put their arguments into the receiver collection. */
const STORING_METHODS: ReadonlySet<string> = new Set(['push', 'unshift', 'set', 'add', 'splice', 'fill']);
/** Array methods that return an element (value stays owned). */
const ELEMENT_METHODS: ReadonlySet<string> = new Set(['at', 'pop', 'shift', 'find', 'findLast', 'get']);
/** View methods returning another view of the same memory (`slice` copies, so it is not here). */
const VIEW_ALIAS_METHODS: ReadonlySet<string> = new Set(['subarray']);
/** Owner methods that return a view or object of an allocation. */
const VIEW_METHODS: ReadonlySet<string> = new Set(['bytes']);
const OBJECT_METHODS: ReadonlySet<string> = new Set(['get']);

// ---------------------------------------------------------------------------------------------
// Building the model

interface MutableOwner extends Owner {
  readonly variables: Scope.Variable[];
  readonly events: LifetimeEvent[];
  readonly methodCalls: Array<{ readonly name: string; readonly call: TSESTree.CallExpression }>;
  lifetimeScope: TSESTree.Node | null;
}

interface HelperSummary {
  /** Parameter index -> the borrowed owner it is inside the helper. */
  readonly parameterOwners: Map<number, MutableOwner>;
  /** What a call does to its arguments: reset/destroy owner argument i, or free argument j through it. */
  readonly effects: Array<{ readonly kind: LifetimeEventKind; readonly ownerIndex: number; readonly handleIndex: number }>;
  /** `index:kind` of owner parameters whose handles/views the helper returns. */
  readonly returns: Set<string>;
}

interface VariableState {
  readonly direct: Set<OwnedValue>;
  readonly contained: Set<OwnedValue>;
  readonly writes: ValueWrite[];
}

class ModelBuilder implements OwnershipModel {
  readonly owners: MutableOwner[] = [];
  readonly values: OwnedValue[] = [];
  readonly sinks: Sink[] = [];
  readonly frees: LifetimeEvent[] = [];
  readonly untrackedReleases: LifetimeEvent[] = [];
  private readonly releasedVariables = new Set<Scope.Variable>();
  readonly valueVariables = new Set<Scope.Variable>();

  private readonly ownerByVariable = new Map<Scope.Variable, MutableOwner>();
  private readonly variableStates = new Map<Scope.Variable, VariableState>();
  private readonly valueByOrigin = new Map<TSESTree.CallExpression, OwnedValue>();
  /** Each sink under its `kind:start:end:mode` key, so that a repeated sink is found without a scan. */
  private readonly sinkByKey = new Map<string, Sink>();
  private readonly pendingVariables: Scope.Variable[] = [];
  private readonly writeNodeCache = new Map<Scope.Variable, TSESTree.Node[]>();
  private taggedOwner: MutableOwner | null = null;
  private readonly fieldCalls: Array<{ owner: MutableOwner; name: string; call: TSESTree.CallExpression }> = [];
  private nextId = 1;

  constructor(
    readonly api: AllocatorApi,
    private readonly sourceCode: Readonly<TSESLint.SourceCode>,
    private readonly calls: readonly TSESTree.CallExpression[],
    typeOwner: TypeOwnerLookup | null = null,
  ) {
    this.collectOwners();
    this.collectFieldOwners();
    this.collectAnnotatedOwners();
    this.collectAnnotatedFields();
    if (typeOwner) this.collectTypedOwners(typeOwner);
    this.bindParameterProperties();
    this.resolveOwnerAliases();
    for (const owner of this.owners) {
      this.collectOwnerCalls(owner);
      owner.events.sort((a, b) => a.call.range[0] - b.call.range[0]);
      owner.methodCalls.sort((a, b) => a.call.range[0] - b.call.range[0]);
    }
    this.collectTaggedCalls();
    for (const owner of this.owners) owner.lifetimeScope = this.computeLifetimeScope(owner);
    const helpers = this.summarizeHelpers();
    this.applyHelperEvents(helpers);
    this.seedValues();
    this.propagate();
    this.applyHelperReturns(helpers);
    this.propagate();
    this.collectSelfReleases();
    this.collectUntrackedReleases();
  }

  // --- owners ------------------------------------------------------------------------------

  private addOwner(
    owner: Omit<MutableOwner, 'id' | 'events' | 'methodCalls' | 'lifetimeScope' | 'variables' | 'protocol'> & { readonly protocol?: OwnerProtocol },
    variable: Scope.Variable | null,
  ): MutableOwner {
    // Spelled out rather than spread: every owner gets the same object shape, which keeps the
    // many later reads of owner fields fast.
    const created: MutableOwner = {
      kind: owner.kind,
      scoping: owner.scoping,
      node: owner.node,
      name: owner.name,
      creation: owner.creation,
      protocol: owner.protocol ?? runtimeProtocol(owner.kind, this.api.methods),
      scopedCall: owner.scopedCall,
      id: this.nextId++,
      variables: variable ? [variable] : [],
      events: [],
      methodCalls: [],
      lifetimeScope: null,
    };
    this.owners.push(created);
    if (variable) this.ownerByVariable.set(variable, created);
    return created;
  }

  private collectOwners(): void {
    for (const call of [...this.calls, ...this.api.ownerNews()]) {
      const description = this.api.creationOf(call);
      if (description) {
        this.addCreatedOwner(call, description);
        continue;
      }
      const scoped = call.type === AST_NODE_TYPES.CallExpression ? this.api.scopedOf(call) : null;
      if (scoped && call.type === AST_NODE_TYPES.CallExpression) this.addScopedOwner(call, scoped);
    }
    // Imported singletons (`import { BigPool } from 'pixi.js'`) live as long as the process.
    for (const instance of this.api.instanceOwners()) {
      if (this.ownerByVariable.has(instance.variable)) continue;
      const { description, identifier } = instance;
      this.addOwner(
        { kind: description.kind, scoping: 'module', node: identifier, name: identifier.name, creation: null, scopedCall: null, protocol: description },
        instance.variable,
      );
    }
    // Through a namespace (`PIXI.BigPool.get()`): no variable holds it, its uses are member reads, like a field's.
    for (const instance of this.api.namespaceInstances()) {
      const { description, members } = instance;
      const owner = this.addOwner(
        { kind: description.kind, scoping: 'module', node: members[0]!, name: instance.name, creation: null, scopedCall: null, protocol: description },
        null,
      );
      for (const member of members) this.bindFieldUse(owner, member);
    }
  }

  private addCreatedOwner(call: TSESTree.CallExpression | TSESTree.NewExpression, description: ResolvedDescription): void {
    const kind = description.kind;
    const holder = climbTypeWrappers(call);
    const declarator = holder.parent;
    if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.init !== holder) return;
    if (declarator.id.type !== AST_NODE_TYPES.Identifier) return;
    const declaration = declarator.parent;
    const variable = this.sourceCode.getDeclaredVariables(declarator)[0] ?? null;
    if (!variable) return;
    const isUsing = declaration.kind === 'using' || declaration.kind === 'await using';
    const scoping: OwnerScoping = isUsing ? 'using' : enclosingFunction(declarator) === null && variable.scope.type === 'module' ? 'module' : 'manual';
    this.addOwner(
      { kind, scoping, node: call, name: declarator.id.name, creation: call, scopedCall: null, protocol: description },
      variable,
    );
  }

  private addScopedOwner(call: TSESTree.CallExpression, description: ResolvedDescription): void {
    const body = call.arguments[call.arguments.length - 1];
    if (!body || !isFunctionNode(body)) return;
    const parameter = body.params[0];
    if (parameter?.type !== AST_NODE_TYPES.Identifier) return;
    const variable = this.sourceCode.getDeclaredVariables(body).find((candidate) => candidate.name === parameter.name) ?? null;
    if (!variable) return;
    this.addOwner(
      { kind: description.kind, scoping: 'withArena', node: parameter, name: parameter.name, creation: null, scopedCall: call, protocol: description },
      variable,
    );
  }

  /**
   * `pool = createPool(...)` fields and `this.pool = createPool(...)` constructor assignments: the
   * owner is reached as `this.pool` in the class's own methods (arrow functions included, nested
   * `function`s and classes excluded, since their `this` differs). A field written anywhere else
   * is skipped: which owner it holds at a given point is not followed.
   */
  private collectFieldOwners(): void {
    // kind null: the field is created more than once, which one it holds is not followed.
    const candidates = new Map<TSESTree.Node, Map<string, { call: TSESTree.CallExpression | TSESTree.NewExpression; description: ResolvedDescription | null }>>();
    for (const call of [...this.calls, ...this.api.ownerNews()]) {
      const description = this.api.creationOf(call);
      if (!description) continue;
      const site = fieldSiteOf(call);
      if (!site) continue;
      let fields = candidates.get(site.classNode);
      if (!fields) {
        fields = new Map();
        candidates.set(site.classNode, fields);
      }
      fields.set(site.name, { call, description: fields.has(site.name) ? null : description });
    }
    for (const [classNode, fields] of candidates) {
      const uses = this.fieldUses(classNode as TSESTree.ClassDeclaration | TSESTree.ClassExpression, fields);
      for (const [name, { call, description }] of fields) {
        if (!description) continue;
        const assignedInBody = climbTypeWrappers(call).parent?.type === AST_NODE_TYPES.AssignmentExpression ? 1 : 0;
        const { reads, writes } = uses.get(name) ?? NO_FIELD_USES;
        if (writes.length !== assignedInBody) continue;
        const owner = this.addOwner(
          { kind: description.kind, scoping: 'field', node: call, name: `this.${name}`, creation: call, scopedCall: null, protocol: description },
          null,
        );
        for (const member of reads) this.bindFieldUse(owner, member);
      }
    }
  }

  /**
   * `constructor(private readonly dataSource: DataSource)`: a parameter property that is an owner
   * (annotated or typed, found above) is also reached as `this.dataSource` in the class's methods,
   * unless the class assigns that field somewhere (then which owner it holds is not followed).
   */
  private bindParameterProperties(): void {
    for (const scope of this.sourceCode.scopeManager?.scopes ?? []) {
      if (scope.type !== 'class') continue;
      const classNode = scope.block;
      if (classNode.type !== AST_NODE_TYPES.ClassDeclaration && classNode.type !== AST_NODE_TYPES.ClassExpression) continue;
      const constructor = classNode.body.body.find(
        (element): element is TSESTree.MethodDefinition => element.type === AST_NODE_TYPES.MethodDefinition && element.kind === 'constructor',
      );
      const fields = new Map<string, MutableOwner>();
      for (const parameter of constructor?.value.params ?? []) {
        if (parameter.type !== AST_NODE_TYPES.TSParameterProperty || parameter.parameter.type !== AST_NODE_TYPES.Identifier) continue;
        const variable = this.sourceCode.getDeclaredVariables(constructor!.value).find((candidate) => candidate.name === (parameter.parameter as TSESTree.Identifier).name);
        const owner = variable ? this.ownerByVariable.get(variable) : undefined;
        if (owner) fields.set(parameter.parameter.name, owner);
      }
      if (fields.size === 0) continue;
      const uses = this.fieldUses(classNode, fields);
      for (const [name, owner] of fields) {
        const { reads, writes } = uses.get(name) ?? NO_FIELD_USES;
        if (writes.length > 0) continue;
        for (const member of reads) this.bindFieldUse(owner, member);
      }
    }
  }

  /** A use of `this.field`: a method call on the owner, or `const alias = this.field`. */
  private bindFieldUse(owner: MutableOwner, member: TSESTree.MemberExpression): void {
    const found = callOnReceiver(member);
    if (found) {
      this.fieldCalls.push({ owner, ...found });
      return;
    }
    this.adoptConstAlias(member, owner);
  }

  /** `const alias = expression`, where `expression` denotes `owner`: `alias` is the same owner. Returns the new alias. */
  private adoptConstAlias(expression: TSESTree.Node, owner: MutableOwner): Scope.Variable | null {
    const declarator = expression.parent;
    if (
      declarator?.type !== AST_NODE_TYPES.VariableDeclarator ||
      declarator.init !== expression ||
      declarator.id.type !== AST_NODE_TYPES.Identifier ||
      declarator.parent.kind !== 'const'
    ) {
      return null;
    }
    const alias = this.sourceCode.getDeclaredVariables(declarator)[0];
    if (!alias || this.ownerByVariable.has(alias)) return null;
    this.ownerByVariable.set(alias, owner);
    owner.variables.push(alias);
    return alias;
  }

  /**
   * `private readonly traversal: Arena` / `internalPool: Pool<Driver>`: a field annotated with an
   * owner type and set only in the constructor holds an owner made elsewhere, reached as
   * `this.traversal` in the class's methods. A field also written outside the constructor is
   * skipped (which owner it holds at a given point is not followed), as is one that holds an
   * owner created in the class (collectFieldOwners).
   */
  private collectAnnotatedFields(): void {
    for (const scope of this.sourceCode.scopeManager?.scopes ?? []) {
      if (scope.type !== 'class') continue;
      const classNode = scope.block;
      if (classNode.type !== AST_NODE_TYPES.ClassDeclaration && classNode.type !== AST_NODE_TYPES.ClassExpression) continue;
      const fields = new Map<string, { property: TSESTree.PropertyDefinition; description: ResolvedDescription }>();
      for (const element of classNode.body.body) {
        if (element.type !== AST_NODE_TYPES.PropertyDefinition || element.static || element.computed || element.value) continue;
        if (element.key.type !== AST_NODE_TYPES.Identifier) continue;
        const description = this.api.descriptionOfType(element.typeAnnotation);
        if (description) fields.set(element.key.name, { property: element, description });
      }
      if (fields.size === 0) continue;
      const uses = this.fieldUses(classNode, fields);
      /** Set in the constructor to a value made elsewhere (an owner created here is collectFieldOwners'). */
      const setFromOutside = (write: TSESTree.MemberExpression): boolean => {
        const method = enclosingFunction(write)?.parent;
        const parent = write.parent;
        return (
          method?.type === AST_NODE_TYPES.MethodDefinition &&
          method.kind === 'constructor' &&
          parent?.type === AST_NODE_TYPES.AssignmentExpression &&
          !this.createsOwner(parent.right)
        );
      };
      for (const [name, { property, description }] of fields) {
        const { reads, writes } = uses.get(name) ?? NO_FIELD_USES;
        if (!writes.every(setFromOutside)) continue;
        const owner = this.addOwner(
          { kind: description.kind, scoping: 'borrowed', node: property.key, name: `this.${name}`, creation: null, scopedCall: null, protocol: description },
          null,
        );
        for (const member of reads) this.bindFieldUse(owner, member);
      }
    }
  }

  /** The reads and the writes (assignments, `++`) of the fields `names` as `this.name` in `classNode`. */
  private fieldUses(classNode: TSESTree.ClassDeclaration | TSESTree.ClassExpression, names: ReadonlyMap<string, unknown>): Map<string, FieldUses> {
    const uses = new Map<string, FieldUses>();
    forEachThisMember(classNode, this.sourceCode.visitorKeys, (member, name) => {
      if (!names.has(name)) return;
      let entry = uses.get(name);
      if (!entry) uses.set(name, (entry = { reads: [], writes: [] }));
      const parent = member.parent;
      const written = (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left === member) || parent?.type === AST_NODE_TYPES.UpdateExpression;
      (written ? entry.writes : entry.reads).push(member);
    });
    return uses;
  }

  private createsOwner(expression: TSESTree.Expression): boolean {
    const value = unwrapExpression(expression);
    return (value.type === AST_NODE_TYPES.CallExpression || value.type === AST_NODE_TYPES.NewExpression) && this.api.creationOf(value) !== null;
  }

  /** Parameters annotated `Arena` / `Pool` / `ObjectPool<T>`: owners borrowed from the caller. */
  private collectAnnotatedOwners(): void {
    for (const scope of this.sourceCode.scopeManager?.scopes ?? []) {
      if (scope.type !== 'function') continue;
      for (const variable of scope.variables) {
        const definition = variable.defs[0];
        if (definition?.type !== 'Parameter' || this.ownerByVariable.has(variable)) continue;
        const name = definition.name;
        if (name.type !== AST_NODE_TYPES.Identifier) continue;
        const description = this.api.descriptionOfType(name.typeAnnotation);
        if (!description) continue;
        this.addOwner({ kind: description.kind, scoping: 'borrowed', node: name, name: name.name, creation: null, scopedCall: null, protocol: description }, variable);
      }
    }
  }

  /**
   * With type information: `const` variables (initialized from a name, member, call, `await`...)
   * and parameters whose type is the runtime's Arena/Pool/ObjectPool. They belong to someone else,
   * like annotated parameters.
   */
  private collectTypedOwners(typeOwner: TypeOwnerLookup): void {
    const candidates: Array<{ variable: Scope.Variable; name: TSESTree.Identifier }> = [];
    for (const scope of this.sourceCode.scopeManager?.scopes ?? []) {
      for (const variable of scope.variables) {
        if (this.ownerByVariable.has(variable) || variable.defs.length !== 1) continue;
        const definition = variable.defs[0]!;
        if (definition.name.type !== AST_NODE_TYPES.Identifier) continue;
        if (definition.type === 'Parameter') {
          candidates.push({ variable, name: definition.name });
          continue;
        }
        // `import { pool } from './db'` where `pool` is a `pg` Pool: a module-level owner of another file.
        if (definition.type === 'ImportBinding') {
          const specifier = definition.node;
          const typeOnly = definition.parent.importKind === 'type' || (specifier.type === AST_NODE_TYPES.ImportSpecifier && specifier.importKind === 'type');
          if (!typeOnly && specifier.type !== AST_NODE_TYPES.ImportNamespaceSpecifier) candidates.push({ variable, name: definition.name });
          continue;
        }
        if (definition.type !== 'Variable' || definition.parent.kind !== 'const' || definition.node.id !== definition.name) continue;
        const init = definition.node.init ? unwrapExpression(definition.node.init) : null;
        if (init && TYPED_OWNER_INITS.has(init.type)) candidates.push({ variable, name: definition.name });
      }
    }
    for (const { variable, name } of candidates) {
      const description = typeOwner(name);
      if (!description) continue;
      const scoping: OwnerScoping = variable.defs[0]?.type === 'ImportBinding' ? 'module' : 'borrowed';
      this.addOwner({ kind: description.kind, scoping, node: name, name: name.name, creation: null, scopedCall: null, protocol: description }, variable);
    }
  }

  /** `const b = a` where `a` is an owner: `b` is the same owner. */
  private resolveOwnerAliases(): void {
    const queue = [...this.ownerByVariable.entries()];
    while (queue.length > 0) {
      const [variable, owner] = queue.pop()!;
      for (const reference of variable.references) {
        if (!reference.isRead()) continue;
        const alias = this.adoptConstAlias(reference.identifier, owner);
        if (alias) queue.push([alias, owner]);
      }
    }
  }

  private collectOwnerCalls(owner: MutableOwner): void {
    const found: Array<{ name: string; call: TSESTree.CallExpression }> = [];
    for (const variable of owner.variables) {
      for (const reference of variable.references) {
        if (!reference.isRead()) continue;
        const call = callOnReceiver(reference.identifier);
        if (call) found.push(call);
      }
    }
    for (const fieldCall of this.fieldCalls) if (fieldCall.owner === owner) found.push(fieldCall);
    this.addOwnerCalls(owner, found);
  }

  private addOwnerCalls(owner: MutableOwner, calls: ReadonlyArray<{ name: string; call: TSESTree.CallExpression }>): void {
    const protocol = owner.protocol.methods;
    for (const { name, call } of calls) {
      owner.methodCalls.push({ name, call });
      const kind: LifetimeEventKind | null =
        protocol.destroy.has(name) || name === 'Symbol.dispose'
          ? 'destroy'
          : protocol.reset.has(name)
            ? 'reset'
            : protocol.release.has(name)
              ? 'free'
              : null;
      if (!kind) continue;
      const argument = call.arguments[0];
      const event: LifetimeEvent = {
        kind,
        owner,
        call,
        argument: kind === 'free' && argument && argument.type !== AST_NODE_TYPES.SpreadElement ? argument : null,
        via: null,
      };
      owner.events.push(event);
      if (kind === 'free') this.frees.push(event);
    }
  }

  /**
   * `x.release()` where `x` holds an acquisition whose description has `release` among its
   * `releaseSelf` methods (a `pg` client): a free of `x` by its owner.
   */
  private collectSelfReleases(): void {
    let added = false;
    for (const variable of this.valueVariables) {
      const state = this.variableStates.get(variable);
      if (!state) continue;
      const owners = new Set<MutableOwner>();
      for (const value of state.direct) if (value.owner.protocol.methods.releaseSelf.size > 0) owners.add(value.owner as MutableOwner);
      if (owners.size === 0) continue;
      for (const reference of variable.references) {
        if (!reference.isRead() || reference.isWrite()) continue;
        const found = callOnReceiver(reference.identifier);
        if (!found) continue;
        for (const owner of owners) {
          if (!owner.protocol.methods.releaseSelf.has(found.name)) continue;
          const event: LifetimeEvent = { kind: 'free', owner, call: found.call, argument: reference.identifier as TSESTree.Identifier, via: null };
          owner.events.push(event);
          this.frees.push(event);
          added = true;
        }
      }
    }
    if (!added) return;
    for (const owner of this.owners) owner.events.sort((a, b) => a.call.range[0] - b.call.range[0]);
    this.frees.sort((a, b) => a.call.range[0] - b.call.range[0]);
  }

  /** See {@link OwnershipModel.untrackedReleases}; only for described owners (not this runtime's handles). */
  private collectUntrackedReleases(): void {
    for (const event of this.frees) {
      if (event.owner.protocol.origin === 'runtime' || event.via || !event.argument) continue;
      const argument = unwrapExpression(event.argument);
      if (releasedMemberOf(argument) !== null && enclosingFunction(event.call)) {
        this.untrackedReleases.push(event);
        continue;
      }
      if (argument.type !== AST_NODE_TYPES.Identifier) continue;
      if ([...this.valuesOf(argument)].some((value) => value.owner === event.owner)) continue;
      const variable = this.variableOf(argument);
      if (!variable || this.ownerByVariable.has(variable)) continue;
      this.untrackedReleases.push(event);
      this.releasedVariables.add(variable);
    }
  }

  private readonly memberCache = new Map<string, { reads: TSESTree.MemberExpression[]; writes: TSESTree.Node[] }>();

  memberAccesses(event: LifetimeEvent): { readonly reads: readonly TSESTree.MemberExpression[]; readonly writes: readonly TSESTree.Node[] } | null {
    const released = event.argument ? releasedMemberOf(unwrapExpression(event.argument)) : null;
    const fn = enclosingFunction(event.call);
    if (released === null || !fn) return null;
    const cacheKey = `${fn.range[0]}:${released.key}`;
    let found = this.memberCache.get(cacheKey);
    if (found) return found;
    const accesses: { reads: TSESTree.MemberExpression[]; writes: TSESTree.Node[] } = { reads: [], writes: [] };
    const { root, index } = released;
    /** Whether writing `target` may change what the released member denotes. */
    const changes = (target: TSESTree.Node): boolean => {
      if (target.type === AST_NODE_TYPES.Identifier) return root !== 'this' && (target.name === root || target.name === index);
      const member = releasedMemberOf(target);
      if (member?.key === released.key) return true;
      return root !== 'this' && target.type === AST_NODE_TYPES.MemberExpression && target.object.type === AST_NODE_TYPES.Identifier && target.object.name === root;
    };
    const walk = (node: TSESTree.Node): void => {
      if (node.type === AST_NODE_TYPES.AssignmentExpression && changes(node.left)) accesses.writes.push(node);
      // `const i = …` in a loop body and `for (const i of …)` bind a new value on each iteration.
      else if (node.type === AST_NODE_TYPES.VariableDeclarator && node.id.type === AST_NODE_TYPES.Identifier && changes(node.id)) accesses.writes.push(node);
      else if (node.type === AST_NODE_TYPES.UpdateExpression && changes(node.argument)) accesses.writes.push(node);
      else if (
        root !== 'this' &&
        node.type === AST_NODE_TYPES.CallExpression &&
        node.callee.type === AST_NODE_TYPES.MemberExpression &&
        node.callee.object.type === AST_NODE_TYPES.Identifier &&
        node.callee.object.name === root
      ) {
        accesses.writes.push(node);
      }
      if (node.type === AST_NODE_TYPES.MemberExpression && releasedMemberOf(node)?.key === released.key) {
        const parent = node.parent;
        const written = (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left === node) || parent?.type === AST_NODE_TYPES.UpdateExpression;
        if (!written) accesses.reads.push(node);
      }
    };
    walkOwnCode(fn, this.sourceCode.visitorKeys, walk);
    this.memberCache.set(cacheKey, accesses);
    return (found = accesses);
  }

  // --- helpers: functions of this file that act on an owner parameter ------------------------

  /**
   * For each function with owner parameters (annotated or typed, so `borrowed` owners): which of
   * them it resets/destroys, which handle parameter it frees through which owner parameter.
   * Only events in the function's own body count (not in closures it creates).
   */
  private summarizeHelpers(): Map<FunctionNode, HelperSummary> {
    const summaries = new Map<FunctionNode, HelperSummary>();
    for (const owner of this.owners) {
      if (owner.scoping !== 'borrowed' || owner.node.type !== AST_NODE_TYPES.Identifier) continue;
      const fn = owner.node.parent;
      if (!isFunctionNode(fn)) continue;
      const index = fn.params.indexOf(owner.node);
      if (index < 0) continue;
      let summary = summaries.get(fn);
      if (!summary) summaries.set(fn, (summary = { parameterOwners: new Map(), effects: [], returns: new Set() }));
      summary.parameterOwners.set(index, owner);
      for (const event of owner.events) {
        if (enclosingFunction(event.call) !== fn || event.via) continue;
        if (event.kind !== 'free') {
          summary.effects.push({ kind: event.kind, ownerIndex: index, handleIndex: -1 });
          continue;
        }
        const argument = event.argument ? unwrapExpression(event.argument) : null;
        const handleIndex = argument?.type === AST_NODE_TYPES.Identifier ? fn.params.findIndex((param) => param.type === AST_NODE_TYPES.Identifier && param.name === argument.name) : -1;
        if (handleIndex >= 0 && this.variableOf(argument as TSESTree.Identifier)?.defs[0]?.type === 'Parameter') {
          summary.effects.push({ kind: 'free', ownerIndex: index, handleIndex });
        }
      }
    }
    return summaries;
  }

  /** Calls of `fn` by its name (a function declaration or a `const` function), in this file. */
  private callsOf(fn: FunctionNode): TSESTree.CallExpression[] {
    let nameNode: TSESTree.Node | null = null;
    if (fn.type === AST_NODE_TYPES.FunctionDeclaration) nameNode = fn;
    else if (fn.parent?.type === AST_NODE_TYPES.VariableDeclarator && fn.parent.init === fn && fn.parent.parent.kind === 'const') nameNode = fn.parent;
    if (!nameNode) return [];
    const calls: TSESTree.CallExpression[] = [];
    for (const variable of this.sourceCode.getDeclaredVariables(nameNode)) {
      if (variable.defs.length !== 1) continue;
      for (const reference of variable.references) {
        const call = reference.identifier.parent;
        if (call?.type === AST_NODE_TYPES.CallExpression && call.callee === reference.identifier) calls.push(call);
      }
    }
    return calls;
  }

  private argumentOwner(call: TSESTree.CallExpression, index: number): MutableOwner | null {
    const argument = call.arguments[index];
    if (!argument || argument.type === AST_NODE_TYPES.SpreadElement || call.arguments.slice(0, index).some((a) => a.type === AST_NODE_TYPES.SpreadElement)) return null;
    const node = unwrapExpression(argument);
    if (node.type !== AST_NODE_TYPES.Identifier) return null;
    const variable = this.variableOf(node);
    return variable ? (this.ownerByVariable.get(variable) ?? null) : null;
  }

  /** A call of a helper that resets/destroys/frees through its owner parameter is that event. */
  private applyHelperEvents(helpers: Map<FunctionNode, HelperSummary>): void {
    for (const [fn, summary] of helpers) {
      if (summary.effects.length === 0) continue;
      for (const call of this.callsOf(fn)) {
        for (const effect of summary.effects) {
          const owner = this.argumentOwner(call, effect.ownerIndex);
          if (!owner || owner.events.some((event) => event.call === call && event.kind === effect.kind)) continue;
          const argument = effect.handleIndex >= 0 ? call.arguments[effect.handleIndex] : undefined;
          if (effect.kind === 'free' && (!argument || argument.type === AST_NODE_TYPES.SpreadElement)) continue;
          const event: LifetimeEvent = {
            kind: effect.kind,
            owner,
            call,
            argument: argument && argument.type !== AST_NODE_TYPES.SpreadElement ? argument : null,
            via: fn,
          };
          owner.events.push(event);
          if (effect.kind === 'free') this.frees.push(event);
        }
      }
    }
    for (const owner of this.owners) owner.events.sort((a, b) => a.call.range[0] - b.call.range[0]);
    this.frees.sort((a, b) => a.call.range[0] - b.call.range[0]);
  }

  /** A call of a helper that returns handles/views of its owner parameter yields such a value. */
  private applyHelperReturns(helpers: Map<FunctionNode, HelperSummary>): void {
    for (const sink of this.sinks) {
      if (sink.kind !== 'return' || sink.mode !== 'direct' || !sink.fn) continue;
      const summary = helpers.get(sink.fn);
      if (!summary) continue;
      for (const [index, owner] of summary.parameterOwners) {
        const kinds = [...sink.values].filter((value) => value.owner === owner).map((value) => value.kind);
        if (kinds.length > 0) summary.returns.add(`${index}:${kinds.every((kind) => kind === 'view') ? 'view' : 'handle'}`);
      }
    }
    for (const [fn, summary] of helpers) {
      if (summary.returns.size === 0) continue;
      for (const call of this.callsOf(fn)) {
        for (const entry of summary.returns) {
          const [index, kind] = entry.split(':') as [string, OwnedValueKind];
          const owner = this.argumentOwner(call, Number(index));
          if (!owner || this.valueByOrigin.has(call)) continue;
          this.flow(call, new Set([this.newValue(owner, kind, call, new Set([call]))]), 'direct');
        }
      }
    }
  }

  private tagged(call: TSESTree.CallExpression): MutableOwner {
    this.taggedOwner ??= this.addOwner(
      { kind: 'tagged', scoping: 'tagged', node: call, name: 'allocTagged', creation: null, scopedCall: null },
      null,
    );
    return this.taggedOwner;
  }

  private collectTaggedCalls(): void {
    for (const call of this.calls) {
      if (this.api.apiOf(call.callee) !== 'freeTagged') continue;
      const owner = this.tagged(call);
      const argument = call.arguments[0];
      const event: LifetimeEvent = {
        kind: 'free',
        owner,
        call,
        argument: argument && argument.type !== AST_NODE_TYPES.SpreadElement ? argument : null,
        via: null,
      };
      owner.events.push(event);
      this.frees.push(event);
    }
    this.frees.sort((a, b) => a.call.range[0] - b.call.range[0]);
  }

  private computeLifetimeScope(owner: MutableOwner): TSESTree.Node | null {
    switch (owner.scoping) {
      case 'withArena': {
        const body = owner.scopedCall?.arguments[owner.scopedCall.arguments.length - 1];
        return body && isFunctionNode(body) ? body : null;
      }
      case 'using': {
        const declaration = owner.creation ? findAncestor(owner.creation, AST_NODE_TYPES.VariableDeclaration) : null;
        return declaration?.parent ?? null;
      }
      case 'manual': {
        const home = owner.creation ? enclosingFunction(owner.creation) : null;
        if (!home) return null;
        // Only an owner that never leaves its function and is destroyed in it has a known extent.
        const staysHome = owner.variables.every((variable) =>
          variable.references.every((reference) => !reference.isRead() || callOnReceiver(reference.identifier) !== null || isMemberObject(reference.identifier)),
        );
        const destroyedHome = owner.events.some((event) => event.kind === 'destroy' && enclosingFunction(event.call) === home);
        return staysHome && destroyedHome ? home : null;
      }
      default:
        return null;
    }
  }

  // --- values ------------------------------------------------------------------------------

  private newValue(owner: Owner, kind: OwnedValueKind, origin: TSESTree.CallExpression, roots: ReadonlySet<TSESTree.CallExpression>): OwnedValue {
    const existing = this.valueByOrigin.get(origin);
    if (existing) return existing;
    const value: OwnedValue = { id: this.nextId++, owner, kind, origin, roots };
    this.valueByOrigin.set(origin, value);
    this.values.push(value);
    return value;
  }

  /**
   * `pool.connect((err, client, release) => ...)`: the callback form of an acquisition returns
   * nothing and lends the acquisition to the callback, which releases it itself.
   */
  private lendsToCallback(call: TSESTree.CallExpression): boolean {
    const last = call.arguments.at(-1);
    if (!last) return false;
    if (isFunctionNode(last)) return true;
    if (last.type !== AST_NODE_TYPES.Identifier) return false;
    const definition = this.variableOf(last)?.defs[0];
    if (!definition) return false;
    if (definition.type === 'FunctionName') return true;
    return definition.node.type === AST_NODE_TYPES.VariableDeclarator && isFunctionNode(definition.node.init);
  }

  /** Values created directly by allocation calls; derived values are created during propagation. */
  private seedValues(): void {
    for (const owner of this.owners) {
      const kind: OwnedValueKind = owner.protocol.acquisition === 'object' ? 'object' : 'handle';
      for (const { name, call } of owner.methodCalls) {
        if (owner.protocol.methods.acquire.has(name) && !this.lendsToCallback(call)) {
          this.flow(call, new Set([this.newValue(owner, kind, call, new Set([call]))]), 'direct');
        }
      }
    }
    for (const call of this.calls) {
      if (this.api.apiOf(call.callee) === 'allocTagged') {
        this.flow(call, new Set([this.newValue(this.tagged(call), 'handle', call, new Set([call]))]), 'direct');
      }
    }
    // Views and objects whose argument is not a tracked handle still belong to the owner.
    for (const owner of this.owners) {
      for (const { name, call } of owner.methodCalls) {
        if (owner.protocol.methods.access.has(name)) this.deriveFromOwnerCall(owner, owner.kind === 'objectPool' ? 'object' : 'view', call);
      }
    }
    for (const call of this.calls) {
      const api = this.api.apiOf(call.callee);
      if (api === 'strView' || api === 'slice') this.deriveView(call);
      if (api === 'taggedBytes') this.deriveFromOwnerCall(this.tagged(call), 'view', call);
    }
  }

  private deriveFromOwnerCall(owner: Owner, kind: OwnedValueKind, call: TSESTree.CallExpression): void {
    if (this.valueByOrigin.has(call)) return;
    const argument = call.arguments[0];
    const roots = new Set<TSESTree.CallExpression>();
    if (argument && argument.type !== AST_NODE_TYPES.SpreadElement) {
      for (const value of this.valuesOf(argument)) for (const root of value.roots) roots.add(root);
    }
    this.flow(call, new Set([this.newValue(owner, kind, call, roots)]), 'direct');
  }

  /** `strView(x, ...)` / `slice(x, ...)` over owned memory: a view of the same allocation. */
  private deriveView(call: TSESTree.CallExpression): void {
    if (this.valueByOrigin.has(call)) return;
    for (const argument of call.arguments) {
      if (argument.type === AST_NODE_TYPES.SpreadElement) continue;
      const source = [...this.valuesOf(argument)][0];
      if (source) {
        this.flow(call, new Set([this.newValue(source.owner, 'view', call, source.roots)]), 'direct');
        return;
      }
    }
  }

  private state(variable: Scope.Variable): VariableState {
    let state = this.variableStates.get(variable);
    if (!state) {
      state = { direct: new Set(), contained: new Set(), writes: [] };
      this.variableStates.set(variable, state);
    }
    return state;
  }

  private addSink(sink: Sink): void {
    const key = `${sink.kind}:${sink.expression.range[0]}:${sink.expression.range[1]}:${sink.mode}`;
    const keyed = this.sinkByKey.get(key);
    if (keyed) {
      // Only the first sink with a key is kept; a different node with the same range adds nothing.
      if (keyed.expression === sink.expression) for (const value of sink.values) (keyed.values as Set<OwnedValue>).add(value);
      return;
    }
    const created: Sink = {
      kind: sink.kind,
      expression: sink.expression,
      values: new Set(sink.values),
      mode: sink.mode,
      fn: sink.fn,
      variable: sink.variable,
      target: sink.target,
    };
    this.sinkByKey.set(key, created);
    this.sinks.push(created);
  }

  /** Follows `values`, held by `expression` in `mode`, up the tree to wherever they land. */
  private flow(expression: TSESTree.Node, values: ReadonlySet<OwnedValue>, mode: HoldMode): void {
    let current = expression;
    let currentMode = mode;
    for (let steps = 0; steps < 64; steps++) {
      const parent = current.parent;
      if (!parent) return;
      const passage = valuePassage(parent, current);
      if (passage === 'stops') return;
      if (passage === 'passes') {
        current = parent;
        continue;
      }
      switch (parent.type) {
        case AST_NODE_TYPES.ArrayExpression:
          if (this.bindPositional(parent, current, values, currentMode)) return;
          currentMode = 'contained';
          break;
        case AST_NODE_TYPES.SpreadElement:
          if (currentMode !== 'contained') return;
          break;
        case AST_NODE_TYPES.Property:
          if (parent.value !== current || parent.parent.type !== AST_NODE_TYPES.ObjectExpression) return;
          if (this.bindPositional(parent.parent, parent, values, currentMode)) return;
          current = parent.parent;
          currentMode = 'contained';
          continue;
        case AST_NODE_TYPES.VariableDeclarator:
          if (parent.init === current) this.bind(parent.id, values, currentMode, parent);
          return;
        case AST_NODE_TYPES.AssignmentExpression:
          if (parent.right !== current) return;
          if (parent.operator === '=' || parent.operator === '??=' || parent.operator === '||=') {
            this.bind(parent.left, values, currentMode, parent);
          }
          return;
        case AST_NODE_TYPES.ForOfStatement:
          if (parent.right === current && currentMode === 'contained') this.bindLoopVariable(parent, values);
          return;
        case AST_NODE_TYPES.ReturnStatement: {
          const fn = enclosingFunction(parent);
          this.addSink({ kind: 'return', expression: current, values, mode: currentMode, fn, variable: null, target: null });
          if (fn) this.flowOutOfScopedCallback(fn, values, currentMode);
          return;
        }
        case AST_NODE_TYPES.ArrowFunctionExpression:
          if (parent.body === current) {
            this.addSink({ kind: 'return', expression: current, values, mode: currentMode, fn: parent, variable: null, target: null });
            this.flowOutOfScopedCallback(parent, values, currentMode);
          }
          return;
        case AST_NODE_TYPES.YieldExpression:
          if (parent.argument === current && !parent.delegate) {
            this.addSink({ kind: 'yield', expression: current, values, mode: currentMode, fn: enclosingFunction(parent), variable: null, target: null });
          }
          return;
        case AST_NODE_TYPES.ThrowStatement:
          this.addSink({ kind: 'throw', expression: current, values, mode: currentMode, fn: enclosingFunction(parent), variable: null, target: null });
          return;
        case AST_NODE_TYPES.MemberExpression: {
          if (parent.object !== current) return;
          const call = parent.parent;
          const name = memberName(parent);
          if (call?.type === AST_NODE_TYPES.CallExpression && call.callee === parent && name !== null) {
            if (currentMode === 'direct' && VIEW_ALIAS_METHODS.has(name) && [...values].every((value) => value.kind === 'view')) {
              current = call;
              continue;
            }
            if (currentMode === 'contained' && ELEMENT_METHODS.has(name)) {
              current = call;
              currentMode = 'direct';
              continue;
            }
            return;
          }
          if (currentMode === 'contained' && parent.computed) {
            current = parent;
            currentMode = 'direct';
            continue;
          }
          return;
        }
        case AST_NODE_TYPES.CallExpression: {
          if (parent.callee === current) return;
          // An argument: a borrow, unless the callee stores it into its receiver.
          const method = methodCallOf(parent);
          if (method && STORING_METHODS.has(method.name) && !copiesView(method.name, parent, current, values, currentMode)) {
            this.storeInto(method.receiver, current, values, currentMode);
          }
          return;
        }
        default:
          return;
      }
      current = parent;
    }
  }

  /** `[a, b] = [h, x]` and `{ a } = { a: h }` bind by position instead of smearing. */
  private bindPositional(
    container: TSESTree.ArrayExpression | TSESTree.ObjectExpression,
    element: TSESTree.Node,
    values: ReadonlySet<OwnedValue>,
    mode: HoldMode,
  ): boolean {
    const holder = container.parent;
    let pattern: TSESTree.Node | null = null;
    if (holder?.type === AST_NODE_TYPES.VariableDeclarator && holder.init === container) pattern = holder.id;
    if (holder?.type === AST_NODE_TYPES.AssignmentExpression && holder.right === container && holder.operator === '=') pattern = holder.left;
    if (!pattern || !holder) return false;
    if (container.type === AST_NODE_TYPES.ArrayExpression && pattern.type === AST_NODE_TYPES.ArrayPattern) {
      const index = container.elements.indexOf(element as TSESTree.Expression);
      if (index < 0 || container.elements.slice(0, index).some((item) => item?.type === AST_NODE_TYPES.SpreadElement)) return false;
      const target = pattern.elements[index];
      if (target && target.type !== AST_NODE_TYPES.RestElement) this.bind(target, values, mode, holder);
      return true;
    }
    if (
      container.type === AST_NODE_TYPES.ObjectExpression &&
      pattern.type === AST_NODE_TYPES.ObjectPattern &&
      element.type === AST_NODE_TYPES.Property
    ) {
      const key = propertyKey(element);
      if (key === null) return false;
      for (const property of pattern.properties) {
        if (property.type === AST_NODE_TYPES.Property && propertyKey(property) === key) this.bind(property.value, values, mode, holder);
      }
      return true;
    }
    return false;
  }

  private bind(pattern: TSESTree.Node, values: ReadonlySet<OwnedValue>, mode: HoldMode, writer: TSESTree.Node): void {
    switch (pattern.type) {
      case AST_NODE_TYPES.Identifier: {
        const variable = this.variableOf(pattern);
        if (!variable) return;
        this.addToVariable(variable, values, mode, writer);
        this.addSink({ kind: 'assign', expression: pattern, values, mode, fn: null, variable, target: writer });
        return;
      }
      case AST_NODE_TYPES.AssignmentPattern:
        this.bind(pattern.left, values, mode, writer);
        return;
      case AST_NODE_TYPES.ArrayPattern:
        if (mode !== 'contained') return;
        for (const element of pattern.elements) {
          if (!element) continue;
          if (element.type === AST_NODE_TYPES.RestElement) this.bind(element.argument, values, 'contained', writer);
          else this.bind(element, values, 'direct', writer);
        }
        return;
      case AST_NODE_TYPES.ObjectPattern:
        if (mode !== 'contained') return;
        for (const property of pattern.properties) {
          if (property.type === AST_NODE_TYPES.RestElement) this.bind(property.argument, values, 'contained', writer);
          else this.bind(property.value, values, 'direct', writer);
        }
        return;
      case AST_NODE_TYPES.MemberExpression: {
        const plainAssignment = writer.type === AST_NODE_TYPES.AssignmentExpression && writer.left === pattern;
        this.storeInto(pattern.object, plainAssignment ? writer.right : pattern, values, mode);
        return;
      }
      default:
        return;
    }
  }

  private bindLoopVariable(loop: TSESTree.ForOfStatement, values: ReadonlySet<OwnedValue>): void {
    if (loop.left.type === AST_NODE_TYPES.VariableDeclaration) {
      const declarator = loop.left.declarations[0];
      if (declarator) this.bind(declarator.id, values, 'direct', declarator);
    } else if (loop.left.type === AST_NODE_TYPES.Identifier) {
      // `for (h of list)`: the write happens at the identifier each iteration.
      this.bind(loop.left, values, 'direct', loop.left);
    }
  }

  /** A member write or a storing method call: the receiver object now contains the values. */
  private storeInto(receiver: TSESTree.Node, expression: TSESTree.Node, values: ReadonlySet<OwnedValue>, mode: HoldMode): void {
    this.addSink({ kind: 'store', expression, values, mode, fn: null, variable: null, target: receiver });
    const root = unwrapExpression(receiver);
    if (root.type === AST_NODE_TYPES.Identifier) {
      const variable = this.variableOf(root);
      // The receiver's identifier is the write point (always indexed by the code path index).
      if (variable && !this.ownerByVariable.has(variable)) this.addToVariable(variable, values, 'contained', root);
    }
  }

  /** A `withArena` callback's return value becomes the `withArena` call's value. */
  private flowOutOfScopedCallback(fn: FunctionNode, values: ReadonlySet<OwnedValue>, mode: HoldMode): void {
    const call = fn.parent;
    if (call?.type !== AST_NODE_TYPES.CallExpression) return;
    // `xs.map(cb)`, `xs.flatMap(cb)`, `Array.from(xs, cb)`: what the callback returns are the
    // elements of the array the call makes (an array of handles or views is a container).
    const mapped = mappedCallbackResult(call, fn, mode);
    if (mapped) {
      this.flow(call, values, mapped);
      return;
    }
    if (call.arguments[call.arguments.length - 1] !== fn) return;
    if (this.api.apiOf(call.callee) !== 'withArena') return;
    this.flow(call, values, mode);
  }

  private addToVariable(variable: Scope.Variable, values: ReadonlySet<OwnedValue>, mode: HoldMode, writer: TSESTree.Node): void {
    const state = this.state(variable);
    const held = mode === 'direct' ? state.direct : state.contained;
    let changed = false;
    for (const value of values) {
      if (!state.writes.some((write) => write.value === value && write.node === writer && write.mode === mode)) {
        state.writes.push({ value, mode, node: writer });
      }
      if (!held.has(value)) {
        held.add(value);
        changed = true;
      }
    }
    this.valueVariables.add(variable);
    if (changed) this.pendingVariables.push(variable);
  }

  private propagate(): void {
    for (let rounds = 0; this.pendingVariables.length > 0 && rounds < 10_000; rounds++) {
      const variable = this.pendingVariables.pop()!;
      const state = this.state(variable);
      for (const reference of variable.references) {
        if (!reference.isRead() || reference.isWrite()) continue;
        const identifier = reference.identifier;
        if (identifier.type !== AST_NODE_TYPES.Identifier) continue;
        if (state.direct.size > 0) this.flow(identifier, state.direct, 'direct');
        if (state.contained.size > 0) this.flow(identifier, state.contained, 'contained');
        this.recordCapture(identifier, variable, state);
      }
    }
    // Roots only matter to the rules' queries, so they are filled in once the flow is complete.
    this.refreshDerivedValues();
  }

  /** A read inside a function nested deeper than the variable's own: the function captures it. */
  private recordCapture(identifier: TSESTree.Identifier, variable: Scope.Variable, state: VariableState): void {
    const fn = enclosingFunction(identifier);
    const declaredIn = variable.defs[0]?.name;
    if (!fn || !declaredIn || isWithin(declaredIn, fn)) return;
    const values = new Set([...state.direct, ...state.contained]);
    this.addSink({ kind: 'closure', expression: identifier, values, mode: state.direct.size > 0 ? 'direct' : 'contained', fn, variable, target: null });
  }

  /** Views whose handle argument became known later get their roots (idempotent). */
  private refreshDerivedValues(): void {
    for (const value of this.values) {
      if (value.kind === 'handle') continue;
      const argument = value.origin.arguments[0];
      if (!argument || argument.type === AST_NODE_TYPES.SpreadElement) continue;
      for (const source of this.valuesOf(argument)) {
        for (const root of source.roots) (value.roots as Set<TSESTree.CallExpression>).add(root);
      }
    }
  }

  // --- queries -----------------------------------------------------------------------------

  ownerOfVariable(variable: Scope.Variable): Owner | null {
    return this.ownerByVariable.get(variable) ?? null;
  }

  ownerOf(expression: TSESTree.Node): Owner | null {
    const node = unwrapExpression(expression);
    if (node.type !== AST_NODE_TYPES.Identifier) return null;
    const variable = this.variableOf(node);
    return variable ? this.ownerOfVariable(variable) : null;
  }

  valuesOf(expression: TSESTree.Node, mode: HoldMode = 'direct'): ReadonlySet<OwnedValue> {
    const node = unwrapExpression(expression);
    switch (node.type) {
      case AST_NODE_TYPES.Identifier: {
        const variable = this.variableOf(node);
        const state = variable ? this.variableStates.get(variable) : undefined;
        return (mode === 'direct' ? state?.direct : state?.contained) ?? EMPTY;
      }
      case AST_NODE_TYPES.CallExpression: {
        const value = this.valueByOrigin.get(node);
        if (value && mode === 'direct') return new Set([value]);
        const method = methodCallOf(node);
        if (method && mode === 'direct' && VIEW_ALIAS_METHODS.has(method.name)) return this.valuesOf(method.receiver, 'direct');
        return EMPTY;
      }
      case AST_NODE_TYPES.ConditionalExpression:
        return union(this.valuesOf(node.consequent, mode), this.valuesOf(node.alternate, mode));
      case AST_NODE_TYPES.LogicalExpression:
        return union(this.valuesOf(node.left, mode), this.valuesOf(node.right, mode));
      case AST_NODE_TYPES.SequenceExpression: {
        const last = node.expressions[node.expressions.length - 1];
        return last ? this.valuesOf(last, mode) : EMPTY;
      }
      case AST_NODE_TYPES.AwaitExpression:
        return this.valuesOf(node.argument, mode);
      case AST_NODE_TYPES.MemberExpression:
        return mode === 'direct' && node.computed ? this.valuesOf(node.object, 'contained') : EMPTY;
      case AST_NODE_TYPES.ArrayExpression:
        if (mode !== 'contained') return EMPTY;
        return node.elements.reduce<ReadonlySet<OwnedValue>>((all, element) => {
          if (!element) return all;
          if (element.type === AST_NODE_TYPES.SpreadElement) return union(all, this.valuesOf(element.argument, 'contained'));
          return union(all, union(this.valuesOf(element, 'direct'), this.valuesOf(element, 'contained')));
        }, EMPTY);
      case AST_NODE_TYPES.ObjectExpression:
        if (mode !== 'contained') return EMPTY;
        return node.properties.reduce<ReadonlySet<OwnedValue>>((all, property) => {
          if (property.type === AST_NODE_TYPES.SpreadElement) return union(all, this.valuesOf(property.argument, 'contained'));
          return union(all, union(this.valuesOf(property.value, 'direct'), this.valuesOf(property.value, 'contained')));
        }, EMPTY);
      default:
        return EMPTY;
    }
  }

  writesOf(variable: Scope.Variable): readonly ValueWrite[] {
    return this.variableStates.get(variable)?.writes ?? [];
  }

  writeNodesOf(variable: Scope.Variable): readonly TSESTree.Node[] {
    const cached = this.writeNodeCache.get(variable);
    if (cached) return cached;
    const nodes: TSESTree.Node[] = [];
    for (const reference of variable.references) {
      if (!reference.isWrite()) continue;
      const writer = writerOf(reference.identifier);
      if (writer) nodes.push(writer);
    }
    this.writeNodeCache.set(variable, nodes);
    return nodes;
  }

  variableOf(identifier: TSESTree.Identifier): Scope.Variable | null {
    return ASTUtils.findVariable(this.sourceCode.getScope(identifier), identifier);
  }

  queriedNodes(): ReadonlySet<TSESTree.Node> {
    const nodes = new Set<TSESTree.Node>();
    for (const event of this.untrackedReleases) {
      const accesses = this.memberAccesses(event);
      for (const node of [...(accesses?.reads ?? []), ...(accesses?.writes ?? [])]) nodes.add(node);
    }
    const variables = new Set<Scope.Variable>([...this.valueVariables, ...this.ownerByVariable.keys(), ...this.releasedVariables]);
    for (const variable of variables) {
      for (const reference of variable.references) {
        nodes.add(reference.identifier);
        if (reference.isWrite()) {
          const writer = writerOf(reference.identifier);
          if (writer) nodes.add(writer);
        }
      }
      for (const write of this.writesOf(variable)) nodes.add(write.node);
    }
    // The calls and awaits of functions that acquire what must be released: any of them may throw
    // between the acquisition and its release (no-leaked-arena).
    const acquiring = new Set<FunctionNode>();
    for (const value of this.values) {
      if (!value.owner.protocol.mustRelease) continue;
      const fn = enclosingFunction(value.origin);
      if (fn && !acquiring.has(fn)) {
        acquiring.add(fn);
        for (const point of throwingPointsOf(fn, this.sourceCode.visitorKeys)) nodes.add(point);
      }
    }
    for (const owner of this.owners) {
      for (const { call } of owner.methodCalls) nodes.add(call);
      for (const event of owner.events) nodes.add(event.call);
      if (owner.scopedCall) nodes.add(owner.scopedCall);
      if (owner.creation) {
        nodes.add(owner.creation);
        for (let node: TSESTree.Node | undefined = owner.creation.parent; node; node = node.parent) {
          if (node.type === AST_NODE_TYPES.VariableDeclarator) nodes.add(node);
          if (node.type !== AST_NODE_TYPES.TSAsExpression && node.type !== AST_NODE_TYPES.TSNonNullExpression && node.type !== AST_NODE_TYPES.TSSatisfiesExpression) break;
        }
      }
    }
    return nodes;
  }
}

const EMPTY: ReadonlySet<OwnedValue> = new Set();

/**
 * `target.set(view)` / `target.set(view, offset)`: a typed array's `set` copies the view's bytes
 * into `target`, it does not keep the view. (A Map's `set` takes the key first: a view as a Map
 * key is kept, but that is not how views are used; a handle as the first argument stays a store.)
 */
function copiesView(name: string, call: TSESTree.CallExpression, argument: TSESTree.Node, values: ReadonlySet<OwnedValue>, mode: HoldMode): boolean {
  if (name !== 'set' || mode !== 'direct' || call.arguments[0] !== argument || call.arguments.length > 2) return false;
  for (const value of values) if (value.kind !== 'view') return false;
  return true;
}

/**
 * How the call holds what `fn` returns when `fn` is its mapping callback: `xs.map(fn)` and
 * `Array.from(xs, fn)` make an array of the returned values, `xs.flatMap(fn)` one of them or of
 * their elements; null for any other call (nested arrays are not followed).
 */
function mappedCallbackResult(call: TSESTree.CallExpression, fn: FunctionNode, mode: HoldMode): HoldMode | null {
  const method = methodCallOf(call);
  if (!method) return null;
  if ((method.name === 'map' || method.name === 'flatMap') && call.arguments[0] === fn) {
    return mode === 'direct' || method.name === 'flatMap' ? 'contained' : null;
  }
  const receiver = unwrapExpression(method.receiver);
  const isArrayFrom = method.name === 'from' && receiver.type === AST_NODE_TYPES.Identifier && receiver.name === 'Array';
  return isArrayFrom && call.arguments[1] === fn && mode === 'direct' ? 'contained' : null;
}

export type ThrowingPoint = TSESTree.CallExpression | TSESTree.NewExpression | TSESTree.AwaitExpression;

const throwingPointCache = new WeakMap<FunctionNode, readonly ThrowingPoint[]>();

/**
 * Every call, `new` and `await` evaluated by `fn` itself (not inside functions it defines), in
 * source order: each may throw. One walk per function, cached.
 */
export function throwingPointsOf(fn: FunctionNode, visitorKeys: VisitorKeys): readonly ThrowingPoint[] {
  const cached = throwingPointCache.get(fn);
  if (cached) return cached;
  const points: ThrowingPoint[] = [];
  walkOwnCode(fn, visitorKeys, (node) => {
    if (node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.NewExpression || node.type === AST_NODE_TYPES.AwaitExpression) {
      points.push(node);
    }
  });
  points.sort((a, b) => a.range[0] - b.range[0]);
  throwingPointCache.set(fn, points);
  return points;
}

/** Initializers whose value may be an owner someone else created (worth asking the checker). */
const TYPED_OWNER_INITS: ReadonlySet<string> = new Set([
  AST_NODE_TYPES.Identifier,
  AST_NODE_TYPES.MemberExpression,
  AST_NODE_TYPES.CallExpression,
  AST_NODE_TYPES.AwaitExpression,
  AST_NODE_TYPES.ConditionalExpression,
  AST_NODE_TYPES.LogicalExpression,
]);

function union<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): ReadonlySet<T> {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  return new Set([...a, ...b]);
}

function propertyKey(property: TSESTree.Property): string | null {
  if (!property.computed && property.key.type === AST_NODE_TYPES.Identifier) return property.key.name;
  if (property.key.type === AST_NODE_TYPES.Literal) return String(property.key.value);
  return null;
}

function classOfBody(body: TSESTree.Node | undefined): TSESTree.Node | null {
  return body?.type === AST_NODE_TYPES.ClassBody ? body.parent : null;
}

function fieldName(key: TSESTree.Node, computed: boolean): string | null {
  if (computed) return null;
  if (key.type === AST_NODE_TYPES.Identifier) return key.name;
  if (key.type === AST_NODE_TYPES.PrivateIdentifier) return `#${key.name}`;
  return null;
}

/** Where a creation call becomes an instance field: its class and field name, or null. */
function fieldSiteOf(call: TSESTree.CallExpression | TSESTree.NewExpression): { classNode: TSESTree.Node; name: string } | null {
  const holder = climbTypeWrappers(call);
  const parent = holder.parent;
  if (parent?.type === AST_NODE_TYPES.PropertyDefinition && parent.value === holder && !parent.static) {
    const name = fieldName(parent.key, parent.computed);
    const classNode = classOfBody(parent.parent);
    return name !== null && classNode ? { classNode, name } : null;
  }
  if (
    parent?.type === AST_NODE_TYPES.AssignmentExpression &&
    parent.right === holder &&
    parent.operator === '=' &&
    parent.left.type === AST_NODE_TYPES.MemberExpression &&
    parent.left.object.type === AST_NODE_TYPES.ThisExpression
  ) {
    const name = fieldName(parent.left.property, parent.left.computed);
    const constructor = enclosingFunction(parent);
    const method = constructor?.parent;
    if (name === null || method?.type !== AST_NODE_TYPES.MethodDefinition || method.kind !== 'constructor') return null;
    const classNode = classOfBody(method.parent);
    return classNode ? { classNode, name } : null;
  }
  return null;
}

/**
 * Calls `visit` for every `this.name` / `this.#name` whose `this` is the class's instance: inside
 * methods, accessors, the constructor, field initializers and arrow functions within them.
 */
function forEachThisMember(
  classNode: TSESTree.ClassDeclaration | TSESTree.ClassExpression,
  visitorKeys: VisitorKeys,
  visit: (member: TSESTree.MemberExpression, name: string) => void,
): void {
  const walk = (node: TSESTree.Node): void => {
    if (node.type === AST_NODE_TYPES.MemberExpression && node.object.type === AST_NODE_TYPES.ThisExpression) {
      const name = fieldName(node.property, node.computed);
      if (name !== null) visit(node, name);
    }
    forEachChild(node, visitorKeys, (child) => {
      // A new `this`: nested classes and non-arrow functions that are not this class's methods.
      if (child.type === AST_NODE_TYPES.ClassDeclaration || child.type === AST_NODE_TYPES.ClassExpression) return;
      if (
        (child.type === AST_NODE_TYPES.FunctionExpression || child.type === AST_NODE_TYPES.FunctionDeclaration) &&
        !(node.type === AST_NODE_TYPES.MethodDefinition && node.parent === classNode.body)
      ) {
        return;
      }
      walk(child);
    });
  };
  walk(classNode.body);
}

type VisitorKeys = Readonly<Record<string, readonly string[] | undefined>>;

interface FieldUses {
  readonly reads: TSESTree.MemberExpression[];
  readonly writes: TSESTree.MemberExpression[];
}
const NO_FIELD_USES: FieldUses = { reads: [], writes: [] };

/** Calls `visit` for each child node of `node`, in visitor-key (source) order. */
function forEachChild(node: TSESTree.Node, visitorKeys: VisitorKeys, visit: (child: TSESTree.Node) => void): void {
  for (const key of visitorKeys[node.type] ?? []) {
    const child = (node as unknown as Record<string, unknown>)[key];
    for (const item of Array.isArray(child) ? child : [child]) {
      if (item && typeof item === 'object' && typeof (item as { type?: unknown }).type === 'string') visit(item as TSESTree.Node);
    }
  }
}

/** Visits every node of `fn`'s body that `fn` itself evaluates: nested functions and classes run elsewhere and are skipped. */
function walkOwnCode(fn: FunctionNode, visitorKeys: VisitorKeys, visit: (node: TSESTree.Node) => void): void {
  const walk = (node: TSESTree.Node): void => {
    visit(node);
    forEachChild(node, visitorKeys, (child) => {
      if (!isFunctionNode(child) && child.type !== AST_NODE_TYPES.ClassDeclaration && child.type !== AST_NODE_TYPES.ClassExpression) walk(child);
    });
  };
  walk(fn.body);
}

/**
 * A member a release can name and later code can name again: `this.name`, `obj.name`, `obj[0]`,
 * `obj['k']`, `obj[i]` (`obj` and `i` plain names). `key` is the same for every spelling of the
 * same member; `root` is `'this'` or the object's name, `index` the index variable's name.
 */
export function releasedMemberOf(node: TSESTree.Node): { readonly key: string; readonly root: string; readonly index: string | null } | null {
  if (node.type !== AST_NODE_TYPES.MemberExpression) return null;
  let root: string;
  if (node.object.type === AST_NODE_TYPES.ThisExpression) root = 'this';
  else if (node.object.type === AST_NODE_TYPES.Identifier) root = node.object.name;
  else return null;
  const property = node.property;
  if (!node.computed) {
    const name = fieldName(property, false);
    return name === null ? null : { key: `${root}.${name}`, root, index: null };
  }
  if (root === 'this') return null;
  if (property.type === AST_NODE_TYPES.Literal && (typeof property.value === 'number' || typeof property.value === 'string')) {
    return { key: `${root}[${JSON.stringify(property.value)}]`, root, index: null };
  }
  if (property.type === AST_NODE_TYPES.Identifier) return { key: `${root}[${property.name}]`, root, index: property.name };
  return null;
}

function isMemberObject(identifier: TSESTree.Node): boolean {
  const parent = identifier.parent;
  return parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier;
}

function findAncestor<T extends AST_NODE_TYPES>(node: TSESTree.Node, type: T): Extract<TSESTree.Node, { type: T }> | null {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === type) return current as Extract<TSESTree.Node, { type: T }>;
    if (isFunctionNode(current)) return null;
  }
  return null;
}

/** The node that performs a write through this identifier (indexed by CodePathIndex). */
export function writerOf(identifier: TSESTree.Node): TSESTree.Node | null {
  for (let current: TSESTree.Node | undefined = identifier.parent; current; current = current.parent) {
    switch (current.type) {
      case AST_NODE_TYPES.VariableDeclarator:
      case AST_NODE_TYPES.AssignmentExpression:
      case AST_NODE_TYPES.UpdateExpression:
        return current;
      case AST_NODE_TYPES.ForOfStatement:
      case AST_NODE_TYPES.ForInStatement:
        // `for (x of xs)`: the loop variable is written at the start of each iteration.
        return current.left.type === AST_NODE_TYPES.VariableDeclaration ? (current.left.declarations[0] ?? null) : identifier;
      case AST_NODE_TYPES.ArrayPattern:
      case AST_NODE_TYPES.ObjectPattern:
      case AST_NODE_TYPES.Property:
      case AST_NODE_TYPES.AssignmentPattern:
      case AST_NODE_TYPES.RestElement:
        continue;
      default:
        return null;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Sharing one analysis between the rules of a file

interface SharedAnalysis {
  readonly paths: CodePathIndex;
  readonly model: OwnershipModel;
}

const sharedByFile = new WeakMap<object, SharedAnalysis>();

/**
 * Listeners for a rule that needs the ownership model: `onModel` runs at `Program:exit` with the
 * file's model and code path index. Files without an allocator import get no listeners at all.
 */
export function useOwnership(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  onModel: (model: OwnershipModel, paths: CodePathIndex) => void,
): TSESLint.RuleListener {
  const api = getAllocatorApi(context);
  if (!api.active) return {};
  const sourceCode = context.sourceCode;
  let shared = sharedByFile.get(sourceCode);
  let recording: TSESLint.RuleListener = {};
  if (!shared) {
    // The model needs only the AST and the scope manager, both ready when rules are created, so it
    // is built before traversal; the code path index then listens for, and records, just the nodes
    // the lifetime queries can ask about.
    const model = new ModelBuilder(api, sourceCode, api.apiCalls(), typeOwnerLookup(context));
    const created: SharedAnalysis = { paths: new CodePathIndex(model.queriedNodes()), model };
    shared = created;
    sharedByFile.set(sourceCode, created);
    recording = created.paths.listeners;
  }
  const analysis = shared;
  return mergeListeners(recording, {
    'Program:exit'() {
      onModel(analysis.model, analysis.paths);
    },
  });
}
