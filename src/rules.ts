import type { RuleModule } from '@typescript-eslint/utils/ts-eslint';

import noUseAfterReset from '../rules/no-use-after-reset.js';
import requireAllocTag from '../rules/require-alloc-tag.js';
import type { ArenaRuleDocs } from './create-rule.js';

/** A rule of this plugin, with its options erased so that rules of different shapes share one map. */
export type ArenaRule = RuleModule<string, unknown[], ArenaRuleDocs>;

/**
 * Every rule of the plugin, keyed by its name (users write `arena/<name>`). Configs, docs checks,
 * the crash test and the lint benchmark all iterate over this map, so a rule registered here is
 * picked up everywhere.
 */
export const rules: Readonly<Record<string, ArenaRule>> = {
  'no-use-after-reset': noUseAfterReset,
  'require-alloc-tag': requireAllocTag,
};
