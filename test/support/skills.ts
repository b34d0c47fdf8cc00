import type { JsonObject } from '../../src/automations/types.js';
import { ContentWorkers } from '../../src/capabilities/content/pool.js';
import { createSafeFetcher, DEFAULT_FETCH_POLICY, type SafeFetcher } from '../../src/capabilities/http/safe-fetch.js';
import type { ExecutionRequest } from '../../src/capabilities/types.js';

/**
 * A page within the element and depth caps (MAX_ELEMENTS, MAX_DEPTH in content/limits.ts) that
 * page_watch takes seconds to read: 60 towers of 490 nested price-named blocks, each of whose
 * ancestors is looked at for every one of them.
 */
export const SLOW_PAGE = '<html><body>' + ('<div class="price">'.repeat(490) + '$1' + '</div>'.repeat(490)).repeat(60);

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
