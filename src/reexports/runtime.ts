// `eslint-plugin-arena/runtime`: the runtime package, re-exported so that code written against the
// plugin's subpath keeps working. Production code should depend on `arena-runtime` directly: it has
// no dependencies, while this package brings the lint stack.
export * from 'arena-runtime';
