import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import * as ASTUtils from '@typescript-eslint/utils/ast-utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';

import { getAllocatorApi, staticPropertyName, type OwnerKind } from '../src/allocators.js';
import { mergeListeners } from '../src/code-paths.js';
import { createRule } from '../src/create-rule.js';
import { unwrapExpression, useOwnership, type Owner } from '../src/ownership.js';
import { isRuntimeCallee } from '../src/runtime-origin.js';
import { inferTagForValue, tagOfName, type BuiltInTag } from '../src/tag-inference.js';

export type Options = [{ infer?: boolean; allowArenaDefault?: boolean }];
export type MessageIds = 'untaggedAlloc' | 'untaggedAllocTagged' | 'untaggedPool' | 'useTag';

/** Whether an owner's creation sets a default tag: `unknown` when the options are not visible. */
type DefaultTag = 'tagged' | 'untagged' | 'unknown';

/** Position of the tag argument of each arena allocation method of the runtime. */
const ARENA_TAG_INDEX: ReadonlyMap<string, number> = new Map([
  ['alloc', 1],
  ['allocAligned', 2],
]);
/** Position of the options argument of each creation function. */
const OPTIONS_INDEX: Readonly<Record<OwnerKind, number>> = { arena: 2, pool: 3, objectPool: 3 };
const OWNER_LABEL: Readonly<Record<OwnerKind, string>> = { arena: 'Arena', pool: 'Pool', objectPool: 'Object pool' };

/** `undefined` or `void 0`: an argument that is there but names nothing. */
function isAbsentValue(node: TSESTree.Node): boolean {
  if (node.type === AST_NODE_TYPES.Identifier) return node.name === 'undefined';
  return node.type === AST_NODE_TYPES.UnaryExpression && node.operator === 'void';
}

function keyName(property: TSESTree.Property): string | null {
  if (!property.computed && property.key.type === AST_NODE_TYPES.Identifier) return property.key.name;
  if (property.key.type === AST_NODE_TYPES.Literal && typeof property.key.value === 'string') return property.key.value;
  return null;
}

/** How the options argument of a creation call sets the owner's default tag. */
function defaultTagOfOptions(call: TSESTree.CallExpression, kind: OwnerKind): DefaultTag {
  if (call.arguments.some((argument) => argument.type === AST_NODE_TYPES.SpreadElement)) return 'unknown';
  const options = call.arguments[OPTIONS_INDEX[kind]];
  if (!options || isAbsentValue(options)) return 'untagged';
  if (options.type !== AST_NODE_TYPES.ObjectExpression) return 'unknown';
  for (const property of options.properties) {
    if (property.type === AST_NODE_TYPES.SpreadElement || property.computed) return 'unknown';
    if (keyName(property) === 'tag') return isAbsentValue(property.value) ? 'untagged' : 'tagged';
  }
  return 'untagged';
}

/**
 * The default tag of a model owner: set by its creation's options, none for a `withArena` arena,
 * unknown for one the analysis did not see created (a parameter, a typed value).
 */
function defaultTagOfOwner(owner: Owner): DefaultTag {
  if (owner.scoping === 'withArena') return 'untagged';
  // A variable assigned again after its declaration may hold some other arena.
  if (owner.variables.some((variable) => variable.references.some((reference) => reference.isWrite() && !reference.init))) return 'unknown';
  const creation = owner.creation;
  if (creation?.type !== AST_NODE_TYPES.CallExpression || owner.kind === 'tagged') return 'unknown';
  return defaultTagOfOptions(creation, owner.kind);
}

