// Path-sensitive lifetime checks over the ownership model: reads of stale handles/views/owners
// and double frees. Order comes from the code path index: "W (the write that put the value in
// the variable), then E (the event killing it), then R (the read)" on one path, with no other
// write of the variable in between (which would put a fresh value there, e.g. a handle
// re-allocated at the top of every loop iteration).

import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import type { Scope } from '@typescript-eslint/utils/ts-eslint';
import type { CodePathIndex, NodeGroup, ThroughQuery } from './code-paths.js';
import {
  climbTypeWrappers,
  enclosingFunction,
  isFunctionNode,
  isWithin,
  memberName,
  methodCallOf,
  releasedMemberOf,
  unwrapExpression,
  type FunctionNode,
  type LifetimeEvent,
  type OwnedValue,
  type Owner,
  type OwnershipModel,
} from './ownership.js';

export interface StaleUse {
  /** The read of the stale variable (for a container, the container's identifier; `this.name` for a released field). */
  readonly read: TSESTree.Identifier | TSESTree.MemberExpression;
  /** What is read: the identifier, or the element expression (`hs[0]`, `hs` of a for-of). */
  readonly expression: TSESTree.Node;
  /** The stale variable; null for a released `this.name`. */
  readonly variable: Scope.Variable | null;
  readonly value: OwnedValue;
  /** What made it stale: a reset/destroy/free call, or the `withArena` call that ended. */
  readonly cause: { readonly kind: LifetimeEvent['kind'] | 'scopeEnd'; readonly node: TSESTree.CallExpression };
}

export interface OwnerUseAfterDestroy {
  readonly owner: Owner;
  /** The receiver of the call: the owner variable (`a`) or field (`this.arena`). */
  readonly read: TSESTree.Expression;
  readonly method: string;
  readonly destroy: TSESTree.CallExpression;
}

export interface DoubleFree {
  readonly first: LifetimeEvent;
  readonly second: LifetimeEvent;
}

/** Methods that only ask and never throw on a stale handle or a destroyed owner. */
const ASKING_METHODS: ReadonlySet<string> = new Set(['isLive']);

/** A read that cannot go wrong on a stale value: `owner.isLive(h)`, `typeof h`, `h === null`. */
function isHarmlessRead(identifier: TSESTree.Identifier, model: OwnershipModel): boolean {
  let current: TSESTree.Node = identifier;
  while (
    (current.parent?.type === AST_NODE_TYPES.TSNonNullExpression || current.parent?.type === AST_NODE_TYPES.TSAsExpression) &&
    current.parent.expression === current
  ) {
    current = current.parent;
  }
  const parent = current.parent;
  if (!parent) return true;
  if (parent.type === AST_NODE_TYPES.UnaryExpression && parent.operator === 'typeof') return true;
  if (
    parent.type === AST_NODE_TYPES.BinaryExpression &&
    ['==', '===', '!=', '!=='].includes(parent.operator)
  ) {
    const other = parent.left === current ? parent.right : parent.left;
    if (
      (other.type === AST_NODE_TYPES.Literal && other.value === null) ||
      (other.type === AST_NODE_TYPES.Identifier && other.name === 'undefined')
    ) {
      return true;
    }
  }
  if (parent.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(current)) {
    const method = methodCallOf(parent);
    if (method && ASKING_METHODS.has(method.name)) return true;
    if (model.api.apiOf(parent.callee) === 'isTaggedLive') return true;
    // Freeing again is a double free, reported by no-mixed-ownership rather than here.
    if (freeCallsOf(model).has(parent)) return true;
  }
  // `client.release()` again: also a double release, not a use.
  if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === current) {
    const call = parent.parent;
    if (call?.type === AST_NODE_TYPES.CallExpression && call.callee === parent && freeCallsOf(model).has(call)) return true;
  }
  return false;
}

const freeCallSets = new WeakMap<OwnershipModel, ReadonlySet<TSESTree.Node>>();

function freeCallsOf(model: OwnershipModel): ReadonlySet<TSESTree.Node> {
  let calls = freeCallSets.get(model);
  if (!calls) freeCallSets.set(model, (calls = new Set(model.frees.map((event) => event.call))));
  return calls;
}

