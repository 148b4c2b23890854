/**
 * Code path queries over ESLint's code path analysis (ESLint 9/10 events).
 *
 * Usage: create one index per rule invocation (optionally restricted to the nodes you will query),
 * merge its listeners in FIRST, query later.
 *
 * ```ts
 * const paths = new CodePathIndex();
 * return mergeListeners(paths.listeners, {
 *   'Program:exit'() {
 *     paths.isReachableFrom(resetCall, use);                          // (a)
 *     paths.isReachableFrom(resetCall, use, { avoiding: [reassign] }); // (a) with kill nodes
 *     paths.everyPathPassesThrough(createCall, destroyCalls);         // (b)
 *     paths.reachableAmong(resetCall, uses, { avoiding });             // (a) for many targets at once
 *     paths.reachesThrough(write, resetCalls, uses, { avoiding });     // write -> some reset -> use
 *   },
 * });
 * ```
 *
 * Model: every indexed node gets one *point* per code path segment that is current when the node
 * is evaluated, plus a global order number (traversal order = evaluation order inside a segment,
 * because a segment is straight-line code). A node evaluated in a `finally` block can be in several
 * segments at once (normal and abrupt completion paths), hence several points.
 *
 * Indexed nodes ({@link INDEXED_NODE_TYPES}) and when they count as evaluated:
 * - `Identifier`, `ThisExpression`: on entry (a read or write of the name);
 * - calls, `new`, `await`, `yield`, member accesses, assignments, updates, `VariableDeclarator`,
 *   `return`, `throw`: on exit, i.e. after their operands. So in `free(h)` the read of `h` comes
 *   before the call, and in `h = arena.bytes(h)` the read of `h` comes before the assignment.
 * - functions: on exit, in the *enclosing* code path (a function expression is evaluated where
 *   it appears; its body is its own code path).
 * Querying a node of another type throws, so a missing index entry cannot silently answer "no".
 *
 * Queries only relate nodes of the same code path (function); nodes in different functions are
 * never reachable from each other (the analysis is intra-procedural). Points in unreachable code
 * are never reached and never start a path. Loops are followed (back edges are ordinary
 * `nextSegments`), so a node earlier in a loop body is reachable from a later one.
 *
 * Call queries after both nodes were traversed and the function's code path has ended, e.g. in
 * `Program:exit` or in your own `onCodePathEnd` (which runs after the index's when merged after it).
 */

import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

type CodePath = TSESLint.CodePath;
type CodePathSegment = TSESLint.CodePathSegment;

export interface CodePathPoint {
  readonly codePath: CodePath;
  readonly segment: CodePathSegment;
  /** Global evaluation order; meaningful between points of the same segment. */
  readonly order: number;
}

/** Node types that get points when the index's listeners run. */
export const INDEXED_NODE_TYPES: ReadonlySet<string> = new Set([
  'Identifier',
  'ThisExpression',
  'CallExpression',
  'NewExpression',
  'AwaitExpression',
  'YieldExpression',
  'MemberExpression',
  'AssignmentExpression',
  'UpdateExpression',
  'VariableDeclarator',
  'ReturnStatement',
  'ThrowStatement',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'FunctionDeclaration',
]);

export interface ReachabilityOptions {
  /** Paths through any of these nodes are cut at that node (kill set, e.g. a reassignment). */
  readonly avoiding?: Iterable<TSESTree.Node> | NodeGroup;
}

/** A point of a {@link NodeGroup}: one node evaluated in one segment. */
interface GroupPoint {
  readonly order: number;
  readonly node: TSESTree.Node;
}

/**
 * Nodes prepared once for many queries (from {@link CodePathIndex.group}): their reachable points
 * by code path and segment. Queries that share a via or kill set (every reset of one arena, every
 * write of one variable) pass the same group, so the set is not regrouped per query.
 */
export class NodeGroup {
  /** @internal Reachable points per code path, then per segment, in evaluation order. */
  readonly byPath = new Map<CodePath, Map<CodePathSegment, GroupPoint[]>>();
  /** @internal All segments of every code path, for lookups that do not know the path. */
  readonly bySegment = new Map<CodePathSegment, GroupPoint[]>();
  /** How many of the nodes have a reachable point. */
  size = 0;
}

