// Prometheus text exposition format (version 0.0.4): the body a service returns from /metrics.
// Rules enforced here rather than trusted to callers: metric names match [a-zA-Z_:][a-zA-Z0-9_:]*,
// label names match [a-zA-Z_][a-zA-Z0-9_]* and do not start with "__", label values escape
// backslash, double quote and newline, HELP text escapes backslash and newline, each family has
// exactly one HELP and one TYPE line before its samples, and no two samples share a label set.

import { ArenaError } from '../errors.js';

export type MetricType = 'counter' | 'gauge' | 'untyped';

export interface MetricSample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: readonly MetricSample[];
}

/** The Content-Type header value to serve this format with. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const metricNamePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidMetricName(name: string): boolean {
  return metricNamePattern.test(name);
}

export function isValidLabelName(name: string): boolean {
  return labelNamePattern.test(name) && !name.startsWith('__');
}

/** Turns any string (a tag or arena name) into a valid metric-name fragment: "edge-cache" -> "edge_cache". */
export function sanitizeMetricName(text: string): string {
  const cleaned = text.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[a-zA-Z_:]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Sample values as Go's ParseFloat reads them: "+Inf", "-Inf", "NaN", or a plain number. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** Bad metric families given to renderExposition: an ArenaError (ERR_INVALID_ARGUMENT) of its own name. */
export class MetricsFormatError extends ArenaError {
  override readonly name = 'MetricsFormatError';

  constructor(summary: string) {
    super('ERR_INVALID_ARGUMENT', summary);
  }
}

/** Renders families in the text exposition format; throws MetricsFormatError on anything invalid. */
export function renderExposition(families: readonly MetricFamily[]): string {
  const seenFamilies = new Set<string>();
  const lines: string[] = [];
  for (const family of families) {
    if (!isValidMetricName(family.name)) {
      throw new MetricsFormatError(`invalid metric name "${family.name}": must match ${String(metricNamePattern)}`);
    }
    if (seenFamilies.has(family.name)) {
      throw new MetricsFormatError(`metric family "${family.name}" is listed twice; a family has one TYPE line`);
    }
    seenFamilies.add(family.name);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    const seenLabelSets = new Set<string>();
    for (const sample of family.samples) {
      const labelText = renderLabels(family.name, sample.labels ?? {});
      if (seenLabelSets.has(labelText)) {
        throw new MetricsFormatError(`metric "${family.name}" has two samples with the same labels ${labelText || '{}'}`);
      }
      seenLabelSets.add(labelText);
      if (family.type === 'counter' && !(sample.value >= 0)) {
        throw new MetricsFormatError(`counter "${family.name}${labelText}" must be >= 0, got ${sample.value}`);
      }
      lines.push(`${family.name}${labelText} ${formatSampleValue(sample.value)}`);
    }
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

function renderLabels(metric: string, labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return '';
  const pairs = names.map((name) => {
    if (!isValidLabelName(name)) {
      throw new MetricsFormatError(
        `metric "${metric}": invalid label name "${name}": must match ${String(labelNamePattern)} and not start with "__"`,
      );
    }
    return `${name}="${escapeLabelValue(labels[name] ?? '')}"`;
  });
  return `{${pairs.join(',')}}`;
}
