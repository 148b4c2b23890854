// Lints a real code base (a folder outside this repository) with the plugin's recommended config
// and prints every finding per rule, so that what the rules say about code nobody wrote for them
// can be triaged; with --plant it also measures recall by planting known bugs at the code base's
// own pool call sites, one at a time, and checking that each is reported.
//
//   npm run lint:real -- <folder> [--settings <file.json | json>] [--typed] [--plant] [--json]
//                                 [--explain] [--ignore <glob>]... [--only <glob>]...
//
// It always ends with what each allocator description matched (src/explain.ts, the same model the
// rules read), so that zero findings can be told apart from zero recognised call sites; --explain
// also lists every recognised call site per file.
//
// The recipes in docs/recipes/ quote its output. It never writes into <folder>: planted copies
// live in a temporary directory that is removed afterwards.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

import parser, { parse } from '@typescript-eslint/parser';
import type { TSESTree } from '@typescript-eslint/utils';
import { ESLint, type Linter } from 'eslint';

import { explainAllocators, formatExplanation, type AllocatorExplanation } from '../src/explain.js';
import plugin from '../src/index.js';

const SOURCE_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts', '**/*.js', '**/*.mjs', '**/*.cjs'];
const ALWAYS_IGNORED = ['**/node_modules/**', '**/dist/**', '**/*.d.ts', '**/*.min.js'];

export interface RealLintOptions {
  /** `settings.arena` for the run (as in eslint.config.js); none: the built-in descriptions only. */
  readonly settings?: unknown;
  /** Type-aware mode (`parserOptions.projectService`); needs a tsconfig in the folder. */
  readonly typed?: boolean;
  /** Extra ignore globs, relative to the folder. */
  readonly ignore?: readonly string[];
  /** Lint only these files, folders or globs, relative to the folder (default: all of it). */
  readonly only?: readonly string[];
}

export interface RealFinding {
  /** Path relative to the linted folder, with forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** `arena/<rule>`, or `(parser)` for a file that did not parse. */
  readonly ruleId: string;
  readonly message: string;
}

/** The flat config the real code is linted with: the recommended config over every source file. */
export function realCodeConfig(root: string, options: RealLintOptions = {}): Linter.Config[] {
  const files = SOURCE_FILES;
  return [
    { ignores: [...ALWAYS_IGNORED, ...(options.ignore ?? [])] },
    {
      files,
      languageOptions: {
        parser,
        sourceType: 'module',
        parserOptions: options.typed ? { projectService: true, tsconfigRootDir: root } : {},
      },
      // Real code disables rules of plugins we do not load; those comments must neither error nor
      // hide what our rules report.
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
    },
    { ...plugin.configs.recommended, files },
    ...(options.settings === undefined ? [] : [{ files, settings: { arena: options.settings } }]),
  ];
}

function makeEslint(root: string, options: RealLintOptions): ESLint {
  return new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: realCodeConfig(root, options),
    errorOnUnmatchedPattern: false,
    ignore: true,
  });
}

