// Readable tables for people: per-tag stats sorted by current bytes, and live arenas/pools.

import type { OwnerSnapshot, TagSnapshot } from './snapshot.js';

/** 0 -> "0 B", 1536 -> "1.5 KiB", 3_221_225_472 -> "3.0 GiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  if (value < 1024) return `${sign}${value} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${sign}${value.toFixed(1)} ${units[unit] ?? 'PiB'}`;
}

/** Epoch milliseconds as a UTC clock time with milliseconds, "05:41:07.123Z"; "-" when unknown. */
export function formatClockTime(epochMs: number | null): string {
  if (epochMs === null || !Number.isFinite(epochMs)) return '-';
  return new Date(epochMs).toISOString().slice(11);
}

/** Sorts by current bytes (largest first), then peak bytes, then name, so equal rows stay stable. */
export function sortTagsByCurrentBytes(tags: readonly TagSnapshot[]): TagSnapshot[] {
  return [...tags].sort(
    (a, b) => b.currentBytes - a.currentBytes || b.peakBytes - a.peakBytes || a.tag.localeCompare(b.tag),
  );
}

export function sortOwnersByBytesInUse(owners: readonly OwnerSnapshot[]): OwnerSnapshot[] {
  return [...owners].sort(
    (a, b) => b.bytesInUse - a.bytesInUse || b.peakBytes - a.peakBytes || a.name.localeCompare(b.name) || a.id - b.id,
  );
}

type Align = 'left' | 'right';

/** A plain-text table with a header rule; numeric columns right-aligned. */
export function formatTextTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[],
): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return align[column] === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n') + '\n';
}

/** Per-tag table, sorted by current bytes. Tags that never allocated are left out. */
export function formatTagTable(tags: readonly TagSnapshot[]): string {
  const used = sortTagsByCurrentBytes(tags).filter((tag) => tag.totalAllocs > 0 || tag.currentBytes > 0);
  if (used.length === 0) return '(no tagged allocations)\n';
  return formatTextTable(
    ['tag', 'current', 'peak', 'peak at (UTC)', 'live', 'allocs', 'frees'],
    used.map((tag) => [
      tag.tag,
      formatBytes(tag.currentBytes),
      formatBytes(tag.peakBytes),
      formatClockTime(tag.peakAt),
      String(tag.allocCount),
      String(tag.totalAllocs),
      String(tag.totalFrees),
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
}

const kindLabel: Record<OwnerSnapshot['kind'], string> = { arena: 'arena', pool: 'pool', objectPool: 'object pool' };

/** Live arenas and pools, sorted by bytes in use. */
export function formatOwnerTable(owners: readonly OwnerSnapshot[]): string {
  if (owners.length === 0) return '(no live arenas or pools)\n';
  return formatTextTable(
    ['owner', 'kind', 'tag', 'in use', 'capacity', 'budget', 'peak', 'peak at (UTC)', 'live'],
    sortOwnersByBytesInUse(owners).map((owner) => [
      owner.name,
      kindLabel[owner.kind],
      owner.tag,
      formatBytes(owner.bytesInUse),
      formatBytes(owner.capacityBytes),
      owner.maxBytes === null ? '-' : formatBytes(owner.maxBytes),
      formatBytes(owner.peakBytes),
      formatClockTime(owner.peakAt),
      String(owner.liveCount),
    ]),
    ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
}
