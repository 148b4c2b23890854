// Memory tags: small integers naming what memory is for. Stats (runtime/stats.ts) are kept per tag
// in typed arrays indexed by the tag, so a tag must stay below MAX_TAGS.
import { ArenaError, describeValue } from './errors.js';
import type { Tag } from './types.js';

/** How many tags (built-in + defined) the process can have. */
export const MAX_TAGS = 256;

/** The seed's built-in tags (`gm_mem_tag_t`). */
export const MemTag = Object.freeze({
  General: 0 as Tag,
  Edge: 1 as Tag,
  Node: 2 as Tag,
  Parse: 3 as Tag,
  Cbor: 4 as Tag,
  Plugin: 5 as Tag,
  Cache: 6 as Tag,
  Temp: 7 as Tag,
});

export type BuiltInTagName = keyof typeof MemTag;

const tagNames: string[] = Object.keys(MemTag);
const tagsByName = new Map<string, Tag>(Object.entries(MemTag));
/** Live binding: tags are 0 .. definedTagCount - 1 (read on the allocation fast path). */
export let definedTagCount = tagNames.length;

/** Tag names: a letter, then letters, digits, `_`, `-`, `.` or `/`; at most 64 characters. */
const TAG_NAME = /^[A-Za-z][\w./-]{0,63}$/;

/**
 * Returns the tag named `name`, creating it on first use. Calling it again with the same name
 * returns the same tag (so modules can each define the tags they use); built-in names return the
 * built-in tag. Throws ERR_INVALID_TAG for a bad name or when MAX_TAGS tags exist.
 */
export function defineTag(name: string): Tag {
  if (typeof name !== 'string' || !TAG_NAME.test(name)) {
    throw new ArenaError(
      'ERR_INVALID_TAG',
      `cannot define tag ${typeof name === 'string' ? JSON.stringify(name) : describeValue(name)}: a tag name starts with a letter and has at most 64 letters, digits, "_", "-", "." or "/"`,
    );
  }
  const existing = tagsByName.get(name);
  if (existing !== undefined) return existing;
  if (tagNames.length >= MAX_TAGS) {
    throw new ArenaError('ERR_INVALID_TAG', `cannot define tag "${name}": all ${MAX_TAGS} tags are in use`);
  }
  const tag = tagNames.length as Tag;
  tagNames.push(name);
  tagsByName.set(name, tag);
  definedTagCount = tagNames.length;
  return tag;
}

/** The name a tag was defined with (`'Edge'` for `MemTag.Edge`). Throws ERR_INVALID_TAG for an unknown tag. */
export function tagName(tag: Tag): string {
  const name = isDefinedTag(tag) ? tagNames[tag] : undefined;
  if (name === undefined) throwInvalidTag(tag);
  return name;
}

/** Number of tags defined so far (built-ins included); tags are `0 .. tagCount() - 1`. */
export function tagCount(): number {
  return tagNames.length;
}

/** Every defined tag, in definition order. */
export function allTags(): Tag[] {
  return tagNames.map((_, index) => index as Tag);
}

export function isDefinedTag(tag: unknown): tag is Tag {
  return typeof tag === 'number' && (tag >>> 0) === tag && tag < tagNames.length;
}

/** A label for messages that never throws. */
export function tagLabel(tag: number): string {
  return tagNames[tag] ?? `#${tag}`;
}

export function throwInvalidTag(tag: unknown): never {
  throw new ArenaError(
    'ERR_INVALID_TAG',
    `${describeValue(tag)} is not a memory tag: use MemTag.<name> or defineTag(name) (${tagNames.length} tags are defined)`,
  );
}