function toFindings(root: string, results: readonly ESLint.LintResult[]): RealFinding[] {
  const findings: RealFinding[] = [];
  for (const result of results) {
    const file = relative(root, result.filePath).split('\\').join('/');
    for (const message of result.messages) {
      // The notice ESLint gives for every disable comment under `noInlineConfig`: not a finding.
      if (message.ruleId === null && message.message.includes("because you have 'noInlineConfig'")) continue;
      findings.push({
        file,
        line: message.line,
        column: message.column,
        ruleId: message.ruleId ?? '(parser)',
        message: message.message,
      });
    }
  }
  return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/** Lints every source file under `root` (or the `only` globs) and returns the findings in file order. */
export async function lintTree(
  root: string,
  options: RealLintOptions = {},
): Promise<{ files: number; findings: RealFinding[]; paths: string[] }> {
  const eslint = makeEslint(root, options);
  const results = await eslint.lintFiles(options.only && options.only.length > 0 ? [...options.only] : ['.']);
  return { files: results.length, findings: toFindings(root, results), paths: results.map((result) => result.filePath) };
}

/** What every description matched in exactly the files {@link lintTree} linted. */
export async function explainTree(root: string, paths: readonly string[], options: RealLintOptions = {}): Promise<AllocatorExplanation> {
  // No file: explain nothing (explainAllocators would read an empty list as "the whole folder").
  if (paths.length === 0) return { files: [], filesLinted: 0, unparsed: [], descriptions: [] };
  return explainAllocators(
    paths.map((path) => relative(root, path)),
    { cwd: root, useConfigFile: false, ...(options.settings === undefined ? {} : { settings: options.settings }) },
  );
}

// ---------------------------------------------------------------------------------------------
// Planting bugs.
//
// A plant is one small edit at one real call site, of a shape that real bugs have: a pooled object
// read after it was given back, given back twice, a connection never released, or a call that may
// throw placed between the acquisition and the `try` whose `finally` releases it. The sites are
// found syntactically from the descriptions' method names, which is all a plant needs: it only has
// to put the bug somewhere real; whether the rules see it is what is measured.

/** What the planter needs to know of an allocator description (a subset of the public format). */
export interface PlantDescription {
  readonly name: string;
  /** As in the public format; package names restrict planting to files that import them. */
  readonly module?: string | readonly string[] | { readonly path: string | readonly string[] };
  readonly owners?: readonly { readonly from: string; readonly name?: string }[];
  readonly methods?: {
    readonly acquire?: readonly string[];
    readonly release?: readonly string[];
    readonly releaseSelf?: readonly string[];
  };
  readonly mustRelease?: boolean;
}

export type PlantKind = 'use-after-release' | 'double-release' | 'missing-release' | 'call-before-try';

export interface Plant {
  readonly kind: PlantKind;
  readonly description: string;
  readonly file: string;
  /** 1-based line of the call site the plant is attached to (in the pristine file). */
  readonly line: number;
  /** The edited source text of the file. */
  readonly code: string;
  /** First line (1-based, in the edited file) of the lines the plant added or changed. */
  readonly plantedLine: number;
  /** Lines the edit added (negative: removed) at {@link plantedLine}, to map pristine lines. */
  readonly lineDelta: number;
  /** Line range of the outermost enclosing function in the edited file: a report inside it counts. */
  readonly scope: readonly [number, number];
}

type Node = TSESTree.Node;

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'parent' || key === 'loc' || key === 'range') continue;
    if (Array.isArray(value)) {
      for (const item of value) if (item && typeof item === 'object' && typeof (item as Node).type === 'string') out.push(item as Node);
    } else if (value && typeof value === 'object' && typeof (value as Node).type === 'string') {
      out.push(value as Node);
    }
  }
  return out;
}

/** Visits every node with its ancestors (innermost last). */
function walk(node: Node, visit: (node: Node, ancestors: readonly Node[]) => void, ancestors: Node[] = []): void {
  visit(node, ancestors);
  ancestors.push(node);
  for (const child of children(node)) walk(child, visit, ancestors);
  ancestors.pop();
}

