/**
 * `npm run preview`: drives the real bot against the Discord emulator through the messages people
 * see (create, show, list, run, alerts, pause notices, refusals) and draws each as Discord does,
 * into HTML pages and, where Debian's `chromium` is installed, PNG screenshots to open and look at.
 * Writes to $PREVIEW_DIR (default /tmp/steward-preview). A developer tool; no test depends on it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { ALICE, BOB, startBot } from '../test/support/bot-harness.js';
import type { EmulatedMessage, InteractionTrace } from '../test/support/discord-emulator.js';
import { serve } from '../test/support/http-fixture.js';
import { messageHtml, pageHtml, type MessageJson } from './render/discord-html.js';

const OUT = process.env.PREVIEW_DIR ?? '/tmp/steward-preview';
const CHROMIUM = '/usr/bin/chromium';

async function answerOf(trace: InteractionTrace): Promise<MessageJson> {
  const first = await trace.answered();
  if (first.type === 5) await trace.waitFor((e) => e.kind === 'edit' || e.kind === 'followup', 15_000);
  if (trace.rejections.length) console.warn(`${trace.label}: Discord refused ${JSON.stringify(trace.rejections).slice(0, 500)}`);
  return (trace.reply() ?? { content: '(no answer)' }) as MessageJson;
}

/**
 * URLs drawn from data instead: chromium runs while this process (which serves the fixture site)
 * waits for it, so a picture on the fixture site could not load.
 */
const inlined = new Map<string, string>();

function write(name: string, items: { caption: string; message: MessageJson; now: number }[]): void {
  let html = pageHtml(items.map((i) => messageHtml(i.message, { caption: i.caption, now: i.now, names: { [ALICE]: 'alice', [BOB]: 'bob' } })));
  for (const [url, data] of inlined) html = html.split(url).join(data);
  const htmlPath = join(OUT, `${name}.html`);
  writeFileSync(htmlPath, html);
  if (!existsSync(CHROMIUM)) return void console.log(`wrote ${htmlPath} (install chromium for PNGs)`);
  const png = join(OUT, `${name}.png`);
  const height = 200 + items.reduce((sum, i) => sum + 160 + JSON.stringify(i.message).length / 5, 0);
  execFileSync(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${join(OUT, '.chromium')}`,
    `--window-size=800,${Math.min(Math.round(height), 4000)}`, `--screenshot=${png}`, `file://${htmlPath}`,
  ], { stdio: 'ignore' });
  console.log(`wrote ${png}`);
}

