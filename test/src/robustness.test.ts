// Odd but valid code through the three lifetime rules at once: no internal error, ever.
import parser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import noArenaEscape from '../../rules/no-arena-escape.js';
import noMixedOwnership from '../../rules/no-mixed-ownership.js';
import noUseAfterReset from '../../rules/no-use-after-reset.js';

const RT = `import { createArena, createPool, createObjectPool, withArena, allocTagged, freeTagged, strView, slice, MemTag, type Arena } from 'eslint-plugin-arena/runtime';\nimport * as rt from 'eslint-plugin-arena/runtime';\n`;

const SNIPPETS: readonly string[] = [
  `const a = createArena(8, 'a'); const list = [a.alloc(1)]; let x; for ([x] of [list]) a.bytes(x); for ({ x } of [{ x: 1 }]) a.bytes(x);`,
  `const a = createArena(8, 'a'); let h = a.alloc(1); h ||= a.alloc(2); h ??= a.alloc(3); h++; h += 1; [h] = [a.alloc(4)]; ({ h } = { h: a.alloc(5) }); a.reset(); a.bytes(h);`,
  `const a = createArena(8, 'a'); const v = a?.bytes(a?.alloc(1)); v?.[0]; a?.reset(); v?.fill(0); (a.reset(), a.alloc(1));`,
  `withArena(8, 'w', undefined as never); withArena(8, 'w', (...args: Arena[]) => args[0]!.alloc(1)); withArena(8, 'w', ({ alloc }: Arena) => alloc(1));`,
  `withArena(8, 'outer', (o) => withArena(8, 'inner', (i) => { const h = o.alloc(1); return [h, i.alloc(1)]; }));`,
  `class K { static s = createArena(1, 's'); [Symbol.iterator] = createArena(1, 'computed'); #p = createPool(1, 1, 'p'); get x() { return this.#p.alloc(); } set x(v) { this.#p.free(v!); } static { K.s.reset(); } }`,
  `class K { a = createArena(1, 'a'); a2 = this.a; m() { const f = function (this: K) { return this.a.alloc(1); }; return f; } n = () => this.a.alloc(1); }`,
  `label: for (const n of [1]) { using a = createArena(n, 'l'); const h = a.alloc(1); if (n) continue label; a.destroy(); break label; }`,
  `async function* g() { await using a = createArena(1, 'g'); for await (const x of src()) yield a.bytes(a.alloc(x)); }`,
  `function f(this: unknown, a = createArena(1, 'default')) { const { length } = arguments; return a.alloc(length); }`,
  `const tag = (s: TemplateStringsArray, h: number) => h; const a = createArena(1, 'a'); tag\`\${a.alloc(1)}\`; new (a.alloc as never)(); delete (a as never)['x'];`,
  `export default withArena(1, 'd', (a) => a.alloc(1)); export const s = strView(new Uint8Array(1)); export const t = slice(new Uint8Array(2), 0, 1);`,
  `const p = createPool(1, 1, 'p'); const o = createObjectPool(() => ({}), 1, 'o'); const m = new Map(); m.set(p.alloc(), o.get(o.alloc()!)); p.free(m.keys().next().value); freeTagged(allocTagged(1, MemTag.Temp), MemTag.Temp);`,
  `const a = rt.createArena(1, 'ns'); switch (a.alloc(1)) { case 0: a.reset(); default: a.destroy(); } try { a.alloc(1); } catch ({ message }) { a.reset(); } finally { a.destroy(); }`,
  `let a: Arena | undefined; a = createArena(1, 'late'); const b = a; b.destroy(); a?.destroy(); const c = createArena(1, 'c') satisfies Arena; c!.destroy(); (c as Arena).destroy();`,
  `function f(a: Arena) { const views = a.bytes(a.alloc(1)).subarray(0); return () => views; } const sv = strView(createArena(1, 'x').bytes(0 as never));`,
  `withArena(1, 'w', async function named(a) { const h = a.alloc(1); setTimeout(function () { a.bytes(h); }); queueMicrotask(() => a.destroy()); return Promise.resolve(h).then((x) => x); });`,
  `for (using a of [createArena(1, 'x')]) { const h = a.alloc(1); a.destroy(); a.bytes(h); } do { const a = createArena(1, 'd'); a.destroy(); } while (false);`,
  `const a = createArena(1, 'a'); const hs = [a.alloc(1)]; hs.length = 0; hs.splice(0); a.reset(); [...hs]; hs.at(0); for (const h of hs) console.log(h); hs[0] = 1;`,
];

const linter = new Linter();
const config: Linter.Config[] = [
  {
    files: ['**/*.ts'],
    languageOptions: { parser, sourceType: 'module' },
    plugins: {
      arena: { rules: { 'no-arena-escape': noArenaEscape, 'no-mixed-ownership': noMixedOwnership, 'no-use-after-reset': noUseAfterReset } as never },
    },
    rules: { 'arena/no-arena-escape': 'error', 'arena/no-mixed-ownership': 'error', 'arena/no-use-after-reset': 'error' },
  },
];

describe('lifetime rules on odd code', () => {
  it.each(SNIPPETS.map((snippet, index) => [index, snippet] as const))('snippet %i: no internal error, fixes parse', (_index, snippet) => {
    const report = linter.verifyAndFix(RT + snippet, config, { filename: 'odd.ts' });
    expect(report.messages.filter((message) => message.fatal === true)).toEqual([]);
  });
});

describe('lifetime rules on plain JavaScript (espree and eslint-scope, no TypeScript parser)', () => {
  const javascript: Linter.Config[] = [{ ...config[0], files: ['**/*.js'], languageOptions: { sourceType: 'module', ecmaVersion: 'latest' } }];
  const lint = (code: string): string[] =>
    linter
      .verify(`import { createArena, createPool, withArena } from 'eslint-plugin-arena/runtime';\n${code}`, javascript, { filename: 'plain.js' })
      .map((message) => `${message.ruleId ?? 'fatal'}: ${message.message}`);

  it('reports the same bugs as with the TypeScript parser', () => {
    const messages = lint(`
      const a = createArena(64, 'a'); const h = a.alloc(8); a.reset(); a.bytes(h);
      const p = createPool(16, 4, 'p'); const q = createPool(16, 4, 'q'); const s = p.alloc(); q.free(s);
      export const leaked = withArena(64, 'w', (arena) => arena.alloc(8));
    `);
    expect(messages.map((message) => message.split(':')[0])).toEqual([
      'arena/no-use-after-reset',
      'arena/no-mixed-ownership',
      'arena/no-arena-escape',
    ]);
  });
});
