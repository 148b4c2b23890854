// The PixiJS recipe (docs/recipes/pixijs-source.json) on code written in PixiJS's style
// (test/fixtures/real-style/pixi, our own code, not PixiJS's): the planted bugs are all reported,
// the correct code is not, and bugs planted by scripts/lint-real-code.ts at every pool call site of
// the correct code are found. The same script lints the real PixiJS tree (docs/recipes/pixijs-source.md).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { lintTree, plantAndLint, plantsForFile, type PlantDescription, type RealFinding } from '../scripts/lint-real-code.js';

const fixtureRoot = fileURLToPath(new URL('./fixtures/real-style/pixi/', import.meta.url));
const recipe = JSON.parse(readFileSync(new URL('../docs/recipes/pixijs-source.json', import.meta.url), 'utf8')) as {
  allocators: PlantDescription[];
};

/** `file:line rule` for every `// expect: <rule>` marker of a fixture file. */
function expectedMarkers(file: string): string[] {
  const lines = readFileSync(`${fixtureRoot}${file}`, 'utf8').split('\n');
  const out: string[] = [];
  lines.forEach((line, index) => {
    const match = /\/\/ expect: ([\w-]+)/.exec(line);
    if (match) out.push(`${file}:${index + 1} arena/${match[1]}`);
  });
  return out;
}

const key = (f: RealFinding): string => `${f.file}:${f.line} ${f.ruleId}`;

describe('real-style PixiJS fixtures with the pixijs-source recipe', () => {
  it('reports exactly the planted bugs of planted/bugs.ts and nothing in the correct files', async () => {
    const { files, findings } = await lintTree(fixtureRoot, { settings: recipe });
    expect(files).toBeGreaterThanOrEqual(9);
    const expected = expectedMarkers('src/planted/bugs.ts');
    expect(expected).toHaveLength(6);
    expect(findings.map(key).sort()).toEqual(expected.sort());
  });

  it('without the recipe the same files give no finding (the pools are the project\'s own files)', async () => {
    const { findings } = await lintTree(fixtureRoot, {});
    expect(findings).toEqual([]);
  });

  it('finds every bug planted at the pool call sites of the correct files', async () => {
    const results = await plantAndLint(fixtureRoot, recipe.allocators, { settings: recipe, ignore: ['src/planted/**', 'src/utils/pool/**'] });
    // 12 release sites in measure.ts (8) and blur.ts (4), two plants each (use after release, double release).
    expect(results.length).toBe(24);
    const missed = results.filter((r) => !r.found).map((r) => `${r.plant.kind} ${r.plant.file}:${r.plant.line}`);
    expect(missed).toEqual([]);
    const rulesByKind = new Map<string, Set<string>>();
    for (const r of results) {
      for (const f of r.newFindings) rulesByKind.set(r.plant.kind, (rulesByKind.get(r.plant.kind) ?? new Set()).add(f.ruleId));
    }
    expect([...(rulesByKind.get('use-after-release') ?? [])]).toEqual(['arena/no-use-after-reset']);
    expect(rulesByKind.get('double-release')?.has('arena/no-mixed-ownership')).toBe(true);
  });
});

describe('the planter', () => {
  const pg: PlantDescription = {
    name: 'pg',
    owners: [{ from: 'new', name: 'Pool' }],
    methods: { acquire: ['connect'], releaseSelf: ['release'] },
    mustRelease: true,
  };
  const code = [
    "import { Pool } from 'pg';",
    'const pool = new Pool();',
    'export async function count() {',
    '  const client = await pool.connect();',
    '  try {',
    "    return await client.query('SELECT count(*) FROM t');",
    '  } finally {',
    '    client.release();',
    '  }',
    '}',
    '',
  ].join('\n');

  it('plants the four bug shapes of a must-release pool at a pg-style site', () => {
    const plants = plantsForFile('db.ts', code, [pg]);
    expect(plants.map((p) => `${p.kind}@${p.line}`).sort()).toEqual(
      ['call-before-try@4', 'double-release@8', 'missing-release@8', 'use-after-release@8'].sort(),
    );
    const before = plants.find((p) => p.kind === 'call-before-try');
    expect(before?.code.split('\n')[4]).toBe("  await client.query('SELECT 1');");
    const missing = plants.find((p) => p.kind === 'missing-release');
    expect(missing?.code).not.toContain('client.release()');
    const twice = plants.find((p) => p.kind === 'double-release');
    expect(twice?.code.match(/client\.release\(\);/g)).toHaveLength(2);
  });

  it('skips release calls on owners that are not the description\'s instances', () => {
    const pixi: PlantDescription = { name: 'p', owners: [{ from: 'instance', name: 'matrixPool' }], methods: { acquire: ['get'], release: ['return'] } };
    const source = 'const m = matrixPool.get();\nother.return(m);\nmatrixPool.return(m);\n';
    expect(plantsForFile('a.ts', source, [pixi]).map((p) => `${p.kind}@${p.line}`)).toEqual(['use-after-release@3', 'double-release@3']);
  });
});
