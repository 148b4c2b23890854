// Which eslint and typescript-eslint the tests run against: the root install normally, the lowest
// versions the plugin's ranges allow under `npm run test:min-versions` (vitest.min-versions.config.ts
// names them in the environment). Proves the redirection to the old versions really happens.
import { readFileSync } from 'node:fs';

import parser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

const rootVersion = (name: string): string =>
  (JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;

describe('the versions under test', () => {
  it('eslint is the expected one', () => {
    expect(Linter.version).toBe(process.env['ARENA_EXPECT_ESLINT'] ?? rootVersion('eslint'));
  });

  it('@typescript-eslint/parser is the expected one', () => {
    expect(parser.version).toBe(process.env['ARENA_EXPECT_TYPESCRIPT_ESLINT'] ?? rootVersion('@typescript-eslint/parser'));
  });
});
