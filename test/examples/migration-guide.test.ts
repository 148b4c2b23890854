// Keeps docs/guides/migration.md honest: every TypeScript/JavaScript block in it is annotated, on the
// line just above its fence, with how it is checked, and this test checks it:
//   <!-- from: path#region -->          equals the `// #region region` ... `// #endregion` of that file
//   <!-- lint: rule-a, rule-b -->        linted with configs.strict: exactly these findings, in order
//   <!-- lint: clean -->                 linted with configs.strict: no findings
//   <!-- fix: recommended -->            `eslint --fix` with configs.recommended (and step 0's settings) turns this block into
//   <!-- fixed -->                         the next one, which carries this annotation
//   <!-- config -->                      an eslint.config.js: loading it and linting the migrated example
//                                        with it gives no findings
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import parser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import plugin from '../../src/index.js';
import { GUIDE, expectedCode, parseBlocks, region, syncGuide, type GuideBlock as Block } from '../../scripts/check-migration-guide.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Where linted snippets pretend to live, so that file-pattern based configs apply to them. */
const SNIPPET_PATH = 'examples/edge-graph/arena/guide-snippet.ts';

const baseConfig: Linter.Config = { files: ['**/*.ts'], languageOptions: { parser, sourceType: 'module' } };

async function lintSnippet(code: string, config: 'strict' | 'recommended', fix = false): Promise<{ ruleIds: string[]; output: string }> {
  // The guide's step 0 config says `using` compiles in this project (settings.arena.usingDeclarations).
  const usingCompiles: Linter.Config = { settings: { arena: { usingDeclarations: true } } };
  const eslint = new ESLint({ cwd: root, fix, overrideConfigFile: true, overrideConfig: [baseConfig, { ...plugin.configs[config], files: ['**/*.ts'] }, usingCompiles] });
  const [result] = await eslint.lintText(`${code}\n`, { filePath: SNIPPET_PATH });
  const fatal = result!.messages.find((message) => message.fatal === true);
  if (fatal !== undefined) throw new Error(`snippet does not parse: ${fatal.message}`);
  return { ruleIds: result!.messages.map((message) => message.ruleId ?? 'parse'), output: (result!.output ?? `${code}\n`).trimEnd() };
}

const guide = readFileSync(join(root, GUIDE), 'utf8');
const blocks = parseBlocks(guide);
const codeBlocks = blocks.filter((block) => ['ts', 'js', 'typescript', 'javascript'].includes(block.language));
const at = (block: Block): string => `${GUIDE}:${block.line} (${block.annotation || 'no annotation'})`;

describe('docs/guides/migration.md', () => {
  it('has code, and every TS/JS block says how it is checked', () => {
    expect(codeBlocks.length).toBeGreaterThanOrEqual(8);
    const unchecked = codeBlocks.filter((block) => !/^(from: |lint: |fix: |fixed$|config$)/.test(block.annotation));
    expect(unchecked.map(at)).toEqual([]);
  });

  it('parses regions and annotations the way this test assumes', () => {
    const sample = ['  // #region a', '  const x = 1;', '    if (x) {}', '  // #endregion'].join('\n');
    expect(region(sample, 'a')).toBe('const x = 1;\n  if (x) {}');
    expect(() => region(sample, 'b')).toThrow('no "// #region b"');
    expect(parseBlocks('<!-- lint: clean -->\n```ts\nx\n```\n')).toEqual([{ annotation: 'lint: clean', language: 'ts', code: 'x', line: 2 }]);
  });

  const fromBlocks = codeBlocks.filter((block) => block.annotation.startsWith('from: '));
  it.each(fromBlocks.map((block) => [at(block), block] as const))('%s is the real code', (_name, block) => {
    expect(block.code).toBe(expectedCode(root, block.annotation));
  });

  it('the sync script rewrites a stale block from its source, and leaves a current guide alone', () => {
    expect(syncGuide(root, guide).stale).toEqual([]);
    const staleGuide = guide.replace('export function loadGraph(input: Uint8Array): ArenaEdgeGraph {\n  using parse', 'export function loadGraph(input: Uint8Array): ArenaEdgeGraph {\n  // drifted\n  using parse');
    expect(staleGuide).not.toBe(guide);
    const { text, stale } = syncGuide(root, staleGuide);
    expect(stale.map((block) => block.annotation)).toEqual(['from: examples/edge-graph/arena/load.ts#load']);
    expect(text).toBe(guide);
  });

  const lintBlocks = codeBlocks.filter((block) => block.annotation.startsWith('lint: '));
  it.each(lintBlocks.map((block) => [at(block), block] as const))('%s gives exactly the findings it claims', async (_name, block) => {
    const claimed = block.annotation.slice('lint: '.length);
    const expected = claimed === 'clean' ? [] : claimed.split(',').map((rule) => rule.trim());
    expect((await lintSnippet(block.code, 'strict')).ruleIds).toEqual(expected);
  });

  const fixBlocks = codeBlocks.filter((block) => block.annotation === 'fix: recommended');
  it.each(fixBlocks.map((block) => [at(block), block] as const))('%s is what eslint --fix writes', async (_name, block) => {
    const after = codeBlocks[codeBlocks.indexOf(block) + 1];
    expect(after?.annotation).toBe('fixed');
    expect((await lintSnippet(block.code, 'recommended', true)).output).toBe(after!.code);
  });

  const configBlocks = codeBlocks.filter((block) => block.annotation === 'config');
  it.each(configBlocks.map((block) => [at(block), block] as const))('%s works as an eslint.config.js', async (_name, block) => {
    // Loaded through vitest, whose aliases resolve 'eslint-plugin-arena' to the sources.
    const directory = mkdtempSync(join(root, 'test/examples/.guide-config-'));
    try {
      const file = join(directory, 'eslint.config.js');
      writeFileSync(file, block.code);
      const config = ((await import(/* @vite-ignore */ pathToFileURL(file).href)) as { default: Linter.Config[] }).default;
      const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config });
      const results = await eslint.lintFiles(['examples/edge-graph/arena/**/*.ts']);
      expect(results.length).toBeGreaterThanOrEqual(4);
      expect(results.flatMap((result) => result.messages.map((message) => `${result.filePath}: ${message.ruleId}`))).toEqual([]);
      // The config really enables the plugin's rules.
      const rules: unknown = await eslint.calculateConfigForFile(join(root, SNIPPET_PATH));
      expect(Object.keys((rules as { rules: Record<string, unknown> }).rules).filter((id) => id.startsWith('arena/')).length).toBeGreaterThanOrEqual(5);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('carries the measured numbers written by npm run bench:graph', () => {
    expect(guide).toMatch(/<!-- graph-migration:start -->[\s\S]*\| decode \|[\s\S]*<!-- graph-migration:end -->/);
  });
});
