import type { JsonObject } from '../../src/automations/types.js';
import { ContentWorkers } from '../../src/capabilities/content/pool.js';
import { createSafeFetcher, DEFAULT_FETCH_POLICY, type SafeFetcher } from '../../src/capabilities/http/safe-fetch.js';
import type { ExecutionRequest } from '../../src/capabilities/types.js';

/**
 * A page within the element and depth caps (MAX_ELEMENTS, MAX_DEPTH in content/limits.ts) that
 * page_watch takes about a minute to read on this machine: 60 towers of 490 nested price-named
 * blocks around a 75-character price text, each of whose ancestors is looked at for every one of
 * them. (With a 2-character text it took 2 s: on a quiet machine that ended before the test's time
 * limit did, so the run succeeded; the tests need a read that outlasts any machine's pace.)
 */
export const SLOW_PAGE = '<html><body>' + ('<div class="price">'.repeat(490) + '$1 '.repeat(25) + '</div>'.repeat(490)).repeat(60);

/** The real safe fetcher, allowed to reach fixtures on 127.0.0.1. Close it after the tests. */
export function fixtureFetcher(): SafeFetcher {
  return createSafeFetcher({ ...DEFAULT_FETCH_POLICY, allowPrivate: true, timeoutMs: 5_000 });
}

/** A content worker pool as the engine would make one (2 threads). Close it after the tests. */
export function fixtureWorkers(): ContentWorkers {
  return new ContentWorkers({ size: 2 });
}

/** What the dispatcher hands a skill for one run of `capability`. */
export function skillRequest(capability: string, inputs: JsonObject, state: JsonObject = {}): ExecutionRequest {
  return {
    automationId: 1,
    runId: 1,
    userId: 'u1',
    capability: { name: capability, description: '' },
    inputs,
    priorRunEnd: null,
    state,
    signal: new AbortController().signal,
  };
}
