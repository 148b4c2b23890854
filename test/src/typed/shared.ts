// A pool made in another module and imported where it is used (the usual shape of `pg` code).
import type { Pool } from 'fake-pool';

export declare const shared: Pool;
export declare const notAPool: { get(): number };
