// Every recipe in docs/recipes/ keeps its `settings.arena` value twice: as <name>.json (what a
// user copies, what the real-code tests lint with) and embedded in <name>.md. They must agree, and
// the value must be valid settings for the plugin's own parser.
import { readdirSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { parseArenaSettings } from '../src/settings.js';

const recipesDir = new URL('../docs/recipes/', import.meta.url);
const jsonRecipes = readdirSync(recipesDir).filter((name) => name.endsWith('.json'));

/** The ```json blocks of a markdown page, parsed. */
function jsonBlocks(markdown: string): unknown[] {
  return [...markdown.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1] as string) as unknown);
}

describe('docs/recipes', () => {
  it('has the PixiJS recipe', () => {
    expect(jsonRecipes).toContain('pixijs-source.json');
  });

  describe.each(jsonRecipes)('%s', (name) => {
    const json = JSON.parse(readFileSync(new URL(name, recipesDir), 'utf8')) as { allocators?: { name: string }[] };
    const page = readFileSync(new URL(name.replace(/\.json$/, '.md'), recipesDir), 'utf8');

    it('is embedded, identical, in its page', () => {
      const blocks = jsonBlocks(page);
      expect(blocks.length).toBeGreaterThanOrEqual(1);
      expect(blocks).toContainEqual(json);
    });

    it('parses as valid settings, every description active under its own name', () => {
      const settings = parseArenaSettings(json);
      const names = settings.descriptions.filter((d) => d.origin === 'settings').map((d) => d.name);
      expect(names).toEqual((json.allocators ?? []).map((d) => d.name));
    });

    it('is rejected by the parser once broken (the check above can fail)', () => {
      const broken = { ...json, allocators: (json.allocators ?? []).map((d) => ({ ...d, methods: { acquire: 'get' } })) };
      expect(() => parseArenaSettings(broken)).toThrow(/settings\.arena\.allocators\[0\]\.methods\.acquire/);
    });
  });
});
