// Removes build outputs before and after a build: `node scripts/pack-clean.mjs <path>...`.
// Plain JavaScript so that it runs before anything is compiled, on every platform (no `rm -rf`).
import { rmSync } from 'node:fs';

for (const path of process.argv.slice(2)) rmSync(path, { recursive: true, force: true });
