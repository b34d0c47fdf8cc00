/**
 * Alerts as people read them, through the real bot against the Discord emulator: each
 * capability's own wording (currency, link, "was"), incidents that resolve (one alert, one
 * Resolved notice, the first message edited), flapping checks held back by confirm_after, and the
 * raw output behind the Output button.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/automations/access.js';
import type { CreateInput } from '../src/automations/service.js';
import { customId } from '../src/discord/interactions/custom-id.js';
import { ALICE, BOB, startBot, type BotHarness } from './support/bot-harness.js';
import type { EmulatedMessage } from './support/discord-emulator.js';
import { runAfter as runAfterAs, settle, until } from './support/bot-waits.js';
import { serve } from './support/http-fixture.js';

const GREEN = 0x57f287;
const RED = 0xed4245;
const GREY = 0x99aab5;

let up = true;
let kettle = { price: '104.99', currency: 'USD' };
let feedItems = 3;

const productPage = (p: { price: string; currency: string }) =>
  `<html><head><title>Shop</title><meta property="og:image" content="/img/kettle.jpg">
   <script type="application/ld+json">{"@type":"Product","name":"Steel Kettle 1.7 L","offers":{"@type":"Offer","price":"${p.price}","priceCurrency":"${p.currency}","availability":"https://schema.org/InStock"}}</script>
   </head><body></body></html>`;

const feed = () =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>${Array.from(
    { length: feedItems },
    (_, i) => `<item><title>Story ${feedItems - i}</title><link>https://news.example/${feedItems - i}</link><guid>${feedItems - i}</guid></item>`,
  ).join('')}</channel></rss>`;

let site: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  site = await serve({
    '/status': (_, res) => void (up ? res.writeHead(200).end('all good') : res.writeHead(503).end('maintenance')),
    '/kettle': (_, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(productPage(kettle)),
    '/plain-kettle': (_, res) =>
      void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<html lang="en-GB"><head><title>Steel Kettle | Kettle Corner</title><meta property="og:site_name" content="Kettle Corner"></head><body><h1>Steel Kettle</h1><span class="price">£${kettle.price}</span><p class="availability">Sold out</p></body></html>`),
    '/feed.xml': (_, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed()),
  });
});
afterAll(() => site.close());

let h: BotHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  up = true;
});


const alice = (hh: BotHarness): Actor => ({ userId: ALICE, guildId: hh.discord.guildId, manager: false });
const tasks = (hh: BotHarness): EmulatedMessage[] => hh.discord.channelMessages(hh.discord.tasksChannelId).filter((m) => !m.deleted);
const create = (hh: BotHarness, input: Omit<CreateInput, 'schedule'>) => hh.steward.engine.service.create(alice(hh), { schedule: 'manual', ...input });
const uptime = (hh: BotHarness, extra: Partial<CreateInput> = {}) =>
  create(hh, { name: 'my-site', capability: 'http_check', inputs: { url: site.url('/status') }, alert: 'ok == false', ...extra });

/** Runs the automation now as Alice, `minutes` after the last run (on the fake clock), and lets the outbox deliver. */
const runAfter = (hh: BotHarness, id: number, minutes: number) => runAfterAs(hh, alice(hh), id, minutes);

