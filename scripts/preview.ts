/**
 * `npm run preview`: drives the real bot against the Discord emulator through the messages people
 * see (create, show, list, run, alerts, pause notices, refusals) and draws each as Discord does,
 * into HTML pages and, where Debian's `chromium` is installed, PNG screenshots to open and look at.
 * Writes to $PREVIEW_DIR (default /tmp/steward-preview). A developer tool; no test depends on it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

function write(name: string, items: { caption: string; message: MessageJson; now: number }[]): void {
  const html = pageHtml(items.map((i) => messageHtml(i.message, { caption: i.caption, now: i.now, names: { [ALICE]: 'alice', [BOB]: 'bob' } })));
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

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  let up = true;
  const site = await serve({
    '/status': (_req, res) => void (up ? res.writeHead(200).end('all good') : res.writeHead(503).end('down for maintenance')),
    '/kettle': (_req, res) =>
      void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html><head><title>Kettle</title><script type="application/ld+json">{"@type":"Product","name":"Steel Kettle 1.7 L","image":"https://shop.example/kettle.jpg","offers":{"@type":"Offer","price":"89.99","priceCurrency":"USD","availability":"https://schema.org/InStock"}}</script></head></html>'),
  });
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
  } finally {
    await h.close();
    await site.close();
  }
}

main().catch((error: unknown) => {
  console.error(`preview failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
