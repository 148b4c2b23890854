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
// - When an owner is destroyed (or collected without destroy()) its id goes back to the id space
//   together with the first serial it has not used. The next owner of that id continues from there,
//   so handles of the old owner can never match the new one's. An id whose serials are used up is
//   retired for good.
//
// Ids are unique across the whole process, not only within this copy of the runtime:
// - Copies of the runtime in one realm (two bundles, a duplicated dependency) find one id space
//   at globalThis[Symbol.for('arena-runtime.owners.v1')] and allocate from it.
// - Threads share it as a SharedArrayBuffer published with node:worker_threads'
//   setEnvironmentData: every worker started after the runtime was loaded in its parent inherits
//   it. A worker started before (nothing inherited) takes a partition of its own, picked by its
//   threadId, from the upper half of the ids, which the inherited space never hands out.
// - Without node:worker_threads (a browser) the space is per realm.
// The id space is an Int32Array (see IdSpace): per id, -1 while in use, else the serial floor in
// granules; a bitmap of released ids; a counter of fresh ids. Acquiring and releasing are Atomics
// operations: owners are created rarely, so the hot paths never touch it (a handle check compares
// the handle with the owner's own range or slot table, nothing else).
// The widths can be shrunk for tests (configureHandleLayout): a test layout gets a private id space.
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
const DEFAULT_OWNER_BITS = 16;
const DEFAULT_SERIAL_BITS = 37;
/** Serials per owner id (2^serialBits). */
export let SERIAL_SPACE = 2 ** serialBits;
let ownerLimit = 2 ** ownerBits;

// ---- the id space ------------------------------------------------------------------------------

const REALM_KEY = Symbol.for('arena-runtime.owners.v1');
const ENVIRONMENT_KEY = 'arena-runtime.ids.v1';
const MAGIC = 0x41524931; // "ARI1"
// Header words of an id space.
const W_MAGIC = 0;
const W_OWNER_BITS = 1;
const W_SERIAL_BITS = 2;
const W_NEXT_FRESH = 3;
const W_LIMIT = 4;
const W_SCAN_HINT = 5;
const W_FIRST = 6;
const HEADER_WORDS = 8;
/** Per id: IN_USE, or the first usable serial in granules (0 for never used). */
const IN_USE = -1;
/** Ids handed out by the space every copy and inherited thread shares: [1, SHARED_LIMIT). */
const SHARED_LIMIT = 2 ** (DEFAULT_OWNER_BITS - 1);
/**
 * A worker that inherited nothing takes PARTITION_SIZE ids of the upper half, chosen by threadId
 * (64 partitions): workers started close together (a worker pool, a test runner's threads) have
 * nearby thread ids and so distinct partitions, and each can keep 512 owners alive at once.
 */
const PARTITION_SIZE = 512;

/** How the id space is shared, for messages and docs. */
export type IdSpaceScope = 'process' | 'thread-partition' | 'realm' | 'test';

interface WorkerThreadsLike {
  readonly isMainThread: boolean;
  readonly threadId: number;
  getEnvironmentData(key: unknown): unknown;
  setEnvironmentData(key: unknown, value: unknown): void;
}

/** node:worker_threads when the host has it, found without a static import (browsers load this file too). */
function workerThreads(): WorkerThreadsLike | undefined {
  const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (host === undefined || typeof host.getBuiltinModule !== 'function') return undefined;
  try {
    const module = host.getBuiltinModule('node:worker_threads') as Partial<WorkerThreadsLike> | undefined;
    if (module === undefined || typeof module.setEnvironmentData !== 'function' || typeof module.getEnvironmentData !== 'function') return undefined;
    return module as WorkerThreadsLike;
  } catch {
    return undefined;
  }
}

/** The thread this realm runs in (0 for the main thread or a browser). */
export function currentThreadId(): number {
  return workerThreads()?.threadId ?? 0;
}

function granuleShift(bits: number): number {
  // The floor is stored in an Int32: granules of 2^(serialBits - 30) serials keep it below 2^30.
  return Math.max(0, bits - 30);
}

/**
 * A set of owner ids over an Int32Array (shared between threads when it is a SharedArrayBuffer):
 * header, then one word per id (IN_USE or the serial floor in granules), then a bitmap of released
 * ids that may be reused. Fresh ids (never used) come from a counter and are preferred.
 */
class IdSpace {
  readonly words: Int32Array;
  readonly scope: IdSpaceScope;
  /** Names of the owners that held each id, shared by the copies of the runtime in this realm. */
  readonly labels: (OwnerLabel | undefined)[];
  private readonly limit: number;
  private readonly granule: number;
  private readonly bitmapStart: number;

