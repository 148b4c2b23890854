// Which memory tag an allocation is probably for, judged by the name of what receives it.
//
// Used by require-alloc-tag's fix. The guess works on whole words of identifiers (camelCase,
// PascalCase, snake_case, kebab-case and digits split words), so `nodes`, `parseBuf`, `EdgeRecord`
// and `edge_list` are recognised while `anode` or `nodeish` are not. When several words name tags,
// the last one wins: in an English compound the head noun comes last (`edgeCache` is a cache).

import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';

import { staticPropertyName } from './allocators.js';

/** The runtime's built-in tags (`MemTag.<name>`) a name can be mapped to. */
export type BuiltInTag = 'General' | 'Edge' | 'Node' | 'Parse' | 'Cbor' | 'Plugin' | 'Cache' | 'Temp';

const TAG_WORDS: ReadonlyMap<string, BuiltInTag> = new Map<string, BuiltInTag>([
  ['edge', 'Edge'],
  ['edges', 'Edge'],
  ['node', 'Node'],
  ['nodes', 'Node'],
  ['parse', 'Parse'],
  ['parser', 'Parse'],
  ['parsed', 'Parse'],
  ['parsing', 'Parse'],
  ['cbor', 'Cbor'],
  ['plugin', 'Plugin'],
  ['plugins', 'Plugin'],
  ['cache', 'Cache'],
  ['caches', 'Cache'],
  ['cached', 'Cache'],
  ['temp', 'Temp'],
  ['temps', 'Temp'],
  ['tmp', 'Temp'],
  ['temporary', 'Temp'],
  ['scratch', 'Temp'],
]);

/** The words an identifier or string is made of, lower-cased: `parseHTTPBuf_v2` -> parse, http, buf, v, 2. */
export function identifierWords(name: string): string[] {
  return (name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? []).map((word) => word.toLowerCase());
}

/** The tag a name suggests (last tag word wins), or null when no word names a tag. */
export function tagOfName(name: string): BuiltInTag | null {
  let found: BuiltInTag | null = null;
  for (const word of identifierWords(name)) found = TAG_WORDS.get(word) ?? found;
  return found;
}

/** Names of the types a type annotation mentions (`EdgeRecord[]`, `Map<K, NodeRef>` …), outermost first. */
function typeNames(type: TSESTree.TypeNode | undefined, out: string[] = []): string[] {
  if (!type) return out;
  switch (type.type) {
    case AST_NODE_TYPES.TSTypeReference: {
      const name = type.typeName;
      if (name.type === AST_NODE_TYPES.Identifier) out.push(name.name);
      else if (name.type === AST_NODE_TYPES.TSQualifiedName) out.push(name.right.name);
      for (const argument of type.typeArguments?.params ?? []) typeNames(argument, out);
      return out;
    }
    case AST_NODE_TYPES.TSArrayType:
      return typeNames(type.elementType, out);
    case AST_NODE_TYPES.TSUnionType:
    case AST_NODE_TYPES.TSIntersectionType:
      for (const member of type.types) typeNames(member, out);
      return out;
    default:
      return out;
  }
}

function tagOfType(annotation: TSESTree.TSTypeAnnotation | undefined): BuiltInTag | null {
  for (const name of typeNames(annotation?.typeAnnotation)) {
    const tag = tagOfName(name);
    if (tag) return tag;
  }
  return null;
}

function nameOfKey(key: TSESTree.Node, computed: boolean): string | null {
  if (!computed && key.type === AST_NODE_TYPES.Identifier) return key.name;
  if (key.type === AST_NODE_TYPES.Literal && typeof key.value === 'string') return key.value;
  if (key.type === AST_NODE_TYPES.PrivateIdentifier) return key.name;
  return null;
}

/** The name an expression stands for: `edges`, `this.edgeList`, `graph.nodes`. */
function nameOfExpression(expression: TSESTree.Node): string | null {
  if (expression.type === AST_NODE_TYPES.Identifier) return expression.name;
  if (expression.type === AST_NODE_TYPES.MemberExpression) {
    if (expression.property.type === AST_NODE_TYPES.PrivateIdentifier) return expression.property.name;
    return staticPropertyName(expression);
  }
  return null;
}

/** Methods that store their argument into the receiver, so the receiver's name describes it. */
const STORING_METHODS: ReadonlySet<string> = new Set(['push', 'unshift', 'add', 'set']);

/** Array methods whose result is made of their callback's return values. */
const MAPPING_METHODS: ReadonlySet<string> = new Set(['map', 'flatMap']);

