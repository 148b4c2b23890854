// The project lints its own runtime, benchmarks and examples with its own recommended config, as a
// user would: `npm run lint` builds first, so this loads the plugin from dist/.
import tsParser from '@typescript-eslint/parser';

import arena from './dist/src/index.js';

/** Relative specifiers through which the runtime's own files (and its neighbours) import it. */
const RUNTIME_MODULES = ['index', 'arena', 'pool', 'tagged', 'tags', 'views', 'stats'].flatMap((file) => [
  `./${file}.js`,
  `../${file}.js`,
  `../runtime/${file}.js`,
  `../../runtime/${file}.js`,
]);

export default [
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'examples/planted/**', 'test/**', 'scripts/**', 'src/**', 'rules/**'],
  },
  {
    files: ['runtime/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts'],
    languageOptions: { parser: tsParser, sourceType: 'module' },
    settings: { arena: { modules: RUNTIME_MODULES } },
  },
  { ...arena.configs.recommended, files: ['runtime/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts'] },
];
