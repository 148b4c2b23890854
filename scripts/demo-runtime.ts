// The runtime half of `npm run demo`: allocate, reset, then read through the stale handle and show
// the typed error it raises, first in production mode, then in debug mode with sites.
import { ArenaError, MemTag, createArena, isDebugMode, setDebugMode, type Arena, type Handle } from 'eslint-plugin-arena/runtime';

export interface RuntimeDemoResult {
  /** The error codes raised by the stale reads: production mode first, then debug mode. */
  readonly codes: readonly string[];
}

function parseEdge(arena: Arena, from: string, to: string): Handle {
  const text = `${from} -> ${to}`;
  const handle = arena.alloc(text.length, MemTag.Edge);
  new TextEncoder().encodeInto(text, arena.bytes(handle));
  return handle;
}

function staleRead(mode: string, log: (line: string) => void): string {
  using arena = createArena(1024, 'request', { tag: MemTag.Parse });
  const edge = parseEdge(arena, 'src/a.ts', 'src/b.ts');
  log(`  allocated edge handle ${edge}: "${new TextDecoder().decode(arena.bytes(edge))}"`);
  arena.reset(); // the request is over; its memory is reused by the next one
  parseEdge(arena, 'src/c.ts', 'src/d.ts');
  log(`  arena "${arena.name}" reset (generation ${arena.generation}) and reused`);
  try {
    arena.bytes(edge); // the bug: reading an edge that belonged to the previous request
    throw new Error(`${mode}: the stale read was not caught`);
  } catch (error) {
    if (!(error instanceof ArenaError)) throw error;
    log(`  reading through the stale handle threw ${error.code}:`);
    for (const line of error.message.split('\n')) log(`    ${line}`);
    return error.code;
  }
}

/** Runs the demo, printing through `log`; returns the codes it saw. */
export function runtimeDemo(log: (line: string) => void = console.log): RuntimeDemoResult {
  const wasDebug = isDebugMode();
  const codes: string[] = [];
  try {
    setDebugMode(false);
    log('runtime, production mode (the check is one compare; no sites recorded):');
    codes.push(staleRead('production mode', log));
    setDebugMode(true);
    log('');
    log('runtime, debug mode (ARENA_DEBUG=1 or setDebugMode(true): sites recorded, memory poisoned):');
    codes.push(staleRead('debug mode', log));
  } finally {
    setDebugMode(wasDebug);
  }
  return { codes };
}
