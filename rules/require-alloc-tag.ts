import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import * as ASTUtils from '@typescript-eslint/utils/ast-utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';

import { getAllocatorApi, staticPropertyName, type AllocatorApi, type OwnerKind } from '../src/allocators.js';
import { createRule } from '../src/create-rule.js';
import { unwrapExpression } from '../src/ownership.js';
import { isRuntimeCallee } from '../src/runtime-origin.js';
import { inferTagForValue, tagOfName, type BuiltInTag } from '../src/tag-inference.js';

export type Options = [{ infer?: boolean; allowArenaDefault?: boolean }];
export type MessageIds = 'untaggedAlloc' | 'untaggedAllocTagged' | 'untaggedPool' | 'useTag';

/** Whether an owner's creation sets a default tag: `unknown` when the options are not visible. */
type DefaultTag = 'tagged' | 'untagged' | 'unknown';

interface KnownOwner {
  readonly kind: OwnerKind;
  readonly defaultTag: DefaultTag;
}

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

/** How many `const b = a` hops the resolver follows (guards against cycles in broken code). */
const MAX_ALIAS_DEPTH = 8;

class OwnerResolver {
  constructor(
    private readonly api: AllocatorApi,
    private readonly sourceCode: Readonly<TSESLint.SourceCode>,
  ) {}

  /** The owner an expression certainly denotes, or null when it cannot be told syntactically. */
  ownerOf(expression: TSESTree.Node): KnownOwner | null {
    const node = unwrapExpression(expression);
    if (node.type === AST_NODE_TYPES.CallExpression) return this.ownerOfCreation(node);
    if (node.type === AST_NODE_TYPES.Identifier) return this.ownerOfIdentifier(node);
    if (node.type === AST_NODE_TYPES.MemberExpression && unwrapExpression(node.object).type === AST_NODE_TYPES.ThisExpression) {
      return this.ownerOfThisMember(node);
    }
    return null;
  }

  /** Only owners whose description has `tags: true` (this runtime's): other allocators' `alloc` takes no tag. */
  ownerOfCreation(call: TSESTree.CallExpression): KnownOwner | null {
    const description = this.api.creationOf(call);
    if (!description?.tags || !isRuntimeCallee(call.callee, this.api, this.sourceCode)) return null;
    const kind = description.kind;
    return { kind, defaultTag: defaultTagOfOptions(call, kind) };
  }

  private ownerOfIdentifier(identifier: TSESTree.Identifier, depth = 0): KnownOwner | null {
    const variable = ASTUtils.findVariable(this.sourceCode.getScope(identifier), identifier);
    if (!variable || variable.defs.length !== 1) return null;
    const definition = variable.defs[0]!;
    if (definition.type === 'Variable') {
      // A variable assigned again after its declaration may hold some other owner.
      if (variable.references.some((reference) => reference.isWrite() && !reference.init)) return null;
      const declarator = definition.node;
      if (declarator.id.type !== AST_NODE_TYPES.Identifier) return null;
      const init = declarator.init ? unwrapExpression(declarator.init) : null;
      if (init?.type === AST_NODE_TYPES.CallExpression) {
        const created = this.ownerOfCreation(init);
        if (created) return created;
      }
      // `const b = a`: the same owner (a const alias cannot be pointed elsewhere).
      if (init?.type === AST_NODE_TYPES.Identifier && definition.parent.kind === 'const' && depth < MAX_ALIAS_DEPTH) {
        return this.ownerOfIdentifier(init, depth + 1);
      }
      const annotated = this.api.descriptionOfType(declarator.id.typeAnnotation);
      return annotated?.tags ? { kind: annotated.kind, defaultTag: 'unknown' } : null;
    }
    if (definition.type === 'Parameter') {
      if (variable.references.some((reference) => reference.isWrite() && !reference.init)) return null;
      const parameter = definition.name;
      const fn = definition.node;
      const scopedCall = fn.parent;
      if (
        (fn.type === AST_NODE_TYPES.ArrowFunctionExpression || fn.type === AST_NODE_TYPES.FunctionExpression) &&
        fn.params[0] === parameter &&
        scopedCall?.type === AST_NODE_TYPES.CallExpression &&
        scopedCall.arguments[scopedCall.arguments.length - 1] === fn &&
        this.api.apiOf(scopedCall.callee) === 'withArena' &&
        isRuntimeCallee(scopedCall.callee, this.api, this.sourceCode)
      ) {
        // withArena creates the arena itself, with no default tag.
        return { kind: 'arena', defaultTag: 'untagged' };
      }
      const annotated = this.api.descriptionOfType(parameter.typeAnnotation);
      if (annotated?.tags) return { kind: annotated.kind, defaultTag: 'unknown' };
    }
    return null;
  }

