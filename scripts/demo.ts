/**
 * `npm run demo`: Steward against the local Discord emulator, with a temporary database and a
 * local site to watch. Plays a short script as a person would and prints what they would see.
 * `npm run demo -- --html FILE` also writes the whole conversation to FILE as one self-contained
 * page drawn as Discord draws it (scripts/render/discord-html.ts), charts included.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeMarkdown } from 'discord.js';
import { createSteward } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { DiscordEmulator, type EmulatedMessage, type InteractionTrace } from '../test/support/discord-emulator.js';
import { FakeClock } from '../test/support/fake-clock.js';
import { serve } from '../test/support/http-fixture.js';
import { messageHtml, pageHtml, type MessageJson } from './render/discord-html.js';

const ALICE = '1400000000000000001';
let siteUp = true;
let kettlePrice = '109.99';

/** `--html FILE`: where to write the conversation as a page (null: text only). */
function htmlFile(argv: readonly string[]): string | null {
  const i = argv.indexOf('--html');
  if (i < 0) return null;
  const file = argv[i + 1];
  if (!file || file.startsWith('--')) throw new Error('--html needs a file name: npm run demo -- --html demo.html');
  return file;
}

/** The conversation as it went: what alice typed, what Steward answered or posted (live messages: later edits show). */
const transcript: { author: string; caption: string; message: MessageJson | EmulatedMessage; at: number }[] = [];

