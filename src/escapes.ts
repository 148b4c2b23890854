// Escape analysis over the ownership model: owned values leaving their owner's lifetime scope
// (the withArena callback, the `using` block, or the function of a manual arena it destroys).
// Passing a value as a call argument is a borrow, never an escape; a closure capturing one escapes
// only when it is handed to something that runs it later (timers, promise callbacks, listeners)
// or is itself returned or stored outside the scope.

import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import * as ASTUtils from '@typescript-eslint/utils/ast-utils';
import type { Scope } from '@typescript-eslint/utils/ts-eslint';
import {
  climbTypeWrappers,
  enclosingFunction,
  isFunctionNode,
  isWithin,
  memberName,
  unwrapExpression,
  type OwnedValue,
  type Owner,
  type OwnershipModel,
  type Sink,
} from './ownership.js';

export type EscapeKind = 'returned' | 'assignedOuter' | 'storedOuter' | 'yielded' | 'thrown' | 'captured';

/** A scoped owner (withArena / using arena) itself leaving its scope. */
export interface OwnerEscape {
  readonly owner: Owner;
  /** The reference of the owner variable that escapes. */
  readonly node: TSESTree.Identifier;
  /** How: 'returned', 'assigned to 'x'', 'stored into 'x'', or the closure's keeper. */
  readonly how: string;
}

export interface Escape {
  readonly kind: EscapeKind;
  /** Where to report: the escaping expression (or the captured reference). */
  readonly node: TSESTree.Node;
  readonly owner: Owner;
  readonly values: readonly OwnedValue[];
  /** Whether `node` evaluates to the owned values themselves (not a container of them). */
  readonly direct: boolean;
  /** For `captured`: what keeps the closure alive ('setTimeout', 'a promise callback', ...). */
  readonly via: string | null;
  /** For `assignedOuter`/`storedOuter`/`captured`: the outer name written into or captured. */
  readonly targetName: string | null;
}

const TIMER_FUNCTIONS: ReadonlySet<string> = new Set([
  'setTimeout',
  'setInterval',
  'setImmediate',
  'queueMicrotask',
  'requestAnimationFrame',
  'requestIdleCallback',
]);
const GLOBAL_OBJECTS: ReadonlySet<string> = new Set(['globalThis', 'window', 'self', 'global', 'process']);
const PROMISE_METHODS: ReadonlySet<string> = new Set(['then', 'catch', 'finally']);
const LISTENER_METHODS: ReadonlySet<string> = new Set([
  'addEventListener',
  'on',
  'once',
  'addListener',
  'prependListener',
  'prependOnceListener',
  'subscribe',
]);

/** The function whose return/yield/throw takes a value out of the owner's lifetime scope. */
function leavingFunction(owner: Owner): TSESTree.Node | null {
  const scope = owner.lifetimeScope;
  if (!scope) return null;
  return isFunctionNode(scope) ? scope : enclosingFunction(scope);
}

/** Whether the variable lives inside `scope`; a parameter of the scope function belongs to the caller. */
function isDeclaredWithin(variable: Scope.Variable | null, scope: TSESTree.Node): boolean {
  const definition = variable?.defs[0];
  if (!definition) return false;
  if (definition.type === 'Parameter' && definition.node === scope) return false;
  return isWithin(definition.name, scope);
}

/** The variable or `this` at the root of `a.b[c].d`, or null when it is a call result etc. */
function rootOf(node: TSESTree.Node): TSESTree.Identifier | TSESTree.ThisExpression | null {
  let current = unwrapExpression(node);
  while (current.type === AST_NODE_TYPES.MemberExpression) current = unwrapExpression(current.object);
  return current.type === AST_NODE_TYPES.Identifier || current.type === AST_NODE_TYPES.ThisExpression ? current : null;
}

export class EscapeFinder {
  constructor(
    private readonly model: OwnershipModel,
    private readonly scopeOf: (node: TSESTree.Node) => Scope.Scope,
  ) {}

  private readonly ownerCaptures = new Set<string>();

  /** Owner escapes first (they mark the closures they report), then value escapes. */
  findAll(): { readonly owners: OwnerEscape[]; readonly values: Escape[] } {
    const owners = this.findOwnerEscapes();
    return { owners, values: this.find() };
  }

