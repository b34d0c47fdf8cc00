/**
 * `npm run demo`: Steward against the local Discord emulator, with a temporary database and a
 * local site to watch. Plays a short script as a person would and prints what they would see.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSteward } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { DiscordEmulator, type InteractionTrace } from '../test/support/discord-emulator.js';
import { serve } from '../test/support/http-fixture.js';

const ALICE = '1400000000000000001';
let siteUp = true;

/** Discord markup as a person reads it: timestamps as dates, code spans and bold kept plain. */
function readable(text: string): string {
  return text
    .replace(/<t:(\d+):R>/g, (_, s: string) => `in ${Math.max(0, Math.round((Number(s) * 1000 - Date.now()) / 60_000))} min`)
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

async function say(discord: DiscordEmulator, line: string, subcommand: string | undefined, command: string, options: Record<string, string> = {}): Promise<InteractionTrace> {
  console.log(`\nalice › ${line}`);
  const trace = await discord.slash(ALICE, command, { ...(subcommand ? { subcommand } : {}), options });
  await trace.answered();
  if (trace.events[0]?.type === 5) await trace.waitFor((e) => e.kind === 'edit' || e.kind === 'followup', 15_000);
  console.log(show(trace.reply()));
  return trace;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'steward-demo-'));
  const site = await serve({
    '/status': (_, res) => (siteUp ? res.writeHead(200).end('all good') : res.writeHead(503).end('down for maintenance')),
    '/shop/old-kettle': (_, res) => res.writeHead(404).end('gone'),
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
    LOG_LEVEL: 'silent',
  });
  const { bot, engine } = createSteward(config, createLogger('silent'));
  const seen = new Set<string>();
  const tasksChannel = async () => {
    await new Promise((r) => setTimeout(r, 150));
    for (const m of discord.channelMessages(discord.tasksChannelId)) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      console.log(`\n#tasks › Steward posted:\n${show(m)}`);
    }
  };
  try {
    console.log(`Steward demo: a local Discord emulator (${discord.apiUrl}), a temporary database, a local site at ${site.url('/')}`);
    await bot.start();
    console.log(`Steward is online in "Demo Server"; its commands are registered (${discord.commands(discord.guildId).length}).`);

    await say(discord, '/capabilities', undefined, 'capabilities');
    await say(discord, `/automation create name:site capability:http_check schedule:*/5 * * * * inputs:url=${site.url('/status')} alert:ok == false`, 'create', 'automation', {
      name: 'site',
      capability: 'http_check',
      schedule: '*/5 * * * *',
      inputs: `url=${site.url('/status')}`,
      alert: 'ok == false',
    });
    await say(discord, '/automation run name:site   (the site is up)', 'run', 'automation', { name: 'site' });
    siteUp = false;
    console.log('\n(the site goes down)');
    await say(discord, '/automation run name:site', 'run', 'automation', { name: 'site' });
    await tasksChannel();

    await say(discord, `/automation create name:kettle capability:page_watch schedule:@hourly inputs:url=${site.url('/shop/old-kettle')}`, 'create', 'automation', {
      name: 'kettle',
      capability: 'page_watch',
      schedule: '@hourly',
      inputs: `url=${site.url('/shop/old-kettle')}`,
    });
    for (let i = 0; i < 2; i++) await say(discord, '/automation run name:kettle', 'run', 'automation', { name: 'kettle' });
    await tasksChannel();

    await say(discord, '/automation show name:site', 'show', 'automation', { name: 'site' });
    await say(discord, '/automation create name:bad capability:http_check schedule:0 25 * * *', 'create', 'automation', {
      name: 'bad',
      capability: 'http_check',
      schedule: '0 25 * * *',
      inputs: 'url=https://example.com',
    });
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