/**
 * One question of {@link CodePathIndex.reachedThroughAll}: which `targets` a path `from` -> a node
 * of `via` -> target reaches without passing a node of `avoiding` (`via` null: no middle node).
 */
export interface ThroughQuery {
  readonly from: TSESTree.Node;
  readonly via: NodeGroup | null;
  readonly targets: readonly TSESTree.Node[];
  readonly avoiding: NodeGroup;
}

export type ExitKind = 'return' | 'throw';

export interface PassThroughOptions {
  /** Which function exits count (default both: falling off the end / `return`, and `throw`). */
  readonly exits?: readonly ExitKind[];
}

interface Frame {
  readonly codePath: CodePath;
  readonly current: Set<CodePathSegment>;
  /** `current` as an array, shared by every node recorded until the segments change. */
  snapshot: readonly CodePathSegment[] | null;
}

/** What is stored per node: cheap to record (one object), expanded to points on query. */
interface Entry {
  readonly codePath: CodePath;
  readonly segments: readonly CodePathSegment[];
  readonly order: number;
}

/** Parents under which an Identifier is a name, not a value read or write (never queried). */
const NAME_ONLY_PARENTS: ReadonlySet<string> = new Set([
  'TSTypeReference',
  'TSQualifiedName',
  'TSTypeParameter',
  'TSPropertySignature',
  'TSInterfaceDeclaration',
  'TSTypeAliasDeclaration',
  'TSInterfaceHeritage',
  'TSEnumMember',
  'TSModuleDeclaration',
  'TSMethodSignature',
  'ImportSpecifier',
  'ImportDefaultSpecifier',
  'ImportNamespaceSpecifier',
  'ExportSpecifier',
  'LabeledStatement',
  'BreakStatement',
  'ContinueStatement',
]);

type LooseListener = (...args: never[]) => void;

/**
 * Combines listener objects: for a key present in several, all run in argument order.
 * Put the {@link CodePathIndex} listeners first so points exist when your listeners query.
 */
export function mergeListeners(...listenerObjects: readonly TSESLint.RuleListener[]): TSESLint.RuleListener {
  const merged: Record<string, LooseListener[]> = {};
  for (const listeners of listenerObjects) {
    for (const [key, listener] of Object.entries(listeners)) {
      if (typeof listener !== 'function') continue;
      (merged[key] ??= []).push(listener);
    }
  }
  const result: Record<string, LooseListener> = {};
  for (const [key, list] of Object.entries(merged)) {
    const [only] = list;
    result[key] =
      list.length === 1 && only
        ? only
        : (...args: never[]) => {
            for (const listener of list) listener(...args);
          };
  }
  return result;
}

const NO_POINTS: readonly CodePathPoint[] = [];

export class CodePathIndex {
  private readonly frames: Frame[] = [];
  private readonly entries = new Map<TSESTree.Node, Entry>();
  private readonly expanded = new Map<TSESTree.Node, readonly CodePathPoint[]>();
  private order = 0;

  /** Listeners that build the index; merge them into the rule's listeners (first). */
  readonly listeners: TSESLint.RuleListener;

