// The migrated example must be clean under the plugin's strictest config: every allocation tagged,
// no arena or view escaping its scope, nothing used after reset, no arena left undestroyed. The
// plugin is loaded from source, exactly as a user's eslint.config.js would load the package.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import parser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import plugin from '../../src/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

const strict: Linter.Config[] = [
  { files: ['**/*.ts'], languageOptions: { parser, sourceType: 'module' } },
  { ...plugin.configs.strict, files: ['**/*.ts'] },
];

async function lint(pattern: string): Promise<{ files: number; messages: string[] }> {
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: strict });
  const results = await eslint.lintFiles([pattern]);
  return {
    files: results.length,
    messages: results.flatMap((result) =>
      result.messages.map((message) => `${result.filePath.slice(root.length)}:${message.line}:${message.column} ${message.ruleId ?? 'parse'}: ${message.message}`),
    ),
  };
}

describe('examples/edge-graph under configs.strict', () => {
  it('arena/ has no findings at all (errors or warnings)', async () => {
    const { files, messages } = await lint('examples/edge-graph/arena/**/*.ts');
    expect(files).toBeGreaterThanOrEqual(4);
    expect(messages).toEqual([]);
  });

  // Guards against a vacuous pass (a parser or import-resolution change that makes the rules blind
  // to these files): undoing one migration step in the real source must be reported.
  it.each([
    ['decode.ts', 'parse.allocAligned(batchBytes(count), 8, MemTag.Parse)', 'parse.allocAligned(batchBytes(count), 8)', 'arena/require-alloc-tag'],
    ['load.ts', 'using parse = createArena', 'const parse = createArena', 'arena/no-leaked-arena'],
    ['graph.ts', 'this.traversal.alloc(this.nodeCount, MemTag.Temp)', 'this.traversal.alloc(this.nodeCount)', 'arena/require-alloc-tag'],
  ])('undoing a step in arena/%s is reported', async (file, from, to, ruleId) => {
    const path = `examples/edge-graph/arena/${file}`;
    const source = readFileSync(`${root}${path}`, 'utf8');
    expect(source).toContain(from);
    const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: strict });
    const [result] = await eslint.lintText(source.replace(from, to), { filePath: path });
    expect(result!.messages.map((message) => message.ruleId)).toEqual([ruleId]);
  });

  it('every strict rule is switched on, so a clean result means something', () => {
    const rules = Object.keys(plugin.rules).map((name) => `arena/${name}`);
    expect(rules.length).toBeGreaterThanOrEqual(5);
    for (const rule of rules) {
      const entry = plugin.configs.strict.rules?.[rule];
      expect(Array.isArray(entry) ? entry[0] : entry).toBe('error');
    }
  });
});