function isFunction(node: Node): boolean {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

/** `x as T`, `x!`, `<T>x` and parentheses stripped: the expression a plant should reuse. */
function unwrap(node: Node): Node {
  let current = node;
  while (current.type === 'TSAsExpression' || current.type === 'TSNonNullExpression' || current.type === 'TSTypeAssertion' || current.type === 'TSSatisfiesExpression') {
    current = current.expression;
  }
  return current;
}

function calleeName(call: TSESTree.CallExpression): { object: Node; method: string } | null {
  const callee = call.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return null;
  return { object: callee.object, method: callee.property.name };
}

/** The last identifier of `a.b.c` (`c`), of `this.c` (`c`), of `c` (`c`). */
function tailName(node: Node): string | null {
  const inner = unwrap(node);
  if (inner.type === 'Identifier') return inner.name;
  if (inner.type === 'MemberExpression' && !inner.computed && inner.property.type === 'Identifier') return inner.property.name;
  return null;
}

function lineStart(code: string, offset: number): number {
  return code.lastIndexOf('\n', offset - 1) + 1;
}

function indentAt(code: string, offset: number): string {
  const start = lineStart(code, offset);
  return /^[ \t]*/.exec(code.slice(start))?.[0] ?? '';
}

/** Finds the plant sites of one file for the given descriptions and returns one plant per site and kind. */
export function plantsForFile(file: string, code: string, descriptions: readonly PlantDescription[]): Plant[] {
  let program: TSESTree.Program;
  try {
    program = parse(code, { range: true, loc: true, jsx: file.endsWith('x'), sourceType: 'module' });
  } catch {
    return [];
  }
  const plants: Plant[] = [];
  // The outermost function around the site: a release inside a callback (`on('abort', () =>
  // client.release())`) is reported at the acquisition, in the function that encloses both.
  const scopeOf = (ancestors: readonly Node[], delta: number): [number, number] => {
    const fn = ancestors.find(isFunction) ?? program;
    return [fn.loc.start.line, fn.loc.end.line + Math.max(delta, 0)];
  };
  const insertAfter = (statement: Node, ancestors: readonly Node[], text: string, kind: PlantKind, description: string): void => {
    const indent = indentAt(code, statement.range[0]);
    const edited = `${code.slice(0, statement.range[1])}\n${indent}${text}${code.slice(statement.range[1])}`;
    const plantedLine = statement.loc.end.line + 1;
    plants.push({ kind, description, file, line: statement.loc.start.line, code: edited, plantedLine, lineDelta: 1, scope: scopeOf(ancestors, 1) });
  };
  const imported: string[] = [];
  walk(program, (node) => {
    if (node.type === 'ImportDeclaration') imported.push(node.source.value);
    else if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal' && typeof node.arguments[0].value === 'string') {
      imported.push(node.arguments[0].value);
    }
  });
  for (const description of descriptions) {
    // A package description applies only where its package is imported (as the rules read it);
    // a `{ path }` module is resolved by the rules, so its files are planted everywhere.
    const module = description.module;
    const packages = typeof module === 'string' ? [module] : Array.isArray(module) ? (module as readonly string[]) : null;
    if (packages && !imported.some((specifier) => packages.some((pkg) => specifier === pkg || specifier.startsWith(`${pkg}/`)))) continue;
    const instanceNames = new Set((description.owners ?? []).filter((o) => o.from === 'instance' && o.name).map((o) => o.name as string));
    const release = new Set(description.methods?.release ?? []);
    const releaseSelf = new Set(description.methods?.releaseSelf ?? []);
    const acquire = new Set(description.methods?.acquire ?? []);
    // Variables holding an acquisition (`const client = await pool.connect()`), for releaseSelf.
    const acquired = new Set<string>();
    walk(program, (node, ancestors) => {
      if (node.type !== 'VariableDeclarator' || node.id.type !== 'Identifier' || !node.init) return;
      let init = unwrap(node.init);
      if (init.type === 'AwaitExpression') init = unwrap(init.argument);
      if (init.type !== 'CallExpression') return;
      const name = calleeName(init);
      if (!name || !acquire.has(name.method)) return;
      if (instanceNames.size > 0 && description.owners?.every((o) => o.from === 'instance') && !instanceNames.has(tailName(name.object) ?? '')) return;
      acquired.add(node.id.name);
      // call-before-try: a call that may throw between the acquisition and the try that releases.
      const declaration = ancestors[ancestors.length - 1];
      if (description.mustRelease && declaration?.type === 'VariableDeclaration' && node.init.type === 'AwaitExpression') {
        insertAfter(declaration, ancestors, `await ${node.id.name}.query('SELECT 1');`, 'call-before-try', description.name);
      }
    });
    walk(program, (node, ancestors) => {
      if (node.type !== 'ExpressionStatement') return;
      let expression = unwrap(node.expression);
      if (expression.type === 'AwaitExpression') expression = unwrap(expression.argument);
      if (expression.type !== 'CallExpression') return;
      const name = calleeName(expression);
      if (!name) return;
      let released: string | null = null;
      if (release.has(name.method) && expression.arguments.length > 0) {
        const owner = tailName(name.object);
        const ownersByInstanceOnly = description.owners?.every((o) => o.from === 'instance') ?? false;
        if (ownersByInstanceOnly && !instanceNames.has(owner ?? '')) return;
        const argument = expression.arguments[0];
        if (!argument || argument.type === 'SpreadElement') return;
        released = code.slice(unwrap(argument).range[0], unwrap(argument).range[1]);
      } else if (releaseSelf.has(name.method) && name.object.type === 'Identifier' && acquired.has(name.object.name)) {
        released = name.object.name;
      }
      if (released === null) return;
      // Released through a conditional expression or a call: no stable expression to reuse.
      if (!/^[\w$.]+$/.test(released)) return;
      const statementText = code.slice(node.range[0], node.range[1]);
      insertAfter(node, ancestors, `void ${released}.planted;`, 'use-after-release', description.name);
      insertAfter(node, ancestors, statementText, 'double-release', description.name);
      if (description.mustRelease) {
        const start = lineStart(code, node.range[0]);
        const end = code.indexOf('\n', node.range[1]);
        const edited = code.slice(0, start) + code.slice(end + 1);
        plants.push({
          kind: 'missing-release',
          description: description.name,
          file,
          line: node.loc.start.line,
          code: edited,
          plantedLine: node.loc.start.line,
          lineDelta: -1,
          scope: scopeOf(ancestors, -1),
        });
      }
    });
  }
  return plants;
}