/**
 * Whether a read of a released *object* acquisition of a described owner uses it: a member access
 * or method call on it (`m.x`, `m.foo()`), passing it on (`f(m)`, `new C(m)`), or returning /
 * yielding it. A test (`if (m)`), a comparison or copying the reference is not a use.
 */
function usesObject(node: TSESTree.Node): boolean {
  const current = climbTypeWrappers(node);
  const parent = current.parent;
  if (!parent) return false;
  switch (parent.type) {
    case AST_NODE_TYPES.MemberExpression:
      return parent.object === current;
    case AST_NODE_TYPES.CallExpression:
    case AST_NODE_TYPES.NewExpression:
      return parent.arguments.includes(current as TSESTree.CallExpressionArgument);
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.YieldExpression:
      return true;
    case AST_NODE_TYPES.ArrowFunctionExpression:
      return parent.body === current;
    // Destructuring reads its members: `const { a } = m`.
    case AST_NODE_TYPES.VariableDeclarator:
      return parent.init === current && parent.id.type !== AST_NODE_TYPES.Identifier;
    case AST_NODE_TYPES.AssignmentExpression:
      return parent.right === current && parent.left.type !== AST_NODE_TYPES.Identifier && parent.left.type !== AST_NODE_TYPES.MemberExpression;
    default:
      return false;
  }
}

/** Whether `value` is an object acquisition of an allocator description (not this runtime's). */
function isDescribedObject(value: OwnedValue): boolean {
  return value.kind === 'object' && value.owner.protocol.origin !== 'runtime';
}

/** Whether `node` denotes `owner` itself: one of its variables, or its instance field (`this.pool`). */
function denotesOwner(node: TSESTree.Node, owner: Owner, model: OwnershipModel): boolean {
  const expression = unwrapExpression(node);
  if (expression.type === AST_NODE_TYPES.Identifier) return model.ownerOf(expression) === owner;
  if (expression.type !== AST_NODE_TYPES.MemberExpression || expression.object.type !== AST_NODE_TYPES.ThisExpression) return false;
  const name = memberName(expression);
  return (
    name !== null &&
    owner.methodCalls.some(({ call }) => {
      const receiver = methodCallOf(call)?.receiver;
      return receiver?.type === AST_NODE_TYPES.MemberExpression && receiver.object.type === AST_NODE_TYPES.ThisExpression && memberName(receiver) === name;
    })
  );
}

/** The function of this file a plain callee names: `function f() {}`, `const f = () => ...`. */
function localFunctionOf(callee: TSESTree.Node, model: OwnershipModel): FunctionNode | null {
  const expression = unwrapExpression(callee);
  if (expression.type !== AST_NODE_TYPES.Identifier) return null;
  const definition = model.variableOf(expression)?.defs[0];
  if (!definition) return null;
  if (isFunctionNode(definition.node)) return definition.node;
  if (definition.node.type === AST_NODE_TYPES.VariableDeclarator && isFunctionNode(definition.node.init)) return definition.node.init;
  return null;
}

/**
 * Whether a read of a stale *handle* of `owner` dereferences it. A handle is a number: storing it
 * in a Set, logging, comparing or returning it reads no memory. It is dereferenced only where its
 * owner can be reached: a call of the owner's own methods (`arena.bytes(h)`, `pool.get(h)`, a
 * configured accessor), a runtime function for tagged memory (`taggedBytes(h)`), a call that also
 * receives the owner (`readEdge(arena, h)`), or a call of a function of this file that calls the
 * owner's methods itself (`const read = (x) => arena.bytes(x)`).
 */
function dereferencesHandle(node: TSESTree.Node, owner: Owner, model: OwnershipModel): boolean {
  const current = climbTypeWrappers(node);
  const call = current.parent;
  // Nothing is read here, but a caller handed a dead handle can do nothing with it but dereference it.
  if (call?.type === AST_NODE_TYPES.ReturnStatement || call?.type === AST_NODE_TYPES.YieldExpression) return true;
  if (call?.type !== AST_NODE_TYPES.CallExpression && call?.type !== AST_NODE_TYPES.NewExpression) return false;
  if (!call.arguments.includes(current as TSESTree.CallExpressionArgument)) return false;
  if (call.type === AST_NODE_TYPES.CallExpression) {
    if (ownerCallsOf(owner).has(call)) return true;
    if (owner.kind === 'tagged' && model.api.apiOf(call.callee) !== null) return true;
    const helper = localFunctionOf(call.callee, model);
    if (helper && reachesOwner(helper, owner)) return true;
  }
  return call.arguments.some((argument) => argument !== current && denotesOwner(argument, owner, model));
}

