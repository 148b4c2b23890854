import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // The packages import themselves by name (examples, bench) exactly as users do; tests run the
    // sources. `eslint-plugin-arena/runtime` and `arena-runtime` are one module, as once installed.
    alias: [
      { find: /^arena-runtime$/, replacement: here('./runtime/index.ts') },
      { find: /^arena-runtime\/testing\/vitest$/, replacement: here('./runtime/testing/vitest.ts') },
      { find: /^arena-runtime\/testing$/, replacement: here('./runtime/testing/index.ts') },
      { find: /^eslint-plugin-arena\/runtime$/, replacement: here('./runtime/index.ts') },
      { find: /^eslint-plugin-arena\/testing\/vitest$/, replacement: here('./runtime/testing/vitest.ts') },
      { find: /^eslint-plugin-arena\/testing$/, replacement: here('./runtime/testing/index.ts') },
      { find: /^eslint-plugin-arena$/, replacement: here('./src/index.ts') },
      { find: /^eslint-plugin-arena\/package\.json$/, replacement: here('./package.json') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
