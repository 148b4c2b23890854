// What users get: both packages are packed (the plugin's `prepack` builds them), checked with
// publint and @arethetypeswrong/cli, and installed from the tarballs into fresh projects: one with the
// runtime alone (no eslint, no typescript: import and require both work), one with the plugin, its
// peers and the TypeScript parser (a use-after-reset is found). The registry is only asked for what
// is not in npm's cache already (`--prefer-offline`); the runtime-only install is fully offline.
// `npm test` runs this file on its own, after the rest (`test:packaging`): the plugin's prepack cleans
// and rebuilds dist/ and runtime/dist/, which the type-aware tests read through `arena-runtime`.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
const PACK_TIMEOUT = 600_000;
const INSTALL_TIMEOUT = 300_000;

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.error) throw result.error;
  return result;
}

function runOk(command: string, args: readonly string[], cwd: string): string {
  const result = run(command, args, cwd);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${String(result.status)}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

interface PackResult {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

function pack(args: readonly string[], destination: string): PackResult {
  const [result] = JSON.parse(runOk('npm', ['pack', '--json', '--pack-destination', destination, ...args], root)) as PackResult[];
  if (!result) throw new Error('npm pack printed no result');
  return result;
}

function newProject(directory: string, name: string): string {
  const path = join(directory, name);
  mkdirSync(path);
  writeFileSync(join(path, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  return path;
}

const npmInstall = (cwd: string, args: readonly string[]): string =>
  runOk('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...args], cwd);

let work = '';
let plugin: PackResult;
let runtime: PackResult;
const tarball = (result: PackResult): string => join(work, result.filename);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'arena-packaging-'));
  // The plugin's prepack builds both packages; the runtime is then packed as built.
  plugin = pack([], work);
  runtime = pack(['--workspace', 'arena-runtime', '--ignore-scripts'], work);
}, PACK_TIMEOUT);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.each([
  ['eslint-plugin-arena', (): PackResult => plugin, ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/rules/no-use-after-reset.js', 'dist/src/reexports/runtime.js']],
  ['arena-runtime', (): PackResult => runtime, ['dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js', 'dist/testing/vitest.d.ts']],
] as const)('the %s tarball', (_name, result, expected) => {
  it('holds built code, types, README, LICENSE and CHANGELOG only', () => {
    const files = result().files.map((file) => file.path);
    const unexpected = files.filter((file) => !/^(?:package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/.+(?:\.d\.ts|\.js))$/.test(file));
    expect(unexpected).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', ...expected]));
    expect(files.filter((file) => /(?:^|\/)(?:test|tests|bench|examples|scripts)\/|\.map$|\.test\./.test(file))).toEqual([]);
  });

  it('passes publint with no errors', () => {
    const check = run(bin('publint'), ['run', tarball(result()), '--level', 'error', '--pack', 'false'], root);
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  it('passes @arethetypeswrong/cli (ESM-only profile) with no errors', () => {
    // `esm-only` skips the node10 and node16-from-CJS columns: both packages are ESM only, and the
    // `require()` that works on Node >= 20.19 (require(esm), tested below) is beyond attw's TypeScript.
    const check = run(bin('attw'), [tarball(result()), '--profile', 'esm-only', '--format', 'ascii', '--no-color'], root);
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });
});

describe('the runtime installed alone from its tarball', () => {
  let project = '';
  beforeAll(() => {
    project = newProject(work, 'runtime-only');
    npmInstall(project, ['--offline', tarball(runtime)]);
  }, INSTALL_TIMEOUT);

  it('installs nothing else: no eslint, no typescript', () => {
    const installed = readdirSync(join(project, 'node_modules')).filter((entry) => !entry.startsWith('.'));
    expect(installed).toEqual(['arena-runtime']);
  });

  const useAfterReset = `
    const a = runtime.createArena(64, 'request');
    const h = a.alloc(8, runtime.MemTag.Edge);
    a.reset();
    let code = 'none';
    try { a.bytes(h); } catch (error) { code = error.code; }
    console.log(JSON.stringify({ code, random: typeof testing.seededRandom }));
  `;

  it('works through import', () => {
    writeFileSync(
      join(project, 'esm.mjs'),
      `import * as runtime from 'arena-runtime';\nimport * as testing from 'arena-runtime/testing';\n${useAfterReset}`,
    );
    expect(JSON.parse(runOk('node', ['esm.mjs'], project))).toEqual({ code: 'ERR_USE_AFTER_RESET', random: 'function' });
  });

  it('works through require() (require(esm), Node >= 20.19)', () => {
    writeFileSync(
      join(project, 'cjs.cjs'),
      `const runtime = require('arena-runtime');\nconst testing = require('arena-runtime/testing');\n${useAfterReset}`,
    );
    const output = run('node', ['cjs.cjs'], project);
    expect(output.status, output.stderr).toBe(0);
    expect(JSON.parse(output.stdout)).toEqual({ code: 'ERR_USE_AFTER_RESET', random: 'function' });
  });
});

describe('the plugin installed from its tarball', () => {
  let project = '';
  beforeAll(() => {
    project = newProject(work, 'plugin-user');
    // eslint and typescript are not named: npm installs them as the plugin's (and utils') peers.
    npmInstall(project, ['--prefer-offline', tarball(plugin), tarball(runtime), `@typescript-eslint/parser@${installedVersion('@typescript-eslint/parser')}`]);
    writeFileSync(
      join(project, 'eslint.config.js'),
      [
        "import tsParser from '@typescript-eslint/parser';",
        "import arena from 'eslint-plugin-arena';",
        "export default [{ files: ['**/*.ts'], languageOptions: { parser: tsParser } }, arena.configs.recommended];",
      ].join('\n'),
    );
    const bug = (module: string): string =>
      [
        `import { createArena, MemTag } from '${module}';`,
        "const arena = createArena(1024, 'frame');",
        'const edge = arena.alloc(16, MemTag.Edge);',
        'arena.reset();',
        'export const size: number = arena.bytes(edge).length;',
        'arena.destroy();',
      ].join('\n');
    writeFileSync(join(project, 'runtime-package.ts'), bug('arena-runtime'));
    writeFileSync(join(project, 'plugin-subpath.ts'), bug('eslint-plugin-arena/runtime'));
    // Only type information tells that `context.arena` is an arena.
    writeFileSync(
      join(project, 'typed.ts'),
      [
        "import { MemTag, type Arena } from 'arena-runtime';",
        'interface Context { readonly arena: Arena }',
        'export function size(context: Context): number {',
        '  const arena = context.arena;',
        '  const edge = arena.alloc(8, MemTag.Edge);',
        '  arena.reset();',
        '  return arena.bytes(edge).length;',
        '}',
      ].join('\n'),
    );
    writeFileSync(
      join(project, 'typed.config.js'),
      [
        "import tsParser from '@typescript-eslint/parser';",
        "import arena from 'eslint-plugin-arena';",
        'export default [',
        "  { files: ['**/*.ts'], languageOptions: { parser: tsParser, parserOptions: { tsconfigRootDir: import.meta.dirname } } },",
        "  arena.configs['recommended-type-checked'],",
        '];',
      ].join('\n'),
    );
    // A user's strict tsconfig without skipLibCheck, default lib and no @types/node.
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'nodenext', strict: true, noEmit: true, types: [] }, include: ['*.ts'] }),
    );
  }, INSTALL_TIMEOUT);

  it('type-checks code using both module names with the shipped declarations (no skipLibCheck)', () => {
    const check = run('node', ['node_modules/typescript/bin/tsc', '-p', '.'], project);
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  it('with type information, finds a use-after-reset through an arena known only by its type', () => {
    const lintWith = (config: string): string[] => {
      const lint = run('node', ['node_modules/eslint/bin/eslint.js', '--config', config, '--format', 'json', 'typed.ts'], project);
      const [result] = JSON.parse(lint.stdout) as { messages: { ruleId: string | null; line: number }[] }[];
      return (result?.messages ?? []).map((message) => `${message.ruleId ?? 'fatal'}:${message.line}`);
    };
    expect(lintWith('typed.config.js')).toEqual(['arena/no-use-after-reset:7']);
    expect(lintWith('eslint.config.js')).toEqual([]);
  });

  it('brings eslint as a peer and does not ship its own copy of the runtime', () => {
    const installed = readdirSync(join(project, 'node_modules'));
    expect(installed).toEqual(expect.arrayContaining(['eslint', 'eslint-plugin-arena', 'arena-runtime']));
    expect(readdirSync(join(project, 'node_modules', 'eslint-plugin-arena'))).not.toContain('node_modules');
  });

  it('finds a use-after-reset through either module name', () => {
    const lint = run('node', ['node_modules/eslint/bin/eslint.js', '--format', 'json', 'runtime-package.ts', 'plugin-subpath.ts'], project);
    const results = JSON.parse(lint.stdout) as { filePath: string; messages: { ruleId: string | null; line: number }[] }[];
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result.messages.map((message) => `${message.ruleId ?? 'fatal'}:${message.line}`)).toEqual(['arena/no-use-after-reset:5']);
    }
  });

  it('loads through import and require(), and its runtime subpath is the runtime package itself', () => {
    writeFileSync(
      join(project, 'load.cjs'),
      [
        // The plugin object itself, as CommonJS configs expect (its `module.exports` export).
        "const plugin = require('eslint-plugin-arena');",
        "const same = require('eslint-plugin-arena/runtime').createArena === require('arena-runtime').createArena;",
        'console.log(JSON.stringify({ name: plugin.meta.name, rules: Object.keys(plugin.rules).length, same }));',
      ].join('\n'),
    );
    const loaded = run('node', ['load.cjs'], project);
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(JSON.parse(loaded.stdout)).toEqual({ name: 'eslint-plugin-arena', rules: 5, same: true });
  });

  it('without the TypeScript parser configured, a .ts file gets ESLint\'s usual parsing error', () => {
    writeFileSync(join(project, 'no-parser.config.js'), "import arena from 'eslint-plugin-arena';\nexport default [{ files: ['**/*.ts'] }, arena.configs.recommended];\n");
    const lint = run('node', ['node_modules/eslint/bin/eslint.js', '--config', 'no-parser.config.js', '--format', 'json', 'runtime-package.ts'], project);
    const [result] = JSON.parse(lint.stdout) as { messages: { fatal?: boolean; message: string }[] }[];
    expect(result?.messages).toHaveLength(1);
    expect(result?.messages[0]?.fatal).toBe(true);
    expect(result?.messages[0]?.message).toMatch(/^Parsing error: /);
  });
});