  constructor(words: Int32Array, scope: IdSpaceScope, labels: (OwnerLabel | undefined)[]) {
    this.words = words;
    this.scope = scope;
    this.labels = labels;
    this.limit = Atomics.load(words, W_LIMIT);
    this.granule = 2 ** granuleShift(Atomics.load(words, W_SERIAL_BITS));
    this.bitmapStart = HEADER_WORDS + 2 ** Atomics.load(words, W_OWNER_BITS);
  }

  static wordsFor(bits: number): number {
    return HEADER_WORDS + 2 ** bits + Math.ceil(2 ** bits / 32);
  }

  static format(words: Int32Array, owner: number, serial: number, first: number, limit: number): void {
    words[W_OWNER_BITS] = owner;
    words[W_SERIAL_BITS] = serial;
    words[W_NEXT_FRESH] = first;
    words[W_LIMIT] = limit;
    words[W_SCAN_HINT] = 0;
    words[W_FIRST] = first;
    Atomics.store(words, W_MAGIC, MAGIC);
  }

  static fits(words: Int32Array): boolean {
    return (
      words.length >= HEADER_WORDS &&
      Atomics.load(words, W_MAGIC) === MAGIC &&
      Atomics.load(words, W_OWNER_BITS) === DEFAULT_OWNER_BITS &&
      Atomics.load(words, W_SERIAL_BITS) === DEFAULT_SERIAL_BITS &&
      words.length === IdSpace.wordsFor(DEFAULT_OWNER_BITS)
    );
  }

  private firstUsable(id: number, granule: number): number {
    const floor = Atomics.load(this.words, HEADER_WORDS + id) * this.granule;
    return Math.ceil(floor / granule) * granule;
  }

  /** An id with at least `granule` unused serials, or 0 when none is left. */
  acquire(granule: number): { id: number; firstSerial: number } | undefined {
    const words = this.words;
    for (;;) {
      const fresh = Atomics.load(words, W_NEXT_FRESH);
      if (fresh >= this.limit) break;
      if (Atomics.compareExchange(words, W_NEXT_FRESH, fresh, fresh + 1) === fresh) {
        Atomics.store(words, HEADER_WORDS + fresh, IN_USE);
        return { id: fresh, firstSerial: 0 };
      }
    }
    // Reuse a released id: claim its bit in the bitmap, then check its serials still fit.
    const bitmapWords = Math.ceil(this.limit / 32);
    const hint = Atomics.load(words, W_SCAN_HINT) % bitmapWords;
    for (let step = 0; step < bitmapWords; step++) {
      const index = (hint + step) % bitmapWords;
      const at = this.bitmapStart + index;
      let bits = Atomics.load(words, at);
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits & -bits);
        const id = index * 32 + bit;
        const mask = 1 << bit;
        const seen = Atomics.compareExchange(words, at, bits, bits & ~mask);
        if (seen !== bits) {
          bits = seen;
          continue;
        }
        const firstSerial = this.firstUsable(id, granule);
        if (firstSerial + granule <= SERIAL_SPACE) {
          Atomics.store(words, HEADER_WORDS + id, IN_USE);
          Atomics.store(words, W_SCAN_HINT, index);
          return { id, firstSerial };
        }
        // Too few serials left for this owner's granule (a pool with many slots): leave it for another.
        Atomics.or(words, at, mask);
        bits = Atomics.load(words, at) & ~((mask << 1) - 1);
      }
    }
    return undefined;
  }

  /** Gives `id` back with the first serial its owner never issued; an exhausted id is retired. */
  release(id: number, nextSerial: number): void {
    // An id from another space (a shared pool made in a thread with a partition of its own, destroyed
    // here) is not this space's to hand out: it stays in use there, which costs one id.
    if (id < Atomics.load(this.words, W_FIRST) || id >= this.limit) return;
    const granules = Math.ceil(nextSerial / this.granule);
    // The floor is stored before the bit is set: whoever claims the bit sees it (Atomics are SC).
    Atomics.store(this.words, HEADER_WORDS + id, granules);
    const label = this.labels[id];
    if (label !== undefined) label.held = false;
    if (granules * this.granule < SERIAL_SPACE) Atomics.or(this.words, this.bitmapStart + (id >>> 5), 1 << (id & 31));
  }

  /** Whether some owner anywhere that shares this space holds `id` now. */
  inUse(id: number): boolean {
    return id > 0 && id < 2 ** Atomics.load(this.words, W_OWNER_BITS) && Atomics.load(this.words, HEADER_WORDS + id) === IN_USE;
  }
}

