// A reference model of the runtime for property tests: an interpreter runs one generated program
// against the real runtime and against plain bookkeeping side by side, and after every step checks
// that the two agree (liveness, error codes, addresses, contents, counters, tag stats).
//
// The model deliberately knows little about layout: it does not predict addresses or padding, only
// what must hold for any correct allocator (no overlap, alignment, bounds, what was written reads back).

import type { Arena, ArenaErrorCode, Handle, MemStats, ObjectPool, Pool, Tag } from '../../runtime/types.js';

/** The parts of `eslint-plugin-arena/runtime` the interpreter drives. */
export interface RuntimeUnderTest {
  createArena(initialSize: number, name: string, options?: { tag?: Tag; maxBytes?: number }): Arena;
  createPool(objectSize: number, initialCount: number, name: string, options?: { tag?: Tag; growable?: boolean }): Pool;
  createObjectPool<T>(
    factory: () => T,
    initialCount: number,
    name: string,
    options?: { tag?: Tag; growable?: boolean; reset?: (object: T) => void; bytesPerObject?: number },
  ): ObjectPool<T>;
  allocTagged(size: number, tag: Tag): Handle;
  freeTagged(handle: Handle, tag: Tag): void;
  getStats(tag: Tag): MemStats;
  setStatsEnabled(on: boolean): void;
  taggedBytes(handle: Handle): Uint8Array;
  isTaggedLive(handle: Handle): boolean;
  readonly ArenaError: abstract new (...args: never[]) => Error;
}

// ---------------------------------------------------------------------------------------------
// Programs

/** `destroy()` throws on an owner already destroyed; `[Symbol.dispose]()` (what `using` calls) does nothing. */
export type DestroyVia = 'destroy' | 'dispose';

/** Indexes are taken modulo the number of candidates, so any generated program is runnable. */
export type Op =
  | { readonly op: 'createArena'; readonly initialSize: number; readonly maxBytes: number | null; readonly tag: number }
  | { readonly op: 'alloc'; readonly arena: number; readonly size: number; readonly tag: number | null }
  | { readonly op: 'allocAligned'; readonly arena: number; readonly size: number; readonly align: number; readonly tag: number | null }
  | { readonly op: 'allocInvalidSize'; readonly arena: number; readonly size: number }
  | { readonly op: 'allocInvalidAlign'; readonly arena: number; readonly align: number }
  | { readonly op: 'allocInvalidTag'; readonly arena: number; readonly tag: number }
  | { readonly op: 'reset'; readonly arena: number }
  | { readonly op: 'destroyArena'; readonly arena: number; readonly via: DestroyVia }
  | { readonly op: 'createPool'; readonly objectSize: number; readonly count: number; readonly growable: boolean; readonly tag: number }
  | { readonly op: 'poolAlloc'; readonly pool: number }
  | { readonly op: 'free'; readonly handle: number }
  | { readonly op: 'destroyPool'; readonly pool: number; readonly via: DestroyVia }
  | { readonly op: 'createObjectPool'; readonly count: number; readonly growable: boolean; readonly tag: number; readonly bytesPerObject: number }
  | { readonly op: 'objectAlloc'; readonly objectPool: number }
  | { readonly op: 'objectFree'; readonly handle: number }
  | { readonly op: 'destroyObjectPool'; readonly objectPool: number; readonly via: DestroyVia }
  | { readonly op: 'allocTagged'; readonly size: number; readonly tag: number }
  | { readonly op: 'freeTagged'; readonly handle: number; readonly wrongTag: boolean }
  | { readonly op: 'write'; readonly handle: number; readonly seed: number }
  | { readonly op: 'read'; readonly handle: number }
  | { readonly op: 'readViaOther'; readonly handle: number; readonly owner: number }
  /**
   * Shows a handle (of a destroyed owner, when there is one) to the owner created last: after a
   * destroy, that one most likely reuses the old owner's id.
   */
  | { readonly op: 'readViaNewest'; readonly handle: number }
  /** Passes something that is not a handle (NOT_HANDLES[value]) to every accessor of an owner. */
  | { readonly op: 'notAHandle'; readonly owner: number; readonly value: number }
  /** Stats off: allocations made now are never counted, not even when they are freed later. */
  | { readonly op: 'setStats'; readonly on: boolean }
  /** Reads every peak and getStats (see ModelSettings.observeEveryStep). */
  | { readonly op: 'observe' }
  /**
   * A checked accessor (ACCESSORS[accessor]: getUint32, setFloat64...) on an arena or pool handle.
   * A whole `offset` >= 0 is taken modulo (size + 8), so some accesses overrun the allocation; any
   * other offset (negative, fractional, NaN, 2^32) is passed as is and must be refused.
   */
  | { readonly op: 'access'; readonly handle: number; readonly accessor: number; readonly offset: number; readonly value: number; readonly write: boolean }
  /** A bulk copy (`write(h, offset, source)` or `read(h, offset, target)`) of `length` bytes. */
  | { readonly op: 'bulk'; readonly handle: number; readonly offset: number; readonly length: number; readonly seed: number; readonly write: boolean };

/** The checked accessors and the width of what each reads or writes. */
export const ACCESSORS = [
  ['Uint8', 1],
  ['Int8', 1],
  ['Uint16', 2],
  ['Int16', 2],
  ['Uint32', 4],
  ['Int32', 4],
  ['Float32', 4],
  ['Float64', 8],
] as const;
type AccessorType = (typeof ACCESSORS)[number][0];