// Per-owner lookups, so that checking many reads stays linear in the file (owners live for one lint run).
const ownerCallSets = new WeakMap<Owner, ReadonlySet<TSESTree.CallExpression>>();
const helperReach = new WeakMap<Owner, Map<FunctionNode, boolean>>();

function ownerCallsOf(owner: Owner): ReadonlySet<TSESTree.CallExpression> {
  let calls = ownerCallSets.get(owner);
  if (!calls) ownerCallSets.set(owner, (calls = new Set(owner.methodCalls.map(({ call }) => call))));
  return calls;
}

function reachesOwner(helper: FunctionNode, owner: Owner): boolean {
  let known = helperReach.get(owner);
  if (!known) {
    known = new Map();
    helperReach.set(owner, known);
  }
  let reaches = known.get(helper);
  if (reaches === undefined) known.set(helper, (reaches = owner.methodCalls.some(({ call }) => isWithin(call, helper))));
  return reaches;
}

/** `dereferencesHandle` for a read that may hold a handle of any of `owners`. */
function dereferencesAnyHandle(owners: ReadonlySet<Owner>, model: OwnershipModel): (node: TSESTree.Node) => boolean {
  return (node) => [...owners].some((owner) => dereferencesHandle(node, owner, model));
}

/** Whether `test` asks `x.isLive(v)` / `isTaggedLive(v)` about `variable` (possibly negated or in a `&&`). */
function asksIsLive(test: TSESTree.Node, variable: Scope.Variable, model: OwnershipModel): boolean {
  const node = test.type === AST_NODE_TYPES.ChainExpression ? test.expression : test;
  if (node.type === AST_NODE_TYPES.LogicalExpression && node.operator === '&&') {
    return asksIsLive(node.left, variable, model) || asksIsLive(node.right, variable, model);
  }
  if (node.type !== AST_NODE_TYPES.CallExpression) return false;
  const asking = methodCallOf(node)?.name === 'isLive' || model.api.apiOf(node.callee) === 'isTaggedLive';
  const argument = node.arguments[0];
  const target = argument ? unwrapIdentifier(argument) : null;
  return asking && target !== null && model.variableOf(target) === variable;
}

function unwrapIdentifier(node: TSESTree.Node): TSESTree.Identifier | null {
  let current = node;
  while (current.type === AST_NODE_TYPES.TSNonNullExpression || current.type === AST_NODE_TYPES.TSAsExpression) current = current.expression;
  return current.type === AST_NODE_TYPES.Identifier ? current : null;
}

/**
 * Whether `node` only runs when `isLive` said the variable's memory is still live:
 * `if (pool.isLive(h)) pool.bytes(h)`, `pool.isLive(h) && pool.free(h)`, `live ? use(h) : 0`.
 * The code paths do not know what a condition means, so such guarded uses are trusted.
 */
export function isGuardedByIsLive(node: TSESTree.Node, variable: Scope.Variable, model: OwnershipModel): boolean {
  for (let child: TSESTree.Node = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (isFunctionNode(parent)) return false;
    if ((parent.type === AST_NODE_TYPES.IfStatement || parent.type === AST_NODE_TYPES.ConditionalExpression) && parent.consequent === child) {
      if (asksIsLive(parent.test, variable, model)) return true;
    }
    if (parent.type === AST_NODE_TYPES.LogicalExpression && parent.operator === '&&' && parent.right === child) {
      if (asksIsLive(parent.left, variable, model)) return true;
    }
  }
  return false;
}

function readsOf(variable: Scope.Variable, model: OwnershipModel): TSESTree.Identifier[] {
  const reads: TSESTree.Identifier[] = [];
  for (const reference of variable.references) {
    if (!reference.isRead() || reference.isWrite() || reference.isValueReference === false) continue;
    const identifier = reference.identifier;
    if (identifier.type !== AST_NODE_TYPES.Identifier || isHarmlessRead(identifier, model)) continue;
    if (!isGuardedByIsLive(identifier, variable, model)) reads.push(identifier);
  }
  return reads;
}

