import { Worker } from 'node:worker_threads';
import { FetchError } from '../../errors.js';
import { fromWire } from '../../util/wire-error.js';
import { workerModule } from '../../util/worker-module.js';
import type { FetchedResponse, FetchOptions, FetchPolicy } from './fetcher.js';
import type { FetchThreadData, FromFetchThread, ToFetchThread } from './fetch-protocol.js';
import { aborted, createSafeFetcher, hookedOptions, type FetchTestHooks, type SafeFetcher } from './safe-fetch.js';

export interface WorkerFetcherOptions {
  /** For tests and benchmarks only: see FetchTestHooks. */
  hooks?: FetchTestHooks;
  /** Told when the thread stopped with requests in flight (they fail, see stewardFailed; the next request starts a new thread). */
  onError?: (error: Error) => void;
}

/**
 * A SafeFetcher whose requests are made in a worker thread; `thread()` is that thread while it
 * runs (null before it is started), `warm()` starts it ahead of the first request.
 */
export type WorkerFetcher = SafeFetcher & { thread(): Worker | null; warm(): void };

/** Answers handed to their callers per turn of the loop (see takeAnswers). */
const ANSWERS_PER_TURN = 32;

/** The thread's heap cap: bodies are at most the policy's maxBytes each, and leave as soon as they are read. */
const THREAD_HEAP_MB = 512;

interface Pending {
  url: string;
  resolve: (response: FetchedResponse) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
}

/**
 * The safe fetcher (createSafeFetcher: the same policy, limits and errors) run in a worker thread
 * of its own, so that making requests and reading answers (connections, TLS, HTTP parsing,
 * decompression: 0.25–0.6 ms of CPU per check) happens on the second core, not on the loop that
 * schedules runs, commits them and answers Discord. The thread keeps the keep-alive connections
 * and the per-host limit; it starts with the first request, or ahead of it with `warm()` (the
 * engine warms it once its scheduler is armed, so start-up does not wait for it), and lives until
 * `close()`. Requests made in one turn of the loop go to it in one message, and its
 * answers come back the same way, bodies transferred. A caller's abort rejects at once (the
 * request is cancelled in the thread too); should the thread die, its requests fail (as Steward's
 * failure, never as the site being down) and the next request starts another.
 */
export function createWorkerFetcher(policy: FetchPolicy, options: WorkerFetcherOptions = {}): WorkerFetcher {
  const hooks = options.hooks ?? {};
  // What is refused before any request (literal private addresses, schemes) is decided here, by
  // the same code; its connection pool is never used, so undici is not even loaded for it.
  const local = createSafeFetcher(policy, hookedOptions(hooks));
  const pending = new Map<number, Pending>();
  let thread: Worker | null = null;
  let closed = false;
  let nextId = 1;
  let outgoing: ToFetchThread[] = [];

  /** Ends a request: its promise is settled by the caller; the thread no longer keeps the process alive once none is left. */
  const settle = (id: number): Pending | undefined => {
    const request = pending.get(id);
    if (!request) return undefined;
    pending.delete(id);
    if (request.onAbort) request.signal!.removeEventListener('abort', request.onAbort);
    if (pending.size === 0) thread?.unref();
    return request;
  };

  /**
   * Hands the answers to their callers, ANSWERS_PER_TURN at a time: each caller's work on its
   * answer (the run's output, its condition) runs right after, so a batch of a thousand answers
   * is taken up over several turns of the loop, with timers and Discord's events in between.
   */
  let answers: FromFetchThread[] = [];
  let taking = false;
  const takeAnswers = () => {
    const turn = answers.splice(0, ANSWERS_PER_TURN);
    for (const answer of turn) {
      const request = settle(answer.id);
      if (!request) continue; // aborted meanwhile: already rejected
      if (answer.ok) request.resolve({ ...answer.head, body: Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength) });
      else request.reject(fromWire(answer.error));
    }
    taking = answers.length > 0;
    if (taking) setImmediate(takeAnswers);
  };
  const onAnswers = (batch: FromFetchThread[]) => {
    answers = answers.length === 0 ? batch : answers.concat(batch);
    if (taking) return;
    // Taken up after this turn's other events (several messages can arrive in one turn).
    taking = true;
    setImmediate(takeAnswers);
  };

  const start = (): Worker => {
    const { entry, module } = workerModule(import.meta.url, 'fetch-thread');
    const data: FetchThreadData = { module, policy, hooks };
    const worker = new Worker(new URL(entry), { workerData: data, execArgv: [], resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } });
    worker.on('message', onAnswers);
    let failure: Error | null = null;
    worker.on('error', (error) => (failure = error));
    worker.on('exit', (code) => {
      if (thread === worker) thread = null;
      if (closed || pending.size === 0) return;
      const why = failure?.message ?? `exit code ${code}`;
      for (const id of [...pending.keys()]) {
        const request = settle(id)!;
        request.reject(stewardFailed(request.url, `the fetch worker stopped (${why})`));
      }
      options.onError?.(failure ?? new Error(`the fetch worker stopped with exit code ${code}`));
    });
    return worker;
  };

  const flush = () => {
    const batch = outgoing;
    outgoing = [];
    if (batch.length === 0 || closed) return;
    thread ??= start();
    thread.ref();
    thread.postMessage(batch);
  };
  const send = (message: ToFetchThread) => {
    if (outgoing.length === 0) queueMicrotask(flush);
    outgoing.push(message);
  };

  const fetcher = (url: string, fetchOptions: FetchOptions = {}): Promise<FetchedResponse> => {
    if (closed) return Promise.reject(stewardFailed(url, 'Steward is stopping'));
    const { signal } = fetchOptions;
    if (signal?.aborted) return Promise.reject(aborted(url, signal));
    const id = nextId++;
    return new Promise<FetchedResponse>((resolve, reject) => {
      const request: Pending = { url, resolve, reject, signal, onAbort: null };
      if (signal) {
        request.onAbort = () => {
          settle(id);
          send({ abort: id });
          reject(aborted(url, signal));
        };
        signal.addEventListener('abort', request.onAbort, { once: true });
      }
      pending.set(id, request);
      const { signal: _signal, ...rest } = fetchOptions; // a signal cannot cross: aborts go as messages
      send({ get: id, url, options: rest });
    });
  };

  /**
   * Ends the thread and its connections. Requests still in flight get no answer: their runs were
   * abandoned by the shutdown and are recorded as interrupted at the next start, not as checks
   * that failed (an error here would read as the site being down).
   */
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const id of [...pending.keys()]) settle(id);
    await thread?.terminate();
    thread = null;
  };

  /** Starts the thread (it loads its modules meanwhile) without keeping the process alive for it. */
  const warm = () => {
    if (closed || thread) return;
    thread = start();
    if (pending.size === 0) thread.unref();
  };

  return Object.assign(fetcher, { close, refusal: local.refusal, thread: () => thread, warm });
}

/**
 * The error of a request that Steward, not the site, failed to make: an `aborted` FetchError,
 * which no capability reads as the site being down (an uptime check's run fails instead of
 * reporting `ok: false`, so nobody is alerted about a site that is fine).
 */
function stewardFailed(url: string, why: string): FetchError {
  return new FetchError('aborted', url, `GET ${url} failed: ${why}`);
}
