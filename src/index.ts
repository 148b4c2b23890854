import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';


import type { ESLint, Rule } from 'eslint';

import { createConfigs, type ArenaConfigs } from './configs.js';
import { rules } from './rules.js';

export type { ArenaConfigs } from './configs.js';
export type { ArenaRule } from './rules.js';
export type {
  AcquisitionKind,
  AllocatorDescription,
  ArenaSettingsInput,
  DescriptionMethods,
  ModuleSpecifier,
  OwnerSource,
  TypeSpecifier,
} from './descriptions.js';

interface PackageManifest {
  readonly name: string;
  readonly version: string;
}

const PACKAGE_NAME = 'eslint-plugin-arena';

/**
 * The package's own package.json, found by walking up from this file: the same code runs from
 * src/ (tests) and from dist/src/ (published), which sit at different depths.
 */
function readOwnManifest(): PackageManifest {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as Partial<PackageManifest>;
      if (manifest.name === PACKAGE_NAME && typeof manifest.version === 'string') {
        return { name: manifest.name, version: manifest.version };
      }
    }
    const parent = dirname(directory);
    if (parent === directory) {
      throw new Error(`${PACKAGE_NAME}: cannot find its package.json above ${fileURLToPath(import.meta.url)}`);
    }
    directory = parent;
  }
}

/** The plugin object ESLint loads: `plugins: { arena }`, or one of `arena.configs.*`. */
export interface ArenaPlugin extends ESLint.Plugin {
  readonly meta: { readonly name: string; readonly version: string; readonly namespace: string };
  readonly rules: Readonly<Record<string, Rule.RuleModule>>;
  readonly configs: ArenaConfigs;
}

const manifest = readOwnManifest();

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
