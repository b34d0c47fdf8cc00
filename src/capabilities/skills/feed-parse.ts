import { createHash } from 'node:crypto';
import { load } from 'cheerio';
import { parseFeed, type AnyFeed } from 'feedsmith';
import { StewardError } from '../../errors.js';
import { assertElementCount } from '../content/limits.js';
import { cutText } from '../../util/text.js';

import { MAX_ID_CHARS, MAX_LINK_CHARS, MAX_TITLE_CHARS } from './feed-limits.js';

export { MAX_ID_CHARS, MAX_LINK_CHARS, MAX_TITLE_CHARS } from './feed-limits.js';

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

/**
 * Reads the items of an RSS (0.9x/2.0), Atom, RDF (RSS 1.0) or JSON Feed document, in feed order.
 * Throws StewardError `not_a_feed` ("https://… is not an RSS, Atom or JSON feed", naming what it
 * is instead, and the page's own feed link when an HTML page advertises one), StewardError
 * `element_cap` for XML with more elements than content/limits.ts allows. CPU-bound on hostile
 * feeds: the skill runs it in a content worker, never on the main thread.
 */
export function parseFeedItems(body: string, contentType: string | null, feedUrl: string): FeedItem[] {
  if (!body.trimStart().startsWith('{')) assertElementCount(body, feedUrl, 'feed_watch', 'feeds');
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
