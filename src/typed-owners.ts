// Type-aware owner recognition, used only when the parser provides a TypeScript program
// (`parserOptions.projectService`, as in `configs['recommended-type-checked']`). Syntactically an
// owner must come from a creation call, a withArena callback, a field or an annotated parameter;
// with types, any `const` or parameter whose type is the runtime's `Arena` / `Pool` /
// `ObjectPool<T>` is one too (`const arena = ctx.arena`, `const pool = getPool()`).
//
// No runtime import of `typescript`: the checker comes from the parser services, and only
// type-level names are imported here.

import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import type { OwnerKind } from './allocators.js';

/** The owner kind a value's static type denotes, or null (also for unions with other types). */
export type TypeOwnerLookup = (identifier: TSESTree.Identifier) => OwnerKind | null;

const KIND_BY_TYPE_NAME: Readonly<Record<string, OwnerKind>> = { Arena: 'arena', Pool: 'pool', ObjectPool: 'objectPool' };

/** Declarations of the runtime's public interfaces: `runtime/types.ts` (sources) or `.d.ts` (dist). */
const RUNTIME_TYPES_FILE = /[\\/]runtime[\\/]types\.(?:d\.)?ts$/;

function ownerKindOfType(type: ts.Type): OwnerKind | null {
  const parts = type.isUnion() ? type.types : [type];
  let kind: OwnerKind | null = null;
  for (const part of parts) {
    const symbol = part.aliasSymbol ?? part.getSymbol();
    // `null` / `undefined` members of `Pool | null` have no symbol.
    if (!symbol) continue;
    const candidate = KIND_BY_TYPE_NAME[symbol.getName()];
    const fromRuntime = symbol.getDeclarations()?.some((declaration) => RUNTIME_TYPES_FILE.test(declaration.getSourceFile().fileName));
    if (!candidate || !fromRuntime || (kind !== null && kind !== candidate)) return null;
    kind = candidate;
  }
  return kind;
}

/** A lookup backed by the type checker, or null when the file was parsed without type information. */
export function typeOwnerLookup(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): TypeOwnerLookup | null {
  const services = context.sourceCode.parserServices;
  const program = services?.program;
  const nodeMap = services?.esTreeNodeToTSNodeMap;
  if (!program || !nodeMap) return null;
  const checker = program.getTypeChecker();
  return (identifier) => {
    const tsNode = nodeMap.get(identifier);
    return tsNode ? ownerKindOfType(checker.getTypeAtLocation(tsNode)) : null;
  };
}
