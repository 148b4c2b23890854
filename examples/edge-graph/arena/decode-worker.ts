// A worker of parallel-decode.ts: decodes its share of a batch straight into the shared columns.
import { parentPort } from 'node:worker_threads';
import { columnsAt, decodeEdgeRange, skipEdges } from './decode.js';
import type { DecodeJob, DecodeReply } from './parallel-decode.js';

parentPort?.on('message', (job: DecodeJob) => {
  let reply: DecodeReply;
  try {
    const start = job.skip > 0 ? skipEdges(job.input, job.offset, job.skip) : job.offset;
    const end = decodeEdgeRange(job.input, start, job.from, job.to, columnsAt(job.columns, job.columnsOffset, job.count));
    reply = { ok: true, start, end };
  } catch {
    // The main thread decodes again to throw decodeEdges' own error.
    reply = { ok: false };
  }
  parentPort!.postMessage(reply);
});
