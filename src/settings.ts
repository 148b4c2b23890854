// Reads and validates `settings.arena` (see docs/settings.md) into resolved allocator descriptions.
// Invalid settings throw with a message naming the setting, because a silently ignored allocator
// description would turn every rule off for that code without anyone noticing.

import { BUILTIN_DESCRIPTIONS, RUNTIME_DESCRIPTIONS, RUNTIME_MODULES } from './builtin-allocators.js';
import type {
  AcquisitionKind,
  AllocatorDescription,
  DescriptionMethods,
  ModuleSpecifier,
  OwnerSource,
  TypeSpecifier,
} from './descriptions.js';
import { globToRegExp } from './module-resolution.js';

// Defined with the runtime's descriptions, which need them when that module loads (settings.ts
// importing them from there, not the reverse, keeps the two modules free of an import cycle).
export { RUNTIME_MODULE, RUNTIME_PACKAGE } from './builtin-allocators.js';

/** The kinds of owner the rules distinguish in their messages and runtime-specific checks. */
export type OwnerKind = 'arena' | 'pool' | 'objectPool';

export type MethodRole = keyof DescriptionMethods;
export const METHOD_ROLES: readonly MethodRole[] = ['acquire', 'acquireSelf', 'release', 'releaseSelf', 'access', 'reset', 'destroy'];

/** A description's method names by role, as sets. */
export type ResolvedMethods = { readonly [role in MethodRole]: ReadonlySet<string> };

/** Which imports a description's module is: package names (and their subpaths), globs, exact specifiers. */
export interface ResolvedModule {
  readonly packages: readonly string[];
  readonly paths: readonly string[];
  /** Import specifiers matched as written (only `settings.arena.modules`, for the runtime). */
  readonly exact: readonly string[];
}

/** A validated description with every default filled in. */
export interface ResolvedDescription {
  readonly name: string;
  readonly module: ResolvedModule;
  readonly owners: readonly OwnerSource[];
  readonly acquisition: AcquisitionKind;
  readonly methods: ResolvedMethods;
  readonly mustRelease: boolean;
  readonly mustDestroy: boolean;
  readonly tags: boolean;
  /** How rule messages name its owners, and which runtime-specific checks apply ('pool' unless the runtime's). */
  readonly kind: OwnerKind;
  /** `runtime`: this project's runtime; `builtin`: a built-in library description; `settings`: the user's. */
  readonly origin: 'runtime' | 'builtin' | 'settings';
  /** Where it was written (`settings.arena.allocators[2]`), or null for built-ins. */
  readonly settingsPath: string | null;
  /** The description in the public format (a translated older entry in its new form). */
  readonly source: AllocatorDescription;
}

export interface ArenaSettings {
  /** Import specifiers that are the runtime, matched exactly; always contains {@link RUNTIME_MODULE} and {@link RUNTIME_PACKAGE}. */
  readonly modules: readonly string[];
  /** Every active description: the user's first (they win over a built-in for the same export), then the built-ins, then the runtime's. */
  readonly descriptions: readonly ResolvedDescription[];
  readonly debug: boolean;
  /**
   * `settings.arena.usingDeclarations`: whether `using` declarations compile in the project (its
   * `lib` has `Disposable`), so that `const` -> `using` may be an autofix; null when not said
   * (then type information decides, and without it the rewrite is only a suggestion).
   */
  readonly usingDeclarations: boolean | null;
}

/** Thrown for malformed `settings.arena`; the message names the setting that is wrong. */
export class ArenaSettingsError extends Error {
  /** The setting at fault, e.g. `settings.arena.allocators[0].module`. */
  readonly setting: string;
  constructor(setting: string, problem: string) {
    // ESLint prefixes errors thrown while a rule starts with that rule's name; every rule reads
    // these settings, so the message says where the fault is.
    super(`eslint-plugin-arena: invalid settings (read by every arena rule, none of them is at fault): ${setting} ${problem}`);
    this.name = 'ArenaSettingsError';
    this.setting = setting;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value in plain words: `undefined`, `the string "x"`, `the number 3`, `an object`, `an array`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  switch (typeof value) {
    case 'string':
      return value.length === 0 ? 'an empty string' : `the string ${JSON.stringify(value)}`;
    case 'number':
    case 'bigint':
      return `the number ${String(value)}`;
    case 'boolean':
      return String(value);
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default:
      return 'an object';
  }
}

function mustBe(setting: string, expected: string, value: unknown): ArenaSettingsError {
  return new ArenaSettingsError(setting, `must be ${expected}; got ${describeValue(value)}`);
}

function checkKeys(value: Record<string, unknown>, known: readonly string[], setting: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new ArenaSettingsError(`${setting}.${key}`, `is not a known key (known keys: ${known.join(', ')})`);
    }
  }
}

