import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';


import { createConfigs, type ArenaConfigs } from './configs.js';
import { rules, type ArenaRule } from './rules.js';

export type { ArenaConfigs } from './configs.js';
export type { ArenaRule } from './rules.js';

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
export interface ArenaPlugin {
  readonly meta: { readonly name: string; readonly version: string; readonly namespace: string };
  readonly rules: Readonly<Record<string, ArenaRule>>;
  readonly configs: ArenaConfigs;
}

const manifest = readOwnManifest();

// Flat config merges plugins by identity: a user who writes `plugins: { arena }` next to
// `arena.configs.recommended` must be registering the very same object, so the configs are
// attached to the plugin after it exists and point back at it.
const configs = {} as ArenaConfigs;
const plugin: ArenaPlugin = {
  meta: { name: manifest.name, version: manifest.version, namespace: 'arena' },
  rules,
  configs,
};
Object.assign(configs, createConfigs(plugin, rules));

export default plugin;