  /**
   * @param only When given, only these nodes are recorded and only listeners for their node types
   *   are registered (far fewer calls per file than indexing every node); querying another node
   *   throws. Use it when the nodes to be queried are known before traversal.
   */
  constructor(only?: ReadonlySet<TSESTree.Node>) {
    this.only = only ?? null;
    const types = only ? new Set([...only].map((node) => node.type)) : INDEXED_NODE_TYPES;
    const enter = (segment: CodePathSegment): void => {
      const frame = this.frames[this.frames.length - 1];
      if (!frame) return;
      frame.current.add(segment);
      frame.snapshot = null;
    };
    const leave = (segment: CodePathSegment): void => {
      const frame = this.frames[this.frames.length - 1];
      if (!frame) return;
      frame.current.delete(segment);
      frame.snapshot = null;
    };
    const record = (node: TSESTree.Node): void => this.record(node);
    const recordIdentifier = (node: TSESTree.Identifier): void => {
      if (this.only !== null) {
        if (this.only.has(node)) this.record(node);
        return;
      }
      const parent = node.parent;
      if (parent) {
        if (NAME_ONLY_PARENTS.has(parent.type)) return;
        if (parent.type === 'MemberExpression' && parent.property === node && !parent.computed) return;
        if (
          (parent.type === 'Property' || parent.type === 'PropertyDefinition' || parent.type === 'MethodDefinition') &&
          parent.key === node &&
          !parent.computed &&
          !(parent.type === 'Property' && parent.shorthand)
        ) {
          return;
        }
      }
      this.record(node);
    };
    const listeners: Record<string, LooseListener> = {
      onCodePathStart: ((codePath: CodePath) => {
        this.frames.push({ codePath, current: new Set(), snapshot: null });
      }),
      onCodePathEnd: (() => {
        this.frames.pop();
      }),
      onCodePathSegmentStart: enter,
      onCodePathSegmentEnd: leave,
      onUnreachableCodePathSegmentStart: enter,
      onUnreachableCodePathSegmentEnd: leave,
    };
    if (types.has('Identifier')) listeners['Identifier'] = recordIdentifier;
    if (types.has('ThisExpression')) listeners['ThisExpression'] = record;
    for (const type of INDEXED_NODE_TYPES) {
      if (type === 'Identifier' || type === 'ThisExpression' || !types.has(type)) continue;
      listeners[`${type}:exit`] = record;
    }
    // A function node's exit fires while its own code path is still on the stack (the path ends
    // right after the exit listeners), so it is recorded in the enclosing frame instead.
    for (const type of ['FunctionExpression', 'ArrowFunctionExpression', 'FunctionDeclaration']) {
      if (types.has(type)) listeners[`${type}:exit`] = ((node: TSESTree.Node) => this.record(node, 1));
    }
    this.listeners = listeners;
  }

  private only: ReadonlySet<TSESTree.Node> | null;

  /**
   * Records only these nodes from now on (call before traversal, e.g. in a `Program` listener, once
   * the nodes that will be queried are known); queries about other nodes then throw. Listeners stay
   * registered for every indexed type; pass the set to the constructor instead when it is known
   * at rule creation, so that only the needed listeners are registered.
   */
  restrictTo(nodes: ReadonlySet<TSESTree.Node>): void {
    this.only = nodes;
  }

  private record(node: TSESTree.Node, framesUp = 0): void {
    if (this.only !== null && !this.only.has(node)) return;
    const frame = this.frames[this.frames.length - 1 - framesUp];
    if (!frame) return;
    frame.snapshot ??= [...frame.current];
    this.entries.set(node, { codePath: frame.codePath, segments: frame.snapshot, order: ++this.order });
  }

  /**
   * The node's points (empty when it was in no segment, e.g. not yet traversed). Identifiers that
   * are only names (member properties, type names, import/export specifiers, labels) have none.
   */
  pointsOf(node: TSESTree.Node): readonly CodePathPoint[] {
    if (!INDEXED_NODE_TYPES.has(node.type)) {
      throw new Error(`CodePathIndex: ${node.type} nodes are not indexed (indexed: ${[...INDEXED_NODE_TYPES].join(', ')})`);
    }
    const cached = this.expanded.get(node);
    if (cached) return cached;
    if (this.only !== null && !this.only.has(node)) {
      throw new Error(`CodePathIndex: this ${node.type} was not recorded (the index is restricted to the nodes given to restrictTo)`);
    }
    const entry = this.entries.get(node);
    if (!entry) return NO_POINTS;
    const points = entry.segments.map((segment) => ({ codePath: entry.codePath, segment, order: entry.order }));
    this.expanded.set(node, points);
    return points;
  }

  /** The code path (function) the node is evaluated in, or null if not traversed. */
  codePathOf(node: TSESTree.Node): CodePath | null {
    return this.pointsOf(node)[0]?.codePath ?? null;
  }

  /** Whether the node is evaluated on at least one reachable path. */
  isReachable(node: TSESTree.Node): boolean {
    return this.pointsOf(node).some((point) => point.segment.reachable);
  }

  /**
   * (a) Whether some execution path evaluates `from` and later `to` (loops included; a node is
   * reachable from itself only around a loop), without passing a node of `options.avoiding`.
   */
  isReachableFrom(from: TSESTree.Node, to: TSESTree.Node, options: ReachabilityOptions = {}): boolean {
    const targets = groupBySegment(this.reachablePoints(to));
    if (targets.size === 0) return false;
    const kills = groupBySegment(this.killPoints(options.avoiding));
    return this.search(from, kills, (segment, after, before) =>
      (targets.get(segment) ?? []).some((order) => order > after && order < before),
    );
  }

