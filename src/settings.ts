// Reads and validates `settings.arena` (see docs/settings.md). Invalid settings throw at rule
// creation with a message naming the offending key, because a silently ignored allocator
// declaration would turn every rule off for that code without anyone noticing.

/** The module every rule treats as the allocator runtime, whatever the settings say. */
export const RUNTIME_MODULE = 'eslint-plugin-arena/runtime';

/** Another allocator API a user teaches the rules (`settings.arena.allocators[i]`). */
export interface AllocatorDeclaration {
  /** Module specifier it is imported from, exactly as written in the import. */
  readonly module: string;
  /** Exported functions returning an arena-like owner (reset/destroy). */
  readonly createArena: readonly string[];
  /** Exported functions returning a pool-like owner (alloc/free/destroy). */
  readonly createPool: readonly string[];
  /** Exported functions returning an object-pool-like owner (alloc/get/free/destroy). */
  readonly createObjectPool: readonly string[];
  /** withArena-like exports: `(…, body(owner))`, the owner is destroyed once `body` returns. */
  readonly scoped: readonly string[];
  /** Method names that allocate a handle. */
  readonly alloc: readonly string[];
  readonly free: readonly string[];
  readonly reset: readonly string[];
  readonly destroy: readonly string[];
}

export interface ArenaSettings {
  /** Module specifiers that are "the runtime"; always contains {@link RUNTIME_MODULE}. */
  readonly modules: readonly string[];
  readonly allocators: readonly AllocatorDeclaration[];
}

const ALLOCATOR_LIST_KEYS = [
  'createArena',
  'createPool',
  'createObjectPool',
  'scoped',
  'alloc',
  'free',
  'reset',
  'destroy',
] as const;
type AllocatorListKey = (typeof ALLOCATOR_LIST_KEYS)[number];

const SETTINGS_KEYS = new Set(['modules', 'allocators']);
const ALLOCATOR_KEYS = new Set<string>(['module', ...ALLOCATOR_LIST_KEYS]);

/** Thrown for malformed `settings.arena`; the message names the key path that is wrong. */
export class ArenaSettingsError extends Error {
  constructor(path: string, problem: string) {
    super(`eslint-plugin-arena: invalid settings.arena${path}: ${problem}`);
    this.name = 'ArenaSettingsError';
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : `a ${typeof value}`;
}

function readStringList(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) {
    throw new ArenaSettingsError(path, `expected an array of non-empty strings, got ${describe(value)}`);
  }
  return value.map((item: unknown, index) => {
    if (typeof item !== 'string' || item.length === 0) {
      throw new ArenaSettingsError(`${path}[${index}]`, `expected a non-empty string, got ${describe(item)}`);
    }
    return item;
  });
}

function readAllocator(value: unknown, index: number): AllocatorDeclaration {
  const path = `.allocators[${index}]`;
  if (!isPlainObject(value)) {
    throw new ArenaSettingsError(path, `expected an object with a "module" key, got ${describe(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!ALLOCATOR_KEYS.has(key)) {
      throw new ArenaSettingsError(
        `${path}.${key}`,
        `unknown key (known keys: ${[...ALLOCATOR_KEYS].join(', ')})`,
      );
    }
  }
  const module = value['module'];
  if (typeof module !== 'string' || module.length === 0) {
    throw new ArenaSettingsError(`${path}.module`, `expected a non-empty module specifier, got ${describe(module)}`);
  }
  const lists = {} as Record<AllocatorListKey, readonly string[]>;
  for (const key of ALLOCATOR_LIST_KEYS) {
    const raw = value[key];
    lists[key] = raw === undefined ? [] : readStringList(raw, `${path}.${key}`);
  }
  return { module, ...lists };
}

/** Validates raw `settings.arena` (anything a config may hold) into {@link ArenaSettings}. */
export function parseArenaSettings(raw: unknown): ArenaSettings {
  if (raw === undefined || raw === null) return { modules: [RUNTIME_MODULE], allocators: [] };
  if (!isPlainObject(raw)) {
    throw new ArenaSettingsError('', `expected an object, got ${describe(raw)}`);
  }
  for (const key of Object.keys(raw)) {
    if (!SETTINGS_KEYS.has(key)) {
      throw new ArenaSettingsError(`.${key}`, `unknown key (known keys: ${[...SETTINGS_KEYS].join(', ')})`);
    }
  }
  const extraModules = raw['modules'] === undefined ? [] : readStringList(raw['modules'], '.modules');
  const rawAllocators = raw['allocators'];
  if (rawAllocators !== undefined && !Array.isArray(rawAllocators)) {
    throw new ArenaSettingsError('.allocators', `expected an array of allocator declarations, got ${describe(rawAllocators)}`);
  }
  const allocators = (rawAllocators ?? []).map((entry: unknown, index) => readAllocator(entry, index));
  return { modules: [...new Set([RUNTIME_MODULE, ...extraModules])], allocators };
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
