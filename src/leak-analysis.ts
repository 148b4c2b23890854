// What no-leaked-arena needs to know about one owner (arena, pool, object pool) created in a
// function: how each reference to it treats it, and whether anything obtained from it could still
// be in use after its block ends (the condition for the `const` -> `using` rewrite).
//
// A reference to the owner is one of:
// - `destroy`: `owner.destroy()` / `owner[Symbol.dispose]()` (or a configured destroy method);
// - `neutral`: any other member access (`owner.alloc(8)`, `owner.used`), a plain call argument
//   (`fill(owner)`: a borrow, the caller still owns it), a condition or comparison;
// - `handoff`: ownership passes elsewhere: returned, yielded, thrown, stored into an object or
//   `this` field, assigned to a variable of an outer function, passed to a constructor, pushed into
//   a collection (`push`/`unshift`/`add`/`set`/`splice`), passed to `super(...)` or to a promise's
//   `resolve(...)`, passed inside an object or array literal, or passed to a function named in the
//   rule's `transferFunctions` option;
// - `unknown`: something the analysis does not follow (a `let` alias, a capture by a closure that
//   uses the owner as a value, a destroy inside a callback): the rule then stays silent.

import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import * as ASTUtils from '@typescript-eslint/utils/ast-utils';
import type { Scope } from '@typescript-eslint/utils/ts-eslint';

import type { AllocatorMethods } from './allocators.js';
import type { CodePathIndex } from './code-paths.js';
import {
  climbTypeWrappers,
  enclosingFunction,
  isFunctionNode,
  memberName,
  throwingPointsOf,
  writerOf,
  type FunctionNode,
  type OwnedValue,
  type OwnershipModel,
  type ThrowingPoint,
  unwrapExpression,
} from './ownership.js';
import { valuePassage } from './value-passing.js';

export type OwnerUse = 'destroy' | 'neutral' | 'handoff' | 'unknown';

/** Methods that put their argument into the receiver (a collection now holds the owner). */
const STORING_METHODS: ReadonlySet<string> = new Set(['push', 'unshift', 'add', 'set', 'splice']);

/** Plain functions that pass their argument on: a promise's `resolve` hands it to the awaiting code. */
const HANDOFF_FUNCTIONS: ReadonlySet<string> = new Set(['resolve']);

/** Array methods that call their callback before returning (the callback cannot outlive the call). */
const INLINE_CALLBACK_METHODS: ReadonlySet<string> = new Set([
  'map', 'forEach', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex',
  'findLast', 'findLastIndex', 'flatMap', 'sort', 'toSorted',
]);

/** Owner members whose value is a number, string or boolean: reading them keeps nothing alive. */
const PRIMITIVE_OWNER_MEMBERS: ReadonlySet<string> = new Set([
  'name', 'capacity', 'used', 'peak', 'overflow', 'generation', 'destroyed', 'maxBytes', 'inUse', 'objectSize',
  'isLive', 'addressOf', 'sizeOf', 'reset', 'destroy', 'free', 'Symbol.dispose',
  // The checked accessors return numbers (or nothing); `read` returns the caller's own target.
  'getUint8', 'getInt8', 'getUint16', 'getInt16', 'getUint32', 'getInt32', 'getFloat32', 'getFloat64',
  'setUint8', 'setInt8', 'setUint16', 'setInt16', 'setUint32', 'setInt32', 'setFloat32', 'setFloat64', 'read', 'write',
]);
/** Members of views/arrays whose value is a number. */
const PRIMITIVE_VALUE_MEMBERS: ReadonlySet<string> = new Set(['length', 'byteLength', 'byteOffset']);

function isFunction(node: TSESTree.Node | undefined): node is FunctionNode {
  return (
    node?.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node?.type === AST_NODE_TYPES.FunctionExpression ||
    node?.type === AST_NODE_TYPES.FunctionDeclaration
  );
}

/** Whether `fn` runs to completion inside the expression that contains it (IIFE or array callback). */
export function isInlineCallback(fn: FunctionNode): boolean {
  const parent = fn.parent;
  if (parent?.type !== AST_NODE_TYPES.CallExpression) return false;
  if (parent.callee === fn) return true;
  if (!parent.arguments.some((argument) => argument === fn)) return false;
  const callee = parent.callee;
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
  const name = memberName(callee);
  return name !== null && INLINE_CALLBACK_METHODS.has(name);
}

/** Whether every function between `node` and `home` is an inline callback (so `node` runs during `home`). */
export function runsInline(node: TSESTree.Node, home: FunctionNode): boolean {
  for (let fn = enclosingFunction(node); fn !== home; fn = enclosingFunction(fn)) {
    if (!fn || !isInlineCallback(fn)) return false;
  }
  return true;
}

