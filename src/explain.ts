// "No silent misses": what the plugin recognised in a file or a whole project. For every file,
// which described modules it imports and which call sites each description matched (owners,
// acquisitions, releases, resets, destroys); for every description, where it matched, or that it
// matched nothing. Runs ESLint with the project's own config (parser, `settings.arena`) and one
// extra rule that reads the same model the lint rules read, so what it shows is what they see.
//
// Used by `npx eslint-plugin-arena explain [files...]` (src/explain-cli.ts) and exported for tests
// and tools.

import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';

import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import type { Linter, Rule } from 'eslint';

import { getAllocatorApi } from './allocators.js';
import { useOwnership, type Owner, type OwnerProtocol } from './ownership.js';
import type { ArenaSettings } from './settings.js';

/** What a call site is to its description. */
export type SiteRole = 'import' | 'owner' | 'acquire' | 'release' | 'releaseSelf' | 'access' | 'reset' | 'destroy' | 'call';

export interface ExplainedSite {
  /** The description's name (`pg`, `arena-runtime (arena)`). */
  readonly description: string;
  readonly role: SiteRole;
  readonly line: number;
  readonly column: number;
  /** The source text of the site, on one line, shortened. */
  readonly text: string;
}

export interface ExplainedFile {
  /** Relative to the working directory, with `/`. */
  readonly file: string;
  /** Names of the descriptions whose module the file imports. */
  readonly descriptions: readonly string[];
  readonly sites: readonly ExplainedSite[];
}

export interface ExplainedDescription {
  readonly name: string;
  readonly origin: 'runtime' | 'builtin' | 'settings';
  /** Where it was written (`settings.arena.allocators[0]`), or null for a built-in. */
  readonly settingsPath: string | null;
  /** The module as written in the description. */
  readonly module: string;
  /** Its owner sources, in short (`new Pool, instance BigPool`). */
  readonly owners: string;
  /** Files importing its module. */
  readonly files: number;
  /** Call sites matched (imports not counted). */
  readonly sites: number;
  /** `matched`: call sites found; `imported-only`: its module is imported but no owner was found; `not-imported`: no file imports it. */
  readonly status: 'matched' | 'imported-only' | 'not-imported';
}

export interface AllocatorExplanation {
  /** Every linted file that imports at least one described module. */
  readonly files: readonly ExplainedFile[];
  /** Number of files looked at. */
  readonly filesLinted: number;
  /** Files the parser could not read (relative path: message); they were not looked at. */
  readonly unparsed: readonly string[];
  readonly descriptions: readonly ExplainedDescription[];
}

export interface ExplainOptions {
  /** The project directory (default: `process.cwd()`); files and globs are relative to it. */
  readonly cwd?: string;
  /**
   * `settings.arena` to use instead of the project's. Default: whatever the project's ESLint config
   * gives each file (or none, when the project has no ESLint config).
   */
  readonly settings?: unknown;
  /** Use the project's eslint.config.* (default true when one exists). */
  readonly useConfigFile?: boolean;
}

const SOURCE_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts', '**/*.js', '**/*.jsx', '**/*.mjs', '**/*.cjs'];
const CONFIG_FILES = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts', 'eslint.config.mts', 'eslint.config.cts'];

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 72 ? `${line.slice(0, 69)}...` : line;
}

function roleOf(protocol: OwnerProtocol, name: string): SiteRole {
  const methods = protocol.methods;
  if (methods.acquire.has(name)) return 'acquire';
  if (methods.release.has(name)) return 'release';
  if (methods.access.has(name)) return 'access';
  if (methods.reset.has(name)) return 'reset';
  if (methods.destroy.has(name) || name === 'Symbol.dispose') return 'destroy';
  return 'call';
}

interface Collected {
  readonly file: string;
  readonly settings: ArenaSettings;
  readonly imports: Array<{ readonly description: string; readonly node: TSESTree.Node }>;
  readonly sites: ExplainedSite[];
}

/** The module `require('m')`, `import('m')` or `await import('m')` loads, or null for any other expression. */
function loadedSpecifier(init: TSESTree.Expression | null): string | null {
  const call = init?.type === 'AwaitExpression' ? init.argument : init;
  if (call?.type === 'CallExpression' && call.callee.type === 'Identifier' && call.callee.name === 'require') {
    const argument = call.arguments[0];
    return argument?.type === 'Literal' && typeof argument.value === 'string' ? argument.value : null;
  }
  if (call?.type === 'ImportExpression' && call.source.type === 'Literal' && typeof call.source.value === 'string') return call.source.value;
  return null;
}