export interface PlantResult {
  readonly plant: Plant;
  /** Findings in the planted file that the pristine file does not have (lines of the planted file). */
  readonly newFindings: readonly RealFinding[];
  /** Whether one of them lies in the function where the bug was planted. */
  readonly found: boolean;
}

function findingKey(finding: RealFinding): string {
  return `${finding.ruleId}\u0000${finding.line}\u0000${finding.message}`;
}

/** Findings of `after` that are not in `before`, pristine lines mapped through the plant's edit. */
function newFindingsOf(plant: Plant, before: readonly RealFinding[], after: readonly RealFinding[]): RealFinding[] {
  const remaining = new Map<string, number>();
  for (const finding of before) {
    const line = finding.line >= plant.plantedLine ? finding.line + plant.lineDelta : finding.line;
    const key = findingKey({ ...finding, line });
    remaining.set(key, (remaining.get(key) ?? 0) + 1);
  }
  const fresh: RealFinding[] = [];
  for (const finding of after) {
    const key = findingKey(finding);
    const count = remaining.get(key) ?? 0;
    if (count > 0) remaining.set(key, count - 1);
    else fresh.push(finding);
  }
  return fresh;
}

/**
 * Copies `root` to a temporary directory, plants each bug in turn into its file there, lints that
 * file, and compares with the pristine file's findings.
 */
export async function plantAndLint(
  root: string,
  descriptions: readonly PlantDescription[],
  options: RealLintOptions = {},
  pristine?: readonly RealFinding[],
): Promise<{ results: PlantResult[]; skipped: Plant[] }> {
  const copy = mkdtempSync(join(tmpdir(), 'arena-plant-'));
  try {
    cpSync(root, copy, { recursive: true, filter: (source) => !/[/\\](node_modules|\.git)([/\\]|$)/.test(source) });
    const eslint = makeEslint(copy, options);
    const base = pristine ?? (await lintTree(root, options)).findings;
    const files = (await eslint.lintFiles(options.only && options.only.length > 0 ? [...options.only] : ['.'])).map((r) => r.filePath);
    const results: PlantResult[] = [];
    const skipped: Plant[] = [];
    for (const path of files) {
      const file = relative(copy, path).split('\\').join('/');
      const original = readFileSync(path, 'utf8');
      const plants = plantsForFile(file, original, descriptions);
      if (plants.length === 0) continue;
      const before = base.filter((f) => f.file === file);
      for (const plant of plants) {
        // A function that already has a finding cannot show whether the plant is seen: skipped.
        const [from, to] = [plant.scope[0], plant.scope[1] - Math.max(plant.lineDelta, 0)];
        if (before.some((f) => f.line >= from && f.line <= to)) {
          skipped.push(plant);
          continue;
        }
        writeFileSync(path, plant.code);
        const after = toFindings(copy, await eslint.lintFiles([path]));
        writeFileSync(path, original);
        const newFindings = newFindingsOf(plant, before, after);
        const found = newFindings.some((f) => f.line >= plant.scope[0] && f.line <= plant.scope[1]);
        results.push({ plant, newFindings, found });
      }
    }
    return { results, skipped };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Command line.

interface CliOptions extends RealLintOptions {
  readonly root: string;
  readonly plant: boolean;
  readonly json: boolean;
  readonly explain: boolean;
}

function readSettings(value: string): unknown {
  const text = existsSync(value) ? readFileSync(value, 'utf8') : value;
  return JSON.parse(text) as unknown;
}

function parseArgs(argv: readonly string[]): CliOptions {
  let root: string | undefined;
  let settings: unknown;
  let typed = false;
  let plantBugs = false;
  let json = false;
  let explain = false;
  const ignore: string[] = [];
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = (): string => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`lint-real-code: ${arg} needs a value`);
      return value;
    };
    if (arg === '--settings') settings = readSettings(next());
    else if (arg === '--typed') typed = true;
    else if (arg === '--plant') plantBugs = true;
    else if (arg === '--json') json = true;
    else if (arg === '--explain') explain = true;
    else if (arg === '--ignore') ignore.push(next());
    else if (arg === '--only') only.push(next());
    else if (arg.startsWith('--')) throw new Error(`lint-real-code: unknown option ${arg}`);
    else root = arg;
  }
  if (root === undefined) {
    throw new Error('usage: lint-real-code <folder> [--settings <file.json|json>] [--typed] [--plant] [--json] [--explain] [--ignore <glob>] [--only <glob>]');
  }
  return { root: resolve(root), settings, typed, plant: plantBugs, json, explain, ignore, only };
}

