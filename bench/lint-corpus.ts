// A generator of varied, real-world-style TypeScript for the crash test (test/crash.test.ts) and
// the lint benchmark (bench/lint.bench.ts). The output is deterministic for a given seed and size,
// always parses, and mixes ordinary application code (classes, generics, decorators, enums,
// namespaces, overloads, async generators, `using`) with code that uses the arena runtime through
// every import style the rules resolve.

import { seededRandom } from 'eslint-plugin-arena/testing';

/** One generated source file. */
export interface CorpusFile {
  readonly filename: string;
  readonly code: string;
}

export interface CorpusOptions {
  /** Minimum total number of lines across all files. */
  readonly lines: number;
  /** Lines per file, roughly (files end on a snippet boundary). Default 400. */
  readonly linesPerFile?: number;
  /** PRNG seed; the same seed gives the same corpus. Default 1. */
  readonly seed?: number;
  /**
   * Share of files (0..1) that import the arena runtime, default 0.3. Half the snippets of such a
   * file use arenas; the other files are plain TypeScript with no allocator import, as in a real
   * code base where a few modules manage memory.
   */
  readonly arenaShare?: number;
}

type Snippet = (id: number) => string;

const plainSnippets: readonly Snippet[] = [
  (i) => `
export enum Color${i} { Red = 'red', Green = 'green', Blue = 'blue' }
export const enum Flag${i} { None = 0, A = 1 << 0, B = 1 << 1, AB = A | B }
export function describeColor${i}(color: Color${i}): string {
  switch (color) {
    case Color${i}.Red:
      return 'warm';
    case Color${i}.Green:
    case Color${i}.Blue:
      return 'cool';
    default: {
      const exhaustive: never = color;
      return exhaustive;
    }
  }
}`,
  (i) => `
export interface Repository${i}<T extends { id: string }> {
  find(id: string): Promise<T | undefined>;
  save(entity: T): Promise<void>;
}
export class MemoryRepository${i}<T extends { id: string }> implements Repository${i}<T> {
  readonly #items = new Map<string, T>();
  static #instances = 0;
  static {
    MemoryRepository${i}.#instances = 0;
  }
  constructor(private readonly label: string = 'repo-${i}') {
    MemoryRepository${i}.#instances += 1;
  }
  async find(id: string): Promise<T | undefined> {
    return this.#items.get(id);
  }
  async save(entity: T): Promise<void> {
    this.#items.set(entity.id, entity);
  }
  get size(): number {
    return this.#items.size;
  }
  set size(_value: number) {
    throw new Error(\`\${this.label}: size is read-only\`);
  }
}`,
  (i) => `
function logged${i}<This, Args extends unknown[], R>(
  target: (this: This, ...args: Args) => R,
  context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
): (this: This, ...args: Args) => R {
  const name = String(context.name);
  return function (this: This, ...args: Args): R {
    const result = target.call(this, ...args);
    if (name.length > 100) console.log(name, result);
    return result;
  };
}
export class Service${i} {
  @logged${i}
  compute(a: number, b = 2): number {
    return a ** b;
  }
  accessor retries = 3;
}`,
  (i) => `
export namespace Geometry${i} {
  export interface Point { readonly x: number; readonly y: number }
  export const origin: Point = { x: 0, y: 0 };
  export function distance(a: Point, b: Point = origin): number {
    return Math.hypot(a.x - b.x, a.y - b.y);
  }
  export namespace Inner {
    export type Pair = readonly [Point, Point];
    export const length = ([a, b]: Pair): number => distance(a, b);
  }
}
declare module 'virtual-module-${i}' {
  export const value: number;
}`,
  (i) => `
export function parse${i}(input: string): number;
export function parse${i}(input: string[]): number[];
export function parse${i}(input: string | string[]): number | number[] {
  return Array.isArray(input) ? input.map((item) => Number.parseInt(item, 10)) : Number.parseInt(input, 10);
}
export type Unwrap${i}<T> = T extends Promise<infer U> ? Unwrap${i}<U> : T;
export type Mutable${i}<T> = { -readonly [K in keyof T]: T[K] };
export type EventName${i}<T extends string> = \`on\${Capitalize<T>}\`;
export const config${i} = { retries: 3, mode: 'fast' } as const satisfies Record<string, string | number>;`,
  (i) => `
export async function* paginate${i}<T>(fetchPage: (cursor?: string) => Promise<{ items: T[]; next?: string }>) {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    for (const item of page.items) yield item;
    cursor = page.next;
  } while (cursor !== undefined);
}
export async function collect${i}<T>(source: AsyncIterable<T>, limit = 10): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) {
    if (out.length >= limit) break;
    out.push(item);
  }
  return out;
}`,
  (i) => `
class Resource${i} implements Disposable {
  closed = false;
  [Symbol.dispose](): void {
    this.closed = true;
  }
}
export function withResource${i}(flag: boolean): boolean {
  using resource = new Resource${i}();
  if (flag) {
    using inner = new Resource${i}();
    return inner.closed || resource.closed;
  }
  return resource.closed;
}`,
  (i) => `
export abstract class Shape${i} {
  abstract area(): number;
  protected constructor(public readonly name: string) {}
  toString(): string {
    return \`\${this.name}(\${this.area().toFixed(2)})\`;
  }
}
export class Circle${i} extends Shape${i} {
  constructor(private readonly radius: number) {
    super('circle');
  }
  override area(): number {
    return Math.PI * this.radius ** 2;
  }
}
export function assertShape${i}(value: unknown): asserts value is Shape${i} {
  if (!(value instanceof Shape${i})) throw new TypeError('not a shape');
}`,
  (i) => `
export function tally${i}(words: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  outer: for (const word of words) {
    for (const ch of word) {
      if (ch === '#') continue outer;
    }
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  let i = 0;
  while (i < 3) i++;
  const { size, ...rest } = { size: counts.size, extra: 1 };
  void rest;
  return size > 0 ? counts : new Map();
}`,
  (i) => `
export async function retry${i}<T>(operation: () => Promise<T>, attempts = 3): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await operation();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 2 ** attempt));
    } finally {
      if (attempt === attempts - 1) console.debug('retry exhausted');
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}`,
  (i) => `
const sym${i}: unique symbol = Symbol('s${i}');
export interface Tagged${i} { readonly [sym${i}]: true; readonly [key: string]: unknown }
export const tagged${i} = <T extends object>(value: T): T & { readonly kind: 'tagged' } => ({ ...value, kind: 'tagged' as const });
export const big${i} = 2n ** 64n;
export const pattern${i} = /^(?<year>\\d{4})-(?<month>\\d{2})$/u;
export const html${i} = String.raw\`<p>\${big${i}}</p>\`;
export function keys${i}<T extends Record<string, unknown>>(object: T): Array<keyof T> {
  return Object.keys(object) as Array<keyof T>;
}`,
  (i) => `
export class EventBus${i}<Events extends Record<string, unknown[]>> {
  private readonly listeners: { [K in keyof Events]?: Array<(...args: Events[K]) => void> } = {};
  on<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): () => void {
    (this.listeners[event] ??= []).push(listener);
    return () => this.off(event, listener);
  }
  off<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): void {
    this.listeners[event] = this.listeners[event]?.filter((l) => l !== listener);
  }
  emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    this.listeners[event]?.forEach((listener) => listener(...args));
  }
}`,
];