/** Interpreter settings a property fixes for all its programs. */
export interface ModelSettings {
  /** Tags private to the property file, so their stats move only with the program. */
  readonly tags: readonly Tag[];
  /** Bytes an arena allocation charges to its tag. */
  readonly arenaChargedBytes: (size: number) => number;
  /** Alignment `arena.alloc` guarantees without being asked (DEFAULT_ALIGNMENT). */
  readonly defaultAlignment: number;
  /**
   * Owner ids available under a shrunken handle layout (2^ownerBits - 1). Creating an owner may then
   * fail with ERR_OUT_OF_MEMORY once that many owners (counting the tagged heap) are alive.
   */
  readonly ownerIds?: number;
  /** The owner id a handle carries, when the layout is known, to count foreign handles whose id was reused. */
  readonly ownerIdOf?: (handle: Handle) => number;
  /**
   * Set when the program runs in debug mode: then views taken before an arena reset/destroy or a
   * tagged free must be detached (length 0), and a freed pool slot must read this poison byte.
   */
  readonly debugPoisonByte?: number;
  /**
   * Whether peaks and getStats are read after every step (the default) or only at `observe` steps
   * and at the end. Reading rarely is what catches a peak that is only folded in when read: between
   * two observations the runtime must remember the highest value on its own, across frees and resets.
   */
  readonly observeEveryStep?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Model state

type Kind = 'arena' | 'pool' | 'objectPool' | 'tagged';

interface ModelOwner {
  readonly kind: Exclude<Kind, 'tagged'>;
  readonly label: string;
  destroyed: boolean;
}

interface ModelArena extends ModelOwner {
  readonly kind: 'arena';
  readonly real: Arena;
  readonly initialSize: number;
  readonly maxBytes: number | null;
  readonly defaultTag: Tag;
  /** Bytes requested since the last reset: a lower bound for `used`. */
  requestedSinceReset: number;
  generation: number;
  peak: number;
  capacity: number;
}

interface ModelPool extends ModelOwner {
  readonly kind: 'pool';
  readonly real: Pool;
  readonly objectSize: number;
  readonly initialCount: number;
  readonly growable: boolean;
  readonly tag: Tag;
  capacity: number;
  inUse: number;
  peak: number;
  /** Address of the slot freed most recently, while no alloc has happened since. */
  lastFreedAddress: number | null;
}

interface PooledObject {
  readonly id: number;
  value: number;
  resets: number;
}

interface ModelObjectPool extends ModelOwner {
  readonly kind: 'objectPool';
  readonly real: ObjectPool<PooledObject>;
  readonly initialCount: number;
  readonly growable: boolean;
  readonly tag: Tag;
  readonly bytesPerObject: number;
  /** Every object the factory made, in creation order. */
  readonly made: PooledObject[];
  capacity: number;
  inUse: number;
  peak: number;
  lastFreedObject: PooledObject | null;
}

type AnyOwner = ModelArena | ModelPool | ModelObjectPool;

type HandleState = 'live' | 'reset' | 'freed';

interface ModelHandle {
  readonly label: string;
  readonly kind: Kind;
  readonly real: Handle;
  /** Undefined for tagged allocations, which have no owner object. */
  readonly owner: AnyOwner | undefined;
  readonly size: number;
  readonly align: number;
  readonly tag: Tag;
  state: HandleState;
  /** Seed of the last pattern written, or null when the contents are unspecified. */
  written: number | null;
  /** The expected contents after writes through the accessors (then `written` is null), or null. */
  shadow: Uint8Array | null;
  /** Pooled object identity behind an object-pool handle. */
  readonly object: PooledObject | undefined;
  /** Views handed out for writes (debug mode checks they die with the allocation). */
  views: Uint8Array[];
  /** Whether stats were on when it was allocated (only then does it count, until it is released). */
  readonly counted: boolean;
}

interface TagTotals {
  current: number;
  peak: number;
  allocs: number;
  frees: number;
  live: number;
}

/**
 * How often each interesting situation came up, across every program run in this process, so a test
 * can show the generators reach them (a property that never meets a stale handle proves nothing).
 */
export const coverage = new Map<string, number>();

function note(event: string): void {
  coverage.set(event, (coverage.get(event) ?? 0) + 1);
}

/** Raised when the runtime disagrees with the model; the message carries the whole trace. */
export class ModelMismatch extends Error {
  override readonly name = 'ModelMismatch';
}

/** Values that are not handles: negative, fractional, unsafe, not numbers, and 0 (owner id 0 is never issued). */
export const NOT_HANDLES: readonly unknown[] = [-1, 0, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '1', null, undefined, {}, 1n, Symbol('handle')];

const pattern = (seed: number, index: number): number => (seed + index * 31 + (index >> 3)) & 0xff;

/** The model's side of an accessor: the same little-endian access on a plain DataView. */
function getThrough(view: DataView, type: AccessorType, offset: number): number {
  switch (type) {
    case 'Uint8':
      return view.getUint8(offset);
    case 'Int8':
      return view.getInt8(offset);
    case 'Uint16':
      return view.getUint16(offset, true);
    case 'Int16':
      return view.getInt16(offset, true);
    case 'Uint32':
      return view.getUint32(offset, true);
    case 'Int32':
      return view.getInt32(offset, true);
    case 'Float32':
      return view.getFloat32(offset, true);
    case 'Float64':
      return view.getFloat64(offset, true);
  }
}

function setThrough(view: DataView, type: AccessorType, offset: number, value: number): void {
  switch (type) {
    case 'Uint8':
      return view.setUint8(offset, value);
    case 'Int8':
      return view.setInt8(offset, value);
    case 'Uint16':
      return view.setUint16(offset, value, true);
    case 'Int16':
      return view.setInt16(offset, value, true);
    case 'Uint32':
      return view.setUint32(offset, value, true);
    case 'Int32':
      return view.setInt32(offset, value, true);
    case 'Float32':
      return view.setFloat32(offset, value, true);
    case 'Float64':
      return view.setFloat64(offset, value, true);
  }
}

function describeThrown(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return `${error.constructor.name}${typeof code === 'string' ? `(${code})` : ''}: ${error.message.split('\n')[0]}`;
  }
  return `non-error ${String(error)}`;
}

/**
 * Runs `program` against the runtime and the model. Throws `ModelMismatch` describing the first
 * disagreement, preceded by the trace of the steps that led to it.
 */
export function runProgram(runtime: RuntimeUnderTest, settings: ModelSettings, program: readonly Op[]): void {
  const interpreter = new Interpreter(runtime, settings);
  try {
    interpreter.start();
    for (const [index, op] of program.entries()) interpreter.step(index, op);
    interpreter.finish();
  } finally {
    interpreter.cleanUp();
  }
}

class Interpreter {
  private readonly arenas: ModelArena[] = [];
  private readonly pools: ModelPool[] = [];
  private readonly objectPools: ModelObjectPool[] = [];
  private readonly handles: ModelHandle[] = [];
  /** Every owner in creation order. */
  private readonly owners: AnyOwner[] = [];
  private readonly trace: string[] = [];
  private readonly baseline = new Map<Tag, MemStats>();
  private readonly totals = new Map<Tag, TagTotals>();
  private nextObjectId = 0;
  private statsOn = true;
  /** Whether this step reads peaks and stats (always, unless settings.observeEveryStep is false). */
  private observing = true;

  constructor(
    private readonly runtime: RuntimeUnderTest,
    private readonly settings: ModelSettings,
  ) {}

  start(): void {
    for (const tag of this.settings.tags) {
      const stats = this.runtime.getStats(tag);
      this.baseline.set(tag, { ...stats });
      this.totals.set(tag, { current: 0, peak: 0, allocs: 0, frees: 0, live: 0 });
      this.expect(stats.currentBytes === 0 && stats.allocCount === 0, `tag ${tag} starts a program with nothing live`, stats);
    }
  }

  // -------------------------------------------------------------------------------------------
  // failure reporting

  private fail(message: string, detail?: unknown): never {
    const extra = detail === undefined ? '' : `\n    got: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`;
    throw new ModelMismatch(`${message}${extra}\n  trace:\n${this.trace.map((line) => `    ${line}`).join('\n')}`);
  }

  private expect(condition: boolean, message: string, detail?: unknown): void {
    if (!condition) this.fail(message, detail);
  }

  private log(line: string): void {
    this.trace.push(line);
  }

  /** Calls `action`, which must throw an error with `code`. */
  private expectCode(code: ArenaErrorCode, what: string, action: () => unknown): void {
    let result: unknown;
    try {
      result = action();
    } catch (error) {
      const actual = (error as { code?: unknown } | null)?.code;
      if (actual !== code) this.fail(`${what} should throw ${code}`, describeThrown(error));
      if (!(error instanceof this.runtime.ArenaError)) this.fail(`${what} should throw an ArenaError`, describeThrown(error));
      note(code);
      return;
    }
    this.fail(`${what} should throw ${code} but returned`, String(result));
  }

  /** Calls `action`, which must not throw. */
  private attempt<T>(what: string, action: () => T): T {
    try {
      return action();
    } catch (error) {
      return this.fail(`${what} threw unexpectedly`, describeThrown(error));
    }
  }

  // -------------------------------------------------------------------------------------------
  // stats bookkeeping

  private tagAt(index: number | null, fallback: Tag): Tag {
    if (index === null) return fallback;
    const tag = this.settings.tags[index % this.settings.tags.length];
    if (tag === undefined) throw new Error('ModelSettings.tags must not be empty');
    return tag;
  }

  private charge(tag: Tag, bytes: number): void {
    const totals = this.totals.get(tag);
    if (!totals) return;
    totals.current += bytes;
    totals.peak = Math.max(totals.peak, totals.current);
    totals.allocs += 1;
    totals.live += 1;
  }

  private release(tag: Tag, bytes: number): void {
    const totals = this.totals.get(tag);
    if (!totals) return;
    totals.current -= bytes;
    totals.frees += 1;
    totals.live -= 1;
  }

  private chargedBytes(handle: ModelHandle): number {
    switch (handle.kind) {
      case 'arena':
        return this.settings.arenaChargedBytes(handle.size);
      case 'objectPool':
        return (handle.owner as ModelObjectPool).bytesPerObject;
      default:
        return handle.size;
    }
  }

