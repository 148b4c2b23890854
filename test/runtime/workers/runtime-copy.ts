// Real, separate copies of the runtime for tests: every runtime source file transpiled (TypeScript
// only strips types; imports already name `.js` files) into a fresh directory. Two such directories
// are two bundles of the runtime as far as module identity goes, and plain Node can load them in a
// worker thread, which cannot run the TypeScript sources.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import ts from 'typescript';

const runtimeRoot = fileURLToPath(new URL('../../../runtime/', import.meta.url));

function sources(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'dist' && entry.name !== 'node_modules') files.push(...sources(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && entry.name !== 'vitest.ts') {
      files.push(path);
    }
  }
  return files;
}

/**
 * Transpiles the runtime into a temporary directory of its own per `label`; returns the file URL of
 * its index.js. A copy of the same sources made earlier (same label, same content hash) is reused.
 */
export function makeRuntimeCopy(label: string): string {
  const files = sources(runtimeRoot);
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update(readFileSync(file));
  const target = join(tmpdir(), `arena-runtime-${label}-${hash.digest('hex').slice(0, 16)}`);
  const index = join(target, 'index.js');
  if (existsSync(join(target, 'package.json'))) return pathToFileURL(index).href;
  const staging = mkdtempSync(`${target}-tmp-`);
  for (const file of files) {
    const output = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, useDefineForClassFields: true },
      fileName: file,
    }).outputText;
    const destination = join(staging, relative(runtimeRoot, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(destination), { recursive: true });
    writeFileSync(destination, output);
  }
  // Plain Node must read the `.js` files as ES modules.
  writeFileSync(join(staging, 'package.json'), JSON.stringify({ type: 'module' }));
  // Renamed into place whole, so a concurrent run never sees half a copy (the loser keeps the winner's).
  try {
    renameSync(staging, target);
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  return pathToFileURL(index).href;
}

/** The public runtime API, as a copy loaded with import() exposes it. */
export type RuntimeModule = typeof import('../../../runtime/index.js');

/**
 * What `action` threw: code and message of an error from any copy. Not `instanceof ArenaError`:
 * each copy has its own ArenaError class.
 */
export function failureOf(action: () => unknown): { code: string; message: string } {
  try {
    action();
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return { code: String(code), message: String(message) };
  }
  return { code: 'no error', message: '' };
}

/**
 * Runs `fixture` once in a worker thread and resolves with its first message. Rejects when the
 * worker throws, or exits with a non-zero code before answering, so a crashed worker fails the
 * test instead of leaving it waiting.
 */
export function runWorkerOnce<T>(fixture: URL, workerData: Record<string, unknown>): Promise<T> {
  const worker = new Worker(fixture, { workerData });
  return new Promise<T>((resolve, reject) => {
    worker.once('message', (report: T) => resolve(report));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with ${code}`));
    });
  });
}
