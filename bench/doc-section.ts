import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** docs/benchmarks.md, resolved from either the sources or dist/. */
export const BENCHMARKS_DOC = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../docs/benchmarks.md' : '../docs/benchmarks.md', import.meta.url),
);

/**
 * Replaces the text between `<!-- section:start -->` and `<!-- section:end -->` in
 * docs/benchmarks.md (appending the section when absent), so that each benchmark owns its
 * part of the document and reruns replace their own numbers only.
 */
export function writeDocSection(section: string, markdown: string, file: string = BENCHMARKS_DOC): void {
  const start = `<!-- ${section}:start -->`;
  const end = `<!-- ${section}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? current.slice(0, from) + block + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

/** A markdown table from a header row and body rows. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** One line naming the machine and runtime, for the top of every table. */
export function machineLine(): string {
  return `Node ${process.version}, ${process.platform}/${process.arch}, measured ${new Date().toISOString().slice(0, 10)}`;
}