/** Allocation roots each free releases. */
function freedRoots(model: OwnershipModel): Map<LifetimeEvent, Set<TSESTree.CallExpression>> {
  const result = new Map<LifetimeEvent, Set<TSESTree.CallExpression>>();
  for (const event of model.frees) {
    const roots = new Set<TSESTree.CallExpression>();
    if (event.argument) {
      for (const value of model.valuesOf(event.argument)) {
        // A free by a foreign owner does not release anything (no-mixed-ownership reports it).
        if (value.owner === event.owner) for (const root of value.roots) roots.add(root);
      }
    }
    result.set(event, roots);
  }
  return result;
}

/**
 * Events that end a value: its owner's reset (arenas) / destroy, and (unless `wholeOwnerOnly`)
 * frees of its allocation. Values that no free concerns share one list per owner, so that the
 * queries about them share one prepared via group.
 */
type KillingEvents = (value: OwnedValue, wholeOwnerOnly?: boolean) => readonly LifetimeEvent[];

function killingEvents(model: OwnershipModel, roots: Map<LifetimeEvent, Set<TSESTree.CallExpression>>): KillingEvents {
  const wholeByOwner = new Map<Owner, readonly LifetimeEvent[]>();
  const freesByRoot = new Map<TSESTree.CallExpression, LifetimeEvent[]>();
  for (const event of model.frees) {
    for (const root of roots.get(event) ?? []) {
      const list = freesByRoot.get(root);
      if (list) list.push(event);
      else freesByRoot.set(root, [event]);
    }
  }
  return (value, wholeOwnerOnly = false) => {
    const owner = value.owner;
    let whole = wholeByOwner.get(owner);
    if (!whole) wholeByOwner.set(owner, (whole = owner.events.filter((event) => event.kind !== 'free')));
    if (wholeOwnerOnly) return whole;
    const frees = new Set<LifetimeEvent>();
    for (const root of value.roots) for (const event of freesByRoot.get(root) ?? []) if (event.owner === owner) frees.add(event);
    if (frees.size === 0) return whole;
    return owner.events.filter((event) => event.kind !== 'free' || frees.has(event));
  };
}

/**
 * The reachability questions of {@link findStaleUses}, asked all at once: the questions are
 * registered in the order the checks run, answered by one data-flow pass per function
 * ({@link CodePathIndex.reachedThroughAll}), then reported in registration order (a read is
 * reported once, by the first question that reaches it). Only questions that reach a read get a
 * second, targeted search, for the event to name in the message.
 */
class StaleQuestions {
  private readonly queries: ThroughQuery[] = [];
  private readonly answers: Array<{ events: readonly LifetimeEvent[] | null; report: (read: TSESTree.Identifier, event: LifetimeEvent | null) => void }> = [];
  private readonly groups = new WeakMap<readonly unknown[], NodeGroup>();
  private readonly eventsByCall = new WeakMap<readonly LifetimeEvent[], Map<TSESTree.Node, LifetimeEvent>>();

  constructor(
    private readonly paths: CodePathIndex,
    readonly reported: Set<TSESTree.Identifier>,
  ) {}

  /** A prepared group for a node list, once per list object. */
  group(nodes: readonly TSESTree.Node[]): NodeGroup {
    let group = this.groups.get(nodes);
    if (!group) this.groups.set(nodes, (group = this.paths.group(nodes)));
    return group;
  }

  /** Reads reached from `from` (no event needed), not passing `avoiding`. */
  reachable(from: TSESTree.Node, reads: readonly TSESTree.Identifier[], avoiding: readonly TSESTree.Node[], report: (read: TSESTree.Identifier) => void): void {
    if (reads.length === 0) return;
    this.queries.push({ from, via: null, targets: reads, avoiding: this.group(avoiding) });
    this.answers.push({ events: null, report });
  }

