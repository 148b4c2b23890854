// Ownership mix-ups: memory freed by an owner that did not issue it, scoped arenas destroyed by
// hand, and second frees/destroys of the same thing on one path.

import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import type { CodePathIndex } from './code-paths.js';
import { findDoubleFrees, type DoubleFree } from './lifetimes.js';
import { enclosingFunction, type LifetimeEvent, type OwnedValue, type Owner, type OwnershipModel } from './ownership.js';

export interface ForeignFree {
  readonly free: LifetimeEvent;
  /** The owner the freed memory really belongs to (all candidate values agree on foreignness). */
  readonly actualOwner: Owner;
  readonly values: readonly OwnedValue[];
}

export interface ScopedDestroy {
  readonly owner: Owner;
  readonly destroy: LifetimeEvent;
  /** The statement that only destroys the owner, when it stands alone in a statement list. */
  readonly statement: TSESTree.ExpressionStatement | null;
  /**
   * Whether removing `statement` cannot change what the program computes: a `using` owner, the
   * destroy in the declaring function, and no use of the owner reachable after it (the disposal at
   * block exit then does the same thing a little later).
   */
  readonly removable: boolean;
}

export interface DoubleDestroy {
  readonly owner: Owner;
  readonly first: LifetimeEvent;
  readonly second: LifetimeEvent;
}

/** Frees whose argument is memory of a different owner only (never of the freeing one). */
export function findForeignFrees(model: OwnershipModel): ForeignFree[] {
  const found: ForeignFree[] = [];
  for (const free of model.frees) {
    if (!free.argument) continue;
    const values = [...model.valuesOf(free.argument)];
    if (values.length === 0 || values.some((value) => value.owner === free.owner)) continue;
    const actualOwner = values[0]!.owner;
    // A library's singletons may accept each other's objects (pixi.js's `BigPool.return(m)` takes
    // anything pooled): only two owners this file created itself are surely different pools.
    if (
      (free.owner.protocol.origin !== 'runtime' || actualOwner.protocol.origin !== 'runtime') &&
      (free.owner.creation === null || actualOwner.creation === null)
    ) {
      continue;
    }
    found.push({ free, actualOwner, values });
  }
  return found;
}

const STATEMENT_LIST_PARENTS: ReadonlySet<string> = new Set([
  AST_NODE_TYPES.BlockStatement,
  AST_NODE_TYPES.Program,
  AST_NODE_TYPES.StaticBlock,
  AST_NODE_TYPES.SwitchCase,
]);

/** `destroy()` (or `[Symbol.dispose]()`) of an owner that `using` or `withArena` already destroys. */
export function findScopedDestroys(model: OwnershipModel, paths: CodePathIndex): ScopedDestroy[] {
  const found: ScopedDestroy[] = [];
  for (const owner of model.owners) {
    if (owner.scoping !== 'using' && owner.scoping !== 'withArena') continue;
    for (const destroy of owner.events) {
      // A helper that destroys its parameter may do more than that: not this check's business.
      if (destroy.kind !== 'destroy' || destroy.via) continue;
      const call = destroy.call;
      const parent = call.parent;
      const statement =
        parent?.type === AST_NODE_TYPES.ExpressionStatement &&
        parent.expression === call &&
        STATEMENT_LIST_PARENTS.has(parent.parent.type)
          ? parent
          : null;
      const home = owner.creation ? enclosingFunction(owner.creation) : null;
      const usedLater = paths.reachableAmong(call, owner.methodCalls.map(({ call: other }) => other).filter((other) => other !== call)).size > 0;
      const removable =
        statement !== null &&
        owner.scoping === 'using' &&
        call.arguments.length === 0 &&
        enclosingFunction(call) === home &&
        !usedLater;
      found.push({ owner, destroy, statement, removable });
    }
  }
  return found.sort((a, b) => a.destroy.call.range[0] - b.destroy.call.range[0]);
}

/** A manual owner destroyed again on a path where it was already destroyed (destroy() throws then). */
export function findDoubleDestroys(model: OwnershipModel, paths: CodePathIndex): DoubleDestroy[] {
  const found: DoubleDestroy[] = [];
  for (const owner of model.owners) {
    if (owner.scoping === 'using' || owner.scoping === 'withArena') continue;
    // `[Symbol.dispose]()` is idempotent, so only a plain destroy() second is an error.
    const destroys = owner.events.filter((event) => event.kind === 'destroy');
    const avoiding = owner.variables.flatMap((variable) => model.writeNodesOf(variable));
    for (const second of destroys) {
      const callee = second.call.callee;
      if (callee.type === AST_NODE_TYPES.MemberExpression && callee.computed) continue;
      const first = destroys.find((candidate) => paths.isReachableFrom(candidate.call, second.call, { avoiding }));
      if (first) found.push({ owner, first, second });
    }
  }
  return found;
}

export { findDoubleFrees, type DoubleFree };
