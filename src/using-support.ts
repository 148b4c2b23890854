/**
 * Whether a `using` declaration compiles in the linted file: the autofix that turns `const` into
 * `using` must never break compilation, and with a `lib` that lacks `Disposable` (e.g.
 * `lib: ["es2022"]`) TypeScript rejects it (TS2318: cannot find global type 'Disposable').
 *
 * Known when `settings.arena.usingDeclarations` says so, or, with type information, when the
 * program's global scope has the `Disposable` type and `SymbolConstructor` has `dispose`.
 * Otherwise it is not known, and the rules offer the rewrite as a suggestion only.
 */


import type { TSESLint } from '@typescript-eslint/utils';
import type * as ts from 'typescript';

import { loadTypeScript } from './module-resolution.js';
import { getArenaSettings } from './settings.js';

const byProgram = new WeakMap<ts.Program, boolean>();

function programHasDisposable(program: ts.Program, fileName: string): boolean {
  const cached = byProgram.get(program);
  if (cached !== undefined) return cached;
  const api = loadTypeScript();
  let known = false;
  const file = program.getSourceFile(fileName);
  if (api && file) {
    const checker = program.getTypeChecker();
    const disposable = checker.resolveName('Disposable', file, api.SymbolFlags.Type, false);
    const symbolConstructor = checker.resolveName('SymbolConstructor', file, api.SymbolFlags.Type, false);
    const hasDispose = symbolConstructor ? checker.getDeclaredTypeOfSymbol(symbolConstructor).getProperty('dispose') !== undefined : false;
    known = disposable !== undefined && hasDispose;
  }
  byProgram.set(program, known);
  return known;
}

/** Whether `using` is known to compile in this file (see the module comment). */
export function usingDeclarationsCompile(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): boolean {
  const setting = getArenaSettings(context).usingDeclarations;
  if (setting !== null) return setting;
  const program = context.sourceCode.parserServices?.program;
  if (!program) return false;
  return programHasDisposable(program, context.physicalFilename ?? context.filename);
}