/** `path` relative to `cwd`, with `/` on every platform (how files are named in the explanation). */
function relativeName(cwd: string, path: string): string {
  return relative(cwd, path).split('\\').join('/');
}

/** The rule that records, per file, what the shared model recognised. */
function collectorRule(sink: Map<string, Collected>, cwd: string): Rule.RuleModule {
  return {
    meta: { type: 'suggestion', schema: [] },
    create(eslintContext) {
      const context = eslintContext as unknown as Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;
      const api = getAllocatorApi(context);
      const sourceCode = context.sourceCode;
      const file = relativeName(cwd, context.physicalFilename);
      const collected: Collected = { file, settings: api.settings, imports: [], sites: [] };
      sink.set(file, collected);
      if (!api.active) return {};
      const site = (description: string, role: SiteRole, node: TSESTree.Node): void => {
        collected.sites.push({ description, role, line: node.loc.start.line, column: node.loc.start.column + 1, text: shorten(sourceCode.getText(node)) });
      };
      for (const statement of sourceCode.ast.body) {
        let specifier: string | null = null;
        if (statement.type === 'ImportDeclaration') specifier = statement.source.value;
        if (statement.type === 'VariableDeclaration') {
          // Any declarator may load the module: `const a = 1, pg = require('pg')`.
          specifier = statement.declarations.map((declarator) => loadedSpecifier(declarator.init)).find((found) => found !== null) ?? null;
        }
        if (specifier === null) continue;
        for (const description of api.descriptionsOf(specifier)) {
          collected.imports.push({ description: description.name, node: statement });
          site(description.name, 'import', statement);
        }
      }
      const listeners = useOwnership(context, (model) => {
        const seen = new Set<TSESTree.Node>();
        const ownerSite = (owner: Owner): TSESTree.Node => owner.creation ?? owner.scopedCall ?? owner.node;
        for (const owner of model.owners) {
          const name = owner.protocol.name;
          if (owner.kind !== 'tagged') site(name, 'owner', ownerSite(owner));
          for (const { name: method, call } of owner.methodCalls) {
            seen.add(call);
            site(name, roleOf(owner.protocol, method), call);
          }
        }
        // Releases through the acquisition itself (`client.release()`) are events, not owner calls.
        for (const event of model.frees) {
          if (seen.has(event.call)) continue;
          seen.add(event.call);
          const method = event.call.callee.type === 'MemberExpression' && event.call.callee.property.type === 'Identifier' ? event.call.callee.property.name : '';
          site(event.owner.protocol.name, event.owner.protocol.methods.releaseSelf.has(method) ? 'releaseSelf' : 'release', event.call);
        }
        collected.sites.sort((a, b) => a.line - b.line || a.column - b.column);
      });
      // typescript-eslint's listener type and ESLint's describe the same object.
      return listeners as unknown as Rule.RuleListener;
    },
  };
}

function moduleText(module: unknown): string {
  if (typeof module === 'string') return `'${module}'`;
  if (Array.isArray(module)) return `[${module.map((item) => `'${String(item)}'`).join(', ')}]`;
  const path = (module as { path?: unknown }).path;
  return `{ path: ${Array.isArray(path) ? `[${path.map((item) => `'${String(item)}'`).join(', ')}]` : `'${String(path)}'`} }`;
}

/**
 * Lints `patterns` (files, folders or globs, relative to `cwd`) with one collecting rule and
 * reports what every allocator description matched.
 */
