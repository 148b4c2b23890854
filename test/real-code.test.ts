// Code written in the style of real code bases (test/fixtures/real-style/, our own code, not
// theirs): PixiJS's source with the recipe docs/recipes/pixijs-source.json, and a pg/generic-pool
// server with the built-in descriptions and no configuration. In each, the hand-planted bugs are
// all reported and the correct code is not, and the bugs scripts/lint-real-code.ts plants at every
// pool call site of the correct code are found. The same script lints the real trees
// (docs/recipes/pixijs-source.md, docs/recipes/pg-servers.md).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { explainTree, lintTree, plantAndLint, plantsForFile, type PlantDescription, type RealFinding } from '../scripts/lint-real-code.js';

const fixtureRoot = fileURLToPath(new URL('./fixtures/real-style/pixi/', import.meta.url));
const pgRoot = fileURLToPath(new URL('./fixtures/real-style/pg-server/', import.meta.url));
const pgAppRoot = fileURLToPath(new URL('./fixtures/real-style/pg-app/', import.meta.url));
const typeormRoot = fileURLToPath(new URL('./fixtures/real-style/typeorm-service/', import.meta.url));
const recipe = JSON.parse(readFileSync(new URL('../docs/recipes/pixijs-source.json', import.meta.url), 'utf8')) as {
  allocators: PlantDescription[];
};

/** `file:line rule` for every `// expect: <rule>` marker of a fixture file. */
function expectedMarkers(file: string, root = fixtureRoot): string[] {
  const lines = readFileSync(`${root}${file}`, 'utf8').split('\n');
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
    const { results, skipped } = await plantAndLint(fixtureRoot, recipe.allocators, { settings: recipe, ignore: ['src/planted/**', 'src/utils/pool/**'] });
    expect(skipped).toEqual([]);
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

describe('real-style pg / generic-pool server, built-in descriptions only', () => {
  it('reports exactly the planted bugs of planted/bugs.ts and nothing in the correct files', async () => {
    const { files, findings } = await lintTree(pgRoot);
    expect(files).toBe(3);
    const expected = expectedMarkers('src/planted/bugs.ts', pgRoot);
    expect(expected).toHaveLength(6);
    expect(findings.map(key).sort()).toEqual(expected.sort());
  });

  it('finds every bug planted at the acquisition and release sites of the correct files', async () => {
    const builtins = (await import('../src/builtin-allocators.js')).BUILTIN_DESCRIPTIONS as unknown as PlantDescription[];
    const { results, skipped } = await plantAndLint(pgRoot, builtins, { ignore: ['src/planted/**'] });
    expect(skipped).toEqual([]);
    const summary = (kind: string, name: string): string => {
      const of = results.filter((r) => r.plant.kind === kind && r.plant.description === name);
      return `${of.filter((r) => r.found).length}/${of.length}`;
    };
    // users.ts: 4 acquisitions, 5 releases; workers.ts: 2 acquisitions, 3 releases (2 release, 1 destroy).
    expect({
      pg: ['call-before-try', 'use-after-release', 'double-release', 'missing-release'].map((k) => summary(k, 'pg')),
      genericPool: ['call-before-try', 'use-after-release', 'double-release', 'missing-release'].map((k) => summary(k, 'generic-pool')),
    }).toEqual({ pg: ['4/4', '5/5', '5/5', '5/5'], genericPool: ['2/2', '3/3', '3/3', '3/3'] });
    const rules = (kind: string): string[] => [...new Set(results.filter((r) => r.plant.kind === kind).flatMap((r) => r.newFindings.map((f) => f.ruleId)))];
    expect(rules('call-before-try')).toEqual(['arena/no-leaked-arena']);
    expect(rules('missing-release')).toEqual(['arena/no-leaked-arena']);
    expect(rules('use-after-release')).toEqual(['arena/no-use-after-reset']);
    expect(rules('double-release')).toEqual(['arena/no-mixed-ownership']);
  });
});

describe('real-style server whose pool lives in its own module (docs/recipes/pg-servers.json)', () => {
  const appDb = JSON.parse(readFileSync(new URL('../docs/recipes/pg-servers.json', import.meta.url), 'utf8')) as unknown;

  it('zero config: pool.connect() on the imported pool is not recognised, and explain shows that', async () => {
    const { findings, paths } = await lintTree(pgAppRoot);
    expect(findings).toEqual([]);
    const explanation = await explainTree(pgAppRoot, paths);
    expect(explanation.files.map((f) => f.file)).toEqual(['src/db.ts']);
  });

  it('with the app-db description the planted leak is reported, the correct function is not', async () => {
    const { findings, paths } = await lintTree(pgAppRoot, { settings: appDb });
    expect(findings.map(key)).toEqual(expectedMarkers('src/orders.ts', pgAppRoot));
    const explanation = await explainTree(pgAppRoot, paths, { settings: appDb });
    const orders = explanation.files.find((f) => f.file === 'src/orders.ts');
    expect(orders?.sites.filter((site) => site.description === 'app-db').map((site) => site.role)).toEqual(
      expect.arrayContaining(['acquire', 'releaseSelf']),
    );
  });
});

describe('real-style NestJS + TypeORM service, built-in descriptions only', () => {
  it('reports the never-released and thrown-before-try query runners, not the correct one', async () => {
    const { findings } = await lintTree(typeormRoot);
    const expected = expectedMarkers('src/orders.service.ts', typeormRoot);
    expect(expected).toHaveLength(2);
    expect(findings.map(key).sort()).toEqual(expected.sort());
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
