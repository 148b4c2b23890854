import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Tag } from '../../runtime/types.js';
import {
  createFailureSchedule,
  seededRandom,
  type AllocationKind,
  type AllocationRequest,
  type FailurePlan,
} from '../../runtime/testing/schedule.js';

const tag = (n: number): Tag => n as Tag;
const request = (t: number, kind: AllocationKind = 'arena', owner = 'a'): AllocationRequest => ({ kind, owner, tag: tag(t), size: 16 });

const decide = (plan: FailurePlan, requests: readonly AllocationRequest[]): boolean[] => {
  const schedule = createFailureSchedule(plan);
  return requests.map((r) => schedule.shouldFail(r));
};

describe('failure schedules', () => {
  const twelve = Array.from({ length: 12 }, () => request(0));

  it('nth fails exactly that allocation, once', () => {
    expect(decide({ nth: 3 }, twelve).flatMap((f, i) => (f ? [i + 1] : []))).toEqual([3]);
  });

  it('every fails n, 2n, 3n, ...', () => {
    expect(decide({ every: 4 }, twelve).flatMap((f, i) => (f ? [i + 1] : []))).toEqual([4, 8, 12]);
  });

  it('a tag filter alone fails every allocation with that tag', () => {
    const requests = [request(1), request(2), request(1), request(3)];
    expect(decide({ tag: tag(1) }, requests)).toEqual([true, false, true, false]);
    expect(decide({ tag: [tag(1), tag(3)] }, requests)).toEqual([true, false, true, true]);
  });

  it('filters decide what is counted: nth among Edge allocations only', () => {
    const requests = [request(1), request(2), request(2), request(1), request(2)];
    expect(decide({ nth: 2, tag: tag(2) }, requests)).toEqual([false, false, true, false, false]);
    expect(decide({ nth: 1, kind: 'pool' }, [request(0), request(0, 'pool'), request(0, 'pool')])).toEqual([false, true, false]);
    expect(decide({ every: 1, owner: 'b' }, [request(0, 'arena', 'a'), request(0, 'arena', 'b')])).toEqual([false, true]);
  });

  it('seeded random is reproducible and near its probability', () => {
    const many = Array.from({ length: 10_000 }, () => request(0));
    const first = decide({ probability: 0.1, seed: 42 }, many);
    expect(decide({ probability: 0.1, seed: 42 }, many)).toEqual(first);
    expect(decide({ probability: 0.1, seed: 43 }, many)).not.toEqual(first);
    const rate = first.filter(Boolean).length / many.length;
    expect(rate).toBeGreaterThan(0.09);
    expect(rate).toBeLessThan(0.11);
  });

  it('maxFailures caps injected failures', () => {
    const schedule = createFailureSchedule({ every: 2, maxFailures: 2 });
    const failed = twelve.map((r) => schedule.shouldFail(r));
    expect(failed.filter(Boolean)).toHaveLength(2);
    expect(schedule.failures).toBe(2);
    expect(schedule.counted).toBe(12);
  });

  it('rejects plans that are invalid or would fail everything by accident', () => {
    expect(() => createFailureSchedule({})).toThrow(/empty plan/);
    expect(() => createFailureSchedule({ nth: 0 })).toThrow(/nth must be an integer >= 1/);
    expect(() => createFailureSchedule({ every: 1.5 })).toThrow(/every/);
    expect(() => createFailureSchedule({ probability: 0.5 })).toThrow(/needs a seed/);
    expect(() => createFailureSchedule({ probability: 2, seed: 1 })).toThrow(/\[0, 1\]/);
    expect(() => createFailureSchedule({ nth: 1, maxFailures: -1 })).toThrow(/maxFailures/);
  });

  it('seededRandom gives numbers in [0, 1) and differs by seed', () => {
    const a = seededRandom(1);
    const values = Array.from({ length: 1000 }, a);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(seededRandom(1)()).toBe(values[0]);
    expect(seededRandom(2)()).not.toBe(values[0]);
  });
});

// Reference model: filter the request list first, then decide by position among the counted ones.
function modelDecisions(plan: FailurePlan, requests: readonly AllocationRequest[]): boolean[] {
  const tags = plan.tag === undefined ? undefined : ([] as Tag[]).concat(plan.tag);
  const kinds = plan.kind === undefined ? undefined : ([] as AllocationKind[]).concat(plan.kind);
  const counted = requests.map(
    (r) => (tags === undefined || tags.includes(r.tag)) && (kinds === undefined || kinds.includes(r.kind)) && (plan.owner === undefined || plan.owner === r.owner),
  );
  const countedTotal = counted.filter(Boolean).length;
  const random = seededRandom(plan.seed ?? 0);
  const draws = Array.from({ length: countedTotal }, () => random());
  const triggered = draws.map((draw, index) => {
    const position = index + 1;
    const anyTrigger = plan.nth !== undefined || plan.every !== undefined || plan.probability !== undefined;
    return (
      !anyTrigger ||
      position === plan.nth ||
      (plan.every !== undefined && position % plan.every === 0) ||
      (plan.probability !== undefined && draw < plan.probability)
    );
  });
  let failures = 0;
  let position = 0;
  return counted.map((isCounted) => {
    if (!isCounted) return false;
    const fails = triggered[position++] === true && (plan.maxFailures === undefined || failures < plan.maxFailures);
    if (fails) failures++;
    return fails;
  });
}

describe('failure schedules match the model (property)', () => {
  it('for random plans and request streams', () => {
    const planArb: fc.Arbitrary<FailurePlan> = fc
      .record(
        {
          nth: fc.integer({ min: 1, max: 30 }),
          every: fc.integer({ min: 1, max: 10 }),
          probability: fc.double({ min: 0, max: 1, noNaN: true }),
          seed: fc.integer(),
          tag: fc.oneof(fc.integer({ min: 0, max: 3 }).map(tag), fc.array(fc.integer({ min: 0, max: 3 }).map(tag), { maxLength: 3 })),
          kind: fc.constantFrom<AllocationKind>('arena', 'pool', 'objectPool', 'tagged'),
          owner: fc.constantFrom('a', 'b'),
          maxFailures: fc.nat(5),
        },
        { requiredKeys: ['seed'] },
      )
      .filter((plan) => plan.nth !== undefined || plan.every !== undefined || plan.probability !== undefined || plan.tag !== undefined || plan.kind !== undefined || plan.owner !== undefined);
    const requestArb = fc.record({
      kind: fc.constantFrom<AllocationKind>('arena', 'pool', 'objectPool', 'tagged'),
      owner: fc.constantFrom('a', 'b'),
      tag: fc.integer({ min: 0, max: 3 }).map(tag),
      size: fc.integer({ min: 1, max: 64 }),
    });
    fc.assert(
      fc.property(planArb, fc.array(requestArb, { maxLength: 60 }), (plan, requests) => {
        const schedule = createFailureSchedule(plan);
        const actual = requests.map((r) => schedule.shouldFail(r));
        const expected = modelDecisions(plan, requests);
        expect(actual).toEqual(expected);
        expect(schedule.failures).toBe(expected.filter(Boolean).length);
      }),
      { numRuns: 2000 },
    );
  });
});