function readName(value: unknown, setting: string): string {
  if (typeof value !== 'string' || value.length === 0) throw mustBe(setting, 'a non-empty string', value);
  return value;
}

function readStringList(value: unknown, setting: string): string[] {
  if (!Array.isArray(value)) throw mustBe(setting, 'an array of non-empty strings', value);
  return value.map((item: unknown, index) => readName(item, `${setting}[${index}]`));
}

/** A name or a list of names (`TypeSpecifier.name`, `module.path`). */
function readNames(value: unknown, setting: string, expected: string): string[] {
  if (typeof value === 'string' && value.length > 0) return [value];
  if (Array.isArray(value) && value.length > 0) return value.map((item: unknown, index) => readName(item, `${setting}[${index}]`));
  throw mustBe(setting, expected, value);
}

function readBoolean(value: unknown, setting: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw mustBe(setting, 'true or false', value);
  return value;
}

/** A glob that {@link globToRegExp} can read; checked here so that a bad one is a settings error, not a crash while linting. */
function readGlob(value: unknown, setting: string): string {
  const glob = readName(value, setting);
  try {
    globToRegExp(glob);
  } catch (error) {
    throw new ArenaSettingsError(setting, `is not a glob: ${(error as Error).message}`);
  }
  return glob;
}

const MODULE_EXPECTED = 'a package name, a list of package names, or { path: <glob> }';

function readModule(value: unknown, setting: string): ResolvedModule {
  if (typeof value === 'string' && value.length > 0) return { packages: [checkPackageName(value, setting)], paths: [], exact: [] };
  if (Array.isArray(value) && value.length > 0) {
    return {
      packages: value.map((item: unknown, index) => checkPackageName(readName(item, `${setting}[${index}]`), `${setting}[${index}]`)),
      paths: [],
      exact: [],
    };
  }
  if (isPlainObject(value) && 'path' in value) {
    checkKeys(value, ['path'], setting);
    const paths = readNames(value['path'], `${setting}.path`, 'a glob or a list of globs');
    const single = typeof value['path'] === 'string';
    paths.forEach((glob, index) => readGlob(glob, single ? `${setting}.path` : `${setting}.path[${index}]`));
    return { packages: [], paths, exact: [] };
  }
  throw mustBe(setting, MODULE_EXPECTED, value);
}

function checkPackageName(name: string, setting: string): string {
  if (name.startsWith('.') || name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) || /[*?{}]/.test(name)) {
    throw new ArenaSettingsError(
      setting,
      `must be a package name, but ${JSON.stringify(name)} is a path or a glob: write { path: ${JSON.stringify(name)} } (a glob relative to the ESLint working directory) instead`,
    );
  }
  return name;
}

const TYPE_FROM = ['package', 'file', 'lib'] as const;

function readTypeSpecifier(value: unknown, setting: string): TypeSpecifier {
  if (!isPlainObject(value)) throw mustBe(setting, "{ from: 'package', package, name }, { from: 'file', path?, name } or { from: 'lib', name }", value);
  const from = value['from'];
  const name = readNames(value['name'], `${setting}.name`, 'a type name or a list of type names');
  switch (from) {
    case 'package':
      checkKeys(value, ['from', 'package', 'name'], setting);
      return { from, package: readName(value['package'], `${setting}.package`), name };
    case 'file': {
      checkKeys(value, ['from', 'path', 'name'], setting);
      const path = value['path'];
      return path === undefined ? { from, name } : { from, path: readGlob(path, `${setting}.path`), name };
    }
    case 'lib':
      checkKeys(value, ['from', 'name'], setting);
      return { from, name };
    default:
      throw mustBe(`${setting}.from`, `one of ${TYPE_FROM.map((item) => `'${item}'`).join(', ')}`, from);
  }
}

