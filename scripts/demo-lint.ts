// The lint half of `npm run demo`: ESLint with this plugin's recommended config over
// examples/planted/bugs.ts (one planted bug per rule), printed as a short, readable report.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import parser from '@typescript-eslint/parser';
import { Linter } from 'eslint';

import plugin from '../src/index.js';

const REPO_ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url));
/** The file with the planted bugs, relative to the repository root. */
export const PLANTED_FILE = 'examples/planted/bugs.ts';

export interface DemoFinding {
  readonly ruleId: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** The source line the finding points at. */
  readonly source: string;
  /** What `eslint --fix` writes on that line, when the rule has an autofix for it. */
  readonly fixedSource: string | null;
  /** Titles of the editor suggestions offered. */
  readonly suggestions: readonly string[];
}

/** Lints the planted example (or `code`) with the recommended config; findings in line order. */
export function lintPlanted(code: string = readFileSync(`${REPO_ROOT}${PLANTED_FILE}`, 'utf8')): DemoFinding[] {
  const linter = new Linter();
  const config: Linter.Config[] = [
    { files: ['**/*.ts'], languageOptions: { parser, sourceType: 'module' } },
    { ...plugin.configs.recommended, files: ['**/*.ts'] },
  ];
  const messages = linter.verify(code, config, { filename: PLANTED_FILE });
  const lines = code.split('\n');
  return messages.map((message) => {
    const source = lines[message.line - 1] ?? '';
    let fixedSource: string | null = null;
    if (message.fix) {
      const fixed = code.slice(0, message.fix.range[0]) + message.fix.text + code.slice(message.fix.range[1]);
      // Show the line of the report after the fix; a fix may also touch the import at the top.
      const shift = fixed.split('\n').length - lines.length;
      fixedSource = fixed.split('\n')[message.line - 1 + shift] ?? null;
    }
    return {
      ruleId: message.ruleId ?? '(parser)',
      line: message.line,
      column: message.column,
      message: message.message,
      severity: message.severity === 2 ? 'error' : 'warning',
      source,
      fixedSource,
      suggestions: (message.suggestions ?? []).map((suggestion) => suggestion.desc),
    };
  });
}

/** Prints the findings for the planted example; returns them (for callers that want a count). */
export function lintDemo(write: (text: string) => void = (text) => console.log(text)): DemoFinding[] {
  const findings = lintPlanted();
  const rulesFound = new Set(findings.map((finding) => finding.ruleId));
  write(`\n== ESLint: ${PLANTED_FILE} with arena.configs.recommended ==`);
  write(`${findings.length} finding(s) from ${rulesFound.size} of ${Object.keys(plugin.rules).length} rules\n`);
  for (const finding of findings) {
    const mark = finding.severity === 'error' ? '✖' : '⚠';
    write(`${mark} ${finding.ruleId}  (line ${finding.line})`);
    write(`    ${finding.message}`);
    write(`    ${String(finding.line).padStart(4)} | ${finding.source.trim()}`);
    if (finding.fixedSource !== null) write(`   fix  | ${finding.fixedSource.trim()}   (eslint --fix)`);
    for (const suggestion of finding.suggestions) write(`    💡 ${suggestion}`);
    write('');
  }
  return findings;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) lintDemo();
