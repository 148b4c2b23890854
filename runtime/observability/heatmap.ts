// Allocation heatmap: how many allocations each tag made in each power-of-two size class.
// Pure functions over plain data, so the picture can be drawn from a live runtime or from a saved
// JSON snapshot alike.
import { checkOptions, describeValue, invalidArgument } from '../errors.js';

/** One cell of the heatmap as the runtime records it. */
export interface SizeClassCount {
  readonly tag: string;
  /** Exponent k of the class: sizes in (2^(k-1), 2^k]; class 0 holds size 1. */
  readonly sizeClass: number;
  readonly count: number;
}

/** A dense tag x size-class matrix, ready to draw. */
export interface HeatmapMatrix {
  /** Row labels, in display order. */
  readonly tags: readonly string[];
  /** Column exponents, ascending and contiguous from the smallest to the largest class seen. */
  readonly sizeClasses: readonly number[];
  /** counts[row][column]. */
  readonly counts: readonly (readonly number[])[];
  readonly maxCount: number;
  readonly total: number;
}

/** The largest size class the runtime can report (sizes up to 2^53). */
export const MAX_SIZE_CLASS = 53;

/**
 * The power-of-two size class of an allocation size: the exponent of the smallest power of two that
 * is >= size. 1 -> 0, 2 -> 1, 3..4 -> 2, 5..8 -> 3, 16 -> 4, 17 -> 5.
 */
export function sizeClassOf(size: number): number {
  if (!Number.isFinite(size) || size < 1) {
    throw invalidArgument(`sizeClassOf: size must be a finite number >= 1, got ${describeValue(size)}`);
  }
  if (size <= 0x8000_0000) {
    // 32 - clz32(n - 1) is ceil(log2(n)) for 1 <= n <= 2^31, with no floating point involved.
    return size <= 1 ? 0 : 32 - Math.clz32(Math.ceil(size) - 1);
  }
  return Math.ceil(Math.log2(size));
}

const binaryUnits = ['', 'K', 'M', 'G', 'T', 'P'] as const;

/** Compact power-of-two label: 0 -> "1", 4 -> "16", 10 -> "1K", 21 -> "2M". */
export function powerOfTwoLabel(exponent: number): string {
  const unitIndex = Math.min(Math.floor(exponent / 10), binaryUnits.length - 1);
  const mantissa = 2 ** (exponent - unitIndex * 10);
  return `${mantissa}${binaryUnits[unitIndex] ?? ''}`;
}

/** Human label for a size class column: "≤16" means sizes 9..16 bytes. */
export function sizeClassLabel(sizeClass: number): string {
  return `≤${powerOfTwoLabel(sizeClass)}`;
}

/** The byte range a size class covers, inclusive. */
export function sizeClassRange(sizeClass: number): { readonly min: number; readonly max: number } {
  return sizeClass === 0 ? { min: 1, max: 1 } : { min: 2 ** (sizeClass - 1) + 1, max: 2 ** sizeClass };
}

export interface HeatmapMatrixOptions {
  /** Row order; tags not listed follow, by total count descending. Default: all by total count. */
  readonly tagOrder?: readonly string[];
  /** Widen the column range to include these classes even when empty. */
  readonly minSizeClass?: number;
  readonly maxSizeClass?: number;
}

/** Builds the dense matrix from sparse (tag, size class, count) entries. Zero counts are ignored. */
export function buildHeatmapMatrix(
  entries: readonly SizeClassCount[],
  options: HeatmapMatrixOptions = {},
): HeatmapMatrix {
  options = checkOptions(options, 'buildHeatmapMatrix');
  const byTag = new Map<string, Map<number, number>>();
  let low = options.minSizeClass ?? Number.POSITIVE_INFINITY;
  let high = options.maxSizeClass ?? Number.NEGATIVE_INFINITY;
  for (const entry of entries) {
    if (!Number.isInteger(entry.sizeClass) || entry.sizeClass < 0 || entry.sizeClass > MAX_SIZE_CLASS) {
      throw invalidArgument(`heatmap: size class must be an integer in 0..${MAX_SIZE_CLASS}, got ${describeValue(entry.sizeClass)}`);
    }
    if (!Number.isFinite(entry.count) || entry.count < 0) {
      throw invalidArgument(`heatmap: count for tag "${entry.tag}" must be a finite number >= 0, got ${describeValue(entry.count)}`);
    }
    if (entry.count === 0) continue;
    let row = byTag.get(entry.tag);
    if (row === undefined) {
      row = new Map();
      byTag.set(entry.tag, row);
    }
    row.set(entry.sizeClass, (row.get(entry.sizeClass) ?? 0) + entry.count);
    low = Math.min(low, entry.sizeClass);
    high = Math.max(high, entry.sizeClass);
  }

  const sizeClasses: number[] = [];
  if (Number.isFinite(low) && Number.isFinite(high)) {
    for (let k = low; k <= high; k++) sizeClasses.push(k);
  }

  const rowTotal = (tag: string): number => {
    let sum = 0;
    for (const count of byTag.get(tag)?.values() ?? []) sum += count;
    return sum;
  };
  const listed = (options.tagOrder ?? []).filter((tag) => byTag.has(tag));
  const rest = [...byTag.keys()]
    .filter((tag) => !listed.includes(tag))
    .sort((a, b) => rowTotal(b) - rowTotal(a) || a.localeCompare(b));
  const tags = [...listed, ...rest];

  let maxCount = 0;
  let total = 0;
  const counts = tags.map((tag) =>
    sizeClasses.map((k) => {
      const count = byTag.get(tag)?.get(k) ?? 0;
      maxCount = Math.max(maxCount, count);
      total += count;
      return count;
    }),
  );
  return { tags, sizeClasses, counts, maxCount, total };
}