/** Climbs from an expression through nodes that pass its value on unchanged or inside a container. */
function climbValue(start: TSESTree.Node): { node: TSESTree.Node; contained: boolean } {
  let node = start;
  let contained = false;
  for (;;) {
    const parent = node.parent;
    if (!parent) return { node, contained };
    const passage = valuePassage(parent, node);
    if (passage === 'stops') return { node, contained };
    if (passage === 'passes') {
      node = parent;
      continue;
    }
    switch (parent.type) {
      case AST_NODE_TYPES.ArrayExpression:
      case AST_NODE_TYPES.SpreadElement:
        contained = true;
        break;
      case AST_NODE_TYPES.Property:
        if (parent.value !== node || parent.parent.type !== AST_NODE_TYPES.ObjectExpression) return { node, contained };
        contained = true;
        node = parent.parent;
        continue;
      default:
        return { node, contained };
    }
    node = parent;
  }
}

function calleeName(callee: TSESTree.Node): string | null {
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name;
  if (callee.type === AST_NODE_TYPES.MemberExpression) return memberName(callee);
  return null;
}

export interface UseContext {
  readonly sourceCode: Readonly<TSESLint.SourceCode>;
  readonly methods: AllocatorMethods;
  readonly transferFunctions: ReadonlySet<string>;
  /** The function the owner was created in. */
  readonly home: FunctionNode;
  /** Variables that denote the owner itself (the declared one and its `const` aliases). */
  readonly ownerVariables: ReadonlySet<Scope.Variable>;
}

/** How one read of an owner variable treats the owner. */
export function classifyOwnerUse(identifier: TSESTree.Identifier, context: UseContext): OwnerUse {
  return classifyOwnerUseAt(identifier, context).use;
}

/** {@link classifyOwnerUse}, plus the destroy call for a `destroy` use. */
export function classifyOwnerUseAt(
  identifier: TSESTree.Identifier,
  context: UseContext,
): { readonly use: OwnerUse; readonly destroyCall: TSESTree.CallExpression | null } {
  const holder = climbTypeWrappers(identifier);
  const parent = holder.parent;
  // `owner.x` / `owner.x(...)`: the owner stays where it is, unless the member is a destroy.
  if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === holder) {
    const name = memberName(parent);
    const call = parent.parent?.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent ? parent.parent : null;
    const isDestroy = call !== null && name !== null && (context.methods.destroy.has(name) || name === 'Symbol.dispose');
    if (!isDestroy) return { use: 'neutral', destroyCall: null };
    // Destroyed inside a callback that may run later (a cleanup handler): not followed.
    return enclosingFunction(identifier) === context.home ? { use: 'destroy', destroyCall: call } : { use: 'unknown', destroyCall: null };
  }
  return { use: classifyValueUse(identifier, context), destroyCall: null };
}

function classifyValueUse(identifier: TSESTree.Identifier, context: UseContext): OwnerUse {
  if (!runsInline(identifier, context.home)) return 'unknown';
  const { node, contained } = climbValue(identifier);
  const sink = node.parent;
  if (!sink) return 'unknown';
  switch (sink.type) {
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.YieldExpression:
    case AST_NODE_TYPES.ThrowStatement:
    case AST_NODE_TYPES.NewExpression:
    case AST_NODE_TYPES.PropertyDefinition:
      return 'handoff';
    case AST_NODE_TYPES.ArrowFunctionExpression:
      return sink.body === node ? 'handoff' : 'unknown';
    case AST_NODE_TYPES.AssignmentExpression: {
      if (sink.right !== node) return 'unknown';
      if (sink.left.type !== AST_NODE_TYPES.Identifier) return 'handoff';
      const target = ASTUtils.findVariable(context.sourceCode.getScope(sink), sink.left);
      if (!target) return 'handoff';
      // A variable of this function is an alias the analysis does not follow; an outer one keeps it.
      return variableFunction(target) === context.home ? 'unknown' : 'handoff';
    }
    case AST_NODE_TYPES.VariableDeclarator: {
      if (contained || sink.init !== node) return 'unknown';
      const declared = context.sourceCode.getDeclaredVariables(sink);
      return declared.length > 0 && declared.every((variable) => context.ownerVariables.has(variable)) ? 'neutral' : 'unknown';
    }
    case AST_NODE_TYPES.CallExpression: {
      if (sink.callee === node) return 'unknown';
      if (sink.callee.type === AST_NODE_TYPES.Super) return 'handoff'; // a constructor, like `new`
      const name = calleeName(sink.callee);
      if (name !== null && sink.callee.type === AST_NODE_TYPES.Identifier && HANDOFF_FUNCTIONS.has(name)) return 'handoff';
      if (name !== null && context.transferFunctions.has(name)) return 'handoff';
      if (sink.callee.type === AST_NODE_TYPES.MemberExpression && name !== null && STORING_METHODS.has(name)) return 'handoff';
      // A literal holding the owner may be kept by the callee; the owner itself is only borrowed.
      return contained ? 'handoff' : 'neutral';
    }
    case AST_NODE_TYPES.ExpressionStatement:
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
    case AST_NODE_TYPES.ForStatement:
    case AST_NODE_TYPES.BinaryExpression:
    case AST_NODE_TYPES.UnaryExpression:
    case AST_NODE_TYPES.TemplateLiteral:
    case AST_NODE_TYPES.SwitchStatement:
    case AST_NODE_TYPES.SwitchCase:
      return contained ? 'unknown' : 'neutral';
    case AST_NODE_TYPES.ConditionalExpression:
      return 'neutral'; // the test of a conditional
    default:
      return 'unknown';
  }
}

