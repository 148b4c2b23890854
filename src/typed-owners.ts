// Type-aware owner recognition, used only when the parser provides a TypeScript program
// (`parserOptions.projectService`, as in `configs['recommended-type-checked']`). Syntactically an
// owner must come from a creation, a withArena callback, a field or an annotated parameter; with
// types, any `const` or parameter whose type a description names in a `{ from: 'type' }` owner
// source is one too (`const arena = ctx.arena`, `const pool = getPool()`).
//
// Types are recognised by their declaration, the way typescript-eslint's TypeOrValueSpecifier
// does: `{ from: 'package' }` means declared inside that package (wherever TypeScript resolves it
// from the linted file: node_modules, a workspace, tsconfig `paths`), `{ from: 'file' }` in a
// project file matching a glob, `{ from: 'lib' }` in TypeScript's lib files. Never by a file-name
// suffix: a look-alike interface of the same name declared elsewhere is not an owner.
//
// `typescript` is loaded (by module-resolution's loadTypeScript) only when a program exists (it is
// then installed: the parser needs it); other modules import its types alone.

import { dirname, sep } from 'node:path';

import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';

import type { TypeSpecifier } from './descriptions.js';
import { loadTypeScript, matchesGlob } from './module-resolution.js';
import { getArenaSettings, type ArenaSettings, type ResolvedDescription } from './settings.js';

/** The description whose owner type a value's static type is, or null (also for unions of different ones). */
export type TypeOwnerLookup = (identifier: TSESTree.Identifier) => ResolvedDescription | null;

type TypeScriptModule = typeof ts;

function names(specifier: TypeSpecifier): readonly string[] {
  return typeof specifier.name === 'string' ? [specifier.name] : specifier.name;
}

/** `@scope/name` -> `scope__name`, the `@types` package name of a scoped package. */
function typesPackageName(pkg: string): string {
  return pkg.startsWith('@') ? pkg.slice(1).replace('/', '__') : pkg;
}

/**
 * Answers "is this declaration file part of package P, as seen from the linted file?", with the
 * package's directory resolved once per (directory, package).
 */
class PackageLocator {
  private readonly roots = new Map<string, string | null>();

  constructor(
    private readonly program: ts.Program,
    private readonly ts: TypeScriptModule | null,
  ) {}

  /** The directory holding package `pkg` as resolved from `fromFile`, when it is not under node_modules. */
  private rootOf(pkg: string, fromFile: string): string | null {
    const key = `${dirname(fromFile)}\0${pkg}`;
    const cached = this.roots.get(key);
    if (cached !== undefined) return cached;
    let root: string | null = null;
    if (this.ts) {
      const resolved = this.ts.resolveModuleName(pkg, fromFile, this.program.getCompilerOptions(), this.ts.sys).resolvedModule;
      if (resolved && !resolved.resolvedFileName.includes('/node_modules/')) root = dirname(resolved.resolvedFileName);
    }
    this.roots.set(key, root);
    return root;
  }

  contains(pkg: string, declarationFile: string, fromFile: string): boolean {
    const file = declarationFile.split(sep).join('/');
    if (file.includes(`/node_modules/${pkg}/`) || file.includes(`/node_modules/@types/${typesPackageName(pkg)}/`)) return true;
    const root = this.rootOf(pkg, fromFile);
    return root !== null && file.startsWith(`${root.split(sep).join('/')}/`);
  }
}

function declaredBy(
  specifier: TypeSpecifier,
  declarations: readonly ts.Declaration[],
  program: ts.Program,
  locator: PackageLocator,
  fromFile: string,
  cwd: string,
): boolean {
  return declarations.some((declaration) => {
    const sourceFile = declaration.getSourceFile();
    switch (specifier.from) {
      case 'package':
        return locator.contains(specifier.package, sourceFile.fileName, fromFile);
      case 'lib':
        return program.isSourceFileDefaultLibrary(sourceFile);
      case 'file':
        if (sourceFile.fileName.includes('/node_modules/') || program.isSourceFileDefaultLibrary(sourceFile)) return false;
        return specifier.path === undefined || matchesGlob(sourceFile.fileName, specifier.path, cwd);
    }
  });
}

/** One per program: package directories are resolved once per importing directory and package. */
const locators = new WeakMap<ts.Program, PackageLocator>();

interface TypeSource {
  readonly specifier: TypeSpecifier;
  readonly description: ResolvedDescription;
}

function descriptionOfType(
  type: ts.Type,
  byName: ReadonlyMap<string, readonly TypeSource[]>,
  matches: (source: TypeSource, declarations: readonly ts.Declaration[]) => boolean,
): ResolvedDescription | null {
  const parts = type.isUnion() ? type.types : [type];
  let found: ResolvedDescription | null = null;
  for (const part of parts) {
    const symbol = part.aliasSymbol ?? part.getSymbol();
    // `null` / `undefined` members of `Pool | null` have no symbol.
    if (!symbol) continue;
    // The class itself (`typeof Pool`, e.g. an imported constructor) carries the class's symbol
    // too, but it makes owners rather than being one.
    if (part.getConstructSignatures().length > 0) return null;
    const sources = byName.get(symbol.getName());
    const declarations = symbol.getDeclarations() ?? [];
    const source = sources?.find((candidate) => matches(candidate, declarations));
    if (!source || (found !== null && found !== source.description)) return null;
    found = source.description;
  }
  return found;
}

const typeSourceCache = new WeakMap<ArenaSettings, ReadonlyMap<string, readonly TypeSource[]>>();

/**
 * Every description's owner types by type name, imported by the file or not: a value's type may
 * come from a module the file never names (`const pool = registry.get('db')`).
 */
function typeSourcesOf(settings: ArenaSettings): ReadonlyMap<string, readonly TypeSource[]> {
  const cached = typeSourceCache.get(settings);
  if (cached) return cached;
  const byName = new Map<string, TypeSource[]>();
  for (const description of settings.descriptions) {
    for (const owner of description.owners) {
      if (owner.from !== 'type') continue;
      for (const name of names(owner.type)) {
        const list = byName.get(name) ?? [];
        list.push({ specifier: owner.type, description });
        byName.set(name, list);
      }
    }
  }
  typeSourceCache.set(settings, byName);
  return byName;
}

/** A lookup backed by the type checker, or null when the file was parsed without type information. */
export function typeOwnerLookup(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): TypeOwnerLookup | null {
  const services = context.sourceCode.parserServices;
  const program = services?.program;
  const nodeMap = services?.esTreeNodeToTSNodeMap;
  if (!program || !nodeMap) return null;
  const byName = typeSourcesOf(getArenaSettings(context));
  if (byName.size === 0) return null;
  const checker = program.getTypeChecker();
  let locator = locators.get(program);
  if (!locator) locators.set(program, (locator = new PackageLocator(program, loadTypeScript())));
  const packages = locator;
  const fromFile = context.physicalFilename ?? context.filename;
  const matches = (source: TypeSource, declarations: readonly ts.Declaration[]): boolean =>
    declaredBy(source.specifier, declarations, program, packages, fromFile, context.cwd);
  return (identifier) => {
    const tsNode = nodeMap.get(identifier);
    return tsNode ? descriptionOfType(checker.getTypeAtLocation(tsNode), byName, matches) : null;
  };
}