  find(): Escape[] {
    const escapes: Escape[] = [];
    const capturedOnce = new Set<string>();
    for (const sink of this.model.sinks) {
      for (const [owner, values] of groupByOwner(sink.values)) {
        const scope = owner.lifetimeScope;
        if (!scope || !isWithin(sink.expression, scope)) continue;
        const escape = this.classify(sink, owner, scope, values);
        if (!escape) continue;
        if (escape.kind === 'captured') {
          const key = `${sink.fn?.range[0]}:${sink.variable?.name}:${owner.id}`;
          if (capturedOnce.has(key)) continue;
          capturedOnce.add(key);
        }
        escapes.push(escape);
      }
    }
    return escapes.sort((a, b) => a.node.range[0] - b.node.range[0]);
  }

  /** References to a withArena/using owner that carry the owner itself out of its scope. */
  findOwnerEscapes(): OwnerEscape[] {
    const found: OwnerEscape[] = [];
    for (const owner of this.model.owners) {
      const scope = owner.lifetimeScope;
      if (!scope || (owner.scoping !== 'withArena' && owner.scoping !== 'using')) continue;
      const capturedBy = new Set<TSESTree.Node>();
      for (const variable of owner.variables) {
        for (const reference of variable.references) {
          if (!reference.isRead() || reference.identifier.type !== AST_NODE_TYPES.Identifier) continue;
          const identifier = reference.identifier;
          const how = this.ownerReferenceEscapes(identifier, owner, scope, capturedBy);
          if (how) found.push({ owner, node: identifier, how });
        }
      }
    }
    return found.sort((a, b) => a.node.range[0] - b.node.range[0]);
  }

