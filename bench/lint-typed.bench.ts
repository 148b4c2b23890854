// `npm run bench:lint-typed`: what the rules add in type-aware mode. A generated corpus (the typical
// one of bench:lint, 30% of its files using the runtime) is written to a temporary project and
// linted with `parserOptions.projectService` twice per round, file by file: once with the parser
// and 8 core rules, once with the same plus `arena.configs['recommended-type-checked']`. The
// rules may add at most 10% over the parser with projectService alone. Results go to the
// `lint-typed` section of docs/benchmarks.md.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import parser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';

import plugin from '../src/index.js';
import { machineLine, markdownTable, writeDocSection } from './doc-section.js';
import { BASELINE_RULES, generateCorpus } from './lint-corpus.js';
import { median } from './runtime-harness.js';

const CORPUS_LINES = 20_000;
const ROUNDS = 5;
const WARMUP_ROUNDS = 1;
const BAR = 0.1;

const ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url));

async function lintOne(eslint: ESLint, code: string, filePath: string): Promise<{ milliseconds: number; problems: number }> {
  const start = process.cpuUsage();
  const [result] = await eslint.lintText(code, { filePath });
  const used = process.cpuUsage(start);
  const fatal = result?.messages.find((message) => message.fatal === true);
  if (fatal) throw new Error(`lint-typed bench: ${filePath} does not parse: ${fatal.message}`);
  return { milliseconds: (used.user + used.system) / 1000, problems: result?.messages.length ?? 0 };
}

async function main(): Promise<void> {
  // Inside the repository, so that the project's tsconfig `paths` resolve the runtime's types.
  const directory = mkdtempSync(join(ROOT, 'bench/.typed-corpus-'));
  try {
    writeFileSync(join(directory, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', include: ['**/*.ts'] }));
    const files = generateCorpus({ lines: CORPUS_LINES, seed: 2026, linesPerFile: 500, arenaShare: 0.3 }).map((file) => {
      const path = join(directory, file.filename.replace(/[\\/]/g, '_'));
      writeFileSync(path, file.code);
      return { path, code: file.code };
    });
    const languageOptions: Linter.Config['languageOptions'] = {
      parser,
      sourceType: 'module',
      parserOptions: { projectService: true, tsconfigRootDir: directory },
    };
    const typedConfig = plugin.configs['recommended-type-checked'];
    const engines = {
      baseline: new ESLint({ cwd: directory, overrideConfigFile: true, overrideConfig: [{ files: ['**/*.ts'], languageOptions, rules: BASELINE_RULES }] }),
      plugin: new ESLint({
        cwd: directory,
        overrideConfigFile: true,
        overrideConfig: [{ files: ['**/*.ts'], languageOptions, rules: BASELINE_RULES }, { plugins: typedConfig.plugins, rules: typedConfig.rules, files: ['**/*.ts'] }],
      }),
    };
    const started = performance.now();
    const totals = { baseline: [] as number[], plugin: [] as number[] };
    const problems = { baseline: 0, plugin: 0 };
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      const pass = { baseline: 0, plugin: 0 };
      problems.baseline = problems.plugin = 0;
      for (const [index, file] of files.entries()) {
        const order = index % 2 === 0 ? (['baseline', 'plugin'] as const) : (['plugin', 'baseline'] as const);
        for (const which of order) {
          const result = await lintOne(engines[which], file.code, file.path);
          pass[which] += result.milliseconds;
          problems[which] += result.problems;
        }
      }
      if (round >= WARMUP_ROUNDS) {
        totals.baseline.push(pass.baseline);
        totals.plugin.push(pass.plugin);
      }
      console.log(`round ${round + 1}/${WARMUP_ROUNDS + ROUNDS} done`);
    }
    const ratios = totals.plugin.map((milliseconds, round) => milliseconds / totals.baseline[round]! - 1);
    const overhead = median(ratios);
    const percent = (value: number): string => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;
    const runtimeFiles = files.filter((file) => file.code.includes("from 'eslint-plugin-arena/runtime'")).length;
    const markdown = [
      "## Lint, type-aware (`npm run bench:lint-typed`)",
      '',
      `${machineLine()}. Produced by bench/lint-typed.bench.ts in ${((performance.now() - started) / 1000).toFixed(0)} s. The typical corpus of`,
      `bench:lint (${files.length} files, ${runtimeFiles} using the runtime, ${CORPUS_LINES.toLocaleString('en-US')}+ lines) written to a temporary project and linted with`,
      '`parserOptions.projectService` (one TypeScript program for the project, built in the warm-up round), file by file, both configs back to back (alternating which goes first),',
      `${ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up round, CPU time. Baseline: the parser with projectService and 8 core rules; plugin: the same`,
      "plus the rules of `arena.configs['recommended-type-checked']`.",
      '',
      markdownTable(
        ['baseline CPU ms (median)', 'with plugin CPU ms (median)', 'overhead (median of rounds)', 'per round', 'problems found by the rules', `bar: <= ${BAR * 100}%`],
        [[
          median(totals.baseline).toFixed(0),
          median(totals.plugin).toFixed(0),
          percent(overhead),
          ratios.map(percent).join(', '),
          `${problems.plugin - problems.baseline}`,
          overhead <= BAR ? 'met' : '**not met**',
        ]],
      ),
    ].join('\n');
    writeDocSection('lint-typed', markdown);
    console.log(markdown);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
