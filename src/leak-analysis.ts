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

import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type { Scope } from '@typescript-eslint/utils/ts-eslint';

import type { AllocatorMethods } from './allocators.js';
import { climbTypeWrappers, enclosingFunction, memberName, type FunctionNode } from './ownership.js';
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
            node = parent.parent as TSESTree.CallExpression;
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
          node = fn.parent as TSESTree.CallExpression;
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
