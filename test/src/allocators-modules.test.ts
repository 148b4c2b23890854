// Module matching by what a module is: package names with subpaths, globs, and the files an
// import without extension may denote.
import { describe, expect, it } from 'vitest';

import { candidateFiles, globToRegExp, isPackageImport, matchesGlob, resolveImportPaths } from '../../src/module-resolution.js';

describe('isPackageImport', () => {
  it('matches the package and its subpaths, not packages that merely share a prefix', () => {
    expect(['pg', 'pg/lib/client', 'pg-pool', 'pgx', '@thi.ng/malloc', '@thi.ng/malloc/pool', '@thi.ng/mallocx'].map((s) => [s, isPackageImport(s, 'pg') || isPackageImport(s, '@thi.ng/malloc')])).toEqual([
      ['pg', true],
      ['pg/lib/client', true],
      ['pg-pool', false],
      ['pgx', false],
      ['@thi.ng/malloc', true],
      ['@thi.ng/malloc/pool', true],
      ['@thi.ng/mallocx', false],
    ]);
  });
});

describe('globs', () => {
  it.each([
    ['src/utils/pool/**', 'src/utils/pool/Pool.ts', true],
    ['src/utils/pool/**', 'src/utils/pool', true],
    ['src/utils/pool/**', 'src/utils/pool/deep/x/Pool.ts', true],
    ['src/utils/pool/**', 'src/utils/poolish/Pool.ts', false],
    ['src/**/pool/*.ts', 'src/a/b/pool/Pool.ts', true],
    ['src/**/pool/*.ts', 'src/pool/Pool.ts', true],
    ['src/**/pool/*.ts', 'src/pool/deep/Pool.ts', false],
    ['**/PoolGroup.{ts,js}', 'a/b/PoolGroup.js', true],
    ['**/PoolGroup.{ts,js}', 'a/b/PoolGroup.tsx', false],
    ['./src/Pool?.ts', 'src/Pool2.ts', true],
    ['src/*.ts', 'src/a/b.ts', false],
    ['src/a.ts', 'src/aXts', false],
  ])('%s against %s: %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });

  it('are relative to the working directory, or absolute', () => {
    expect(matchesGlob('/proj/src/pool/Pool.ts', 'src/pool/*', '/proj')).toBe(true);
    expect(matchesGlob('/other/src/pool/Pool.ts', 'src/pool/*', '/proj')).toBe(false);
    expect(matchesGlob('/elsewhere/db.ts', '**/db.ts', '/proj')).toBe(false);
    expect(matchesGlob('/shared/db.ts', '../shared/*.ts', '/proj')).toBe(true);
    expect(matchesGlob('/proj/src/pool/Pool.ts', '/proj/src/**', '/elsewhere')).toBe(true);
  });
});

describe('the files an import may denote', () => {
  it('adds source extensions and index files to a path without one, and the .ts source of a .js import', () => {
    expect(candidateFiles('/p/Pool')).toContain('/p/Pool.ts');
    expect(candidateFiles('/p/Pool')).toContain('/p/Pool/index.ts');
    expect(candidateFiles('/p/Pool.js')).toEqual(['/p/Pool.js', '/p/Pool.ts', '/p/Pool.tsx', '/p/Pool.d.ts']);
    expect(candidateFiles('/p/Pool.ts')).toEqual(['/p/Pool.ts']);
  });

  it('resolves relative specifiers from the importing file; bare ones only through tsconfig paths', () => {
    expect(resolveImportPaths('../pool/Pool', '/proj/src/scene/a.ts')).toEqual(['/proj/src/pool/Pool']);
    // No tsconfig above /nonexistent: a bare specifier denotes no project file.
    expect(resolveImportPaths('pg', '/nonexistent-dir-for-test/a.ts')).toEqual([]);
  });
});
