// Small projects written to a temporary directory, for tests whose subject reads real files
// (relative imports, tsconfig `paths`, explain over a source tree).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterAll } from 'vitest';

/**
 * A function that writes `files` (path relative to the project -> text) into a fresh temporary
 * directory and returns that directory. Call it at the top of a test file: the directories it
 * made are removed after that file's tests.
 */
export function temporaryProjects(prefix: string): (files: Record<string, string>) => string {
  const roots: string[] = [];
  afterAll(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });
  return (files) => {
    const root = mkdtempSync(join(tmpdir(), prefix));
    roots.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  };
}
