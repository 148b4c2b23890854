// Owners dropped without destroy() are released when collected, and record arrays shrink after an
// unusually large generation. Needs a real garbage collection, so it runs a child `node --expose-gc`
// on a transpiled copy of the runtime (test/runtime/workers/finalization-child.mjs).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRuntimeCopy } from './workers/runtime-copy.js';

interface ChildReport {
  liveBefore: number;
  liveAfter: number;
  statsBefore: { currentBytes: number; allocCount: number };
  statsAfter: { currentBytes: number; allocCount: number; totalFrees: number };
  buffersBeforeMiB: number;
  buffersAfterMiB: number;
  reclaimed: number;
  staleLive: number;
  churnCreated: number;
  churnFailure: string | null;
  recordsAfterBigResetMiB: number;
  recordsAfterSmallGenerationsMiB: number;
  bigStillWorks: boolean;
}

let report: ChildReport;

beforeAll(async () => {
  const child = fileURLToPath(new URL('./workers/finalization-child.mjs', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', child, makeRuntimeCopy('finalization')], {
    maxBuffer: 1 << 20,
  });
  report = JSON.parse(stdout) as ChildReport;
}, 120_000);

describe('owners dropped without destroy()', () => {
  it('200 arenas of 1 MiB and 200 pools leave the live list, the stats and memory once collected', () => {
    expect(report.liveBefore).toBe(400);
    expect(report.statsBefore).toMatchObject({ currentBytes: 200 * 10 * 100 + 200 * 5 * 64, allocCount: 3000 });
    expect(report.buffersBeforeMiB).toBeGreaterThan(200);
    expect(report.liveAfter).toBe(0);
    expect(report.reclaimed).toBeGreaterThanOrEqual(400);
    expect(report.statsAfter).toMatchObject({ currentBytes: 0, allocCount: 0, totalFrees: 3000 });
    expect(report.buffersAfterMiB).toBeLessThan(5);
  });

  it('their handles stay dead in the owners that reuse their ids', () => {
    expect(report.staleLive).toBe(0);
  });

  it('creating 40,000 owners over the process life, none destroyed, never runs out of ids', () => {
    expect(report.churnFailure).toBeNull();
    expect(report.churnCreated).toBe(40_000);
  });
});

describe('record storage', () => {
  it('shrinks back after one generation of 2.5M allocations once four small generations followed', () => {
    // 32 MiB chunk + 32 MiB of records (4M entries x 8 bytes) after the big reset...
    expect(report.recordsAfterBigResetMiB).toBeGreaterThan(60);
    // ...and only the chunk (kept for reuse) once the records have shrunk.
    expect(report.recordsAfterSmallGenerationsMiB).toBeLessThan(34);
    expect(report.bigStillWorks).toBe(true);
  });
});