  /**
   * (b) Whether every path from `from` to an exit of its function (end of body, `return`,
   * `throw`) evaluates one of `through` after `from`. Vacuously true when `from` is unreachable
   * or no exit is reachable (an endless loop). Nodes of `through` in other functions never count.
   */
  everyPathPassesThrough(
    from: TSESTree.Node,
    through: Iterable<TSESTree.Node>,
    options: PassThroughOptions = {},
  ): boolean {
    const exits = new Set<ExitKind>(options.exits ?? ['return', 'throw']);
    const kills = groupBySegment(this.killPoints(through));
    const reachesCountedExit = (segment: CodePathSegment, codePath: CodePath): boolean => {
      if (segment.nextSegments.length > 0) return false;
      const thrown = codePath.thrownSegments.includes(segment);
      return thrown ? exits.has('throw') : exits.has('return');
    };
    return !this.search(from, kills, (segment, _after, before, codePath) =>
      before === Infinity && reachesCountedExit(segment, codePath),
    );
  }

  /**
   * (a), batched: which of `targets` some path from `from` reaches (avoiding `options.avoiding`).
   * One forward search, however many targets.
   */
  reachableAmong(from: TSESTree.Node, targets: Iterable<TSESTree.Node>, options: ReachabilityOptions = {}): Set<TSESTree.Node> {
    return new Set(this.reachesThrough(from, null, targets, options).keys());
  }

  /** Prepares `nodes` for use as the `via` or `avoiding` set of many queries. */
  group(nodes: Iterable<TSESTree.Node>): NodeGroup {
    const group = new NodeGroup();
    for (const node of nodes) {
      let counted = false;
      for (const point of this.pointsOf(node)) {
        if (!point.segment.reachable) continue;
        if (!counted) group.size++;
        counted = true;
        let segments = group.byPath.get(point.codePath);
        if (!segments) {
          segments = new Map();
          group.byPath.set(point.codePath, segments);
        }
        const entry = { order: point.order, node };
        const list = segments.get(point.segment);
        if (list) list.push(entry);
        else segments.set(point.segment, [entry]);
        // The lists are shared between both maps: one array per segment.
        if (!list) group.bySegment.set(point.segment, segments.get(point.segment)!);
      }
    }
    return group;
  }