/** Arena-using snippets, both correct code and the bugs the rules exist to catch. */
const arenaSnippets: readonly Snippet[] = [
  (i) => `
export function buildEdges${i}(count: number): number {
  using arena = createArena(4096, 'edges-${i}');
  const edges: Handle[] = [];
  for (let k = 0; k < count; k++) edges.push(arena.alloc(16, MemTag.Edge));
  return edges.reduce((sum, edge) => sum + arena.sizeOf(edge), 0);
}`,
  (i) => `
export function leaky${i}(flag: boolean): number {
  const scratch = createArena(1024, 'scratch-${i}');
  const temp = scratch.alloc(64);
  if (flag) return scratch.sizeOf(temp);
  scratch.destroy();
  return 0;
}`,
  (i) => `
export async function withScope${i}(input: Uint8Array): Promise<number> {
  return withArena(1024, 'parse-${i}', async (arena) => {
    const parseBuf = arena.alloc(input.length);
    arena.bytes(parseBuf).set(input);
    await Promise.resolve();
    return arena.bytes(parseBuf).reduce((a, b) => a + b, 0);
  });
}`,
  (i) => `
export class NodeStore${i} {
  private readonly pool = createPool(32, 128, 'nodes-${i}', { tag: MemTag.Node, growable: true });
  private readonly live = new Set<Handle>();
  add(): Handle | null {
    const node = this.pool.alloc();
    if (node !== null) this.live.add(node);
    return node;
  }
  remove(node: Handle): void {
    if (this.live.delete(node)) this.pool.free(node);
  }
  dispose(): void {
    this.pool.destroy();
  }
}`,
  (i) => `
export function escape${i}(): Uint8Array {
  let kept: Uint8Array | undefined;
  withArena(256, 'escape-${i}', (arena) => {
    const view = arena.bytes(arena.alloc(8, MemTag.Temp));
    kept = view;
  });
  return kept ?? new Uint8Array();
}`,
  (i) => `
export function reuse${i}(rounds: number): number {
  const frame = createArena(2048, 'frame-${i}');
  let total = 0;
  try {
    for (let r = 0; r < rounds; r++) {
      const cacheEntry = frame.alloc(32);
      total += frame.sizeOf(cacheEntry);
      frame.reset();
    }
  } finally {
    frame.destroy();
  }
  return total;
}`,
  (i) => `
export function tagged${i}(): void {
  const cbor = allocTagged(128);
  const plugin = allocTagged(64, MemTag.Plugin);
  freeTagged(plugin, MemTag.Plugin);
  freeTagged(cbor, MemTag.General);
}`,
  (i) => `
export function namespaced${i}(size: number): number {
  const arena = rt.createArena(size, 'ns-${i}');
  const edge: Handle = arena.allocAligned(24, 8);
  const n = arena.addressOf(edge);
  arena.destroy();
  return n;
}`,
  (i) => `
export function renamed${i}(): Handle | null {
  const objects = makeObjectPool(() => ({ x: 0, y: 0 }), 16, 'points-${i}');
  const handle = objects.alloc();
  if (handle === null) {
    objects.destroy();
    throw new Error('pool exhausted');
  }
  objects.destroy();
  return null;
}`,
  (i) => `
export function recycle${i}(ids: number[]): void {
  const slots = createPool(16, 64, 'slots-${i}', { tag: MemTag.Node });
  const spare = createPool(16, 64, 'spare-${i}', { tag: MemTag.Node });
  const slot = slots.alloc();
  if (slot === null) return;
  for (const id of ids) if (id < 0) slots.free(slot);
  spare.free(slot);
  slots.destroy();
  spare.destroy();
}`,
];

