// A pool made in another module and imported where it is used (the usual shape of `pg` code).
// By path, so that the repository's own tsconfig (without the fixture's `paths`) compiles it too.
import type { Pool } from './packages/fake-pool/index.js';

export declare const shared: Pool;
export declare const notAPool: { get(): number };
