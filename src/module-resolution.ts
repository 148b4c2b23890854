// Which module an import denotes, by what the module is rather than how the import spells it:
// a package (and its subpaths), or a file of the project reached through a relative path or
// tsconfig `paths`, matched against globs. No file system access beyond reading tsconfig files
// (cached per directory): an import without an extension is matched by the file names it may
// denote (`Pool` -> `Pool.ts`, `Pool/index.ts`...), so globs can name sources precisely.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

import type * as ts from 'typescript';

/** Whether `specifier` is `pkg` itself or one of its subpaths (`pg/lib/client` for `pg`). */
export function isPackageImport(specifier: string, pkg: string): boolean {
  return specifier === pkg || (specifier.length > pkg.length && specifier.startsWith(pkg) && specifier[pkg.length] === '/');
}

/** Whether a specifier is a path (relative or absolute) rather than a bare module name. */
export function isPathSpecifier(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..' || isAbsolute(specifier);
}

const globCache = new Map<string, RegExp>();

/**
 * A glob as a regular expression over `/`-separated paths: `**` any number of segments, `*` and `?`
 * within one segment, `{a,b}` alternatives. Our own small matcher: node:path's `matchesGlob` prints
 * an experimental warning on the Node versions we support.
 */
export function globToRegExp(glob: string): RegExp {
  const cached = globCache.get(glob);
  if (cached) return cached;
  let pattern = glob.replace(/\\/g, '/');
  if (pattern.startsWith('./')) pattern = pattern.slice(2);
  let source = '';
  let braces = 0;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === '*') {
      if (pattern[index + 1] === '*') {
        const atStart = index === 0 || pattern[index - 1] === '/';
        const next = pattern[index + 2];
        if (atStart && next === '/') {
          source += '(?:[^/]*/)*';
          index += 2;
        } else if (atStart && next === undefined) {
          source += '.*';
          index += 1;
        } else {
          source += '[^/]*';
          index += 1;
        }
      } else {
        source += '[^/]*';
      }
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '{') {
      braces++;
      source += '(?:';
    } else if (char === '}' && braces > 0) {
      braces--;
      source += ')';
    } else if (char === ',' && braces > 0) {
      source += '|';
    } else {
      source += char.replace(/[.+^$()|[\]\\]/g, '\\$&');
    }
  }
  // Said here rather than left to RegExp ("Unterminated group"), which would not name the glob.
  if (braces > 0) throw new SyntaxError(`the glob ${JSON.stringify(glob)} opens a { it does not close`);
  // `dir/**` also matches `dir` itself; a trailing `/**` was turned into `/.*` above.
  source = source.replace(/\/\.\*$/, '(?:/.*)?');
  const regExp = new RegExp(`^${source}$`);
  globCache.set(glob, regExp);
  return regExp;
}

