// Owner ids, the handle layout, and the process-wide hooks every owner consults.
//
// Handle layout: handle = ownerId * SERIAL_SPACE + serial, an integer below 2^53.
// - ownerId (OWNER_BITS = 16 bits, 1..65535) names the arena/pool that issued the handle, so a
//   handle given to the wrong owner is recognised (ERR_FOREIGN_HANDLE).
// - serial (SERIAL_BITS = 37 bits) is per owner id and only ever increases:
//   * an arena numbers its allocations consecutively across resets; a reset just moves the start of
//     the live range, so every older handle is below it (stale) and no number is ever issued twice;
//   * a pool splits the serial into generation * 2^slotBits + slot, with a generation per slot
//     (thunderdome/slotmap). A slot whose generation would run out is retired, never reused.
// - When an owner is destroyed its id goes back to a free list together with the first serial it
//   has not used. The next owner of that id continues from there, so handles of the old owner can
//   never match the new one's. An id whose serials are used up is retired for good.
// The widths can be shrunk for tests (configureHandleLayout) so that exhaustion can be forced.
import { ArenaError, describeOwner, type OwnerKind } from './errors.js';

/** What the live-owner registry knows about an arena, pool or object pool. */
export interface OwnerInfo {
  readonly kind: OwnerKind;
  readonly name: string;
  /** The owner's default tag (arenas) or only tag (pools). */
  readonly tag: number;
  /** Bytes currently allocated (arenas: sum of live allocation sizes; object pools: bytesPerObject each). */
  readonly bytesInUse: number;
  readonly liveAllocations: number;
  /** Highest bytesInUse seen, and when (`performance.now()` ms, to within 1/64 of the peak). */
  readonly peakBytes: number;
  readonly peakAt: number;
  /** Stack captured at creation when debug mode was on. */
  readonly creationSite: string | undefined;
}

/** Implemented by every owner so the registry and foreign-handle messages can describe it. */
export interface RegisteredOwner {
  readonly ownerKind: OwnerKind;
  readonly name: string;
  describeForRegistry(): OwnerInfo;
}

let ownerBits = 16;
let serialBits = 37;
/** Serials per owner id (2^serialBits). */
export let SERIAL_SPACE = 2 ** serialBits;
let ownerLimit = 2 ** ownerBits;

let ownersById: (RegisteredOwner | undefined)[] = [];
let lastNameById: (string | undefined)[] = [];
let serialFloor = new Float64Array(ownerLimit);
let freeIds: number[] = [];
let nextFreshId = 1;
let liveOwnerCount = 0;

export interface HandleLayout {
  readonly ownerBits: number;
  readonly serialBits: number;
}

export function getHandleLayout(): HandleLayout {
  return { ownerBits, serialBits };
}

/**
 * Changes the handle widths (testing only: forces id and generation exhaustion quickly).
 * Allowed only while no owner is alive; ids and serial floors start over, so handles issued before
 * the call must not be used afterwards. `ownerBits + serialBits` must be at most 53.
 */
export function configureHandleLayout(layout: HandleLayout): void {
  const { ownerBits: nextOwnerBits, serialBits: nextSerialBits } = layout;
  if (
    !Number.isInteger(nextOwnerBits) ||
    !Number.isInteger(nextSerialBits) ||
    nextOwnerBits < 1 ||
    nextSerialBits < 2 ||
    nextOwnerBits + nextSerialBits > 53
  ) {
    throw new ArenaError('ERR_INVALID_SIZE', `invalid handle layout ${JSON.stringify(layout)}: need ownerBits >= 1, serialBits >= 2, sum <= 53`);
  }
  releaseIdleOwners();
  if (liveOwnerCount !== 0) {
    throw new ArenaError('ERR_INVALID_SIZE', `cannot change the handle layout while ${liveOwnerCount} arenas/pools are alive`);
  }
  ownerBits = nextOwnerBits;
  serialBits = nextSerialBits;
  SERIAL_SPACE = 2 ** serialBits;
  ownerLimit = 2 ** ownerBits;
  ownersById = [];
  lastNameById = [];
  serialFloor = new Float64Array(ownerLimit);
  freeIds = [];
  nextFreshId = 1;
}

// The tagged heap is a lazily created, process-wide owner; it lets go of its id when idle so that
// configureHandleLayout can run. It registers its release function here to avoid an import cycle.
let idleOwnerReleasers: (() => void)[] = [];
export function onLayoutChange(release: () => void): void {
  idleOwnerReleasers.push(release);
}
function releaseIdleOwners(): void {
  for (const release of idleOwnerReleasers) release();
}