  /** Reads reached by a path write -> event -> read with no node of `avoiding` after the write. */
  throughEvents(
    write: TSESTree.Node,
    events: readonly LifetimeEvent[],
    reads: readonly TSESTree.Identifier[],
    avoiding: readonly TSESTree.Node[],
    report: (read: TSESTree.Identifier, event: LifetimeEvent) => void,
  ): void {
    if (events.length === 0 || reads.length === 0) return;
    let via = this.groups.get(events);
    if (!via) {
      this.eventsByCall.set(events, new Map(events.map((event) => [event.call, event])));
      this.groups.set(events, (via = this.paths.group(events.map((event) => event.call))));
    }
    this.queries.push({ from: write, via, targets: reads, avoiding: this.group(avoiding) });
    this.answers.push({ events, report: (read, event) => event && report(read, event) });
  }

  resolve(): void {
    const reachedSets = this.paths.reachedThroughAll(this.queries);
    for (const [index, query] of this.queries.entries()) {
      const reached = reachedSets[index]!;
      const { events, report } = this.answers[index]!;
      // In source order, so that reports come out as a one-question-at-a-time search gave them.
      const pending = query.targets.filter((read) => reached.has(read) && !this.reported.has(read as TSESTree.Identifier)) as TSESTree.Identifier[];
      if (pending.length === 0) continue;
      if (events === null) {
        for (const read of pending) {
          this.reported.add(read);
          report(read, null);
        }
        continue;
      }
      const calls = this.eventsByCall.get(events)!;
      const through = this.paths.reachesThrough(query.from, query.via, pending, { avoiding: query.avoiding });
      for (const [node, middle] of through) {
        const read = node as TSESTree.Identifier;
        const event = middle ? calls.get(middle) : undefined;
        if (!event || this.reported.has(read)) continue;
        this.reported.add(read);
        report(read, event);
      }
    }
  }
}

/** Reads of handles, views and pooled objects after their memory was reset, destroyed or freed. */
export function findStaleUses(model: OwnershipModel, paths: CodePathIndex): StaleUse[] {
  const found: StaleUse[] = [];
  const questions = new StaleQuestions(paths, new Set());
  const roots = freedRoots(model);
  const eventsOf = killingEvents(model, roots);
  for (const variable of model.valueVariables) {
    const writes = model.writesOf(variable).filter((write) => write.mode === 'direct');
    if (writes.length === 0) continue;
    const allReads = readsOf(variable, model);
    if (allReads.length === 0) continue;
    // A stale handle counts only where it is dereferenced, a described object only where it is
    // used (member, call argument, returned); this runtime's views and objects are the memory itself.
    const handleOnly = writes.every((write) => write.value.kind === 'handle');
    const objectOnly = !handleOnly && writes.every((write) => isDescribedObject(write.value));
    const objectReads = objectOnly ? allReads.filter(usesObject) : allReads;
    const readsByOwner = new Map<Owner, TSESTree.Identifier[]>();
    const readsFor = (owner: Owner): TSESTree.Identifier[] => {
      let reads = readsByOwner.get(owner);
      if (!reads) readsByOwner.set(owner, (reads = allReads.filter((read) => dereferencesHandle(read, owner, model))));
      return reads;
    };
    const avoiding = model.writeNodesOf(variable);
    for (const write of writes) {
      const { value } = write;
      const reads = handleOnly ? readsFor(value.owner) : objectReads;
      if (reads.length === 0) continue;
      const scopedCall = value.owner.scopedCall;
      // An async callback's arena lives until its promise settles: only an awaited call ends it here.
      const scopedBody = scopedCall?.arguments[scopedCall.arguments.length - 1];
      const endsAtCall = !!scopedCall && !(isFunctionNode(scopedBody) && scopedBody.async && scopedCall.parent?.type !== AST_NODE_TYPES.AwaitExpression);
      if (scopedCall && endsAtCall) {
        const body = scopedCall.arguments[scopedCall.arguments.length - 1];
        // Written inside the callback (to an outer variable) or from the withArena result: dead
        // from the moment the withArena call returns.
        const start = body && isWithin(write.node, body) ? scopedCall : write.node;
        const outside = reads.filter((read) => !(body && isWithin(read, body)));
        questions.reachable(start, outside, avoiding, (read) =>
          found.push({ read, expression: read, variable, value, cause: { kind: 'scopeEnd', node: scopedCall } }),
        );
      }
      questions.throughEvents(write.node, eventsOf(value), reads, avoiding, (read, event) =>
        found.push({ read, expression: read, variable, value, cause: { kind: event.kind, node: event.call } }),
      );
    }
  }
  const elementReads = findStaleElementReads(model, eventsOf, questions);
  questions.resolve();
  found.push(...elementReads);
  found.push(...findUsesAfterUntrackedRelease(model, paths, questions.reported));
  return found.sort((a, b) => a.read.range[0] - b.read.range[0]);
}

