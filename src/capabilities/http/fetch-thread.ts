/**
 * The fetch worker's thread (started by fetch-worker.ts through src/util/worker-entry.mjs): the
 * safe fetcher, with its keep-alive connections per host, its per-host limit and its address
 * policy, answering the main thread's requests. Requests arrive in batches and answers leave in
 * batches, one message per turn of this thread's loop, bodies transferred rather than copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toWire } from '../../util/wire-error.js';
import type { FetchThreadData, FromFetchThread, ToFetchThread } from './fetch-protocol.js';
import { createSafeFetcher, hookedOptions } from './safe-fetch.js';

const data = workerData as FetchThreadData;
const port = parentPort!;
const fetcher = createSafeFetcher(data.policy, hookedOptions(data.hooks));
// This thread exists to make requests: the HTTP client is loaded now, before the first one.
void import('undici');
const running = new Map<number, AbortController>();

let answers: FromFetchThread[] = [];
let transfer: ArrayBuffer[] = [];
let flushing = false;

function answer(message: FromFetchThread, body?: ArrayBuffer): void {
  answers.push(message);
  if (body) transfer.push(body);
  if (flushing) return;
  flushing = true;
  // Every answer that came in during this turn (a burst of responses arrives together) leaves in one message.
  setImmediate(() => {
    const batch = answers;
    const buffers = transfer;
    answers = [];
    transfer = [];
    flushing = false;
    port.postMessage(batch, buffers);
  });
}

/** The body in a buffer of its own, which can be transferred (a small Buffer is a view of a shared pool). */
function ownBytes(body: Buffer): Uint8Array {
  if (body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.byteLength > 0) return new Uint8Array(body.buffer);
  return Uint8Array.prototype.slice.call(body);
}

async function get(id: number, request: Extract<ToFetchThread, { get: number }>): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    const { body, ...head } = await fetcher(request.url, { ...request.options, signal: controller.signal });
    const bytes = ownBytes(body);
    answer({ id, ok: true, head, body: bytes }, bytes.buffer as ArrayBuffer);
  } catch (error) {
    answer({ id, ok: false, error: toWire(error) });
  } finally {
    running.delete(id);
  }
}

port.on('message', (batch: ToFetchThread[]) => {
  for (const message of batch) {
    if ('abort' in message) running.get(message.abort)?.abort(new Error('aborted by its run'));
    else void get(message.get, message);
  }
});
