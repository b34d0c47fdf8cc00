import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/automations/access.js';
import { openDatabase } from '../src/db/database.js';
import { Store } from '../src/store.js';
import { ALICE, BOB, startBot, type BotHarness } from './support/bot-harness.js';
import { customId } from '../src/discord/interactions/custom-id.js';
import { until } from './support/bot-waits.js';
import { serve } from './support/http-fixture.js';

let site: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  site = await serve({
    '/down': (_, res) => res.writeHead(503).end('maintenance'),
    '/gone': (_, res) => res.writeHead(404).end('no such page'),
  });
});
afterAll(() => site.close());

let h: BotHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});


const alice = (hh: BotHarness): Actor => ({ userId: ALICE, guildId: hh.discord.guildId, manager: false });
const tasks = (hh: BotHarness) => hh.discord.channelMessages(hh.discord.tasksChannelId).filter((m) => !m.deleted);
const createDownCheck = (hh: BotHarness, name = 'api', extra: Record<string, unknown> = {}) =>
  hh.steward.engine.service.create(alice(hh), { name, capability: 'http_check', schedule: 'manual', inputs: { url: site.url('/down') }, alert: 'ok == false', ...extra });

describe('start-up', () => {
  it('refuses to start, saying what is missing, when it cannot post in the tasks channel', async () => {
    h = await startBot({ emulator: { botCanPostInTasks: false }, startSteward: false });
    await expect(h.steward.bot.start()).rejects.toThrow('the bot cannot post in the tasks channel #tasks: it lacks SendMessages there');
    expect(h.discord.commandPuts(h.discord.guildId)).toBe(0);
  });

  it('registers its commands once, and again only when their definitions change', async () => {
    h = await startBot();
    expect(h.discord.commandPuts(h.discord.guildId)).toBe(1);
    await h.stopSteward();
    await h.restart();
    expect(h.discord.commandPuts(h.discord.guildId)).toBe(1);
    await h.stopSteward();
    const store = new Store(openDatabase(h.config.STEWARD_DB));
    store.settings.setBotState(`commands:${h.discord.guildId}`, 'definitions of an older version', h.clock.now());
    store.close();
    await h.restart();
    expect(h.discord.commandPuts(h.discord.guildId)).toBe(2);
  });

  it('keeps answering after the gateway drops: discord.js reconnects by itself', async () => {
    h = await startBot();
    const before = h.discord.gatewayConnections();
    h.discord.dropGateway();
    await until(() => h!.discord.gatewayConnections() > before, 'the gateway to reconnect');
    const trace = await h.discord.slash(ALICE, 'budget');
    await trace.answered();
    expect(trace.reply()!.embeds).toHaveLength(1);
  });
});

