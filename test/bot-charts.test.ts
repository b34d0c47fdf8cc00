/**
 * Charts as people get them, through the real bot against the Discord emulator: `/automation show`
 * attaches a PNG of the watched number (after answering "thinking…"), a page_watch alert carries
 * the price chart as its embed's image, and a chart is left out, saying why, when there is too
 * little to draw.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/automations/access.js';
import type { CreateInput } from '../src/automations/service.js';
import { customId } from '../src/discord/interactions/custom-id.js';
import { ALICE, startBot, type BotHarness } from './support/bot-harness.js';
import type { EmulatedAttachment, EmulatedMessage, InteractionTrace } from './support/discord-emulator.js';
import { serve } from './support/http-fixture.js';
import { pngSize } from './support/png.js';
import { until } from './support/until.js';
import { finalReply } from './support/bot-waits.js';

/** What the local site serves now: a product's price (EUR), whether the status page is up, how many items the feed has. */
const INITIAL = { price: '104.99', up: true, items: 1 };
const now = { ...INITIAL };
const html = { 'content-type': 'text/html' };
const product = () =>
  `<html><head><script type="application/ld+json">{"@type":"Product","name":"Steel Kettle 1.7 L","offers":{"@type":"Offer","price":"${now.price}","priceCurrency":"EUR","availability":"https://schema.org/InStock"}}</script></head></html>`;
const items = () => Array.from({ length: now.items }, (_, i) => `<item><title>Story ${i}</title><link>https://news.example/${i}</link><guid>${i}</guid></item>`).join('');

let site: Awaited<ReturnType<typeof serve>>;
let h: BotHarness | undefined;
beforeAll(async () => {
  site = await serve({
    '/kettle': (_, res) => void res.writeHead(200, html).end(product()),
    '/status': (_, res) => void res.writeHead(now.up ? 200 : 503).end(now.up ? 'ok' : 'down'),
    '/feed.xml': (_, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`<rss version="2.0"><channel><title>News</title>${items()}</channel></rss>`),
  });
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  Object.assign(now, INITIAL);
});
afterAll(() => site.close());

const alice = (hh: BotHarness): Actor => ({ userId: ALICE, guildId: hh.discord.guildId, manager: false });
const create = (hh: BotHarness, input: Omit<CreateInput, 'schedule'>) => hh.steward.engine.service.create(alice(hh), { schedule: 'manual', timezone: 'Europe/Berlin', ...input });
const tasks = (hh: BotHarness): EmulatedMessage[] => hh.discord.channelMessages(hh.discord.tasksChannelId).filter((m) => !m.deleted);

async function runAfter(hh: BotHarness, id: number, minutes: number): Promise<void> {
  await hh.clock.advance(minutes * 60_000);
  await hh.steward.engine.service.runNow(alice(hh), id);
  await hh.steward.engine.notifications.idle();
}

/** A price watch whose second run, an hour after the first, finds the price under its alert's 100. */
async function priceDrop(hh: BotHarness) {
  const a = create(hh, { name: 'kettle', capability: 'page_watch', inputs: { url: site.url('/kettle') }, alert: 'price < 100' });
  await runAfter(hh, a.id, 0);
  now.price = '89.99';
  await runAfter(hh, a.id, 60);
  return a;
}

/** `/automation show name:…` as Alice, once its final answer (after "thinking…") is in. */
async function show(hh: BotHarness, name: string): Promise<InteractionTrace> {
  const trace = await hh.discord.slash(ALICE, 'automation', { subcommand: 'show', options: { name } });
  await finalReply(trace, 'the final answer of /automation show');
  return trace;
}

/** The message's one chart: a PNG (signature and IHDR checked) of 800 × 400 at most 200 KB, that the embed shows. */
function chartOf(message: EmulatedMessage, filename: string): EmulatedAttachment {
  expect(message.attachments.map((a) => a.filename)).toEqual([filename]);
  const chart = message.attachments[0]!;
  expect(chart.content_type).toBe('image/png');
  expect(pngSize(chart.data)).toEqual({ width: 800, height: 400 });
  expect(chart.size).toBe(chart.data.length);
  expect(chart.size).toBeLessThanOrEqual(200 * 1024);
  expect(message.embeds[0]!.image?.url).toBe(`https://cdn.discordapp.com/attachments/${message.channel_id}/${chart.id}/${filename}`);
  return chart;
}

