// Planted bugs for `npm run demo`: one per rule of eslint-plugin-arena. Every function here
// type-checks and runs, and every one is wrong. This directory is excluded from the build and
// from the project's self-lint; scripts/demo-lint.ts lints it and prints what the rules find.
import { createArena, freeTagged, MemTag, withArena, type Handle } from 'eslint-plugin-arena/runtime';

/** no-arena-escape: the view outlives the withArena call that destroys its arena. */
export function firstBytes(input: Uint8Array): Uint8Array {
  return withArena(1024, 'copy', (arena) => {
    const handle = arena.alloc(input.length, MemTag.Temp);
    arena.bytes(handle).set(input);
    return arena.bytes(handle);
  });
}

/** no-use-after-reset: the handle is read after the arena it came from was reset. */
export function frameStats(): number {
  using frame = createArena(4096, 'frame');
  const node = frame.alloc(32, MemTag.Node);
  frame.reset();
  return frame.sizeOf(node);
}

/** no-mixed-ownership: arena memory handed to the tagged allocator's free. */
export function release(): void {
  using arena = createArena(256, 'mixed');
  const edge: Handle = arena.alloc(16, MemTag.Edge);
  freeTagged(edge, MemTag.Edge);
}

/** require-alloc-tag: nobody will know what these bytes were for. */
export function parseHeader(text: string): number {
  using parser = createArena(1024, 'parser');
  const parseBuf = parser.alloc(text.length);
  return parser.sizeOf(parseBuf);
}

/** no-leaked-arena: the early return skips the destroy. */
export function edgeCount(edges: readonly number[]): number {
  const arena = createArena(edges.length * 16 + 16, 'edges');
  if (edges.length === 0) return 0;
  for (let index = 0; index < edges.length; index++) arena.alloc(16, MemTag.Edge);
  arena.destroy();
  return edges.length;
}
