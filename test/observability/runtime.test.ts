import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allocationHeatmap,
  allocTagged,
  createArena,
  createOomPredictor,
  createPool,
  defineTag,
  formatReport,
  freeTagged,
  metricsJson,
  metricsText,
  onMemoryPressure,
  reportStats,
  setDebugMode,
  takeSnapshot,
  type Handle,
  type MemoryPressureEvent,
  type MemorySnapshot,
} from '../../runtime/index.js';
import { getTrackedBytes } from '../../runtime/internal.js';
import { parseExposition } from './exposition-parser.js';

afterEach(() => setDebugMode(false));

const tagOf = (snapshot: MemorySnapshot, name: string) => snapshot.tags.find((tag) => tag.tag === name);

describe('takeSnapshot', () => {
  it('reports per-tag bytes, peaks with their time, size classes and live owners', () => {
    setDebugMode(true);
    const edge = defineTag('obs-snapshot-edge');
    const before = Date.now();
    const arena = createArena(1024, 'snapshot arena', { tag: edge, maxBytes: 8192 });
    arena.alloc(24);
    arena.alloc(40);
    const after = Date.now();
    arena.reset();
    arena.alloc(8);

    const snapshot = takeSnapshot();
    const row = tagOf(snapshot, 'obs-snapshot-edge');
    expect(row).toMatchObject({ currentBytes: 8, peakBytes: 64, totalAllocs: 3, totalFrees: 2, allocCount: 1 });
    expect(row?.peakAt).toBeGreaterThanOrEqual(before - 1);
    expect(row?.peakAt).toBeLessThanOrEqual(after + 1);
    expect(snapshot.sizeClasses.filter((entry) => entry.tag === 'obs-snapshot-edge')).toEqual([
      { tag: 'obs-snapshot-edge', sizeClass: 3, count: 1 },
      { tag: 'obs-snapshot-edge', sizeClass: 5, count: 1 },
      { tag: 'obs-snapshot-edge', sizeClass: 6, count: 1 },
    ]);
    const owner = snapshot.owners.find((o) => o.name === 'snapshot arena');
    expect(owner).toMatchObject({ kind: 'arena', tag: 'obs-snapshot-edge', bytesInUse: 8, liveCount: 1, peakBytes: 64, maxBytes: 8192 });
    expect(owner?.capacityBytes).toBeGreaterThanOrEqual(1024);
    expect(owner?.peakAt).toBeGreaterThanOrEqual(before - 1);
    expect(owner?.createdAt).toMatch(/runtime\.test\.ts/);
    expect(snapshot.trackedBytes).toBe(getTrackedBytes());
    expect(snapshot.debugMode).toBe(true);
    arena.destroy();
    expect(takeSnapshot().owners.some((o) => o.name === 'snapshot arena')).toBe(false);
  });

  it('gives pools their capacity in bytes and a stable id', () => {
    const pool = createPool(32, 4, 'snapshot pool');
    pool.alloc();
    const first = takeSnapshot().owners.find((o) => o.name === 'snapshot pool');
    expect(first).toMatchObject({ kind: 'pool', bytesInUse: 32, capacityBytes: 128, liveCount: 1, maxBytes: null });
    expect(takeSnapshot().owners.find((o) => o.name === 'snapshot pool')?.id).toBe(first?.id);
    pool.destroy();
  });

  it('JSON and Prometheus exports describe the same numbers', () => {
    const tag = defineTag('obs-export');
    const handle = allocTagged(300, tag);
    const json = JSON.parse(metricsJson()) as MemorySnapshot;
    expect(tagOf(json, 'obs-export')?.currentBytes).toBe(300);
    const families = parseExposition(metricsText());
    const sample = families.get('arena_current_bytes')?.samples.find((s) => s.labels.tag === 'obs-export');
    expect(sample?.value).toBe(300);
    expect(families.get('arena_tracked_bytes')?.samples[0]?.value).toBe(getTrackedBytes());
    freeTagged(handle, tag);
  });
});

