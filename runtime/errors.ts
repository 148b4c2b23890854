// Typed errors for every misuse the runtime detects. Messages follow Zig's debug allocator: what
// happened, to which arena/pool and tag, then (debug mode only) where the memory was allocated and
// where it was reset, freed or destroyed.
import type { ArenaErrorCode } from './types.js';

/** What an owner is, as named in messages and in the live-owner registry. */
export type OwnerKind = 'arena' | 'pool' | 'objectPool' | 'tagged';

export interface ArenaErrorDetails {
  /** Name of the arena or pool involved (`'tagged heap'` for `allocTagged`). */
  readonly ownerName?: string;
  readonly ownerKind?: OwnerKind;
  /** Name of the memory tag involved, when known. */
  readonly tagName?: string;
  /** The offending handle (or whatever was passed where a handle was expected). */
  readonly handle?: unknown;
  /** Stack captured when the memory was allocated (debug mode only). */
  readonly allocationSite?: string;
  /** Stack captured when the owning arena was reset (debug mode only). */
  readonly resetSite?: string;
  /** Stack captured when the pool slot or tagged allocation was freed (debug mode only). */
  readonly freeSite?: string;
  /** Stack captured when the owner was destroyed (debug mode only). */
  readonly destroySite?: string;
}

/** The one error class the runtime throws. Switch on `code`, never on the message. */
export class ArenaError extends Error {
  override readonly name: string = 'ArenaError';
  readonly code: ArenaErrorCode;
  readonly ownerName: string | undefined;
  readonly ownerKind: OwnerKind | undefined;
  readonly tagName: string | undefined;
  readonly handle: unknown;
  readonly allocationSite: string | undefined;
  readonly resetSite: string | undefined;
  readonly freeSite: string | undefined;
  readonly destroySite: string | undefined;

  constructor(code: ArenaErrorCode, summary: string, details: ArenaErrorDetails = {}) {
    super(composeMessage(code, summary, details));
    this.code = code;
    this.ownerName = details.ownerName;
    this.ownerKind = details.ownerKind;
    this.tagName = details.tagName;
    this.handle = details.handle;
    this.allocationSite = details.allocationSite;
    this.resetSite = details.resetSite;
    this.freeSite = details.freeSite;
    this.destroySite = details.destroySite;
  }
}

export function isArenaError(value: unknown, code?: ArenaErrorCode): value is ArenaError {
  return value instanceof ArenaError && (code === undefined || value.code === code);
}

function composeMessage(code: ArenaErrorCode, summary: string, details: ArenaErrorDetails): string {
  let message = `${code}: ${summary}`;
  if (details.allocationSite !== undefined) message += `\n  allocated at:${indentSite(details.allocationSite)}`;
  if (details.resetSite !== undefined) message += `\n  reset at:${indentSite(details.resetSite)}`;
  if (details.freeSite !== undefined) message += `\n  freed at:${indentSite(details.freeSite)}`;
  if (details.destroySite !== undefined) message += `\n  destroyed at:${indentSite(details.destroySite)}`;
  return message;
}

function indentSite(site: string): string {
  return site
    .split('\n')
    .map((line) => `\n    ${line.trim()}`)
    .join('');
}

/** `arena "request" (tag Edge)` — how messages name an owner. */
export function describeOwner(kind: OwnerKind, name: string, tagLabel?: string): string {
  const kindLabel = kind === 'objectPool' ? 'object pool' : kind === 'tagged' ? '' : kind;
  const who = kind === 'tagged' ? 'the tagged heap' : `${kindLabel} "${name}"`;
  return tagLabel === undefined ? who : `${who} (tag ${tagLabel})`;
}

/**
 * Renders anything passed where a handle was expected, without throwing: a whole number reads
 * "handle 42", anything else as describeValue does. Only for values that stand for a handle.
 */
export function describeHandleValue(value: unknown): string {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return `handle ${value}`;
  return describeValue(value);
}

/**
 * Renders any argument (a size, an offset, an alignment, a tag, an option...) for a message,
 * without throwing and without calling user code (no toString, no getters): `3`, `NaN`,
 * `the string "abc"`, `null`, `an array`, `a Float64Array`, `an object`.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'bigint':
      return `the BigInt ${value}n`;
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      break;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return `a ${Object.prototype.toString.call(value).slice(8, -1)}`;
  if (value instanceof ArrayBuffer) return 'an ArrayBuffer';
  return 'an object';
}

/** An ERR_INVALID_ARGUMENT: something of the wrong kind was passed (not a size problem, not a tag). */
export function invalidArgument(summary: string, details: ArenaErrorDetails = {}): ArenaError {
  return new ArenaError('ERR_INVALID_ARGUMENT', summary, details);
}

/**
 * Checks an `options` argument: undefined, or a plain object. Returns the options to read (an
 * empty object for undefined), so callers never read a property of null or of a number.
 */
export function checkOptions<T extends object>(options: T | undefined, where: string): T | Record<string, never> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidArgument(`${where}: options must be an object or left out, got ${describeValue(options)}`);
  }
  return options;
}

/** Validates a byte count; `what` names the parameter in the message. */
export function invalidSizeReason(size: unknown): string | undefined {
  if (typeof size !== 'number') return `must be a number, got ${describeValue(size)}`;
  if (Number.isNaN(size)) return 'must be a number, got NaN';
  if (!Number.isFinite(size)) return `must be finite, got ${size}`;
  if (!Number.isInteger(size)) return `must be a whole number of bytes, got ${size}`;
  if (size <= 0) return `must be positive, got ${size}`;
  return undefined;
}

/** The error of a bulk copy (`read`, `write`) given something other than a Uint8Array. */
export function notBytes(what: string, parameter: string, value: unknown): ArenaError {
  return invalidArgument(`${what}: ${parameter} must be a Uint8Array, got ${describeValue(value)}`);
}

/**
 * The ERR_OUT_OF_BOUNDS error of a checked access: `what` (`getUint32`, `read`...) of `width` bytes
 * at `byteOffset` of an allocation of `size` bytes. Shared by every owner with checked accessors.
 */
export function outOfBoundsError(
  what: string,
  byteOffset: unknown,
  width: number,
  size: number,
  details: ArenaErrorDetails & { readonly ownerKind: OwnerKind; readonly ownerName: string },
): ArenaError {
  const who = describeOwner(details.ownerKind, details.ownerName, details.tagName);
  const where =
    typeof byteOffset === 'number' && Number.isInteger(byteOffset)
      ? width === 1
        ? `byte ${byteOffset}`
        : `bytes ${byteOffset}..${byteOffset + width - 1}`
      : `byte offset ${describeValue(byteOffset)} (offsets are whole numbers)`;
  return new ArenaError(
    'ERR_OUT_OF_BOUNDS',
    `${what} of ${describeHandleValue(details.handle)} in ${who} reaches ${where}, outside the allocation's ${size} bytes (0..${size - 1})`,
    details,
  );
}
