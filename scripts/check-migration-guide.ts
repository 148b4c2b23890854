// Keeps the code blocks of docs/guides/migration.md in sync with the files they are cut from.
//
//   node dist/scripts/check-migration-guide.js          # exit 1 and list the stale blocks
//   node dist/scripts/check-migration-guide.js --write  # rewrite them from the sources
//
// A block annotated `<!-- from: path#name -->` (on the line above its fence) must equal the lines
// between `// #region name` and the next `// #endregion` of that file, common indentation removed.
// test/examples/migration-guide.test.ts runs the same check, plus the lint and --fix examples.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GUIDE = 'docs/guides/migration.md';

export interface GuideBlock {
  /** The HTML comment on the line just above the fence, without `<!--`/`-->` ('' if none). */
  readonly annotation: string;
  readonly language: string;
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

/** Every fenced block of a markdown document, with its annotation. */
export function parseBlocks(markdown: string): GuideBlock[] {
  const lines = markdown.split('\n');
  const blocks: GuideBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i]!);
    if (fence === null) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`line ${i + 1}: unterminated code block`);
    const previous = i > 0 ? lines[i - 1]! : '';
    const annotation = /^<!--\s*(.*?)\s*-->$/.exec(previous)?.[1] ?? '';
    blocks.push({ annotation, language: fence[1]!, code: lines.slice(i + 1, end).join('\n'), line: i + 1 });
    i = end;
  }
  return blocks;
}

/** The lines between `// #region name` and the next `// #endregion`, common indentation removed. */
export function region(source: string, name: string): string {
  const lines = source.split('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region ${name}`);
  if (start < 0) throw new Error(`no "// #region ${name}"`);
  const end = lines.findIndex((line, index) => index > start && line.trim() === '// #endregion');
  if (end < 0) throw new Error(`"// #region ${name}" has no "// #endregion"`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length));
  return body.map((line) => line.slice(indent)).join('\n');
}

/** What a `from:` block should contain, read from the repository at `root`. */
export function expectedCode(root: string, annotation: string): string {
  const [path, name] = annotation.slice('from: '.length).split('#');
  if (path === undefined || name === undefined) throw new Error(`bad annotation "${annotation}": want "from: path#region"`);
  return region(readFileSync(join(root, path), 'utf8'), name);
}

/** The guide with every `from:` block replaced by its source region, and the blocks that changed. */
export function syncGuide(root: string, markdown: string): { text: string; stale: GuideBlock[] } {
  const lines = markdown.split('\n');
  const stale: GuideBlock[] = [];
  // Bottom-up, so earlier line numbers stay valid while later blocks change length.
  for (const block of parseBlocks(markdown).reverse()) {
    if (!block.annotation.startsWith('from: ')) continue;
    const code = expectedCode(root, block.annotation);
    if (code === block.code) continue;
    stale.push(block);
    const bodyLines = block.code === '' ? 0 : block.code.split('\n').length;
    lines.splice(block.line, bodyLines, ...code.split('\n'));
  }
  return { text: lines.join('\n'), stale: stale.reverse() };
}

function main(): void {
  const root = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url));
  const file = join(root, GUIDE);
  const { text, stale } = syncGuide(root, readFileSync(file, 'utf8'));
  for (const block of stale) process.stderr.write(`${GUIDE}:${block.line}: out of date with ${block.annotation.slice('from: '.length)}\n`);
  if (process.argv.includes('--write')) {
    writeFileSync(file, text);
    process.stderr.write(`${stale.length} block(s) rewritten\n`);
  } else if (stale.length > 0) {
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