export default createRule<Options, MessageIds>({
  name: 'require-alloc-tag',
  meta: {
    type: 'suggestion',
    docs: {
      description: 'Require every allocation to name the memory tag it is charged to',
      recommended: true,
    },
    fixable: 'code',
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        properties: {
          infer: {
            type: 'boolean',
            description: 'Autofix with a tag guessed from the target name or type (false: offer suggestions instead).',
          },
          allowArenaDefault: {
            type: 'boolean',
            description: 'Accept untagged allocations from an arena created with a `tag` option.',
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ infer: true, allowArenaDefault: true }],
    messages: {
      untaggedAlloc:
        "`{{method}}()` on arena '{{owner}}' names no tag, so its bytes are charged to a catch-all tag in getStats(); pass one, e.g. `{{tag}}`.",
      untaggedAllocTagged:
        '`allocTagged()` is called without a tag, so its bytes are charged to MemTag.General in getStats(); pass one, e.g. `{{tag}}`.',
      untaggedPool:
        "{{kind}} '{{owner}}' is created without a `tag` option, so every slot it hands out is charged to MemTag.General; add `tag: {{tag}}`.",
      useTag: 'Tag it `{{tag}}`.',
    },
    languages: ['js/js'],
  },
  create(context, [options]) {
    const api = getAllocatorApi(context);
    if (!api.active) return {};
    const infer = options.infer !== false;
    const allowArenaDefault = options.allowArenaDefault !== false;
    const sourceCode = context.sourceCode;
    /** Only this runtime's creations: other allocators' `alloc` takes no tag. */
    const runtimeCreationKind = (call: TSESTree.CallExpression): OwnerKind | null => {
      const description = api.creationOf(call);
      return description?.tags && isRuntimeCallee(call.callee, api, sourceCode) ? description.kind : null;
    };

    /** How to spell the tag at `node`, plus the import edit it needs; null when it cannot be named safely. */
    function tagSpelling(node: TSESTree.Node, tag: BuiltInTag): { text: string; importFix: ((fixer: TSESLint.RuleFixer) => TSESLint.RuleFix) | null } | null {
      const reference = api.memTagReference();
      if (reference !== null) return { text: `${reference}.${tag}`, importFix: null };
      // Something else is already called MemTag here: adding the import would clash with it.
      if (ASTUtils.findVariable(sourceCode.getScope(node), 'MemTag')) return null;
      const declaration = api.runtimeImport();
      if (!declaration) return null;
      const named = declaration.specifiers.filter(
        (specifier): specifier is TSESTree.ImportSpecifier => specifier.type === AST_NODE_TYPES.ImportSpecifier,
      );
      const last = named[named.length - 1];
      const importFix =
        declaration.importKind !== 'type' && last
          ? (fixer: TSESLint.RuleFixer) => fixer.insertTextAfter(last, ', MemTag')
          : (fixer: TSESLint.RuleFixer) =>
              fixer.insertTextAfter(declaration, `\nimport { MemTag } from ${declaration.source.raw};`);
      return { text: `MemTag.${tag}`, importFix };
    }

    function report(
      node: TSESTree.CallExpression,
      messageId: Exclude<MessageIds, 'useTag'>,
      data: Record<string, string>,
      inferred: BuiltInTag | null,
      edit: (fixer: TSESLint.RuleFixer, tagText: string) => TSESLint.RuleFix,
    ): void {
      const fixFor = (tag: BuiltInTag): TSESLint.ReportFixFunction | null => {
        const spelling = tagSpelling(node, tag);
        if (!spelling) return null;
        return (fixer) => {
          const fixes = [edit(fixer, spelling.text)];
          if (spelling.importFix) fixes.push(spelling.importFix(fixer));
          return fixes;
        };
      };
      const shown = tagSpelling(node, inferred ?? 'General')?.text ?? `MemTag.${inferred ?? 'General'}`;
      if (infer) {
        context.report({ node, messageId, data: { ...data, tag: shown }, fix: fixFor(inferred ?? 'General') });
        return;
      }
      const candidates: BuiltInTag[] = inferred && inferred !== 'General' ? [inferred, 'General'] : ['General'];
      const suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
      for (const tag of candidates) {
        const fix = fixFor(tag);
        const text = tagSpelling(node, tag)?.text;
        if (fix && text) suggest.push({ messageId: 'useTag', data: { tag: text }, fix });
      }
      context.report({ node, messageId, data: { ...data, tag: shown }, suggest });
    }

    /** Adds the tag as argument `index`: appended, or replacing an explicit `undefined`. */
    function tagArgumentEdit(call: TSESTree.CallExpression, index: number) {
      return (fixer: TSESLint.RuleFixer, tagText: string): TSESLint.RuleFix => {
        const existing = call.arguments[index];
        if (existing) return fixer.replaceText(existing, tagText);
        return fixer.insertTextAfter(call.arguments[index - 1]!, `, ${tagText}`);
      };
    }

    /** Index of a missing tag argument, or -1 when the tag is there or the call is not checkable. */
    function missingTagIndex(call: TSESTree.CallExpression, index: number): number {
      if (call.arguments.some((argument) => argument.type === AST_NODE_TYPES.SpreadElement)) return -1;
      if (call.arguments.length < index) return -1; // earlier required arguments are missing: not our concern
      const tag = call.arguments[index];
      return !tag || isAbsentValue(tag) ? index : -1;
    }

    /** An allocation by an arena of this runtime whose creation sets `defaultTag`. */
    function checkArenaAllocation(call: TSESTree.CallExpression, defaultTag: DefaultTag): void {
      const callee = unwrapExpression(call.callee);
      if (callee.type !== AST_NODE_TYPES.MemberExpression) return;
      const method = staticPropertyName(callee);
      const tagIndex = method === null ? undefined : ARENA_TAG_INDEX.get(method);
      if (tagIndex === undefined || missingTagIndex(call, tagIndex) < 0) return;
      const excused = allowArenaDefault ? defaultTag !== 'untagged' : false;
      if (excused) return;
      report(
        call,
        'untaggedAlloc',
        { method: method!, owner: sourceCode.getText(callee.object) },
        inferTagForValue(call),
        tagArgumentEdit(call, tagIndex),
      );
    }

    function checkPoolCreation(call: TSESTree.CallExpression, kind: OwnerKind): void {
      if (kind === 'arena' || defaultTagOfOptions(call, kind) !== 'untagged') return;
      const optionsIndex = OPTIONS_INDEX[kind];
      if (call.arguments.length < optionsIndex) return;
      const nameArgument = call.arguments[optionsIndex - 1];
      const poolName =
        nameArgument?.type === AST_NODE_TYPES.Literal && typeof nameArgument.value === 'string' ? nameArgument.value : null;
      const inferred = inferTagForValue(call) ?? (poolName === null ? null : tagOfName(poolName));
      const declarator = call.parent.type === AST_NODE_TYPES.VariableDeclarator ? call.parent.id : null;
      const owner =
        declarator?.type === AST_NODE_TYPES.Identifier ? declarator.name : (poolName ?? sourceCode.getText(call.callee));
      report(call, 'untaggedPool', { kind: OWNER_LABEL[kind], owner }, inferred, (fixer, tagText) => {
        const options = call.arguments[optionsIndex];
        if (!options) return fixer.insertTextAfter(call.arguments[optionsIndex - 1]!, `, { tag: ${tagText} }`);
        if (options.type === AST_NODE_TYPES.ObjectExpression) {
          const tagProperty = options.properties.find(
            (property): property is TSESTree.Property =>
              property.type === AST_NODE_TYPES.Property && keyName(property) === 'tag',
          );
          if (tagProperty) return fixer.replaceText(tagProperty.value, tagText);
          const first = options.properties[0];
          return first
            ? fixer.insertTextBefore(first, `tag: ${tagText}, `)
            : fixer.replaceText(options, `{ tag: ${tagText} }`);
        }
        return fixer.replaceText(options, `{ tag: ${tagText} }`);
      });
    }

    // Arena allocations come from the shared ownership model (owners in variables, aliases, fields
    // set in a field initializer or the constructor, withArena callbacks, annotated parameters).
    const fromModel = useOwnership(context, (model) => {
      const checked = new Set<TSESTree.CallExpression>();
      for (const owner of model.owners) {
        if (owner.kind !== 'arena' || !owner.protocol.tags) continue;
        // An arena made by a factory that is not this runtime's (a local `createArena`) stays unchecked.
        if (owner.creation?.type === AST_NODE_TYPES.CallExpression && runtimeCreationKind(owner.creation) === null) continue;
        const defaultTag = defaultTagOfOwner(owner);
        for (const { name, call } of owner.methodCalls) {
          if (!ARENA_TAG_INDEX.has(name) || checked.has(call)) continue;
          checked.add(call);
          checkArenaAllocation(call, defaultTag);
        }
      }
    });

    return mergeListeners(fromModel, {
      CallExpression(call) {
        // `createArena(...).alloc(...)`: an arena no variable holds, so not in the model.
        const callee = unwrapExpression(call.callee);
        if (callee.type === AST_NODE_TYPES.MemberExpression) {
          const receiver = unwrapExpression(callee.object);
          if (receiver.type === AST_NODE_TYPES.CallExpression && runtimeCreationKind(receiver) === 'arena') {
            checkArenaAllocation(call, defaultTagOfOptions(receiver, 'arena'));
            return;
          }
        }
        const apiName = api.apiOf(call.callee);
        if (apiName === null) return;
        if (apiName === 'allocTagged') {
          if (missingTagIndex(call, 1) < 0 || !isRuntimeCallee(call.callee, api, sourceCode)) return;
          report(call, 'untaggedAllocTagged', {}, inferTagForValue(call), tagArgumentEdit(call, 1));
          return;
        }
        if (apiName === 'createPool' || apiName === 'createObjectPool') {
          const kind = runtimeCreationKind(call);
          if (kind) checkPoolCreation(call, kind);
        }
      },
    });
  },
});