  private ownerReferenceEscapes(
    identifier: TSESTree.Identifier,
    owner: Owner,
    scope: TSESTree.Node,
    capturedBy: Set<TSESTree.Node>,
  ): string | null {
    // Up through TS wrappers and array/object literals: `return { arena }` carries it out too.
    let current: TSESTree.Node = identifier;
    for (;;) {
      const up: TSESTree.Node | undefined = current.parent;
      if (
        up &&
        (((up.type === AST_NODE_TYPES.TSAsExpression ||
          up.type === AST_NODE_TYPES.TSNonNullExpression ||
          up.type === AST_NODE_TYPES.TSSatisfiesExpression) &&
          up.expression === current) ||
          up.type === AST_NODE_TYPES.ArrayExpression ||
          (up.type === AST_NODE_TYPES.Property && up.value === current && up.parent.type === AST_NODE_TYPES.ObjectExpression))
      ) {
        current = up.type === AST_NODE_TYPES.Property ? up.parent : up;
        continue;
      }
      break;
    }
    const parent = current.parent;
    if (!parent) return null;
    const leaving = leavingFunction(owner);
    if (parent.type === AST_NODE_TYPES.ReturnStatement && enclosingFunction(parent) === leaving) return 'is returned';
    if (parent.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === current && parent === leaving) return 'is returned';
    if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.right === current) {
      const root = rootOf(parent.left);
      if (root?.type === AST_NODE_TYPES.ThisExpression) return "is stored into 'this'";
      if (root?.type === AST_NODE_TYPES.Identifier) {
        const variable = ASTUtils.findVariable(this.scopeOf(root), root);
        if (!isDeclaredWithin(variable, scope)) return parent.left === root ? `is assigned to '${root.name}'` : `is stored into '${root.name}'`;
      }
      return null;
    }
    // Captured by a closure that outlives the scope (reported once per closure).
    for (let fn: TSESTree.Node | null = enclosingFunction(identifier); fn && fn !== scope && isWithin(fn, scope); fn = enclosingFunction(fn)) {
      if (fn === leaving) break;
      const via = this.closureOutlives(fn, owner, scope, 0);
      if (via) {
        if (capturedBy.has(fn)) return null;
        capturedBy.add(fn);
        this.ownerCaptures.add(`${owner.id}:${fn.range[0]}`);
        return `is captured by a closure kept alive by ${via}`;
      }
      if (!isImmediateCallback(fn)) return null;
    }
    return null;
  }

  private classify(sink: Sink, owner: Owner, scope: TSESTree.Node, values: OwnedValue[]): Escape | null {
    const base = { owner, values, direct: sink.mode === 'direct', via: null, targetName: null };
    switch (sink.kind) {
      case 'return':
      case 'yield':
      case 'throw': {
        if (sink.kind !== 'throw' && sink.fn !== leavingFunction(owner)) return null;
        if (sink.kind === 'throw' && (enclosingFunction(sink.expression) !== leavingFunction(owner) || isCaughtWithin(sink.expression, scope))) return null;
        const kind: EscapeKind = sink.kind === 'return' ? 'returned' : sink.kind === 'yield' ? 'yielded' : 'thrown';
        return { ...base, kind, node: sink.expression };
      }
      case 'assign': {
        if (!sink.variable || isDeclaredWithin(sink.variable, scope)) return null;
        return { ...base, kind: 'assignedOuter', node: assignedValueNode(sink), targetName: sink.variable.name };
      }
      case 'store': {
        const root = sink.target ? rootOf(sink.target) : null;
        if (!root) return null;
        if (root.type === AST_NODE_TYPES.Identifier) {
          const variable = ASTUtils.findVariable(this.scopeOf(root), root);
          if (isDeclaredWithin(variable, scope) || (variable && this.model.ownerOfVariable(variable))) return null;
          return { ...base, kind: 'storedOuter', node: sink.expression, targetName: root.name };
        }
        return { ...base, kind: 'storedOuter', node: sink.expression, targetName: 'this' };
      }
      case 'closure': {
        if (!isDeclaredWithin(sink.variable, scope)) return null;
        // Walk out through callbacks that run immediately (`arr.map(x => ...)`) to the closure
        // whose fate decides whether the value outlives the scope.
        for (let fn: TSESTree.Node | null = sink.fn; fn && fn !== scope && isWithin(fn, scope); fn = enclosingFunction(fn)) {
          const via = this.closureOutlives(fn, owner, scope, 0);
          // A closure that captures the arena itself is reported once, as the arena's escape.
          if (via && this.ownerCaptures.has(`${owner.id}:${fn.range[0]}`)) return null;
          if (via) return { ...base, kind: 'captured', node: sink.expression, via, targetName: sink.variable?.name ?? null };
          if (!isImmediateCallback(fn)) return null;
        }
        return null;
      }
      default:
        return null;
    }
  }

  /** Why a function defined inside the scope runs after it ends, or null if it does not (as far as we can tell). */
  private closureOutlives(fn: TSESTree.Node, owner: Owner, scope: TSESTree.Node, depth: number): string | null {
    const current = climbTypeWrappers(fn);
    const parent = current.parent;
    if (!parent) return null;
    switch (parent.type) {
      case AST_NODE_TYPES.CallExpression: {
        if (!parent.arguments.includes(current as TSESTree.CallExpressionArgument)) return null;
        return this.schedulingCall(parent, owner);
      }
      case AST_NODE_TYPES.ReturnStatement:
        return enclosingFunction(parent) === leavingFunction(owner) ? 'the returned function' : null;
      case AST_NODE_TYPES.ArrowFunctionExpression:
        return parent.body === current && parent === leavingFunction(owner) ? 'the returned function' : null;
      case AST_NODE_TYPES.AssignmentExpression: {
        if (parent.right !== current) return null;
        const root = rootOf(parent.left);
        if (!root) return null;
        if (root.type === AST_NODE_TYPES.ThisExpression) return 'a function stored on this';
        const variable = ASTUtils.findVariable(this.scopeOf(root), root);
        return isDeclaredWithin(variable, scope) ? null : `a function stored in '${root.name}'`;
      }
      case AST_NODE_TYPES.VariableDeclarator: {
        if (parent.init !== current || parent.id.type !== AST_NODE_TYPES.Identifier || depth > 0) return null;
        const variable = ASTUtils.findVariable(this.scopeOf(parent.id), parent.id);
        for (const reference of variable?.references ?? []) {
          if (!reference.isRead()) continue;
          const via = this.closureOutlives(reference.identifier, owner, scope, depth + 1);
          if (via) return via;
        }
        return null;
      }
      default:
        return null;
    }
  }

  /** setTimeout(fn), promise.then(fn), emitter.on('x', fn)...: the description, else null. */
  private schedulingCall(call: TSESTree.CallExpression, owner: Owner): string | null {
    const via = this.schedulingKind(call, owner);
    // `await new Promise((resolve) => setTimeout(() => { ...; resolve(); }))`: the scope waits for it.
    return via !== null && isInAwaitedPromiseExecutor(call, leavingFunction(owner)) ? null : via;
  }

  private schedulingKind(call: TSESTree.CallExpression, owner: Owner): string | null {
    const callee = unwrapExpression(call.callee);
    if (callee.type === AST_NODE_TYPES.Identifier) {
      if (!TIMER_FUNCTIONS.has(callee.name)) return null;
      const variable = ASTUtils.findVariable(this.scopeOf(callee), callee);
      return variable && variable.defs.length > 0 ? null : callee.name;
    }
    if (callee.type !== AST_NODE_TYPES.MemberExpression) return null;
    const name = memberName(callee);
    if (name === null) return null;
    const object = unwrapExpression(callee.object);
    if ((TIMER_FUNCTIONS.has(name) || name === 'nextTick') && object.type === AST_NODE_TYPES.Identifier && GLOBAL_OBJECTS.has(object.name)) {
      return `${object.name}.${name}`;
    }
    if (LISTENER_METHODS.has(name)) return `an event listener ('${name}')`;
    if (PROMISE_METHODS.has(name)) {
      return isAwaitedWithin(call, leavingFunction(owner)) ? null : `a promise callback ('${name}')`;
    }
    return null;
  }
}