/** 1234 -> "1.2k", 999 -> "999", 2_500_000 -> "2.5M": fits a cell four characters wide. */
export function compactCount(count: number): string {
  if (count < 1000) return String(Math.round(count));
  const units = ['k', 'M', 'G', 'T'] as const;
  let value = count;
  let unit = 0;
  while (value >= 1000 && unit < units.length) {
    value /= 1000;
    unit++;
  }
  const text = value < 10 ? value.toFixed(1).replace(/\.0$/, '') : String(Math.round(value));
  // Rounding can carry into the next unit (999.6k -> "1000k"); show it as the next unit instead.
  if (text === '1000' && unit < units.length) return `1${units[unit] ?? ''}`;
  return `${text}${units[unit - 1] ?? ''}`;
}

/**
 * Intensity of a cell in 0..1 on a log scale, so that a tag making ten allocations still shows next
 * to one making a million. Zero stays exactly 0; the maximum is exactly 1.
 */
export function heatIntensity(count: number, maxCount: number): number {
  if (count <= 0 || maxCount <= 0) return 0;
  if (maxCount === 1) return 1;
  return Math.log1p(count) / Math.log1p(maxCount);
}

const shades = ['░', '▒', '▓', '█'] as const;

function shadeFor(intensity: number): string {
  if (intensity <= 0) return ' ';
  const index = Math.min(shades.length - 1, Math.floor(intensity * shades.length - 1e-9));
  return shades[Math.max(0, index)] ?? '█';
}

/**
 * The heatmap as monospace text: one row per tag, one column per size class, each cell a shade
 * (log scale) and the count, plus a legend. Empty cells show "·".
 */
export function renderHeatmapText(matrix: HeatmapMatrix, title = 'Allocations by size class (bytes) x tag'): string {
  if (matrix.tags.length === 0) return `${title}\n(no allocations recorded)\n`;
  const cellWidth = 6;
  const labelWidth = Math.max(3, ...matrix.tags.map((tag) => tag.length));
  const header =
    'tag'.padEnd(labelWidth) +
    ' │' +
    matrix.sizeClasses.map((k) => sizeClassLabel(k).padStart(cellWidth)).join('') +
    ' │ total';
  const rule = '─'.repeat(labelWidth) + '─┼' + '─'.repeat(cellWidth * matrix.sizeClasses.length) + '─┼──────';
  const rows = matrix.tags.map((tag, rowIndex) => {
    const counts = matrix.counts[rowIndex] ?? [];
    let rowSum = 0;
    const cells = counts.map((count) => {
      rowSum += count;
      if (count === 0) return '·'.padStart(cellWidth);
      const shade = shadeFor(heatIntensity(count, matrix.maxCount));
      return `${shade}${compactCount(count)}`.padStart(cellWidth);
    });
    return tag.padEnd(labelWidth) + ' │' + cells.join('') + ' │ ' + compactCount(rowSum);
  });
  const legend = `legend (log scale of count): ${shades.join(' ')}  max ${compactCount(matrix.maxCount)}, total ${compactCount(matrix.total)}`;
  return [title, header, rule, ...rows, legend].join('\n') + '\n';
}

/** Escapes text for use inside SVG/XML element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => {
    switch (ch) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&apos;';
    }
  });
}

type Rgb = readonly [number, number, number];

// A sequential palette from pale yellow to deep purple (perceptually ordered, readable in grey).
const palette: readonly Rgb[] = [
  [255, 247, 214],
  [254, 217, 118],
  [253, 141, 60],
  [227, 26, 28],
  [128, 0, 90],
  [50, 0, 60],
];

/** The fill colour for an intensity in 0..1; 0 (no allocations) is a neutral grey. */
export function heatColor(intensity: number): string {
  if (intensity <= 0) return '#f2f2f2';
  const scaled = Math.min(1, intensity) * (palette.length - 1);
  const index = Math.min(palette.length - 2, Math.floor(scaled));
  const fraction = scaled - index;
  const from = palette[index] ?? palette[0]!;
  const to = palette[index + 1] ?? from;
  const channel = (i: 0 | 1 | 2): string =>
    Math.round(from[i] + (to[i] - from[i]) * fraction)
      .toString(16)
      .padStart(2, '0');
  return `#${channel(0)}${channel(1)}${channel(2)}`;
}

