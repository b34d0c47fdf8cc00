import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../src/automations/types.js';
import { createFeedWatch, feedWatchDefinition, SEEN_LIMIT } from '../src/capabilities/skills/feed-watch.js';
import { parseFeedItems } from '../src/capabilities/skills/feed-parse.js';
import { serve, type Route } from './support/http-fixture.js';
import { fixtureFetcher, fixtureWorkers, skillRequest } from './support/skills.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/feeds/${name}`, import.meta.url), 'utf8');
const FEED = 'https://news.example/feeds/main.xml';

describe('parseFeedItems', () => {
  it('reads RSS 2.0: guid, else link, else a hash; pubDate or dc:date as ISO; relative links resolved', () => {
    const items = parseFeedItems(fixture('rss2.xml'), 'application/rss+xml', FEED);
    expect(items).toEqual([
      { title: 'Kettle prices fall', link: 'https://news.example/2024/05/prices-fall', published: '2024-05-14T06:30:00.000Z', id: 'news-1003' },
      { title: 'Boil & brew: a guide', link: 'https://news.example/2024/05/boil-and-brew', published: '2024-05-13T12:00:00.000Z', id: 'https://news.example/2024/05/boil-and-brew' },
      { title: 'No guid, just a link', link: 'https://news.example/2024/05/no-guid', published: '2024-05-12T09:15:00.000Z', id: 'https://news.example/2024/05/no-guid' },
      { title: 'Neither guid nor link', link: null, published: '2024-05-11T07:00:00.000Z', id: expect.stringMatching(/^hash:[0-9a-f]{16}$/) },
    ]);
    expect(parseFeedItems(fixture('rss2.xml'), null, FEED)[3]!.id).toBe(items[3]!.id); // stable across runs
  });

  it('reads Atom: the alternate link resolved against the feed URL, published else updated, html titles as text', () => {
    expect(parseFeedItems(fixture('atom.xml'), 'application/atom+xml', 'https://blog.example/feeds/atom.xml')).toEqual([
      { title: 'Second <post>', link: 'https://blog.example/feeds/posts/second', published: '2024-06-02T08:00:00.000Z', id: 'tag:blog.example,2024:post-2' },
      { title: 'First post', link: 'https://blog.example/posts/first', published: '2024-06-01T09:00:00.000Z', id: 'tag:blog.example,2024:post-1' },
    ]);
  });

  it('honours an Atom xml:base', () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://cdn.example/blog/"><title>t</title>
      <entry><id>e1</id><title>a</title><link href="p/1"/><updated>2024-01-01T00:00:00Z</updated></entry></feed>`;
    expect(parseFeedItems(atom, null, FEED)[0]!.link).toBe('https://cdn.example/blog/p/1');
  });

  it('reads RDF (RSS 1.0) with dc:date and rdf:about as the id', () => {
    expect(parseFeedItems(fixture('rdf.xml'), 'application/rdf+xml', FEED)).toEqual([
      { title: 'Quasars, explained', link: 'https://science.example/a/quasars', published: '2024-03-05T14:00:00.000Z', id: 'https://science.example/a/quasars' },
      { title: 'Tardigrades in space', link: 'https://science.example/a/tardigrades', published: '2024-03-04T08:30:00.000Z', id: 'https://science.example/a/tardigrades' },
    ]);
  });

  it('reads JSON Feed 1.1, untitled items included', () => {
    expect(parseFeedItems(fixture('feed.json'), 'application/feed+json', 'https://notes.example/feed.json')).toEqual([
      { title: 'On tea', link: 'https://notes.example/2024/07/02/tea', published: '2024-07-03T01:45:00.000Z', id: 'https://notes.example/2024/07/02/tea' },
      { title: null, link: 'https://notes.example/2024/07/01/untitled', published: '2024-07-01T08:00:00.000Z', id: '2' },
    ]);
  });

  it('keeps a date it cannot read as written', () => {
    const rss = '<rss version="2.0"><channel><title>t</title><item><title>a</title><guid>1</guid><pubDate>sometime in May</pubDate></item></channel></rss>';
    expect(parseFeedItems(rss, null, FEED)[0]!.published).toBe('sometime in May');
  });

  it('a web page is not a feed, and the error points at the feed the page advertises', () => {
    expect(() => parseFeedItems(fixture('not-a-feed.html'), 'text/html; charset=utf-8', 'https://news.example/')).toThrow(
      'https://news.example/ is not an RSS, Atom or JSON feed (it is a web page; its feed seems to be https://news.example/feed.xml)',
    );
    expect(() => parseFeedItems('{"hello": "world"}', 'application/json', 'https://api.example/x')).toThrow(
      'https://api.example/x is not an RSS, Atom or JSON feed (the server sent application/json)',
    );
  });
});

const httpFetcher = fixtureFetcher();
const workers = fixtureWorkers();
afterAll(() => Promise.all([httpFetcher.close(), workers.close()]));
const request = (inputs: JsonObject, state: JsonObject = {}) => skillRequest('feed_watch', inputs, state);

type Entry = { guid: string; title: string; date: string };
const rss = (entries: Entry[]) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Live</title><link>https://live.example/</link><description>d</description>${entries
    .map((e) => `<item><title>${e.title}</title><link>/posts/${e.guid}</link><guid isPermaLink="false">${e.guid}</guid><pubDate>${e.date}</pubDate></item>`)
    .join('')}</channel></rss>`;
const entry = (n: number, day: number): Entry => ({ guid: `g${n}`, title: `Post ${n}`, date: new Date(Date.UTC(2024, 4, day, 8)).toUTCString() });

describe('feed_watch skill over HTTP', () => {
  let site: Awaited<ReturnType<typeof serve>>;
  let live: Entry[] = [entry(3, 3), entry(2, 2), entry(1, 1)];
  let accept: string | undefined;
  const feedWatch = createFeedWatch(httpFetcher, workers);
  const serveText = (body: () => string, type: string): Route => (_, res) => res.writeHead(200, { 'content-type': type }).end(body());

  beforeAll(async () => {
    site = await serve({
      '/live.xml': (req, res) => {
        accept = req.headers.accept;
        res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(rss(live));
      },
      '/atom.xml': serveText(() => fixture('atom.xml'), 'application/atom+xml'),
      '/feed.json': serveText(() => fixture('feed.json'), 'application/feed+json'),
      '/page': serveText(() => fixture('not-a-feed.html'), 'text/html'),
    });
  });
  afterAll(() => site.close());

  it('the first run is a baseline: everything is recorded as seen and nothing is reported', async () => {
    const url = site.url('/live.xml');
    const result = await feedWatch(request({ url }));
    expect(result.output).toEqual({ new_items: [], count: 0, baseline: true, feed_items: 3 });
    expect(result.state).toEqual({ seen: ['g3', 'g2', 'g1'], url });
    expect(accept).toContain('application/rss+xml');
  });

  it('later runs report only unseen items, newest first, at most max_items, and remember them all', async () => {
    const url = site.url('/live.xml');
    live = [entry(3, 3), entry(2, 2), entry(1, 1)];
    const first = await feedWatch(request({ url }));

    live = [entry(4, 4), entry(6, 6), entry(5, 5), ...live]; // the feed lists them out of order
    const second = await feedWatch(request({ url, max_items: 2 }, first.state));
    expect(second.output).toEqual({
      new_items: [
        { title: 'Post 6', link: site.url('/posts/g6'), published: '2024-05-06T08:00:00.000Z' },
        { title: 'Post 5', link: site.url('/posts/g5'), published: '2024-05-05T08:00:00.000Z' },
      ],
      count: 3,
      baseline: false,
      feed_items: 6,
    });

    const third = await feedWatch(request({ url, max_items: 2 }, second.state));
    expect(third.output).toMatchObject({ new_items: [], count: 0, baseline: false });
  });

  it('keeps the seen list bounded: the feed ids first, then the newest of the older ones', async () => {
    const url = site.url('/live.xml');
    live = [entry(2, 2), entry(1, 1)];
    const old = Array.from({ length: 600 }, (_, i) => `old-${i}`);
    const result = await feedWatch(request({ url }, { seen: ['g1', ...old], url }));
    const seen = (result.state as { seen: string[] }).seen;
    expect(seen).toHaveLength(SEEN_LIMIT);
    expect(seen.slice(0, 3)).toEqual(['g2', 'g1', 'old-0']);
    expect(seen.at(-1)).toBe(`old-${SEEN_LIMIT - 3}`);
    expect(result.output).toMatchObject({ count: 1, new_items: [{ title: 'Post 2' }] });
  });

  it('changing the url starts a new baseline instead of flooding with the other feed', async () => {
    const first = await feedWatch(request({ url: site.url('/live.xml') }));
    const other = await feedWatch(request({ url: site.url('/feed.json') }, first.state));
    expect(other.output).toMatchObject({ new_items: [], count: 0, baseline: true, feed_items: 2 });
  });

  it('reads Atom and JSON Feed, resolving links against where the feed was served', async () => {
    const atomUrl = site.url('/atom.xml');
    const atom = await feedWatch(request({ url: atomUrl }, { seen: [], url: atomUrl }));
    expect(atom.output).toMatchObject({ count: 2, new_items: [{ title: 'Second <post>', link: site.url('/posts/second') }, { title: 'First post', link: site.url('/posts/first') }] });
    const jsonUrl = site.url('/feed.json');
    const json = await feedWatch(request({ url: jsonUrl }, { seen: ['2'], url: jsonUrl }));
    expect(json.output).toMatchObject({ count: 1, new_items: [{ title: 'On tea', link: 'https://notes.example/2024/07/02/tea' }] });
  });

  it('fails the run on a 404 and on a page that is not a feed', async () => {
    const missing = site.url('/missing.xml');
    await expect(feedWatch(request({ url: missing }))).rejects.toThrow(`GET ${missing} answered 404`);
    const page = site.url('/page');
    await expect(feedWatch(request({ url: page }))).rejects.toThrow(`${page} is not an RSS, Atom or JSON feed (it is a web page; its feed seems to be ${site.url('/feed.xml')})`);
  });

  it('defines feed_watch with bounded max_items', () => {
    const definition = feedWatchDefinition(httpFetcher, workers);
    expect(definition.name).toBe('feed_watch');
    expect(definition.example).toContain('alert:count > 0');
    expect(definition.inputs.safeParse({ url: FEED, max_items: 50 }).success).toBe(true);
    expect(definition.inputs.safeParse({ url: FEED, max_items: 51 }).success).toBe(false);
    expect(definition.inputs.safeParse({ url: FEED, max_items: 0 }).success).toBe(false);
  });
});
