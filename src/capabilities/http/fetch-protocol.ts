import type { WireError } from '../../util/wire-error.js';
import type { FetchedResponse, FetchOptions, FetchPolicy } from './fetcher.js';
import type { FetchTestHooks } from './safe-fetch.js';

/** What the fetch worker's thread starts with: the policy, and the test hooks as data. */
export interface FetchThreadData {
  /** The module worker-entry.mjs loads (fetch-thread.ts or .js). */
  module: string;
  policy: FetchPolicy;
  hooks: FetchTestHooks;
}

/** A request for the thread (`get`: its id), or the abort of one. Posted in batches: one message per turn of the loop. */
export type ToFetchThread = { get: number; url: string; options: Omit<FetchOptions, 'signal'> } | { abort: number };

/** A response without its body, which travels beside it as a transferred buffer. */
export type ResponseHead = Omit<FetchedResponse, 'body'>;

/** What the thread answers for one request: the response and its body, or the error the safe fetcher threw. Posted in batches too. */
export type FromFetchThread = { id: number; ok: true; head: ResponseHead; body: Uint8Array } | { id: number; ok: false; error: WireError };