  /** `this.arena` where the class declares `arena = createArena(...)`, `arena: Arena` or a parameter property. */
  private ownerOfThisMember(member: TSESTree.MemberExpression): KnownOwner | null {
    const name =
      member.property.type === AST_NODE_TYPES.PrivateIdentifier ? `#${member.property.name}` : staticPropertyName(member);
    if (name === null) return null;
    const classBody = enclosingClassBody(member);
    if (!classBody) return null;
    for (const element of classBody.body) {
      if (element.type === AST_NODE_TYPES.PropertyDefinition && !element.static) {
        const elementName =
          element.key.type === AST_NODE_TYPES.PrivateIdentifier
            ? `#${element.key.name}`
            : !element.computed && element.key.type === AST_NODE_TYPES.Identifier
              ? element.key.name
              : null;
        if (elementName !== name) continue;
        const value = element.value ? unwrapExpression(element.value) : null;
        if (value?.type === AST_NODE_TYPES.CallExpression) {
          const created = this.ownerOfCreation(value);
          if (created) return created;
        }
        const annotated = this.api.descriptionOfType(element.typeAnnotation);
        return annotated?.tags ? { kind: annotated.kind, defaultTag: 'unknown' } : null;
      }
      if (element.type === AST_NODE_TYPES.MethodDefinition && element.kind === 'constructor') {
        for (const parameter of element.value.params) {
          if (parameter.type !== AST_NODE_TYPES.TSParameterProperty) continue;
          const bound = parameter.parameter;
          if (bound.type === AST_NODE_TYPES.Identifier && bound.name === name) {
            const annotated = this.api.descriptionOfType(bound.typeAnnotation);
            return annotated?.tags ? { kind: annotated.kind, defaultTag: 'unknown' } : null;
          }
        }
      }
    }
    return null;
  }
}

/** The class whose `this` a node sees (arrow functions see through, other functions must be its methods). */
function enclosingClassBody(node: TSESTree.Node): TSESTree.ClassBody | null {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === AST_NODE_TYPES.ArrowFunctionExpression) continue;
    if (current.type === AST_NODE_TYPES.FunctionExpression) {
      const holder = current.parent;
      if (holder?.type !== AST_NODE_TYPES.MethodDefinition) return null;
      return holder.parent.type === AST_NODE_TYPES.ClassBody ? holder.parent : null;
    }
    if (current.type === AST_NODE_TYPES.FunctionDeclaration) return null;
    if (current.type === AST_NODE_TYPES.PropertyDefinition || current.type === AST_NODE_TYPES.StaticBlock) {
      return current.parent.type === AST_NODE_TYPES.ClassBody ? current.parent : null;
    }
  }
  return null;
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
  },
  create(context, [options]) {
    const api = getAllocatorApi(context);
    if (!api.active) return {};
    const infer = options.infer !== false;
    const allowArenaDefault = options.allowArenaDefault !== false;
    const sourceCode = context.sourceCode;
    const owners = new OwnerResolver(api, sourceCode);

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

    function checkArenaAllocation(call: TSESTree.CallExpression, callee: TSESTree.MemberExpression): void {
      const method = staticPropertyName(callee);
      const tagIndex = method === null ? undefined : ARENA_TAG_INDEX.get(method);
      if (tagIndex === undefined || missingTagIndex(call, tagIndex) < 0) return;
      const owner = owners.ownerOf(callee.object);
      if (owner?.kind !== 'arena') return;
      const excused = allowArenaDefault ? owner.defaultTag !== 'untagged' : false;
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

    return {
      CallExpression(call) {
        const callee = unwrapExpression(call.callee);
        // `x.alloc(...)` / `x.allocAligned(...)`: cheap name test first, the receiver only if it matches.
        if (callee.type === AST_NODE_TYPES.MemberExpression) {
          const method = staticPropertyName(callee);
          if (method !== null && ARENA_TAG_INDEX.has(method)) {
            checkArenaAllocation(call, callee);
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
          const created = owners.ownerOfCreation(call);
          if (created) checkPoolCreation(call, created.kind);
        }
      },
    };
  },
});