  /**
   * (a) through a middle node, batched: for each of `targets` reached by a path `from` -> one of
   * `via` -> target that passes no node of `options.avoiding`, the first `via` node found on such
   * a path. With `via` null the path needs no middle node. One breadth-first search over
   * (segment, passed-via) states that stops once every target is found, so the cost does not grow
   * with the number of `via` nodes or targets (pass a {@link NodeGroup} for a `via` or `avoiding`
   * set shared by many queries).
   */
  reachesThrough(
    from: TSESTree.Node,
    via: Iterable<TSESTree.Node> | NodeGroup | null,
    targets: Iterable<TSESTree.Node>,
    options: ReachabilityOptions = {},
  ): Map<TSESTree.Node, TSESTree.Node | null> {
    const reached = new Map<TSESTree.Node, TSESTree.Node | null>();
    const targetGroup = this.group(targets);
    const targetPoints = targetGroup.bySegment;
    if (targetPoints.size === 0) return reached;
    const viaPoints = via === null ? null : this.asGroup(via).bySegment;
    const kills = this.asGroup(options.avoiding ?? []).bySegment;
    const firstKill = (segment: CodePathSegment, after: number): number => {
      let first = Infinity;
      for (const { order } of kills.get(segment) ?? []) if (order > after && order < first) first = order;
      return first;
    };
    // Phase 1 (a via node passed, or none needed): collect targets; phase 0: look for a via node.
    const visited: [Set<CodePathSegment>, Set<CodePathSegment>] = [new Set(), new Set()];
    const queue: Array<{ segment: CodePathSegment; phase: 0 | 1; after: number; through: TSESTree.Node | null }> = [];
    const walk = (segment: CodePathSegment, phase: 0 | 1, after: number, through: TSESTree.Node | null): void => {
      const before = firstKill(segment, after);
      if (phase === 1) {
        for (const { order, node } of targetPoints.get(segment) ?? []) {
          if (order > after && order < before && !reached.has(node)) reached.set(node, through);
        }
      } else {
        let first: GroupPoint | null = null;
        for (const candidate of viaPoints?.get(segment) ?? []) {
          if (candidate.order > after && candidate.order < before && (!first || candidate.order < first.order)) first = candidate;
        }
        // Everything reachable from a later via node in this segment is reachable from the first.
        if (first) {
          walk(segment, 1, first.order, first.node);
          return;
        }
      }
      if (before === Infinity) for (const next of segment.nextSegments) queue.push({ segment: next, phase, after: -Infinity, through });
    };
    const starts = this.reachablePoints(from);
    // Only targets in `from`'s function can be reached: once they are all found, the search ends.
    const reachableTargets = new Set<TSESTree.Node>();
    const codePath = starts[0]?.codePath;
    for (const points of (codePath && targetGroup.byPath.get(codePath)?.values()) || []) for (const { node } of points) reachableTargets.add(node);
    for (const start of starts) walk(start.segment, viaPoints ? 0 : 1, start.order, null);
    // Breadth first, so the via node reported is one nearest to `from`, and the search ends as
    // soon as every target is found instead of walking the rest of the function.
    for (let next = 0; next < queue.length && reached.size < reachableTargets.size; next++) {
      const { segment, phase, through } = queue[next]!;
      if (visited[phase].has(segment) || !segment.reachable) continue;
      visited[phase].add(segment);
      walk(segment, phase, -Infinity, through);
    }
    return reached;
  }

  /**
   * Many {@link reachesThrough} questions at once, without the via nodes: for each query, the
   * targets reached. One forward data-flow pass per function over the segments, with two bits
   * per query of that function (reached `from` without a kill since; and passed a via node since),
   * so asking about every write of every handle in a long function costs a few sweeps over its
   * segments instead of one search of the function per write.
   */
  reachedThroughAll(queries: readonly ThroughQuery[]): Array<Set<TSESTree.Node>> {
    const results = queries.map(() => new Set<TSESTree.Node>());
    const byPath = new Map<CodePath, number[]>();
    for (const [index, query] of queries.entries()) {
      if (query.targets.length === 0) continue;
      const start = this.reachablePoints(query.from)[0];
      if (!start) continue;
      const members = byPath.get(start.codePath);
      if (members) members.push(index);
      else byPath.set(start.codePath, [index]);
    }
    for (const [codePath, members] of byPath) this.flowThrough(codePath, members, queries, results);
    return results;
  }

