// Run by finalization.test.ts as `node --expose-gc finalization-child.mjs <runtime copy URL>`:
// drops owners without destroy() and reports, as JSON on stdout, what the runtime still lists,
// charges and holds after garbage collection.
const runtimeUrl = process.argv[2];
const runtime = await import(runtimeUrl);
const internal = await import(new URL('internal.js', runtimeUrl).href);
const registry = await import(new URL('registry.js', runtimeUrl).href);

async function collect() {
  // Finalizers run as tasks after a collection: collect, then let them run, a few times.
  for (let round = 0; round < 4; round++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const MiB = 1024 * 1024;
const report = {};
await collect();
const baseBuffers = process.memoryUsage().arrayBuffers;

// 1. 200 arenas of 1 MiB and 200 pools, each with live allocations, dropped without destroy().
const tag = runtime.defineTag('dropped');
const handles = [];
(function dropOwners() {
  for (let index = 0; index < 200; index++) {
    const arena = runtime.createArena(MiB, `dropped-arena-${index}`, { tag });
    for (let allocation = 0; allocation < 10; allocation++) handles.push(arena.alloc(100));
    const pool = runtime.createPool(64, 16, `dropped-pool-${index}`, { tag });
    for (let allocation = 0; allocation < 5; allocation++) handles.push(pool.alloc());
  }
})();
report.liveBefore = internal.liveOwnerInfo().filter((owner) => owner.name.startsWith('dropped-')).length;
report.statsBefore = runtime.getStats(tag);
report.buffersBeforeMiB = (process.memoryUsage().arrayBuffers - baseBuffers) / MiB;
await collect();
report.liveAfter = internal.liveOwnerInfo().filter((owner) => owner.name.startsWith('dropped-')).length;
report.statsAfter = runtime.getStats(tag);
report.buffersAfterMiB = (process.memoryUsage().arrayBuffers - baseBuffers) / MiB;
report.reclaimed = registry.reclaimedOwnerCount();

// 2. Handles of collected owners stay dead in the owners that get their ids next.
const probes = [];
for (let index = 0; index < 50; index++) {
  const arena = runtime.createArena(64, `probe-${index}`);
  for (let allocation = 0; allocation < 10; allocation++) arena.alloc(4);
  const pool = runtime.createPool(64, 16, `probe-pool-${index}`);
  for (let allocation = 0; allocation < 5; allocation++) pool.alloc();
  probes.push(arena, pool);
}
report.staleLive = handles.filter((handle) => probes.some((owner) => owner.isLive(handle))).length;
for (const owner of probes) owner.destroy();

// 3. No practical cap: 40,000 owners over the process's life (more than the 32,767 ids of the shared space), none destroyed.
let created = 0;
let failure = null;
try {
  for (let batch = 0; batch < 8; batch++) {
    for (let index = 0; index < 5000; index++) {
      const arena = runtime.createArena(8, 'churn');
      arena.alloc(8);
      created++;
    }
    await collect();
  }
} catch (error) {
  failure = String(error);
}
report.churnCreated = created;
report.churnFailure = failure;

// 4. Records shrink after one unusually large generation.
await collect();
const recordsBase = process.memoryUsage().arrayBuffers;
const big = runtime.createArena(32 * MiB, 'big-generation');
for (let index = 0; index < 2_500_000; index++) big.alloc(8);
big.reset();
await collect();
report.recordsAfterBigResetMiB = (process.memoryUsage().arrayBuffers - recordsBase) / MiB;
for (let generation = 0; generation < 4; generation++) {
  for (let index = 0; index < 1000; index++) big.alloc(8);
  big.reset();
}
await collect();
report.recordsAfterSmallGenerationsMiB = (process.memoryUsage().arrayBuffers - recordsBase) / MiB;
report.bigStillWorks = big.isLive(big.alloc(8));
big.destroy();

process.stdout.write(JSON.stringify(report));
