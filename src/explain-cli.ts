#!/usr/bin/env node
// `npx eslint-plugin-arena explain [files, folders or globs...] [--json] [--settings <json | file.json>]`
//
// Prints what the plugin recognised: per file, the call sites each allocator description
// matched; per description, where it matched, or that it matched nothing. Exit code 0, or 1 when
// a description of your own (settings.arena.allocators) matched nothing, 2 on bad usage.

import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { explainAllocators, formatExplanation } from './explain.js';

const USAGE = `Usage: eslint-plugin-arena explain [files, folders or globs...] [--json] [--settings <json | file.json>] [--no-config]

Shows which allocator descriptions (settings.arena.allocators and the built-ins) matched which call
sites, and which matched nothing. Uses the project's eslint.config.* unless --no-config.`;

/** Runs the command line `argv` (without `node` and the script); returns the exit code. */
export async function main(
  argv: readonly string[],
  write: (text: string) => void = (text) => process.stdout.write(text),
  cwd: string = process.cwd(),
): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'explain') {
    write(`${USAGE}\n`);
    return command === '--help' || command === '-h' ? 0 : 2;
  }
  const patterns: string[] = [];
  let json = false;
  let settings: unknown;
  let useConfigFile: boolean | undefined;
  for (let index = 0; index < rest.length; index++) {
    const argument = rest[index]!;
    if (argument === '--json') json = true;
    else if (argument === '--no-config') useConfigFile = false;
    else if (argument === '--settings') {
      const value = rest[++index];
      if (value === undefined) {
        write(`--settings needs a value\n${USAGE}\n`);
        return 2;
      }
      settings = JSON.parse(value.trimStart().startsWith('{') ? value : readFileSync(resolve(cwd, value), 'utf8')) as unknown;
    } else if (argument.startsWith('--')) {
      write(`unknown option ${argument}\n${USAGE}\n`);
      return 2;
    } else patterns.push(argument);
  }
  const explanation = await explainAllocators(patterns, {
    cwd,
    ...(settings === undefined ? {} : { settings }),
    ...(useConfigFile === undefined ? {} : { useConfigFile }),
  });
  write(json ? `${JSON.stringify(explanation, null, 2)}\n` : `${formatExplanation(explanation)}\n`);
  const silent = explanation.descriptions.some((description) => description.origin === 'settings' && description.status !== 'matched');
  return silent ? 1 : 0;
}

// Run when executed (`node dist/src/explain-cli.js`, the package's bin), not when imported by tests.
// `npx` runs it through a symlink in node_modules/.bin, hence the real path.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`eslint-plugin-arena: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
