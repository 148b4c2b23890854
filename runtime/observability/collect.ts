// Reads the live runtime into a MemorySnapshot, and the conveniences built on it: report text,
// heatmap, metrics text.

import { isDebugMode } from '../debug.js';
import {
  allTags,
  getPeakAt,
  getSizeClassCounts,
  getTrackedBytes,
  tagLabel,
} from '../internal.js';
import { liveOwners, type RegisteredOwner } from '../registry.js';
import { getStats } from '../stats.js';
import type { Arena, ObjectPool, Pool } from '../types.js';
import {
  buildHeatmapMatrix,
  renderHeatmapSvg,
  renderHeatmapText,
  type HeatmapMatrix,
  type HeatmapMatrixOptions,
  type HeatmapSvgOptions,
  type SizeClassCount,
} from './heatmap.js';
import { formatBytes, formatOwnerTable, formatTagTable } from './report.js';
import {
  renderPrometheus,
  snapshotToJson,
  SNAPSHOT_VERSION,
  type MemorySnapshot,
  type OwnerSnapshot,
  type PrometheusOptions,
  type TagSnapshot,
} from './snapshot.js';

/** The runtime stamps peaks with performance.now(); snapshots use wall-clock epoch milliseconds. */
function toEpochMs(performanceMs: number): number | null {
  return performanceMs > 0 ? Math.round((performance.timeOrigin + performanceMs) * 1000) / 1000 : null;
}

// Owner ids for exported series: stable for an owner's lifetime, unique across the process.
const ownerIds = new WeakMap<object, number>();
let nextOwnerId = 1;
function ownerIdOf(owner: object): number {
  let id = ownerIds.get(owner);
  if (id === undefined) {
    id = nextOwnerId++;
    ownerIds.set(owner, id);
  }
  return id;
}

function describeOwner(owner: RegisteredOwner): OwnerSnapshot | null {
  if (owner.ownerKind === 'tagged') return null;
  const info = owner.describeForRegistry();
  let capacityBytes = 0;
  let maxBytes: number | null = null;
  if (owner.ownerKind === 'arena') {
    const arena = owner as unknown as Arena;
    capacityBytes = arena.capacity;
    maxBytes = Number.isFinite(arena.maxBytes) ? arena.maxBytes : null;
  } else if (owner.ownerKind === 'pool') {
    const pool = owner as unknown as Pool;
    capacityBytes = pool.capacity * pool.objectSize;
  } else {
    const pool = owner as unknown as ObjectPool<unknown>;
    // Object pools charge a fixed bytesPerObject per live object; recover it from the peak.
    const perObject = pool.peak > 0 ? info.peakBytes / pool.peak : 0;
    capacityBytes = pool.capacity * perObject;
  }
  return {
    id: ownerIdOf(owner),
    kind: owner.ownerKind,
    name: info.name,
    tag: tagLabel(info.tag),
    bytesInUse: info.bytesInUse,
    capacityBytes,
    liveCount: info.liveAllocations,
    peakBytes: info.peakBytes,
    peakAt: toEpochMs(info.peakAt),
    maxBytes,
    createdAt: info.creationSite ?? null,
  };
}

/** A snapshot of every tag's stats, every live arena/pool, and the size-class counts, now. */
export function takeSnapshot(): MemorySnapshot {
  const tags: TagSnapshot[] = [];
  const sizeClasses: SizeClassCount[] = [];
  for (const tag of allTags()) {
    const stats = getStats(tag);
    const name = tagLabel(tag);
    tags.push({ tag: name, ...stats, peakAt: stats.peakBytes > 0 ? toEpochMs(getPeakAt(tag)) : null });
    getSizeClassCounts(tag).forEach((count, sizeClass) => {
      if (count > 0) sizeClasses.push({ tag: name, sizeClass, count });
    });
  }
  const owners = liveOwners()
    .map(describeOwner)
    .filter((owner): owner is OwnerSnapshot => owner !== null);
  return {
    version: SNAPSHOT_VERSION,
    takenAt: Date.now(),
    trackedBytes: getTrackedBytes(),
    debugMode: isDebugMode(),
    tags,
    owners,
    sizeClasses,
  };
}

/**
 * A report a person can read: per-tag stats sorted by current bytes (with peaks and when they
 * happened), then the live arenas and pools sorted by bytes in use.
 */
export function formatReport(snapshot: MemorySnapshot = takeSnapshot()): string {
  return [
    `Memory by tag (tracked now: ${formatBytes(snapshot.trackedBytes)})`,
    formatTagTable(snapshot.tags),
    `Live arenas and pools (${snapshot.owners.length})`,
    formatOwnerTable(snapshot.owners),
  ].join('\n');
}

/** Prometheus text exposition of the runtime's metrics now; serve with PROMETHEUS_CONTENT_TYPE. */
export function metricsText(options?: PrometheusOptions): string {
  return renderPrometheus(takeSnapshot(), options);
}

/** The JSON snapshot of the runtime's metrics now. */
export function metricsJson(space?: number): string {
  return snapshotToJson(takeSnapshot(), space);
}

export interface AllocationHeatmap {
  readonly matrix: HeatmapMatrix;
  readonly text: string;
  readonly svg: string;
}

/** Allocation counts by power-of-two size class x tag, as data, text and an SVG picture. */
export function allocationHeatmap(
  snapshot: MemorySnapshot = takeSnapshot(),
  options: HeatmapMatrixOptions & HeatmapSvgOptions = {},
): AllocationHeatmap {
  const matrix = buildHeatmapMatrix(snapshot.sizeClasses, options);
  return { matrix, text: renderHeatmapText(matrix, options.title), svg: renderHeatmapSvg(matrix, options) };
}