const ARENA_HEADER = [
  "import { createArena, createPool, createObjectPool as makeObjectPool, withArena, allocTagged, freeTagged, MemTag } from 'eslint-plugin-arena/runtime';",
  "import type { Handle } from 'eslint-plugin-arena/runtime';",
  "import * as rt from 'eslint-plugin-arena/runtime';",
].join('\n');

function countLines(text: string): number {
  let lines = 1;
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) lines++;
  return lines;
}

/** Generates at least `options.lines` lines of TypeScript, split into files of ~linesPerFile lines. */
export function generateCorpus(options: CorpusOptions): CorpusFile[] {
  if (!Number.isInteger(options.lines) || options.lines <= 0) {
    throw new RangeError(`generateCorpus: lines must be a positive integer, got ${options.lines}`);
  }
  const linesPerFile = options.linesPerFile ?? 400;
  const arenaShare = options.arenaShare ?? 0.3;
  const random = seededRandom(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const files: CorpusFile[] = [];
  let total = 0;
  let id = 0;
  while (total < options.lines) {
    const usesArena = random() < arenaShare;
    const parts = usesArena ? [ARENA_HEADER] : [];
    let fileLines = usesArena ? countLines(ARENA_HEADER) : 0;
    while (fileLines < linesPerFile && total + fileLines < options.lines) {
      const snippet = usesArena && random() < 0.5 ? pick(arenaSnippets) : pick(plainSnippets);
      const text = snippet(id++);
      parts.push(text);
      fileLines += countLines(text) - 1;
    }
    const code = `${parts.join('\n')}\n`;
    total += countLines(code) - 1;
    files.push({ filename: `corpus/file${files.length}.ts`, code });
  }
  return files;
}

/** Every snippet once, in order: the smallest corpus that exercises every construct above. */
export function everySnippet(): CorpusFile {
  let id = 0;
  const parts = [ARENA_HEADER, ...plainSnippets.map((s) => s(id++)), ...arenaSnippets.map((s) => s(id++))];
  return { filename: 'corpus/every-snippet.ts', code: `${parts.join('\n')}\n` };
}

/**
 * One long function: `allocations` handles, each followed by a conditional `reset()` and uses
 * (5 lines each, so 1,600 allocations make ~8,000 lines). Every use after a reset on some path is
 * a finding; the point is how lint time grows with the size of a single function (its code path
 * has thousands of segments), which must stay linear.
 */
export function longFunction(allocations: number): CorpusFile {
  if (!Number.isInteger(allocations) || allocations <= 0) {
    throw new RangeError(`longFunction: allocations must be a positive integer, got ${allocations}`);
  }
  const lines = [
    "import { createArena, MemTag } from 'eslint-plugin-arena/runtime';",
    '',
    'export function long(flags: readonly boolean[]): number {',
    "  const arena = createArena(1 << 20, 'long');",
    '  let total = 0;',
  ];
  for (let k = 0; k < allocations; k++) {
    lines.push(
      `  const h${k} = arena.alloc(16, MemTag.Temp);`,
      `  if (flags[${k % 64}]) arena.reset();`,
      `  total += arena.sizeOf(h${k});`,
      `  arena.bytes(h${k})[0] = ${k % 256};`,
      `  total += arena.addressOf(h${k});`,
    );
  }
  lines.push('  arena.destroy();', '  return total;', '}', '');
  return { filename: `corpus/long-function-${allocations}.ts`, code: lines.join('\n') };
}

/** The rules both lint benches run without the plugin: what a typical project lints with anyway. */
export const BASELINE_RULES: Readonly<Record<string, 'error'>> = {
  'no-debugger': 'error',
  'no-dupe-keys': 'error',
  'no-unreachable': 'error',
  'no-fallthrough': 'error',
  'no-constant-condition': 'error',
  'prefer-const': 'error',
  'no-var': 'error',
  eqeqeq: 'error',
};