/** Who last held an id in this realm, and whether a copy in this realm still holds it. */
interface OwnerLabel {
  readonly text: string;
  held: boolean;
}

interface RealmIds {
  readonly version: 1;
  readonly words: Int32Array;
  readonly scope: IdSpaceScope;
  readonly labels: (OwnerLabel | undefined)[];
}

function isRealmIds(value: unknown): value is RealmIds {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<RealmIds>;
  return candidate.version === 1 && candidate.words instanceof Int32Array && IdSpace.fits(candidate.words) && Array.isArray(candidate.labels);
}

function newWords(shared: boolean): Int32Array {
  const bytes = IdSpace.wordsFor(DEFAULT_OWNER_BITS) * 4;
  return new Int32Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

/** The id space of this realm: found on globalThis (another copy made it), inherited, or made now. */
function realmIds(): RealmIds {
  const holder = globalThis as unknown as Record<symbol, unknown>;
  const existing = holder[REALM_KEY];
  if (isRealmIds(existing)) return existing;
  let words: Int32Array;
  let scope: IdSpaceScope;
  const threads = workerThreads();
  const inherited = threads?.getEnvironmentData(ENVIRONMENT_KEY);
  if (threads !== undefined && inherited instanceof SharedArrayBuffer && IdSpace.fits(new Int32Array(inherited))) {
    words = new Int32Array(inherited);
    scope = 'process';
  } else if (threads !== undefined && typeof SharedArrayBuffer === 'function') {
    words = newWords(true);
    if (threads.isMainThread) {
      IdSpace.format(words, DEFAULT_OWNER_BITS, DEFAULT_SERIAL_BITS, 1, SHARED_LIMIT);
      scope = 'process';
    } else {
      // Started before its parent loaded the runtime: a partition of the upper half of its own.
      const partitions = (2 ** DEFAULT_OWNER_BITS - SHARED_LIMIT) / PARTITION_SIZE;
      const first = SHARED_LIMIT + (threads.threadId % partitions) * PARTITION_SIZE;
      IdSpace.format(words, DEFAULT_OWNER_BITS, DEFAULT_SERIAL_BITS, first, first + PARTITION_SIZE);
      scope = 'thread-partition';
    }
    // Workers started from now on inherit this space (and pass it on to theirs).
    threads.setEnvironmentData(ENVIRONMENT_KEY, words.buffer);
  } else {
    words = newWords(typeof SharedArrayBuffer === 'function');
    IdSpace.format(words, DEFAULT_OWNER_BITS, DEFAULT_SERIAL_BITS, 1, 2 ** DEFAULT_OWNER_BITS);
    scope = 'realm';
  }
  const created: RealmIds = { version: 1, words, scope, labels: [] };
  try {
    Object.defineProperty(globalThis, REALM_KEY, { value: created, enumerable: false, configurable: true, writable: false });
  } catch {
    // A frozen global: this copy keeps the space to itself.
  }
  return created;
}

let processSpace: IdSpace | undefined;
function defaultSpace(): IdSpace {
  if (processSpace === undefined) {
    const ids = realmIds();
    processSpace = new IdSpace(ids.words, ids.scope, ids.labels);
  }
  return processSpace;
}

let space: IdSpace | undefined;
function currentSpace(): IdSpace {
  return space ?? (space = defaultSpace());
}

// Made (or found) when the runtime loads, not when the first owner is created: a worker started
// after the import, even before any arena exists, must inherit the space.
currentSpace();

/** How this copy's owner ids are shared: 'process' (every copy and inherited thread), 'thread-partition', 'realm' or 'test'. */
export function idSpaceScope(): IdSpaceScope {
  return currentSpace().scope;
}

/** Whether `id` is held by a live owner anywhere the id space is shared (other copies, other threads). */
export function idInUseAnywhere(id: number): boolean {
  return currentSpace().inUse(id);
}

// ---- live owners of this copy ------------------------------------------------------------------

/**
 * What an owner leaves behind to be released if it is collected without destroy(). It must not
 * reference the owner (or the owner could never be collected): owners give it the typed arrays and
 * numbers it needs and keep them current on their slow paths.
 */
export interface OwnerReclaimer {
  /** Takes the owner's live allocations out of the stats; returns the first serial it never issued (an upper bound is fine). */
  reclaim(): number;
}

interface Ticket {
  readonly id: number;
  readonly space: IdSpace;
  readonly reclaimer: OwnerReclaimer | undefined;
}

interface OwnerRef {
  deref(): RegisteredOwner | undefined;
}

const weakRefs = typeof WeakRef === 'function';
// Maps, not arrays indexed by id: ids come from a process-wide space, so this copy's may be sparse
// and high, and listing live owners should cost what is alive, not the highest id.
const refsById = new Map<number, OwnerRef>();
const ticketsById = new Map<number, Ticket>();
let liveOwnerCount = 0;
let reclaimedOwners = 0;

const finalizer =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Ticket>((ticket) => {
        reclaimTicket(ticket);
      })
    : undefined;

function reclaimTicket(ticket: Ticket): void {
  if (ticketsById.get(ticket.id) !== ticket) return; // released already (destroy raced the finalizer)
  let nextSerial = SERIAL_SPACE;
  try {
    if (ticket.reclaimer !== undefined) nextSerial = ticket.reclaimer.reclaim();
  } finally {
    refsById.delete(ticket.id);
    ticketsById.delete(ticket.id);
    liveOwnerCount--;
    reclaimedOwners++;
    ticket.space.release(ticket.id, nextSerial);
  }
}

/** Owners collected without destroy() and released by the finalizer so far (this copy). */
export function reclaimedOwnerCount(): number {
  return reclaimedOwners;
}

export interface HandleLayout {
  readonly ownerBits: number;
  readonly serialBits: number;
}

export function getHandleLayout(): HandleLayout {
  return { ownerBits, serialBits };
}

/**
 * Changes the handle widths (testing only: forces id and generation exhaustion quickly).
 * Allowed only while no owner of this copy is alive. A layout other than the default gets a private
 * id space whose ids start over, so handles issued before the call must not be used afterwards;
 * the default layout goes back to the process-wide space. `ownerBits + serialBits` must be at most 53.
 */
export function configureHandleLayout(layout: HandleLayout): void {
  const { ownerBits: nextOwnerBits, serialBits: nextSerialBits } = layout;
  if (
    !Number.isInteger(nextOwnerBits) ||
    !Number.isInteger(nextSerialBits) ||
    nextOwnerBits < 1 ||
    nextSerialBits < 2 ||
    nextOwnerBits + nextSerialBits > 53 ||
    nextOwnerBits > 20
  ) {
    throw new ArenaError(
      'ERR_INVALID_SIZE',
      `invalid handle layout ${JSON.stringify(layout)}: need ownerBits from 1 to 20, serialBits >= 2, sum <= 53`,
    );
  }
  releaseIdleOwners();
  if (liveOwnerCount !== 0) {
    throw new ArenaError('ERR_INVALID_SIZE', `cannot change the handle layout while ${liveOwnerCount} arenas/pools are alive`);
  }
  ownerBits = nextOwnerBits;
  serialBits = nextSerialBits;
  SERIAL_SPACE = 2 ** serialBits;
  ownerLimit = 2 ** ownerBits;
  refsById.clear();
  ticketsById.clear();
  if (ownerBits === DEFAULT_OWNER_BITS && serialBits === DEFAULT_SERIAL_BITS) {
    space = defaultSpace();
  } else {
    const words = new Int32Array(IdSpace.wordsFor(ownerBits));
    IdSpace.format(words, ownerBits, serialBits, 1, ownerLimit);
    space = new IdSpace(words, 'test', []);
  }
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

function labelFor(owner: RegisteredOwner): string {
  return `${owner.ownerKind === 'objectPool' ? 'object pool' : owner.ownerKind === 'tagged' ? 'tagged heap' : owner.ownerKind} "${owner.name}"`;
}

/**
 * Gives `owner` an id with at least `granule` unused serials, starting at a multiple of `granule`.
 * Prefers ids never used before (their handles are the easiest to tell apart), then reused ids.
 * With a `reclaimer`, the owner is held weakly: if it is collected without destroy(), the reclaimer
 * runs and the id is released (FinalizationRegistry).
 */
export function acquireOwnerId(owner: RegisteredOwner, granule: number, reclaimer?: OwnerReclaimer): { id: number; firstSerial: number } {
  const ids = currentSpace();
  const acquired = ids.acquire(granule);
  if (acquired === undefined) {
    throw new ArenaError(
      'ERR_OUT_OF_MEMORY',
      `cannot create ${owner.ownerKind} "${owner.name}": all owner ids are in use or retired ${ids.scope === 'process' ? 'in the process' : ids.scope === 'thread-partition' ? "in this thread's partition" : 'in this id space'} (${liveOwnerCount} arenas/pools alive in this copy of the runtime)`,
      { ownerName: owner.name, ownerKind: owner.ownerKind },
    );
  }
  adopt(owner, acquired.id, ids, reclaimer);
  return acquired;
}

function adopt(owner: RegisteredOwner, id: number, ids: IdSpace, reclaimer: OwnerReclaimer | undefined): void {
  const weak = weakRefs && finalizer !== undefined && reclaimer !== undefined;
  refsById.set(id, weak ? new WeakRef(owner) : { deref: () => owner });
  const ticket: Ticket = { id, space: ids, reclaimer };
  ticketsById.set(id, ticket);
  if (weak) finalizer.register(owner, ticket, ticket);
  ids.labels[id] = { text: labelFor(owner), held: true };
  liveOwnerCount++;
}

/**
 * Lists `owner` under an id some other thread acquired (an attached shared pool: held weakly), or
 * one acquired here for it (`strong`: the creating thread lists it until destroy). It is released
 * locally with forgetOwnerId; the id itself is released by whoever destroys the owner.
 */
export function registerForeignOwner(owner: RegisteredOwner, id: number, strong = false): void {
  refsById.set(id, weakRefs && !strong ? new WeakRef(owner) : { deref: () => owner });
  currentSpace().labels[id] = { text: labelFor(owner), held: true };
}

/** Removes an owner listed with registerForeignOwner (it was detached, or destroyed elsewhere). */
export function forgetOwnerId(id: number, owner: RegisteredOwner): void {
  if (refsById.get(id)?.deref() === owner && !ticketsById.has(id)) {
    refsById.delete(id);
    const label = currentSpace().labels[id];
    if (label !== undefined) label.held = false;
  }
}

/**
 * Returns `id` when its owner is destroyed (or moves to another id). `nextSerial` is the first
 * serial the owner never issued; the id's next owner starts there. Exhausted ids are retired.
 */
export function releaseOwnerId(id: number, nextSerial: number): void {
  const ticket = ticketsById.get(id);
  if (ticket === undefined) return;
  if (finalizer !== undefined) finalizer.unregister(ticket);
  refsById.delete(id);
  ticketsById.delete(id);
  liveOwnerCount--;
  ticket.space.release(id, nextSerial);
}

/**
 * Releases an id acquired here but owned by an object other threads may still use (a shared pool):
 * the id goes back to the process-wide space with `nextSerial`, and this copy forgets it.
 */
export function releaseSharedId(id: number, nextSerial: number): void {
  if (ticketsById.has(id)) {
    releaseOwnerId(id, nextSerial);
    return;
  }
  refsById.delete(id);
  currentSpace().release(id, nextSerial);
}

/** The live owner of this copy holding `id`, if any. */
export function ownerById(id: number): RegisteredOwner | undefined {
  return refsById.get(id)?.deref();
}

/** "arena "x"" for the last owner that held `id` in this realm (any copy), even if it was destroyed. */
export function lastOwnerLabel(id: number): string | undefined {
  return currentSpace().labels[id]?.text;
}

/** This copy's owners not destroyed and not collected, lowest id first. */
export function liveOwners(): RegisteredOwner[] {
  const ids = [...refsById.keys()].sort((a, b) => a - b);
  const owners: RegisteredOwner[] = [];
  for (const id of ids) {
    const owner = refsById.get(id)!.deref();
    if (owner !== undefined) owners.push(owner);
  }
  return owners;
}

/** Why a well-formed handle is not one of `ownId`'s: shared by arenas and pools. */
export function foreignReason(handleId: number, ownId: number, earlierOwner: boolean): string {
  if (earlierOwner) return 'it belongs to an earlier owner of the same id, since destroyed';
  if (handleId === ownId) return 'this owner never issued it';
  const live = ownerById(handleId);
  if (live !== undefined) return `it belongs to ${describeOwner(live.ownerKind, live.name)}`;
  const last = lastOwnerLabel(handleId);
  if (idInUseAnywhere(handleId)) {
    // Live, but not in this copy: held by another copy in this realm (it left its name), or elsewhere.
    return currentSpace().labels[handleId]?.held === true
      ? `it belongs to ${last!} of another copy of the runtime`
      : 'it belongs to an arena or pool of another thread (a handle means nothing outside the thread that issued it, except a shared pool\'s)';
  }
  return last === undefined ? 'no arena or pool of this thread issued it' : `it belongs to ${last}, since destroyed`;
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
