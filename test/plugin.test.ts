import { readFileSync } from 'node:fs';

import parser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import plugin from '../src/index.js';
import { RULE_DOCS_BASE } from '../src/create-rule.js';
import { rules } from '../src/rules.js';
import { lintDemo, lintPlanted } from '../scripts/demo-lint.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

const ruleEntries = Object.entries(rules);

describe('plugin object', () => {
  it('names itself after package.json', () => {
    expect(plugin.meta.name).toBe(manifest.name);
    expect(plugin.meta.version).toBe(manifest.version);
    expect(plugin.meta.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('registers the five rules of the design, all recommended', () => {
    expect(Object.keys(rules).sort()).toEqual(
      ['no-arena-escape', 'no-leaked-arena', 'no-mixed-ownership', 'no-use-after-reset', 'require-alloc-tag'],
    );
    expect(Object.keys(plugin.configs.recommended.rules ?? {})).toHaveLength(5);
  });

  it('exposes the rule map', () => {
    expect(plugin.rules).toBe(rules);
  });

  it.each(ruleEntries)('rule %s has complete metadata', (name, rule) => {
    expect((rule as { name?: string }).name).toBe(name);
    expect(rule.meta.docs?.description).toMatch(/^[A-Z].*[^.]$/);
    expect(rule.meta.docs?.url).toBe(`${RULE_DOCS_BASE}${name}.md`);
    expect(typeof rule.meta.docs?.recommended).toBe('boolean');
    expect(Object.keys(rule.meta.messages).length).toBeGreaterThan(0);
    expect(Array.isArray(rule.meta.schema)).toBe(true);
    // Options defaults live in meta.defaultOptions (ESLint applies them); the top-level field is deprecated.
    expect(rule.defaultOptions).toBeUndefined();
    if (Array.isArray(rule.meta.schema) && rule.meta.schema.length > 0) {
      expect(Array.isArray(rule.meta.defaultOptions)).toBe(true);
    }
    expect(['problem', 'suggestion', 'layout']).toContain(rule.meta.type);
  });
});

describe('configs', () => {
  const ruleIds = ruleEntries.map(([name]) => `arena/${name}`);

  it('register the plugin itself under the arena prefix', () => {
    for (const config of Object.values(plugin.configs)) {
      expect(config.plugins?.['arena']).toBe(plugin);
    }
  });

  it('recommended enables every rule whose docs say recommended', () => {
    const expected = ruleEntries.filter(([, rule]) => rule.meta.docs?.recommended === true).map(([n]) => `arena/${n}`);
    expect(Object.keys(plugin.configs.recommended.rules ?? {}).sort()).toEqual(expected.sort());
  });

  it('strict enables every rule as an error', () => {
    const strictRules = plugin.configs.strict.rules ?? {};
    expect(Object.keys(strictRules).sort()).toEqual([...ruleIds].sort());
    for (const entry of Object.values(strictRules)) {
      expect(Array.isArray(entry) ? entry[0] : entry).toBe('error');
    }
  });

  it('recommended-type-checked is recommended plus the project service', () => {
    const typeChecked = plugin.configs['recommended-type-checked'];
    expect(typeChecked.rules).toEqual(plugin.configs.recommended.rules);
    expect(typeChecked.languageOptions?.parserOptions).toEqual({ projectService: true });
  });

  it('strict options are accepted by each rule schema', () => {
    const linter = new Linter();
    const messages = linter.verify('export const answer = 42;\n', [
      { files: ['**/*.ts'], languageOptions: { parser } },
      plugin.configs.strict,
    ], { filename: 'strict.ts' });
    expect(messages).toEqual([]);
  });

  it('can be combined with an explicit plugins entry for the same object', () => {
    const linter = new Linter();
    const run = (): Linter.LintMessage[] =>
      linter.verify('export const answer = 42;\n', [
        { files: ['**/*.ts'], languageOptions: { parser }, plugins: { arena: plugin } },
        plugin.configs.recommended,
      ], { filename: 'both.ts' });
    expect(run).not.toThrow();
    expect(run()).toEqual([]);
  });
});

describe('planted example (npm run demo)', () => {
  it('each registered rule finds exactly its one planted bug', () => {
    const findings = lintPlanted();
    const perRule = new Map<string, number>();
    for (const finding of findings) perRule.set(finding.ruleId, (perRule.get(finding.ruleId) ?? 0) + 1);
    for (const name of Object.keys(rules)) expect.soft(perRule.get(`arena/${name}`), name).toBe(1);
    expect(findings.every((finding) => finding.ruleId.startsWith('arena/'))).toBe(true);
  });

  it('prints every finding with its source line', () => {
    const lines: string[] = [];
    const findings = lintDemo((text) => lines.push(text));
    const output = lines.join('\n');
    for (const finding of findings) {
      expect(output).toContain(finding.ruleId);
      expect(output).toContain(finding.source.trim());
    }
    expect(output).toContain('(eslint --fix)');
  });
});
