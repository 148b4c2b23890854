// Worker fixture: loads the runtime copy, creates no owner, starts a child worker right away (the
// child loads the runtime too), then each creates an arena; reports both threads' first handles.
import { Worker, parentPort, threadId, workerData } from 'node:worker_threads';

const runtime = await import(workerData.runtimeUrl);
if (workerData.child) {
  const arena = runtime.createArena(64, 'grandchild');
  parentPort.postMessage({ threadId, handle: arena.alloc(8) });
} else {
  const child = new Worker(new URL(import.meta.url), { workerData: { ...workerData, child: true } });
  const fromChild = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('error', reject);
  });
  const arena = runtime.createArena(64, 'child');
  parentPort.postMessage({ parent: { threadId, handle: arena.alloc(8) }, child: fromChild });
}