describe('formatReport and allocationHeatmap', () => {
  it('sorts tags by current bytes and lists live owners', () => {
    const big = defineTag('obs-report-big');
    const small = defineTag('obs-report-small');
    const a = allocTagged(10, small);
    const b = allocTagged(5000, big);
    const pool = createPool(16, 2, 'report pool');
    const report = formatReport();
    expect(report.indexOf('obs-report-big')).toBeGreaterThan(-1);
    expect(report.indexOf('obs-report-big')).toBeLessThan(report.indexOf('obs-report-small'));
    expect(report).toMatch(/Live arenas and pools \(\d+\)[\s\S]*report pool\s+pool/);
    freeTagged(a, small);
    freeTagged(b, big);
    pool.destroy();
  });

  it('reportStats lists tags by current bytes too, keeping its rows in tag order', () => {
    const first = defineTag('obs-rs-first');
    const second = defineTag('obs-rs-second');
    const small = allocTagged(16, first);
    const large = allocTagged(4096, second);
    const report = reportStats();
    expect(report.text.indexOf('obs-rs-second')).toBeLessThan(report.text.indexOf('obs-rs-first'));
    expect(report.rows.findIndex((row) => row.tag === first)).toBeLessThan(report.rows.findIndex((row) => row.tag === second));
    freeTagged(small, first);
    freeTagged(large, second);
  });

  it('draws the runtime size classes per tag', () => {
    const tag = defineTag('obs-heat');
    const handles = [allocTagged(3, tag), allocTagged(4, tag), allocTagged(1000, tag)];
    const heatmap = allocationHeatmap(undefined, { tagOrder: ['obs-heat'] });
    const row = heatmap.matrix.tags.indexOf('obs-heat');
    expect(row).toBe(0);
    const column = (k: number): number => heatmap.matrix.sizeClasses.indexOf(k);
    expect(heatmap.matrix.counts[row]?.[column(2)]).toBe(2);
    expect(heatmap.matrix.counts[row]?.[column(10)]).toBe(1);
    expect(heatmap.text).toMatch(/^obs-heat /m);
    expect(heatmap.svg).toContain('>obs-heat<');
    for (const handle of handles) freeTagged(handle, tag);
  });
});

describe('onMemoryPressure on tracked bytes', () => {
  it('fires once per upward crossing, re-arms after a drop, and stops after unsubscribe', () => {
    const tag = defineTag('obs-pressure');
    const events: MemoryPressureEvent[] = [];
    const threshold = getTrackedBytes() + 1000;
    const unsubscribe = onMemoryPressure(threshold, (event) => events.push(event));
    const a = allocTagged(600, tag);
    expect(events).toHaveLength(0);
    const b = allocTagged(600, tag);
    expect(events).toEqual([{ source: 'tracked', bytes: threshold + 200, threshold }]);
    const c = allocTagged(10, tag);
    expect(events).toHaveLength(1);
    freeTagged(b, tag);
    freeTagged(c, tag);
    const d = allocTagged(600, tag);
    expect(events).toHaveLength(2);
    unsubscribe();
    freeTagged(d, tag);
    freeTagged(allocTagged(600, tag), tag);
    expect(events).toHaveLength(2);
    freeTagged(a, tag);
  });

  it('fires inside the arena allocation that crosses, with no stats read in between', () => {
    const arena = createArena(4096, 'crossing arena');
    const threshold = getTrackedBytes() + 1000;
    let fired = 0;
    const unsubscribe = onMemoryPressure(threshold, () => fired++);
    arena.alloc(600);
    const before = fired;
    arena.alloc(600);
    const after = fired;
    expect([before, after]).toEqual([0, 1]);
    unsubscribe();
    arena.destroy();
  });

  it('does not fire when subscribing while already above; fires after a drop and a rise', () => {
    const tag = defineTag('obs-pressure-above');
    const a = allocTagged(500, tag);
    let fired = 0;
    const unsubscribe = onMemoryPressure(getTrackedBytes() - 100, () => fired++);
    allocTagged(1, tag);
    expect(fired).toBe(0);
    freeTagged(a, tag);
    const b = allocTagged(500, tag);
    expect(fired).toBe(1);
    unsubscribe();
    freeTagged(b, tag);
  });

  it('a callback that throws propagates out of the allocation, after the others ran', () => {
    const tag = defineTag('obs-pressure-throw');
    const threshold = getTrackedBytes() + 10;
    let otherRan = false;
    const first = onMemoryPressure(threshold, () => {
      throw new Error('callback failed');
    });
    const second = onMemoryPressure(threshold, () => {
      otherRan = true;
    });
    expect(() => allocTagged(100, tag)).toThrow('callback failed');
    expect(otherRan).toBe(true);
    first();
    second();
    // The allocation itself succeeded before the callback ran.
    expect(takeSnapshot().tags.find((t) => t.tag === 'obs-pressure-throw')?.currentBytes).toBe(100);
  });

  it('validates its arguments', () => {
    expect(() => onMemoryPressure(-1, () => {})).toThrow(/threshold/);
    const unbudgeted = createArena(64, 'no budget');
    expect(() => onMemoryPressure({ arena: unbudgeted, fraction: 0.5 }, () => {})).toThrow(/no maxBytes budget/);
    const budgeted = createArena(64, 'budget', { maxBytes: 1024 });
    expect(() => onMemoryPressure({ arena: budgeted, fraction: 1.5 }, () => {})).toThrow(/fraction/);
    unbudgeted.destroy();
    budgeted.destroy();
  });

  it('matches a model for any sequence of allocations, frees and resets across several thresholds (property)', () => {
    const tag = defineTag('obs-pressure-prop');
    type Op = { kind: 'alloc'; size: number } | { kind: 'free'; index: number } | { kind: 'arena'; size: number } | { kind: 'reset' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('alloc' as const), size: fc.integer({ min: 1, max: 400 }) }),
      fc.record({ kind: fc.constant('free' as const), index: fc.nat() }),
      fc.record({ kind: fc.constant('arena' as const), size: fc.integer({ min: 1, max: 400 }) }),
      fc.constant({ kind: 'reset' as const }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 4 }), fc.array(op, { maxLength: 60 }), (offsets, ops) => {
        const base = getTrackedBytes();
        const arena = createArena(256, 'pressure prop', { tag });
        const live: Handle[] = [];
        const fired = offsets.map(() => 0);
        const expected = offsets.map(() => 0);
        const unsubscribes = offsets.map((offset, i) => onMemoryPressure(base + offset, () => fired[i]!++));
        let modelBytes = base;
        const moveTo = (next: number): void => {
          offsets.forEach((offset, i) => {
            const threshold = base + offset;
            if (modelBytes <= threshold && next > threshold) expected[i]!++;
          });
          modelBytes = next;
        };
        for (const step of ops) {
          if (step.kind === 'alloc') {
            live.push(allocTagged(step.size, tag));
            moveTo(modelBytes + step.size);
          } else if (step.kind === 'arena') {
            arena.alloc(step.size);
            moveTo(modelBytes + step.size);
          } else if (step.kind === 'free' && live.length > 0) {
            const [handle] = live.splice(step.index % live.length, 1);
            freeTagged(handle!, tag);
            moveTo(getTrackedBytes());
          } else if (step.kind === 'reset') {
            arena.reset();
            moveTo(getTrackedBytes());
          }
          expect(getTrackedBytes()).toBe(modelBytes);
          expect(fired).toEqual(expected);
        }
        unsubscribes.forEach((unsubscribe) => unsubscribe());
        for (const handle of live) freeTagged(handle, tag);
        arena.destroy();
      }),
      { numRuns: 300 },
    );
  });
});