  private retire(handle: ModelHandle, state: Exclude<HandleState, 'live'>): void {
    handle.state = state;
    if (handle.counted) this.release(handle.tag, this.chargedBytes(handle));
    if (this.settings.debugPoisonByte === undefined) return;
    // Every allocation made in debug mode dies detached: a pool slot lives on memory of its own
    // (its block's bytes are poisoned), arena chunks and tagged buffers are detached whole.
    for (const view of handle.views) {
      this.expect(view.length === 0 && view.byteLength === 0, `debug mode detaches views of ${handle.label} taken before it went stale`, view.length);
      note(handle.kind === 'pool' ? 'debug: freed pool slot detached' : 'debug: stale view detached');
    }
    handle.views = [];
  }

  // -------------------------------------------------------------------------------------------
  // resolving indexes

  private pick<T>(list: readonly T[], index: number): T | undefined {
    return list.length === 0 ? undefined : list[index % list.length];
  }

  private addHandle(fields: Omit<ModelHandle, 'label' | 'state' | 'written' | 'shadow' | 'views' | 'counted'>): ModelHandle {
    const handle: ModelHandle = { ...fields, label: `h${this.handles.length}`, state: 'live', written: null, shadow: null, views: [], counted: this.statsOn };
    this.handles.push(handle);
    if (handle.counted) this.charge(handle.tag, this.chargedBytes(handle));
    else note('allocation made with stats off');
    return handle;
  }

  /** Creates an owner; only a full owner-id space (see ModelSettings.ownerIds) may refuse. */
  private createOwner<T>(what: string, create: () => T): T | undefined {
    try {
      return create();
    } catch (error) {
      const alive = [...this.arenas, ...this.pools, ...this.objectPools].filter((owner) => !owner.destroyed).length;
      const code = (error as { code?: unknown } | null)?.code;
      if (this.settings.ownerIds !== undefined && code === 'ERR_OUT_OF_MEMORY' && alive >= this.settings.ownerIds - 1) {
        this.log(`${what} -> refused, ${alive} owners alive: ${describeThrown(error)}`);
        note('owner ids exhausted');
        return undefined;
      }
      return this.fail(`${what} threw unexpectedly`, describeThrown(error));
    }
  }

  /**
   * Destroys an owner through `destroy()` or `[Symbol.dispose]()`. Returns false when it was already
   * destroyed (after checking that destroy() refuses and dispose() is a no-op).
   */
  private destroyOwner(at: string, owner: AnyOwner, via: DestroyVia): boolean {
    const call = via === 'destroy' ? `${owner.label}.destroy()` : `${owner.label}[Symbol.dispose]()`;
    const run = (): void => (via === 'destroy' ? owner.real.destroy() : owner.real[Symbol.dispose]());
    if (owner.destroyed) {
      this.log(`${at} ${call} again`);
      if (via === 'destroy') this.expectCode('ERR_ARENA_DESTROYED', `${call} a second time`, run);
      else this.attempt(`${call} after destroy (must be a no-op)`, run);
      return false;
    }
    this.attempt(call, run);
    this.log(`${at} ${call}`);
    this.expect(owner.real.destroyed, `${owner.label}.destroyed after ${call}`);
    owner.destroyed = true;
    return true;
  }

  private createArena(initialSize: number, maxBytes: number | null, tag: Tag): ModelArena | undefined {
    const label = `a${this.arenas.length}`;
    const options = maxBytes === null ? { tag } : { tag, maxBytes };
    const real = this.createOwner(`createArena(${initialSize}, ${label})`, () => this.runtime.createArena(initialSize, label, options));
    if (real === undefined) return undefined;
    const arena: ModelArena = {
      kind: 'arena', label, real, initialSize, maxBytes, defaultTag: tag, destroyed: false,
      requestedSinceReset: 0, generation: real.generation, peak: 0, capacity: real.capacity,
    };
    this.expect(real.name === label, `${label}.name`, real.name);
    this.expect(real.used === 0 && real.peak === 0 && real.overflow === 0, `${label} starts empty`, { used: real.used, peak: real.peak, overflow: real.overflow });
    this.expect(real.capacity >= initialSize, `${label}.capacity >= initialSize ${initialSize}`, real.capacity);
    this.arenas.push(arena);
    this.owners.push(arena);
    this.log(`${label} = createArena(${initialSize}, { tag: ${tag}${maxBytes === null ? '' : `, maxBytes: ${maxBytes}`} })`);
    return arena;
  }

  private createPool(objectSize: number, count: number, growable: boolean, tag: Tag): ModelPool | undefined {
    const label = `p${this.pools.length}`;
    const real = this.createOwner(`createPool(${objectSize}, ${count}, ${label})`, () => this.runtime.createPool(objectSize, count, label, { tag, growable }));
    if (real === undefined) return undefined;
    const pool: ModelPool = {
      kind: 'pool', label, real, objectSize, initialCount: count, growable, tag, destroyed: false,
      capacity: count, inUse: 0, peak: 0, lastFreedAddress: null,
    };
    this.pools.push(pool);
    this.owners.push(pool);
    this.log(`${label} = createPool(${objectSize}, ${count}, { tag: ${tag}, growable: ${growable} })`);
    return pool;
  }

  private createObjectPool(count: number, growable: boolean, tag: Tag, bytesPerObject: number): ModelObjectPool | undefined {
    const label = `o${this.objectPools.length}`;
    const made: PooledObject[] = [];
    const real = this.createOwner(`createObjectPool(${count}, ${label})`, () =>
      this.runtime.createObjectPool<PooledObject>(
        () => {
          const object = { id: this.nextObjectId++, value: 0, resets: 0 };
          made.push(object);
          return object;
        },
        count,
        label,
        {
          tag,
          growable,
          bytesPerObject,
          reset: (object) => {
            object.value = 0;
            object.resets += 1;
          },
        },
      ),
    );
    if (real === undefined) return undefined;
    const pool: ModelObjectPool = {
      kind: 'objectPool', label, real, initialCount: count, growable, tag, bytesPerObject, made, destroyed: false,
      capacity: count, inUse: 0, peak: 0, lastFreedObject: null,
    };
    this.objectPools.push(pool);
    this.owners.push(pool);
    this.log(`${label} = createObjectPool(${count}, { tag: ${tag}, growable: ${growable}, bytesPerObject: ${bytesPerObject} })`);
    return pool;
  }

  // -------------------------------------------------------------------------------------------
  // steps

