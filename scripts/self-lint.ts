// What the project lints with its own plugin, shared by eslint.config.js (which loads the built copy
// from dist/scripts/) and test/self-lint.test.ts (which loads this source).

/** The directories whose TypeScript files must pass the recommended config. */
export const SELF_LINTED_DIRECTORIES = ['runtime', 'bench', 'examples'] as const;

/**
 * Relative specifiers through which the runtime's own files (and their neighbours) import it: the
 * `arena.modules` setting, so that the rules recognise the runtime without its package name.
 */
export const RUNTIME_MODULES: readonly string[] = ['index', 'arena', 'pool', 'tagged', 'tags', 'views', 'stats'].flatMap((file) => [
  `./${file}.js`,
  `../${file}.js`,
  `../runtime/${file}.js`,
  `../../runtime/${file}.js`,
]);
