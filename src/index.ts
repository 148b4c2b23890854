// By its own package name (the package.json export), so the same line works from src/ (tests) and
// from dist/src/ (published), which sit at different depths. JSON modules are stable on Node >= 20.19.
import manifest from 'eslint-plugin-arena/package.json' with { type: 'json' };
import type { ESLint, Rule } from 'eslint';

import { createConfigs, type ArenaConfigs } from './configs.js';
import { rules } from './rules.js';

export type { ArenaConfigs } from './configs.js';
export type { ArenaRule } from './rules.js';
// What the plugin recognised in a project (the `eslint-plugin-arena explain` command, as data).
export { explainAllocators, formatExplanation } from './explain.js';
export type { AllocatorExplanation, ExplainedDescription, ExplainedFile, ExplainedSite, ExplainOptions, SiteRole } from './explain.js';
export type {
  AcquisitionKind,
  AllocatorDescription,
  ArenaSettingsInput,
  DescriptionMethods,
  ModuleSpecifier,
  OwnerSource,
  TypeSpecifier,
} from './descriptions.js';

/** The plugin object ESLint loads: `plugins: { arena }`, or one of `arena.configs.*`. */
export interface ArenaPlugin extends ESLint.Plugin {
  readonly meta: { readonly name: string; readonly version: string; readonly namespace: string };
  readonly rules: Readonly<Record<string, Rule.RuleModule>>;
  readonly configs: ArenaConfigs;
}

// Flat config merges plugins by identity: a user who writes `plugins: { arena }` next to
// `arena.configs.recommended` must be registering the very same object, so the configs are
// attached to the plugin after it exists and point back at it.
const configs = {} as ArenaConfigs;
const plugin: ArenaPlugin = {
  meta: { name: manifest.name, version: manifest.version, namespace: 'arena' },
  // The rules are written against typescript-eslint's rule types, which describe the same objects as
  // ESLint's but differ structurally (their RuleContext carries deprecated members). The plugin is
  // typed with ESLint's own types so that a typed eslint.config.ts accepts it in `defineConfig`.
  rules: rules as unknown as Readonly<Record<string, Rule.RuleModule>>,
  configs,
};
Object.assign(configs, createConfigs(plugin, rules));

export default plugin;
// `require('eslint-plugin-arena')` (Node's require of ES modules) returns the plugin object itself,
// not this module's namespace, as CommonJS configs and tools such as eslint-doc-generator expect.
export { plugin as 'module.exports' };
