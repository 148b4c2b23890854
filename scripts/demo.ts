// `npm run demo`: builds, then runs this file from dist/. Each part prints what it shows.
// Source maps go on before the demo modules load (hence the dynamic imports), so the allocation and
// reset sites in the runtime's debug-mode messages point at the TypeScript sources.
process.setSourceMapsEnabled(true);
const { lintDemo } = await import('./demo-lint.js');
const { runtimeDemo } = await import('./demo-runtime.js');
const { observabilityDemo } = await import('./demo-observability.js');

lintDemo();
runtimeDemo();
observabilityDemo();
