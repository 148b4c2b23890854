// `npm run bench:lint`: what the plugin costs an ESLint run. A generated corpus of >= 50k lines of
// TypeScript (some of it using the arena runtime) is linted with a baseline config (the TypeScript
// parser and a handful of core rules) and with the baseline plus `arena.configs.recommended`, in
// interleaved rounds; the medians give the overhead, which must stay <= 5% on the typical corpus and <= 10%
// when every file uses the runtime (syntactic mode); one long function must stay within 2x of the parser alone.
// Results go to the `lint` section of docs/benchmarks.md.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import parser from '@typescript-eslint/parser';
import { ESLint, Linter } from 'eslint';

import plugin from '../src/index.js';
import { machineLine, markdownTable, writeDocSection } from './doc-section.js';
import { BASELINE_RULES, generateCorpus, longFunction, type CorpusFile } from './lint-corpus.js';
import { median } from './runtime-harness.js';

const CORPUS_LINES = 50_000;
const ROUNDS = 5;
const WARMUP_ROUNDS = 1;
/** What the plugin may add to ESLint's time: typical corpus, worst case. */
const TYPICAL_BAR = 0.05;
const WORST_CASE_BAR = 0.1;
/** One generated function of this many allocations (5 lines each), linted whole. */
const LONG_FUNCTION_SIZES = [800, 1_600] as const;
const LONG_FUNCTION_ROUNDS = 3;
/** A long function may cost at most this multiple of the parser alone. */
const LONG_FUNCTION_BAR = 2;

const baseline: Linter.Config[] = [
  { files: ['**/*.ts'], languageOptions: { parser, sourceType: 'module' }, rules: BASELINE_RULES },
];
const withPlugin: Linter.Config[] = [...baseline, { ...plugin.configs.recommended, files: ['**/*.ts'] }];
/** The parser and nothing else: what a long function's parse and traversal cost by themselves. */
const parserOnly: Linter.Config[] = [{ files: ['**/*.ts'], languageOptions: { parser, sourceType: 'module' } }];
const parserWithPlugin: Linter.Config[] = [...parserOnly, { ...plugin.configs.recommended, files: ['**/*.ts'] }];

interface RunResult {
  readonly milliseconds: number;
  readonly problems: number;
}

/** Where the virtual corpus files live: under the repository, so ESLint resolves them like any file. */
const CORPUS_ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url));

interface PairedPass {
  readonly baseline: RunResult;
  readonly plugin: RunResult;
}

async function lintOne(eslint: ESLint, file: CorpusFile): Promise<{ milliseconds: number; problems: number }> {
  const start = process.cpuUsage();
  const [result] = await eslint.lintText(file.code, { filePath: `${CORPUS_ROOT}${file.filename}` });
  const used = process.cpuUsage(start);
  for (const message of result?.messages ?? []) {
    if (message.fatal) throw new Error(`lint bench: ${file.filename} does not parse: ${message.message}`);
  }
  return { milliseconds: (used.user + used.system) / 1000, problems: result?.messages.length ?? 0 };
}

/**
 * One pass over the corpus with each config, paired file by file (baseline then plugin, or the
 * reverse, alternating), with the ESLint class as `npx eslint` runs it (config normalised once).
 * Timing is CPU time of this process, not wall time: on a shared machine wall time mostly
 * measures how long the scheduler made us wait. Pairing per file puts both configs under the
 * same load, GC state and JIT state, so drift cancels out of their ratio.
 */
async function lintCorpusPaired(engines: Readonly<Record<'baseline' | 'plugin', ESLint>>, files: readonly CorpusFile[]): Promise<PairedPass> {
  const totals = { baseline: { milliseconds: 0, problems: 0 }, plugin: { milliseconds: 0, problems: 0 } };
  for (const [index, file] of files.entries()) {
    const order = index % 2 === 0 ? (['baseline', 'plugin'] as const) : (['plugin', 'baseline'] as const);
    for (const which of order) {
      const result = await lintOne(engines[which], file);
      totals[which].milliseconds += result.milliseconds;
      totals[which].problems += result.problems;
    }
  }
  return totals;
}

