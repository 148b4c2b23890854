// The project lints its own runtime, benchmarks and examples with its own recommended config, as a
// user would: `npm run lint` builds first, so this loads the plugin from dist/.
import tsParser from '@typescript-eslint/parser';

import { RUNTIME_MODULES, SELF_LINTED_DIRECTORIES } from './dist/scripts/self-lint.js';
import arena from './dist/src/index.js';

const files = SELF_LINTED_DIRECTORIES.map((directory) => `${directory}/**/*.ts`);

export default [
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'examples/planted/**', 'test/**', 'scripts/**', 'src/**', 'rules/**'],
  },
  {
    files,
    languageOptions: { parser: tsParser, sourceType: 'module' },
    settings: { arena: { modules: RUNTIME_MODULES } },
  },
  { ...arena.configs.recommended, files },
];