/** Whether `path` (absolute, or relative to `cwd`) matches `glob` (relative to `cwd`, or absolute). */
export function matchesGlob(path: string, glob: string, cwd: string): boolean {
  const absolutePath = resolve(cwd, path);
  const target = isAbsolute(glob) ? absolutePath : relative(cwd, absolutePath);
  // A relative glob names files under the working directory, not above it (unless it says `../`).
  if (!isAbsolute(glob) && (target === '..' || target.startsWith(`..${sep}`)) && !glob.startsWith('..')) return false;
  return globToRegExp(isAbsolute(glob) ? glob.replace(/\\/g, '/') : glob).test(target.split(sep).join('/'));
}

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const JS_TO_TS: Readonly<Record<string, readonly string[]>> = {
  '.js': ['.ts', '.tsx', '.d.ts'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts', '.d.mts'],
  '.cjs': ['.cts', '.d.cts'],
};

/** The files an import resolved to `path` (without probing the disk) may denote. */
export function candidateFiles(path: string): string[] {
  const candidates = [path];
  const extension = /\.[cm]?jsx?$/.exec(path)?.[0];
  if (extension) {
    const stem = path.slice(0, -extension.length);
    for (const replacement of JS_TO_TS[extension] ?? []) candidates.push(stem + replacement);
    return candidates;
  }
  if (/\.(?:d\.)?[cm]?tsx?$/.test(path)) return candidates;
  for (const ext of SOURCE_EXTENSIONS) candidates.push(path + ext);
  for (const ext of SOURCE_EXTENSIONS) candidates.push(join(path, `index${ext}`));
  return candidates;
}

/** tsconfig `paths` of a directory's nearest tsconfig.json: patterns with the directory they are relative to. */
interface PathMapping {
  readonly base: string;
  readonly paths: ReadonlyArray<readonly [pattern: string, targets: readonly string[]]>;
}

const mappingByDirectory = new Map<string, PathMapping | null>();

let typescript: typeof ts | null | undefined;

/**
 * TypeScript itself, or null when it is not installed. Loaded on first need (a tsconfig to read, a
 * program to query), never at import: it is a peer of @typescript-eslint/parser, not of this plugin.
 */
export function loadTypeScript(): typeof ts | null {
  if (typescript === undefined) {
    try {
      typescript = createRequire(import.meta.url)('typescript') as typeof ts;
    } catch {
      typescript = null;
    }
  }
  return typescript;
}

function readMapping(configPath: string): PathMapping | null {
  const directory = dirname(configPath);
  const ts = loadTypeScript();
  if (ts) {
    const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
    if (read.error || read.config === undefined) return null;
    // No file enumeration: only the compiler options (with `extends` followed) are wanted.
    const host = { ...ts.sys, readDirectory: () => [], useCaseSensitiveFileNames: true };
    const { options } = ts.parseJsonConfigFileContent(read.config, host, directory);
    if (!options.paths) return null;
    // pathsBasePath: where TypeScript resolves `paths` without a baseUrl (the tsconfig that declared them, through `extends`).
    return { base: options.baseUrl ?? (options['pathsBasePath'] as string | undefined) ?? directory, paths: Object.entries(options.paths) };
  }
  // Without TypeScript: the file itself (comments and trailing commas allowed), `extends` not followed.
  try {
    const text = readFileSync(configPath, 'utf8')
      .replace(/\/\*[\s\S]*?\*\/|("(?:[^"\\]|\\.)*")|\/\/[^\n]*/g, (match, string: string | undefined) => string ?? '')
      .replace(/,(\s*[}\]])/g, '$1');
    const options = (JSON.parse(text) as { compilerOptions?: { paths?: Record<string, string[]>; baseUrl?: string } }).compilerOptions;
    if (!options?.paths) return null;
    return { base: resolve(directory, options.baseUrl ?? '.'), paths: Object.entries(options.paths) };
  } catch {
    return null;
  }
}

/** The `paths` of the tsconfig.json nearest to `directory` (cached per directory). */
function mappingFor(directory: string): PathMapping | null {
  const cached = mappingByDirectory.get(directory);
  if (cached !== undefined) return cached;
  const configPath = join(directory, 'tsconfig.json');
  let mapping: PathMapping | null;
  if (existsSync(configPath)) {
    mapping = readMapping(configPath);
  } else {
    const parent = dirname(directory);
    mapping = parent === directory || existsSync(join(directory, 'package.json')) ? null : mappingFor(parent);
  }
  mappingByDirectory.set(directory, mapping);
  return mapping;
}

/** Forgets cached tsconfig readings (tests that write tsconfig files). */
export function clearModuleResolutionCache(): void {
  mappingByDirectory.clear();
}

/**
 * The absolute paths an import may resolve to, before extension probing: a relative or absolute
 * path against the importing file, a bare specifier through tsconfig `paths`; empty otherwise.
 */
export function resolveImportPaths(specifier: string, importingFile: string): string[] {
  const directory = dirname(importingFile);
  if (isPathSpecifier(specifier)) return [resolve(directory, specifier)];
  const mapping = mappingFor(directory);
  if (!mapping) return [];
  // As TypeScript picks: an exact key wins, else the matching `*` pattern with the longest prefix
  // (`@/pool/*` before `@/*`). Only that pattern's targets count; all of them, since which one
  // exists is not probed.
  let best: { readonly targets: readonly string[]; readonly captured: string; readonly prefixLength: number } | null = null;
  for (const [pattern, targets] of mapping.paths) {
    const star = pattern.indexOf('*');
    if (star < 0) {
      if (pattern === specifier) {
        best = { targets, captured: '', prefixLength: Infinity };
        break;
      }
      continue;
    }
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (specifier.length >= prefix.length + suffix.length && specifier.startsWith(prefix) && specifier.endsWith(suffix) && (best === null || prefix.length > best.prefixLength)) {
      best = { targets, captured: specifier.slice(prefix.length, specifier.length - suffix.length), prefixLength: prefix.length };
    }
  }
  if (best === null) return [];
  const { targets, captured } = best;
  return targets.map((target) => resolve(mapping.base, target.replace('*', captured)));
}

/** Whether the import `specifier` of `importingFile` denotes a file matching one of `globs`. */
export function importMatchesGlobs(specifier: string, importingFile: string, globs: readonly string[], cwd: string): boolean {
  for (const path of resolveImportPaths(specifier, importingFile)) {
    for (const candidate of candidateFiles(path)) {
      for (const glob of globs) if (matchesGlob(candidate, glob, cwd)) return true;
    }
  }
  return false;
}
