// The edge-graph batch decoded by two workers into shared memory gives exactly what decodeEdges
// gives on one thread: the same columns, byte for byte, spans into the same bytes, the same graph;
// and bad input throws the same error. Workers run plain JavaScript, so the example and the runtime
// are transpiled into a temporary directory (the example's imports of the runtime rewritten to it).
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRuntimeCopy, type RuntimeModule } from '../runtime/workers/runtime-copy.js';

type Decode = typeof import('../../examples/edge-graph/arena/decode.js');
type Parallel = typeof import('../../examples/edge-graph/arena/parallel-decode.js');
type Generator = typeof import('../../examples/edge-graph/shared/generator.js');
type Graph = typeof import('../../examples/edge-graph/arena/graph.js');

const exampleRoot = fileURLToPath(new URL('../../examples/edge-graph/', import.meta.url));

/** Transpiles examples/edge-graph next to a runtime copy; returns the directory. */
function exampleCopy(runtimeUrl: string): string {
  const runtimeDirectory = dirname(fileURLToPath(runtimeUrl));
  const target = join(runtimeDirectory, '..', `edge-graph-${process.pid}`);
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const destination = join(target, relative(exampleRoot, path)).replace(/\.ts$/, '.js');
        const runtimeImport = relative(dirname(destination), join(runtimeDirectory, 'index.js'));
        const output = ts
          .transpileModule(readFileSync(path, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }, fileName: path })
          .outputText.replaceAll("'eslint-plugin-arena/runtime'", `'${runtimeImport.startsWith('.') ? runtimeImport : `./${runtimeImport}`}'`);
        mkdirSync(dirname(destination), { recursive: true });
        writeFileSync(destination, output);
      }
    }
  };
  walk(exampleRoot);
  writeFileSync(join(target, 'package.json'), JSON.stringify({ type: 'module' }));
  return target;
}

let runtime: RuntimeModule;
let decode: Decode;
let parallel: Parallel;
let generator: Generator;
let graph: Graph;
let decoder: ReturnType<Parallel['createParallelDecoder']>;

beforeAll(async () => {
  const runtimeUrl = makeRuntimeCopy('edge-parallel');
  const directory = exampleCopy(runtimeUrl);
  const load = async <T>(path: string): Promise<T> => (await import(/* @vite-ignore */ join(directory, path))) as T;
  runtime = (await import(/* @vite-ignore */ runtimeUrl)) as RuntimeModule;
  decode = await load<Decode>('arena/decode.js');
  parallel = await load<Parallel>('arena/parallel-decode.js');
  generator = await load<Generator>('shared/generator.js');
  graph = await load<Graph>('arena/graph.js');
  // Small batches keep the test quick; the bench decodes the 1M-edge batch.
  decoder = parallel.createParallelDecoder(undefined, 100);
}, 60_000);

afterAll(async () => {
  await decoder?.close();
});

function sharedArena(name: string) {
  return runtime.createArena(64 * 1024, name, { backend: runtime.sharedArrayBufferBackend(), tag: runtime.MemTag.Parse });
}

function columnBytes(batch: { arena: { bytes(handle: never): Uint8Array }; columns: unknown }): number[] {
  return [...batch.arena.bytes(batch.columns as never)];
}

describe('parallel decode of the edge batch', () => {
  it.each([
    { edges: 2_000, seed: 11 },
    { edges: 5_000, seed: 12, nodes: 300 },
    { edges: 101, seed: 15 },
  ])('two workers give decodeEdges\' result exactly (%o)', async (shape) => {
    const input = generator.generateEdgeBatch(shape);
    using single = runtime.createArena(64 * 1024, 'single', { tag: runtime.MemTag.Parse });
    using shared = sharedArena('shared');
    const expected = decode.decodeEdges(input, single);
    const before = decoder.parallelBatches;
    const actual = await decoder.decode(input, shared);
    expect(decoder.parallelBatches).toBe(before + 1); // the workers did it, not the fallback
    expect(actual.input.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(actual.count).toBe(expected.count);
    expect(Buffer.from(actual.input).equals(Buffer.from(input))).toBe(true);
    expect(columnBytes(actual)).toEqual(columnBytes(expected));
    using expectedGraph = graph.ArenaEdgeGraph.build(expected);
    using actualGraph = graph.ArenaEdgeGraph.build(actual);
    expect(Buffer.from(actualGraph.encode()).equals(Buffer.from(expectedGraph.encode()))).toBe(true);
  });

  it('bad input anywhere throws decodeEdges\' own error', async () => {
    const input = generator.generateEdgeBatch({ edges: 3_000, seed: 13 });
    const relationKey = new TextEncoder().encode('relation');
    const errorOf = async (run: () => unknown): Promise<string> => {
      try {
        await run();
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
      return 'no error';
    };
    for (const position of [0.1, 0.59, 0.61, 0.95]) {
      const bad = input.slice();
      // An unknown key ("Relation") in one edge, in each worker's share and on both sides of the split.
      const at = Buffer.from(bad).indexOf(relationKey, Math.floor(bad.length * position));
      bad[at] = 0x52;
      using single = runtime.createArena(64 * 1024, 'single');
      using shared = sharedArena('shared');
      const expected = await errorOf(() => decode.decodeEdges(bad, single));
      expect(expected).not.toBe('no error');
      const before = decoder.parallelBatches;
      expect(await errorOf(() => decoder.decode(bad, shared))).toBe(expected);
      expect(decoder.parallelBatches).toBe(before);
    }
    const trailing = new Uint8Array(input.length + 1);
    trailing.set(input);
    using single = runtime.createArena(64 * 1024, 'single');
    using shared = sharedArena('shared');
    expect(await errorOf(() => decoder.decode(trailing, shared))).toBe(await errorOf(() => decode.decodeEdges(trailing, single)));
  });

  it('an arena on ArrayBuffers is refused: the workers could not write its columns', async () => {
    const input = generator.generateEdgeBatch({ edges: 500, seed: 14 });
    using plain = runtime.createArena(64 * 1024, 'plain');
    await expect(decoder.decode(input, plain)).rejects.toThrow(/sharedArrayBufferBackend/);
  });
});