function isDark(hex: string): boolean {
  const value = Number.parseInt(hex.slice(1), 16);
  const r = (value >> 16) & 0xff;
  const g = (value >> 8) & 0xff;
  const b = value & 0xff;
  // Relative luminance (Rec. 709 weights) decides black or white text on the cell.
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 140;
}

export interface HeatmapSvgOptions {
  readonly title?: string;
  readonly subtitle?: string;
  readonly cellWidth?: number;
  readonly cellHeight?: number;
}

/**
 * The heatmap as a standalone SVG document: tags down the side, size classes along the bottom,
 * cells coloured on a log scale with the count printed in each, and a colour legend.
 */
export function renderHeatmapSvg(matrix: HeatmapMatrix, options: HeatmapSvgOptions = {}): string {
  options = checkOptions(options, 'renderHeatmapSvg');
  const title = options.title ?? 'Allocations by size class x tag';
  const subtitle =
    options.subtitle ?? `${compactCount(matrix.total)} allocations; colour is log scale of count per cell`;
  const cellWidth = options.cellWidth ?? 56;
  const cellHeight = options.cellHeight ?? 34;
  const font = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'";
  const labelWidth = Math.max(60, 16 + 8.5 * Math.max(3, ...matrix.tags.map((tag) => tag.length)));
  const left = 20 + labelWidth;
  const top = 74;
  const columns = Math.max(1, matrix.sizeClasses.length);
  const rows = Math.max(1, matrix.tags.length);
  const gridWidth = columns * cellWidth;
  const gridHeight = rows * cellHeight;
  const legendWidth = Math.min(320, Math.max(200, gridWidth));
  const width = Math.max(left + gridWidth + 24, left + legendWidth + 120, 460);
  const height = top + gridHeight + 92;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns='http://www.w3.org/2000/svg' width='${width}' height='${height}' viewBox='0 0 ${width} ${height}' ${font}>`,
  );
  parts.push(`<rect x='0' y='0' width='${width}' height='${height}' fill='#ffffff'/>`);
  parts.push(`<text x='20' y='30' font-size='18' font-weight='bold' fill='#222'>${escapeXml(title)}</text>`);
  parts.push(`<text x='20' y='52' font-size='12' fill='#555'>${escapeXml(subtitle)}</text>`);

  if (matrix.tags.length === 0) {
    parts.push(`<text x='${left}' y='${top + 20}' font-size='14' fill='#555'>no allocations recorded</text>`);
  }

  matrix.tags.forEach((tag, row) => {
    const y = top + row * cellHeight;
    parts.push(
      `<text x='${left - 10}' y='${y + cellHeight / 2 + 5}' font-size='13' text-anchor='end' fill='#222'>${escapeXml(tag)}</text>`,
    );
    const counts = matrix.counts[row] ?? [];
    counts.forEach((count, column) => {
      const x = left + column * cellWidth;
      const fill = heatColor(heatIntensity(count, matrix.maxCount));
      const k = matrix.sizeClasses[column] ?? 0;
      parts.push(
        `<rect x='${x}' y='${y}' width='${cellWidth}' height='${cellHeight}' fill='${fill}' stroke='#ffffff' stroke-width='2'>` +
          `<title>${escapeXml(`${tag}, ${sizeClassLabel(k)} bytes: ${count} allocations`)}</title></rect>`,
      );
      if (count > 0) {
        parts.push(
          `<text x='${x + cellWidth / 2}' y='${y + cellHeight / 2 + 4}' font-size='11' text-anchor='middle' fill='${isDark(fill) ? '#ffffff' : '#222222'}'>${compactCount(count)}</text>`,
        );
      }
    });
  });

  const axisY = top + gridHeight + 18;
  matrix.sizeClasses.forEach((k, column) => {
    const x = left + column * cellWidth + cellWidth / 2;
    parts.push(`<text x='${x}' y='${axisY}' font-size='11' text-anchor='middle' fill='#333'>${escapeXml(sizeClassLabel(k))}</text>`);
  });
  parts.push(
    `<text x='${left + gridWidth / 2}' y='${axisY + 18}' font-size='12' text-anchor='middle' fill='#555'>allocation size (bytes, power-of-two classes)</text>`,
  );

  const legendY = axisY + 36;
  const steps = 24;
  parts.push(`<text x='${left}' y='${legendY + 12}' font-size='11' text-anchor='end' dx='-8' fill='#333'>1</text>`);
  for (let i = 0; i < steps; i++) {
    const intensity = (i + 1) / steps;
    parts.push(
      `<rect x='${left + (i * legendWidth) / steps}' y='${legendY}' width='${legendWidth / steps + 0.5}' height='14' fill='${heatColor(intensity)}'/>`,
    );
  }
  parts.push(
    `<text x='${left + legendWidth + 8}' y='${legendY + 12}' font-size='11' fill='#333'>${compactCount(Math.max(1, matrix.maxCount))} allocations per cell (log scale)</text>`,
  );
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