  private flowThrough(codePath: CodePath, members: readonly number[], queries: readonly ThroughQuery[], results: Array<Set<TSESTree.Node>>): void {
    const words = (members.length + 31) >>> 5;
    const ops = new Map<CodePathSegment, FlowOp[]>();
    const addOp = (segment: CodePathSegment, op: FlowOp): void => {
      const list = ops.get(segment);
      if (list) list.push(op);
      else ops.set(segment, [op]);
    };
    // One mask per distinct via / kill group: the bits of the queries that use it.
    const masks = new Map<NodeGroup, { kill: Uint32Array | null; via: Uint32Array | null }>();
    const maskOf = (group: NodeGroup, kind: 'kill' | 'via', bit: number): void => {
      let entry = masks.get(group);
      if (!entry) masks.set(group, (entry = { kill: null, via: null }));
      const mask = (entry[kind] ??= new Uint32Array(words));
      mask[bit >>> 5]! |= 1 << (bit & 31);
    };
    for (const [bit, index] of members.entries()) {
      const query = queries[index]!;
      for (const point of this.reachablePoints(query.from)) {
        addOp(point.segment, { order: point.order, rank: RANK_START, bit, query: index, node: null, mask: null, fires: query.via === null });
      }
      for (const target of query.targets) {
        for (const point of this.reachablePoints(target)) {
          if (point.codePath === codePath) addOp(point.segment, { order: point.order, rank: RANK_TARGET, bit, query: index, node: target, mask: null, fires: false });
        }
      }
      maskOf(query.avoiding, 'kill', bit);
      if (query.via) maskOf(query.via, 'via', bit);
    }
    for (const [group, { kill, via }] of masks) {
      for (const [segment, points] of group.byPath.get(codePath) ?? []) {
        for (const { order } of points) {
          if (kill) addOp(segment, { order, rank: RANK_KILL, bit: 0, query: 0, node: null, mask: kill, fires: false });
          if (via) addOp(segment, { order, rank: RANK_VIA, bit: 0, query: 0, node: null, mask: via, fires: false });
        }
      }
    }
    for (const list of ops.values()) list.sort((a, b) => a.order - b.order || a.rank - b.rank);

    const { segments, indexOf } = this.segmentOrder(codePath);
    const count = segments.length;
    // Per segment, the state on entry: [reached from `from`, passed a via] bits, two arrays per segment.
    const entry: Array<Uint32Array | null> = new Array<Uint32Array | null>(count).fill(null);
    const dirty = new Uint8Array(count);
    for (const segment of ops.keys()) {
      const position = indexOf.get(segment);
      if (position !== undefined) dirty[position] = 1;
    }
    const state = new Uint32Array(2 * words);
    // Sweeps in reverse postorder: one sweep settles code without loops; each back edge that
    // adds a bit asks for one more.
    for (let again = true; again; ) {
      again = false;
      for (let position = 0; position < count; position++) {
        if (dirty[position] === 0) continue;
        dirty[position] = 0;
        const segment = segments[position]!;
        const incoming = entry[position];
        if (incoming) state.set(incoming);
        else state.fill(0);
        for (const op of ops.get(segment) ?? []) applyFlowOp(op, state, words, results);
        for (const next of segment.nextSegments) {
          const nextPosition = indexOf.get(next);
          if (nextPosition === undefined) continue;
          let target = entry[nextPosition];
          if (!target) {
            if (isEmpty(state)) continue;
            entry[nextPosition] = target = new Uint32Array(2 * words);
          }
          if (orInto(target, state)) {
            dirty[nextPosition] = 1;
            if (nextPosition <= position) again = true;
          }
        }
      }
    }
  }

  private readonly segmentOrders = new Map<CodePath, { segments: CodePathSegment[]; indexOf: Map<CodePathSegment, number> }>();

  /** The reachable segments of a code path in reverse postorder (predecessors first, back edges aside). */
  private segmentOrder(codePath: CodePath): { segments: CodePathSegment[]; indexOf: Map<CodePathSegment, number> } {
    const cached = this.segmentOrders.get(codePath);
    if (cached) return cached;
    const postorder: CodePathSegment[] = [];
    const seen = new Set<CodePathSegment>();
    // Iterative depth-first search: a long function has thousands of segments in a chain.
    const stack: Array<{ segment: CodePathSegment; next: number }> = [];
    const visit = (segment: CodePathSegment): void => {
      if (seen.has(segment) || !segment.reachable) return;
      seen.add(segment);
      stack.push({ segment, next: 0 });
    };
    visit(codePath.initialSegment);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const child = top.segment.nextSegments[top.next++];
      if (child) visit(child);
      else postorder.push(stack.pop()!.segment);
    }
    const segments = postorder.reverse();
    const result = { segments, indexOf: new Map(segments.map((segment, position) => [segment, position])) };
    this.segmentOrders.set(codePath, result);
    return result;
  }

  private asGroup(nodes: Iterable<TSESTree.Node> | NodeGroup): NodeGroup {
    return nodes instanceof NodeGroup ? nodes : this.group(nodes);
  }

  /** `from`'s reachable points; the search walks forward from them, stopping at kill points. */
  private search(
    from: TSESTree.Node,
    kills: ReadonlyMap<CodePathSegment, readonly number[]>,
    found: (segment: CodePathSegment, after: number, before: number, codePath: CodePath) => boolean,
  ): boolean {
    const firstKill = (segment: CodePathSegment, after: number): number => {
      let first = Infinity;
      for (const order of kills.get(segment) ?? []) if (order > after && order < first) first = order;
      return first;
    };
    const visited = new Set<CodePathSegment>();
    const queue: Array<{ segment: CodePathSegment; codePath: CodePath }> = [];
    for (const start of this.reachablePoints(from)) {
      const before = firstKill(start.segment, start.order);
      if (found(start.segment, start.order, before, start.codePath)) return true;
      if (before === Infinity) {
        for (const next of start.segment.nextSegments) queue.push({ segment: next, codePath: start.codePath });
      }
    }
    // Segments entered from their beginning; the start segment may be re-entered around a loop.
    while (queue.length > 0) {
      const { segment, codePath } = queue.pop()!;
      if (visited.has(segment) || !segment.reachable) continue;
      visited.add(segment);
      const before = firstKill(segment, -Infinity);
      if (found(segment, -Infinity, before, codePath)) return true;
      if (before === Infinity) for (const next of segment.nextSegments) queue.push({ segment: next, codePath });
    }
    return false;
  }

  private reachablePoints(node: TSESTree.Node): CodePathPoint[] {
    return this.pointsOf(node).filter((point) => point.segment.reachable);
  }

  private killPoints(nodes: Iterable<TSESTree.Node> | NodeGroup | undefined): CodePathPoint[] {
    const result: CodePathPoint[] = [];
    if (nodes instanceof NodeGroup) {
      for (const [codePath, segments] of nodes.byPath) {
        for (const [segment, points] of segments) for (const { order } of points) result.push({ codePath, segment, order });
      }
    } else if (nodes) {
      for (const node of nodes) result.push(...this.reachablePoints(node));
    }
    return result;
  }
}