/** Time per plugin rule over one pass (ESLint's `stats`), to show where the overhead goes. */
function ruleTimes(files: readonly CorpusFile[]): Map<string, number> {
  const linter = new Linter();
  const totals = new Map<string, number>();
  for (const file of files) {
    // `stats` is honoured by verifyAndFix (which keeps per-pass times) but only declared on the
    // ESLint class's options; `fix: false` makes it a single plain pass.
    const options: Linter.FixOptions & { stats: boolean } = { filename: file.filename, fix: false, stats: true };
    linter.verifyAndFix(file.code, withPlugin, options);
    for (const pass of linter.getTimes().passes) {
      for (const [ruleId, time] of Object.entries(pass.rules ?? {})) {
        totals.set(ruleId, (totals.get(ruleId) ?? 0) + time.total);
      }
    }
  }
  return totals;
}

interface CorpusRun {
  readonly label: string;
  readonly files: readonly CorpusFile[];
  readonly lines: number;
  readonly runtimeFiles: number;
  readonly bar: number;
  readonly baseline: number[];
  readonly plugin: number[];
  baselineProblems: number;
  pluginProblems: number;
}

function corpusRun(label: string, arenaShare: number, bar: number): CorpusRun {
  const files = generateCorpus({ lines: CORPUS_LINES, seed: 2026, linesPerFile: 500, arenaShare });
  return {
    label,
    files,
    lines: files.reduce((sum, file) => sum + file.code.split('\n').length, 0),
    runtimeFiles: files.filter((file) => file.code.includes("from 'eslint-plugin-arena/runtime'")).length,
    bar,
    baseline: [],
    plugin: [],
    baselineProblems: 0,
    pluginProblems: 0,
  };
}

