// `npm run test:min-versions` (part of `npm test`): the rule tests against the lowest versions the
// plugin's ranges allow, i.e. eslint at the bottom of its peer range and @typescript-eslint/utils
// (with the parser and rule-tester of the same release) at the bottom of its dependency range.
//
// Those versions are installed once into a directory under the OS temp dir (from npm's cache when
// it has them) and every import of eslint or @typescript-eslint/* from the sources and tests is
// resolved there instead of the root node_modules. TypeScript stays the project's own version.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { defineConfig } from 'vitest/config';

import base from './vitest.config.js';

interface Manifest {
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as Manifest;

/** The lowest version a caret range allows: `^10.0.0` -> `10.0.0`. Anything else is not expected here. */
function lowest(range: string | undefined, what: string): string {
  const match = /^\^(\d+\.\d+\.\d+)$/.exec(range ?? '');
  if (!match?.[1]) throw new Error(`min-versions: ${what} should be a caret range, found ${String(range)}`);
  return match[1];
}

const eslintVersion = lowest(manifest.peerDependencies?.['eslint'], 'the eslint peer range');
const typescriptEslintVersion = lowest(manifest.dependencies?.['@typescript-eslint/utils'], 'the @typescript-eslint/utils range');
const typescriptVersion = (JSON.parse(readFileSync(new URL('./node_modules/typescript/package.json', import.meta.url), 'utf8')) as Manifest).version;

const wanted: Record<string, string> = {
  eslint: eslintVersion,
  '@typescript-eslint/utils': typescriptEslintVersion,
  '@typescript-eslint/parser': typescriptEslintVersion,
  '@typescript-eslint/rule-tester': typescriptEslintVersion,
  typescript: typescriptVersion,
};

const directory = join(tmpdir(), 'eslint-plugin-arena-min-versions', `eslint-${eslintVersion}_ts-eslint-${typescriptEslintVersion}_ts-${typescriptVersion}`);
const done = join(directory, 'installed.json');
if (!existsSync(done)) {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ name: 'arena-min-versions', private: true, dependencies: wanted }, null, 2));
  const install = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: directory,
    encoding: 'utf8',
  });
  if (install.status !== 0) throw new Error(`min-versions: npm install in ${directory} failed:\n${install.stdout}\n${install.stderr}`);
  writeFileSync(done, JSON.stringify(wanted, null, 2));
}

const fromMinimum = createRequire(join(directory, 'package.json'));
for (const [name, version] of Object.entries(wanted)) {
  const installed = (fromMinimum(`${name}/package.json`) as Manifest).version;
  if (installed !== version) throw new Error(`min-versions: ${name} is ${installed} in ${directory}, expected ${version}`);
}

const REDIRECTED = /^(?:eslint|@typescript-eslint\/[a-z-]+)(?:\/.*)?$/;

export default defineConfig({
  ...base,
  plugins: [
    {
      name: 'arena-min-versions',
      enforce: 'pre',
      resolveId(source: string): string | undefined {
        return REDIRECTED.test(source) ? fromMinimum.resolve(source) : undefined;
      },
    },
  ],
  test: {
    ...base.test,
    include: ['test/rules/**/*.test.ts', 'test/packaging-versions.test.ts'],
    env: { ARENA_EXPECT_ESLINT: eslintVersion, ARENA_EXPECT_TYPESCRIPT_ESLINT: typescriptEslintVersion },
  },
});