/** Whether `call` runs in the executor of a `new Promise(...)` that the scope awaits or returns. */
function isInAwaitedPromiseExecutor(call: TSESTree.Node, leaving: TSESTree.Node | null): boolean {
  const executor = enclosingFunction(call);
  const construction = executor?.parent;
  return (
    construction?.type === AST_NODE_TYPES.NewExpression &&
    construction.callee.type === AST_NODE_TYPES.Identifier &&
    construction.callee.name === 'Promise' &&
    construction.arguments[0] === executor &&
    isAwaitedWithin(construction, leaving)
  );
}

/** A promise chain awaited, or returned from the scope's own function (then waited for), is done before the scope ends. */
function isAwaitedWithin(call: TSESTree.Node, leaving: TSESTree.Node | null): boolean {
  let current: TSESTree.Node = call;
  for (;;) {
    const parent: TSESTree.Node | undefined = current.parent;
    if (!parent) return false;
    if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === current && parent.parent?.type === AST_NODE_TYPES.CallExpression) {
      current = parent.parent;
      continue;
    }
    if (parent.type === AST_NODE_TYPES.AwaitExpression) return true;
    if (parent.type === AST_NODE_TYPES.ReturnStatement) return enclosingFunction(parent) === leaving;
    if (parent.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === current) return parent === leaving;
    return false;
  }
}

/** Whether a `throw` at `node` lands in a `catch` inside `scope` (then nothing leaves the scope). */
function isCaughtWithin(node: TSESTree.Node, scope: TSESTree.Node): boolean {
  for (let current: TSESTree.Node | undefined = node; current && current !== scope; current = current.parent) {
    const parent: TSESTree.Node | undefined = current.parent;
    if (parent?.type === AST_NODE_TYPES.TryStatement && parent.block === current && parent.handler && isWithin(parent, scope)) return true;
    if (isFunctionNode(parent)) return false;
  }
  return false;
}

/** A function passed straight to a call (and not scheduled, which was checked before). */
function isImmediateCallback(fn: TSESTree.Node): boolean {
  const parent = fn.parent;
  return (
    (parent?.type === AST_NODE_TYPES.CallExpression || parent?.type === AST_NODE_TYPES.NewExpression) &&
    parent.arguments.includes(fn as TSESTree.CallExpressionArgument)
  );
}