async function main(): Promise<void> {
  const corpora = [
    corpusRun('typical: 30% of files use the runtime', 0.3, TYPICAL_BAR),
    corpusRun('worst case: every file uses the runtime', 1, WORST_CASE_BAR),
  ];
  const engines = {
    baseline: new ESLint({ cwd: CORPUS_ROOT, overrideConfigFile: true, overrideConfig: baseline }),
    plugin: new ESLint({ cwd: CORPUS_ROOT, overrideConfigFile: true, overrideConfig: withPlugin }),
  };
  const started = performance.now();
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    for (const corpus of corpora) {
      const pass = await lintCorpusPaired(engines, corpus.files);
      if (round < WARMUP_ROUNDS) continue;
      corpus.baseline.push(pass.baseline.milliseconds);
      corpus.plugin.push(pass.plugin.milliseconds);
      corpus.baselineProblems = pass.baseline.problems;
      corpus.pluginProblems = pass.plugin.problems;
    }
    console.log(`round ${round + 1}/${WARMUP_ROUNDS + ROUNDS} done`);
  }
  // One long function: lint time must grow linearly with a function's size.
  const longEngines = {
    baseline: new ESLint({ cwd: CORPUS_ROOT, overrideConfigFile: true, overrideConfig: parserOnly }),
    plugin: new ESLint({ cwd: CORPUS_ROOT, overrideConfigFile: true, overrideConfig: parserWithPlugin }),
  };
  const longRuns = LONG_FUNCTION_SIZES.map((size) => ({ size, file: longFunction(size), baseline: [] as number[], plugin: [] as number[], problems: 0 }));
  for (let round = 0; round < WARMUP_ROUNDS + LONG_FUNCTION_ROUNDS; round++) {
    for (const run of longRuns) {
      const pass = await lintCorpusPaired(longEngines, [run.file]);
      if (round < WARMUP_ROUNDS) continue;
      run.baseline.push(pass.baseline.milliseconds);
      run.plugin.push(pass.plugin.milliseconds);
      run.problems = pass.plugin.problems;
    }
    console.log(`long function round ${round + 1}/${WARMUP_ROUNDS + LONG_FUNCTION_ROUNDS} done`);
  }
  const longRatio = (run: (typeof longRuns)[number]): number => median(run.plugin.map((milliseconds, round) => milliseconds / run.baseline[round]!));

  const perRule = [...ruleTimes(corpora[0]!.files).entries()]
    .filter(([ruleId]) => ruleId.startsWith('arena/'))
    .sort((a, b) => b[1] - a[1]);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const percent = (value: number): string => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;
  const ms = (value: number): string => value.toFixed(0);
  /** Median over rounds of the paired ratio plugin/baseline: the estimate the bar is judged on. */
  const overheadOf = (corpus: CorpusRun): number =>
    median(corpus.plugin.map((milliseconds, round) => milliseconds / corpus.baseline[round]! - 1));
  const overheadRange = (corpus: CorpusRun): string => {
    const ratios = corpus.plugin.map((milliseconds, round) => milliseconds / corpus.baseline[round]! - 1);
    return `${percent(Math.min(...ratios))} to ${percent(Math.max(...ratios))}`;
  };

  const markdown = [
    '## Lint (`npm run bench:lint`)',
    '',
    `${machineLine()}. Produced by bench/lint.bench.ts in ${seconds} s. Two generated TypeScript corpora (bench/lint-corpus.ts,`,
    `same snippets: classes, generics, decorators, enums, namespaces, overloads, async generators, \`using\`, arena code),`,
    `linted with the \`ESLint\` class (\`lintText\`, parsing included, syntactic mode): ${ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up round.`,
    'Each round lints every file with both configs back to back (alternating which goes first) and sums the CPU time',
    '(user + system) of each; the overhead is the median over rounds of the per-round ratio.',
    'Baseline: @typescript-eslint/parser + 8 core rules; plugin: baseline + `arena.configs.recommended`.',
    'Files that import no allocator are skipped by every rule after one look at their imports.',
    '',
    markdownTable(
      ['corpus', 'lines', 'files (using the runtime)', 'baseline CPU ms (min-max)', 'with plugin CPU ms (min-max)', 'overhead (median of rounds)', 'overhead per round', 'problems found'],
      corpora.map((corpus) => [
        corpus.label,
        corpus.lines.toLocaleString('en-US'),
        `${corpus.files.length} (${corpus.runtimeFiles})`,
        `${ms(median(corpus.baseline))} (${ms(Math.min(...corpus.baseline))}-${ms(Math.max(...corpus.baseline))})`,
        `${ms(median(corpus.plugin))} (${ms(Math.min(...corpus.plugin))}-${ms(Math.max(...corpus.plugin))})`,
        percent(overheadOf(corpus)),
        overheadRange(corpus),
        `${corpus.pluginProblems - corpus.baselineProblems}`,
      ]),
    ),
    '',
    markdownTable(
      ['bar', 'measured (median)', 'met'],
      corpora.map((corpus) => [
        `plugin adds <= ${(corpus.bar * 100).toFixed(0)}% to ESLint time, ${corpus.label}`,
        percent(overheadOf(corpus)),
        overheadOf(corpus) <= corpus.bar ? 'met' : '**not met**',
      ]),
    ),
    '',
    `One generated function (bench/lint-corpus.ts \`longFunction\`): N allocations, each followed by a conditional`,
    `\`reset()\` and three uses (5 lines each), linted whole, ${LONG_FUNCTION_ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up round, paired as above.`,
    'Parser alone: @typescript-eslint/parser and no rule; plugin: the same plus `arena.configs.recommended`.',
    '',
    markdownTable(
      ['allocations', 'lines', 'parser alone CPU ms (median)', 'with plugin CPU ms (median)', 'ratio (median of rounds)', 'problems found', 'bar: <= 2x', 'met'],
      longRuns.map((run) => [
        run.size.toLocaleString('en-US'),
        run.file.code.split('\n').length.toLocaleString('en-US'),
        ms(median(run.baseline)),
        ms(median(run.plugin)),
        `${longRatio(run).toFixed(2)}x`,
        `${run.problems}`,
        `${LONG_FUNCTION_BAR}x`,
        longRatio(run) <= LONG_FUNCTION_BAR ? 'met' : '**not met**',
      ]),
    ),
    '',
    'Time per plugin rule over one pass of the typical corpus (ESLint `stats`; the shared ownership',
    'model and code path index are charged to whichever rule builds them first):',
    '',
    markdownTable(
      ['rule', 'ms'],
      perRule.map(([ruleId, time]) => [ruleId, time.toFixed(1)]),
    ),
  ].join('\n');
  writeDocSection('lint', markdown);
  console.log(markdown);
}

await main();