/**
 * Reads of a variable after a described owner released what it holds, where the model did not
 * follow where that came from (a parameter, an element, `pool.get().clear()`): reached from the
 * release with no write of the variable in between. One search per release.
 */
function findUsesAfterUntrackedRelease(model: OwnershipModel, paths: CodePathIndex, reported: Set<TSESTree.Identifier>): StaleUse[] {
  const found: StaleUse[] = [];
  for (const event of model.untrackedReleases) {
    const owner = event.owner;
    const isObject = owner.protocol.acquisition === 'object';
    const members = model.memberAccesses(event);
    if (members) {
      // `BigPool.return(this._batch); this._batch.size` with no `this._batch = …` in between
      // (likewise `list[i]`, `state.current`).
      const freeCalls = freeCallsOf(model);
      const reads = members.reads.filter((read) => {
        const parent = read.parent;
        const freed = parent?.type === AST_NODE_TYPES.CallExpression && freeCalls.has(parent) && parent.arguments.includes(read);
        return !freed && (isObject ? usesObject(read) : dereferencesHandle(read, owner, model));
      });
      if (reads.length === 0) continue;
      const value: OwnedValue = { id: -1, owner, kind: isObject ? 'object' : 'handle', origin: event.call, roots: new Set() };
      for (const read of paths.reachableAmong(event.call, reads, { avoiding: members.writes })) {
        const member = read as TSESTree.MemberExpression;
        found.push({ read: member, expression: member, variable: null, value, cause: { kind: 'free', node: event.call } });
      }
      continue;
    }
    const argument = event.argument ? unwrapIdentifier(event.argument) : null;
    const variable = argument ? model.variableOf(argument) : null;
    if (!variable) continue;
    const reads = readsOf(variable, model).filter(
      (read) => !reported.has(read) && (isObject ? usesObject(read) : dereferencesHandle(read, owner, model)),
    );
    if (reads.length === 0) continue;
    const value: OwnedValue = { id: -1, owner, kind: isObject ? 'object' : 'handle', origin: event.call, roots: new Set() };
    for (const read of paths.reachableAmong(event.call, reads, { avoiding: model.writeNodesOf(variable) })) {
      const identifier = read as TSESTree.Identifier;
      reported.add(identifier);
      found.push({ read: identifier, expression: identifier, variable, value, cause: { kind: 'free', node: event.call } });
    }
  }
  return found;
}

const ELEMENT_READ_METHODS: ReadonlySet<string> = new Set(['at', 'pop', 'shift', 'find', 'findLast', 'get']);
/** Methods that clear or refill a container: after them it may hold fresh values only. */
const REFILLING_METHODS: ReadonlySet<string> = new Set(['clear', 'splice', 'push', 'unshift', 'set', 'add', 'fill']);

interface ElementRead {
  readonly read: TSESTree.Identifier;
  readonly expression: TSESTree.Node;
}

/**
 * Reads of a container's elements: `hs[i]`, `hs.at(i)`/`pop()`/`get(k)`..., `for (x of hs)`,
 * `[...hs]`. For handles only reads that may dereference the element count (as for variables).
 */