const OWNER_FROM = ['call', 'new', 'instance', 'scoped', 'type'] as const;

function readOwnerSource(value: unknown, setting: string): OwnerSource {
  if (!isPlainObject(value)) throw mustBe(setting, "an owner source such as { from: 'new', name: 'Pool' }", value);
  const from = value['from'];
  switch (from) {
    case 'call':
    case 'new':
    case 'instance':
    case 'scoped':
      checkKeys(value, ['from', 'name'], setting);
      return { from, name: readName(value['name'], `${setting}.name`) };
    case 'type':
      checkKeys(value, ['from', 'type'], setting);
      return { from, type: readTypeSpecifier(value['type'], `${setting}.type`) };
    default:
      throw mustBe(`${setting}.from`, `one of ${OWNER_FROM.map((item) => `'${item}'`).join(', ')}`, from);
  }
}

const ACQUISITIONS: readonly AcquisitionKind[] = ['handle', 'address', 'object'];
const DESCRIPTION_KEYS = ['name', 'module', 'owners', 'acquisition', 'methods', 'mustRelease', 'mustDestroy', 'tags'];

function resolveMethods(methods: DescriptionMethods | undefined): ResolvedMethods {
  return {
    acquire: new Set(methods?.acquire ?? []),
    acquireSelf: new Set(methods?.acquireSelf ?? []),
    release: new Set(methods?.release ?? []),
    releaseSelf: new Set(methods?.releaseSelf ?? []),
    access: new Set(methods?.access ?? []),
    reset: new Set(methods?.reset ?? []),
    destroy: new Set(methods?.destroy ?? []),
  };
}

/** Validates one description in the public format. */
function readDescription(value: Record<string, unknown>, setting: string): AllocatorDescription {
  checkKeys(value, DESCRIPTION_KEYS, setting);
  const name = readName(value['name'], `${setting}.name`);
  const moduleValue = value['module'];
  readModule(moduleValue, `${setting}.module`);
  const rawOwners = value['owners'];
  if (!Array.isArray(rawOwners) || rawOwners.length === 0) {
    throw mustBe(`${setting}.owners`, "a non-empty array of owner sources (e.g. [{ from: 'new', name: 'Pool' }])", rawOwners);
  }
  const owners = rawOwners.map((owner: unknown, index) => readOwnerSource(owner, `${setting}.owners[${index}]`));
  const acquisition = value['acquisition'] ?? 'handle';
  if (!ACQUISITIONS.includes(acquisition as AcquisitionKind)) {
    throw mustBe(`${setting}.acquisition`, "'handle', 'address' or 'object'", value['acquisition']);
  }
  const rawMethods = value['methods'];
  const methods: Record<string, readonly string[]> = {};
  if (rawMethods !== undefined) {
    if (!isPlainObject(rawMethods)) throw mustBe(`${setting}.methods`, `an object with any of the keys ${METHOD_ROLES.join(', ')}`, rawMethods);
    checkKeys(rawMethods, METHOD_ROLES, `${setting}.methods`);
    for (const role of METHOD_ROLES) {
      if (rawMethods[role] !== undefined) methods[role] = readStringList(rawMethods[role], `${setting}.methods.${role}`);
    }
  }
  const description: AllocatorDescription = {
    name,
    module: moduleValue as ModuleSpecifier,
    owners,
    acquisition: acquisition as AcquisitionKind,
    methods,
    mustRelease: readBoolean(value['mustRelease'], `${setting}.mustRelease`, false),
    mustDestroy: readBoolean(value['mustDestroy'], `${setting}.mustDestroy`, (methods['destroy'] ?? []).length > 0),
    tags: readBoolean(value['tags'], `${setting}.tags`, false),
  };
  if (description.tags) {
    // Memory tags (`MemTag`) and the signatures that take them are this runtime's alone.
    throw new ArenaSettingsError(
      `${setting}.tags`,
      "must be false: memory tags exist only in this project's runtime (import it from 'eslint-plugin-arena/runtime' or 'arena-runtime', or name a re-export in settings.arena.modules)",
    );
  }
  return description;
}

