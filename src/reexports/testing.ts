// `eslint-plugin-arena/testing`: `arena-runtime/testing`, re-exported (see ./runtime.ts).
export * from 'arena-runtime/testing';