describe('the plugin installed without its peers (no eslint, no typescript)', () => {
  let project = '';
  beforeAll(() => {
    project = newProject(work, 'no-peers');
    // What a package manager that does not install peers leaves: the plugin, the runtime, utils.
    npmInstall(project, ['--prefer-offline', '--legacy-peer-deps', tarball(plugin), tarball(runtime)]);
  }, INSTALL_TIMEOUT);

  it('has neither eslint nor typescript', () => {
    const installed = readdirSync(join(project, 'node_modules'));
    expect(installed).toContain('eslint-plugin-arena');
    expect(installed).not.toContain('eslint');
    expect(installed).not.toContain('typescript');
  });

  it('still imports: the plugin object, and the runtime through the plugin', () => {
    writeFileSync(
      join(project, 'load.mjs'),
      [
        "const { default: plugin } = await import('eslint-plugin-arena');",
        "const runtime = await import('eslint-plugin-arena/runtime');",
        'console.log(JSON.stringify({ name: plugin.meta.name, rules: Object.keys(plugin.rules).length, arena: typeof runtime.createArena }));',
      ].join('\n'),
    );
    const loaded = run('node', ['load.mjs'], project);
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(JSON.parse(loaded.stdout)).toEqual({ name: 'eslint-plugin-arena', rules: 5, arena: 'function' });
  });
});
