// `eslint-plugin-arena/testing/vitest`: `arena-runtime/testing/vitest`, re-exported (see ./runtime.ts).
// Importing it registers the runtime's vitest hooks, exactly as importing the original does.
export * from 'arena-runtime/testing/vitest';
