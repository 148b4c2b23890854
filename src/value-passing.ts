import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';

/**
 * Whether `parent`, evaluated, can be the very value of its child `child`: `passes` for a type
 * assertion, `!`, an optional chain, `await`, a branch of `?:`, an operand of `&&`/`||`/`??` and
 * the last expression of a sequence; `stops` where the child is only tested or discarded (the
 * condition of `?:`, an earlier expression of a sequence); `other` for every other parent, which
 * the caller judges itself. Shared by the walks that follow a value up the tree.
 */
export function valuePassage(parent: TSESTree.Node, child: TSESTree.Node): 'passes' | 'stops' | 'other' {
  switch (parent.type) {
    case AST_NODE_TYPES.TSAsExpression:
    case AST_NODE_TYPES.TSNonNullExpression:
    case AST_NODE_TYPES.TSSatisfiesExpression:
    case AST_NODE_TYPES.TSTypeAssertion:
    case AST_NODE_TYPES.ChainExpression:
    case AST_NODE_TYPES.AwaitExpression:
    case AST_NODE_TYPES.LogicalExpression:
      return 'passes';
    case AST_NODE_TYPES.ConditionalExpression:
      return parent.test === child ? 'stops' : 'passes';
    case AST_NODE_TYPES.SequenceExpression:
      return parent.expressions[parent.expressions.length - 1] === child ? 'passes' : 'stops';
    default:
      return 'other';
  }
}
