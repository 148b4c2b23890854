import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';

import { getAllocatorApi, type OwnerKind } from '../src/allocators.js';
import { mergeListeners } from '../src/code-paths.js';
import { createRule } from '../src/create-rule.js';
import { usingDeclarationsCompile } from '../src/using-support.js';
import {
  classifyOwnerUseAt,
  findUnreleasedAcquisitions,
  nothingOutlivesBlock,
  type UnreleasedAcquisition,
  type UseContext,
} from '../src/leak-analysis.js';
import { climbTypeWrappers, enclosingFunction, memberName, useOwnership, type Owner, type OwnerProtocol } from '../src/ownership.js';
import { isRuntimeCallee } from '../src/runtime-origin.js';

export type Options = [{ transferFunctions?: string[] }];
export type MessageIds =
  | 'notDestroyedOnEveryPath'
  | 'neverDestroyed'
  | 'dropped'
  | 'useUsing'
  | 'ownerNotEndedOnEveryPath'
  | 'ownerNeverEnded'
  | 'acquisitionDropped'
  | 'neverReleased'
  | 'notReleasedOnEveryPath'
  | 'releaseSkippedOnThrow'
  | 'moveReleaseToFinally';

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
      ownerNotEndedOnEveryPath:
        "{{kind}} '{{name}}' ({{library}}) is not ended on every path out of its function (some path to a return, a throw or the end skips {{destroy}}()); call it in a `finally` block or hand the pool on.",
      ownerNeverEnded:
        "{{kind}} '{{name}}' ({{library}}) is never ended with {{destroy}}() nor handed on, so what it holds stays open; call {{destroy}}() in a `finally` block or hand the pool on.",
      acquisitionDropped:
        "'{{call}}()' acquires from '{{owner}}' ({{library}}) and drops the result: nothing can release it, so the pool loses it for good.",
      neverReleased:
        "'{{name}}' acquired from '{{owner}}' ({{library}}) is never released nor handed on, so the pool loses it for good; release it in a `finally` block.",
      notReleasedOnEveryPath:
        "'{{name}}' acquired from '{{owner}}' ({{library}}) is not released on every path out of its function (some path to a return, a throw or the end skips the release); release it in a `finally` block.",
      releaseSkippedOnThrow:
        "'{{name}}' acquired from '{{owner}}' ({{library}}) is not released if '{{thrower}}' on line {{line}} throws: nothing releases it on that path and the pool loses it. Release it in a `finally` block.",
      moveReleaseToFinally: "Move '{{release}}' into a `finally` block around the code that uses '{{name}}'.",
    },
    languages: ['js/js'],
  },
  create(context, [options]) {
    const api = getAllocatorApi(context);
    if (!api.active) return {};
    const sourceCode = context.sourceCode;
    const transferFunctions = new Set(options.transferFunctions ?? []);
    const isTypeScript = TYPESCRIPT_FILE.test(context.filename);

    /** Whether `name` ends owners of `protocol` (a described pool's own names, not the runtime's). */
    const endsOwner = (protocol: OwnerProtocol, name: string | null): boolean =>
      name !== null && (protocol.methods.destroy.has(name) || name === 'Symbol.dispose');

    function checkDropped(call: TSESTree.CallExpression | TSESTree.NewExpression): void {
      const description = api.creationOf(call);
      // A pool the library lets live on (no destroy method, or one that need not be called).
      if (!description || !description.mustDestroy || description.methods.destroy.size === 0) return;
      // The message advises `using`, which only this runtime's owners support.
      if (description.origin !== 'runtime') return;
      const kind = description.kind;
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
        const destroyed = isCall && endsOwner(description, name);
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
      // releases the memory when the block ends. JavaScript runtimes may not parse `using` yet,
      // and TypeScript rejects it where the project's lib has no Disposable (TS2318).
      if (!hasDestroy && isTypeScript && !ownerPassedOn && usingDeclarationsCompile(context)) return { fix };
      return { suggest: [{ messageId: 'useUsing' as const, data: { name: owner.name }, fix }] };
    }

    function checkOwner(owner: Owner, paths: Parameters<Parameters<typeof useOwnership>[1]>[1]): void {
      if (owner.scoping !== 'manual' || !owner.creation || owner.kind === 'tagged') return;
      // A pool with nothing to destroy, or whose description says it need not be (pixi.js, pg), is no leak.
      const protocol = owner.protocol;
      if (!protocol.mustDestroy || protocol.methods.destroy.size === 0) return;
      const described = protocol.origin !== 'runtime';
      const declarator = owner.creation.parent && climbTypeWrappers(owner.creation).parent;
      if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator) return;
      const home = enclosingFunction(declarator);
      if (!home) return;
      const variable = owner.variables[0];
      // Assigned again later: which owner it holds at each exit is not followed.
      if (!variable || owner.variables.some((v) => v.references.some((reference) => reference.isWrite() && !reference.init))) return;
      const useContext: UseContext = {
        sourceCode,
        methods: { alloc: protocol.methods.acquire, free: protocol.methods.release, reset: protocol.methods.reset, destroy: protocol.methods.destroy },
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
      const data = { kind: KIND_LABEL[owner.kind], name: owner.name };
      if (described) {
        // Neither `using` nor withArena exist for another library's pools: only its own method is advised.
        const describedData = { ...data, library: protocol.name, destroy: [...protocol.methods.destroy][0] ?? 'destroy' };
        if (through.length === 0) context.report({ node: declarator.id, messageId: 'ownerNeverEnded', data: describedData });
        else if (!paths.everyPathPassesThrough(declarator, through)) {
          context.report({ node: declarator.id, messageId: 'ownerNotEndedOnEveryPath', data: describedData });
        }
        return;
      }
      if (through.length === 0) {
        context.report({ node: declarator.id, messageId: 'neverDestroyed', data, ...usingFix(owner, declarator, false) });
        return;
      }
      if (paths.everyPathPassesThrough(declarator, through)) return;
      const fixes = handoffs === 0 ? usingFix(owner, declarator, destroys > 0) : {};
      context.report({ node: declarator.id, messageId: 'notDestroyedOnEveryPath', data, ...fixes });
    }

    /** What the code that may throw is called in a message: `client.query()`, `await load()`. */
    function throwerText(node: TSESTree.Node): string {
      if (node.type === AST_NODE_TYPES.AwaitExpression) {
        const argument = node.argument;
        return argument.type === AST_NODE_TYPES.CallExpression || argument.type === AST_NODE_TYPES.NewExpression
          ? `await ${throwerText(argument)}`
          : 'await';
      }
      if (node.type === AST_NODE_TYPES.CallExpression) return `${sourceCode.getText(node.callee)}()`;
      if (node.type === AST_NODE_TYPES.NewExpression) return `new ${sourceCode.getText(node.callee)}()`;
      return sourceCode.getText(node);
    }

    /**
     * `try { <the statements between> } finally { <release> }` in place of those statements and the
     * release; null when a name declared between them is used after the release (it would go out
     * of scope in the `try` block).
     */
    function finallyFix(found: UnreleasedAcquisition): ((fixer: TSESLint.RuleFixer) => TSESLint.RuleFix) | null {
      const release = found.release;
      const declaration = found.node.parent?.parent;
      if (!release || declaration?.type !== AST_NODE_TYPES.VariableDeclaration) return null;
      const list = release.statement.parent;
      // eslint-disable-next-line eslint-plugin/no-property-in-node -- any statement list will do (Program, block, static block, namespace body)
      if (!list || !('body' in list) || !Array.isArray(list.body)) return null;
      const statements = list.body as TSESTree.Node[];
      const from = statements.indexOf(declaration);
      const to = statements.indexOf(release.statement);
      if (from < 0 || to <= from + 1) return null;
      const between = statements.slice(from + 1, to);
      const start = between[0]!.range[0];
      const end = between[between.length - 1]!.range[1];
      for (const statement of between) {
        const declared =
          statement.type === AST_NODE_TYPES.VariableDeclaration
            ? statement.declarations.flatMap((declarator) => sourceCode.getDeclaredVariables(declarator))
            : sourceCode.getDeclaredVariables(statement);
        if (declared.some((variable) => variable.references.some((reference) => reference.identifier.range[0] >= end))) return null;
      }
      const line = sourceCode.lines[declaration.loc.start.line - 1] ?? '';
      const indent = /^\s*/.exec(line)?.[0] ?? '';
      const inner = `${indent}  `;
      const body = sourceCode.text
        .slice(start, end)
        .split('\n')
        .map((text, index) => (index === 0 || text.length === 0 ? text : `  ${text}`))
        .join('\n');
      const replacement = `try {\n${inner}${body}\n${indent}} finally {\n${inner}${sourceCode.getText(release.statement)}\n${indent}}`;
      return (fixer) => fixer.replaceTextRange([start, release.statement.range[1]], replacement);
    }

    function reportUnreleased(found: UnreleasedAcquisition): void {
      const owner = found.value.owner;
      const data = {
        name: sourceCode.getText(found.node),
        owner: owner.name,
        library: owner.protocol.name,
        call: sourceCode.getText(found.value.origin.callee),
      };
      switch (found.problem) {
        case 'dropped':
          context.report({ node: found.node, messageId: 'acquisitionDropped', data });
          return;
        case 'never':
          context.report({ node: found.node, messageId: 'neverReleased', data });
          return;
        case 'notOnEveryPath':
          context.report({ node: found.node, messageId: 'notReleasedOnEveryPath', data });
          return;
        case 'skippedOnThrow': {
          const fix = finallyFix(found);
          context.report({
            node: found.node,
            messageId: 'releaseSkippedOnThrow',
            data: { ...data, thrower: throwerText(found.thrower!), line: found.thrower!.loc.start.line },
            suggest: fix
              ? [{ messageId: 'moveReleaseToFinally', data: { name: data.name, release: sourceCode.getText(found.release!.call) }, fix }]
              : [],
          });
          return;
        }
      }
    }

    return mergeListeners(
      {
        CallExpression: checkDropped,
        NewExpression: checkDropped,
      },
      useOwnership(context, (model, paths) => {
        for (const owner of model.owners) checkOwner(owner, paths);
        for (const found of findUnreleasedAcquisitions(model, paths, { sourceCode, transferFunctions })) reportUnreleased(found);
      }),
    );
  },
});