describe('alerts and pause notices in the tasks channel', () => {
  it('an alert arrives as an embed saying what happened, the run, Show and Output buttons, pinging nobody', async () => {
    h = await startBot();
    const a = createDownCheck(h, '@everyone look');
    const trace = await h.discord.slash(ALICE, 'automation', { subcommand: 'run', options: { name: `#${a.id}` } });
    await trace.waitFor((e) => e.kind === 'edit' || e.kind === 'followup');
    await until(() => tasks(h!).length === 1, 'the alert');
    const [message] = tasks(h);
    const embed = message!.embeds[0]!;
    // http_check reads its output: down, the status and latency, the URL, since when.
    expect(embed.title).toMatch(/^🔴 @everyone look is down — 503 in \d+ ms$/);
    expect(embed.description).toMatch(new RegExp(`^${site.url('/down').replace(/[.?]/g, '\\$&')}\nDown since <t:\\d+:f> \\(<t:\\d+:R>\\)$`));
    expect(embed.color).toBe(0xed4245);
    const run = h.store.runs.recent(a.id, 1)[0]!;
    expect(embed.footer?.text).toBe(`run #${run.id} · automation #${a.id}`);
    expect(message!.allowed_mentions).toEqual({ parse: [] });
    expect(message!.nonce).toMatch(/^steward-\d+$/);
    expect(JSON.stringify(message!.components)).toContain(`"custom_id":"${customId.automation('show', a.id)}"`);
    expect(JSON.stringify(message!.components)).toContain(`"custom_id":"${customId.runOutput(run.id)}"`);

    const shown = await h.discord.click(ALICE, message!, customId.automation('show', a.id));
    await shown.answered();
    expect(shown.reply()).toMatchObject({ flags: 64 });
    expect(shown.reply()!.embeds![0]).toMatchObject({ title: '@everyone look' });
    const stranger = await h.discord.click(BOB, message!, customId.automation('show', a.id));
    await stranger.answered();
    expect(stranger.reply()!.content).toBe(`❌ automation #${a.id} not found`);
  });

  it('goes to the owner by DM when the automation says so', async () => {
    h = await startBot();
    const a = createDownCheck(h, 'private', { alertTo: 'dm' });
    await h.steward.engine.service.runNow(alice(h), a.id);
    await until(() => h!.discord.dms(ALICE).length === 1, 'the DM');
    expect(h.discord.dms(ALICE)[0]!.embeds[0]!.title).toMatch(/^🔴 private is down — 503 in \d+ ms$/);
    expect(tasks(h)).toHaveLength(0);
  });

  it('sends the pause notice where the alerts go: an automation alerting by DM is paused by DM, not in public', async () => {
    h = await startBot({ env: { FAILURE_PAUSE_THRESHOLD: '2' } });
    const a = h.steward.engine.service.create(alice(h), { name: 'quiet', capability: 'page_watch', schedule: '0 * * * *', inputs: { url: site.url('/gone') }, alertTo: 'dm' });
    for (let i = 0; i < 2; i++) await h.steward.engine.service.runNow(alice(h), a.id);
    await until(() => h!.discord.dms(ALICE).length === 1, 'the pause notice by DM');
    expect(h.discord.dms(ALICE)[0]!.embeds[0]).toMatchObject({ title: 'Paused: quiet' });
    expect(JSON.stringify(h.discord.dms(ALICE)[0]!.components)).toContain(customId.automation('resume', a.id));
    expect(tasks(h)).toHaveLength(0);
  });

  it('pauses a failing automation with one notice whose Resume button brings it back', async () => {
    h = await startBot({ env: { FAILURE_PAUSE_THRESHOLD: '2' } });
    const a = h.steward.engine.service.create(alice(h), { name: 'shop', capability: 'page_watch', schedule: '0 * * * *', inputs: { url: site.url('/gone') } });
    for (let i = 0; i < 3; i++) await h.steward.engine.service.runNow(alice(h), a.id);
    await until(() => tasks(h!).length === 1, 'the pause notice');
    await new Promise((r) => setTimeout(r, 50));
    expect(tasks(h)).toHaveLength(1);
    const [notice] = tasks(h);
    expect(notice!.embeds[0]).toMatchObject({ title: 'Paused: shop' });
    expect(notice!.embeds[0]!.description).toBe(`Paused after 2 failed runs in a row. Last error: \`GET ${site.url('/gone')} answered 404\``);
    expect(h.store.automations.get(a.id)).toMatchObject({ status: 'paused', pausedReason: 'failures' });

    const resume = await h.discord.click(ALICE, notice!, customId.automation('resume', a.id));
    await resume.answered();
    expect(resume.reply()!.content).toBe('▶️ Resumed **shop**.');
    expect(h.store.automations.get(a.id)).toMatchObject({ status: 'active', failureCount: 0, nextRunAt: new Date('2026-03-02T09:00:00Z') });
  });
});