// Ranks of the operations at one point, in the order they apply. A target is checked before a
// kill or via node at the same point counts, and a query's start comes last, as in the searches:
// a path begins strictly after `from`, a target must come strictly after a via node, and a kill
// at the target's own point cuts it.
const RANK_TARGET = 0;
const RANK_KILL = 1;
const RANK_VIA = 2;
const RANK_START = 3;

interface FlowOp {
  readonly order: number;
  readonly rank: number;
  /** The query's bit within its function (target, start). */
  readonly bit: number;
  /** The query's index in the caller's list (target, start). */
  readonly query: number;
  /** The target node (target). */
  readonly node: TSESTree.Node | null;
  /** The queries a kill or via node applies to. */
  readonly mask: Uint32Array | null;
  /** A start of a query without via nodes: targets count from here on. */
  readonly fires: boolean;
}

/** `state` holds `words` words of "reached from `from`" bits, then `words` of "passed a via" bits. */
function applyFlowOp(op: FlowOp, state: Uint32Array, words: number, results: Array<Set<TSESTree.Node>>): void {
  const word = op.bit >>> 5;
  const bit = 1 << (op.bit & 31);
  switch (op.rank) {
    case RANK_TARGET:
      if ((state[words + word]! & bit) !== 0) results[op.query]!.add(op.node!);
      return;
    case RANK_KILL: {
      const mask = op.mask!;
      for (let k = 0; k < words; k++) {
        const keep = ~mask[k]!;
        state[k]! &= keep;
        state[words + k]! &= keep;
      }
      return;
    }
    case RANK_VIA: {
      const mask = op.mask!;
      for (let k = 0; k < words; k++) state[words + k]! |= state[k]! & mask[k]!;
      return;
    }
    default:
      state[word]! |= bit;
      if (op.fires) state[words + word]! |= bit;
  }
}

function isEmpty(bits: Uint32Array): boolean {
  for (let k = 0; k < bits.length; k++) if (bits[k] !== 0) return false;
  return true;
}

/** `target |= source`; whether `target` changed. */
function orInto(target: Uint32Array, source: Uint32Array): boolean {
  let changed = false;
  for (let k = 0; k < target.length; k++) {
    // `>>> 0`: `|` yields a signed 32-bit integer, the array holds unsigned ones.
    const merged = (target[k]! | source[k]!) >>> 0;
    if (merged !== target[k]) {
      target[k] = merged;
      changed = true;
    }
  }
  return changed;
}

function groupBySegment(points: readonly CodePathPoint[]): Map<CodePathSegment, number[]> {
  const grouped = new Map<CodePathSegment, number[]>();
  for (const point of points) {
    const orders = grouped.get(point.segment);
    if (orders) orders.push(point.order);
    else grouped.set(point.segment, [point.order]);
  }
  return grouped;
}
