// Every registered rule over a few thousand lines of varied TypeScript (and some JavaScript) must
// finish without an internal error, and `--fix` must never produce code that no longer parses.
import parser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import { everySnippet, generateCorpus, type CorpusFile } from '../bench/lint-corpus.js';
import plugin from '../src/index.js';
import { rules } from '../src/rules.js';

/** Odd but valid code aimed at the rules' edge cases: unusual callees, patterns and scopes. */
const EDGE_CASES = `
import { createArena, createPool, withArena, allocTagged, MemTag, type Arena } from 'eslint-plugin-arena/runtime';
import * as rt from 'eslint-plugin-arena/runtime';
declare const args: [number, number];
declare const maybe: Arena | undefined;
export default function (): void {
  createArena(1, 'discarded');
  createArena(...args as unknown as [number, string]);
  (0, rt.createArena)(8, 'comma').destroy();
  rt['createArena'](8, 'computed').destroy();
  createArena?.(8, 'optional-call')?.destroy();
  maybe?.alloc(8);
  maybe?.['alloc'](8);
  const { alloc } = createArena(8, 'destructured');
  void alloc;
  const [first = createArena(8, 'default')] = [] as Arena[];
  first.destroy();
  let late: Arena;
  late = createArena(8, 'late');
  late.destroy();
  const pool = createPool(8, 8, 'p', ...([] as []));
  pool.destroy();
  withArena(8, 'w', function named(arena) { return arena.alloc(...args); });
  withArena();
  allocTagged();
  allocTagged(...args);
  const t = \`\${createArena(1, 'tpl').name}\`;
  void t;
  for (using a of [createArena(1, 'loop')]) a.alloc(1, MemTag.Temp);
  label: { const b = createArena(1, 'labelled'); if (b) break label; b.destroy(); }
  switch (t) { case 'x': { const c = createArena(1, 'case'); c.destroy(); break; } default: }
  class Local { arena = createArena(1, 'field'); static s = createArena(1, 'static'); #p = createPool(1, 1, 'priv'); m() { return this.#p; } }
  void new Local();
  const obj = { createArena: () => 1, alloc: (n: number) => n };
  obj.createArena();
  obj.alloc(4);
}
export async function awaited(): Promise<void> {
  await using arena = createArena(8, 'await-using');
  arena.alloc(1);
  const gen = function* () { const g = createArena(1, 'gen'); yield g.alloc(1); g.destroy(); };
  for (const h of gen()) void h;
}
createArena(64, 'module-level').alloc(1);
export const moduleArena = createArena(64, 'module');
`;

const JAVASCRIPT = `
import { createArena, withArena, MemTag } from 'eslint-plugin-arena/runtime';
export function js(flag) {
  const arena = createArena(128, 'js');
  const edge = arena.alloc(16);
  if (flag) return arena.bytes(edge);
  withArena(64, 'scope', (inner) => inner.alloc(8, MemTag.Temp));
  arena.destroy();
  return null;
}
export class Holder { constructor() { this.arena = createArena(1, 'held'); } }
`;

const SETTINGS = {
  arena: {
    modules: ['../runtime/index.js'],
    allocators: [{ module: 'my-alloc', createArena: ['makeRegion'], alloc: ['take'], destroy: ['drop'] }],
  },
};

const typescriptFiles: readonly CorpusFile[] = [
  everySnippet(),
  ...generateCorpus({ lines: 3000, seed: 7, linesPerFile: 500, arenaShare: 1 }),
  { filename: 'edge-cases.ts', code: EDGE_CASES },
];

const strictRules = plugin.configs.strict.rules ?? {};
const defaultRules = Object.fromEntries(Object.keys(rules).map((name) => [`arena/${name}`, 'error' as const]));

const configurations: ReadonlyArray<readonly [string, Linter.Config]> = [
  ['every rule, default options', { rules: defaultRules }],
  ['every rule, strict options', { rules: strictRules }],
  ['every rule, custom settings', { rules: defaultRules, settings: SETTINGS }],
];

function lint(file: CorpusFile, config: Linter.Config, useTypeScript: boolean): Linter.FixReport {
  const linter = new Linter();
  const languageOptions: Linter.LanguageOptions = useTypeScript
    ? { parser, sourceType: 'module', parserOptions: { ecmaFeatures: { jsx: false } } }
    : { sourceType: 'module', ecmaVersion: 'latest' };
  const filename = useTypeScript ? file.filename : file.filename.replace(/\.ts$/, '.js');
  return linter.verifyAndFix(
    file.code,
    [{ files: ['**/*.ts', '**/*.js'], languageOptions, plugins: { arena: plugin } }, { ...config, files: ['**/*.ts', '**/*.js'] }],
    { filename },
  );
}

function fatalMessages(report: Linter.FixReport): string[] {
  return report.messages.filter((message) => message.fatal === true).map((m) => `${m.line}:${m.column} ${m.message}`);
}

describe('crash test', () => {
  it('the corpus is a few thousand lines', () => {
    const lines = typescriptFiles.reduce((sum, file) => sum + file.code.split('\n').length, 0);
    expect(lines).toBeGreaterThanOrEqual(3000);
  });

  describe.each(configurations)('%s', (_label, config) => {
    it.each(typescriptFiles.map((file) => [file.filename, file] as const))('%s: no internal error, fixes parse', (_name, file) => {
      const report = lint(file, config, true);
      expect(fatalMessages(report)).toEqual([]);
    });

    it('JavaScript parsed by espree', () => {
      const report = lint({ filename: 'plain.js', code: JAVASCRIPT }, config, false);
      expect(fatalMessages(report)).toEqual([]);
    });
  });

  it('reports what the rules find in the corpus (the run is not vacuous)', () => {
    const linter = new Linter();
    const messages = linter.verify(
      everySnippet().code,
      [{ files: ['**/*.ts'], languageOptions: { parser }, plugins: { arena: plugin } }, { files: ['**/*.ts'], rules: defaultRules }],
      { filename: 'every-snippet.ts' },
    );
    const ruleIds = new Set(messages.map((message) => message.ruleId));
    for (const name of Object.keys(rules)) expect.soft(ruleIds, name).toContain(`arena/${name}`);
  });
});
