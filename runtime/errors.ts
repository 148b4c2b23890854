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
  override readonly name = 'ArenaError';
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

/** Renders anything passed as a handle for a message without throwing. */
export function describeHandleValue(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? `handle ${value}` : `${value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (value === null) return 'null';
  return `a value of type ${typeof value}`;
}

/** Validates a byte count; `what` names the parameter in the message. */
export function invalidSizeReason(size: unknown): string | undefined {
  if (typeof size !== 'number') return `must be a number, got ${describeHandleValue(size)}`;
  if (Number.isNaN(size)) return 'must be a number, got NaN';
  if (!Number.isFinite(size)) return `must be finite, got ${size}`;
  if (!Number.isInteger(size)) return `must be a whole number of bytes, got ${size}`;
  if (size <= 0) return `must be positive, got ${size}`;
  return undefined;
}
