// Worker fixture: loads the runtime copy named in workerData, allocates from an arena and a pool,
// and posts the handles (plain numbers) and their owner ids back to the parent.
import { parentPort, threadId, workerData } from 'node:worker_threads';

const runtime = await import(workerData.runtimeUrl);
const arena = runtime.createArena(256, 'worker-arena');
const pool = runtime.createPool(16, 4, 'worker-pool');
const arenaHandle = arena.alloc(16);
const poolHandle = pool.alloc();
arena.setUint32(arenaHandle, 0, 0xdeadbeef);
parentPort.postMessage({ threadId, arenaHandle, poolHandle });
// Keep the owners alive until the parent has checked the handles: their ids stay in use meanwhile.
parentPort.once('message', () => {
  arena.destroy();
  pool.destroy();
  parentPort.close();
});
