// The JSON snapshot: one plain, serialisable picture of the runtime's memory at an instant. Every
// exporter (Prometheus text, report tables, heatmap) renders from this shape, so a snapshot saved
// to disk renders exactly like a live one.

import type { SizeClassCount } from './heatmap.js';
import { sizeClassRange } from './heatmap.js';
import type { MetricFamily } from './prometheus.js';
import { renderExposition, sanitizeMetricName } from './prometheus.js';
import { checkOptions } from '../errors.js';

export const SNAPSHOT_VERSION = 1;

export type OwnerKind = 'arena' | 'pool' | 'objectPool';

export interface TagSnapshot {
  readonly tag: string;
  readonly currentBytes: number;
  readonly peakBytes: number;
  /** When peakBytes was reached (epoch milliseconds), or null if never allocated. */
  readonly peakAt: number | null;
  readonly totalAllocs: number;
  readonly totalFrees: number;
  /** Allocations live now. */
  readonly allocCount: number;
}

export interface OwnerSnapshot {
  /** Unique among live owners; names may repeat. */
  readonly id: number;
  readonly kind: OwnerKind;
  readonly name: string;
  readonly tag: string;
  /** Bytes handed out now (arena: used; pool: inUse x object size). */
  readonly bytesInUse: number;
  /** Bytes reserved (arena capacity across chunks; pool slots x object size). */
  readonly capacityBytes: number;
  /** Live allocations (pool handles out; arena allocations since the last reset). */
  readonly liveCount: number;
  readonly peakBytes: number;
  /** When peakBytes was reached (epoch milliseconds), or null if unknown. */
  readonly peakAt: number | null;
  /** The arena's maxBytes budget, or null when it has none (pools: null). */
  readonly maxBytes: number | null;
  /** Where it was created (debug mode only), else null. */
  readonly createdAt: string | null;
}

export interface MemorySnapshot {
  readonly version: typeof SNAPSHOT_VERSION;
  /** Epoch milliseconds. */
  readonly takenAt: number;
  /** Sum of currentBytes over all tags. */
  readonly trackedBytes: number;
  readonly debugMode: boolean;
  readonly tags: readonly TagSnapshot[];
  readonly owners: readonly OwnerSnapshot[];
  /** Allocation counts by (tag, power-of-two size class) since start (or the last stats reset). */
  readonly sizeClasses: readonly SizeClassCount[];
}

/** Serialises a snapshot; `JSON.parse` of the result is a valid MemorySnapshot again. */
export function snapshotToJson(snapshot: MemorySnapshot, space?: number): string {
  return JSON.stringify(snapshot, null, space);
}

export interface PrometheusOptions {
  /** Metric name prefix (default "arena"): arena_current_bytes, arena_peak_bytes, ... */
  readonly prefix?: string;
  /** Leave out per-owner series (one per live arena/pool) when owners are many and short-lived. */
  readonly includeOwners?: boolean;
  /** Leave out the per-(tag, size class) allocation counters. */
  readonly includeSizeClasses?: boolean;
}