/** The function's own name: declaration id, `const f = () => …`, method key. */
function nameOfFunction(fn: TSESTree.FunctionLike): string | null {
  if (fn.id) return fn.id.name;
  const parent = fn.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier) return parent.id.name;
  if (
    (parent?.type === AST_NODE_TYPES.MethodDefinition ||
      parent?.type === AST_NODE_TYPES.Property ||
      parent?.type === AST_NODE_TYPES.PropertyDefinition) &&
    parent.key
  ) {
    return nameOfKey(parent.key, parent.computed);
  }
  return null;
}

function enclosingFunction(node: TSESTree.Node): TSESTree.FunctionLike | null {
  for (let current = node.parent; current; current = current.parent) {
    if (
      current.type === AST_NODE_TYPES.FunctionDeclaration ||
      current.type === AST_NODE_TYPES.FunctionExpression ||
      current.type === AST_NODE_TYPES.ArrowFunctionExpression
    ) {
      return current;
    }
  }
  return null;
}

/**
 * The tag suggested by where `expression`'s value goes: the variable, property or parameter it is
 * assigned to (name first, then its type annotation), the collection it is pushed into, or the
 * function it is returned from. Null when nothing there names a tag.
 */
export function inferTagForValue(expression: TSESTree.Expression): BuiltInTag | null {
  let node: TSESTree.Node = expression;
  // Look through wrappers that pass the value on unchanged.
  while (
    node.parent &&
    (node.parent.type === AST_NODE_TYPES.TSAsExpression ||
      node.parent.type === AST_NODE_TYPES.TSNonNullExpression ||
      node.parent.type === AST_NODE_TYPES.TSSatisfiesExpression ||
      node.parent.type === AST_NODE_TYPES.TSTypeAssertion ||
      node.parent.type === AST_NODE_TYPES.ChainExpression ||
      (node.parent.type === AST_NODE_TYPES.ConditionalExpression && node.parent.test !== node) ||
      (node.parent.type === AST_NODE_TYPES.LogicalExpression && node.parent.right === node))
  ) {
    node = node.parent;
  }
  const parent = node.parent;
  if (!parent) return null;
  switch (parent.type) {
    case AST_NODE_TYPES.VariableDeclarator:
      if (parent.init !== node || parent.id.type !== AST_NODE_TYPES.Identifier) return null;
      return tagOfName(parent.id.name) ?? tagOfType(parent.id.typeAnnotation);
    case AST_NODE_TYPES.AssignmentExpression: {
      if (parent.right !== node) return null;
      const name = nameOfExpression(parent.left);
      return name === null ? null : tagOfName(name);
    }
    case AST_NODE_TYPES.AssignmentPattern: {
      if (parent.right !== node || parent.left.type !== AST_NODE_TYPES.Identifier) return null;
      return tagOfName(parent.left.name) ?? tagOfType(parent.left.typeAnnotation);
    }
    case AST_NODE_TYPES.Property: {
      if (parent.value !== node) return null;
      const name = nameOfKey(parent.key, parent.computed);
      return name === null ? null : tagOfName(name);
    }
    case AST_NODE_TYPES.PropertyDefinition: {
      if (parent.value !== node) return null;
      const name = nameOfKey(parent.key, parent.computed);
      return (name === null ? null : tagOfName(name)) ?? tagOfType(parent.typeAnnotation);
    }
    case AST_NODE_TYPES.CallExpression: {
      if (!parent.arguments.includes(node)) return null;
      const callee = parent.callee;
      if (callee.type !== AST_NODE_TYPES.MemberExpression) return null;
      const method = staticPropertyName(callee);
      if (method === null || !STORING_METHODS.has(method)) return null;
      const name = nameOfExpression(callee.object);
      return name === null ? null : tagOfName(name);
    }
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.ArrowFunctionExpression: {
      if (parent.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body !== node) return null;
      const fn = parent.type === AST_NODE_TYPES.ArrowFunctionExpression ? parent : enclosingFunction(parent);
      // `const edges = xs.map((x) => arena.alloc(x))`: the callback's results become the call's.
      const mapping = fn?.parent;
      if (
        mapping?.type === AST_NODE_TYPES.CallExpression &&
        mapping.arguments[0] === fn &&
        mapping.callee.type === AST_NODE_TYPES.MemberExpression &&
        MAPPING_METHODS.has(staticPropertyName(mapping.callee) ?? '')
      ) {
        return inferTagForValue(mapping);
      }
      const name = fn ? nameOfFunction(fn) : null;
      return (name === null ? null : tagOfName(name)) ?? tagOfType(fn?.returnType);
    }
    default:
      return null;
  }
}