describe('delivery when Discord misbehaves', () => {
  it('500s from the channel endpoint: the alert waits in the outbox and arrives once', async () => {
    h = await startBot();
    const path = new RegExp(`/channels/${h.discord.tasksChannelId}/messages$`);
    h.discord.failNext({ method: 'POST', path }, { status: 500 }, 4); // discord.js itself tries 4 times
    const a = createDownCheck(h);
    const report = await h.steward.engine.service.runNow(alice(h), a.id);
    expect(report).toMatchObject({ outcome: 'succeeded', alertSent: true });
    const queued = () => h!.store.outbox.all()[0]!;
    await until(() => queued().attempts === 1, 'the failed attempt');
    expect(queued()).toMatchObject({ deliveredAt: null, lastError: 'Discord answered 500' });
    expect(tasks(h)).toHaveLength(0);

    await h.clock.advance(5_000);
    await until(() => tasks(h!).length === 1, 'the retried alert');
    await h.clock.advance(60_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(tasks(h)).toHaveLength(1);
    expect(queued().deliveredAt).not.toBeNull();
  });

  it('an answer lost after Discord created the message does not make a second one (nonce)', async () => {
    h = await startBot();
    h.discord.failNext({ method: 'POST', path: new RegExp(`/channels/${h.discord.tasksChannelId}/messages$`) }, { status: 500, afterHandling: true }, 1);
    await h.steward.engine.service.runNow(alice(h), createDownCheck(h).id);
    await until(() => h!.store.outbox.all()[0]!.deliveredAt !== null, 'delivery');
    expect(tasks(h)).toHaveLength(1);
  });

  it('a 429 is honoured: retried after retry_after (and the backoff), delivered once', async () => {
    h = await startBot();
    h.discord.failNext({ method: 'POST', path: new RegExp(`/channels/${h.discord.tasksChannelId}/messages$`) }, { status: 429, retryAfterSeconds: 0.2 }, 1);
    await h.steward.engine.service.runNow(alice(h), createDownCheck(h).id);
    const queued = () => h!.store.outbox.all()[0]!;
    await until(() => queued().attempts === 1, 'the rate-limited attempt');
    expect(queued().lastError).toMatch(/^rate limited by Discord for \d+ ms$/);
    expect(queued().nextAttemptAt.getTime() - h.clock.now().getTime()).toBe(5_000);
    await new Promise((r) => setTimeout(r, 300)); // discord.js's own bucket resets in real time
    await h.clock.advance(5_000);
    await until(() => tasks(h!).length === 1, 'the alert after the rate limit');
    expect(tasks(h)).toHaveLength(1);
  });

  it('an alert Discord refuses as invalid (50035) is sent again as plain text', async () => {
    h = await startBot();
    h.discord.failNext({ method: 'POST', path: new RegExp(`/channels/${h.discord.tasksChannelId}/messages$`) }, { status: 400 }, 1);
    await h.steward.engine.service.runNow(alice(h), createDownCheck(h, 'refused-once').id);
    await until(() => tasks(h!).length === 1, 'the plain-text alert');
    const [message] = tasks(h);
    expect(message!.embeds).toEqual([]);
    expect(message!.content).toMatch(/^🔴 refused-once is down — 503 in \d+ ms\n/);
    expect(message!.content).toContain(site.url('/down'));
    expect(h.store.outbox.all()).toMatchObject([{ attempts: 2, plainText: true, failedAt: null, lastError: null }]);
  });

  it('refused again as plain text, it is kept as a dead letter that /automation show reports', async () => {
    h = await startBot();
    h.discord.failNext({ method: 'POST', path: new RegExp(`/channels/${h.discord.tasksChannelId}/messages$`) }, { status: 400 }, 2);
    await h.steward.engine.service.runNow(alice(h), createDownCheck(h, 'refused').id);
    await until(() => h!.store.outbox.all()[0]?.failedAt != null, 'the dead letter');
    expect(tasks(h)).toHaveLength(0);
    const trace = await h.discord.slash(ALICE, 'automation', { subcommand: 'show', options: { name: 'refused' } });
    await trace.answered();
    const fields = (trace.reply()!.embeds![0] as { fields?: { name: string; value: string }[] }).fields ?? [];
    expect(fields).toContainEqual(
      expect.objectContaining({ name: 'Undelivered', value: '1 notice could not be delivered: Discord answered 400 (50035): Invalid Form Body' }),
    );
  });

  it('Discord unreachable: nothing is lost, and it is delivered after a restart', async () => {
    h = await startBot();
    h.discord.refuseRest(true);
    await h.steward.engine.service.runNow(alice(h), createDownCheck(h).id);
    await until(() => h!.store.outbox.all()[0]!.attempts >= 1, 'the failed attempt');
    await h.stopSteward();
    h.discord.refuseRest(false);
    await h.restart();
    await h.clock.advance(5_000); // the retry's backoff
    await until(() => tasks(h!).length === 1, 'delivery after the restart');
    expect(h.store.outbox.all()).toMatchObject([{ type: 'alert', attempts: 2 }]);
  });
});
