import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import * as ASTUtils from '@typescript-eslint/utils/ast-utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';

import type { AllocatorApi } from './allocators.js';

/**
 * Whether a callee is imported straight from the runtime (`eslint-plugin-arena/runtime`,
 * `arena-runtime`, or a module of `settings.arena.modules`):
 * `createArena`, `mk` from `import { createArena as mk }`, or `rt.createArena`. False for
 * other described allocators (built in or from `settings.arena.allocators`) — their owners follow
 * their description, not necessarily the runtime's signatures (tags) or `Symbol.dispose` — and for anything
 * reached through a local alias. Rules use it to keep runtime-specific fixes to the runtime.
 */
export function isRuntimeCallee(
  callee: TSESTree.Node,
  api: AllocatorApi,
  sourceCode: Readonly<TSESLint.SourceCode>,
): boolean {
  let name: TSESTree.Node = callee;
  while (name.type === AST_NODE_TYPES.TSNonNullExpression || name.type === AST_NODE_TYPES.TSAsExpression) name = name.expression;
  if (name.type === AST_NODE_TYPES.MemberExpression) name = name.object;
  if (name.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = ASTUtils.findVariable(sourceCode.getScope(name), name);
  const definition = variable?.defs[0];
  if (definition?.type !== 'ImportBinding') return false;
  const declaration = definition.parent;
  return declaration.type === AST_NODE_TYPES.ImportDeclaration && api.isRuntimeSpecifier(declaration.source.value);
}
