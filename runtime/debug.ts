// Debug mode: slower, louder. Off by default; `ARENA_DEBUG=1` in the environment turns it on at load.
//
// In debug mode the runtime
// - captures a stack at every allocation, reset, free and destroy, and names them in error messages;
// - poisons memory given back (pool `free`, arena `reset`, `freeTagged`) with POISON_BYTE (0xDD), so
//   a stale `Uint8Array` view that escaped the checks reads an unmistakable pattern;
// - detaches every chunk's ArrayBuffer on arena `reset`/`destroy` (moving the bytes to a fresh
//   buffer), so `Uint8Array` views taken before the reset report length 0 and read `undefined`.
// Production mode does none of this: a stale handle is still caught (a compare), a stale view is not.
import { describeValue, invalidArgument, type ArenaErrorDetails } from './errors.js';
import type { ArenaErrorCode } from './types.js';

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
  // Not coerced: setDebugMode('true') silently leaving debug mode off would hide the mistake.
  if (typeof on !== 'boolean') throw invalidArgument(`setDebugMode takes true or false, got ${describeValue(on)}`);
  debugMode = on;
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

/** Why a buffer detached by debug mode died: the error a later use of it should throw. */
export interface BufferDeath {
  readonly code: ArenaErrorCode;
  /** What happened to the memory, in a message's words ("arena "frame" was reset"). */
  readonly summary: string;
  readonly details: ArenaErrorDetails;
}

// Keyed by the dead ArrayBuffer object itself: it survives its detachment as an empty shell, which
// every view over it still references, so a view can say why it went dead.
const deaths = new WeakMap<ArrayBufferLike, BufferDeath>();

/** Records why debug mode detached `buffer` (see deathOf). */
export function noteDeath(buffer: ArrayBufferLike, death: BufferDeath): void {
  deaths.set(buffer, death);
}

/** Why debug mode detached `buffer`, if it did. */
export function deathOf(buffer: ArrayBufferLike): BufferDeath | undefined {
  return deaths.get(buffer);
}

/**
 * Whether `buffer` is detached. Node 20 has no `ArrayBuffer.prototype.detached`; a detached buffer
 * has byteLength 0 and refuses to back a new view, which tells it from an empty one.
 */
export function isDetached(buffer: ArrayBufferLike): boolean {
  if (buffer.byteLength > 0 || !(buffer instanceof ArrayBuffer)) return false;
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * Debug mode's end of an allocation that lives on memory of its own: poison it (a copy kept
 * elsewhere reads 0xDD), detach it (every view over it reads nothing and writes nowhere) and note
 * why, for ByteBuffer's message. Its bytes are dropped, not moved: nobody may read them again.
 */
export function killBuffer(buffer: ArrayBuffer, death: BufferDeath): void {
  new Uint8Array(buffer).fill(POISON_BYTE);
  detachBuffer(buffer);
  noteDeath(buffer, death);
}