export async function explainAllocators(patterns: readonly string[], options: ExplainOptions = {}): Promise<AllocatorExplanation> {
  const cwd = options.cwd ?? process.cwd();
  const sink = new Map<string, Collected>();
  const hasConfig = CONFIG_FILES.some((name) => existsSync(join(cwd, name)));
  const useConfigFile = options.useConfigFile ?? hasConfig;
  const explainPlugin = { rules: { explain: collectorRule(sink, cwd) } };
  // Without a project config, TypeScript's parser reads every file; loaded only then (it is a peer
  // of the plugin's users, not a dependency of the plugin).
  const parser = useConfigFile ? null : ((await import('@typescript-eslint/parser')) as unknown as Linter.Parser);
  const overrideConfig: Linter.Config[] = [
    ...(useConfigFile
      ? []
      : [
          { ignores: ['**/node_modules/**', '**/dist/**', '**/*.d.ts'] },
          { files: SOURCE_FILES, languageOptions: { ...(parser ? { parser } : {}), sourceType: 'module' as const } },
        ]),
    {
      files: SOURCE_FILES,
      plugins: { 'arena-explain': explainPlugin },
      rules: { 'arena-explain/explain': 'error' },
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
      ...(options.settings === undefined ? {} : { settings: { arena: options.settings } }),
    },
  ];
  // Loaded here, not at the top: importing the plugin must work where eslint is not installed.
  const { ESLint } = await import('eslint');
  const eslint = new ESLint({
    cwd,
    overrideConfigFile: useConfigFile ? null : true,
    overrideConfig,
    errorOnUnmatchedPattern: false,
    // Only the collector runs: what the project's rules report is not wanted here.
    ruleFilter: ({ ruleId }) => ruleId === 'arena-explain/explain',
  });
  const results = await eslint.lintFiles(patterns.length > 0 ? [...patterns] : ['.']);
  const unparsed: string[] = [];
  for (const result of results) {
    const fatal = result.messages.find((message) => message.fatal);
    if (fatal) unparsed.push(`${relativeName(cwd, result.filePath)}: ${fatal.message}`);
  }
  const collected = [...sink.values()].sort((a, b) => a.file.localeCompare(b.file));
  const files: ExplainedFile[] = collected
    .filter((entry) => entry.sites.length > 0)
    .map((entry) => ({ file: entry.file, descriptions: [...new Set(entry.imports.map((item) => item.description))], sites: entry.sites }));
  // Every description any file's settings had, in the order of the first settings seen.
  const descriptions = new Map<string, { description: ArenaSettings['descriptions'][number]; files: number; sites: number }>();
  for (const entry of collected) {
    for (const description of entry.settings.descriptions) {
      if (!descriptions.has(description.name)) descriptions.set(description.name, { description, files: 0, sites: 0 });
    }
  }
  for (const file of files) {
    for (const name of file.descriptions) {
      const summary = descriptions.get(name);
      if (summary) summary.files++;
    }
    for (const site of file.sites) {
      const summary = descriptions.get(site.description);
      if (summary && site.role !== 'import') summary.sites++;
    }
  }
  return {
    files,
    filesLinted: results.length,
    unparsed,
    descriptions: [...descriptions.values()].map(({ description, files: fileCount, sites }) => ({
      name: description.name,
      origin: description.origin,
      settingsPath: description.settingsPath,
      module: moduleText(description.source.module),
      owners: description.owners.map((owner) => (owner.from === 'type' ? `type ${String(owner.type.name)}` : `${owner.from} ${owner.name}`)).join(', '),
      files: fileCount,
      sites,
      status: sites > 0 ? 'matched' : fileCount > 0 ? 'imported-only' : 'not-imported',
    })),
  };
}

/** The explanation as text: per file, its sites; then per description, what it matched. */
export function formatExplanation(explanation: AllocatorExplanation): string {
  const lines: string[] = [];
  for (const file of explanation.files) {
    lines.push(file.file);
    const nameWidth = Math.max(...file.sites.map((site) => site.description.length));
    for (const site of file.sites) {
      lines.push(`  ${`${site.line}:${site.column}`.padEnd(8)}${site.description.padEnd(nameWidth + 2)}${site.role.padEnd(12)}${site.text}`);
    }
    lines.push('');
  }
  lines.push(`${explanation.filesLinted} file${explanation.filesLinted === 1 ? '' : 's'} looked at, ${explanation.files.length} import${explanation.files.length === 1 ? 's' : ''} a described module.`);
  for (const entry of explanation.unparsed) lines.push(`not parsed (no report for it): ${entry}`);
  lines.push('');
  lines.push('Descriptions:');
  const width = Math.max(0, ...explanation.descriptions.map((description) => description.name.length));
  for (const description of explanation.descriptions) {
    const where = description.settingsPath ?? (description.origin === 'runtime' ? 'runtime' : 'built in');
    let status: string;
    if (description.status === 'matched') {
      status = `${description.sites} call site${description.sites === 1 ? '' : 's'} in ${description.files} file${description.files === 1 ? '' : 's'}`;
    } else if (description.status === 'imported-only') {
      status = `MATCHED NO CALL SITE: ${description.module} is imported in ${description.files} file${description.files === 1 ? '' : 's'}, but none of its owners (${description.owners}) was found there`;
    } else {
      status = `${description.origin === 'settings' ? 'MATCHED NOTHING' : 'not used'}: no file looked at imports ${description.module}`;
    }
    lines.push(`  ${description.name.padEnd(width + 2)}${status}  [${where}]`);
  }
  return lines.join('\n');
}
