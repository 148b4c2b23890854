// What the plugin recognised, shown per file and per description (`explain`), on small projects
// written to a temporary directory.
import { describe, expect, it } from 'vitest';

import { main } from '../../src/explain-cli.js';
import { explainAllocators, formatExplanation } from '../../src/explain.js';
import { temporaryProjects } from './temp-project.js';

const project = temporaryProjects('arena-explain-');

const PG_FILE = `import { Pool } from 'pg';
const pool = new Pool();
export async function count(): Promise<number> {
  const client = await pool.connect();
  try {
    const result = await client.query('select 1');
    return result.rowCount;
  } finally {
    client.release();
  }
}
export const direct = () => pool.query('select 2');
`;

const LOOK_ALIKE = `class Pool { connect() { return { release() {} }; } }
export function f() { const pool = new Pool(); const client = pool.connect(); client.release(); }
`;

const SLAB = `export class Slab { take(): object { return {}; } giveBack(item: object): void { void item; } }
export const sharedSlab = new Slab();
`;

const SLAB_USER = `import { sharedSlab, Slab } from '../memory/slab';
export function run(): void {
  const local = new Slab();
  const item = sharedSlab.take();
  sharedSlab.giveBack(item);
  local.take();
}
`;

const slabDescription = {
  name: 'slab',
  module: { path: 'src/memory/slab/**' },
  owners: [
    { from: 'new', name: 'Slab' },
    { from: 'instance', name: 'sharedSlab' },
  ],
  acquisition: 'object',
  methods: { acquire: ['take'], release: ['giveBack'] },
};
const unused = { name: 'ghost', module: 'never-imported', owners: [{ from: 'new', name: 'Ghost' }] };

describe('explainAllocators', () => {
  it('lists, per file, the sites each description matched, and skips look-alikes', async () => {
    const root = project({ 'src/db.ts': PG_FILE, 'src/fake.ts': LOOK_ALIKE });
    const explanation = await explainAllocators(['src'], { cwd: root });
    expect(explanation.filesLinted).toBe(2);
    expect(explanation.files.map((file) => file.file)).toEqual(['src/db.ts']);
    const [db] = explanation.files;
    expect(db!.descriptions).toEqual(['pg']);
    expect(db!.sites.map((site) => [site.line, site.role, site.text])).toEqual([
      [1, 'import', "import { Pool } from 'pg';"],
      [2, 'owner', 'new Pool()'],
      [4, 'acquire', 'pool.connect()'],
      [9, 'releaseSelf', 'client.release()'],
      // pool.query() is described as nothing: a plain call on the owner.
      [12, 'call', "pool.query('select 2')"],
    ]);
    const pg = explanation.descriptions.find((description) => description.name === 'pg')!;
    expect(pg).toMatchObject({ origin: 'builtin', files: 1, sites: 4, status: 'matched' });
    expect(explanation.descriptions.find((description) => description.name === 'pixi.js')!.status).toBe('not-imported');
  });

  it('resolves a path module through relative imports, finds singletons and news, and names a description that matched nothing', async () => {
    const root = project({ 'src/memory/slab/index.ts': SLAB, 'src/game/run.ts': SLAB_USER });
    const explanation = await explainAllocators(['src'], { cwd: root, settings: { allocators: [slabDescription, unused] } });
    const run = explanation.files.find((file) => file.file === 'src/game/run.ts')!;
    expect(run.descriptions).toEqual(['slab']);
    expect(run.sites.filter((site) => site.role !== 'import').map((site) => [site.line, site.role, site.text])).toEqual([
      [1, 'owner', 'sharedSlab'],
      [3, 'owner', 'new Slab()'],
      [4, 'acquire', 'sharedSlab.take()'],
      [5, 'release', 'sharedSlab.giveBack(item)'],
      [6, 'acquire', 'local.take()'],
    ]);
    const ghost = explanation.descriptions.find((description) => description.name === 'ghost')!;
    expect(ghost).toMatchObject({ origin: 'settings', settingsPath: 'settings.arena.allocators[1]', status: 'not-imported', files: 0 });
    const text = formatExplanation(explanation);
    expect(text).toContain("ghost");
    expect(text).toMatch(/ghost +MATCHED NOTHING: no file looked at imports 'never-imported'/);
    expect(text).toMatch(/slab +5 call sites in 1 file/);
  });

  it('says when a module is imported but none of its owners appears', async () => {
    const root = project({ 'src/types.ts': `import type { PoolConfig } from 'pg';\nexport const config: PoolConfig = {};\n` });
    const explanation = await explainAllocators(['src'], { cwd: root });
    expect(explanation.descriptions.find((description) => description.name === 'pg')).toMatchObject({ status: 'imported-only', files: 1, sites: 0 });
    expect(formatExplanation(explanation)).toMatch(/pg +MATCHED NO CALL SITE: \['pg', 'pg-pool'\] is imported in 1 file, but none of its owners \(new Pool/);
  });

  it('shows a module loaded by any declarator of a declaration, not only the first', async () => {
    const root = project({ 'src/db.ts': `const retries = 3, pg = require('pg');\nexport const pool = new pg.Pool({ max: retries });\n` });
    const explanation = await explainAllocators(['src'], { cwd: root });
    const [db] = explanation.files;
    expect(db!.descriptions).toEqual(['pg']);
    expect(db!.sites.map((site) => [site.line, site.role])).toEqual([
      [1, 'import'],
      [2, 'owner'],
    ]);
  });
});

describe('eslint-plugin-arena explain (command line)', () => {
  it('prints JSON and exits 1 when a description of the user matched nothing', async () => {
    const root = project({ 'src/db.ts': PG_FILE, 'arena.json': JSON.stringify({ allocators: [unused] }) });
    let output = '';
    const code = await main(['explain', 'src', '--json', '--settings', 'arena.json', '--no-config'], (text) => (output += text), root);
    expect(code).toBe(1);
    const parsed = JSON.parse(output) as { files: Array<{ file: string }>; descriptions: Array<{ name: string; status: string }> };
    expect(parsed.files.map((file) => file.file)).toEqual(['src/db.ts']);
    expect(parsed.descriptions.find((description) => description.name === 'ghost')!.status).toBe('not-imported');
  });

  it('exits 0 when everything described matched, and 2 on a bad option', async () => {
    const root = project({ 'src/db.ts': PG_FILE });
    let output = '';
    expect(await main(['explain', 'src'], (text) => (output += text), root)).toBe(0);
    expect(output).toMatch(/^src\/db\.ts$/m);
    expect(await main(['explain', '--frobnicate'], () => undefined, root)).toBe(2);
    expect(await main(['lint'], () => undefined, root)).toBe(2);
  });
});