/** The snapshot as metric families (see renderPrometheus for the text). */
export function snapshotToMetricFamilies(snapshot: MemorySnapshot, options: PrometheusOptions = {}): MetricFamily[] {
  options = checkOptions(options, 'Prometheus export');
  const prefix = sanitizeMetricName(options.prefix ?? 'arena');
  const perTag = (name: string, help: string, type: 'gauge' | 'counter', pick: (tag: TagSnapshot) => number): MetricFamily => ({
    name: `${prefix}_${name}`,
    help,
    type,
    samples: snapshot.tags.map((tag) => ({ labels: { tag: tag.tag }, value: pick(tag) })),
  });
  const families: MetricFamily[] = [
    {
      name: `${prefix}_tracked_bytes`,
      help: 'Bytes currently allocated across all tags.',
      type: 'gauge',
      samples: [{ value: snapshot.trackedBytes }],
    },
    perTag('current_bytes', 'Bytes currently allocated under the tag.', 'gauge', (t) => t.currentBytes),
    perTag('peak_bytes', 'Highest currentBytes the tag has reached.', 'gauge', (t) => t.peakBytes),
    {
      name: `${prefix}_peak_timestamp_seconds`,
      help: 'Unix time at which the tag reached its peak_bytes.',
      type: 'gauge',
      samples: snapshot.tags
        .filter((tag) => tag.peakAt !== null)
        .map((tag) => ({ labels: { tag: tag.tag }, value: (tag.peakAt ?? 0) / 1000 })),
    },
    perTag('live_allocations', 'Allocations under the tag that are live now.', 'gauge', (t) => t.allocCount),
    perTag('allocations_total', 'Allocations made under the tag.', 'counter', (t) => t.totalAllocs),
    perTag('frees_total', 'Allocations under the tag released by free, reset or destroy.', 'counter', (t) => t.totalFrees),
  ];

  if (options.includeOwners ?? true) {
    const ownerLabels = (owner: OwnerSnapshot): Record<string, string> => ({
      kind: owner.kind,
      owner: owner.name,
      owner_id: String(owner.id),
      tag: owner.tag,
    });
    const perOwner = (name: string, help: string, pick: (owner: OwnerSnapshot) => number | null): MetricFamily => ({
      name: `${prefix}_owner_${name}`,
      help,
      type: 'gauge',
      samples: snapshot.owners.flatMap((owner) => {
        const value = pick(owner);
        return value === null ? [] : [{ labels: ownerLabels(owner), value }];
      }),
    });
    const kinds: OwnerKind[] = ['arena', 'pool', 'objectPool'];
    families.push(
      {
        name: `${prefix}_owners`,
        help: 'Arenas, pools and object pools created and not yet destroyed.',
        type: 'gauge',
        samples: kinds.map((kind) => ({
          labels: { kind },
          value: snapshot.owners.filter((owner) => owner.kind === kind).length,
        })),
      },
      perOwner('bytes_in_use', 'Bytes handed out by the arena or pool now.', (o) => o.bytesInUse),
      perOwner('capacity_bytes', 'Bytes reserved by the arena or pool.', (o) => o.capacityBytes),
      perOwner('live_allocations', 'Live allocations or pool handles of the owner.', (o) => o.liveCount),
      perOwner('peak_bytes', 'Highest bytes_in_use the owner has reached.', (o) => o.peakBytes),
      perOwner('max_bytes', 'The arena budget (maxBytes); absent for owners without one.', (o) => o.maxBytes),
    );
  }

  if (options.includeSizeClasses ?? true) {
    families.push({
      name: `${prefix}_size_class_allocations_total`,
      help: 'Allocations by tag and power-of-two size class; size_le is the class upper bound in bytes.',
      type: 'counter',
      samples: mergeSizeClasses(snapshot.sizeClasses).map((entry) => ({
        labels: { tag: entry.tag, size_le: String(sizeClassRange(entry.sizeClass).max) },
        value: entry.count,
      })),
    });
  }
  return families;
}

/** The snapshot in the Prometheus text exposition format (serve with PROMETHEUS_CONTENT_TYPE). */
export function renderPrometheus(snapshot: MemorySnapshot, options: PrometheusOptions = {}): string {
  return renderExposition(snapshotToMetricFamilies(snapshot, options));
}

function mergeSizeClasses(entries: readonly SizeClassCount[]): SizeClassCount[] {
  const merged = new Map<string, SizeClassCount>();
  for (const entry of entries) {
    const key = `${entry.sizeClass}\u0000${entry.tag}`;
    const previous = merged.get(key);
    merged.set(key, { tag: entry.tag, sizeClass: entry.sizeClass, count: (previous?.count ?? 0) + entry.count });
  }
  return [...merged.values()].sort((a, b) => a.tag.localeCompare(b.tag) || a.sizeClass - b.sizeClass);
}
