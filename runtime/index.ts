// eslint-plugin-arena/runtime — arenas, pools, tagged allocation stats, zero-copy views.
// Everything public is re-exported here; runtime/internal.ts holds the hooks for testing and
// observability tooling and is not part of this entry point.
export type {
  Arena,
  ArenaErrorCode,
  ArenaOptions,
  Handle,
  MemStats,
  ObjectPool,
  ObjectPoolOptions,
  CheckedAccess,
  Pool,
  PoolOptions,
  Tag,
} from './types.js';
export { ArenaError, isArenaError, type ArenaErrorDetails, type OwnerKind } from './errors.js';
export { DEFAULT_ALIGNMENT, MAX_ALIGNMENT, MAX_ALLOCATION, createArena, withArena } from './arena.js';
export { MAX_TAGS, MemTag, defineTag, tagName, type BuiltInTagName } from './tags.js';
export { getStats, reportStats, setStatsEnabled, isStatsEnabled, type StatsReport, type StatsRow } from './stats.js';
export { POISON_BYTE, isDebugMode, setDebugMode } from './debug.js';
export { createObjectPool, createPool } from './pool.js';
export {
  MAX_SHARED_POOL_CAPACITY,
  MAX_SHARED_POOL_THREADS,
  attachSharedPool,
  createSharedPool,
  isSharedPoolDescriptor,
  type SharedPool,
  type SharedPoolDescriptor,
  type SharedPoolOptions,
  type SharedPoolStats,
  type SharedPoolThreadStats,
} from './shared-pool.js';
export { MAX_TAGGED_ALLOCATION, allocTagged, freeTagged, isTaggedLive, taggedBytes } from './tagged.js';
export { ByteBuffer, StrView, slice, strView, type Subarrayable } from './views.js';
export {
  arrayBufferBackend,
  resizableBackend,
  sharedArrayBufferBackend,
  wasmMemoryBackend,
  type MemoryBackend,
  type MemoryRegion,
  type ResizableBackendOptions,
  type WasmMemory,
  type WasmMemoryBackendOptions,
} from './backends.js';
export * from './observability/index.js';
