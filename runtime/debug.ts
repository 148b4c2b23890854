// Debug mode: slower, louder. Off by default; `ARENA_DEBUG=1` in the environment turns it on at load.
//
// In debug mode the runtime
// - captures a stack at every allocation, reset, free and destroy, and names them in error messages;
// - poisons memory given back (pool `free`, arena `reset`, `freeTagged`) with POISON_BYTE (0xDD), so
//   a stale `Uint8Array` view that escaped the checks reads an unmistakable pattern;
// - detaches every chunk's ArrayBuffer on arena `reset`/`destroy` (moving the bytes to a fresh
//   buffer), so `Uint8Array` views taken before the reset report length 0 and read `undefined`.
// Production mode does none of this: a stale handle is still caught (a compare), a stale view is not.

/** The byte written over freed or reset memory in debug mode (Zig and MSVC use 0xAA/0xDD alike). */
export const POISON_BYTE = 0xdd;

function readEnvFlag(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.ARENA_DEBUG;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** Live binding for the runtime's hot paths; everyone else calls isDebugMode(). */
export let debugMode = readEnvFlag();

/** Turns debug mode on or off for allocations made from now on. */
export function setDebugMode(on: boolean): void {
  debugMode = on === true;
}

export function isDebugMode(): boolean {
  return debugMode;
}

// Frames from the runtime's own files are dropped from captured sites: a site names user code.
// Built code runs from dist/runtime/; with source maps on, its frames name the sources in runtime/.
const runtimeDirectory = new URL('.', import.meta.url).pathname;
const runtimeDirectories = runtimeDirectory.endsWith('/dist/runtime/')
  ? [runtimeDirectory, runtimeDirectory.replace(/\/dist\/runtime\/$/, '/runtime/')]
  : [runtimeDirectory];
const isRuntimeFrame = (line: string): boolean => runtimeDirectories.some((directory) => line.includes(directory));

/** The caller's stack, starting at the first frame outside the runtime. Only called in debug mode. */
export function captureSite(): string {
  const holder: { stack?: string } = {};
  const previousLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 16;
  Error.captureStackTrace(holder, captureSite);
  Error.stackTraceLimit = previousLimit;
  const lines = (holder.stack ?? '').split('\n').slice(1).map((line) => line.trim());
  let first = 0;
  while (first < lines.length - 1 && isRuntimeFrame(lines[first]!)) first++;
  return lines.slice(first, first + 6).join('\n');
}

type Transferable = ArrayBuffer & { transfer?: (newLength?: number) => ArrayBuffer };

/**
 * Moves `buffer`'s bytes into a new ArrayBuffer and detaches the old one, so every view over the old
 * one goes dead (length 0). Uses `ArrayBuffer.prototype.transfer` where it exists, otherwise
 * `structuredClone` with a transfer list (Node 20 has only the latter).
 */
export function detachBuffer(buffer: ArrayBuffer): ArrayBuffer {
  const transferable = buffer as Transferable;
  if (typeof transferable.transfer === 'function') return transferable.transfer();
  return structuredClone(buffer, { transfer: [buffer] });
}
