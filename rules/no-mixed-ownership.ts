import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { createRule } from '../src/create-rule.js';
import { findDoubleDestroys, findDoubleFrees, findForeignFrees, findScopedDestroys, type ScopedDestroy } from '../src/mixing.js';
import { useOwnership } from '../src/ownership.js';

type MessageIds =
  | 'arenaMemoryFreed'
  | 'foreignFree'
  | 'scopedDestroy'
  | 'doubleFree'
  | 'doubleDestroy'
  | 'removeDestroy'
  | 'foreignRelease'
  | 'doubleRelease'
  | 'doubleEnd';
type Options = [];

const OWNER_WORDS = { arena: 'arena', pool: 'pool', objectPool: 'object pool', tagged: 'the tagged heap' } as const;

/** The range removing `statement` takes: its whole line(s) when nothing else is on them. */
function removalRange(sourceCode: Readonly<TSESLint.SourceCode>, statement: TSESTree.Node): [number, number] {
  const text = sourceCode.text;
  let [start, end] = statement.range;
  let lineStart = start;
  while (lineStart > 0 && (text[lineStart - 1] === ' ' || text[lineStart - 1] === '\t')) lineStart--;
  let lineEnd = end;
  while (lineEnd < text.length && (text[lineEnd] === ' ' || text[lineEnd] === '\t')) lineEnd++;
  const aloneOnLine = (lineStart === 0 || text[lineStart - 1] === '\n') && (lineEnd === text.length || text[lineEnd] === '\n' || text[lineEnd] === '\r');
  if (aloneOnLine) {
    start = lineStart;
    end = text[lineEnd] === '\r' && text[lineEnd + 1] === '\n' ? lineEnd + 2 : Math.min(lineEnd + 1, text.length);
    return [start, end];
  }
  // Shares its line: take the spaces after it so that `a(); b.destroy(); c();` becomes `a(); c();`.
  return [start, lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r' ? lineEnd : end];
}

export default createRule<Options, MessageIds>({
  name: 'no-mixed-ownership',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow freeing memory through an owner that did not allocate it, destroying scoped arenas by hand, and freeing twice',
      recommended: true,
    },
    fixable: 'code',
    hasSuggestions: true,
    schema: [],
    messages: {
      arenaMemoryFreed:
        "'{{arg}}' is memory of arena '{{owner}}' and cannot be freed by '{{call}}()': an arena releases everything at once with reset() or destroy().",
      foreignFree: "'{{arg}}' belongs to {{kind}} '{{owner}}' but is freed by '{{call}}()' (ERR_FOREIGN_HANDLE).",
      scopedDestroy: "'{{owner}}' is {{how}}: destroying it by hand is redundant and ends it early.",
      doubleFree: "'{{arg}}' is freed by '{{call}}()' on a path where '{{first}}()' on line {{line}} already freed it (ERR_DOUBLE_FREE).",
      doubleDestroy:
        "'{{owner}}' is destroyed on a path where line {{line}} already destroyed it (destroy() throws ERR_ARENA_DESTROYED).",
      removeDestroy: 'Remove this destroy() and let {{who}} destroy the arena.',
      foreignRelease: "'{{arg}}' was handed out by '{{owner}}' but is given back to '{{call}}()' ({{library}}): give it back to the pool it came from.",
      doubleRelease:
        "'{{arg}}' is given back by '{{call}}()' on a path where '{{first}}()' on line {{line}} already gave it back ({{library}}): the pool may hand it out twice.",
      doubleEnd: "'{{owner}}' is ended on a path where line {{line}} already ended it ({{library}}).",
    },
    languages: ['js/js'],
  },
  create(context) {
    const sourceCode = context.sourceCode;
    const text = (node: TSESTree.Node): string => sourceCode.getText(node);

    const reportScopedDestroy = (found: ScopedDestroy): void => {
      const using = found.owner.scoping === 'using';
      const who = using ? `'using ${found.owner.name}'` : 'withArena';
      const statement = found.statement;
      const remove = statement
        ? (fixer: TSESLint.RuleFixer): TSESLint.RuleFix => fixer.removeRange(removalRange(sourceCode, statement))
        : null;
      context.report({
        node: found.destroy.call,
        messageId: 'scopedDestroy',
        data: {
          owner: found.owner.name,
          how: using ? 'a `using` arena, disposed when its block exits' : 'owned by withArena, which destroys it when the callback returns',
        },
        fix: found.removable ? remove : null,
        suggest: !found.removable && remove ? [{ messageId: 'removeDestroy', data: { who }, fix: remove }] : [],
      });
    };

    return useOwnership(context, (model, paths) => {
      for (const { free, actualOwner } of findForeignFrees(model)) {
        const data = {
          arg: text(free.argument!),
          owner: actualOwner.name,
          kind: OWNER_WORDS[actualOwner.kind],
          call: text(free.call.callee),
        };
        if (free.owner.protocol.origin !== 'runtime' && actualOwner.kind !== 'arena') {
          context.report({ node: free.argument!, messageId: 'foreignRelease', data: { ...data, library: free.owner.protocol.name } });
          continue;
        }
        context.report({ node: free.argument!, messageId: actualOwner.kind === 'arena' ? 'arenaMemoryFreed' : 'foreignFree', data });
      }
      for (const found of findScopedDestroys(model, paths)) reportScopedDestroy(found);
      for (const { first, second } of findDoubleFrees(model, paths)) {
        const protocol = second.owner.protocol;
        context.report({
          node: second.call,
          messageId: protocol.origin === 'runtime' ? 'doubleFree' : 'doubleRelease',
          data: {
            arg: text(second.argument!),
            call: text(second.call.callee),
            first: text(first.call.callee),
            line: first.call.loc.start.line,
            library: protocol.name,
          },
        });
      }
      for (const { owner, first, second } of findDoubleDestroys(model, paths)) {
        const described = owner.protocol.origin !== 'runtime';
        context.report({
          node: second.call,
          messageId: described ? 'doubleEnd' : 'doubleDestroy',
          data: { owner: owner.name, line: first.call.loc.start.line, library: owner.protocol.name },
        });
      }
    });
  },
});
