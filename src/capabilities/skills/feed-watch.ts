import { createHash } from 'node:crypto';
import { load } from 'cheerio';
import { parseFeed, type AnyFeed } from 'feedsmith';
import { z } from 'zod';
import { StewardError } from '../../errors.js';
import type { Fetcher } from '../http/fetcher.js';
import type { CapabilityDefinition, ExecutionRequest, ExecutionResult } from '../types.js';
import { decodeBody, httpUrlInput, requireSuccess } from '../http/response.js';
import { parseCapabilityInputs } from '../inputs.js';
import { cutText } from '../../util/json-bounds.js';

export const feedWatchInputs = z.strictObject({
  url: httpUrlInput,
  max_items: z.number().int().min(1, 'max_items must be at least 1').max(50, 'max_items must be at most 50').optional(),
});

/** One entry of a feed, whatever its format. */
export interface FeedItem {
  title: string | null;
  /** Absolute: resolved against the feed URL (and an Atom `xml:base`). */
  link: string | null;
  /** ISO 8601 when the feed's date parses, else the date as the feed wrote it. */
  published: string | null;
  /** guid / id, else the link, else `hash:` + a hash of title and published. */
  id: string;
}

const DEFAULT_MAX_ITEMS = 20;
/** Longest item title kept (characters); longer ones end in "…". */
export const MAX_TITLE_CHARS = 300;
/** Longest item link kept; a longer one is left out (a cut link would lead nowhere). */
export const MAX_LINK_CHARS = 2_000;
/** Longest item id kept in the state as written; a longer one is kept as `hash:` + a hash of it. */
export const MAX_ID_CHARS = 200;
/** How many ids the state keeps; items past this position in the feed are not looked at. */
export const SEEN_LIMIT = 500;
const FEED_ACCEPT = 'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5';

/**
 * Reads the items of an RSS (0.9x/2.0), Atom, RDF (RSS 1.0) or JSON Feed document, in feed order.
 * Throws StewardError `not_a_feed` ("https://… is not an RSS, Atom or JSON feed", naming what it
 * is instead, and the page's own feed link when an HTML page advertises one).
 */
export function parseFeedItems(body: string, contentType: string | null, feedUrl: string): FeedItem[] {
  let parsed: AnyFeed;
  try {
    parsed = parseFeed(body);
  } catch (error) {
    throw new StewardError('not_a_feed', `${feedUrl} is not an RSS, Atom or JSON feed${describeInstead(body, contentType, feedUrl)}`, {
      url: feedUrl,
      contentType,
      reason: (error as Error).message,
    });
  }
  const item = (title: string | undefined, link: string | undefined, date: string | undefined, id: string | undefined, base = feedUrl): FeedItem => {
    const published = isoDate(date);
    const absolute = resolve(link, base);
    const cleanTitle = clean(title);
    const key = clean(id) ?? absolute ?? `hash:${hash(`${cleanTitle ?? ''}\n${published ?? ''}`)}`;
    return {
      title: cleanTitle === null ? null : cutText(cleanTitle, MAX_TITLE_CHARS),
      link: absolute !== null && absolute.length <= MAX_LINK_CHARS ? absolute : null,
      published: published === null ? null : cutText(published, 100),
      id: key.length <= MAX_ID_CHARS ? key : `hash:${hash(key)}`,
    };
  };
  switch (parsed.format) {
    case 'rss':
      return (parsed.feed.items ?? []).map((i) => item(i.title, i.link, i.pubDate ?? i.dc?.dates?.[0], i.guid?.value));
    case 'rdf':
      return (parsed.feed.items ?? []).map((i) => item(i.title, i.link, i.dc?.dates?.[0], i.rdf?.about));
    case 'json':
      return (parsed.feed.items ?? []).map((i) => item(i.title, i.url ?? i.external_url, i.date_published ?? i.date_modified, i.id));
    case 'atom': {
      const feedBase = resolve(parsed.feed.xml?.base, feedUrl) ?? feedUrl;
      return (parsed.feed.entries ?? []).map((e) => {
        const link = e.links?.find((l) => !l.rel || l.rel === 'alternate') ?? e.links?.[0];
        const title = e.title && /html/i.test(e.title.type ?? '') ? load(e.title.value).text() : e.title?.value;
        return item(title, link?.href, e.published ?? e.updated, e.id, resolve(e.xml?.base, feedBase) ?? feedBase);
      });
    }
  }
}

function describeInstead(body: string, contentType: string | null, feedUrl: string): string {
  const type = contentType?.split(';')[0]?.trim() || 'no content type';
  if (!/<html[\s>]/i.test(body.slice(0, 4096))) return ` (the server sent ${type})`;
  const $ = load(body);
  const link = $('link[rel~="alternate"][href]')
    .filter((_, el) => /(rss|atom|feed)\+(xml|json)/i.test($(el).attr('type') ?? ''))
    .first()
    .attr('href');
  const feed = resolve(link, feedUrl);
  return feed ? ` (it is a web page; its feed seems to be ${feed})` : ' (it is a web page)';
}

function isoDate(value: string | undefined): string | null {
  const text = clean(value);
  if (text === null) return null;
  const time = Date.parse(text);
  return Number.isNaN(time) ? text : new Date(time).toISOString();
}

function resolve(link: string | undefined, base: string): string | null {
  const text = clean(link);
  if (text === null) return null;
  try {
    return new URL(text, base).href;
  } catch {
    return text;
  }
}

function clean(value: string | undefined): string | null {
  const text = value?.replace(/\s+/g, ' ').trim();
  return text ? text : null;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

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
 * Throws on a non-2xx answer, a FetchError, or a body that is not a feed.
 */
export function createFeedWatch(fetcher: Fetcher): NonNullable<CapabilityDefinition['skill']> {
  return async (request: ExecutionRequest): Promise<ExecutionResult> => {
    const inputs = parseCapabilityInputs('feed_watch', feedWatchInputs, request.inputs);
    const response = await fetcher(inputs.url, { signal: request.signal, accept: FEED_ACCEPT });
    requireSuccess(response, inputs.url);
    const contentType = response.headers['content-type'] ?? null;
    const items = parseFeedItems(decodeBody(response.body, contentType), contentType, response.url).slice(0, SEEN_LIMIT);

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

/** The feed_watch capability, its skill fetching through `fetcher`. */
export const feedWatchDefinition = (fetcher: Fetcher): CapabilityDefinition => ({
  name: 'feed_watch',
  description: 'Watches an RSS, Atom or JSON Feed and reports the items that appeared since the last run.',
  inputs: feedWatchInputs,
  example: '/automation create name:kettle-news capability:feed_watch schedule:0 * * * * inputs:url=https://news.example/feed.xml alert:count > 0',
  skill: createFeedWatch(fetcher),
});
