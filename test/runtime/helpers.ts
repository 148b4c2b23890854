// Shared by the runtime tests: run an action that should fail and say how it failed.
import { ArenaError, type ArenaErrorCode } from '../../runtime/index.js';

/** The code of the ArenaError `action` throws, or what happened instead. */
export function codeOf(action: () => unknown): ArenaErrorCode | 'no error' | 'not an ArenaError' {
  try {
    action();
  } catch (error) {
    return error instanceof ArenaError ? error.code : 'not an ArenaError';
  }
  return 'no error';
}

/** The ArenaError `action` throws; anything else fails the test with what happened instead. */
export function caught(action: () => unknown): ArenaError {
  try {
    action();
  } catch (error) {
    if (error instanceof ArenaError) return error;
    throw new Error(`expected an ArenaError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected an ArenaError, nothing was thrown');
}