function elementReadsOf(variable: Scope.Variable, dereferences: ((node: TSESTree.Node) => boolean) | null, model: OwnershipModel): ElementRead[] {
  const handleOnly = dereferences !== null;
  const reads: ElementRead[] = [];
  for (const reference of variable.references) {
    if (!reference.isRead() || reference.isWrite() || reference.identifier.type !== AST_NODE_TYPES.Identifier) continue;
    const read = reference.identifier;
    const parent = read.parent;
    if (!parent) continue;
    if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === read) {
      const grand = parent.parent;
      if (grand?.type === AST_NODE_TYPES.AssignmentExpression && grand.left === parent) continue;
      if (parent.computed) {
        if (!dereferences || dereferences(parent)) reads.push({ read, expression: parent });
        continue;
      }
      const name = parent.property.type === AST_NODE_TYPES.Identifier ? parent.property.name : null;
      if (name && ELEMENT_READ_METHODS.has(name) && grand?.type === AST_NODE_TYPES.CallExpression && grand.callee === parent) {
        if (!dereferences || dereferences(grand)) reads.push({ read, expression: grand });
      }
      continue;
    }
    if (parent.type === AST_NODE_TYPES.ForOfStatement && parent.right === read) {
      if (!dereferences || loopVariableDereferenced(parent, dereferences, model)) reads.push({ read, expression: read });
      continue;
    }
    if (parent.type === AST_NODE_TYPES.SpreadElement && !handleOnly) reads.push({ read, expression: read });
  }
  return reads;
}

function loopVariableDereferenced(loop: TSESTree.ForOfStatement, dereferences: (node: TSESTree.Node) => boolean, model: OwnershipModel): boolean {
  const declarator = loop.left.type === AST_NODE_TYPES.VariableDeclaration ? loop.left.declarations[0]?.id : loop.left;
  if (declarator?.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = model.variableOf(declarator);
  return !!variable?.references.some(
    (reference) => reference.isRead() && reference.identifier.type === AST_NODE_TYPES.Identifier && dereferences(reference.identifier),
  );
}

/**
 * Points after which a container may hold only fresh values: `hs.length = 0`, `hs[i] = x`,
 * `hs.push(x)`, `map.set(k, x)`, `map.clear()`... Elements are not told apart, so any refill ends
 * the old contents as far as this analysis knows (a precision-first choice: it may miss a stale
 * element that survived a partial refill, it never reports one that was replaced).
 */
function refillPoints(variable: Scope.Variable): TSESTree.Node[] {
  const points: TSESTree.Node[] = [];
  for (const reference of variable.references) {
    const identifier = reference.identifier;
    const member = identifier.parent;
    if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== identifier) continue;
    const grand = member.parent;
    if (grand?.type === AST_NODE_TYPES.AssignmentExpression && grand.left === member) {
      points.push(identifier);
      continue;
    }
    const name = !member.computed && member.property.type === AST_NODE_TYPES.Identifier ? member.property.name : null;
    if (name && REFILLING_METHODS.has(name) && grand?.type === AST_NODE_TYPES.CallExpression && grand.callee === member) points.push(identifier);
  }
  return points;
}

/** Element reads of containers (arrays, maps, objects) whose owner was reset/destroyed after they were filled. */
/** Registers its questions; the array returned is filled when `questions` are resolved. */
function findStaleElementReads(model: OwnershipModel, eventsOf: KillingEvents, questions: StaleQuestions): StaleUse[] {
  const found: StaleUse[] = [];
  for (const variable of model.valueVariables) {
    const writes = model.writesOf(variable).filter((write) => write.mode === 'contained');
    if (writes.length === 0) continue;
    const handleOnly = writes.every((write) => write.value.kind === 'handle');
    const dereferences = handleOnly ? dereferencesAnyHandle(new Set(writes.map((write) => write.value.owner)), model) : null;
    const reads = elementReadsOf(variable, dereferences, model);
    if (reads.length === 0) continue;
    const avoiding = [...model.writeNodesOf(variable), ...refillPoints(variable)];
    const expressionOf = new Map(reads.map(({ read, expression }) => [read, expression]));
    const identifiers = [...expressionOf.keys()];
    for (const write of writes) {
      // A free releases one element; which one is not known here, so only whole-owner events count.
      questions.throughEvents(write.node, eventsOf(write.value, true), identifiers, avoiding, (read, event) =>
        found.push({ read, expression: expressionOf.get(read)!, variable, value: write.value, cause: { kind: event.kind, node: event.call } }),
      );
    }
  }
  return found;
}

