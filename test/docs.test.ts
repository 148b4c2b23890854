// Every registered rule has docs/rules/<name>.md with bad and good examples and an options section
// naming every option, and every example is linted: each "❌ Incorrect" sample reports the rule it
// documents, each "✅ Correct" one reports nothing. The generated parts (the README rules list and
// each doc's header) are checked by `eslint-doc-generator --check`, which `npm test` runs.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import parser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import plugin from '../src/index.js';
import { rules } from '../src/rules.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const ruleDocPath = (name: string): string => `${REPO_ROOT}docs/rules/${name}.md`;

/** Property names declared anywhere in a JSON schema (nested objects and arrays included). */
function schemaProperties(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) {
    for (const item of schema) schemaProperties(item, out);
  } else if (schema !== null && typeof schema === 'object') {
    const record = schema as Record<string, unknown>;
    const properties = record['properties'];
    if (properties !== null && typeof properties === 'object') {
      for (const [key, value] of Object.entries(properties)) {
        out.add(key);
        schemaProperties(value, out);
      }
    }
    if (record['items'] !== undefined) schemaProperties(record['items'], out);
  }
  return out;
}

function optionsSection(markdown: string): string | null {
  const match = /^## Options\s*$/m.exec(markdown);
  if (!match) return null;
  const rest = markdown.slice(match.index + match[0].length);
  const next = /^## /m.exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

interface Sample {
  readonly kind: 'incorrect' | 'correct';
  /** 1-based line of the opening fence in the doc, for messages. */
  readonly line: number;
  readonly code: string;
}

/**
 * The labelled code samples of a rule doc: a ```ts / ```js block whose nearest non-blank line above
 * starts with ❌ (incorrect) or ✅ (correct). Other blocks (option types, fix walkthroughs) are prose.
 */
function labelledSamples(markdown: string): Sample[] {
  const lines = markdown.split('\n');
  const samples: Sample[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (!/^```(?:ts|js|typescript|javascript)\s*$/.test(lines[index] ?? '')) continue;
    const end = lines.findIndex((line, at) => at > index && line.startsWith('```'));
    if (end < 0) break;
    let label = index - 1;
    while (label >= 0 && (lines[label] ?? '').trim() === '') label--;
    const marker = (lines[label] ?? '').trim();
    const kind = marker.startsWith('❌') ? 'incorrect' : marker.startsWith('✅') ? 'correct' : null;
    if (kind) samples.push({ kind, line: index + 1, code: lines.slice(index + 1, end).join('\n') });
    index = end;
  }
  return samples;
}

const RUNTIME_IMPORT = /^import\b[^;]*from '(?:eslint-plugin-arena\/runtime|arena-runtime)';$/m;

/** Lints one sample with only `name` enabled (its default options), as a TypeScript file. */
function lintSample(name: string, code: string): Linter.LintMessage[] {
  return new Linter({ configType: 'flat' }).verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser, sourceType: 'module' },
        plugins: { arena: plugin },
        rules: { [`arena/${name}`]: 'error' },
      },
    ],
    { filename: 'sample.ts' },
  );
}

describe.each(Object.entries(rules))('docs/rules/%s.md', (name, rule) => {
  const file = ruleDocPath(name);
  const markdown = existsSync(file) ? readFileSync(file, 'utf8') : '';

  it('exists and starts with the generated header', () => {
    expect(existsSync(file), `missing ${file}`).toBe(true);
    const lines = markdown.split('\n');
    expect(lines[0]).toBe(`# arena/${name}`);
    expect(lines[2]).toBe(`📝 ${rule.meta.docs?.description ?? ''}.`);
  });

  it('has incorrect and correct samples', () => {
    const kinds = labelledSamples(markdown).map((sample) => sample.kind);
    expect(kinds).toContain('incorrect');
    expect(kinds).toContain('correct');
  });

  it('documents every option of the schema in an Options section', () => {
    const properties = [...schemaProperties(rule.meta.schema)];
    if (properties.length === 0) return;
    const section = optionsSection(markdown);
    expect(section, 'no "## Options" section').not.toBeNull();
    for (const property of properties) expect(section, `option ${property} not documented`).toContain(`\`${property}\``);
  });

  const samples = labelledSamples(markdown);
  // A correct sample may lean on the incorrect one's import (docs do not repeat it); without an
  // import of the runtime the rules would not look at the sample at all.
  const sharedImport = samples.map((sample) => RUNTIME_IMPORT.exec(sample.code)?.[0]).find((line) => line !== undefined);

  it.each(samples.filter((sample) => sample.kind === 'incorrect'))('the incorrect sample at line $line reports the rule', (sample) => {
    const messages = lintSample(name, sample.code);
    expect(messages.filter((message) => message.fatal)).toEqual([]);
    expect(messages.filter((message) => message.ruleId === `arena/${name}`).length).toBeGreaterThan(0);
  });

  it.each(samples.filter((sample) => sample.kind === 'correct'))('the correct sample at line $line reports nothing', (sample) => {
    const code = RUNTIME_IMPORT.test(sample.code) || sharedImport === undefined ? sample.code : `${sharedImport}\n${sample.code}`;
    expect(RUNTIME_IMPORT.test(code), 'the sample never imports the runtime, so linting it proves nothing').toBe(true);
    const messages = lintSample(name, code).map((message) => `${message.line}:${message.column} ${message.ruleId ?? 'fatal'}: ${message.message}`);
    expect(messages).toEqual([]);
  });
});