describe('onMemoryPressure on an arena budget', () => {
  it('fires when live bytes pass the fraction of maxBytes, and again after a reset and regrowth', async () => {
    const arena = createArena(1024, 'budgeted', { maxBytes: 4096 });
    const events: MemoryPressureEvent[] = [];
    onMemoryPressure({ arena, fraction: 0.5 }, (event) => events.push(event));
    arena.alloc(1024);
    arena.alloc(1024);
    expect(events).toHaveLength(0);
    arena.alloc(8);
    expect(events).toEqual([{ source: 'arena', arena: 'budgeted', bytes: 2056, threshold: 2048 }]);
    arena.alloc(8);
    expect(events).toHaveLength(1);
    arena.reset();
    await Promise.resolve(); // the drop is confirmed once the reset has finished
    arena.alloc(2000);
    expect(events).toHaveLength(1);
    arena.alloc(100);
    expect(events).toHaveLength(2);
    arena.destroy();
  });

  it('ignores other tags growing', () => {
    const arena = createArena(2048, 'quiet', { maxBytes: 2048 });
    const tag = defineTag('obs-other');
    let fired = 0;
    const unsubscribe = onMemoryPressure({ arena, fraction: 0.9 }, () => fired++);
    const handles = Array.from({ length: 10 }, () => allocTagged(1000, tag));
    expect(fired).toBe(0);
    arena.alloc(1900);
    expect(fired).toBe(1);
    unsubscribe();
    for (const handle of handles) freeTagged(handle, tag);
    arena.destroy();
  });
});

describe('createOomPredictor', () => {
  it('predicts exhaustion from tracked-bytes samples of a growing workload', () => {
    const tag = defineTag('obs-oom');
    const start = getTrackedBytes();
    const predictor = createOomPredictor(start + 10_000);
    const handles: Handle[] = [];
    for (let second = 0; second <= 10; second++) {
      predictor.sample(second * 1000);
      handles.push(allocTagged(100, tag));
    }
    const prediction = predictor.predict();
    expect(prediction.status).toBe('growing');
    if (prediction.status === 'growing') {
      expect(prediction.bytesPerSecond).toBeCloseTo(100, 6);
      // At t=10 s the samples show start + 1000; 9000 bytes to go at 100 B/s.
      expect(prediction.msUntilExhausted).toBeCloseTo(90_000, 3);
    }
    for (const handle of handles) freeTagged(handle, tag);
    predictor.sample(11_000);
    predictor.sampler.clear();
    for (let second = 0; second < 5; second++) predictor.sample(second * 1000);
    expect(predictor.predict().status).toBe('not-growing');
    expect(() => createOomPredictor(0)).toThrow(/budget/);
  });
});
