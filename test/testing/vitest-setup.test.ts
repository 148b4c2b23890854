// Runs vitest for real, in a child process, on test/fixtures/testing/leaks.fixture.ts with a config
// that adds `eslint-plugin-arena/testing/vitest` to setupFiles exactly as a user would, and checks
// which fixture tests fail and what their reports say.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

interface AssertionResult {
  readonly fullName: string;
  readonly status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo' | 'disabled';
  readonly failureMessages: readonly string[];
}
interface JsonReport {
  readonly numFailedTests: number;
  readonly numPassedTests: number;
  readonly testResults: readonly { readonly assertionResults: readonly AssertionResult[] }[];
}

const repo = fileURLToPath(new URL('../../', import.meta.url));

describe('eslint-plugin-arena/testing/vitest in a real vitest run', () => {
  let report: JsonReport;
  let exitCode: number | null;
  const result = (name: string): AssertionResult => {
    const found = report.testResults.flatMap((file) => file.assertionResults).find((test) => test.fullName === name);
    if (found === undefined) throw new Error(`fixture test "${name}" not in the report`);
    return found;
  };

  beforeAll(() => {
    const outDir = mkdtempSync(join(tmpdir(), 'arena-leak-fixture-'));
    const outputFile = join(outDir, 'report.json');
    try {
      const child = spawnSync(
        process.execPath,
        [
          join(repo, 'node_modules/vitest/vitest.mjs'),
          'run',
          '--config',
          join(repo, 'test/fixtures/testing/vitest.config.ts'),
          '--reporter=json',
          `--outputFile=${outputFile}`,
        ],
        { cwd: repo, encoding: 'utf8', env: { ...process.env, CI: 'true', ARENA_DEBUG: '' }, timeout: 120_000 },
      );
      exitCode = child.status;
      report = JSON.parse(readFileSync(outputFile, 'utf8')) as JsonReport;
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  it('exits non-zero because the leaking fixture tests fail', () => {
    expect(exitCode).toBe(1);
    expect(report.numFailedTests).toBe(4);
    expect(report.numPassedTests).toBe(7);
  });

  it('passes clean tests, including cleanup done in afterEach', () => {
    for (const name of [
      'leak check clean: creates and destroys an arena',
      'leak check clean: returns the pool handles it took',
      'leak check clean: frees its tagged allocation',
      'cleanup in afterEach counts clean: its afterEach destroys the arena',
    ]) {
      expect(result(name).status, name).toBe('passed');
    }
  });

  it('fails a test that leaks an arena, naming arena, tag, bytes and the line that created it', () => {
    const leaked = result('leak check leaks an arena');
    expect(leaked.status).toBe('failed');
    const message = leaked.failureMessages.join('\n');
    expect(message).toContain('LeakError: 1 leak in test "leak check > leaks an arena" (48 bytes still held)');
    expect(message).toContain('arena "forgotten request" (tag Parse) was never destroyed: 48 bytes in 1 allocation');
    expect(message).toMatch(/created at:\n\s+at .*leaks\.fixture\.ts:17:19/);
  });

  it('fails a test that keeps pool handles from a pool created outside it, with where they were taken', () => {
    const message = result('leak check leaks pool handles from a pool created outside the test').failureMessages.join('\n');
    expect(message).toContain('1 leak in test "leak check > leaks pool handles from a pool created outside the test" (64 bytes still held)');
    expect(message).toContain('pool "shared edges" (tag Edge): 2 handles taken and not returned (64 bytes)');
    expect(message).toMatch(/allocated at:\n\s+at .*leaks\.fixture\.ts:23:\d+/);
  });

  it('fails a test that does not free a tagged allocation, with the allocation site', () => {
    const message = result('leak check leaks a tagged allocation').failureMessages.join('\n');
    expect(message).toContain('allocTagged(100, Cache) was never freed');
    expect(message).toMatch(/allocated at:\n\s+at .*leaks\.fixture\.ts:32:5/);
  });

  it('honours both opt-outs: allowLeaks() and the allow-leaks tag', () => {
    expect(result('leak check opted out with allowLeaks()').status).toBe('passed');
    expect(result('leak check opted out with the allow-leaks tag').status).toBe('passed');
  });

  it('skips concurrent tests, whose allocations cannot be told apart', () => {
    expect(result('leak check concurrent: not checked (allocations cannot be attributed)').status).toBe('passed');
  });

  it('does not pile a leak report onto a test that failed for its own reason', () => {
    const failed = result('leak check fails for its own reason (no leak report piled on)');
    expect(failed.status).toBe('failed');
    expect(failed.failureMessages.join('\n')).toContain('expected 1 to be 2');
    expect(failed.failureMessages.join('\n')).not.toContain('LeakError');
  });
});