describe('/automation show attaches the chart of the recent runs', () => {
  it('page_watch: the price as a PNG, after answering "thinking…" first (drawing may take longer than Discord waits)', async () => {
    h = await startBot();
    const a = create(h, { name: 'kettle', capability: 'page_watch', inputs: { url: site.url('/kettle') }, alert: 'price < 100' });
    for (const price of ['104.99', '102.50', '99.00']) {
      now.price = price;
      await runAfter(h, a.id, 60);
    }
    const trace = await show(h, 'kettle');
    expect(trace.events[0]).toMatchObject({ kind: 'callback', type: 5 }); // deferred
    const message = trace.replyMessage()!;
    expect(message.flags & 64).toBe(64); // still only for Alice
    chartOf(message, 'price-chart.png');
    expect(message.embeds[0]!.title).toBe('kettle');
  });

  it('the chart stays when Pause is pressed on the details, and the Show button on an alert brings it too', async () => {
    h = await startBot();
    const a = await priceDrop(h);
    const shown = await show(h, 'kettle');
    const details = shown.replyMessage()!;
    const chart = chartOf(details, 'price-chart.png');
    const paused = await h.discord.click(ALICE, details, customId.automation('pause', a.id));
    await paused.answered();
    expect(paused.events[0]).toMatchObject({ kind: 'callback', type: 7 }); // the details changed in place
    expect(details.embeds[0]!.fields!.find((f) => f.name === 'Status')!.value).toContain('paused');
    expect(chartOf(details, 'price-chart.png').id).toBe(chart.id); // the same file, still the embed's picture

    await until(() => tasks(h!).length === 1, 'the price alert', 5_000);
    const showButton = (tasks(h)[0]!.components as { components: { custom_id?: string; label?: string }[] }[])[0]!.components.find((b) => b.label === 'Show')!.custom_id!;
    const fromAlert = await h.discord.click(ALICE, tasks(h)[0]!, showButton);
    await fromAlert.answered();
    await until(() => ((fromAlert.replyMessage()?.flags ?? 128) & 128) === 0, 'the Show answer', 5_000);
    chartOf(fromAlert.replyMessage()!, 'price-chart.png');
  });

  it('http_check and feed_watch: latency (down runs marked) and new items per run', async () => {
    h = await startBot();
    const site1 = create(h, { name: 'my-site', capability: 'http_check', inputs: { url: site.url('/status') }, alert: 'ok == false' });
    const news = create(h, { name: 'news', capability: 'feed_watch', inputs: { url: site.url('/feed.xml') } });
    for (const up of [true, false, true]) {
      now.up = up;
      now.items += 2;
      await runAfter(h, site1.id, 5);
      await runAfter(h, news.id, 0);
    }
    chartOf((await show(h, 'my-site')).replyMessage()!, 'latency-chart.png');
    chartOf((await show(h, 'news')).replyMessage()!, 'new-items-chart.png');
  });

  it('says why there is no chart yet after one run, and shows none for a capability without a number', async () => {
    h = await startBot();
    const a = create(h, { name: 'kettle', capability: 'page_watch', inputs: { url: site.url('/kettle') } });
    await runAfter(h, a.id, 0);
    const trace = await show(h, 'kettle');
    expect(trace.events[0]).toMatchObject({ kind: 'callback', type: 4 }); // nothing to draw: answered at once
    const message = trace.replyMessage()!;
    expect(message.attachments).toEqual([]);
    expect(message.embeds[0]!.image).toBeUndefined();
    expect(message.embeds[0]!.fields).toContainEqual(expect.objectContaining({ name: 'Chart', value: 'A chart needs 2 runs with a price; there is 1 so far.' }));

    h.provider.answer = () => ({ text: JSON.stringify({ answer: 'Sunny.' }), inputTokens: 10, outputTokens: 5 });
    const ask = create(h, { name: 'weather', capability: 'ask', inputs: { prompt: 'Weather in Berlin?' } });
    await runAfter(h, ask.id, 0);
    await runAfter(h, ask.id, 60);
    const asked = (await show(h, 'weather')).replyMessage()!;
    expect(asked.attachments).toEqual([]);
    expect(asked.embeds[0]!.fields!.map((f) => f.name)).not.toContain('Chart');
  });
});

describe('a page_watch alert carries the price chart', () => {
  it('as its embed image, drawn when it is delivered; the Resolved edit keeps a chart', async () => {
    h = await startBot();
    const a = await priceDrop(h);
    await until(() => tasks(h!).length === 1, 'the price alert', 5_000);
    const alert = tasks(h)[0]!;
    expect(alert.embeds[0]!.title).toBe('Steel Kettle 1.7 L');
    const first = chartOf(alert, 'price-chart.png');
    // The outbox row keeps no picture: it is drawn from the runs at delivery.
    const row = h.store.db.prepare<[], { embed: string }>("SELECT embed FROM notification WHERE type = 'alert'").get()!;
    expect(row.embed.length).toBeLessThan(2_000);

    now.price = '109.99'; // back above the threshold: the incident resolves and the alert is edited
    await runAfter(h, a.id, 60);
    await until(() => alert.edited_timestamp !== null, 'the alert edited as resolved', 5_000);
    expect(alert.embeds[0]!.description).toMatch(/^✅ \*\*Resolved\*\*/);
    const again = chartOf(alert, 'price-chart.png');
    expect(again.data.equals(first.data)).toBe(true); // the same runs, the same picture
  });

  it('survives Discord failing: the alert waits in the outbox and arrives once, with its chart drawn again', async () => {
    h = await startBot();
    const a = create(h, { name: 'kettle', capability: 'page_watch', inputs: { url: site.url('/kettle') }, alert: 'price < 100' });
    await runAfter(h, a.id, 0);
    h.discord.failNext({ method: 'POST', path: new RegExp(`/channels/${h.discord.tasksChannelId}/messages$`) }, { status: 500 }, 4); // discord.js itself tries 4 times
    now.price = '89.99';
    await runAfter(h, a.id, 60);
    const queued = () => h!.store.outbox.all().find((n) => n.type === 'alert')!;
    await until(() => queued().attempts === 1, 'the failed attempt', 5_000);
    expect(tasks(h)).toEqual([]);
    const failed = h.discord.requests.filter((r) => r.status === 500);
    expect(failed.length).toBe(4);
    expect(failed.every((r) => r.files.length === 1 && r.files[0]!.filename === 'price-chart.png')).toBe(true);

    await h.clock.advance(5_000); // the outbox's backoff
    await until(() => tasks(h!).length === 1, 'the retried alert', 5_000);
    chartOf(tasks(h)[0]!, 'price-chart.png');
    await until(() => queued().deliveredAt !== null, 'the alert marked delivered');
  });
});
