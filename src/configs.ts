import type { ESLint, Linter } from 'eslint';

import type { ArenaRule } from './rules.js';

// ESLint's own config types, so the configs drop into `defineConfig([...])` of a typed eslint.config.ts.
type FlatConfig = Linter.Config;
type RuleEntry = Linter.RuleEntry;

/** The flat configs the plugin ships. Each one registers the plugin under the `arena` prefix. */
export type ArenaConfigs = {
  /** Every rule whose docs say `recommended: true`; lifetime bugs are errors, missing tags warnings. */
  readonly recommended: FlatConfig;
  /** Every rule as an error, with its strictest options (e.g. `require-alloc-tag` wants explicit tags). */
  readonly strict: FlatConfig;
  /**
   * `recommended` plus `languageOptions.parserOptions.projectService: true`. With the TypeScript
   * program that gives, the lifetime rules (`no-use-after-reset`, `no-mixed-ownership`,
   * `no-arena-escape`) also recognise as owners any `const` or parameter whose static type is the
   * runtime's `Arena` / `Pool` / `ObjectPool<T>` (`const arena = ctx.arena`, `(s: ScratchArena)`),
   * see typed-owners.ts. `no-leaked-arena` and `require-alloc-tag` lint exactly as in `recommended`.
   * Slower: the parser builds a program for every file.
   */
  readonly 'recommended-type-checked': FlatConfig;
};

/** The plugin's namespace in configs: rules are referred to as `arena/<rule-name>`. */
export const PLUGIN_PREFIX = 'arena';

/**
 * Severity in `recommended` when it is not `error`: a missing tag makes statistics vaguer but never
 * corrupts memory, and `eslint --fix` adds the tags, so it is a warning.
 */
const RECOMMENDED_SEVERITY: Readonly<Record<string, 'warn' | 'error'>> = {
  'require-alloc-tag': 'warn',
};

/** Options `strict` passes to rules that have a stricter setting than their default. */
const STRICT_OPTIONS: Readonly<Record<string, readonly unknown[]>> = {
  'require-alloc-tag': [{ infer: false, allowArenaDefault: false }],
};

/** Builds the three flat configs for `plugin`, whose rules are `rules`. */
export function createConfigs(plugin: ESLint.Plugin, rules: Readonly<Record<string, ArenaRule>>): ArenaConfigs {
  const recommendedRules: Record<string, RuleEntry> = {};
  const strictRules: Record<string, RuleEntry> = {};
  for (const [name, rule] of Object.entries(rules)) {
    const id = `${PLUGIN_PREFIX}/${name}`;
    if (rule.meta.docs?.recommended === true) recommendedRules[id] = RECOMMENDED_SEVERITY[name] ?? 'error';
    const strictOptions = STRICT_OPTIONS[name];
    strictRules[id] = strictOptions === undefined ? 'error' : ['error', ...strictOptions];
  }
  const plugins = { [PLUGIN_PREFIX]: plugin };
  return {
    recommended: { name: 'arena/recommended', plugins, rules: recommendedRules },
    strict: { name: 'arena/strict', plugins, rules: strictRules },
    'recommended-type-checked': {
      name: 'arena/recommended-type-checked',
      plugins,
      languageOptions: { parserOptions: { projectService: true } },
      rules: { ...recommendedRules },
    },
  };
}
