// `eslint-plugin-arena/testing/vitest`: add to `test.setupFiles` in vitest.config.ts.
//
// It turns on debug mode for the whole run and, after each test, fails that test with a leak report
// if anything the test created or allocated is still alive: arenas and pools not destroyed, pool
// handles not returned, allocTagged allocations not freed. Each entry names the arena or pool, the
// tag, the bytes and where it was allocated.
//
// The check runs after the test's own afterEach hooks (the setup file's hooks are registered first,
// and vitest runs afterEach hooks in reverse), so cleanup done there counts. A test that already
// failed is not checked: its leaks are usually the consequence of that failure.
//
// Opt-outs, for tests that hand memory on deliberately:
// - call `allowLeaks('why')` inside the test;
// - or tag the test `allow-leaks` (vitest >= 4.1: `test('x', { tags: ['allow-leaks'] }, fn)`, with
//   the tag declared in the config's `test.tags`).
// Concurrent tests (`test.concurrent`) share one process-wide runtime, so their allocations cannot be
// told apart: the check is skipped for them.

import { afterEach, beforeEach, type TestContext } from 'vitest';
import { setDebugMode } from '../debug.js';
import { captureBaseline, findLeaks, type MemoryBaseline } from './leaks.js';
import { LeakError } from './leak-report.js';

/** The vitest tag that switches the leak check off for one test. */
export const ALLOW_LEAKS_TAG = 'allow-leaks';

setDebugMode(true);

let baseline: MemoryBaseline | null = null;
let leaksAllowed = false;

/**
 * Switches the leak check off for the test that is running (call it inside the test body).
 * `reason` is for the reader; it is not checked.
 */
export function allowLeaks(reason?: string): void {
  void reason;
  leaksAllowed = true;
}

function fullName(context: TestContext): string {
  const names: string[] = [];
  let task: { name: string; suite?: unknown } | undefined = context.task;
  while (task !== undefined && task.name !== '') {
    names.unshift(task.name);
    const parent = task.suite as { name: string; suite?: unknown; type?: string } | undefined;
    task = parent !== undefined && parent.type === 'suite' ? parent : undefined;
  }
  return names.join(' > ');
}

beforeEach((context) => {
  leaksAllowed = false;
  baseline = context.task.concurrent === true ? null : captureBaseline();
});

afterEach((context) => {
  const since = baseline;
  baseline = null;
  if (since === null || leaksAllowed) return;
  if (context.task.tags?.includes(ALLOW_LEAKS_TAG) === true) return;
  if (context.task.result?.state === 'fail') return;
  const leaks = findLeaks(since);
  if (leaks.length > 0) throw new LeakError(leaks, `test "${fullName(context)}"`);
});