/** Discord markup as a person reads it: timestamps as dates, code spans and bold kept plain. */
function readable(text: string): string {
  return text
    .replace(/<t:(\d+):R>/g, (_, s: string) => {
      const minutes = Math.round((Number(s) * 1000 - Date.now()) / 60_000);
      return minutes >= 0 ? `in ${minutes} min` : `${-minutes} min ago`;
    })
    .replace(/<t:(\d+):[a-zA-Z]>/g, (_, s: string) => new Date(Number(s) * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC')
    .replace(/\*\*(.+?)\*\*/g, '$1');
}

interface Embed { title?: string; description?: string; fields?: { name: string; value: string }[]; footer?: { text: string } }
interface Row { components?: { label?: string }[] }

function show(view: { content?: string; embeds?: unknown[]; components?: unknown[] } | null, indent = '  '): string {
  if (!view) return `${indent}(no answer)`;
  const lines: string[] = [];
  if (view.content) lines.push(...readable(view.content).split('\n'));
  for (const embed of (view.embeds ?? []) as Embed[]) {
    if (embed.title) lines.push(`┃ ${readable(embed.title)}`);
    if (embed.description) lines.push(...readable(embed.description).split('\n').map((l) => `┃ ${l}`));
    for (const f of embed.fields ?? []) {
      const [first, ...rest] = readable(f.value).split('\n');
      lines.push(`┃ ${f.name}: ${first}`, ...rest.map((l) => `┃   ${l}`));
    }
    if (embed.footer) lines.push(`┃ (${embed.footer.text})`);
  }
  const buttons = ((view.components ?? []) as Row[]).flatMap((r) => r.components ?? []).map((b) => `[${b.label}]`);
  if (buttons.length) lines.push(buttons.join(' '));
  return lines.map((l) => `${indent}${l}`).join('\n');
}

async function say(discord: DiscordEmulator, clock: FakeClock, line: string, subcommand: string | undefined, command: string, options: Record<string, string> = {}): Promise<InteractionTrace> {
  console.log(`\nalice › ${line}`);
  // What she typed, as Discord shows a command's options: literally (`*/5 * * * *` is no italics).
  transcript.push({ author: 'alice', caption: 'alice', message: { content: escapeMarkdown(line.replace(/ {2,}\(.*\)$/, '')) }, at: clock.now().getTime() });
  const trace = await discord.slash(ALICE, command, { ...(subcommand ? { subcommand } : {}), options });
  await trace.answered();
  if (trace.events[0]?.type === 5) await trace.waitFor((e) => e.kind === 'edit' || e.kind === 'followup', 15_000);
  console.log(show(trace.reply()));
  const reply = trace.replyMessage();
  if (reply) transcript.push({ author: 'Steward', caption: `reply to ${line.split(' ').slice(0, 2).join(' ')}`, message: reply, at: clock.now().getTime() });
  return trace;
}

/** The transcript as one page drawn like Discord (relative timestamps as of when each message came, or, for an edited one, as of the end). */
function writeHtml(file: string, end: number): void {
  const messages = transcript.map((t) => {
    const edited = 'edited_timestamp' in t.message && t.message.edited_timestamp !== null;
    return messageHtml(t.message as MessageJson, { author: t.author, caption: `${t.caption}${edited ? ' (edited)' : ''}`, now: edited ? end : t.at, names: { [ALICE]: 'alice' } });
  });
  writeFileSync(file, pageHtml(messages, 'Steward demo: the conversation as Discord draws it'));
  console.log(`\nWrote the conversation to ${file}.`);
}

async function main(): Promise<void> {
  const html = htmlFile(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'steward-demo-'));
  const site = await serve({
    '/status': (_, res) => (siteUp ? res.writeHead(200).end('all good') : res.writeHead(503).end('down for maintenance')),
    '/shop/old-kettle': (_, res) => res.writeHead(404).end('gone'),
    '/shop/kettle': (_, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<html><head><title>Kettle</title><script type="application/ld+json">{"@type":"Product","name":"Steel Kettle 1.7 L","offers":{"@type":"Offer","price":"${kettlePrice}","priceCurrency":"EUR","availability":"https://schema.org/InStock"}}</script></head></html>`),
  });
  const discord = new DiscordEmulator({ users: [{ id: ALICE, username: 'alice' }], guildName: 'Demo Server' });
  await discord.start();
  const config = loadConfig({
    STEWARD_DB: join(dir, 'steward.db'),
    DISCORD_TOKEN: 'demo-token',
    TASKS_CHANNEL_ID: discord.tasksChannelId,
    GUILD_ID: discord.guildId,
    DISCORD_API_URL: discord.apiUrl,
    ALLOW_PRIVATE_URLS: 'true',
    FAILURE_PAUSE_THRESHOLD: '2',
    DEFAULT_TIMEZONE: 'Europe/Berlin',
    LOG_LEVEL: 'silent',
  });
  // The demo's clock starts 3 h 12 min ago, so the price watch runs hourly and the site stays down 12 minutes, in a few seconds.
  // Started 30 s past a 5-minute slot, so the site's schedule checks it the same three times on every run of the demo.
  const slot = Math.floor(Date.now() / 300_000) * 300_000;
  const clock = new FakeClock(new Date(slot - (3 * 60 + 12) * 60_000 + 30_000));
  const { bot, engine } = createSteward(config, createLogger('silent'), { clock });
  const seen = new Set<string>();
  const tasksChannel = async () => {
    await new Promise((r) => setTimeout(r, 150));
    await engine.notifications.idle();
    for (const m of discord.channelMessages(discord.tasksChannelId)) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      console.log(`\n#tasks › Steward posted:\n${show(m)}${m.attachments.length ? `\n  (with ${m.attachments.map((a) => a.filename).join(', ')})` : ''}`);
      transcript.push({ author: 'Steward', caption: '#tasks', message: m, at: clock.now().getTime() });
    }
  };
  const said = (line: string, subcommand: string | undefined, command: string, options: Record<string, string> = {}) => say(discord, clock, line, subcommand, command, options);
  try {
    console.log(`Steward demo: a local Discord emulator (${discord.apiUrl}), a temporary database, a local site at ${site.url('/')}`);
    await bot.start();
    console.log(`Steward is online in "Demo Server"; its commands are registered (${discord.commands(discord.guildId).length}).`);

    await said('/capabilities', undefined, 'capabilities');

    await said(`/automation create name:kettle-deal capability:page_watch schedule:manual inputs:url=${site.url('/shop/kettle')} alert:price < 100`, 'create', 'automation', {
      name: 'kettle-deal',
      capability: 'page_watch',
      schedule: 'manual',
      inputs: `url=${site.url('/shop/kettle')}`,
      alert: 'price < 100',
    });
    for (const price of ['109.99', '104.99', '89.99']) {
      kettlePrice = price;
      console.log(`\n(an hour later the kettle costs ${price} €)`);
      await clock.advance(3_600_000);
      await said('/automation run name:kettle-deal', 'run', 'automation', { name: 'kettle-deal' });
    }
    await tasksChannel();
    await said('/automation show name:kettle-deal', 'show', 'automation', { name: 'kettle-deal' });

    await said(`/automation create name:site capability:http_check schedule:*/5 * * * * inputs:url=${site.url('/status')} alert:ok == false`, 'create', 'automation', {
      name: 'site',
      capability: 'http_check',
      schedule: '*/5 * * * *',
      inputs: `url=${site.url('/status')}`,
      alert: 'ok == false',
    });
    await said('/automation run name:site   (the site is up)', 'run', 'automation', { name: 'site' });
    siteUp = false;
    console.log('\n(the site goes down)');
    await said('/automation run name:site', 'run', 'automation', { name: 'site' });
    await tasksChannel();
    console.log('\n(12 minutes pass: its schedule checks it three more times, still down)');
    // Slot by slot, each scheduled check finished before the clock moves on: its request goes to
    // the fetch worker's thread and takes real time, and the clock stands still meanwhile, so the
    // run reads as taking the milliseconds it took, not the rest of the fake minutes.
    const back = clock.now().getTime() + 12 * 60_000;
    for (let slot = engine.scheduler.armedFor; slot && slot.getTime() <= back; slot = engine.scheduler.armedFor) {
      await clock.advanceTo(slot);
      await engine.scheduler.idle();
    }
    await clock.advanceTo(new Date(back));
    siteUp = true;
    console.log('\n(the site comes back)');
    await said('/automation run name:site', 'run', 'automation', { name: 'site' });
    await tasksChannel();

    await said(`/automation create name:kettle capability:page_watch schedule:@hourly inputs:url=${site.url('/shop/old-kettle')}`, 'create', 'automation', {
      name: 'kettle',
      capability: 'page_watch',
      schedule: '@hourly',
      inputs: `url=${site.url('/shop/old-kettle')}`,
    });
    for (let i = 0; i < 2; i++) await said('/automation run name:kettle', 'run', 'automation', { name: 'kettle' });
    await tasksChannel();

    await said('/automation show name:site', 'show', 'automation', { name: 'site' });
    await said('/automation create name:bad capability:http_check schedule:0 25 * * *', 'create', 'automation', {
      name: 'bad',
      capability: 'http_check',
      schedule: '0 25 * * *',
      inputs: 'url=https://example.com',
    });
    if (html) writeHtml(html, clock.now().getTime());
    console.log('\nDemo finished.');
  } finally {
    await bot.stop().catch(() => undefined);
    await engine.close();
    await discord.stop();
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
