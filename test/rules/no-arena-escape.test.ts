import rule from '../../rules/no-arena-escape.js';
import { runRuleTests } from '../fixtures/rule-tester.js';

const RT = `import { createArena, createPool, withArena, type Arena } from 'eslint-plugin-arena/runtime';\n`;
const TH = `import { createArena, createPool, createSharedPool, attachSharedPool, type SharedPoolDescriptor } from 'eslint-plugin-arena/runtime';\nimport { Worker, parentPort, type MessagePort } from 'node:worker_threads';\n`;

runRuleTests('no-arena-escape', rule, {
  valid: [
    // Used inside, a number or a copy comes out.
    RT + `const n = withArena(64, 'w', (a) => { const h = a.alloc(8); return a.bytes(h)[0]; });`,
    RT + `const copy = withArena(64, 'w', (a) => a.bytes(a.alloc(8)).slice());`,
    RT + `const copy = withArena(64, 'w', (a) => Uint8Array.from(a.bytes(a.alloc(8))));`,
    RT + `const copy = withArena(64, 'w', (a) => [...a.bytes(a.alloc(8))]);`,
    // A typed array's set() copies the view's bytes into a fresh array (or an outer one).
    RT + `const out = withArena(64, 'w', (a) => { const v = a.bytes(a.alloc(8)); const copy = new Uint8Array(8); copy.set(v); return copy; });`,
    RT + `const keep = new Uint8Array(16); withArena(64, 'w', (a) => { keep.set(a.bytes(a.alloc(8)), 8); });`,
    RT + `function f(target: Float64Array) { using a = createArena(64, 'a'); const v = a.bytes(a.alloc(8)); target.set(v); return target; }`,
    // Threads: a shared pool's handles and views may be posted; bytes copied out, numbers read, and
    // a postMessage that is not a thread's (a local function named otherwise) are fine.
    TH + `export function f(worker: Worker) { const pool = createSharedPool(16, 8, 'p'); const h = pool.alloc()!; worker.postMessage({ h, view: pool.bytes(h) }); parentPort?.postMessage(h); }`,
    TH + `export function f(d: SharedPoolDescriptor) { const pool = attachSharedPool(d); const h = pool.alloc()!; self.postMessage(h); new Worker('./w.js', { workerData: { h } }); }`,
    TH + `export function f(port: MessagePort) { using a = createArena(64, 'a'); const v = a.bytes(a.alloc(8)); port.postMessage(v.slice()); port.postMessage(a.used); port.postMessage({ size: a.sizeOf(a.alloc(4)) }); }`,
    TH + `export function f(send: (x: unknown) => void) { using a = createArena(64, 'a'); send(a.alloc(8)); }`,
    // A call argument is a borrow.
    RT + `withArena(64, 'w', (a) => { const h = a.alloc(8); process(a.bytes(h)); consume(h); });`,
    // Immediately invoked callbacks do not escape.
    RT + `withArena(64, 'w', (a) => { const h = a.alloc(8); return [1, 2].map((i) => a.bytes(h)[i]); });`,
    RT + `withArena(64, 'w', (a) => { const v = a.bytes(a.alloc(8)); items.forEach((x, i) => { v[i] = x; }); });`,
    RT + `withArena(64, 'w', (a) => { const h = a.alloc(8); new Promise<void>((resolve) => { a.bytes(h); resolve(); }); });`,
    RT + `withArena(64, 'w', (a) => { const h = a.alloc(8); run(() => a.bytes(h)); });`,
    // Awaited or returned promise chains finish before the arena is destroyed.
    RT + `withArena(64, 'w', async (a) => { const h = a.alloc(8); await load().then(() => a.bytes(h)); });`,
    RT + `withArena(64, 'w', (a) => { const h = a.alloc(8); return load().then(() => a.bytes(h)[0]); });`,
    // Module-level arenas live as long as the process.
    RT + `const shared = createArena(1024, 'shared'); export function get() { return shared.alloc(8); }`,
    // A manual arena that is not destroyed here has no known end (no-leaked-arena's business).
    RT + `function make() { const a = createArena(64, 'a'); return a.alloc(8); }`,
    RT + `function make() { const a = createArena(64, 'a'); register(a); const h = a.alloc(8); a.destroy(); return h; }`,
    // A borrowed arena belongs to the caller.
    RT + `function f(a: Arena) { return a.alloc(8); }`,
    // Locals inside the scope.
    RT + `withArena(64, 'w', (a) => { let inner; inner = a.alloc(8); const list = []; list.push(inner); const rec = { inner }; use(rec, list); });`,
    RT + `function f() { using a = createArena(64, 'a'); const h = a.alloc(8); return a.bytes(h).length; }`,
    // A nested function's return value is not the callback's.
    RT + `withArena(64, 'w', (a) => { function inner() { return a.alloc(8); } use(inner()); return 0; });`,
    // Timers and listeners that capture nothing owned.
    RT + `withArena(64, 'w', (a) => { const n = a.bytes(a.alloc(8)).length; setTimeout(() => console.log(n), 10); });`,
    // A local function that happens to be called setTimeout runs immediately.
    RT + `function setTimeout(f: () => void) { f(); } withArena(64, 'w', (a) => { const h = a.alloc(8); setTimeout(() => a.bytes(h)); });`,
    // Look-alike names without an allocator import.
    `function withArena<T>(n: number, s: string, body: (a: { alloc(n: number): number }) => T) { return body({ alloc: (x) => x }); }
     let saved = 0; const h = withArena(64, 'w', (a) => a.alloc(8)); withArena(64, 'w', (a) => { saved = a.alloc(8); });`,
    `import { withArena } from 'other-lib'; export const h = withArena(64, 'w', (a) => a.alloc(8));`,
    // Thrown errors that are not arena memory.
    RT + `withArena(64, 'w', (a) => { const h = a.alloc(8); if (!a.isLive(h)) throw new Error('gone'); });`,
    // A configured scoped allocator used correctly.
    {
      code: `import { inRegion } from 'my-alloc'; const n = inRegion((r) => r.grab(8) + 1);`,
      settings: { arena: { allocators: [{ module: 'my-alloc', scoped: ['inRegion'], alloc: ['grab'] }] } },
    },
    // The scoped arena itself passed down (a borrow) or used by immediate callbacks.
    RT + `withArena(64, 'w', (a) => { fill(a); [1, 2].forEach((n) => a.alloc(n)); const local = { a }; use(local); });`,
    RT + `function f() { using a = createArena(64, 'a'); return measure(a); }`,
    // A promisified timer the callback awaits runs before the arena is destroyed.
    RT + `withArena(64, 'w', async (a) => { const h = a.alloc(8); await new Promise<void>((resolve) => setTimeout(() => { a.bytes(h); resolve(); }, 10)); });`,
    // Thrown and caught inside the scope.
    RT + `withArena(64, 'w', (a) => { try { throw a.bytes(a.alloc(8)); } catch (view) { report(view); } });`,
    // Generators yielding copies.
    RT + `function* g() { using a = createArena(64, 'a'); yield a.bytes(a.alloc(8)).slice(); }`,
    // A pool handle stored in a module-level pool's own bookkeeping is not scoped.
    RT + `const pool = createPool(16, 4, 'p'); const live: number[] = []; export function take() { const h = pool.alloc()!; live.push(h); return h; }`,
  ],
  invalid: [
    {
      // A plain arena's handle and view posted to a worker, through a message object too.
      code: TH + `export function f(worker: Worker) { using a = createArena(64, 'a'); const h = a.alloc(8); worker.postMessage(h); const msg = { view: a.bytes(h) }; parentPort!.postMessage(msg); }`,
      errors: [
        { messageId: 'sentToThread', data: { What: 'A handle', owner: 'a', how: 'postMessage()' } },
        { messageId: 'sentToThread', data: { What: 'A message holding a view', owner: 'a', how: 'postMessage()' } },
      ],
    },
    {
      // A plain pool's handle as workerData, and a module-level pool's handle posted from a port.
      code: TH + `const slots = createPool(16, 8, 'slots'); export function f(port: MessagePort) { const h = slots.alloc()!; new Worker('./w.js', { workerData: { h } }); port.postMessage(h); }`,
      errors: [
        { messageId: 'sentToThread', data: { What: 'A message holding a handle', owner: 'slots', how: "a Worker's workerData" } },
        { messageId: 'sentToThread', data: { What: 'A handle', owner: 'slots', how: 'postMessage()' } },
      ],
    },
    {
      // A Map's set() keeps the view (the value is its second argument).
      code: RT + `const cache = new Map<string, Uint8Array>(); withArena(64, 'w', (a) => { const v = a.bytes(a.alloc(8)); cache.set('k', v); });`,
      errors: [
        {
          messageId: 'storedOuter',
          suggestions: [{ messageId: 'copyView', output: RT + `const cache = new Map<string, Uint8Array>(); withArena(64, 'w', (a) => { const v = a.bytes(a.alloc(8)); cache.set('k', v.slice()); });` }],
        },
      ],
    },
    {
      code: RT + `export const h = withArena(64, 'w', (a) => a.alloc(8));`,
      errors: [
        {
          messageId: 'returned',
          data: { What: 'A handle', owner: 'a', scope: 'the withArena callback' },
          suggestions: [
            { messageId: 'copyHandle', data: { owner: 'a' }, output: RT + `export const h = withArena(64, 'w', (a) => a.bytes(a.alloc(8)).slice());` },
          ],
        },
      ],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { const h = a.alloc(8); return h; });`,
      errors: [
        {
          messageId: 'returned',
          suggestions: [{ messageId: 'copyHandle', output: RT + `withArena(64, 'w', (a) => { const h = a.alloc(8); return a.bytes(h).slice(); });` }],
        },
      ],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { const view = a.bytes(a.alloc(8)); return view; });`,
      errors: [
        {
          messageId: 'returned',
          data: { What: 'A view', owner: 'a', scope: 'the withArena callback' },
          suggestions: [{ messageId: 'copyView', output: RT + `withArena(64, 'w', (a) => { const view = a.bytes(a.alloc(8)); return view.slice(); });` }],
        },
      ],
    },
    {
      code: RT + `function f() { using a = createArena(64, 'a'); return a.bytes(a.alloc(8)); }`,
      errors: [
        {
          messageId: 'returned',
          data: { What: 'A view', owner: 'a', scope: "the block of 'using a'" },
          suggestions: [{ messageId: 'copyView', output: RT + `function f() { using a = createArena(64, 'a'); return a.bytes(a.alloc(8)).slice(); }` }],
        },
      ],
    },
    {
      code: RT + `let saved; withArena(64, 'w', (a) => { saved = a.alloc(8); });`,
      errors: [
        {
          messageId: 'assignedOuter',
          data: { What: 'A handle', owner: 'a', target: 'saved', scope: 'the withArena callback' },
          suggestions: [{ messageId: 'copyHandle', output: RT + `let saved; withArena(64, 'w', (a) => { saved = a.bytes(a.alloc(8)).slice(); });` }],
        },
      ],
    },
    {
      code: RT + `const cache: Record<string, number> = {}; withArena(64, 'w', (a) => { cache.edge = a.alloc(8); });`,
      errors: [
        {
          messageId: 'storedOuter',
          data: { What: 'A handle', owner: 'a', target: 'cache', scope: 'the withArena callback' },
          suggestions: [{ messageId: 'copyHandle', output: RT + `const cache: Record<string, number> = {}; withArena(64, 'w', (a) => { cache.edge = a.bytes(a.alloc(8)).slice(); });` }],
        },
      ],
    },
    {
      code: RT + `const seen = new Map(); withArena(64, 'w', (a) => { const v = a.bytes(a.alloc(8)); seen.set('k', v); });`,
      errors: [
        {
          messageId: 'storedOuter',
          suggestions: [{ messageId: 'copyView', output: RT + `const seen = new Map(); withArena(64, 'w', (a) => { const v = a.bytes(a.alloc(8)); seen.set('k', v.slice()); });` }],
        },
      ],
    },
    {
      code: RT + `const out: number[] = []; withArena(64, 'w', (a) => { for (const x of xs) out.push(a.alloc(x)); });`,
      errors: [
        {
          messageId: 'storedOuter',
          suggestions: [{ messageId: 'copyHandle', output: RT + `const out: number[] = []; withArena(64, 'w', (a) => { for (const x of xs) out.push(a.bytes(a.alloc(x)).slice()); });` }],
        },
      ],
    },
    {
      code: RT + `class Graph { edge = 0; build() { withArena(64, 'w', (a) => { this.edge = a.alloc(8); }); } }`,
      errors: [
        {
          messageId: 'storedOuter',
          data: { What: 'A handle', owner: 'a', target: 'this', scope: 'the withArena callback' },
          suggestions: [{ messageId: 'copyHandle', output: RT + `class Graph { edge = 0; build() { withArena(64, 'w', (a) => { this.edge = a.bytes(a.alloc(8)).slice(); }); } }` }],
        },
      ],
    },
    {
      // Capturing the arena and its handle: reported once, as the arena's escape.
      code: RT + `withArena(64, 'w', (a) => { const h = a.alloc(8); setTimeout(() => console.log(a.bytes(h)), 10); });`,
      errors: [{ messageId: 'ownerEscapes', data: { owner: 'a', how: 'is captured by a closure kept alive by setTimeout', scope: 'the end of the withArena callback' } }],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { const v = a.bytes(a.alloc(8)); fetchIt().then(() => v.fill(0)); });`,
      errors: [{ messageId: 'captured', data: { target: 'v', what: 'a view', owner: 'a', via: "a promise callback ('then')", scope: 'the withArena callback' } }],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { const v = a.bytes(a.alloc(8)); button.addEventListener('click', () => v.fill(1)); });`,
      errors: [{ messageId: 'captured' }],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { const h = a.alloc(8); return () => a.bytes(h); });`,
      errors: [{ messageId: 'ownerEscapes', data: { owner: 'a', how: 'is captured by a closure kept alive by the returned function', scope: 'the end of the withArena callback' } }],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { const h = a.alloc(8); return () => h + 1; });`,
      errors: [{ messageId: 'captured', data: { target: 'h', what: 'a handle', owner: 'a', via: 'the returned function', scope: 'the withArena callback' } }],
    },
    {
      code: RT + `let onDone: () => void; withArena(64, 'w', (a) => { const h = a.alloc(8); onDone = () => use(h); });`,
      errors: [{ messageId: 'captured', data: { target: 'h', what: 'a handle', owner: 'a', via: "a function stored in 'onDone'", scope: 'the withArena callback' } }],
    },
    {
      code: RT + `function* edges() { using a = createArena(64, 'a'); yield a.alloc(8); }`,
      errors: [
        {
          messageId: 'yielded',
          suggestions: [{ messageId: 'copyHandle', output: RT + `function* edges() { using a = createArena(64, 'a'); yield a.bytes(a.alloc(8)).slice(); }` }],
        },
      ],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { const v = a.bytes(a.alloc(8)); throw v; });`,
      errors: [{ messageId: 'thrown', suggestions: [{ messageId: 'copyView', output: RT + `withArena(64, 'w', (a) => { const v = a.bytes(a.alloc(8)); throw v.slice(); });` }] }],
    },
    {
      code: RT + `withArena(64, 'w', (a) => [a.alloc(8), a.alloc(16)]);`,
      errors: [{ messageId: 'returned', data: { What: 'A container holding a handle', owner: 'a', scope: 'the withArena callback' }, suggestions: [] }],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { const list: number[] = []; list.push(a.alloc(8)); return list; });`,
      errors: [{ messageId: 'returned', suggestions: [] }],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { const h = a.alloc(8); const alias = h; return { alias }; });`,
      errors: [{ messageId: 'returned', suggestions: [] }],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { const [first] = [a.alloc(8)]; return first; });`,
      errors: [{ messageId: 'returned', suggestions: [{ messageId: 'copyHandle', output: RT + `withArena(64, 'w', (a) => { const [first] = [a.alloc(8)]; return a.bytes(first).slice(); });` }] }],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { const x = a.alloc(8); const y = a.alloc(8); return big ? x : y; });`,
      errors: [{ messageId: 'returned', suggestions: [{ messageId: 'copyHandle', output: RT + `withArena(64, 'w', (a) => { const x = a.alloc(8); const y = a.alloc(8); return a.bytes(big ? x : y).slice(); });` }] }],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { const v = a.bytes(a.alloc(8)); return cached ?? v; });`,
      errors: [{ messageId: 'returned', suggestions: [{ messageId: 'copyView', output: RT + `withArena(64, 'w', (a) => { const v = a.bytes(a.alloc(8)); return (cached ?? v).slice(); });` }] }],
    },
    {
      code: `import { withArena as scoped } from 'eslint-plugin-arena/runtime'; export const h = scoped(64, 'w', (arena) => arena.allocAligned(8, 8));`,
      errors: [{ messageId: 'returned', suggestions: [{ messageId: 'copyHandle', output: `import { withArena as scoped } from 'eslint-plugin-arena/runtime'; export const h = scoped(64, 'w', (arena) => arena.bytes(arena.allocAligned(8, 8)).slice());` }] }],
    },
    {
      code: `import * as rt from 'eslint-plugin-arena/runtime'; export const v = rt.withArena(64, 'w', (a) => rt.slice(a.bytes(a.alloc(8)), 0, 4));`,
      errors: [{ messageId: 'returned', suggestions: [{ messageId: 'copyView', output: `import * as rt from 'eslint-plugin-arena/runtime'; export const v = rt.withArena(64, 'w', (a) => rt.slice(a.bytes(a.alloc(8)), 0, 4).slice());` }] }],
    },
    {
      code: RT + `export async function f() { return withArena(64, 'w', async (a) => { await tick(); return a.alloc(8); }); }`,
      errors: [{ messageId: 'returned', suggestions: [{ messageId: 'copyHandle', output: RT + `export async function f() { return withArena(64, 'w', async (a) => { await tick(); return a.bytes(a.alloc(8)).slice(); }); }` }] }],
    },
    {
      code: RT + `function f() { const a = createArena(64, 'a'); const h = a.alloc(8); a.destroy(); return h; }`,
      errors: [{ messageId: 'returned', data: { What: 'A handle', owner: 'a', scope: "the function that destroys 'a'" }, suggestions: [{ messageId: 'copyHandle', output: RT + `function f() { const a = createArena(64, 'a'); const h = a.alloc(8); a.destroy(); return a.bytes(h).slice(); }` }] }],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { const h = a.alloc(8); const tick = () => use(h); setInterval(tick, 5); });`,
      errors: [{ messageId: 'captured', data: { target: 'h', what: 'a handle', owner: 'a', via: 'setInterval', scope: 'the withArena callback' } }],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { const hs = [a.alloc(8)]; setTimeout(() => hs.forEach((h) => use(h)), 0); });`,
      errors: [{ messageId: 'captured', data: { target: 'hs', what: 'a container holding a handle', owner: 'a', via: 'setTimeout', scope: 'the withArena callback' } }],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { globalThis.lastEdge = a.alloc(8); });`,
      errors: [{ messageId: 'storedOuter', suggestions: [{ messageId: 'copyHandle', output: RT + `withArena(64, 'w', (a) => { globalThis.lastEdge = a.bytes(a.alloc(8)).slice(); });` }] }],
    },
    {
      code: RT + `const rows: Uint8Array[] = []; for (const n of sizes) { using a = createArena(64, 'row'); rows.push(a.bytes(a.alloc(n))); }`,
      errors: [{ messageId: 'storedOuter', data: { What: 'A view', owner: 'a', target: 'rows', scope: "the block of 'using a'" }, suggestions: [{ messageId: 'copyView', output: RT + `const rows: Uint8Array[] = []; for (const n of sizes) { using a = createArena(64, 'row'); rows.push(a.bytes(a.alloc(n)).slice()); }` }] }],
    },
    {
      // try/finally does not keep the arena alive past the return.
      code: RT + `withArena(64, 'w', (a) => { try { return a.alloc(8); } finally { log('done'); } });`,
      errors: [{ messageId: 'returned', suggestions: [{ messageId: 'copyHandle', output: RT + `withArena(64, 'w', (a) => { try { return a.bytes(a.alloc(8)).slice(); } finally { log('done'); } });` }] }],
    },
    {
      // Thrown from a try without catch, or from the catch block itself.
      code: RT + `withArena(64, 'w', (a) => { const v = a.bytes(a.alloc(8)); try { work(); } catch { throw v; } });`,
      errors: [{ messageId: 'thrown', suggestions: [{ messageId: 'copyView', output: RT + `withArena(64, 'w', (a) => { const v = a.bytes(a.alloc(8)); try { work(); } catch { throw v.slice(); } });` }] }],
    },
    {
      // The same promisified timer, not awaited.
      code: RT + `withArena(64, 'w', (a) => { const h = a.alloc(8); void new Promise<void>((resolve) => setTimeout(() => { use(h); resolve(); }, 10)); });`,
      errors: [{ messageId: 'captured', data: { target: 'h', what: 'a handle', owner: 'a', via: 'setTimeout', scope: 'the withArena callback' } }],
    },
    {
      // A parameter of the function that destroys the arena belongs to the caller.
      code: RT + `function fill(out: number[]) { const a = createArena(64, 'a'); out.push(a.alloc(8)); a.destroy(); }`,
      errors: [{ messageId: 'storedOuter', data: { What: 'A handle', owner: 'a', target: 'out', scope: "the function that destroys 'a'" }, suggestions: [{ messageId: 'copyHandle', output: RT + `function fill(out: number[]) { const a = createArena(64, 'a'); out.push(a.bytes(a.alloc(8)).slice()); a.destroy(); }` }] }],
    },
    {
      // The arena itself leaving its scope.
      code: RT + `export const leaked = withArena(64, 'w', (a) => a);`,
      errors: [{ messageId: 'ownerEscapes', data: { owner: 'a', how: 'is returned', scope: 'the end of the withArena callback' } }],
    },
    {
      code: RT + `export const bundle = withArena(64, 'w', (a) => ({ arena: a, size: 1 }));`,
      errors: [{ messageId: 'ownerEscapes', data: { owner: 'a', how: 'is returned', scope: 'the end of the withArena callback' } }],
    },
    {
      code: RT + `let keep: unknown; function f() { using arena = createArena(64, 'a'); keep = arena; }`,
      errors: [{ messageId: 'ownerEscapes', data: { owner: 'arena', how: "is assigned to 'keep'", scope: "the end of the block of 'using arena'" } }],
    },
    {
      code: RT + `class Holder { arena: unknown; load() { withArena(64, 'w', (a) => { this.arena = a; }); } }`,
      errors: [{ messageId: 'ownerEscapes', data: { owner: 'a', how: "is stored into 'this'", scope: 'the end of the withArena callback' } }],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { setTimeout(() => { a.alloc(8); a.reset(); }, 0); });`,
      errors: [{ messageId: 'ownerEscapes', data: { owner: 'a', how: 'is captured by a closure kept alive by setTimeout', scope: 'the end of the withArena callback' } }],
    },
    {
      code: RT + `withArena(64, 'w', (a) => { const h = a.alloc(8); process.nextTick(() => use(h)); });`,
      errors: [{ messageId: 'captured', data: { target: 'h', what: 'a handle', owner: 'a', via: 'process.nextTick', scope: 'the withArena callback' } }],
    },
  ],
});
