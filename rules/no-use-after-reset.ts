import { createRule } from '../src/create-rule.js';
import { findOwnerUsesAfterDestroy, findStaleUses, type StaleUse } from '../src/lifetimes.js';
import { useOwnership } from '../src/ownership.js';

type MessageIds =
  | 'afterReset'
  | 'afterDestroy'
  | 'afterFree'
  | 'afterScope'
  | 'ownerAfterDestroy'
  | 'afterRelease'
  | 'afterReleaseAll'
  | 'afterOwnerEnd'
  | 'ownerAfterEnd';
type Options = [{ checkOwnerCalls?: boolean }];

const KIND_WORDS = { handle: 'handle', view: 'view', object: 'pooled object' } as const;
/** An allocator description's acquisitions, in words. */
const ACQUISITION_WORDS = { handle: 'handle', address: 'address', object: 'object' } as const;

export default createRule<Options, MessageIds>({
  name: 'no-use-after-reset',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow using a handle, view or pooled object after its arena was reset or destroyed, its pool slot was freed, or its withArena call returned',
      recommended: true,
    },
    schema: [
      {
        type: 'object',
        properties: {
          checkOwnerCalls: {
            type: 'boolean',
            description: 'Also report method calls on an arena or pool after its destroy().',
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ checkOwnerCalls: true }],
    messages: {
      afterReset:
        "'{{name}}' is used after '{{call}}()' on line {{line}}: that {{kind}} of '{{owner}}' is stale (reading it throws ERR_USE_AFTER_RESET).",
      afterDestroy:
        "'{{name}}' is used after '{{call}}()' on line {{line}}: that {{kind}} belongs to '{{owner}}', which is destroyed (ERR_ARENA_DESTROYED).",
      afterFree:
        "'{{name}}' is used after '{{call}}()' on line {{line}} freed it: that {{kind}} of '{{owner}}' may already be reused (ERR_USE_AFTER_FREE).",
      afterScope:
        "'{{name}}' is used after the '{{call}}()' call on line {{line}} returned: arena '{{owner}}' was destroyed with that {{kind}}.",
      ownerAfterDestroy: "'{{owner}}.{{method}}()' is called after '{{call}}()' on line {{line}} destroyed '{{owner}}' (ERR_ARENA_DESTROYED).",
      afterRelease:
        "'{{name}}' is used after '{{call}}()' on line {{line}} gave it back to '{{owner}}' ({{library}}): the pool may already have handed that {{kind}} to someone else.",
      afterReleaseAll:
        "'{{name}}' is used after '{{call}}()' on line {{line}} released everything '{{owner}}' ({{library}}) had handed out, this {{kind}} included.",
      afterOwnerEnd: "'{{name}}' is used after '{{call}}()' on line {{line}} ended '{{owner}}' ({{library}}) and every {{kind}} it had handed out.",
      ownerAfterEnd: "'{{owner}}.{{method}}()' is called after '{{call}}()' on line {{line}} ended '{{owner}}' ({{library}}).",
    },
    languages: ['js/js'],
  },
  create(context, [options]) {
    const describe = (use: StaleUse): { messageId: MessageIds; data: Record<string, string | number> } => {
      const protocol = use.value.owner.protocol;
      const described = protocol.origin !== 'runtime';
      const data = {
        name: context.sourceCode.getText(use.expression),
        owner: use.value.owner.name,
        kind: described && use.value.kind !== 'view' ? ACQUISITION_WORDS[protocol.acquisition] : KIND_WORDS[use.value.kind],
        line: use.cause.node.loc.start.line,
        call: context.sourceCode.getText(use.cause.node.callee),
        library: protocol.name,
      };
      if (described) {
        switch (use.cause.kind) {
          case 'free':
            return { messageId: 'afterRelease', data };
          case 'reset':
            return { messageId: 'afterReleaseAll', data };
          case 'destroy':
            return { messageId: 'afterOwnerEnd', data };
          default:
            break;
        }
      }
      switch (use.cause.kind) {
        case 'reset':
          return { messageId: 'afterReset', data };
        case 'destroy':
          return { messageId: 'afterDestroy', data };
        case 'free':
          return { messageId: 'afterFree', data };
        default:
          return { messageId: 'afterScope', data };
      }
    };
    return useOwnership(context, (model, paths) => {
      for (const use of findStaleUses(model, paths)) context.report({ node: use.read, ...describe(use) });
      if (options.checkOwnerCalls === false) return;
      for (const use of findOwnerUsesAfterDestroy(model, paths)) {
        context.report({
          node: use.read,
          messageId: use.owner.protocol.origin === 'runtime' ? 'ownerAfterDestroy' : 'ownerAfterEnd',
          data: {
            owner: context.sourceCode.getText(use.read),
            method: use.method,
            call: context.sourceCode.getText(use.destroy.callee),
            line: use.destroy.loc.start.line,
            library: use.owner.protocol.name,
          },
        });
      }
    });
  },
});