/** `owner.method(...)` calls after the owner's `destroy()` on some path. */
export function findOwnerUsesAfterDestroy(model: OwnershipModel, paths: CodePathIndex): OwnerUseAfterDestroy[] {
  const found: OwnerUseAfterDestroy[] = [];
  for (const owner of model.owners) {
    const destroys = owner.events.filter((event) => event.kind === 'destroy');
    if (destroys.length === 0) continue;
    const avoiding = owner.variables.flatMap((variable) => model.writeNodesOf(variable));
    const candidates = owner.methodCalls.filter(
      ({ name, call }) => !ASKING_METHODS.has(name) && !destroys.some((event) => event.call === call) && methodCallOf(call) !== null,
    );
    const reported = new Set<TSESTree.Node>();
    for (const destroy of destroys) {
      const reached = paths.reachableAmong(destroy.call, candidates.map(({ call }) => call), { avoiding });
      for (const { name, call } of candidates) {
        if (!reached.has(call) || reported.has(call)) continue;
        reported.add(call);
        found.push({ owner, read: methodCallOf(call)!.receiver, method: name, destroy: destroy.call });
      }
    }
  }
  return found.sort((a, b) => a.read.range[0] - b.read.range[0]);
}

/** Frees of one allocation reached again after it was already freed (same owner, one path). */
export function findDoubleFrees(model: OwnershipModel, paths: CodePathIndex): DoubleFree[] {
  const found: DoubleFree[] = [];
  const roots = freedRoots(model);
  const untracked = new Set(model.untrackedReleases);
  // Untracked releases by the variable they release, so that each looks only at its own.
  const untrackedByVariable = new Map<Scope.Variable, LifetimeEvent[]>();
  for (const event of model.untrackedReleases) {
    const identifier = event.argument ? unwrapIdentifier(event.argument) : null;
    const variable = identifier ? model.variableOf(identifier) : null;
    if (!variable) continue;
    const list = untrackedByVariable.get(variable);
    if (list) list.push(event);
    else untrackedByVariable.set(variable, [event]);
  }
  for (const second of model.frees) {
    const members = untracked.has(second) ? model.memberAccesses(second) : null;
    if (members) {
      // The same member released again by the same owner in the same function, not changed between.
      const name = releasedMemberOf(unwrapExpression(second.argument!))?.key;
      const first = model.untrackedReleases.find(
        (candidate) =>
          candidate !== second &&
          candidate.owner === second.owner &&
          candidate.argument !== null &&
          releasedMemberOf(unwrapExpression(candidate.argument))?.key === name &&
          enclosingFunction(candidate.call) === enclosingFunction(second.call) &&
          paths.isReachableFrom(candidate.call, second.call, { avoiding: members.writes }),
      );
      if (first) found.push({ first, second });
      continue;
    }
    const argument = second.argument ? unwrapIdentifier(second.argument) : null;
    if (!argument) continue;
    const variable = model.variableOf(argument);
    if (!variable) continue;
    const avoiding = model.writeNodesOf(variable);
    if (isGuardedByIsLive(second.call, variable, model)) continue;
    if (untracked.has(second)) {
      // The same variable released again by the same owner, not written in between.
      const first = (untrackedByVariable.get(variable) ?? []).find(
        (candidate) => candidate.owner === second.owner && paths.isReachableFrom(candidate.call, second.call, { avoiding }),
      );
      if (first) found.push({ first, second });
      continue;
    }
    const secondRoots = roots.get(second);
    if (!secondRoots || secondRoots.size === 0) continue;
    for (const first of model.frees) {
      const firstRoots = roots.get(first);
      if (!firstRoots || first.owner !== second.owner || ![...secondRoots].some((root) => firstRoots.has(root))) continue;
      // Through two names, only when each can hold one value alone: names that were reassigned
      // (`t = a; a = b; b = t`) may hold either value at each release, which is no double free.
      const firstIdentifier = first.argument ? unwrapIdentifier(first.argument) : null;
      const sameVariable = firstIdentifier !== null && model.variableOf(firstIdentifier) === variable;
      if (!sameVariable && (firstRoots.size !== 1 || secondRoots.size !== 1)) continue;
      // Only when the second free reads the same variable, or one that was not rewritten since.
      if (paths.isReachableFrom(first.call, second.call, { avoiding })) {
        found.push({ first, second });
        break;
      }
    }
  }
  return found;
}