/** A small PNG of a kettle-coloured square (with a lighter band), so the preview has a product picture without the internet. */
function productPicture(size = 96): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Array.from({ length: size }, (_, y) =>
    Buffer.concat([Buffer.from([0]), ...Array.from({ length: size }, () => Buffer.from(y > size * 0.4 && y < size * 0.6 ? [220, 220, 230] : [176, 184, 196]))]),
  );
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  let up = true;
  let price = '104.99';
  let feedCount = 3;
  let teapotPrice = '42.00';
  const site = await serve({
    '/shop/kettle': (_req, res) =>
      void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<html><head><title>Kettle</title><meta property="og:image" content="/img/kettle.png"><script type="application/ld+json">{"@type":"Product","name":"Steel Kettle 1.7 L","offers":{"@type":"Offer","price":"${price}","priceCurrency":"EUR","availability":"https://schema.org/InStock"}}</script></head></html>`),
    // A shop without product markup: the price and "sold out" are read from the page's words.
    '/shop/teapot': (_req, res) =>
      void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<html lang="en-GB"><head><title>Cast Iron Teapot 0.8 L | Tea Corner</title><meta property="og:site_name" content="Tea Corner"></head><body><h1>Cast Iron Teapot 0.8 L</h1><div class="pricing"><s class="price-was">£49.00</s> <span class="price">£${teapotPrice}</span></div><p class="availability">Sold out</p></body></html>`),
    '/img/kettle.png': (_req, res) => void res.writeHead(200, { 'content-type': 'image/png' }).end(productPicture()),
    '/feed.xml': (_req, res) =>
      void res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(`<rss version="2.0"><channel><title>News</title>${Array.from({ length: feedCount }, (_, i) => `<item><title>Kettle story ${feedCount - i}</title><link>https://news.example/${feedCount - i}</link><guid>${feedCount - i}</guid></item>`).join('')}</channel></rss>`),
    '/status': (_req, res) => void (up ? res.writeHead(200).end('all good') : res.writeHead(503).end('down for maintenance')),
    '/kettle': (_req, res) =>
      void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html><head><title>Kettle</title><script type="application/ld+json">{"@type":"Product","name":"Steel Kettle 1.7 L","image":"https://shop.example/kettle.jpg","offers":{"@type":"Offer","price":"89.99","priceCurrency":"USD","availability":"https://schema.org/InStock"}}</script></head></html>'),
  });
  inlined.set(site.url('/img/kettle.png'), `data:image/png;base64,${productPicture().toString('base64')}`);
  const h = await startBot();
  try {
    const now = () => h.clock.now().getTime();
    const slash = async (user: string, sub: string, options: Record<string, string | number | boolean> = {}) =>
      ({ caption: `/automation ${sub}`, message: await answerOf(await h.discord.slash(user, 'automation', { subcommand: sub, options })), now: now() });
    const channel = (): EmulatedMessage[] => h.discord.channelMessages(h.discord.tasksChannelId);
    const posted = (m: EmulatedMessage, caption: string) => ({ caption, message: m as unknown as MessageJson, now: now() });

    const items = [];
    items.push(await slash(ALICE, 'create', { name: 'my-site', capability: 'http_check', schedule: '*/5 * * * *', inputs: `url=${site.url('/status')}`, alert: 'ok == false' }));
    items.push(await slash(ALICE, 'show', { name: 'my-site' }));
    items.push(await slash(ALICE, 'run', { name: 'my-site' }));
    up = false;
    items.push(await slash(ALICE, 'run', { name: 'my-site' }));
    await new Promise((r) => setTimeout(r, 300));
    for (const m of channel()) items.push(posted(m, '#tasks'));
    write('automation', items);

    const more = [];
    more.push(await slash(BOB, 'list', { all: true }));
    const opened = await h.discord.slash(ALICE, 'automation', { subcommand: 'create', options: { name: 'typed', capability: 'http_check', schedule: '@daily' } });
    await opened.answered();
    more.push({ caption: 'create form refused', message: await answerOf(await h.discord.submitModal(ALICE, opened, { inputs: 'url=ftp://example.com' })), now: now() });
    more.push({ caption: '/capability promote (member)', message: await answerOf(await h.discord.slash(BOB, 'capability', { subcommand: 'promote', options: { name: 'summarize_page' } })), now: now() });
    write('refusals', more);

    const drafts = [];
    const caption = (sub: string) => ({ caption: `/automation ${sub}` });
    const sentence = `check this product page ${site.url('/kettle')} every morning and tell me when it drops under $100`;
    const drafted = await h.discord.slash(ALICE, 'automation', { subcommand: 'new', options: { what: sentence } });
    drafts.push({ ...caption('new'), message: await answerOf(drafted), now: now() });
    drafts.push({ ...caption('new (no page)'), message: await answerOf(await h.discord.slash(ALICE, 'automation', { subcommand: 'new', options: { what: 'tell me when the price drops' } })), now: now() });
    drafts.push({ ...caption('new (uptime)'), message: await answerOf(await h.discord.slash(ALICE, 'automation', { subcommand: 'new', options: { what: `tell me when ${site.url('/status')} is down` } })), now: now() });
    const create = (drafted.reply()?.components as { components: { custom_id: string; label: string }[] }[])[0]!.components.find((b) => b.label === 'Create')!.custom_id;
    drafts.push({ caption: 'Create pressed', message: await answerOf(await h.discord.click(ALICE, drafted, create)), now: now() });
    write('drafts', drafts);

    // Alerts written per capability, an incident resolving, the raw output behind its button.
    const alerts = [];
    const service = h.steward.engine.service;
    const actor = { userId: ALICE, guildId: h.discord.guildId, manager: false };
    const seen = new Set(channel().map((m) => m.id));
    const runAt = async (id: number, minutes: number) => {
      await h.clock.advance(minutes * 60_000);
      await service.runNow(actor, id);
      await h.steward.engine.notifications.idle();
    };
    const kettle = service.create(actor, { name: 'kettle-eur', capability: 'page_watch', schedule: 'manual', inputs: { url: site.url('/shop/kettle') }, alert: 'price < 100' });
    await runAt(kettle.id, 0);
    price = '89.99';
    await runAt(kettle.id, 60);
    const teapot = service.create(actor, { name: 'teapot', capability: 'page_watch', schedule: 'manual', inputs: { url: site.url('/shop/teapot') }, alert: 'price < 40' });
    await runAt(teapot.id, 0);
    teapotPrice = '36.50';
    await runAt(teapot.id, 60);
    const news = service.create(actor, { name: 'news', capability: 'feed_watch', schedule: 'manual', inputs: { url: site.url('/feed.xml') }, alert: 'count > 0' });
    await runAt(news.id, 0);
    feedCount = 15;
    await runAt(news.id, 60);
    up = false;
    const uptime = service.create(actor, { name: 'shop-api', capability: 'http_check', schedule: 'manual', inputs: { url: site.url('/status') }, alert: 'ok == false' });
    for (let i = 0; i < 4; i++) await runAt(uptime.id, i === 0 ? 0 : 3);
    up = true;
    await runAt(uptime.id, 3);
    await new Promise((r) => setTimeout(r, 300));
    const fresh = channel().filter((m) => !seen.has(m.id));
    for (const m of fresh) alerts.push(posted(m, m.edited_timestamp ? '#tasks (edited)' : '#tasks'));
    const uptimeAlert = fresh.find((m) => JSON.stringify(m.embeds).includes('shop-api is down'));
    const outputId = (uptimeAlert?.components as { components: { custom_id?: string; label?: string }[] }[] | undefined)?.[0]?.components.find((b) => b.label === 'Output')?.custom_id;
    if (uptimeAlert && outputId) alerts.push({ caption: 'Output pressed', message: await answerOf(await h.discord.click(ALICE, uptimeAlert, outputId)), now: now() });
    alerts.push(await slash(ALICE, 'show', { name: 'kettle-eur' }));
    alerts.push(await slash(ALICE, 'run', { name: 'shop-api' }));
    write('alerts', alerts);
  } finally {
    await h.close();
    await site.close();
  }
}

main().catch((error: unknown) => {
  console.error(`preview failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
