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
import { ALICE, BOB, MIA, startBot } from '../test/support/bot-harness.js';
import type { EmulatedMessage, InteractionTrace } from '../test/support/discord-emulator.js';
import { serve } from '../test/support/http-fixture.js';
import { messageHtml, pageHtml, type MessageJson } from './render/discord-html.js';

const OUT = process.env.PREVIEW_DIR ?? '/tmp/steward-preview';
const CHROMIUM = '/usr/bin/chromium';

async function answerOf(trace: InteractionTrace): Promise<MessageJson> {
  const first = await trace.answered();
  if (first.type === 5) await trace.waitFor((e) => e.kind === 'edit' || e.kind === 'followup', 15_000);
  if (trace.rejections.length) console.warn(`${trace.label}: Discord refused ${JSON.stringify(trace.rejections).slice(0, 500)}`);
  // The stored message, with its uploaded files (a chart), not only what the reply's JSON says.
  return (trace.replyMessage() ?? { content: '(no answer)' }) as unknown as MessageJson;
}

/**
 * URLs drawn from data instead: chromium runs while this process (which serves the fixture site)
 * waits for it, so a picture on the fixture site could not load.
 */
const inlined = new Map<string, string>();

function write(name: string, items: { caption: string; message: MessageJson; now: number }[]): void {
  let html = pageHtml(items.map((i) => messageHtml(i.message, { caption: i.caption, now: i.now, names: { [ALICE]: 'alice', [BOB]: 'bob', [MIA]: 'mia' } })));
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
    '/changelog': (_req, res) =>
      void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html><head><title>Release 4.2</title><meta name="description" content="Release 4.2 adds offline sync and fixes the login bug."></head><body><h1>Offline sync</h1><p>Work without a connection.</p><h2>Login fix</h2><p>The login bug is fixed.</p></body></html>'),
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
    const outputId = (uptimeAlert?.components as { components: { custom_id?: string; label?: string }[] }[] | undefined)?.flatMap((row) => row.components).find((b) => b.label === 'Output')?.custom_id;
    if (uptimeAlert && outputId) alerts.push({ caption: 'Output pressed', message: await answerOf(await h.discord.click(ALICE, uptimeAlert, outputId)), now: now() });
    alerts.push(await slash(ALICE, 'show', { name: 'kettle-eur' }));
    alerts.push(await slash(ALICE, 'show', { name: 'shop-api' })); // latency, the down checks marked
    alerts.push(await slash(ALICE, 'show', { name: 'news' })); // new items per run
    alerts.push(await slash(ALICE, 'run', { name: 'shop-api' }));
    write('alerts', alerts);

    // Snooze and mute from an alert's buttons, what the runs say, quiet hours and their digest.
    const holds = [];
    const buttonOf = (m: EmulatedMessage, label: string) => (m.components as unknown as { components: { custom_id?: string; label?: string }[] }[]).flatMap((row) => row.components).find((b) => b.label === label)!.custom_id!;
    const before = new Set(channel().map((m) => m.id));
    up = false;
    const api = service.create(actor, { name: 'billing-api', capability: 'http_check', schedule: 'manual', inputs: { url: site.url('/status') }, alert: 'ok == false', repeatAfterSeconds: 600 });
    await runAt(api.id, 0);
    await new Promise((r) => setTimeout(r, 200));
    const apiAlert = channel().find((m) => !before.has(m.id))!;
    holds.push(posted(structuredClone(apiAlert), '#tasks: an alert and its buttons'));
    holds.push({ caption: 'Snooze 1 h pressed', message: await answerOf(await h.discord.click(ALICE, apiAlert, buttonOf(apiAlert, 'Snooze 1 h'))), now: now() });
    await h.steward.engine.notifications.idle();
    await new Promise((r) => setTimeout(r, 200));
    holds.push(posted(structuredClone(apiAlert), '#tasks (edited): snoozed'));
    await runAt(api.id, 15);
    await runAt(api.id, 15);
    up = true;
    await runAt(api.id, 15);
    holds.push(await slash(ALICE, 'runs', { name: 'billing-api' }));
    up = false;
    await runAt(api.id, 5); // down again, still snoozed: held
    await runAt(api.id, 15); // the snooze is over: one alert says it is still down
    await new Promise((r) => setTimeout(r, 200));
    const still = channel().filter((m) => !before.has(m.id) && JSON.stringify(m.embeds).includes('billing-api is down')).at(-1)!;
    holds.push(posted(structuredClone(still), '#tasks: the snooze is over'));
    holds.push({ caption: 'Mute until resolved pressed', message: await answerOf(await h.discord.click(ALICE, still, buttonOf(still, 'Mute until resolved'))), now: now() });
    await new Promise((r) => setTimeout(r, 200));
    holds.push(await slash(ALICE, 'show', { name: 'billing-api' }));
    write('alert-actions', holds);

    const quiet = [];
    const settings = async (sub: string, options: Record<string, string | boolean>) =>
      ({ caption: `/settings ${sub}`, message: await answerOf(await h.discord.slash(ALICE, 'settings', { subcommand: sub, options })), now: now() });
    await h.clock.advanceTo(new Date(Math.ceil(h.clock.now().getTime() / 86_400_000) * 86_400_000 + 21.5 * 3_600_000)); // 22:30 in Berlin
    quiet.push(await settings('timezone', { zone: 'Europe/Berlin' }));
    quiet.push(await settings('quiet', { from: '22:00', to: '07:00' }));
    quiet.push(await settings('quiet', { from: '25:00', to: '07:00' }));
    const beforeNight = new Set(channel().map((m) => m.id));
    await runAt(api.id, 0); // muted: held by the mute, not by quiet hours
    up = true;
    await runAt(api.id, 20); // resolved: the Resolved notice waits for the morning
    up = false;
    await runAt(uptime.id, 30);
    await runAt(kettle.id, 30);
    price = '79.99';
    await runAt(kettle.id, 60);
    await h.clock.advance(9 * 3_600_000);
    await h.steward.engine.notifications.idle();
    await new Promise((r) => setTimeout(r, 300));
    for (const m of channel().filter((m) => !beforeNight.has(m.id) && m.embeds[0]?.title?.startsWith('🌙'))) quiet.push(posted(m, '#tasks: the morning digest'));
    write('quiet-hours', quiet);
  } finally {
    await h.close();
  }
  try {
    await skillsPreview(site);
  } finally {
    await site.close();
  }
}

