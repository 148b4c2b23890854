// Decoding one edge batch with two workers into shared memory. The batch's bytes and its columns
// live in SharedArrayBuffers (the columns in a parse arena on the SharedArrayBuffer backend), so the
// workers write the very columns decodeEdges would, and nothing is copied back.
//
// CBOR has no index: where the second half starts is known only after reading the first. So the
// second worker skims the first edges itself (skipping an edge costs a fraction of decoding it)
// while the first worker decodes them; the split is placed so that both finish together. The
// result is exactly decodeEdges' (same columns, same spans into the same bytes); on bad input the
// batch is decoded again on this thread, which throws decodeEdges' exact error.

import { Worker } from 'node:worker_threads';
import { MemTag, type Arena } from 'eslint-plugin-arena/runtime';
import { CborReader, MajorType } from '../shared/cbor.js';
import { batchBytes, decodeEdges, type EdgeBatch } from './decode.js';

/**
 * Share of the edges the first worker decodes. The second skims them first: with skimming at
 * about half the cost of decoding, decoding 0.6 of the edges takes as long as skimming 0.6 and
 * decoding 0.4.
 */
export const FIRST_WORKER_SHARE = 0.6;
/** Below this many edges one thread is faster than two (posting and waking the workers costs more). */
export const MIN_PARALLEL_EDGES = 20_000;

/** What a decode worker is asked to do (decode-worker.ts). */
export interface DecodeJob {
  readonly input: Uint8Array;
  /** Byte offset of the first edge it must skip or decode. */
  readonly offset: number;
  /** Edges to skip from `offset` before decoding. */
  readonly skip: number;
  /** Edges it decodes: `from` .. `to` - 1. */
  readonly from: number;
  readonly to: number;
  readonly columns: SharedArrayBuffer;
  readonly columnsOffset: number;
  readonly count: number;
}

/** A decode worker's answer: where its edges started and ended, or that the input is bad. */
export type DecodeReply = { readonly ok: true; readonly start: number; readonly end: number } | { readonly ok: false };

/** Two decode workers, kept for many batches: start them once, close them when done. */
export interface ParallelDecoder {
  /**
   * Decodes `input` into `parse`, which must be an arena on `sharedArrayBufferBackend()` (tagged
   * MemTag.Parse like decodeEdges). Bytes that are not in a SharedArrayBuffer are copied into one
   * first; the batch's `input` is that copy.
   */
  decode(input: Uint8Array, parse: Arena): Promise<EdgeBatch>;
  close(): Promise<void>;
  /** Batches the workers decoded (the rest went to decodeEdges: small, or bad input). */
  readonly parallelBatches: number;
}

/** The same bytes in shared memory (copied unless they already are). */
export function sharedBytes(input: Uint8Array): Uint8Array {
  if (input.buffer instanceof SharedArrayBuffer) return input;
  const copy = new Uint8Array(new SharedArrayBuffer(input.length));
  copy.set(input);
  return copy;
}

function runJob(worker: Worker, job: DecodeJob): Promise<DecodeReply> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      worker.off('message', onMessage);
      reject(error);
    };
    const onMessage = (reply: DecodeReply): void => {
      worker.off('error', onError);
      resolve(reply);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.postMessage(job);
  });
}

/**
 * Starts the two workers (`workerUrl`: the compiled decode-worker module). Batches of fewer than
 * `minParallelEdges` edges are decoded on the calling thread.
 */
export function createParallelDecoder(
  workerUrl: URL = new URL('./decode-worker.js', import.meta.url),
  minParallelEdges: number = MIN_PARALLEL_EDGES,
): ParallelDecoder {
  const workers = [new Worker(workerUrl), new Worker(workerUrl)] as const;
  let parallelBatches = 0;
  return {
    get parallelBatches() {
      return parallelBatches;
    },
    async decode(input, parse) {
      const bytes = sharedBytes(input);
      const reader = new CborReader(bytes);
      reader.readHead();
      const count = reader.headIs(MajorType.Array) ? reader.argument : -1;
      // Small batches, and anything decodeEdges refuses before its first edge, stay on this thread.
      if (count < minParallelEdges || count > bytes.length - reader.offset) return decodeEdges(bytes, parse);
      const columns = parse.allocAligned(batchBytes(count), 8, MemTag.Parse);
      const view = parse.bytes(columns);
      if (!(view.buffer instanceof SharedArrayBuffer)) {
        throw new TypeError(`decode: arena "${parse.name}" must use sharedArrayBufferBackend() so that the workers can write its columns`);
      }
      const split = Math.floor(count * FIRST_WORKER_SHARE);
      const shared = { input: bytes, offset: reader.offset, columns: view.buffer, columnsOffset: view.byteOffset, count };
      const [first, second] = await Promise.all([
        runJob(workers[0], { ...shared, skip: 0, from: 0, to: split }),
        runJob(workers[1], { ...shared, skip: split, from: split, to: count }),
      ]);
      // Valid input: the halves meet, and the second ends at the last byte. Anything else is an
      // error decodeEdges reports exactly (the first one in the input).
      if (!first.ok || !second.ok || first.end !== second.start || second.end !== bytes.length) return decodeEdges(bytes, parse);
      parallelBatches++;
      return { input: bytes, count, arena: parse, columns };
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
