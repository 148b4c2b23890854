// `eslint-plugin-arena/testing`: leak checks and allocation failure injection for any test runner.
// The vitest setup module is `eslint-plugin-arena/testing/vitest`.

export { isDebugMode, setDebugMode } from '../debug.js';
export {
  assertNoLeaksSince,
  captureBaseline,
  expectNoLeaks,
  findLeaks,
  MemoryBaseline,
  type ExpectNoLeaksOptions,
} from './leaks.js';
export { formatLeakReport, LeakError, type Leak } from './leak-report.js';
export {
  describeInjectedFailure,
  injectAllocationFailures,
  withAllocationFailures,
  type AllocationFailureInjection,
  type InjectedFailure,
} from './failures.js';
export {
  createFailureSchedule,
  seededRandom,
  type AllocationKind,
  type AllocationRequest,
  type FailurePlan,
  type FailureSchedule,
} from './schedule.js';
export {
  AllocationFailureSweepError,
  forEachAllocationFailure,
  type AllocationFailureSweep,
  type AllocationFailureSweepOptions,
  type SweepRun,
} from './sweep.js';
