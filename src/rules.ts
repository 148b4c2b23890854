import type { RuleModule } from '@typescript-eslint/utils/ts-eslint';

import noArenaEscape from '../rules/no-arena-escape.js';
import noUseAfterReset from '../rules/no-use-after-reset.js';
import noLeakedArena from '../rules/no-leaked-arena.js';
import noMixedOwnership from '../rules/no-mixed-ownership.js';
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
  'no-arena-escape': noArenaEscape,
  'no-use-after-reset': noUseAfterReset,
  'no-leaked-arena': noLeakedArena,
  'no-mixed-ownership': noMixedOwnership,
  'require-alloc-tag': requireAllocTag,
};