// --- the older form: { module, createArena, createPool, createObjectPool, scoped, alloc, free, reset, destroy }

const LEGACY_LIST_KEYS = ['createArena', 'createPool', 'createObjectPool', 'scoped', 'alloc', 'free', 'reset', 'destroy'] as const;
const LEGACY_KEYS: readonly string[] = ['module', ...LEGACY_LIST_KEYS];

/** This runtime's method names, which the older form extended. */
const RUNTIME_METHOD_DEFAULTS = { alloc: ['alloc', 'allocAligned'], free: ['free'], reset: ['reset'], destroy: ['destroy'] } as const;

/** Translates an entry of the older form into descriptions (one per owner kind it declares). */
function translateLegacy(value: Record<string, unknown>, setting: string): Array<{ description: AllocatorDescription; kind: OwnerKind }> {
  checkKeys(value, LEGACY_KEYS, setting);
  const module = value['module'];
  readModule(module, `${setting}.module`);
  const lists = {} as Record<(typeof LEGACY_LIST_KEYS)[number], string[]>;
  for (const key of LEGACY_LIST_KEYS) lists[key] = value[key] === undefined ? [] : readStringList(value[key], `${setting}.${key}`);
  const merged = (role: keyof typeof RUNTIME_METHOD_DEFAULTS): string[] => [...new Set([...RUNTIME_METHOD_DEFAULTS[role], ...lists[role]])];
  const base = (kind: OwnerKind, owners: OwnerSource[]): { description: AllocatorDescription; kind: OwnerKind } => ({
    kind,
    description: {
      name: `${String(module)} (${kind === 'objectPool' ? 'object pool' : kind})`,
      module: module as string,
      owners,
      acquisition: 'handle',
      methods: {
        acquire: merged('alloc'),
        release: merged('free'),
        access: kind === 'objectPool' ? ['get'] : ['bytes'],
        ...(kind === 'arena' ? { reset: merged('reset') } : {}),
        destroy: merged('destroy'),
      },
      mustRelease: false,
      mustDestroy: true,
      tags: false,
    },
  });
  const translated: Array<{ description: AllocatorDescription; kind: OwnerKind }> = [];
  const arenaOwners: OwnerSource[] = [
    ...lists.createArena.map((name): OwnerSource => ({ from: 'call', name })),
    ...lists.scoped.map((name): OwnerSource => ({ from: 'scoped', name })),
  ];
  if (arenaOwners.length > 0) translated.push(base('arena', arenaOwners));
  if (lists.createPool.length > 0) translated.push(base('pool', lists.createPool.map((name) => ({ from: 'call', name }))));
  if (lists.createObjectPool.length > 0) {
    translated.push(base('objectPool', lists.createObjectPool.map((name) => ({ from: 'call', name }))));
  }
  if (translated.length === 0) {
    throw new ArenaSettingsError(
      setting,
      "declares no owners: describe where they come from with owners: [{ from: 'call' | 'new' | 'instance' | 'scoped' | 'type', ... }] (see docs/settings.md), or, in the older form, list createArena / createPool / createObjectPool / scoped functions",
    );
  }
  return translated;
}

/** Resolves a description already validated (or built in) with its defaults. */
export function resolveDescription(
  description: AllocatorDescription,
  origin: ResolvedDescription['origin'],
  settingsPath: string | null,
  kind: OwnerKind = 'pool',
  extraExact: readonly string[] = [],
): ResolvedDescription {
  const module = readModule(description.module, `${settingsPath ?? `built-in ${description.name}`}.module`);
  return {
    name: description.name,
    module: { ...module, exact: extraExact },
    owners: description.owners,
    acquisition: description.acquisition ?? 'handle',
    methods: resolveMethods(description.methods),
    mustRelease: description.mustRelease ?? false,
    mustDestroy: description.mustDestroy ?? (description.methods?.destroy ?? []).length > 0,
    tags: description.tags ?? false,
    kind,
    origin,
    settingsPath,
    source: description,
  };
}

