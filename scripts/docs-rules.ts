// Generates the rules table of README.md (between `<!-- rules:start -->` and `<!-- rules:end -->`)
// and the header of every docs/rules/<name>.md (`# arena/<name>`, blank line, the rule's
// meta.docs.description) from the rules' metadata, so that docs cannot drift from the code.
//
//   npm run build && node dist/scripts/docs-rules.js          # rewrite README table + doc headers
//   node dist/scripts/docs-rules.js --check                   # exit 1 when anything is out of date
//
// test/docs.test.ts runs the same functions and fails on any difference.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { rules, type ArenaRule } from '../src/rules.js';

/** The repository root, from the sources or from dist/. */
export const REPO_ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url));

const TABLE_START = '<!-- rules:start -->';
const TABLE_END = '<!-- rules:end -->';

export function ruleDocPath(name: string, root: string = REPO_ROOT): string {
  return join(root, 'docs', 'rules', `${name}.md`);
}

/** The README rules table for `ruleMap`, one row per rule in name order. */
export function rulesTable(ruleMap: Readonly<Record<string, ArenaRule>> = rules): string {
  const rows = Object.keys(ruleMap)
    .sort()
    .map((name) => {
      const rule = ruleMap[name]!;
      const recommended = rule.meta.docs?.recommended === true ? '✅' : '';
      const fix = [rule.meta.fixable ? '🔧' : '', rule.meta.hasSuggestions ? '💡' : ''].join('');
      return `| [\`arena/${name}\`](docs/rules/${name}.md) | ${rule.meta.docs?.description ?? ''} | ${recommended} | ${fix} |`;
    });
  return [
    '| Rule | Description | Recommended | Fix |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    '✅ in `configs.recommended` (every rule is in `configs.strict`) · 🔧 `eslint --fix` · 💡 editor suggestions',
  ].join('\n');
}

/** `readme` with its rules table replaced (or appended, with markers, when it has none). */
export function withRulesTable(readme: string, ruleMap: Readonly<Record<string, ArenaRule>> = rules): string {
  const block = `${TABLE_START}\n${rulesTable(ruleMap)}\n${TABLE_END}`;
  const from = readme.indexOf(TABLE_START);
  const to = readme.indexOf(TABLE_END);
  if (from >= 0 && to > from) return readme.slice(0, from) + block + readme.slice(to + TABLE_END.length);
  return `${readme.trimEnd()}\n\n## Rules\n\n${block}\n`;
}

/** The header every rule doc starts with. */
export function docHeader(name: string, rule: ArenaRule): string {
  return `# arena/${name}\n\n${rule.meta.docs?.description ?? ''}\n`;
}

/** `markdown` with its first three lines (heading, blank, description) replaced by the generated header. */
export function withDocHeader(markdown: string, name: string, rule: ArenaRule): string {
  const lines = markdown.split('\n');
  const rest = lines[0]?.startsWith('# ') ? lines.slice(3) : lines;
  return docHeader(name, rule) + rest.join('\n');
}

export interface DocsSyncResult {
  /** Files that were (or, with check, would be) rewritten. */
  readonly changed: string[];
  /** Rules without a docs/rules/<name>.md (never created here: a doc needs a person). */
  readonly missingDocs: string[];
}

export function syncDocs(options: { check: boolean; root?: string } = { check: false }): DocsSyncResult {
  const root = options.root ?? REPO_ROOT;
  const changed: string[] = [];
  const missingDocs: string[] = [];
  const update = (file: string, next: string): void => {
    const current = readFileSync(file, 'utf8');
    if (current === next) return;
    changed.push(file);
    if (!options.check) writeFileSync(file, next);
  };
  update(join(root, 'README.md'), withRulesTable(readFileSync(join(root, 'README.md'), 'utf8')));
  for (const [name, rule] of Object.entries(rules)) {
    const file = ruleDocPath(name, root);
    if (!existsSync(file)) {
      missingDocs.push(name);
      continue;
    }
    update(file, withDocHeader(readFileSync(file, 'utf8'), name, rule));
  }
  return { changed, missingDocs };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const check = process.argv.includes('--check');
  const result = syncDocs({ check });
  for (const file of result.changed) console.log(`${check ? 'out of date' : 'updated'}: ${file}`);
  for (const name of result.missingDocs) console.error(`missing: docs/rules/${name}.md`);
  if (result.missingDocs.length > 0 || (check && result.changed.length > 0)) process.exitCode = 1;
}
