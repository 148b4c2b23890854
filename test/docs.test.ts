// Every registered rule has docs/rules/<name>.md whose header matches the rule's metadata and
// whose options section names every option; the README rules table is generated and current.
import { existsSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { REPO_ROOT, ruleDocPath, rulesTable, withRulesTable } from '../scripts/docs-rules.js';
import { rules } from '../src/rules.js';

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

describe.each(Object.entries(rules))('docs/rules/%s.md', (name, rule) => {
  const file = ruleDocPath(name);

  it('exists', () => {
    expect(existsSync(file), `missing ${file}`).toBe(true);
  });

  it('starts with the rule name and its exact meta.docs.description', () => {
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines[0]).toBe(`# arena/${name}`);
    expect(lines[1]).toBe('');
    expect(lines[2]).toBe(rule.meta.docs?.description);
  });

  it('has bad and good examples', () => {
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toMatch(/```(ts|js|typescript)/);
    expect(markdown).toMatch(/❌|Incorrect|Bad/);
    expect(markdown).toMatch(/✅|Correct|Good/);
  });

  it('documents every option of the schema in an Options section', () => {
    const section = optionsSection(readFileSync(file, 'utf8'));
    expect(section, 'no "## Options" section').not.toBeNull();
    for (const property of schemaProperties(rule.meta.schema)) {
      expect(section, `option ${property} not documented`).toContain(`\`${property}\``);
    }
  });
});

describe('README', () => {
  it('has the generated rules table (run `node dist/scripts/docs-rules.js` after changing rule meta)', () => {
    const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
    expect(readme).toContain(rulesTable());
    expect(withRulesTable(readme)).toBe(readme);
  });

  it('the table lists every rule with a link to its docs', () => {
    const table = rulesTable();
    for (const name of Object.keys(rules)) expect(table).toContain(`(docs/rules/${name}.md)`);
  });
});
