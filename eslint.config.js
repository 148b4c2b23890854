// The whole project is linted by `npm test` (through `npm run lint`, which builds first):
// - src/, rules/, test/ and scripts/: typescript-eslint's type-checked recommended rules;
//   rules/ also eslint-plugin-eslint-plugin's, test/rules/ its rules for RuleTester cases;
// - runtime/, bench/ and examples/: this plugin's own recommended config, loaded from dist/ as a
//   user would load it (test/self-lint.test.ts runs the same check from the sources).
import eslintPlugin from 'eslint-plugin-eslint-plugin';
import tseslint from 'typescript-eslint';

import { RUNTIME_MODULES, SELF_LINTED_DIRECTORIES } from './dist/scripts/self-lint.js';
import arena from './dist/src/index.js';

const ownRulesFiles = SELF_LINTED_DIRECTORIES.map((directory) => `${directory}/**/*.ts`);
const typeCheckedFiles = ['src/**/*.ts', 'rules/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts', 'vitest*.config.ts'];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      // Deliberately buggy code: the demo's planted bugs, and code bases written their own way.
      'examples/planted/**',
      'test/fixtures/real-style/**',
    ],
  },
  {
    files: typeCheckedFiles,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The analysis compares ESTree `type` strings, the AST's own vocabulary, as often as
      // AST_NODE_TYPES members; both narrow the node type alike.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
    },
  },
  {
    ...eslintPlugin.configs.rules,
    files: ['rules/**/*.ts'],
    rules: {
      ...eslintPlugin.configs.rules.rules,
      // createRule (src/create-rule.ts) derives the url from the rule name; test/plugin.test.ts checks it.
      'eslint-plugin/require-meta-docs-url': 'off',
      // Reports take their data from helper objects the rule cannot see into; RuleTester already
      // fails on any unsubstituted placeholder.
      'eslint-plugin/no-missing-placeholders': 'off',
      // Sentence case, as the README list and the rule docs show it.
      'eslint-plugin/require-meta-docs-description': ['error', { pattern: '^(Disallow|Require|Enforce) ' }],
    },
  },
  { ...eslintPlugin.configs.tests, files: ['test/rules/**/*.ts'] },
  {
    files: ownRulesFiles,
    languageOptions: { parser: tseslint.parser, sourceType: 'module' },
    settings: { arena: { modules: RUNTIME_MODULES } },
  },
  { ...arena.configs.recommended, files: ownRulesFiles },
);