  step(index: number, op: Op): void {
    const at = `#${index}`;
    this.observing = this.settings.observeEveryStep !== false;
    switch (op.op) {
      case 'createArena':
        this.createArena(op.initialSize, op.maxBytes, this.tagAt(op.tag, this.settings.tags[0] as Tag));
        break;
      case 'alloc':
      case 'allocAligned': {
        const arena = this.pick(this.arenas, op.arena);
        if (!arena) return this.log(`${at} ${op.op}: no arena, skipped`);
        this.arenaAlloc(at, arena, op.size, op.op === 'allocAligned' ? op.align : null, op.tag);
        break;
      }
      case 'allocInvalidSize': {
        const arena = this.pick(this.arenas, op.arena);
        if (!arena) return;
        const expected: ArenaErrorCode = arena.destroyed ? 'ERR_ARENA_DESTROYED' : 'ERR_INVALID_SIZE';
        this.log(`${at} ${arena.label}.alloc(${op.size}) -> expect ${expected}`);
        this.expectCode(expected, `${arena.label}.alloc(${op.size})`, () => arena.real.alloc(op.size));
        this.expectCode(expected, `${arena.label}.allocAligned(${op.size}, 8)`, () => arena.real.allocAligned(op.size, 8));
        break;
      }
      case 'allocInvalidAlign': {
        const arena = this.pick(this.arenas, op.arena);
        if (!arena) return;
        const expected: ArenaErrorCode = arena.destroyed ? 'ERR_ARENA_DESTROYED' : 'ERR_INVALID_ALIGNMENT';
        this.log(`${at} ${arena.label}.allocAligned(8, ${op.align}) -> expect ${expected}`);
        this.expectCode(expected, `${arena.label}.allocAligned(8, ${op.align})`, () => arena.real.allocAligned(8, op.align));
        break;
      }
      case 'allocInvalidTag': {
        const arena = this.pick(this.arenas, op.arena);
        // Which error wins on a destroyed arena is checked by its own property (see property.test.ts).
        if (!arena || arena.destroyed) return;
        const expected: ArenaErrorCode = 'ERR_INVALID_TAG';
        const tag = op.tag as Tag;
        this.log(`${at} ${arena.label}.alloc(8, ${op.tag}) -> expect ${expected}`);
        this.expectCode(expected, `${arena.label}.alloc(8, ${op.tag})`, () => arena.real.alloc(8, tag));
        this.expectCode(expected, `${arena.label}.allocAligned(8, 8, ${op.tag})`, () => arena.real.allocAligned(8, 8, tag));
        break;
      }
      case 'reset': {
        const arena = this.pick(this.arenas, op.arena);
        if (!arena) return;
        if (arena.destroyed) {
          this.log(`${at} ${arena.label}.reset() on destroyed arena -> expect ERR_ARENA_DESTROYED`);
          this.expectCode('ERR_ARENA_DESTROYED', `${arena.label}.reset() after destroy`, () => arena.real.reset());
          break;
        }
        const before = arena.real.generation;
        this.attempt(`${arena.label}.reset()`, () => arena.real.reset());
        this.log(`${at} ${arena.label}.reset()`);
        this.expect(arena.real.generation > before, `${arena.label}.generation grows on reset`, { before, after: arena.real.generation });
        this.expect(arena.real.used === 0, `${arena.label}.used is 0 after reset`, arena.real.used);
        this.expect(arena.real.capacity >= arena.initialSize, `${arena.label} keeps at least its initial capacity across reset`, arena.real.capacity);
        arena.generation = arena.real.generation;
        arena.requestedSinceReset = 0;
        for (const handle of this.handles) if (handle.owner === arena && handle.state === 'live') this.retire(handle, 'reset');
        break;
      }
      case 'destroyArena': {
        const arena = this.pick(this.arenas, op.arena);
        if (!arena || !this.destroyOwner(at, arena, op.via)) return;
        for (const handle of this.handles) if (handle.owner === arena && handle.state === 'live') this.retire(handle, 'reset');
        this.expectCode('ERR_ARENA_DESTROYED', `${arena.label}.alloc(8) after destroy`, () => arena.real.alloc(8));
        break;
      }
      case 'createPool':
        this.createPool(op.objectSize, op.count, op.growable, this.tagAt(op.tag, this.settings.tags[0] as Tag));
        break;
      case 'poolAlloc': {
        const pool = this.pick(this.pools, op.pool);
        if (!pool) return;
        this.poolAlloc(at, pool);
        break;
      }
      case 'destroyPool': {
        const pool = this.pick(this.pools, op.pool);
        if (!pool || !this.destroyOwner(at, pool, op.via)) return;
        for (const handle of this.handles) if (handle.owner === pool && handle.state === 'live') this.retire(handle, 'freed');
        this.expectCode('ERR_ARENA_DESTROYED', `${pool.label}.alloc() after destroy`, () => pool.real.alloc());
        break;
      }
      case 'createObjectPool':
        this.createObjectPool(op.count, op.growable, this.tagAt(op.tag, this.settings.tags[0] as Tag), op.bytesPerObject);
        break;
      case 'objectAlloc': {
        const pool = this.pick(this.objectPools, op.objectPool);
        if (!pool) return;
        this.objectAlloc(at, pool);
        break;
      }
      case 'destroyObjectPool': {
        const pool = this.pick(this.objectPools, op.objectPool);
        if (!pool || !this.destroyOwner(at, pool, op.via)) return;
        for (const handle of this.handles) if (handle.owner === pool && handle.state === 'live') this.retire(handle, 'freed');
        this.expectCode('ERR_ARENA_DESTROYED', `${pool.label}.alloc() after destroy`, () => pool.real.alloc());
        break;
      }
      case 'free':
      case 'objectFree': {
        const kind = op.op === 'free' ? 'pool' : 'objectPool';
        const handle = this.pick(this.handles.filter((candidate) => candidate.kind === kind), op.handle);
        if (!handle) return;
        this.free(at, handle);
        break;
      }
      case 'allocTagged': {
        const tag = this.tagAt(op.tag, this.settings.tags[0] as Tag);
        // The tagged heap takes an owner id of its own when its first allocation is live.
        const real = this.createOwner(`allocTagged(${op.size}, ${tag})`, () => this.runtime.allocTagged(op.size, tag));
        if (real === undefined) return;
        const handle = this.addHandle({ kind: 'tagged', real, owner: undefined, size: op.size, align: 1, tag, object: undefined });
        this.log(`${at} ${handle.label} = allocTagged(${op.size}, ${tag}) -> ${real}`);
        break;
      }
      case 'freeTagged': {
        const handle = this.pick(this.handles.filter((candidate) => candidate.kind === 'tagged'), op.handle);
        if (!handle) return;
        const wrongTag = this.settings.tags.find((tag) => tag !== handle.tag);
        if (handle.state === 'live' && op.wrongTag && wrongTag !== undefined) {
          this.log(`${at} freeTagged(${handle.label}, ${wrongTag}) with the wrong tag -> expect ERR_INVALID_TAG`);
          this.expectCode('ERR_INVALID_TAG', `freeTagged(${handle.label}) with tag ${wrongTag} instead of ${handle.tag}`, () => this.runtime.freeTagged(handle.real, wrongTag));
        } else if (handle.state === 'live') {
          this.attempt(`freeTagged(${handle.label})`, () => this.runtime.freeTagged(handle.real, handle.tag));
          this.retire(handle, 'freed');
          this.log(`${at} freeTagged(${handle.label}, ${handle.tag})`);
        } else {
          this.log(`${at} freeTagged(${handle.label}) again -> expect ERR_DOUBLE_FREE`);
          this.expectCode('ERR_DOUBLE_FREE', `second freeTagged(${handle.label})`, () => this.runtime.freeTagged(handle.real, handle.tag));
        }
        break;
      }
      case 'write': {
        const handle = this.pick(this.handles.filter((candidate) => candidate.kind !== 'objectPool'), op.handle);
        if (!handle) return;
        this.write(at, handle, op.seed);
        break;
      }
      case 'read': {
        const handle = this.pick(this.handles, op.handle);
        if (!handle) return;
        this.log(`${at} read ${handle.label} (${handle.state}${handle.owner?.destroyed ? ', owner destroyed' : ''})`);
        this.checkAccess(handle);
        break;
      }
      case 'readViaOther': {
        const handle = this.pick(this.handles, op.handle);
        const owners: AnyOwner[] = [...this.arenas, ...this.pools, ...this.objectPools];
        const other = this.pick(owners.filter((owner) => owner !== handle?.owner), op.owner);
        if (!handle || !other) return;
        this.log(`${at} read ${handle.label} (of ${handle.owner?.label ?? 'the tagged heap'}) through ${other.label}`);
        this.checkForeign(handle, other);
        break;
      }
      case 'notAHandle': {
        const value = NOT_HANDLES[op.value % NOT_HANDLES.length];
        const owners: (AnyOwner | undefined)[] = [...this.owners, undefined];
        const owner = owners[op.owner % owners.length];
        this.log(`${at} ${typeof value === 'string' ? JSON.stringify(value) : String(value)} given as a handle to ${owner?.label ?? 'the tagged heap'}`);
        this.checkNotAHandle(owner, value as Handle);
        break;
      }
      case 'observe':
        this.log(`${at} observe peaks and stats`);
        this.observing = true;
        break;
      case 'setStats':
        this.runtime.setStatsEnabled(op.on);
        this.statsOn = op.on;
        this.log(`${at} setStatsEnabled(${op.on})`);
        break;
      case 'access':
        this.access(at, op);
        break;
      case 'bulk':
        this.bulk(at, op);
        break;
      case 'readViaNewest': {
        // Prefer handles whose owner is gone: those are the ones whose id the newest owner may reuse.
        const orphans = this.handles.filter((candidate) => candidate.owner?.destroyed === true);
        const handle = this.pick(orphans.length > 0 ? orphans : this.handles, op.handle);
        const other = this.owners.findLast((owner) => owner !== handle?.owner);
        if (!handle || !other) return;
        this.log(`${at} read ${handle.label} (of ${handle.owner?.label ?? 'the tagged heap'}) through the newest owner ${other.label}`);
        this.checkForeign(handle, other);
        break;
      }
    }
    this.checkInvariants();
  }