function readAllocatorEntry(value: unknown, index: number): ResolvedDescription[] {
  const setting = `settings.arena.allocators[${index}]`;
  if (!isPlainObject(value)) throw mustBe(setting, 'an allocator description (an object with name, module and owners)', value);
  const legacyKeys = LEGACY_LIST_KEYS.filter((key) => key in value);
  // `module` belongs to both forms.
  const newKeys = DESCRIPTION_KEYS.filter((key) => key !== 'module' && key in value);
  if (legacyKeys.length > 0 && newKeys.length > 0) {
    throw new ArenaSettingsError(
      setting,
      `mixes the older form's keys (${legacyKeys.join(', ')}) with the description keys (${newKeys.join(', ')}); write it as { name, module, owners: [{ from: 'call', name: 'makeRegion' }], methods: { acquire: [...], release: [...], reset: [...], destroy: [...] } } (see docs/settings.md)`,
    );
  }
  if (newKeys.length === 0) {
    return translateLegacy(value, setting).map(({ description, kind }) => resolveDescription(description, 'settings', setting, kind));
  }
  return [resolveDescription(readDescription(value, setting), 'settings', setting)];
}

const SETTINGS_KEYS = ['modules', 'allocators', 'builtins', 'debug', 'usingDeclarations'];

function readBuiltins(value: unknown): readonly AllocatorDescription[] {
  if (value === undefined || value === true) return BUILTIN_DESCRIPTIONS;
  if (value === false) return [];
  const known = BUILTIN_DESCRIPTIONS.map((description) => description.name);
  const names = readStringList(value, 'settings.arena.builtins');
  names.forEach((name, index) => {
    if (!known.includes(name)) {
      throw new ArenaSettingsError(`settings.arena.builtins[${index}]`, `names no built-in description (built in: ${known.join(', ')}); got the string ${JSON.stringify(name)}`);
    }
  });
  return BUILTIN_DESCRIPTIONS.filter((description) => names.includes(description.name));
}

/** Validates raw `settings.arena` (anything a config may hold) into {@link ArenaSettings}. */
export function parseArenaSettings(raw: unknown): ArenaSettings {
  if (raw !== undefined && raw !== null && !isPlainObject(raw)) throw mustBe('settings.arena', 'an object', raw);
  const input = (raw ?? {});
  checkKeys(input, SETTINGS_KEYS, 'settings.arena');
  const extraModules = input['modules'] === undefined ? [] : readStringList(input['modules'], 'settings.arena.modules');
  const rawAllocators = input['allocators'];
  if (rawAllocators !== undefined && !Array.isArray(rawAllocators)) {
    throw mustBe('settings.arena.allocators', 'an array of allocator descriptions', rawAllocators);
  }
  const user = (rawAllocators ?? []).flatMap((entry: unknown, index) => readAllocatorEntry(entry, index));
  const builtins = readBuiltins(input['builtins']).map((description) => resolveDescription(description, 'builtin', null));
  const modules = [...new Set([...RUNTIME_MODULES, ...extraModules])];
  const runtime = RUNTIME_DESCRIPTIONS.map(({ description, kind }) =>
    resolveDescription(description, 'runtime', null, kind, extraModules),
  );
  const usingDeclarations =
    input['usingDeclarations'] === undefined ? null : readBoolean(input['usingDeclarations'], 'settings.arena.usingDeclarations', false);
  return {
    modules,
    descriptions: [...user, ...builtins, ...runtime],
    debug: readBoolean(input['debug'], 'settings.arena.debug', false),
    usingDeclarations,
  };
}

const parsedSettings = new WeakMap<object, ArenaSettings>();
let defaultSettings: ArenaSettings | undefined;

/** `settings.arena` of a rule context, validated once per settings object. */
export function getArenaSettings(context: { readonly settings: Readonly<Record<string, unknown>> }): ArenaSettings {
  const settings = context.settings as Record<string, unknown> | undefined;
  const raw = settings?.['arena'];
  // One object for "no settings", so that per-file caches keyed on the settings (the allocator
  // API) are shared by all rules of a file rather than rebuilt by each.
  if (raw === undefined || raw === null) return (defaultSettings ??= parseArenaSettings(raw));
  if (!isPlainObject(raw)) return parseArenaSettings(raw);
  const cached = parsedSettings.get(raw);
  if (cached) return cached;
  const parsed = parseArenaSettings(raw);
  parsedSettings.set(raw, parsed);
  return parsed;
}