describe('each capability writes its alert', () => {
  it('page_watch: the product linked, its price in its currency with what it was, green for a drop, its picture', async () => {
    h = await startBot();
    kettle = { price: '104.99', currency: 'USD' };
    const a = create(h, { name: 'kettle', capability: 'page_watch', inputs: { url: site.url('/kettle') }, alert: 'price < 100' });
    await runAfter(h, a.id, 0);
    kettle = { price: '89.99', currency: 'USD' };
    await runAfter(h, a.id, 60);
    await until(() => tasks(h!).length === 1, 'the price alert');
    const embed = tasks(h)[0]!.embeds[0]!;
    expect(embed.title).toBe('Steel Kettle 1.7 L');
    expect(embed.url).toBe(site.url('/kettle'));
    expect(embed.description).toBe("**$89.99**, was $104.99, \u221214%\nIn stock\n-# Price from the page's product data (JSON-LD)");
    expect(embed.fields).toEqual([expect.objectContaining({ name: 'Alert when', value: 'the price is under $100.00 (`price < 100`)' })]);
    expect(embed.color).toBe(GREEN);
    expect(embed.thumbnail?.url).toBe(site.url('/img/kettle.jpg'));
  });

  it('page_watch: a price read from the page\'s words says so, discreetly, and a sold-out shop says out of stock', async () => {
    h = await startBot();
    kettle = { price: '45.00', currency: 'GBP' };
    const a = create(h, { name: 'plain-kettle', capability: 'page_watch', inputs: { url: site.url('/plain-kettle') }, alert: 'price < 50' });
    await runAfter(h, a.id, 0);
    await until(() => tasks(h!).length === 1, 'the price alert');
    const embed = tasks(h)[0]!.embeds[0]!;
    expect(embed.title).toBe('Steel Kettle');
    expect(embed.description).toBe('**£45.00**\nOut of stock\n-# Price read from the page\'s text beside the product\'s name; a selector input can choose another');
    const row = h.store.db.prepare<[number], { output: string }>('SELECT output FROM automation_run WHERE automation_id = ?').get(a.id)!;
    expect(JSON.parse(row.output)).toMatchObject({ price: 45, currency: 'GBP', in_stock: false, price_source: 'text' });
  });

  it('page_watch: euros written as people who use them write them (89,99 €)', async () => {
    h = await startBot();
    kettle = { price: '99.99', currency: 'EUR' };
    const a = create(h, { name: 'wasserkocher', capability: 'page_watch', inputs: { url: site.url('/kettle') }, alert: 'price < 95' });
    await runAfter(h, a.id, 0);
    kettle = { price: '89.99', currency: 'EUR' };
    await runAfter(h, a.id, 60);
    await until(() => tasks(h!).length === 1, 'the price alert');
    expect(tasks(h)[0]!.embeds[0]!.description).toBe("**89,99\u00a0€**, was 99,99\u00a0€, \u221210%\nIn stock\n-# Price from the page's product data (JSON-LD)");
  });

  it('http_check: down, with the status, latency, URL and since when, in red', async () => {
    h = await startBot();
    up = false;
    const a = uptime(h);
    await runAfter(h, a.id, 0);
    await until(() => tasks(h!).length === 1, 'the alert');
    const embed = tasks(h)[0]!.embeds[0]!;
    expect(embed.title).toMatch(/^🔴 my-site is down — 503 in \d+ ms$/);
    const since = Math.floor(h.clock.now().getTime() / 1000);
    expect(embed.description).toBe(`${site.url('/status')}\nDown since <t:${since}:f> (<t:${since}:R>)`);
    expect(embed.color).toBe(RED);
    expect(JSON.stringify(embed)).not.toContain('latency_ms');
  });

  it('feed_watch: the new items as links, ten of them, then "and N more"', async () => {
    h = await startBot();
    feedItems = 3;
    const a = create(h, { name: 'news', capability: 'feed_watch', inputs: { url: site.url('/feed.xml') }, alert: 'count > 0' });
    await runAfter(h, a.id, 0); // the baseline: old news is not news
    feedItems = 15;
    await runAfter(h, a.id, 60);
    await until(() => tasks(h!).length === 1, 'the feed alert');
    const embed = tasks(h)[0]!.embeds[0]!;
    expect(embed.title).toBe('news: 12 new items');
    const lines = embed.description!.split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toMatch(/^• \[Story \d+\]\(https:\/\/news\.example\/\d+\)$/);
    expect(lines.at(-1)).toBe('and 2 more');
  });

  it('ask: the answer’s main text, not its JSON; the raw output is behind Output, for the owner only', async () => {
    h = await startBot();
    h.provider.answer = () => ({ text: JSON.stringify({ answer: 'Rust 1.80 shipped with LazyCell.', headlines: ['Rust 1.80', 'Cargo news'] }), inputTokens: 10, outputTokens: 10 });
    const a = create(h, { name: 'rust-news', capability: 'ask', inputs: { prompt: 'Rust news this week' }, alert: 'exists answer' });
    await runAfter(h, a.id, 0);
    await until(() => tasks(h!).length === 1, 'the answer');
    const message = tasks(h)[0]!;
    const embed = message.embeds[0]!;
    expect(embed.title).toBe('rust-news');
    expect(embed.description).toBe('Rust 1.80 shipped with LazyCell.\n\n**Headlines**\n• Rust 1.80\n• Cargo news');
    expect(embed.description).not.toContain('{');

    const run = h.store.runs.recent(a.id, 1)[0]!;
    const shown = await h.discord.click(ALICE, message, customId.runOutput(run.id));
    await shown.answered();
    expect(shown.reply()).toMatchObject({ flags: 64 });
    expect(shown.reply()!.content).toMatch(/^Output of run #\d+ of \*\*rust-news\*\*:\n```json\n\{\n {2}"answer": "Rust 1\.80 shipped with LazyCell\.",/);
    const stranger = await h.discord.click(BOB, message, customId.runOutput(run.id));
    await stranger.answered();
    expect(stranger.reply()!.content).toBe(`❌ run #${run.id} not found`);
  });

  it('/automation show reads the last output too, names the owner by mention and pings nobody', async () => {
    h = await startBot();
    const a = uptime(h);
    await runAfter(h, a.id, 0);
    const trace = await h.discord.slash(ALICE, 'automation', { subcommand: 'show', options: { name: 'my-site' } });
    await trace.answered();
    const embed = trace.reply()!.embeds![0] as { fields: { name: string; value: string }[] };
    expect(embed.fields).toContainEqual(expect.objectContaining({ name: 'Owner', value: `<@${ALICE}>` }));
    expect(embed.fields.find((f) => f.name === 'What it saw')!.value).toMatch(/^\*\*\[🟢 my-site is up — 200 in \d+ ms\]\(http/);
    expect(JSON.stringify(embed)).not.toContain('"ok":true');
    const callback = trace.events.find((e) => e.kind === 'callback')!;
    expect(callback.data).toMatchObject({ allowed_mentions: { parse: [] } });
  });
});

describe('incidents: one alert, one Resolved notice, the first message edited', () => {
  it('a site going down and coming back up 12 minutes later', async () => {
    h = await startBot();
    up = false;
    const a = uptime(h);
    await runAfter(h, a.id, 0);
    for (let i = 0; i < 3; i++) await runAfter(h, a.id, 3);
    await until(() => tasks(h!).length === 1, 'the alert');
    await settle();
    expect(tasks(h)).toHaveLength(1); // down four times: one alert
    const started = Math.floor(h.clock.now().getTime() / 1000) - 9 * 60;

    up = true;
    await runAfter(h, a.id, 3);
    await until(() => tasks(h!).length === 2, 'the Resolved notice');
    const [alert, resolved] = tasks(h);
    expect(resolved!.embeds[0]!.title).toBe('🟢 my-site is back up after 12 min, 4 checks down');
    expect(resolved!.embeds[0]!.color).toBe(GREEN);
    expect(resolved!.allowed_mentions).toEqual({ parse: [] });

    await until(() => alert!.edited_timestamp !== null, 'the edit of the first alert');
    const edited = alert!.embeds[0]!;
    const ended = Math.floor(h.clock.now().getTime() / 1000);
    expect(edited.title).toMatch(/^🔴 my-site is down — 503 in \d+ ms$/);
    expect(edited.description).toBe(
      `✅ **Resolved** <t:${ended}:f> (<t:${ended}:R>), after 12 min\n${site.url('/status')}\nDown since <t:${started}:f> (<t:${started}:R>)`,
    );
    expect(edited.color).toBe(GREY);
    expect(JSON.stringify(alert!.components)).toContain(customId.automation('show', a.id));

    // Up again: nothing more to say.
    await runAfter(h, a.id, 3);
    await settle();
    expect(tasks(h)).toHaveLength(2);
    const recorded = h.store.outbox.all();
    expect(recorded.map((n) => n.type)).toEqual(['alert', 'resolved', 'edit']);
    expect(recorded[0]!.messageId).toBe(alert!.id);
  });

  it('confirm_after:3 — a flapping check alerts only on the third failure in a row, and resolves only on the third success', async () => {
    h = await startBot();
    const a = uptime(h, { confirmAfter: 3 });
    const pattern = [false, false, true, false, false]; // flaps: never three down in a row
    for (const state of pattern) {
      up = state;
      await runAfter(h, a.id, 5);
    }
    await settle();
    expect(tasks(h)).toHaveLength(0);

    up = false; // ends the flapping run: the last two were down, this is the third
    await runAfter(h, a.id, 5);
    await until(() => tasks(h!).length === 1, 'the alert on the third failure');
    expect(tasks(h)[0]!.embeds[0]!.title).toMatch(/^🔴 my-site is down/);
    expect(h.store.runs.recent(a.id, 1)[0]!.alertSent).toBe(true);

    up = true;
    await runAfter(h, a.id, 5);
    await runAfter(h, a.id, 5);
    await settle();
    expect(tasks(h)).toHaveLength(1); // two good checks: not resolved yet
    await runAfter(h, a.id, 5);
    await until(() => tasks(h!).length === 2, 'the Resolved notice');
    // Down from the first of the three failures to the first of the three successes.
    expect(tasks(h)[1]!.embeds[0]!.title).toBe('🟢 my-site is back up after 15 min, 3 checks down');
  });

  it('notify_resolved:false — no Resolved notice, the original still edited, quietly', async () => {
    h = await startBot();
    up = false;
    const a = uptime(h, { notifyResolved: false });
    await runAfter(h, a.id, 0);
    await until(() => tasks(h!).length === 1, 'the alert');
    up = true;
    await runAfter(h, a.id, 5);
    const [alert] = tasks(h);
    await until(() => alert!.edited_timestamp !== null, 'the edit');
    expect(alert!.embeds[0]!.description).toMatch(/^✅ \*\*Resolved\*\* <t:\d+:f> \(<t:\d+:R>\), after 5 min\n/);
    await settle();
    expect(tasks(h)).toHaveLength(1);
  });

  it('confirm_after and notify_resolved are options of create and edit, shown with the alert', async () => {
    h = await startBot();
    const created = await h.discord.slash(ALICE, 'automation', {
      subcommand: 'create',
      options: { name: 'flappy', capability: 'http_check', schedule: 'manual', inputs: `url=${site.url('/status')}`, alert: 'ok == false', confirm_after: 3, notify_resolved: false },
    });
    await created.answered();
    const fields = (created.reply()!.embeds![0] as { fields: { name: string; value: string }[] }).fields;
    expect(fields.find((f) => f.name === 'Alert')!.value).toBe(
      '`ok == false` — when it turns true (held on 3 runs in a row; resolved after 3 without), to the tasks channel; no Resolved notice',
    );
    const stored = h.store.automations.findByName(ALICE, 'flappy')!;
    expect(stored).toMatchObject({ confirmAfter: 3, notifyResolved: false });
    const edited = await h.discord.slash(ALICE, 'automation', { subcommand: 'edit', options: { name: 'flappy', confirm_after: 1, notify_resolved: true } });
    await edited.answered();
    expect(h.store.automations.get(stored.id)).toMatchObject({ confirmAfter: 1, notifyResolved: true });
    // Discord keeps the option at 1 or more; the service refuses anything else from anywhere.
    expect(() => h!.steward.engine.service.edit(alice(h!), stored.id, { confirmAfter: 0 })).toThrow('confirm_after must be at least 1');
  });
});
