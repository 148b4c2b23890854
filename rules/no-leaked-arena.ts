import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { getAllocatorApi, type AllocatorApi, type OwnerKind } from '../src/allocators.js';
import { mergeListeners } from '../src/code-paths.js';
import { createRule } from '../src/create-rule.js';
import { classifyOwnerUseAt, nothingOutlivesBlock, type UseContext } from '../src/leak-analysis.js';
import { climbTypeWrappers, enclosingFunction, memberName, useOwnership, type Owner } from '../src/ownership.js';
import { isRuntimeCallee } from '../src/runtime-origin.js';

export type Options = [{ transferFunctions?: string[] }];
export type MessageIds = 'notDestroyedOnEveryPath' | 'neverDestroyed' | 'dropped' | 'useUsing';

const KIND_LABEL: Readonly<Record<OwnerKind, string>> = { arena: 'Arena', pool: 'Pool', objectPool: 'Object pool' };

/** Files where a `using` declaration is safe to write: TypeScript lowers it for any target. */
const TYPESCRIPT_FILE = /\.(?:ts|tsx|mts|cts)$/;

export default createRule<Options, MessageIds>({
  name: 'no-leaked-arena',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require every arena and pool created in a function to be destroyed on every path or handed on',
      recommended: true,
    },
    fixable: 'code',
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        properties: {
          transferFunctions: {
            type: 'array',
            items: { type: 'string' },
            uniqueItems: true,
            description: 'Functions and methods that take ownership of an owner passed to them (by name).',
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ transferFunctions: [] }],
    messages: {
      notDestroyedOnEveryPath:
        "{{kind}} '{{name}}' is not destroyed on every path out of its function (some path to a return, a throw or the end skips the destroy()); destroy it in a `finally` block, declare it with `using`, or use withArena().",
      neverDestroyed:
        "{{kind}} '{{name}}' is never destroyed and never handed on, so its memory stays reserved; declare it with `using`, call destroy() in a `finally` block, or use withArena().",
      dropped:
        '{{kind}} created here is dropped without being destroyed: nothing can destroy it later. Keep it in a `using` declaration or destroy it.',
      useUsing: "Declare '{{name}}' with `using` so it is destroyed when its block ends.",
    },
  },
  create(context, [options]) {
    const api = getAllocatorApi(context);
    if (!api.active) return {};
    const sourceCode = context.sourceCode;
    const transferFunctions = new Set(options.transferFunctions ?? []);
    const isTypeScript = TYPESCRIPT_FILE.test(context.filename);

    function checkDropped(call: TSESTree.CallExpression, kind: OwnerKind): void {
      if (enclosingFunction(call) === null) return; // module level: lives as long as the process
      const holder = climbTypeWrappers(call);
      const parent = holder.parent;
      if (parent?.type === AST_NODE_TYPES.ExpressionStatement) {
        context.report({ node: call, messageId: 'dropped', data: { kind: KIND_LABEL[kind] } });
        return;
      }
      if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === holder) {
        const name = memberName(parent);
        const isCall = parent.parent?.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent;
        const destroyed = isCall && name !== null && (api.methods.destroy.has(name) || name === 'Symbol.dispose');
        if (!destroyed) context.report({ node: call, messageId: 'dropped', data: { kind: KIND_LABEL[kind] } });
      }
    }

    function usingFix(owner: Owner, declarator: TSESTree.VariableDeclarator, hasDestroy: boolean) {
      const declaration = declarator.parent;
      const home = enclosingFunction(declarator);
      if (
        !home ||
        declaration.type !== AST_NODE_TYPES.VariableDeclaration ||
        declaration.declarations.length !== 1 ||
        (declaration.kind !== 'const' && declaration.kind !== 'let') ||
        declaration.parent.type !== AST_NODE_TYPES.BlockStatement ||
        !owner.creation ||
        !isRuntimeCallee(owner.creation.callee, api, sourceCode) ||
        !nothingOutlivesBlock(owner.variables, declaration.parent, home, sourceCode, { ownerArgumentsAreBorrows: true })
      ) {
        return {};
      }
      // Passed to a function that might keep it: a person has to check that function.
      const ownerPassedOn = !nothingOutlivesBlock(owner.variables, declaration.parent, home, sourceCode);
      const keyword = sourceCode.getFirstToken(declaration)!;
      const fix = (fixer: TSESLint.RuleFixer): TSESLint.RuleFix => fixer.replaceText(keyword, 'using');
      // Autofix only when nothing else destroys it: the rewrite then changes no result, it only
      // releases the memory when the block ends. JavaScript runtimes may not parse `using` yet.
      if (!hasDestroy && isTypeScript && !ownerPassedOn) return { fix };
      return { suggest: [{ messageId: 'useUsing' as const, data: { name: owner.name }, fix }] };
    }

    function checkOwner(owner: Owner, paths: Parameters<Parameters<typeof useOwnership>[1]>[1]): void {
      if (owner.scoping !== 'manual' || !owner.creation || owner.kind === 'tagged') return;
      const declarator = owner.creation.parent && climbTypeWrappers(owner.creation).parent;
      if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator) return;
      const home = enclosingFunction(declarator);
      if (!home) return;
      const variable = owner.variables[0];
      // Assigned again later: which owner it holds at each exit is not followed.
      if (!variable || owner.variables.some((v) => v.references.some((reference) => reference.isWrite() && !reference.init))) return;
      const useContext: UseContext = {
        sourceCode,
        methods: api.methods,
        transferFunctions,
        home,
        ownerVariables: new Set(owner.variables),
      };
      const through: TSESTree.Node[] = [];
      let destroys = 0;
      let handoffs = 0;
      for (const ownerVariable of owner.variables) {
        for (const reference of ownerVariable.references) {
          const identifier = reference.identifier;
          if (!reference.isRead() || identifier.type !== AST_NODE_TYPES.Identifier) continue;
          const { use, destroyCall } = classifyOwnerUseAt(identifier, useContext);
          if (use === 'unknown') return;
          if (destroyCall) {
            destroys++;
            through.push(destroyCall);
          } else if (use === 'handoff') {
            handoffs++;
            through.push(identifier);
          }
        }
      }
      const data = { kind: KIND_LABEL[owner.kind as OwnerKind], name: owner.name };
      if (through.length === 0) {
        context.report({ node: declarator.id, messageId: 'neverDestroyed', data, ...usingFix(owner, declarator, false) });
        return;
      }
      if (paths.everyPathPassesThrough(declarator, through)) return;
      const fixes = handoffs === 0 ? usingFix(owner, declarator, destroys > 0) : {};
      context.report({ node: declarator.id, messageId: 'notDestroyedOnEveryPath', data, ...fixes });
    }

    return mergeListeners(
      {
        CallExpression(call) {
          const kind = api.ownerKindOfCreation(call);
          if (!kind) return;
          checkDropped(call, kind);
        },
      },
      useOwnership(context, (model, paths) => {
        for (const owner of model.owners) checkOwner(owner, paths);
      }),
    );
  },
});