/** For `outer = h` / `let outer = h`: the right-hand side, which is what a copy would wrap. */
function assignedValueNode(sink: Sink): TSESTree.Node {
  const writer = sink.target;
  if (writer?.type === AST_NODE_TYPES.AssignmentExpression && writer.left === sink.expression) return writer.right;
  if (writer?.type === AST_NODE_TYPES.VariableDeclarator && writer.id === sink.expression && writer.init) return writer.init;
  return sink.expression;
}

function groupByOwner(values: ReadonlySet<OwnedValue>): Map<Owner, OwnedValue[]> {
  const grouped = new Map<Owner, OwnedValue[]>();
  for (const value of values) {
    const list = grouped.get(value.owner);
    if (list) list.push(value);
    else grouped.set(value.owner, [value]);
  }
  return grouped;
}


/** Where a value is sent to another thread. */
export type ThreadCrossingKind = 'postMessage' | 'workerData';

/** A handle or view of a thread-local owner sent to another thread (see {@link findThreadCrossings}). */
export interface ThreadCrossing {
  readonly kind: ThreadCrossingKind;
  /** The expression sent: the message argument, or the `workerData` value. */
  readonly node: TSESTree.Node;
  readonly owner: Owner;
  readonly values: readonly OwnedValue[];
  /** Whether `node` is the handle or view itself (not an object or array holding it). */
  readonly direct: boolean;
}

/**
 * Calls that send a value to another thread: `x.postMessage(message, ...)` (a Worker, `parentPort`,
 * a `MessagePort`, `self` in a web worker) and `new Worker(url, { workerData })`. What they send is
 * structured-cloned: a handle is a number that names a slot of an owner the other thread does not
 * have (ERR_FOREIGN_HANDLE there), and a view is copied with its whole buffer. Only a shared
 * pool's handles (and views, over its SharedArrayBuffer) mean the same in every thread.
 */
export function threadSendOf(node: TSESTree.Node): { kind: ThreadCrossingKind; sent: TSESTree.Node } | null {
  if (node.type === AST_NODE_TYPES.CallExpression) {
    const callee = unwrapExpression(node.callee);
    const named = callee.type === AST_NODE_TYPES.MemberExpression ? memberName(callee) : callee.type === AST_NODE_TYPES.Identifier ? callee.name : null;
    const message = node.arguments[0];
    if (named !== 'postMessage' || !message || message.type === AST_NODE_TYPES.SpreadElement) return null;
    return { kind: 'postMessage', sent: message };
  }
  if (node.type !== AST_NODE_TYPES.NewExpression) return null;
  const callee = unwrapExpression(node.callee);
  const isWorker =
    (callee.type === AST_NODE_TYPES.Identifier && callee.name === 'Worker') ||
    (callee.type === AST_NODE_TYPES.MemberExpression && memberName(callee) === 'Worker');
  const options = node.arguments[1];
  if (!isWorker || options?.type !== AST_NODE_TYPES.ObjectExpression) return null;
  for (const property of options.properties) {
    if (property.type !== AST_NODE_TYPES.Property || property.computed) continue;
    const key = property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : property.key.type === AST_NODE_TYPES.Literal ? String(property.key.value) : null;
    if (key === 'workerData') return { kind: 'workerData', sent: property.value };
  }
  return null;
}

/** Handles and views of thread-local owners (not shared pools, not other libraries' owners) in `sends`. */
export function findThreadCrossings(model: OwnershipModel, sends: readonly TSESTree.Node[], isShared: (owner: Owner) => boolean): ThreadCrossing[] {
  const found: ThreadCrossing[] = [];
  for (const send of sends) {
    const crossing = threadSendOf(send);
    if (!crossing) continue;
    for (const direct of [true, false]) {
      const values = [...model.valuesOf(crossing.sent, direct ? 'direct' : 'contained')].filter(
        (value) => value.owner.protocol.origin === 'runtime' && value.kind !== 'object' && !isShared(value.owner),
      );
      for (const [owner, ofOwner] of groupByOwner(new Set(values))) {
        found.push({ kind: crossing.kind, node: crossing.sent, owner, values: ofOwner, direct });
      }
    }
  }
  return found;
}
