import { z } from 'zod';
import { feedWatchChart } from './feed-watch-chart.js';
import type { ContentWorkers } from '../content/pool.js';
import type { Fetcher } from '../http/fetcher.js';
import type { CapabilityDefinition, ExecutionRequest, ExecutionResult } from '../types.js';
import { httpUrlInput, requireSuccess } from '../http/response.js';
import { parseCapabilityInputs } from '../inputs.js';
import { feedWatchReader } from './feed-watch-reading.js';
import { cutText } from '../../util/text.js';

export { MAX_ID_CHARS, MAX_LINK_CHARS, MAX_TITLE_CHARS } from './feed-limits.js';
export type { FeedItem } from './feed-parse.js';
import { MAX_ID_CHARS, MAX_LINK_CHARS, MAX_TITLE_CHARS } from './feed-limits.js';

export const feedWatchInputs = z.strictObject({
  url: httpUrlInput,
  max_items: z.number().int().min(1, 'max_items must be at least 1').max(50, 'max_items must be at most 50').optional(),
});

const DEFAULT_MAX_ITEMS = 20;
/** How many ids the state keeps; items past this position in the feed are not looked at. */
export const SEEN_LIMIT = 500;
const FEED_ACCEPT = 'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5';

const feedState = z.object({ seen: z.array(z.string()), url: z.string().optional() });

/**
 * The feed_watch skill. Reports `{new_items, count, baseline, feed_items}`: items whose id is not
 * in `state.seen`, newest first (by date when every new item has one, else in feed order), at most
 * `max_items` of them; `count` is how many were new in all (it can exceed `new_items.length`).
 * The first run, and the first run after the url changed, is a baseline: it records every item
 * as seen and reports none (`baseline: true`), so a new watch does not alert on old news. The
 * new state keeps the feed's ids first, then older ones, at most {@link SEEN_LIMIT} ids of at
 * most {@link MAX_ID_CHARS} characters (about 100 KB at most). Titles are cut at
 * {@link MAX_TITLE_CHARS} characters, links longer than {@link MAX_LINK_CHARS} left out.
 * The feed is fetched here and parsed in `workers` (terminated if the run's time limit passes).
 * Throws on a non-2xx answer, a FetchError, a body that is not a feed, or a feed past the element cap.
 */
export function createFeedWatch(fetcher: Fetcher, workers: ContentWorkers): NonNullable<CapabilityDefinition['skill']> {
  return async (request: ExecutionRequest): Promise<ExecutionResult> => {
    const inputs = parseCapabilityInputs('feed_watch', feedWatchInputs, request.inputs);
    const response = await fetcher(inputs.url, { signal: request.signal, accept: FEED_ACCEPT });
    requireSuccess(response, inputs.url);
    const contentType = response.headers['content-type'] ?? null;
    const items = (await workers.run('feed', { body: response.body, contentType, url: response.url }, request.signal)).slice(0, SEEN_LIMIT);

    const previous = feedState.safeParse(request.state);
    const baseline = !previous.success || (previous.data.url !== undefined && previous.data.url !== inputs.url);
    const seen = new Set(previous.success ? previous.data.seen : []);
    const reported = new Set<string>();
    const fresh = baseline ? [] : items.filter((i) => !seen.has(i.id) && !reported.has(i.id) && reported.add(i.id));
    const dated = fresh.every((i) => i.published !== null && !Number.isNaN(Date.parse(i.published)));
    const newest = dated ? [...fresh].sort((a, b) => Date.parse(b.published ?? '') - Date.parse(a.published ?? '')) : fresh;

    const kept = [...new Set([...items.map((i) => i.id), ...seen])].slice(0, SEEN_LIMIT);
    return {
      output: {
        new_items: newest.slice(0, inputs.max_items ?? DEFAULT_MAX_ITEMS).map(({ title, link, published }) => ({ title, link, published })),
        count: fresh.length,
        baseline,
        feed_items: items.length,
      },
      costUsd: 0,
      state: { seen: kept, url: inputs.url },
    };
  };
}

/** The feed_watch capability, its skill fetching through `fetcher` and parsing in `workers`. */
export const feedWatchDefinition = (fetcher: Fetcher, workers: ContentWorkers): CapabilityDefinition => ({
  name: 'feed_watch',
  description: 'Watches an RSS, Atom or JSON Feed and reports the items that appeared since the last run.',
  inputs: feedWatchInputs,
  example: '/automation create name:kettle-news capability:feed_watch schedule:0 * * * * inputs:url=https://news.example/feed.xml alert:count > 0',
  skill: createFeedWatch(fetcher, workers),
  reader: feedWatchReader,
  chart: feedWatchChart,
});
