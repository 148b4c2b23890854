import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { machineLine, markdownTable, writeDocSection } from '../bench/doc-section.js';

describe('writeDocSection', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-doc-'));
    file = join(dir, 'benchmarks.md');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const read = (): string => readFileSync(file, 'utf8');

  it('creates the document with a heading when the file does not exist', () => {
    writeDocSection('runtime', 'first numbers', file);
    expect(read()).toBe('# Benchmarks\n\n<!-- runtime:start -->\nfirst numbers\n<!-- runtime:end -->\n');
  });

  it('appends a new section after the existing text without touching it', () => {
    writeFileSync(file, '# Benchmarks\n\nIntro paragraph written by hand.\n');
    writeDocSection('runtime', '| a |\n| --- |\n| 1 |', file);
    expect(read()).toBe(
      '# Benchmarks\n\nIntro paragraph written by hand.\n\n<!-- runtime:start -->\n| a |\n| --- |\n| 1 |\n<!-- runtime:end -->\n',
    );
  });

  it('replaces only its own section on a rerun and keeps the others intact', () => {
    writeFileSync(file, '# Benchmarks\n\nIntro.\n');
    writeDocSection('lint', 'lint v1', file);
    writeDocSection('runtime', 'runtime v1', file);
    writeDocSection('graph', 'graph v1', file);
    const before = read();

    writeDocSection('runtime', 'runtime v2\nwith two lines', file);
    const after = read();

    expect(after).not.toContain('runtime v1');
    expect(after).toContain('<!-- runtime:start -->\nruntime v2\nwith two lines\n<!-- runtime:end -->');
    // Everything outside the runtime section is byte-for-byte what it was.
    const outside = (text: string): string =>
      text.slice(0, text.indexOf('<!-- runtime:start -->')) + text.slice(text.indexOf('<!-- runtime:end -->'));
    expect(outside(after)).toBe(outside(before));
    // Sections keep their order: the rewritten one stays where it was.
    expect(after.indexOf('lint v1')).toBeLessThan(after.indexOf('runtime v2'));
    expect(after.indexOf('runtime v2')).toBeLessThan(after.indexOf('graph v1'));
  });

  it('is idempotent: writing the same content twice leaves the file unchanged', () => {
    writeDocSection('runtime', 'same', file);
    const once = read();
    writeDocSection('runtime', 'same', file);
    expect(read()).toBe(once);
  });

  it('trims surrounding blank lines from the section body', () => {
    writeDocSection('runtime', '\n\n  body  \n\n', file);
    expect(read()).toContain('<!-- runtime:start -->\nbody\n<!-- runtime:end -->');
  });

  it('does not confuse a section whose name is a prefix of another', () => {
    writeDocSection('runtime-pool', 'pool numbers', file);
    writeDocSection('runtime', 'arena numbers', file);
    writeDocSection('runtime', 'arena numbers v2', file);
    const text = read();
    expect(text).toContain('<!-- runtime-pool:start -->\npool numbers\n<!-- runtime-pool:end -->');
    expect(text).toContain('<!-- runtime:start -->\narena numbers v2\n<!-- runtime:end -->');
    expect(text).not.toContain('arena numbers\n');
  });
});

describe('markdownTable', () => {
  it('renders a header, a separator and one line per row', () => {
    expect(
      markdownTable(
        ['case', 'ns/op'],
        [
          ['arena', '12'],
          ['new', '80'],
        ],
      ),
    ).toBe('| case | ns/op |\n| --- | --- |\n| arena | 12 |\n| new | 80 |');
  });
});

describe('machineLine', () => {
  it('names the Node version, platform and architecture', () => {
    const line = machineLine();
    expect(line).toContain(process.version);
    expect(line).toContain(`${process.platform}/${process.arch}`);
    expect(line).toMatch(/\d{4}-\d{2}-\d{2}/);
  });
});
