// OOM prediction: fit a least-squares line through recent (time, bytes) samples and extrapolate it
// to the budget. A slope that noise alone could explain (within `significance` standard errors of
// zero) is reported as "not growing" rather than as an exhaustion date decades away.

import { formatBytes, formatClockTime } from './report.js';
import { describeValue, invalidArgument } from '../errors.js';

export interface MemorySample {
  /** Milliseconds (epoch or any monotonic clock, as long as all samples use the same one). */
  readonly t: number;
  readonly bytes: number;
}

interface PredictionBase {
  /** Samples the fit used (those inside the window). */
  readonly samples: number;
  readonly budget: number;
  /** A sentence for logs. */
  readonly message: string;
}

export type OomPrediction =
  | (PredictionBase & { readonly status: 'insufficient-data' })
  | (PredictionBase & { readonly status: 'exhausted'; readonly bytes: number })
  | (PredictionBase & { readonly status: 'not-growing'; readonly bytesPerSecond: number })
  | (PredictionBase & {
      readonly status: 'growing';
      readonly bytesPerSecond: number;
      /** Time from the newest sample until the fitted line reaches the budget (0 if it already has). */
      readonly msUntilExhausted: number;
      /** The newest sample's clock plus msUntilExhausted. */
      readonly exhaustedAt: number;
      /** How well a line explains the samples, 0..1. */
      readonly rSquared: number;
    });

export interface PredictOptions {
  /** Only samples within this many ms of the newest count. Default: all. */
  readonly windowMs?: number;
  /** Minimum samples for a fit (>= 2). Default 3. */
  readonly minSamples?: number;
  /** Standard errors the slope must exceed to count as growth. Default 2 (about 95%). */
  readonly significance?: number;
}

export interface LinearFit {
  /** Bytes per ms. */
  readonly slope: number;
  readonly intercept: number;
  readonly slopeStandardError: number;
  readonly rSquared: number;
  /** Mean of t, around which the fit is centred for numerical stability. */
  readonly meanT: number;
  readonly meanBytes: number;
}

/** Ordinary least squares of bytes on t. Needs >= 2 samples with distinct times. */
export function fitLine(samples: readonly MemorySample[]): LinearFit | null {
  const n = samples.length;
  if (n < 2) return null;
  let sumT = 0;
  let sumB = 0;
  for (const s of samples) {
    sumT += s.t;
    sumB += s.bytes;
  }
  const meanT = sumT / n;
  const meanBytes = sumB / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const s of samples) {
    const dt = s.t - meanT;
    const db = s.bytes - meanBytes;
    sxx += dt * dt;
    sxy += dt * db;
    syy += db * db;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const residual = Math.max(0, syy - slope * sxy);
  const slopeStandardError = n > 2 ? Math.sqrt(residual / (n - 2) / sxx) : 0;
  const rSquared = syy === 0 ? 1 : 1 - residual / syy;
  return { slope, intercept: meanBytes - slope * meanT, slopeStandardError, rSquared, meanT, meanBytes };
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms < 172_800_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} days`;
}

function rate(bytesPerSecond: number): string {
  return `${bytesPerSecond < 0 ? '-' : ''}${formatBytes(Math.abs(Math.round(bytesPerSecond)))}/s`;
}

/**
 * Estimates when tracked bytes will reach `budget`, from samples in any order.
 * Statuses: "exhausted" (the newest sample is at or past the budget), "growing" (with the time left),
 * "not-growing" (flat, shrinking, or growth indistinguishable from noise), "insufficient-data".
 */
export function predictExhaustion(
  samples: readonly MemorySample[],
  budget: number,
  options: PredictOptions = {},
): OomPrediction {
  if (!(budget > 0) || !Number.isFinite(budget)) {
    throw invalidArgument(`predictExhaustion: budget must be a finite number of bytes > 0, got ${describeValue(budget)}`);
  }
  const minSamples = Math.max(2, options.minSamples ?? 3);
  const significance = options.significance ?? 2;
  for (const s of samples) {
    if (!Number.isFinite(s.t) || !Number.isFinite(s.bytes)) {
      throw invalidArgument(`predictExhaustion: samples need finite t and bytes, got t=${describeValue(s.t)} bytes=${describeValue(s.bytes)}`);
    }
  }
  const ordered = [...samples].sort((a, b) => a.t - b.t);
  const newest = ordered[ordered.length - 1];
  if (newest === undefined) {
    return { status: 'insufficient-data', samples: 0, budget, message: 'no samples yet' };
  }
  const windowed =
    options.windowMs === undefined ? ordered : ordered.filter((s) => s.t >= newest.t - (options.windowMs ?? 0));

  if (newest.bytes >= budget) {
    return {
      status: 'exhausted',
      samples: windowed.length,
      budget,
      bytes: newest.bytes,
      message: `budget exhausted: ${formatBytes(newest.bytes)} of ${formatBytes(budget)}`,
    };
  }
  const fit = windowed.length >= minSamples ? fitLine(windowed) : null;
  if (fit === null) {
    return {
      status: 'insufficient-data',
      samples: windowed.length,
      budget,
      message: `need at least ${minSamples} samples at distinct times, have ${windowed.length}`,
    };
  }
  const bytesPerSecond = fit.slope * 1000;
  if (!(fit.slope > 0) || fit.slope <= significance * fit.slopeStandardError) {
    return {
      status: 'not-growing',
      samples: windowed.length,
      budget,
      bytesPerSecond,
      message: `not growing (${rate(bytesPerSecond)} over ${windowed.length} samples)`,
    };
  }
  const fittedNow = fit.intercept + fit.slope * newest.t;
  const msUntilExhausted = Math.max(0, (budget - fittedNow) / fit.slope);
  const exhaustedAt = newest.t + msUntilExhausted;
  return {
    status: 'growing',
    samples: windowed.length,
    budget,
    bytesPerSecond,
    msUntilExhausted,
    exhaustedAt,
    rSquared: fit.rSquared,
    message:
      `growing ${rate(bytesPerSecond)}; ${formatBytes(budget)} budget reached in ~${formatDuration(msUntilExhausted)}` +
      (newest.t > 1e12 ? ` (at ${formatClockTime(exhaustedAt)} UTC)` : ''),
  };
}

/** A fixed-size ring of samples; `predict` fits the ones it holds. Holds no runtime state itself. */
export class MemorySampler {
  readonly #times: Float64Array;
  readonly #bytes: Float64Array;
  #next = 0;
  #size = 0;

  constructor(readonly capacity = 120) {
    if (!Number.isInteger(capacity) || capacity < 2) {
      throw invalidArgument(`MemorySampler: capacity must be an integer >= 2, got ${describeValue(capacity)}`);
    }
    this.#times = new Float64Array(capacity);
    this.#bytes = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  record(bytes: number, t: number = Date.now()): void {
    this.#times[this.#next] = t;
    this.#bytes[this.#next] = bytes;
    this.#next = (this.#next + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
  }

  /** Oldest first. */
  samples(): MemorySample[] {
    const out: MemorySample[] = [];
    const start = (this.#next - this.#size + this.capacity) % this.capacity;
    for (let i = 0; i < this.#size; i++) {
      const index = (start + i) % this.capacity;
      out.push({ t: this.#times[index] ?? 0, bytes: this.#bytes[index] ?? 0 });
    }
    return out;
  }

  predict(budget: number, options?: PredictOptions): OomPrediction {
    return predictExhaustion(this.samples(), budget, options);
  }

  clear(): void {
    this.#next = 0;
    this.#size = 0;
  }
}