/** The function whose body declares `variable` (null at module level). */
function variableFunction(variable: Scope.Variable): FunctionNode | null {
  let scope: Scope.Scope | null = variable.scope;
  while (scope && scope.type !== 'function') scope = scope.upper;
  const block = scope?.block;
  return block && isFunction(block) ? block : null;
}

function isWithin(node: TSESTree.Node, container: TSESTree.Node): boolean {
  return node.range[0] >= container.range[0] && node.range[1] <= container.range[1];
}

/**
 * Whether nothing obtained from the owner can be used after `block` ends: no handle, view or other
 * value computed from it is returned, yielded, thrown, stored outside, assigned to a variable
 * declared outside the block, or captured by a closure that may run later. Conservative: the result
 * of any call that received such a value counts as such a value too (it might be the same view).
 * The owner itself passed to a function counts as outliving the block (the callee may keep it)
 * unless `ownerArgumentsAreBorrows`.
 */
export function nothingOutlivesBlock(
  ownerVariables: readonly Scope.Variable[],
  block: TSESTree.Node,
  home: FunctionNode,
  sourceCode: Readonly<TSESLint.SourceCode>,
  options: { readonly ownerArgumentsAreBorrows?: boolean } = {},
): boolean {
  const ownerArgumentsAreBorrows = options.ownerArgumentsAreBorrows ?? false;
  const owners = new Set(ownerVariables);
  const tainted = new Set<Scope.Variable>(ownerVariables);
  const queue = [...ownerVariables];
  const taint = (variable: Scope.Variable): boolean => {
    if (!variable.defs.every((definition) => isWithin(definition.name, block))) return false;
    if (!tainted.has(variable)) {
      tainted.add(variable);
      queue.push(variable);
    }
    return true;
  };

  /** Follows a value computed from the owner upwards; false when it may outlive the block. */
  const follow = (start: TSESTree.Node, isOwner: boolean): boolean => {
    let node = start;
    let ownerValue = isOwner;
    for (;;) {
      const parent = node.parent;
      if (!parent) return false;
      switch (parent.type) {
        case AST_NODE_TYPES.MemberExpression: {
          if (parent.object !== node) return true; // used as a computed key: a primitive
          const name = memberName(parent);
          const isCallee = parent.parent?.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent;
          if (name !== null && (ownerValue ? PRIMITIVE_OWNER_MEMBERS : PRIMITIVE_VALUE_MEMBERS).has(name)) return true;
          if (isCallee) {
            node = parent.parent;
            ownerValue = false;
            continue;
          }
          if (parent.parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.parent.left === parent) return true;
          node = parent;
          ownerValue = false;
          continue;
        }
        case AST_NODE_TYPES.TSAsExpression:
        case AST_NODE_TYPES.TSNonNullExpression:
        case AST_NODE_TYPES.TSSatisfiesExpression:
        case AST_NODE_TYPES.TSTypeAssertion:
        case AST_NODE_TYPES.ChainExpression:
          node = parent;
          continue;
        case AST_NODE_TYPES.CallExpression:
        case AST_NODE_TYPES.NewExpression:
          // The owner itself given to a function may be kept by it (a borrow for the leak check,
          // but too uncertain for an automatic rewrite). Handles and views passed on are borrows.
          if (ownerValue && parent.callee !== node && !ownerArgumentsAreBorrows) return false;
          node = parent;
          ownerValue = false;
          continue;
        case AST_NODE_TYPES.TaggedTemplateExpression:
        case AST_NODE_TYPES.AwaitExpression:
        case AST_NODE_TYPES.LogicalExpression:
        case AST_NODE_TYPES.ArrayExpression:
        case AST_NODE_TYPES.ObjectExpression:
        case AST_NODE_TYPES.SpreadElement:
          node = parent;
          ownerValue = false;
          continue;
        case AST_NODE_TYPES.Property:
          if (parent.value !== node) return true;
          node = parent;
          continue;
        case AST_NODE_TYPES.ConditionalExpression:
          if (parent.test === node) return true;
          node = parent;
          ownerValue = false;
          continue;
        case AST_NODE_TYPES.SequenceExpression:
          if (parent.expressions[parent.expressions.length - 1] !== node) return true;
          node = parent;
          continue;
        case AST_NODE_TYPES.BinaryExpression:
        case AST_NODE_TYPES.UnaryExpression:
        case AST_NODE_TYPES.UpdateExpression:
        case AST_NODE_TYPES.TemplateLiteral:
        case AST_NODE_TYPES.ExpressionStatement:
        case AST_NODE_TYPES.IfStatement:
        case AST_NODE_TYPES.WhileStatement:
        case AST_NODE_TYPES.DoWhileStatement:
        case AST_NODE_TYPES.ForStatement:
        case AST_NODE_TYPES.SwitchStatement:
        case AST_NODE_TYPES.SwitchCase:
        case AST_NODE_TYPES.ForInStatement:
          return true;
        case AST_NODE_TYPES.VariableDeclarator: {
          if (parent.init !== node) return true;
          return sourceCode.getDeclaredVariables(parent).every((variable) => owners.has(variable) || taint(variable));
        }
        case AST_NODE_TYPES.ForOfStatement: {
          if (parent.right !== node) return true;
          const left = parent.left;
          const declared =
            left.type === AST_NODE_TYPES.VariableDeclaration ? left.declarations.flatMap((d) => sourceCode.getDeclaredVariables(d)) : [];
          return left.type === AST_NODE_TYPES.VariableDeclaration && declared.every(taint);
        }
        case AST_NODE_TYPES.AssignmentExpression: {
          if (parent.left === node) return true;
          if (!['=', '||=', '&&=', '??='].includes(parent.operator)) return true; // arithmetic: a primitive
          let target: TSESTree.Node = parent.left;
          while (target.type === AST_NODE_TYPES.MemberExpression) target = target.object;
          if (target.type !== AST_NODE_TYPES.Identifier) return false;
          const variable = ASTUtils.findVariable(sourceCode.getScope(parent), target);
          if (!variable || !taint(variable)) return false;
          node = parent;
          continue;
        }
        case AST_NODE_TYPES.ReturnStatement:
        case AST_NODE_TYPES.ArrowFunctionExpression: {
          if (parent.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body !== node) return false;
          const fn = parent.type === AST_NODE_TYPES.ArrowFunctionExpression ? parent : enclosingFunction(parent);
          // Returned from an inline callback: the value flows into that call's result.
          if (!fn || fn === home || !isInlineCallback(fn)) return false;
          node = fn.parent;
          ownerValue = false;
          continue;
        }
        default:
          return false;
      }
    }
  };

  while (queue.length > 0) {
    const variable = queue.pop()!;
    const isOwner = owners.has(variable);
    for (const reference of variable.references) {
      if (!reference.isRead()) continue;
      const identifier = reference.identifier;
      if (!isWithin(identifier, block) || !runsInline(identifier, home)) return false;
      if (!follow(identifier, isOwner)) return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Acquisitions that must be released (an allocator description with `mustRelease`: a `pg`
// client, a generic-pool resource, a typeorm QueryRunner).

export type UnreleasedProblem = 'dropped' | 'never' | 'notOnEveryPath' | 'skippedOnThrow';

export interface UnreleasedAcquisition {
  readonly value: OwnedValue;
  readonly problem: UnreleasedProblem;
  /** Where to report: the variable's name at its declaration, or the dropped acquisition. */
  readonly node: TSESTree.Node;
  /** The variable holding it (null when dropped). */
  readonly variable: Scope.Variable | null;
  /** `skippedOnThrow`: the first call or `await` that may throw with no release on that path. */
  readonly thrower: ThrowingPoint | null;
  /** `skippedOnThrow`: the one release (a statement of the acquisition's block) a `finally` could hold. */
  readonly release: { readonly statement: TSESTree.ExpressionStatement; readonly call: TSESTree.CallExpression } | null;
}

export interface ReleaseAnalysisOptions {
  readonly sourceCode: Readonly<TSESLint.SourceCode>;
  /** Functions taking ownership of an acquisition passed to them (the rule's `transferFunctions`). */
  readonly transferFunctions: ReadonlySet<string>;
}

const NO_METHODS: AllocatorMethods = { alloc: new Set(), free: new Set(), reset: new Set(), destroy: new Set() };

/** Where an acquisition's value lands: the declarator / assignment writing it, or a statement dropping it. */
function acquisitionSite(origin: TSESTree.Node): TSESTree.Node | null {
  let node = origin;
  for (;;) {
    const parent = node.parent;
    if (!parent) return null;
    if (valuePassage(parent, node) === 'passes' && parent.type !== AST_NODE_TYPES.LogicalExpression && parent.type !== AST_NODE_TYPES.ConditionalExpression) {
      node = parent;
      continue;
    }
    if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node) return parent;
    if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.right === node && parent.operator === '=') return parent;
    if (parent.type === AST_NODE_TYPES.ExpressionStatement) return parent;
    return null;
  }
}

/** Whether every path through `block` ends with a `throw` / `return` as its last statement: `'throw'`, `'return'` or null. */
function endsAbruptly(block: TSESTree.BlockStatement): 'throw' | 'return' | null {
  const last = block.body[block.body.length - 1];
  if (last?.type === AST_NODE_TYPES.ThrowStatement) return 'throw';
  if (last?.type === AST_NODE_TYPES.ReturnStatement) return 'return';
  return null;
}

/**
 * Whether an exception thrown at `point` still meets a release of the acquisition (one of
 * `releases`) before leaving `home`: a `finally` or `catch` that releases it, or a `catch` that
 * swallows the error when code after the `try` releases it.
 */
function releasedOnThrow(point: TSESTree.Node, write: TSESTree.Node, home: FunctionNode, releases: readonly TSESTree.Node[]): boolean {
  const releasesWithin = (node: TSESTree.Node | null | undefined): boolean => !!node && releases.some((release) => isWithin(release, node));
  for (let current = point.parent; current && current !== home; current = current.parent) {
    if (current.type !== AST_NODE_TYPES.TryStatement) continue;
    if (isWithin(point, current.block)) {
      if (releasesWithin(current.finalizer) || releasesWithin(current.handler)) return true;
      if (!current.handler) continue;
      const ending = endsAbruptly(current.handler.body);
      if (ending === 'throw') continue;
      if (ending === 'return') return false;
      // Swallowed: execution goes on after the `try`, where the acquisition may still be released.
      if (isWithin(write, current.block)) return false;
      return releases.some((release) => release.range[0] >= current.range[1] && isWithin(release, home));
    }
    if (current.handler && isWithin(point, current.handler) && releasesWithin(current.finalizer)) return true;
  }
  return false;
}

/**
 * Acquisitions of owners whose description says `mustRelease` that are not released exactly once
 * on every path out of their function, nor handed on:
 * - `dropped`: the acquisition is not even kept (`await pool.connect();`);
 * - `never`: no release and no hand-off at all;
 * - `notOnEveryPath`: some path to a return, an explicit throw or the end skips the release;
 * - `skippedOnThrow`: a call or `await` between the acquisition and its release may throw, and no
 *   `finally` (or `catch`) releases it on that path.
 * Handed on: returned, yielded, thrown, stored into an object, a field or an outer variable, given
 * to a constructor, `resolve()`, a collection, or a function in `transferFunctions`. Passed to any
 * other function it is borrowed (the callee does not release it). Read inside a closure that may
 * run later, or aliased by a `let`: not followed, nothing is reported.
 */
export function findUnreleasedAcquisitions(model: OwnershipModel, paths: CodePathIndex, options: ReleaseAnalysisOptions): UnreleasedAcquisition[] {
  const found: UnreleasedAcquisition[] = [];
  const releasesByArgument = new Map<TSESTree.Node, TSESTree.CallExpression>();
  for (const event of model.frees) if (event.argument) releasesByArgument.set(unwrapValue(event.argument), event.call);
  const releaseCallsOfAll = new Set(releasesByArgument.values());
  for (const value of model.values) {
    if (!value.owner.protocol.mustRelease) continue;
    const home = enclosingFunction(value.origin);
    if (!home) continue;
    // Callback style (`pool.connect((err, client, done) => ...)`): the acquisition goes to the
    // callback, which this analysis does not follow.
    if (value.origin.arguments.some((argument) => isFunctionNode(argument))) continue;
    const site = acquisitionSite(value.origin);
    if (!site) continue;
    if (site.type === AST_NODE_TYPES.ExpressionStatement) {
      found.push({ value, problem: 'dropped', node: value.origin, variable: null, thrower: null, release: null });
      continue;
    }
    const target = site.type === AST_NODE_TYPES.VariableDeclarator ? site.id : (site as TSESTree.AssignmentExpression).left;
    if (target.type !== AST_NODE_TYPES.Identifier) continue;
    const variable = model.variableOf(target);
    if (!variable) continue;
    // Written elsewhere too (other than a bare `let client;`): which value it holds is not followed.
    const otherWrites = variable.references.filter((reference) => reference.isWrite() && writerOf(reference.identifier) !== site);
    if (otherWrites.some((reference) => !(reference.init && isNullish(reference.writeExpr)))) continue;
    const context: UseContext = {
      sourceCode: options.sourceCode,
      methods: NO_METHODS,
      transferFunctions: options.transferFunctions,
      home,
      ownerVariables: new Set([variable]),
    };
    const through: TSESTree.Node[] = [];
    const releaseCalls: TSESTree.CallExpression[] = [];
    let unknown = false;
    for (const reference of variable.references) {
      const identifier = reference.identifier;
      if (!reference.isRead() || reference.isWrite() || identifier.type !== AST_NODE_TYPES.Identifier) continue;
      const release = releasesByArgument.get(climbTypeWrappers(identifier));
      if (release) {
        if (enclosingFunction(release) !== home) {
          unknown = true;
          break;
        }
        through.push(guardOf(release, variable, releaseCallsOfAll, options.sourceCode) ?? release);
        releaseCalls.push(release);
        continue;
      }
      const use = classifyOwnerUse(identifier, context);
      if (use === 'unknown') {
        unknown = true;
        break;
      }
      if (use === 'handoff') through.push(identifier);
    }
    if (unknown) continue;
    const report = (problem: UnreleasedProblem, extra: Partial<UnreleasedAcquisition> = {}): void => {
      found.push({ value, problem, node: target, variable, thrower: null, release: null, ...extra });
    };
    if (through.length === 0) {
      report('never');
      continue;
    }
    if (!paths.everyPathPassesThrough(site, through)) {
      report('notOnEveryPath');
      continue;
    }
    const candidates = pointsInRegion(throwingPointsOf(home, options.sourceCode.visitorKeys), site, through, home).filter(
      (point) =>
        !isWithin(point, site) &&
        !cannotThrow(point, options.sourceCode) &&
        !releaseCalls.some((call) => isWithin(point, call)) &&
        !takesNothingOnThrow(point, variable, value.owner.protocol.methods.acquireSelf, options.sourceCode),
    );
    if (candidates.length === 0) continue;
    const reached = paths.reachableAmong(site, candidates, { avoiding: through });
    const thrower = candidates.find((point) => reached.has(point) && !inReleasingClause(point, through) && !releasedOnThrow(point, site, home, through));
    if (!thrower) continue;
    report('skippedOnThrow', { thrower, release: movableRelease(site, through, releaseCalls) });
  }
  return found.sort((a, b) => a.node.range[0] - b.node.range[0]);
}

/**
 * For a release that runs only when the variable holds something (`client?.release()`,
 * `if (client) client.release()`, `client && client.release()`): the read of the variable in that
 * test. The code paths fork there without knowing the variable was just assigned, so the path
 * check asks that every path reaches the test instead. Null for an unguarded release.
 */
function guardOf(
  release: TSESTree.CallExpression,
  variable: Scope.Variable,
  releases: ReadonlySet<TSESTree.CallExpression>,
  sourceCode: Readonly<TSESLint.SourceCode>,
): TSESTree.Identifier | null {
  const isVariable = (node: TSESTree.Node): node is TSESTree.Identifier =>
    node.type === AST_NODE_TYPES.Identifier && ASTUtils.findVariable(sourceCode.getScope(node), node) === variable;
  const testedVariable = (test: TSESTree.Node): TSESTree.Identifier | null => {
    if (isVariable(test)) return test;
    if (test.type === AST_NODE_TYPES.BinaryExpression && (test.operator === '!=' || test.operator === '!==')) {
      if (isVariable(test.left)) return test.left;
      if (isVariable(test.right)) return test.right;
    }
    return null;
  };
  const callee = release.callee;
  if (callee.type === AST_NODE_TYPES.MemberExpression && callee.optional && isVariable(callee.object)) return callee.object;
  // `if (client.broken) pool.destroy(client); else pool.release(client);`: released either way.
  const releasesOnBothBranches = (statement: TSESTree.IfStatement, child: TSESTree.Node): boolean => {
    const other = statement.consequent === child ? statement.alternate : statement.consequent;
    const call = other ? soleCallOf(other) : null;
    return call !== null && releases.has(call) && [call.callee, ...call.arguments].some((node) => isVariable(unwrapExpression(node)) || (node.type === AST_NODE_TYPES.MemberExpression && isVariable(unwrapExpression(node.object))));
  };
  for (let child: TSESTree.Node = release, parent = release.parent; parent; child = parent, parent = parent.parent) {
    if (parent.type === AST_NODE_TYPES.IfStatement && parent.alternate && releasesOnBothBranches(parent, child)) continue;
    if (parent.type === AST_NODE_TYPES.IfStatement && parent.consequent === child) return testedVariable(parent.test);
    if (parent.type === AST_NODE_TYPES.LogicalExpression && parent.operator === '&&' && parent.right === child) return testedVariable(parent.left);
    if (
      parent.type !== AST_NODE_TYPES.ExpressionStatement &&
      parent.type !== AST_NODE_TYPES.BlockStatement &&
      parent.type !== AST_NODE_TYPES.AwaitExpression &&
      parent.type !== AST_NODE_TYPES.ChainExpression
    ) {
      return null;
    }
    if (parent.type === AST_NODE_TYPES.BlockStatement && parent.body.length !== 1) return null;
  }
  return null;
}

/** The one call a statement makes (`x();`, `await x();`, `{ x(); }`), or null. */
function soleCallOf(statement: TSESTree.Node): TSESTree.CallExpression | null {
  let current: TSESTree.Node = statement;
  for (;;) {
    if (current.type === AST_NODE_TYPES.BlockStatement && current.body.length === 1) current = current.body[0]!;
    else if (current.type === AST_NODE_TYPES.ExpressionStatement) current = current.expression;
    else if (current.type === AST_NODE_TYPES.AwaitExpression || current.type === AST_NODE_TYPES.ChainExpression) current = current.type === AST_NODE_TYPES.AwaitExpression ? current.argument : current.expression;
    else return current.type === AST_NODE_TYPES.CallExpression ? current : null;
  }
}

const LOOP_TYPES: ReadonlySet<string> = new Set([
  AST_NODE_TYPES.ForStatement,
  AST_NODE_TYPES.ForInStatement,
  AST_NODE_TYPES.ForOfStatement,
  AST_NODE_TYPES.WhileStatement,
  AST_NODE_TYPES.DoWhileStatement,
]);

/**
 * The throwing points (sorted by position) that can run between the acquisition and a release:
 * from the acquisition to the last release or hand-off, widened to the outermost loop around the
 * acquisition (a back edge reaches code written before it). Every path already passes a release
 * before leaving the function, so code written after all of them runs after one. Keeps the search
 * per acquisition proportional to its own stretch of code, not to the whole function.
 */
function pointsInRegion(points: readonly ThrowingPoint[], site: TSESTree.Node, through: readonly TSESTree.Node[], home: FunctionNode): readonly ThrowingPoint[] {
  let start = site.range[0];
  let end = site.range[1];
  for (const node of through) end = Math.max(end, node.range[1]);
  for (let current = site.parent; current && current !== home; current = current.parent) {
    if (LOOP_TYPES.has(current.type)) {
      start = Math.min(start, current.range[0]);
      end = Math.max(end, current.range[1]);
    }
  }
  let low = 0;
  let high = points.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (points[middle]!.range[0] < start) low = middle + 1;
    else high = middle;
  }
  const region: ThrowingPoint[] = [];
  for (let index = low; index < points.length && points[index]!.range[0] <= end; index++) region.push(points[index]!);
  return region;
}

/** Namespaces of the standard library whose functions do not throw on ordinary arguments. */
const NON_THROWING_NAMESPACES: ReadonlySet<string> = new Set(['Math', 'console']);
/** Standard functions that do not throw on ordinary arguments (`Date.now()`, `performance.now()`...). */
const NON_THROWING_CALLS: ReadonlySet<string> = new Set([
  'Date.now',
  'performance.now',
  'Array.isArray',
  'Number.isFinite',
  'Number.isInteger',
  'Number.isNaN',
  'Number.isSafeInteger',
  'Boolean',
]);

/**
 * A call of the standard library that cannot throw in practice: counting `Date.now()` or
 * `console.log(...)` between a checkout and its `try` as a possible leak would only be noise.
 * Only global names (a local `Math` or `console` is anything).
 */
function cannotThrow(point: ThrowingPoint, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (point.type === AST_NODE_TYPES.AwaitExpression) return false;
  const isGlobal = (identifier: TSESTree.Identifier): boolean =>
    (ASTUtils.findVariable(sourceCode.getScope(identifier), identifier)?.defs.length ?? 0) === 0;
  const callee = point.callee;
  if (point.type === AST_NODE_TYPES.NewExpression) return callee.type === AST_NODE_TYPES.Identifier && callee.name === 'Date' && isGlobal(callee);
  if (callee.type === AST_NODE_TYPES.Identifier) return NON_THROWING_CALLS.has(callee.name) && isGlobal(callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.object.type !== AST_NODE_TYPES.Identifier) return false;
  const name = memberName(callee);
  if (name === null) return false;
  const known = NON_THROWING_NAMESPACES.has(callee.object.name) || NON_THROWING_CALLS.has(`${callee.object.name}.${name}`);
  return known && isGlobal(callee.object);
}

/**
 * `await qr.connect()` where `connect` is the acquisition's `acquireSelf` method: when it throws,
 * the runner took no connection, so there is nothing a `finally` would have to give back.
 */
function takesNothingOnThrow(
  point: ThrowingPoint,
  variable: Scope.Variable,
  acquireSelf: ReadonlySet<string>,
  sourceCode: Readonly<TSESLint.SourceCode>,
): boolean {
  if (acquireSelf.size === 0) return false;
  const call = point.type === AST_NODE_TYPES.AwaitExpression ? unwrapExpression(point.argument) : point;
  if (call.type !== AST_NODE_TYPES.CallExpression || call.callee.type !== AST_NODE_TYPES.MemberExpression) return false;
  const name = memberName(call.callee);
  const receiver = unwrapExpression(call.callee.object);
  return (
    name !== null &&
    acquireSelf.has(name) &&
    receiver.type === AST_NODE_TYPES.Identifier &&
    ASTUtils.findVariable(sourceCode.getScope(receiver), receiver) === variable
  );
}

/** A point inside a `catch` or `finally` clause that itself releases: part of the cleanup, not the work. */
function inReleasingClause(point: TSESTree.Node, releases: readonly TSESTree.Node[]): boolean {
  for (let current = point.parent; current; current = current.parent) {
    if (isFunctionNode(current)) return false;
    const parent = current.parent;
    if (parent?.type === AST_NODE_TYPES.TryStatement && current !== parent.block && releases.some((release) => isWithin(release, current))) return true;
  }
  return false;
}

/** `let client = null` / `= undefined`: a declaration that holds nothing yet. */
function isNullish(node: TSESTree.Node | null | undefined): boolean {
  if (!node) return true;
  return (node.type === AST_NODE_TYPES.Literal && node.value === null) || (node.type === AST_NODE_TYPES.Identifier && node.name === 'undefined');
}

function unwrapValue(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (
    current.type === AST_NODE_TYPES.TSAsExpression ||
    current.type === AST_NODE_TYPES.TSNonNullExpression ||
    current.type === AST_NODE_TYPES.TSSatisfiesExpression ||
    current.type === AST_NODE_TYPES.TSTypeAssertion
  ) {
    current = current.expression;
  }
  return current;
}

/**
 * The single release that could move into a `finally`: the only release or hand-off of the
 * acquisition, an expression statement in the same statement list as the acquisition's
 * declaration, after it.
 */
function movableRelease(
  site: TSESTree.Node,
  through: readonly TSESTree.Node[],
  releaseCalls: readonly TSESTree.CallExpression[],
): UnreleasedAcquisition['release'] {
  if (through.length !== 1 || releaseCalls.length !== 1 || site.type !== AST_NODE_TYPES.VariableDeclarator) return null;
  const call = releaseCalls[0]!;
  let statement: TSESTree.Node = call;
  while (statement.parent && (statement.parent.type === AST_NODE_TYPES.AwaitExpression || statement.parent.type === AST_NODE_TYPES.ChainExpression)) {
    statement = statement.parent;
  }
  const expressionStatement = statement.parent;
  if (expressionStatement?.type !== AST_NODE_TYPES.ExpressionStatement) return null;
  const declaration = site.parent;
  if (declaration?.type !== AST_NODE_TYPES.VariableDeclaration || expressionStatement.parent !== declaration.parent) return null;
  if (expressionStatement.range[0] < declaration.range[1]) return null;
  return { statement: expressionStatement, call };
}
