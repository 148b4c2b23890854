// The project's own runtime, benchmarks and examples must pass its own recommended config with no
// errors. The plugin is loaded from source here (npm run lint uses the built one, eslint.config.js).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import parser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import { RUNTIME_MODULES, SELF_LINTED_DIRECTORIES } from '../scripts/self-lint.js';
import plugin from '../src/index.js';

const root = fileURLToPath(new URL('../', import.meta.url));

const config: Linter.Config[] = [
  { ignores: ['examples/planted/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser, sourceType: 'module' },
    settings: { arena: { modules: RUNTIME_MODULES } },
  },
  { ...plugin.configs.recommended, files: ['**/*.ts'] },
];

describe('self-lint', () => {
  const present = SELF_LINTED_DIRECTORIES.filter((directory) => existsSync(`${root}${directory}`));

  it.each(present)('%s/ has no errors under the recommended config', async (directory) => {
    const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config });
    const results = await eslint.lintFiles([`${directory}/**/*.ts`]);
    const errors = results.flatMap((result) =>
      result.messages
        .filter((message) => message.severity === 2)
        .map((message) => `${result.filePath.slice(root.length)}:${message.line}:${message.column} ${message.ruleId ?? 'parse'}: ${message.message}`),
    );
    expect(results.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