/** The descriptions to plant from: the settings' own, then the built-in ones the plugin exports. */
async function plantDescriptions(settings: unknown): Promise<PlantDescription[]> {
  const own = (settings as { allocators?: PlantDescription[] } | undefined)?.allocators ?? [];
  let builtins: PlantDescription[] = [];
  try {
    // A variable specifier: the module is optional (it lands with the built-in descriptions).
    const specifier = '../src/builtin-allocators.js';
    const module = (await import(specifier)) as Record<string, unknown>;
    const list = Object.values(module).find((value) => Array.isArray(value) && value.every((d) => typeof (d as PlantDescription).name === 'string'));
    builtins = (list as PlantDescription[] | undefined) ?? [];
  } catch {
    builtins = [];
  }
  return [...own.filter((d) => typeof d.name === 'string'), ...builtins];
}

function printFindings(findings: readonly RealFinding[], write: (line: string) => void): void {
  const byRule = new Map<string, RealFinding[]>();
  for (const finding of findings) byRule.set(finding.ruleId, [...(byRule.get(finding.ruleId) ?? []), finding]);
  for (const [rule, list] of [...byRule].sort(([a], [b]) => a.localeCompare(b))) {
    write(`\n${rule}: ${list.length}`);
    for (const f of list) write(`  ${f.file}:${f.line}:${f.column}  ${f.message}`);
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const write = (line: string): void => void process.stdout.write(`${line}\n`);
  const { files, findings, paths } = await lintTree(options.root, options);
  const explanation = await explainTree(options.root, paths, options);
  let plantResults: PlantResult[] = [];
  let skippedPlants: Plant[] = [];
  if (options.plant) {
    ({ results: plantResults, skipped: skippedPlants } = await plantAndLint(options.root, await plantDescriptions(options.settings), options, findings));
  }
  if (options.json) {
    write(JSON.stringify({ files, findings, explanation, plants: plantResults.map(({ plant, newFindings, found }) => ({ kind: plant.kind, description: plant.description, file: plant.file, line: plant.line, found, newFindings })), skippedPlants: skippedPlants.map((plant) => ({ kind: plant.kind, description: plant.description, file: plant.file, line: plant.line })) }, null, 2));
    return;
  }
  write(`${options.root}: ${files} file(s) linted${options.typed ? ' (type-aware)' : ''}, ${findings.length} finding(s)`);
  printFindings(findings, write);
  write('\n== What the descriptions matched (src/explain.ts) ==');
  const explained = formatExplanation(explanation).split('\n');
  // Without --explain, only the summary after the per-file listing.
  const summaryStart = explained.findIndex((line) => / looked at, /.test(line));
  for (const line of options.explain ? explained : explained.slice(Math.max(0, summaryStart))) write(line);
  if (options.plant) {
    const found = plantResults.filter((r) => r.found).length;
    write(`\nplanted bugs: ${found} of ${plantResults.length} found (${skippedPlants.length} more skipped: planted in a function that already has a finding)`);
    const kinds = [...new Set(plantResults.map((r) => `${r.plant.description} ${r.plant.kind}`))].sort();
    for (const kind of kinds) {
      const ofKind = plantResults.filter((r) => `${r.plant.description} ${r.plant.kind}` === kind);
      write(`  ${kind}: ${ofKind.filter((r) => r.found).length}/${ofKind.length}`);
    }
    for (const r of plantResults.filter((result) => !result.found)) {
      write(`  missed ${r.plant.description} ${r.plant.kind} at ${r.plant.file}:${r.plant.line}${r.newFindings.length > 0 ? ` (new elsewhere: ${r.newFindings.map((f) => `${f.ruleId}@${f.line}`).join(', ')})` : ''}`);
    }
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  });
}