/**
 * Skills earning their place (issue 14): summarize_page's skill passes its gate and a manager is
 * asked, promotes it; re-checked by the model, the page changes, the skill's summaries drift and it
 * is demoted automatically; `/capabilities` and `/budget` with the evidence and the shadow spend.
 */
async function skillsPreview(site: Awaited<ReturnType<typeof serve>>): Promise<void> {
  const h = await startBot({ env: { SKILL_PROMOTE_MIN_RUNS: '3' }, random: () => 0 });
  try {
    const now = () => h.clock.now().getTime();
    const channel = (): EmulatedMessage[] => h.discord.channelMessages(h.discord.tasksChannelId);
    const posted = (m: EmulatedMessage, caption: string) => ({ caption, message: m as unknown as MessageJson, now: now() });
    let drifted = false;
    h.provider.answer = (_call) => {
      const prompt = h.provider.prompts.at(-1)!.user;
      if (prompt.includes('"answer_a"')) {
        return drifted
          ? { text: '{"score": 0.4, "reason": "The skill repeats an old description and misses the new pricing."}', inputTokens: 600, outputTokens: 30 }
          : { text: '{"score": 0.9, "reason": "Same facts; the skill quotes the page\'s own description."}', inputTokens: 600, outputTokens: 30 };
      }
      return { text: '{"summary": "Release 4.2 adds offline sync and fixes the login bug.", "key_points": ["Offline sync", "Login fix"]}', inputTokens: 1800, outputTokens: 60 };
    };
    const actor = { userId: ALICE, guildId: h.discord.guildId, manager: false };
    const service = h.steward.engine.service;
    const runAt = async (id: number) => {
      await h.clock.advance(60 * 60_000);
      await service.runNow(actor, id);
      await h.steward.engine.shadows.idle();
      await h.steward.engine.notifications.idle();
    };
    const items = [];
    const changelog = service.create(actor, { name: 'changelog', capability: 'summarize_page', schedule: 'manual', inputs: { url: site.url('/changelog') } });
    for (let i = 0; i < 3; i++) await runAt(changelog.id);
    await new Promise((r) => setTimeout(r, 300));
    const question = channel().at(-1)!;
    // A copy as it was posted: pressing Promote edits the message in place.
    items.push(posted(structuredClone(question), '#tasks'));
    items.push({ caption: '/capabilities', message: await answerOf(await h.discord.slash(MIA, 'capabilities')), now: now() });
    const promote = (question.components as { components: { custom_id: string; label: string }[] }[])[0]!.components.find((b) => b.label === 'Promote')!.custom_id;
    items.push({ caption: 'Promote pressed (by mia)', message: await answerOf(await h.discord.click(MIA, question, promote)), now: now() });
    await h.steward.engine.notifications.idle();
    await new Promise((r) => setTimeout(r, 300));
    items.push(posted(channel().at(-1)!, '#tasks'));
    write('skills', items.splice(0));

    drifted = true;
    for (let i = 0; i < 20; i++) await runAt(changelog.id);
    await new Promise((r) => setTimeout(r, 300));
    items.push(posted(channel().at(-1)!, '#tasks'));
    items.push({ caption: '/capabilities', message: await answerOf(await h.discord.slash(MIA, 'capabilities')), now: now() });
    write('skills-evidence', items.splice(0));
    items.push({ caption: '/budget', message: await answerOf(await h.discord.slash(MIA, 'budget')), now: now() });
    write('skills-budget', items);
  } finally {
    await h.close();
  }
}

main().catch((error: unknown) => {
  console.error(`preview failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