  private arenaAlloc(at: string, arena: ModelArena, size: number, align: number | null, tagIndex: number | null): void {
    const tag = this.tagAt(tagIndex, arena.defaultTag);
    const call = `${arena.label}.${align === null ? `alloc(${size}` : `allocAligned(${size}, ${align}`}${tagIndex === null ? '' : `, ${tag}`})`;
    const run = (): Handle => {
      if (align === null) return tagIndex === null ? arena.real.alloc(size) : arena.real.alloc(size, tag);
      return tagIndex === null ? arena.real.allocAligned(size, align) : arena.real.allocAligned(size, align, tag);
    };
    if (arena.destroyed) {
      this.log(`${at} ${call} on destroyed arena -> expect ERR_ARENA_DESTROYED`);
      this.expectCode('ERR_ARENA_DESTROYED', `${call} after destroy`, run);
      return;
    }
    const usedBefore = arena.real.used;
    const capacityBefore = arena.real.capacity;
    if (arena.maxBytes !== null) {
      // Whatever the chunk policy, a request that fits in the remaining budget with room for its
      // padding must succeed; a refused one must leave the arena as it was.
      const worstCase = size + (align ?? 8) - 1;
      let handle: Handle;
      try {
        handle = run();
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        this.log(`${at} ${call} -> ${describeThrown(error)}`);
        this.expect(code === 'ERR_OUT_OF_MEMORY', `${call} may only fail with ERR_OUT_OF_MEMORY`, describeThrown(error));
        this.expect(worstCase > arena.maxBytes - capacityBefore, `${call} refused although ${arena.maxBytes - capacityBefore} budget bytes remain`, { capacity: capacityBefore, used: usedBefore });
        this.expect(arena.real.used === usedBefore && arena.real.capacity === capacityBefore, `a refused ${call} leaves used/capacity unchanged`, { used: arena.real.used, capacity: arena.real.capacity });
        note('budget refused an allocation');
        return;
      }
      this.recordArenaAlloc(at, arena, call, handle, size, align, tag, usedBefore, capacityBefore);
      return;
    }
    const handle = this.attempt(call, run);
    this.recordArenaAlloc(at, arena, call, handle, size, align, tag, usedBefore, capacityBefore);
  }

  private recordArenaAlloc(at: string, arena: ModelArena, call: string, real: Handle, size: number, align: number | null, tag: Tag, usedBefore: number, capacityBefore: number): void {
    const handle = this.addHandle({ kind: 'arena', real, owner: arena, size, align: align ?? this.settings.defaultAlignment, tag, object: undefined });
    const address = arena.real.addressOf(real);
    this.log(`${at} ${handle.label} = ${call} -> address ${address}, used ${arena.real.used}, capacity ${arena.real.capacity}`);
    this.expect(typeof real === 'number', `${call} returns a number handle`, typeof real);
    arena.requestedSinceReset += size;
    this.expect(arena.real.used >= usedBefore + size, `${call} advances used by at least ${size}`, { before: usedBefore, after: arena.real.used });
    if (size > arena.initialSize) this.expect(arena.real.overflow >= 1, `${call} larger than the first chunk chains an overflow chunk`, arena.real.overflow);
    if (arena.real.capacity > capacityBefore) note('arena grew a chunk');
    if (align !== null && align >= 64) note('large alignment');
  }

  private poolAlloc(at: string, pool: ModelPool): void {
    if (pool.destroyed) {
      this.log(`${at} ${pool.label}.alloc() on destroyed pool -> expect ERR_ARENA_DESTROYED`);
      this.expectCode('ERR_ARENA_DESTROYED', `${pool.label}.alloc() after destroy`, () => pool.real.alloc());
      return;
    }
    const real = this.attempt(`${pool.label}.alloc()`, () => pool.real.alloc());
    if (pool.inUse === pool.capacity && !pool.growable) {
      this.log(`${at} ${pool.label}.alloc() -> ${real} (exhausted)`);
      this.expect(real === null, `${pool.label}.alloc() returns null when all ${pool.capacity} slots are in use`, String(real));
      note('pool exhausted');
      return;
    }
    if (real === null) return this.fail(`${pool.label}.alloc() returned null with ${pool.inUse}/${pool.capacity} in use${pool.growable ? ' (growable)' : ''}`);
    if (pool.inUse === pool.capacity) {
      pool.capacity += pool.initialCount;
      note('growable pool grew');
    }
    pool.inUse += 1;
    pool.peak = Math.max(pool.peak, pool.inUse);
    const handle = this.addHandle({ kind: 'pool', real, owner: pool, size: pool.objectSize, align: 1, tag: pool.tag, object: undefined });
    const address = pool.real.addressOf(real);
    this.log(`${at} ${handle.label} = ${pool.label}.alloc() -> address ${address}`);
    if (pool.lastFreedAddress !== null) {
      this.expect(address === pool.lastFreedAddress, `${pool.label}.alloc() right after free hands back the freed slot at ${pool.lastFreedAddress}`, address);
      note('pool slot reused right after free');
    }
    pool.lastFreedAddress = null;
  }

  private objectAlloc(at: string, pool: ModelObjectPool): void {
    if (pool.destroyed) {
      this.log(`${at} ${pool.label}.alloc() on destroyed object pool -> expect ERR_ARENA_DESTROYED`);
      this.expectCode('ERR_ARENA_DESTROYED', `${pool.label}.alloc() after destroy`, () => pool.real.alloc());
      return;
    }
    const real = this.attempt(`${pool.label}.alloc()`, () => pool.real.alloc());
    if (pool.inUse === pool.capacity && !pool.growable) {
      this.log(`${at} ${pool.label}.alloc() -> ${real} (exhausted)`);
      this.expect(real === null, `${pool.label}.alloc() returns null when all ${pool.capacity} objects are in use`, String(real));
      return;
    }
    if (real === null) return this.fail(`${pool.label}.alloc() returned null with ${pool.inUse}/${pool.capacity} in use`);
    if (pool.inUse === pool.capacity) pool.capacity += pool.initialCount;
    pool.inUse += 1;
    pool.peak = Math.max(pool.peak, pool.inUse);
    const object = this.attempt(`${pool.label}.get(new handle)`, () => pool.real.get(real));
    this.expect(pool.made.includes(object), `${pool.label}.get() returns an object its factory made`);
    const handle = this.addHandle({ kind: 'objectPool', real, owner: pool, size: 0, align: 1, tag: pool.tag, object });
    this.log(`${at} ${handle.label} = ${pool.label}.alloc() -> object #${object.id}`);
    this.expect(object.value === 0, `${pool.label} hands out object #${object.id} in its reset state`, object.value);
    if (pool.lastFreedObject !== null) {
      this.expect(object === pool.lastFreedObject, `${pool.label}.alloc() right after free hands back object #${pool.lastFreedObject.id}`, `#${object.id}`);
      note('pooled object reused right after free');
    }
    pool.lastFreedObject = null;
    // Marks the object as in use so that a second live handle to it would show up.
    object.value = Number(handle.label.slice(1)) + 1;
  }

  private free(at: string, handle: ModelHandle): void {
    const owner = handle.owner as ModelPool | ModelObjectPool;
    const run = (): void => owner.real.free(handle.real);
    if (owner.destroyed) {
      this.log(`${at} ${owner.label}.free(${handle.label}) on destroyed pool -> expect ERR_ARENA_DESTROYED`);
      this.expectCode('ERR_ARENA_DESTROYED', `${owner.label}.free(${handle.label}) after destroy`, run);
      return;
    }
    if (handle.state !== 'live') {
      this.log(`${at} ${owner.label}.free(${handle.label}) again -> expect ERR_DOUBLE_FREE`);
      this.expectCode('ERR_DOUBLE_FREE', `second ${owner.label}.free(${handle.label})`, run);
      return;
    }
    const address = owner.kind === 'pool' ? owner.real.addressOf(handle.real) : null;
    this.attempt(`${owner.label}.free(${handle.label})`, run);
    this.log(`${at} ${owner.label}.free(${handle.label})`);
    this.retire(handle, 'freed');
    handle.written = null;
    handle.shadow = null;
    owner.inUse -= 1;
    if (owner.kind === 'pool') owner.lastFreedAddress = address;
    else {
      const object = handle.object as PooledObject;
      this.expect(object.value === 0, `${owner.label}.free() runs the reset callback on object #${object.id}`, object.value);
      owner.lastFreedObject = object;
    }
  }

  /** The checked view of a handle's bytes through its owner (the tagged heap for allocTagged). */
  private bytesOf(handle: ModelHandle): Uint8Array {
    const owner = handle.owner;
    if (owner === undefined) return this.runtime.taggedBytes(handle.real);
    if (owner.kind === 'objectPool') throw new Error('object pool handles have no bytes');
    return owner.real.bytes(handle.real);
  }

  private ownerLabel(handle: ModelHandle): string {
    return handle.owner?.label ?? 'tagged heap';
  }

  private write(at: string, handle: ModelHandle, seed: number): void {
    const where = `${this.ownerLabel(handle)}.bytes(${handle.label})`;
    if (handle.state !== 'live' || handle.owner?.destroyed) {
      this.log(`${at} write ${handle.label} (stale) -> expect ${this.staleCode(handle)}`);
      this.expectCode(this.staleCode(handle), `${where} for a write`, () => this.bytesOf(handle));
      return;
    }
    const view = this.attempt(where, () => this.bytesOf(handle));
    for (let index = 0; index < view.length; index++) view[index] = pattern(seed, index);
    handle.written = seed;
    handle.shadow = null;
    if (this.settings.debugPoisonByte !== undefined) handle.views.push(view);
    this.log(`${at} write ${handle.label} with pattern ${seed}`);
  }

  /** Handles the checked accessors apply to: arena and pool allocations. */
  private accessible(index: number): (ModelHandle & { readonly owner: ModelArena | ModelPool }) | undefined {
    const candidates = this.handles.filter((candidate) => candidate.owner !== undefined && candidate.owner.kind !== 'objectPool');
    return this.pick(candidates, index) as (ModelHandle & { readonly owner: ModelArena | ModelPool }) | undefined;
  }

  /** What the model knows of a live handle's bytes: the shadow, the pattern, else what bytes() shows now. */
  private expectedContents(handle: ModelHandle & { readonly owner: ModelArena | ModelPool }): Uint8Array {
    if (handle.shadow !== null) return handle.shadow;
    if (handle.written !== null) return Uint8Array.from({ length: handle.size }, (_, index) => pattern(handle.written!, index));
    return handle.owner.real.bytes(handle.real).slice();
  }

  private access(at: string, op: Extract<Op, { op: 'access' }>): void {
    const handle = this.accessible(op.handle);
    if (!handle) return;
    const owner = handle.owner;
    const [type, width] = ACCESSORS[op.accessor % ACCESSORS.length]!;
    const offset = Number.isInteger(op.offset) && op.offset >= 0 && op.offset < 2 ** 32 ? op.offset % (handle.size + 8) : op.offset;
    const real = owner.real as unknown as Record<string, (...args: unknown[]) => unknown>;
    const call = op.write ? `set${type}` : `get${type}`;
    const run = (): unknown => (op.write ? real[call]!.call(owner.real, handle.real, offset, op.value) : real[call]!.call(owner.real, handle.real, offset));
    const shown = `${owner.label}.${call}(${handle.label}, ${offset}${op.write ? `, ${op.value}` : ''})`;
    if (handle.state !== 'live' || owner.destroyed) {
      this.log(`${at} ${shown} (stale) -> expect ${this.staleCode(handle)}`);
      this.expectCode(this.staleCode(handle), shown, run);
      note('accessor on a stale handle refused');
      return;
    }
    if (!(Number.isInteger(offset) && offset >= 0 && offset + width <= handle.size)) {
      this.log(`${at} ${shown} out of bounds (size ${handle.size}) -> expect ERR_OUT_OF_BOUNDS`);
      const before = this.expectedContents(handle).slice();
      this.expectCode('ERR_OUT_OF_BOUNDS', shown, run);
      const after = owner.real.bytes(handle.real);
      this.expect(
        after.every((byte, index) => byte === before[index]),
        `a refused ${shown} writes nothing`,
        Array.from(after),
      );
      note('accessor out of bounds refused');
      return;
    }
    const expected = this.expectedContents(handle);
    const shadowView = new DataView(expected.buffer, expected.byteOffset, expected.byteLength);
    if (op.write) {
      const shadow = expected === handle.shadow ? expected : expected.slice();
      this.attempt(shown, run);
      setThrough(new DataView(shadow.buffer, shadow.byteOffset, shadow.byteLength), type, offset, op.value);
      handle.shadow = shadow;
      handle.written = null;
      this.log(`${at} ${shown}`);
      note('accessor write');
      return;
    }
    const got = this.attempt(shown, run);
    const want = getThrough(shadowView, type, offset);
    this.log(`${at} ${shown} -> ${String(got)}`);
    this.expect(Object.is(got, want), `${shown} reads what was written (${want})`, got);
    note('accessor read matched the model');
  }

  private bulk(at: string, op: Extract<Op, { op: 'bulk' }>): void {
    const handle = this.accessible(op.handle);
    if (!handle) return;
    const owner = handle.owner;
    const offset = op.offset % (handle.size + 8);
    const length = op.length;
    const shown = `${owner.label}.${op.write ? 'write' : 'read'}(${handle.label}, ${offset}, ${length} bytes)`;
    const source = Uint8Array.from({ length }, (_, index) => pattern(op.seed, index));
    const target = new Uint8Array(length);
    const run = (): unknown => (op.write ? owner.real.write(handle.real, offset, source) : owner.real.read(handle.real, offset, target));
    if (handle.state !== 'live' || owner.destroyed) {
      this.log(`${at} ${shown} (stale) -> expect ${this.staleCode(handle)}`);
      this.expectCode(this.staleCode(handle), shown, run);
      return;
    }
    if (offset + length > handle.size) {
      this.log(`${at} ${shown} out of bounds (size ${handle.size}) -> expect ERR_OUT_OF_BOUNDS`);
      this.expectCode('ERR_OUT_OF_BOUNDS', shown, run);
      note('bulk copy out of bounds refused');
      return;
    }
    const expected = this.expectedContents(handle);
    if (op.write) {
      this.attempt(shown, run);
      const shadow = expected === handle.shadow ? expected : expected.slice();
      shadow.set(source, offset);
      handle.shadow = shadow;
      handle.written = null;
      this.log(`${at} ${shown}`);
      note('bulk write');
      return;
    }
    const returned = this.attempt(shown, run);
    this.expect(returned === target, `${shown} returns its target`);
    for (let index = 0; index < length; index++) {
      if (target[index] !== expected[offset + index]) this.fail(`${shown}[${index}] copies byte ${offset + index} (${expected[offset + index]})`, target[index]);
    }
    this.log(`${at} ${shown}`);
    note('bulk read matched the model');
  }

  private staleCode(handle: ModelHandle): ArenaErrorCode {
    if (handle.owner?.destroyed) return 'ERR_ARENA_DESTROYED';
    return handle.state === 'reset' ? 'ERR_USE_AFTER_RESET' : 'ERR_USE_AFTER_FREE';
  }

  /** Every accessor on a handle's own owner: values when live, the right code when stale. */
  private checkAccess(handle: ModelHandle): void {
    const owner = handle.owner;
    if (owner === undefined) return this.checkTaggedAccess(handle);
    if (handle.state === 'live' && !owner.destroyed) {
      this.expect(owner.real.isLive(handle.real), `${owner.label}.isLive(${handle.label}) of a live handle`);
      if (owner.kind === 'objectPool') {
        const object = owner.real.get(handle.real);
        this.expect(object === handle.object, `${owner.label}.get(${handle.label}) returns the same object every time`);
        return;
      }
      const view = owner.real.bytes(handle.real);
      this.expect(view.length === handle.size, `${owner.label}.bytes(${handle.label}).length`, view.length);
      if (handle.shadow !== null) {
        for (let index = 0; index < view.length; index++) {
          if (view[index] !== handle.shadow[index]) {
            this.fail(`${owner.label}.bytes(${handle.label})[${index}] reads back what the accessors wrote (${handle.shadow[index]})`, view[index]);
          }
        }
        note('accessor writes read back through bytes()');
      }
      if (handle.written !== null) {
        for (let index = 0; index < view.length; index++) {
          if (view[index] !== pattern(handle.written, index)) {
            this.fail(`${owner.label}.bytes(${handle.label})[${index}] reads back what was written (${pattern(handle.written, index)})`, view[index]);
          }
        }
        note('written bytes read back');
      }
      if (owner.kind === 'arena') this.expect(owner.real.sizeOf(handle.real) === handle.size, `${owner.label}.sizeOf(${handle.label})`, owner.real.sizeOf(handle.real));
      return;
    }
    const code = this.staleCode(handle);
    this.expect(!owner.real.isLive(handle.real), `${owner.label}.isLive(${handle.label}) of a stale handle is false`);
    if (owner.kind === 'objectPool') {
      this.expectCode(code, `${owner.label}.get(${handle.label})`, () => owner.real.get(handle.real));
      return;
    }
    this.expectCode(code, `${owner.label}.bytes(${handle.label})`, () => owner.real.bytes(handle.real));
    this.expectCode(code, `${owner.label}.addressOf(${handle.label})`, () => owner.real.addressOf(handle.real));
    if (owner.kind === 'arena') this.expectCode(code, `${owner.label}.sizeOf(${handle.label})`, () => owner.real.sizeOf(handle.real));
  }

  private checkTaggedAccess(handle: ModelHandle): void {
    if (handle.state !== 'live') {
      this.expect(!this.runtime.isTaggedLive(handle.real), `isTaggedLive(${handle.label}) after freeTagged is false`);
      this.expectCode('ERR_USE_AFTER_FREE', `taggedBytes(${handle.label}) after freeTagged`, () => this.runtime.taggedBytes(handle.real));
      return;
    }
    this.expect(this.runtime.isTaggedLive(handle.real), `isTaggedLive(${handle.label})`);
    const view = this.attempt(`taggedBytes(${handle.label})`, () => this.runtime.taggedBytes(handle.real));
    this.expect(view.length === handle.size, `taggedBytes(${handle.label}).length`, view.length);
    for (let index = 0; index < view.length; index++) {
      const expected = handle.written === null ? 0 : pattern(handle.written, index);
      if (view[index] !== expected) this.fail(`taggedBytes(${handle.label})[${index}] is ${handle.written === null ? 'zero (allocTagged zeroes)' : `the pattern written (${expected})`}`, view[index]);
    }
    note(handle.written === null ? 'tagged allocation read back zeroed' : 'tagged bytes read back');
  }

  /** Every accessor refuses a value that is not a handle with ERR_FOREIGN_HANDLE; isLive says false. */
  private checkNotAHandle(owner: AnyOwner | undefined, value: Handle): void {
    const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
    note('value that is not a handle refused');
    if (owner === undefined) {
      this.expect(!this.runtime.isTaggedLive(value), `isTaggedLive(${shown}) is false`);
      this.expectCode('ERR_FOREIGN_HANDLE', `taggedBytes(${shown})`, () => this.runtime.taggedBytes(value));
      this.expectCode('ERR_FOREIGN_HANDLE', `freeTagged(${shown})`, () => this.runtime.freeTagged(value, this.settings.tags[0] as Tag));
      return;
    }
    const code: ArenaErrorCode = owner.destroyed ? 'ERR_ARENA_DESTROYED' : 'ERR_FOREIGN_HANDLE';
    this.expect(!owner.real.isLive(value), `${owner.label}.isLive(${shown}) is false`);
    if (owner.kind === 'objectPool') {
      this.expectCode(code, `${owner.label}.get(${shown})`, () => owner.real.get(value));
      this.expectCode(code, `${owner.label}.free(${shown})`, () => owner.real.free(value));
      return;
    }
    this.expectCode(code, `${owner.label}.bytes(${shown})`, () => owner.real.bytes(value));
    this.expectCode(code, `${owner.label}.addressOf(${shown})`, () => owner.real.addressOf(value));
    this.expectCode(code, `${owner.label}.getUint32(${shown}, 0)`, () => owner.real.getUint32(value, 0));
    this.expectCode(code, `${owner.label}.setFloat64(${shown}, 0, 1)`, () => owner.real.setFloat64(value, 0, 1));
    this.expectCode(code, `${owner.label}.write(${shown}, 0, 1 byte)`, () => owner.real.write(value, 0, new Uint8Array(1)));
    if (owner.kind === 'arena') this.expectCode(code, `${owner.label}.sizeOf(${shown})`, () => owner.real.sizeOf(value));
    else this.expectCode(code, `${owner.label}.free(${shown})`, () => owner.real.free(value));
  }

  /** A handle presented to an owner that did not issue it. */
  private checkForeign(handle: ModelHandle, other: AnyOwner): void {
    const code: ArenaErrorCode = other.destroyed ? 'ERR_ARENA_DESTROYED' : 'ERR_FOREIGN_HANDLE';
    const idOf = this.settings.ownerIdOf;
    const sibling = this.handles.find((candidate) => candidate.owner === other);
    if (idOf && sibling && !other.destroyed && idOf(sibling.real) === idOf(handle.real)) note('foreign handle carrying the owner id of its new owner');
    this.expect(!other.real.isLive(handle.real), `${other.label}.isLive(${handle.label} of ${handle.owner?.label}) is false`);
    if (other.kind === 'objectPool') {
      this.expectCode(code, `${other.label}.get(${handle.label})`, () => other.real.get(handle.real));
      if (!other.destroyed) this.expectCode(code, `${other.label}.free(${handle.label})`, () => other.real.free(handle.real));
      return;
    }
    this.expectCode(code, `${other.label}.bytes(${handle.label})`, () => other.real.bytes(handle.real));
    this.expectCode(code, `${other.label}.addressOf(${handle.label})`, () => other.real.addressOf(handle.real));
    this.expectCode(code, `${other.label}.getInt16(${handle.label}, 0)`, () => other.real.getInt16(handle.real, 0));
    this.expectCode(code, `${other.label}.setUint8(${handle.label}, 0, 1)`, () => other.real.setUint8(handle.real, 0, 1));
    this.expectCode(code, `${other.label}.read(${handle.label}, 0, 1 byte)`, () => other.real.read(handle.real, 0, new Uint8Array(1)));
    if (other.kind === 'pool' && !other.destroyed) this.expectCode(code, `${other.label}.free(${handle.label})`, () => other.real.free(handle.real));
  }

  // -------------------------------------------------------------------------------------------
  // invariants after every step

  private checkInvariants(): void {
    for (const arena of this.arenas) this.checkArena(arena);
    for (const pool of this.pools) this.checkPool(pool);
    for (const pool of this.objectPools) this.checkObjectPool(pool);
    if (this.observing) this.checkStats();
  }

  private liveOf(owner: AnyOwner): ModelHandle[] {
    return this.handles.filter((handle) => handle.owner === owner && handle.state === 'live');
  }

  private checkArena(arena: ModelArena): void {
    const real = arena.real;
    if (arena.destroyed) return;
    this.expect(real.generation === arena.generation, `${arena.label}.generation changes only on reset`, { model: arena.generation, real: real.generation });
    this.expect(real.used >= arena.requestedSinceReset, `${arena.label}.used >= ${arena.requestedSinceReset} bytes requested since reset`, real.used);
    this.expect(real.used <= real.capacity, `${arena.label}.used <= capacity`, { used: real.used, capacity: real.capacity });
    // Every step changes used at most once (one alloc, or a reset to 0) and used is read after every
    // step, so the highest used read is the highest there was.
    arena.peak = Math.max(arena.peak, real.used);
    if (this.observing) {
      this.expect(real.peak === arena.peak, `${arena.label}.peak is the highest used so far (${arena.peak})`, real.peak);
      if (this.settings.observeEveryStep === false) note('peaks and stats observed after unobserved steps');
    }
    this.expect(real.capacity >= arena.capacity, `${arena.label}.capacity never shrinks`, { before: arena.capacity, after: real.capacity });
    this.expect(real.capacity >= arena.initialSize, `${arena.label}.capacity >= initial size`, real.capacity);
    if (arena.maxBytes !== null) this.expect(real.capacity <= arena.maxBytes, `${arena.label}.capacity <= maxBytes ${arena.maxBytes}`, real.capacity);
    arena.capacity = real.capacity;
    this.checkLayout(arena, this.liveOf(arena));
  }

  private checkPool(pool: ModelPool): void {
    if (pool.destroyed) return;
    const real = pool.real;
    this.expect(real.inUse === pool.inUse, `${pool.label}.inUse`, { model: pool.inUse, real: real.inUse });
    this.expect(real.capacity === pool.capacity, `${pool.label}.capacity`, { model: pool.capacity, real: real.capacity });
    if (this.observing) this.expect(real.peak === pool.peak, `${pool.label}.peak`, { model: pool.peak, real: real.peak });
    this.expect(real.objectSize === pool.objectSize, `${pool.label}.objectSize`, real.objectSize);
    this.checkLayout(pool, this.liveOf(pool));
  }

  private checkObjectPool(pool: ModelObjectPool): void {
    if (pool.destroyed) return;
    const real = pool.real;
    this.expect(real.inUse === pool.inUse, `${pool.label}.inUse`, { model: pool.inUse, real: real.inUse });
    this.expect(real.capacity === pool.capacity, `${pool.label}.capacity`, { model: pool.capacity, real: real.capacity });
    if (this.observing) this.expect(real.peak === pool.peak, `${pool.label}.peak`, { model: pool.peak, real: real.peak });
    const objects = new Set<PooledObject>();
    for (const handle of this.liveOf(pool)) {
      const object = this.attempt(`${pool.label}.get(${handle.label})`, () => real.get(handle.real));
      this.expect(object === handle.object, `${pool.label}.get(${handle.label}) is the object handed out`, `#${object.id}`);
      this.expect(!objects.has(object), `object #${object.id} is behind two live handles of ${pool.label}`);
      this.expect(object.value === Number(handle.label.slice(1)) + 1, `object #${object.id} was not touched while ${handle.label} held it`, object.value);
      objects.add(object);
    }
  }

  /** Live allocations of one owner: in bounds, aligned, disjoint by address and by memory. */
  private checkLayout(owner: ModelArena | ModelPool, live: readonly ModelHandle[]): void {
    const spans: { handle: ModelHandle; address: number; view: Uint8Array }[] = [];
    for (const handle of live) {
      const address = this.attempt(`${owner.label}.addressOf(${handle.label})`, () => owner.real.addressOf(handle.real));
      const view = this.attempt(`${owner.label}.bytes(${handle.label})`, () => owner.real.bytes(handle.real));
      this.expect(owner.real.isLive(handle.real), `${owner.label}.isLive(${handle.label})`);
      this.expect(Number.isSafeInteger(address) && address >= 0, `${owner.label}.addressOf(${handle.label}) is a non-negative integer`, address);
      this.expect(address % handle.align === 0, `${owner.label}.addressOf(${handle.label}) is ${handle.align}-aligned`, address);
      this.expect(view.length === handle.size, `${owner.label}.bytes(${handle.label}).length`, view.length);
      if (handle.written !== null) {
        for (let index = 0; index < view.length; index++) {
          if (view[index] !== pattern(handle.written, index)) {
            this.fail(`${owner.label}.bytes(${handle.label})[${index}] still holds the pattern written (${pattern(handle.written, index)})`, view[index]);
          }
        }
      }
      spans.push({ handle, address, view });
    }
    spans.sort((left, right) => left.address - right.address);
    if (spans.length >= 2) note('layout checked with 2+ live allocations');
    for (let index = 1; index < spans.length; index++) {
      const previous = spans[index - 1]!;
      const current = spans[index]!;
      this.expect(
        previous.address + previous.handle.size <= current.address,
        `live allocations ${previous.handle.label} [${previous.address}, +${previous.handle.size}) and ${current.handle.label} [${current.address}, +${current.handle.size}) of ${owner.label} overlap`,
      );
    }
    // The same check on the memory itself, independent of what addressOf claims.
    for (let left = 0; left < spans.length; left++) {
      for (let right = left + 1; right < spans.length; right++) {
        const a = spans[left]!.view;
        const b = spans[right]!.view;
        if (a.buffer !== b.buffer) continue;
        const disjoint = a.byteOffset + a.length <= b.byteOffset || b.byteOffset + b.length <= a.byteOffset;
        this.expect(disjoint, `bytes(${spans[left]!.handle.label}) and bytes(${spans[right]!.handle.label}) of ${owner.label} share memory`);
      }
    }
  }

  private checkStats(): void {
    for (const tag of this.settings.tags) {
      const base = this.baseline.get(tag)!;
      const model = this.totals.get(tag)!;
      const real = this.runtime.getStats(tag);
      const expected: MemStats = {
        currentBytes: model.current,
        peakBytes: Math.max(base.peakBytes, model.peak),
        totalAllocs: base.totalAllocs + model.allocs,
        totalFrees: base.totalFrees + model.frees,
        allocCount: model.live,
      };
      const actual: MemStats = {
        currentBytes: real.currentBytes,
        peakBytes: real.peakBytes,
        totalAllocs: real.totalAllocs,
        totalFrees: real.totalFrees,
        allocCount: real.allocCount,
      };
      this.expect(JSON.stringify(actual) === JSON.stringify(expected), `getStats(${tag}) equals the model's ${JSON.stringify(expected)}`, actual);
    }
  }

  /** Destroys what is left, so every program ends with its tags back at zero. */
  finish(): void {
    for (const owner of [...this.arenas, ...this.pools, ...this.objectPools]) {
      if (owner.destroyed) continue;
      this.attempt(`${owner.label}.destroy() at the end`, () => owner.real.destroy());
      owner.destroyed = true;
      for (const handle of this.liveOf(owner)) this.retire(handle, owner.kind === 'arena' ? 'reset' : 'freed');
    }
    for (const handle of this.handles) {
      if (handle.kind === 'tagged' && handle.state === 'live') {
        this.attempt(`freeTagged(${handle.label}) at the end`, () => this.runtime.freeTagged(handle.real, handle.tag));
        this.retire(handle, 'freed');
      }
    }
    this.log('end: everything destroyed or freed');
    this.checkStats();
    for (const handle of this.handles) this.checkAccess(handle);
  }

  /** After a failure, releases what the runtime still holds so later programs start clean. */
  cleanUp(): void {
    this.runtime.setStatsEnabled(true);
    for (const owner of [...this.arenas, ...this.pools, ...this.objectPools]) {
      try {
        if (!owner.real.destroyed) owner.real.destroy();
      } catch {
        // The failure being reported matters more than a second one while cleaning up.
      }
    }
    for (const handle of this.handles) {
      if (handle.kind !== 'tagged' || handle.state !== 'live') continue;
      try {
        this.runtime.freeTagged(handle.real, handle.tag);
      } catch {
        // As above.
      }
    }
  }
}
