import { RuleCreator } from '@typescript-eslint/utils/eslint-utils';

/** Every rule's docs live at docs/rules/<name>.md in the repository. */
export const RULE_DOCS_BASE = 'https://github.com/eslint-plugin-arena/eslint-plugin-arena/blob/main/docs/rules/';

export interface ArenaRuleDocs {
  /** Whether the rule is part of `configs.recommended` (every rule is in `configs.strict`). */
  recommended?: boolean;
  /** Whether the rule needs type information to do its full job. */
  requiresTypeChecking?: boolean;
}

/** Builds a rule with typed message ids, a schema, default options and a docs url. */
export const createRule = RuleCreator<ArenaRuleDocs>((name) => `${RULE_DOCS_BASE}${name}.md`);
