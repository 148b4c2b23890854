import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitLine, MemorySampler, predictExhaustion, type MemorySample } from '../../runtime/observability/predict.js';
import { seededRandom } from '../../runtime/testing/schedule.js';

const curve = (n: number, stepMs: number, bytesAt: (tMs: number, i: number) => number, t0 = 0): MemorySample[] =>
  Array.from({ length: n }, (_, i) => ({ t: t0 + i * stepMs, bytes: bytesAt(i * stepMs, i) }));

describe('predictExhaustion on synthetic curves', () => {
  it('linear growth: exact rate and time left', () => {
    // 1000 bytes + 10 bytes per second, sampled each second for 50 s: 1500 bytes at t=50 s.
    const samples = curve(51, 1000, (t) => 1000 + t / 100);
    const prediction = predictExhaustion(samples, 2000);
    expect(prediction.status).toBe('growing');
    if (prediction.status !== 'growing') return;
    expect(prediction.bytesPerSecond).toBeCloseTo(10, 9);
    expect(prediction.msUntilExhausted).toBeCloseTo(50_000, 3);
    expect(prediction.exhaustedAt).toBeCloseTo(100_000, 3);
    expect(prediction.rSquared).toBeCloseTo(1, 12);
    expect(prediction.message).toMatch(/growing 10 B\/s; 2\.0 KiB budget reached in ~50\.0 s/);
  });

  it('flat: not growing', () => {
    const prediction = predictExhaustion(curve(30, 1000, () => 4096), 8192);
    expect(prediction.status).toBe('not-growing');
    expect(prediction.message).toMatch(/^not growing/);
  });

  it('shrinking: not growing, with the negative rate', () => {
    const prediction = predictExhaustion(curve(30, 500, (t) => 100_000 - t), 200_000);
    expect(prediction.status).toBe('not-growing');
    if (prediction.status === 'not-growing') expect(prediction.bytesPerSecond).toBeCloseTo(-1000, 6);
  });

  it('noisy linear growth: rate and time left within tolerance', () => {
    const random = seededRandom(7);
    // 50 bytes/s with +-200 bytes of uniform noise, 200 samples at 250 ms.
    const samples = curve(200, 250, (t) => 10_000 + (t / 1000) * 50 + (random() - 0.5) * 400);
    const prediction = predictExhaustion(samples, 20_000);
    expect(prediction.status).toBe('growing');
    if (prediction.status !== 'growing') return;
    expect(prediction.bytesPerSecond).toBeGreaterThan(45);
    expect(prediction.bytesPerSecond).toBeLessThan(55);
    // True answer: at t=49.75 s the curve is at 12487.5, so (20000 - 12487.5) / 50 = 150.25 s remain.
    expect(prediction.msUntilExhausted / 1000).toBeGreaterThan(150.25 * 0.9);
    expect(prediction.msUntilExhausted / 1000).toBeLessThan(150.25 * 1.1);
  });

  it('flat with noise: not growing (the slope is within noise)', () => {
    const random = seededRandom(11);
    const prediction = predictExhaustion(curve(100, 1000, () => 5000 + (random() - 0.5) * 1000), 10_000);
    expect(prediction.status).toBe('not-growing');
  });

  it('at or past the budget: exhausted', () => {
    const prediction = predictExhaustion(curve(5, 1000, (t) => 900 + t / 10), 1000);
    expect(prediction).toMatchObject({ status: 'exhausted', bytes: 1300 });
  });

  it('the window keeps only recent samples: growth that stopped is not growing', () => {
    // Grew for 60 s, then flat for 60 s.
    const samples = curve(121, 1000, (t) => (t <= 60_000 ? t : 60_000));
    expect(predictExhaustion(samples, 1e6).status).toBe('growing');
    expect(predictExhaustion(samples, 1e6, { windowMs: 30_000 }).status).toBe('not-growing');
  });

  it('too few samples, or all at one instant: insufficient data', () => {
    expect(predictExhaustion([], 100).status).toBe('insufficient-data');
    expect(predictExhaustion(curve(2, 1000, (t) => t), 1e9).status).toBe('insufficient-data');
    expect(predictExhaustion(curve(5, 0, (_t, i) => i), 1e9).status).toBe('insufficient-data');
  });

  it('rejects a bad budget and non-finite samples', () => {
    expect(() => predictExhaustion([], 0)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => predictExhaustion([{ t: 0, bytes: NaN }], 10)).toThrow(/finite/);
  });

  it('any strictly increasing line is predicted exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 3, max: 60 }),
        fc.integer({ min: 10, max: 5000 }),
        (start, perSecond, n, stepMs) => {
          const samples = curve(n, stepMs, (t) => start + (perSecond * t) / 1000);
          const last = start + (perSecond * (n - 1) * stepMs) / 1000;
          const budget = last + perSecond * 100; // 100 s of growth left
          const prediction = predictExhaustion(samples, budget);
          expect(prediction.status).toBe('growing');
          if (prediction.status === 'growing') expect(prediction.msUntilExhausted).toBeCloseTo(100_000, 0);
        },
      ),
    );
  });
});

describe('fitLine', () => {
  it('recovers slope and intercept, and needs two distinct times', () => {
    const fit = fitLine([{ t: 0, bytes: 5 }, { t: 10, bytes: 25 }, { t: 20, bytes: 45 }]);
    expect(fit?.slope).toBeCloseTo(2, 12);
    expect(fit?.intercept).toBeCloseTo(5, 12);
    expect(fit?.slopeStandardError).toBeCloseTo(0, 12);
    expect(fitLine([{ t: 1, bytes: 1 }])).toBeNull();
    expect(fitLine([{ t: 1, bytes: 1 }, { t: 1, bytes: 2 }])).toBeNull();
  });
});

describe('MemorySampler', () => {
  it('keeps the newest `capacity` samples, oldest first', () => {
    const sampler = new MemorySampler(3);
    for (let i = 1; i <= 5; i++) sampler.record(i * 100, i);
    expect(sampler.size).toBe(3);
    expect(sampler.samples()).toEqual([
      { t: 3, bytes: 300 },
      { t: 4, bytes: 400 },
      { t: 5, bytes: 500 },
    ]);
    // 100 bytes/ms from 500 at t=5 to the 1000 budget: 5 ms.
    const prediction = sampler.predict(1000);
    expect(prediction.status === 'growing' && prediction.msUntilExhausted).toBeCloseTo(5, 9);
    sampler.clear();
    expect(sampler.samples()).toEqual([]);
  });

  it('rejects a capacity below 2', () => {
    expect(() => new MemorySampler(1)).toThrow(/capacity/);
  });
});
