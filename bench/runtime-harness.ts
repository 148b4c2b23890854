// Measurement helpers for bench/runtime.bench.ts: interleaved timing rounds with medians, minor GC
// counting through PerformanceObserver, and JS-heap bytes per operation from heapUsed deltas.

import { PerformanceObserver, constants } from 'node:perf_hooks';

/**
 * Sink for results of measured loops. Every loop folds what it produced into it and the bench
 * prints it at the end, so the JIT cannot prove the work unused and drop it.
 */
export const sink = { checksum: 0 };

/** One measured case: `run(ops)` performs `ops` operations and returns a value to fold into the sink. */
export interface BenchCase {
  readonly name: string;
  /** Operations per timed run (the cost of one run is divided by this). */
  readonly ops: number;
  readonly run: (ops: number) => number;
}

export interface Timing {
  readonly name: string;
  /** Median nanoseconds per operation over the rounds. */
  readonly nsPerOp: number;
  /** Every round's ns/op, in order, for the spread. */
  readonly rounds: readonly number[];
}

function gcIfExposed(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Times the cases in interleaved rounds (case A, B, C, then A, B, C again...) so a burst of load
 * from other processes lands on every case alike; reports the median ns/op per case. Warm-up rounds
 * run first and are not counted, so the measured code is already optimized.
 */
export function timeCases(cases: readonly BenchCase[], rounds = 7, warmupRounds = 2): Timing[] {
  const samples = cases.map(() => [] as number[]);
  for (let round = 0; round < warmupRounds + rounds; round++) {
    for (const [index, bench] of cases.entries()) {
      gcIfExposed();
      const started = process.hrtime.bigint();
      sink.checksum = (sink.checksum + bench.run(bench.ops)) % 1_000_000_007;
      const elapsed = Number(process.hrtime.bigint() - started);
      if (round >= warmupRounds) samples[index]!.push(elapsed / bench.ops);
    }
  }
  return cases.map((bench, index) => ({ name: bench.name, nsPerOp: median(samples[index]!), rounds: samples[index]! }));
}

/** Counts garbage collections of the given kind while `body` runs (including its trailing ticks). */
export async function countCollections(body: () => number, kind: 'minor' | 'major' = 'minor'): Promise<number> {
  const wanted = kind === 'minor' ? constants.NODE_PERFORMANCE_GC_MINOR : constants.NODE_PERFORMANCE_GC_MAJOR;
  let count = 0;
  let measuring = false;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = (entry as { detail?: { kind?: number } }).detail;
      if (measuring && detail?.kind === wanted) count++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  gcIfExposed();
  // GC entries are delivered asynchronously: let the forced collection's entry arrive before counting.
  await new Promise((resolve) => setTimeout(resolve, 20));
  measuring = true;
  sink.checksum = (sink.checksum + body()) % 1_000_000_007;
  await new Promise((resolve) => setTimeout(resolve, 20));
  measuring = false;
  observer.disconnect();
  return count;
}

/**
 * JS-heap bytes allocated per operation. `heapUsed` is read before and after windows of `opsPerWindow`
 * operations; windows in which heapUsed fell (a collection ran) are discarded, the rest give a
 * per-window delta from which the same measurement over an empty window (the cost of reading
 * heapUsed itself) is subtracted; the median window is reported. Windows are sized so that even
 * one byte per operation stands well above the reading's own cost.
 */
export function heapBytesPerOp(runWindow: (ops: number) => number, opsPerWindow = 20_000, windows = 31): number {
  const deltas = (body: (ops: number) => number): number[] => {
    const result: number[] = [];
    for (let attempt = 0; attempt < windows * 4 && result.length < windows; attempt++) {
      const before = process.memoryUsage().heapUsed;
      sink.checksum = (sink.checksum + body(opsPerWindow)) % 1_000_000_007;
      const after = process.memoryUsage().heapUsed;
      if (after >= before) result.push(after - before);
    }
    return result;
  };
  // Warm up both loops so no compilation happens inside a measured window.
  for (let index = 0; index < 5; index++) {
    runWindow(opsPerWindow);
    emptyWindow(opsPerWindow);
  }
  gcIfExposed();
  const empty = median(deltas(emptyWindow));
  gcIfExposed();
  const measured = deltas(runWindow);
  if (measured.length === 0) return Number.NaN;
  return Math.max(0, (median(measured) - empty) / opsPerWindow);
}

function emptyWindow(ops: number): number {
  let sum = 0;
  for (let index = 0; index < ops; index++) sum += index & 1;
  return sum;
}

/** `12.3`, `0.456`, `1,234` — three significant-ish digits for tables. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
