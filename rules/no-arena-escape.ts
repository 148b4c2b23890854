import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { createRule } from '../src/create-rule.js';
import { SHARED_POOL_DESCRIPTION } from '../src/builtin-allocators.js';
import { mergeListeners } from '../src/code-paths.js';
import { EscapeFinder, findThreadCrossings, threadSendOf, type Escape, type EscapeKind } from '../src/escapes.js';
import { useOwnership } from '../src/ownership.js';

type MessageIds = EscapeKind | 'ownerEscapes' | 'copyView' | 'copyHandle' | 'sentToThread';
type Options = [];

const KIND_WORDS = { handle: 'handle', view: 'view', object: 'pooled object' } as const;

/** Expressions that can take `.slice()` or be an argument without parentheses. */
const TIGHT: ReadonlySet<string> = new Set([
  AST_NODE_TYPES.Identifier,
  AST_NODE_TYPES.MemberExpression,
  AST_NODE_TYPES.CallExpression,
  AST_NODE_TYPES.ThisExpression,
]);

function scopeDescription(escape: Escape): string {
  switch (escape.owner.scoping) {
    case 'withArena':
      return 'the withArena callback';
    case 'using':
      return `the block of 'using ${escape.owner.name}'`;
    default:
      return `the function that destroys '${escape.owner.name}'`;
  }
}

export default createRule<Options, MessageIds>({
  name: 'no-arena-escape',
  meta: {
    type: 'problem',
    docs: {
      description: "Disallow arena handles and views escaping their arena's scope",
      recommended: true,
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      returned: "{{What}} of '{{owner}}' is returned out of {{scope}}, which ends '{{owner}}'.",
      yielded: "{{What}} of '{{owner}}' is yielded out of {{scope}}; the consumer may hold it after '{{owner}}' ends.",
      thrown: "{{What}} of '{{owner}}' is thrown out of {{scope}}, which ends '{{owner}}'.",
      assignedOuter: "{{What}} of '{{owner}}' is assigned to '{{target}}', which outlives {{scope}}.",
      storedOuter: "{{What}} of '{{owner}}' is stored into '{{target}}', which outlives {{scope}}.",
      captured: "'{{target}}' ({{what}} of '{{owner}}') is captured by a closure kept alive by {{via}}; it may run after {{scope}} ended '{{owner}}'.",
      ownerEscapes: "Arena '{{owner}}' {{how}}, but {{scope}} destroys it: every later use throws ERR_ARENA_DESTROYED.",
      sentToThread:
        "{{What}} of '{{owner}}' is sent to another thread by {{how}}: there it names nothing ('{{owner}}' is not shared: ERR_FOREIGN_HANDLE), and a view is copied with its whole buffer. Send the bytes (a copy, or a transferred ArrayBuffer), or allocate from a createSharedPool() pool.",
      copyView: 'Copy the bytes out with .slice().',
      copyHandle: "Copy the bytes out with '{{owner}}.bytes(...).slice()' (the value becomes a Uint8Array).",
    },
    languages: ['js/js'],
  },
  create(context) {
    const sourceCode = context.sourceCode;

    const suggestions = (escape: Escape): TSESLint.ReportSuggestionArray<MessageIds> => {
      if (!escape.direct || escape.kind === 'captured') return [];
      const node = escape.node as TSESTree.Expression;
      const text = sourceCode.getText(node);
      if (escape.values.every((value) => value.kind === 'view')) {
        const receiver = TIGHT.has(node.type) ? text : `(${text})`;
        return [{ messageId: 'copyView', fix: (fixer) => fixer.replaceText(node, `${receiver}.slice()`) }];
      }
      const ownerVariable = escape.owner.variables[0];
      if (escape.values.every((value) => value.kind === 'handle') && escape.owner.kind !== 'objectPool' && ownerVariable) {
        return [
          {
            messageId: 'copyHandle',
            data: { owner: escape.owner.name },
            fix: (fixer) => fixer.replaceText(node, `${escape.owner.name}.bytes(${text}).slice()`),
          },
        ];
      }
      return [];
    };

    // postMessage(...) / new Worker(..., { workerData }) calls, checked once the model is built.
    const sends: TSESTree.Node[] = [];
    const collectSend = (node: TSESTree.CallExpression | TSESTree.NewExpression): void => {
      if (threadSendOf(node)) sends.push(node);
    };
    const analysis = useOwnership(context, (model) => {
      for (const crossing of findThreadCrossings(model, sends, (owner) => owner.protocol.name === SHARED_POOL_DESCRIPTION)) {
        const kinds = new Set(crossing.values.map((value) => KIND_WORDS[value.kind]));
        const what = crossing.direct ? (kinds.size === 1 ? `a ${[...kinds][0]}` : 'arena memory') : `a message holding a ${[...kinds].join('/')}`;
        context.report({
          node: crossing.node,
          messageId: 'sentToThread',
          data: {
            What: what.charAt(0).toUpperCase() + what.slice(1),
            owner: crossing.owner.name,
            how: crossing.kind === 'postMessage' ? 'postMessage()' : "a Worker's workerData",
          },
        });
      }
      const finder = new EscapeFinder(model, (node) => sourceCode.getScope(node));
      const { owners, values } = finder.findAll();
      for (const escape of owners) {
        context.report({
          node: escape.node,
          messageId: 'ownerEscapes',
          data: {
            owner: escape.owner.name,
            how: escape.how,
            scope: escape.owner.scoping === 'withArena' ? 'the end of the withArena callback' : `the end of the block of 'using ${escape.owner.name}'`,
          },
        });
      }
      for (const escape of values) {
        const kinds = new Set(escape.values.map((value) => KIND_WORDS[value.kind]));
        const what = escape.direct
          ? kinds.size === 1
            ? `a ${[...kinds][0]}`
            : 'arena memory'
          : `a container holding a ${[...kinds].join('/')}`;
        context.report({
          node: escape.node,
          messageId: escape.kind,
          data: {
            What: what.charAt(0).toUpperCase() + what.slice(1),
            what,
            owner: escape.owner.name,
            scope: scopeDescription(escape),
            target: escape.targetName ?? '',
            via: escape.via ?? '',
          },
          suggest: suggestions(escape),
        });
      }
    });
    // No allocator import: no model, and nothing to look for.
    if (Object.keys(analysis).length === 0) return analysis;
    return mergeListeners(analysis, { CallExpression: collectSend, NewExpression: collectSend });
  },
});