/** Smallest serial of `id` that a new owner may use, rounded up to a multiple of `granule`. */
function firstUsableSerial(id: number, granule: number): number {
  return Math.ceil(serialFloor[id]! / granule) * granule;
}

/**
 * Gives `owner` an id with at least `granule` unused serials, starting at a multiple of `granule`.
 * Prefers ids never used before (their handles are the easiest to tell apart), then reused ids.
 */
export function acquireOwnerId(owner: RegisteredOwner, granule: number): { id: number; firstSerial: number } {
  let id = 0;
  if (nextFreshId < ownerLimit) {
    id = nextFreshId++;
  } else {
    for (let index = freeIds.length - 1; index >= 0; index--) {
      const candidate = freeIds[index]!;
      if (firstUsableSerial(candidate, granule) + granule <= SERIAL_SPACE) {
        id = candidate;
        freeIds.splice(index, 1);
        break;
      }
    }
  }
  if (id === 0) {
    throw new ArenaError(
      'ERR_OUT_OF_MEMORY',
      `cannot create ${owner.ownerKind} "${owner.name}": all ${ownerLimit - 1} owner ids are in use or retired (${liveOwnerCount} arenas/pools alive)`,
      { ownerName: owner.name, ownerKind: owner.ownerKind },
    );
  }
  ownersById[id] = owner;
  lastNameById[id] = `${owner.ownerKind === 'objectPool' ? 'object pool' : owner.ownerKind} "${owner.name}"`;
  liveOwnerCount++;
  return { id, firstSerial: firstUsableSerial(id, granule) };
}

/**
 * Returns `id` when its owner is destroyed (or moves to another id). `nextSerial` is the first
 * serial the owner never issued; the id's next owner starts there. Exhausted ids are retired.
 */
export function releaseOwnerId(id: number, nextSerial: number): void {
  if (ownersById[id] === undefined) return;
  ownersById[id] = undefined;
  liveOwnerCount--;
  serialFloor[id] = Math.max(serialFloor[id]!, nextSerial);
  if (serialFloor[id]! < SERIAL_SPACE) freeIds.push(id);
}

/** The live owner holding `id`, if any. */
export function ownerById(id: number): RegisteredOwner | undefined {
  return ownersById[id];
}

/** "arena "x"" for the last owner that held `id`, even if it was destroyed. */
export function lastOwnerLabel(id: number): string | undefined {
  return lastNameById[id];
}

export function liveOwners(): RegisteredOwner[] {
  return ownersById.filter((owner): owner is RegisteredOwner => owner !== undefined);
}

/** Why a well-formed handle is not one of `ownId`'s: shared by arenas and pools. */
export function foreignReason(handleId: number, ownId: number, earlierOwner: boolean): string {
  if (earlierOwner) return 'it belongs to an earlier owner of the same id, since destroyed';
  if (handleId === ownId) return 'this owner never issued it';
  const live = ownerById(handleId);
  if (live !== undefined) return `it belongs to ${describeOwner(live.ownerKind, live.name)}`;
  const last = lastOwnerLabel(handleId);
  return last === undefined ? 'no arena or pool issued it' : `it belongs to ${last}, since destroyed`;
}

/** Splits a number that is known to be a non-negative safe integer into (owner id, serial). */
export function splitHandle(handle: number): { id: number; serial: number } {
  const id = Math.floor(handle / SERIAL_SPACE);
  return { id, serial: handle - id * SERIAL_SPACE };
}

/** Whether `value` has the shape of a handle at all (a non-negative safe integer). */
export function isHandleShaped(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

// ---- allocation gate --------------------------------------------------------------------------

export interface AllocationRequest {
  readonly kind: OwnerKind;
  /** Name of the arena or pool (`'tagged heap'` for allocTagged). */
  readonly owner: string;
  readonly tag: number;
  readonly size: number;
}

/** Live binding: owners test `allocationGate !== null` before building a request. */
export let allocationGate: ((request: AllocationRequest) => boolean) | null = null;

/**
 * Installs `gate` (or removes it with null). Before each allocation the runtime asks the gate; when
 * it returns true that allocation fails as if memory ran out: arenas and allocTagged throw
 * ERR_OUT_OF_MEMORY, pools and object pools return null. For failure injection in tests.
 */
export function setAllocationGate(gate: ((request: AllocationRequest) => boolean) | null): void {
  allocationGate = gate;
}

export function gateRefuses(kind: OwnerKind, owner: string, tag: number, size: number): boolean {
  return allocationGate !== null && allocationGate({ kind, owner, tag, size }) === true;
}
