// Runs an ad-hoc rule body over TypeScript source with ESLint's Linter and the typescript-eslint
// parser, so analysis modules can be tested on real ASTs, scopes and code paths.
import * as tsParser from '@typescript-eslint/parser';
import type { TSESLint } from '@typescript-eslint/utils';
import { Linter } from 'eslint';

export type ProbeContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

/** Where the probed file is: its name (relative to `cwd`) and the linter's working directory. */
export interface ProbeFile {
  readonly filename?: string;
  readonly cwd?: string;
}

/** Lints `code` with one rule whose listeners come from `create`; throws on parse errors. */
export function probe(
  code: string,
  create: (context: ProbeContext) => TSESLint.RuleListener,
  settings: Record<string, unknown> = {},
  file: ProbeFile = {},
): void {
  const rule = {
    meta: { type: 'problem' as const, schema: [] },
    create: (context: unknown) => create(context as ProbeContext),
  };
  const linter = new Linter({ configType: 'flat', ...(file.cwd === undefined ? {} : { cwd: file.cwd }) });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser as unknown as Linter.Parser, sourceType: 'module' },
        plugins: { probe: { rules: { probe: rule as never } } },
        rules: { 'probe/probe': 'error' },
        settings,
      },
    ],
    file.filename ?? 'file.ts',
  );
  const fatal = messages.find((message) => message.fatal === true || message.ruleId === null);
  if (fatal) throw new Error(`probe: ${fatal.message} (line ${fatal.line})`);
}
