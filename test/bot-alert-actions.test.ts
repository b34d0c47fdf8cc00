/**
 * What people do with an alert, through the real bot against the Discord emulator: Snooze 1 h /
 * 1 day and Mute until resolved from the alert's own buttons (in the tasks channel and in a DM),
 * what the runs record while alerts are held, what comes when a snooze ends; and quiet hours,
 * which hold a person's alerts in the outbox and send one digest when the window ends, across a
 * restart of the bot.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/automations/access.js';
import type { CreateInput } from '../src/automations/service.js';
import { customId } from '../src/discord/interactions/custom-id.js';
import { ALICE, BOB, MIA, startBot, type BotHarness } from './support/bot-harness.js';
import type { EmulatedMessage, InteractionTrace } from './support/discord-emulator.js';
import { finalReply, runAfter as runAfterAs, settle, until } from './support/bot-waits.js';
import { serve } from './support/http-fixture.js';

let up = true;
let site: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  site = await serve({
    '/status': (_, res) => void (up ? res.writeHead(200).end('all good') : res.writeHead(503).end('maintenance')),
    '/gone': (_, res) => void res.writeHead(500).end('broken'),
  });
});
afterAll(() => site.close());

let h: BotHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  up = true;
});

const unix = (d: Date) => Math.floor(d.getTime() / 1000);

const alice = (hh: BotHarness): Actor => ({ userId: ALICE, guildId: hh.discord.guildId, manager: false });
const tasks = (hh: BotHarness): EmulatedMessage[] => hh.discord.channelMessages(hh.discord.tasksChannelId).filter((m) => !m.deleted);
const uptime = (hh: BotHarness, extra: Partial<CreateInput> = {}) =>
  hh.steward.engine.service.create(alice(hh), { name: 'my-site', capability: 'http_check', schedule: 'manual', inputs: { url: site.url('/status') }, alert: 'ok == false', ...extra });

/** Runs the automation now as Alice, `minutes` after the last run (on the fake clock), and lets the outbox deliver. */
const runAfter = (hh: BotHarness, id: number, minutes: number) => runAfterAs(hh, alice(hh), id, minutes);

/** Starts the bot with my-site down and returns it after its first alert was posted in the tasks channel. */
async function downWithAlert(extra: Partial<CreateInput> = {}): Promise<{ hh: BotHarness; a: { id: number }; alert: EmulatedMessage }> {
  const hh = (h = await startBot());
  up = false;
  const a = uptime(hh, extra);
  await runAfter(hh, a.id, 0);
  await until(() => tasks(hh).length === 1, 'the alert');
  return { hh, a, alert: tasks(hh)[0]! };
}

async function replyText(trace: InteractionTrace): Promise<string> {
  await trace.answered();
  return trace.reply()!.content ?? '';
}

/** The lines `/automation runs` shows for my-site, newest first. */
async function runLines(hh: BotHarness): Promise<string[]> {
  const trace = await hh.discord.slash(ALICE, 'automation', { subcommand: 'runs', options: { name: 'my-site' } });
  await trace.answered();
  return ((trace.reply()!.embeds![0] as { description: string }).description ?? '').split('\n');
}

async function showFields(hh: BotHarness, name: string): Promise<{ name: string; value: string }[]> {
  const reply = await finalReply(await hh.discord.slash(ALICE, 'automation', { subcommand: 'show', options: { name } }));
  return (reply.embeds![0] as { fields: { name: string; value: string }[] }).fields;
}

const buttonLabels = (m: EmulatedMessage) => m.components.map((row) => ('components' in row ? row.components.map((c) => ('label' in c ? c.label : '')) : []));

describe('Snooze and Mute from the alert’s buttons', () => {
  it('Snooze 1 h: the alert says who snoozed it until when, nothing is sent meanwhile, the runs say "held: snoozed", then one "still" alert', async () => {
    const { hh, a, alert } = await downWithAlert({ repeatAfterSeconds: 600 });
    h = hh;
    expect(buttonLabels(alert)).toEqual([['Snooze 1 h', 'Snooze 1 day', 'Mute until resolved', 'Pause', 'Show'], ['Output']]);

    const pressed = h.clock.now();
    const answer = await replyText(await h.discord.click(ALICE, alert, customId.hold('snooze-hour', a.id)));
    const until1h = unix(pressed) + 3600;
    expect(answer).toBe(
      `🔕 Snoozed **my-site** until <t:${until1h}:f> (<t:${until1h}:R>): no alert and no Resolved notice until then. If it still holds when the snooze ends, one alert says so.`,
    );
    await until(() => alert.edited_timestamp !== null, 'the alert edited');
    expect(alert.embeds[0]!.description!.split('\n')[0]).toBe(`🔕 **Snoozed** by <@${ALICE}> until <t:${until1h}:f> (<t:${until1h}:R>)`);
    expect(alert.embeds[0]!.title).toMatch(/^🔴 my-site is down/);
    expect(alert.allowed_mentions).toEqual({ parse: [] });
    expect(h.store.automations.get(a.id)!.alertHold).toMatchObject({ kind: 'snoozed', by: ALICE });

    // Still down for the next 45 minutes: reminders would be due, and are held.
    for (let i = 0; i < 3; i++) await runAfter(h, a.id, 15);
    await settle();
    expect(tasks(h)).toHaveLength(1);
    const lines = await runLines(h);
    expect(lines.slice(0, 3).every((l) => l.includes('🔕 held: snoozed'))).toBe(true);
    expect(lines[3]).toContain('🔔 alert');
    expect((await showFields(h, 'my-site')).find((f) => f.name === 'Alerts held')!.value).toBe(`🔕 snoozed by <@${ALICE}> until <t:${until1h}:f> (<t:${until1h}:R>)`);

    // The snooze is over at the next run, and the site is still down: one alert says so.
    await runAfter(h, a.id, 20);
    await until(() => tasks(h!).length === 2, 'the "still" alert');
    const still = tasks(h)[1]!;
    expect(still.embeds[0]!.title).toMatch(/^🔴 my-site is down/);
    expect(still.embeds[0]!.description!.split('\n')[0]).toBe(`⏰ **Still the case** after the snooze that ended <t:${until1h}:R>`);
    expect(h.store.automations.get(a.id)!.alertHold).toBeNull();
    expect((await showFields(h, 'my-site')).some((f) => f.name === 'Alerts held')).toBe(false);
    // Reminders are back as before.
    await runAfter(h, a.id, 5);
    await runAfter(h, a.id, 6);
    await until(() => tasks(h!).length === 3, 'the next reminder');
  });

  it('a snooze that ends after the site came back: no Resolved notice, the alert only edited (quietly), the run marked resolved', async () => {
    const { hh, a, alert } = await downWithAlert();
    h = hh;
    await (await h.discord.click(ALICE, alert, customId.hold('snooze-day', a.id))).answered();
    await until(() => alert.embeds[0]!.description!.startsWith('🔕 **Snoozed**'), 'the snoozed edit');

    up = true;
    await runAfter(h, a.id, 30);
    await until(() => alert.embeds[0]!.description!.startsWith('✅ **Resolved**'), 'the resolved edit');
    expect(alert.embeds[0]!.description).toMatch(/^✅ \*\*Resolved\*\* <t:\d+:f> \(<t:\d+:R>\), after 30 min\n/);
    expect(buttonLabels(alert)).toEqual([['Show', 'Output']]);
    const [resolvedRun] = await runLines(h);
    expect(resolvedRun).toContain('🟢 resolved');
    expect(resolvedRun).toContain('🔕 held: snoozed');

    // The day passes; the site stays up: nothing more is said.
    await runAfter(h, a.id, 24 * 60);
    await settle();
    expect(tasks(h)).toHaveLength(1);
    expect(h.store.outbox.all().map((n) => n.type)).toEqual(['alert', 'edit', 'edit']);
  });

  it('Mute until resolved: reminders held ("held: muted"), the Resolved notice comes, and the mute ends by itself', async () => {
    const { hh, a, alert } = await downWithAlert({ repeatAfterSeconds: 600 });
    h = hh;
    const answer = await replyText(await h.discord.click(ALICE, alert, customId.hold('mute', a.id)));
    expect(answer).toBe('🔇 Muted **my-site** until it resolves: no alert until its condition turns false; the Resolved notice then comes as usual.');
    await until(() => alert.embeds[0]!.description!.startsWith(`🔇 **Muted** by <@${ALICE}> until it resolves`), 'the muted edit');

    await runAfter(h, a.id, 15);
    await runAfter(h, a.id, 15);
    await settle();
    expect(tasks(h)).toHaveLength(1);
    expect((await runLines(h))[0]).toContain('🔇 held: muted');

    up = true;
    await runAfter(h, a.id, 15);
    await until(() => tasks(h!).length === 2, 'the Resolved notice');
    expect(tasks(h)[1]!.embeds[0]!.title).toBe('🟢 my-site is back up after 45 min, 3 checks down');
    expect(h.store.automations.get(a.id)!.alertHold).toBeNull();

    up = false; // a new incident: it alerts again
    await runAfter(h, a.id, 5);
    await until(() => tasks(h!).length === 3, 'the next alert');
  });

  it('Mute on an alert that has resolved already says there is nothing to mute', async () => {
    const { hh, a, alert } = await downWithAlert({ notifyResolved: false });
    h = hh;
    up = true;
    await runAfter(h, a.id, 5);
    // The resolved edit drops the hold buttons; a press that raced the edit (on the message as it was) still reaches the bot.
    const answer = await replyText(await h.discord.click(ALICE, { ...alert, components: [{ type: 1, components: [{ type: 2, style: 2, label: 'Mute until resolved', custom_id: customId.hold('mute', a.id) }] }] }, customId.hold('mute', a.id)));
    expect(answer).toBe('❌ "my-site" has no open alert: its condition is not true now, so there is nothing to mute until resolved');
    expect(h.store.automations.get(a.id)!.alertHold).toBeNull();
  });

  it('a member who is not the owner pressing Snooze is refused, and nothing is snoozed', async () => {
    const { hh, a, alert } = await downWithAlert();
    h = hh;
    const trace = await h.discord.click(BOB, alert, customId.hold('snooze-hour', a.id));
    expect(await replyText(trace)).toBe(`❌ automation #${a.id} not found`);
    expect(trace.reply()!.flags).toBe(64);
    expect(await replyText(await h.discord.click(BOB, alert, customId.automation('pause', a.id)))).toBe(`❌ automation #${a.id} not found`);
    await settle();
    expect(h.store.automations.get(a.id)!).toMatchObject({ alertHold: null, status: 'active' });
    expect(alert.edited_timestamp).toBeNull();
    // A manager of the server may: the alert then says who.
    expect(await replyText(await h.discord.click(MIA, alert, customId.hold('snooze-hour', a.id)))).toMatch(/^🔕 Snoozed \*\*my-site\*\* until /);
    await until(() => alert.edited_timestamp !== null, 'the alert edited');
    expect(alert.embeds[0]!.description).toMatch(new RegExp(`^🔕 \\*\\*Snoozed\\*\\* by <@${MIA}> until `));
  });

  it('a DM alert carries the buttons too: Snooze 1 day works there for its owner, and the DM is edited', async () => {
    h = await startBot();
    up = false;
    const a = uptime(h, { alertTo: 'dm' });
    await runAfter(h, a.id, 0);
    await until(() => h!.discord.dms(ALICE).length === 1, 'the DM alert');
    const dm = h.discord.dms(ALICE)[0]!;
    expect(dm.guild_id).toBeNull();
    expect(buttonLabels(dm)[0]).toEqual(['Snooze 1 h', 'Snooze 1 day', 'Mute until resolved', 'Pause', 'Show']);
    const pressed = h.clock.now();
    const answer = await replyText(await h.discord.click(ALICE, dm, customId.hold('snooze-day', a.id)));
    expect(answer).toMatch(/^🔕 Snoozed \*\*my-site\*\* until /);
    const end = unix(pressed) + 86_400;
    await until(() => dm.edited_timestamp !== null, 'the DM edited');
    expect(dm.embeds[0]!.description!.split('\n')[0]).toBe(`🔕 **Snoozed** by <@${ALICE}> until <t:${end}:f> (<t:${end}:R>)`);
    // Show and Pause work from the DM as well.
    const shown = await h.discord.click(ALICE, dm, customId.automation('show', a.id));
    await shown.answered();
    expect(shown.reply()).toMatchObject({ flags: 64 });
    expect((shown.reply()!.embeds![0] as { title: string }).title).toBe('my-site');
    expect(await replyText(await h.discord.click(ALICE, dm, customId.automation('pause', a.id)))).toBe('⏸️ Paused **my-site**.');
    expect(h.store.automations.get(a.id)!.status).toBe('paused');
    expect(tasks(h)).toHaveLength(0);
  });
});

describe('quiet hours', () => {
  /** 22:30 in Berlin (UTC+1 in early March), inside 22:00–07:00. */
  const LATE_EVENING = '2026-03-02T21:30:00Z';

  async function setQuiet(hh: BotHarness, options: Record<string, string | boolean>): Promise<string> {
    return replyText(await hh.discord.slash(ALICE, 'settings', { subcommand: 'quiet', options }));
  }

  it('alerts inside the window wait in the outbox, survive a restart, and arrive as one digest when it ends', async () => {
    h = await startBot({ start: LATE_EVENING });
    await (await h.discord.slash(ALICE, 'settings', { subcommand: 'timezone', options: { zone: 'Europe/Berlin' } })).answered();
    const set = await setQuiet(h, { from: '22:00', to: '07:00' });
    const morning = unix(new Date('2026-03-03T06:00:00Z'));
    expect(set).toBe(
      `🌙 Quiet hours: **22:00 to 07:00** (Europe/Berlin). Alerts of your automations that come in then wait, and arrive as one digest at 07:00. Pause notices wait too (add \`urgent:true\` to have them at once). You are in them now: the digest comes <t:${morning}:R>.`,
    );

    up = false;
    const a = uptime(h);
    const b = h.steward.engine.service.create(alice(h), { name: 'api', capability: 'http_check', schedule: 'manual', inputs: { url: site.url('/status') }, alert: 'ok == false' });
    await runAfter(h, a.id, 0);
    await runAfter(h, b.id, 20);
    up = true;
    await runAfter(h, a.id, 40); // my-site resolves inside the window too
    await settle();
    expect(tasks(h)).toHaveLength(0);
    expect((await showFields(h, 'my-site')).find((f) => f.name === 'Quiet hours')!.value).toBe(
      `🌙 22:00 to 07:00 (Europe/Berlin), pause notices held too; quiet now, the digest comes <t:${morning}:R>`,
    );

    // The bot restarts in the middle of the night on the same database: nothing is lost.
    await h.stopSteward();
    await h.clock.advance(3 * 3_600_000);
    await h.restart();
    await settle();
    expect(tasks(h)).toHaveLength(0);

    await h.clock.advanceTo('2026-03-03T06:00:00Z');
    await until(() => tasks(h!).length === 1, 'the digest');
    await settle();
    expect(tasks(h)).toHaveLength(1);
    const digest = tasks(h)[0]!.embeds[0]!;
    expect(digest.title).toBe('🌙 Quiet hours are over: 3 notices');
    const lines = digest.description!.split('\n');
    expect(lines[0]).toBe(`<@${ALICE}>, while your quiet hours held them (from <t:${unix(new Date(LATE_EVENING))}:t> to <t:${morning}:t>):`);
    expect(lines).toHaveLength(4);
    // my-site's alert was edited as resolved while it waited: the digest lists it that way.
    const link = site.url('/status').replace(/[.()[\]]/g, '\\$&');
    expect(lines[1]).toMatch(new RegExp(`^• <t:\\d+:t> \\[🔴 my-site is down — 503 in \\d+ ms\\]\\(${link}\\) — ✅ \\*\\*Resolved\\*\\* <t:\\d+:f> \\(<t:\\d+:R>\\), after 1 h$`));
    expect(lines[2]).toMatch(new RegExp(`^• <t:\\d+:t> \\[🔴 api is down — 503 in \\d+ ms\\]\\(${link}\\) — Down since <t:\\d+:f> \\(<t:\\d+:R>\\)$`));
    expect(lines[3]).toMatch(/^• <t:\d+:t> .*🟢 my-site is back up after 1 h, 1 check down/);
    expect(tasks(h)[0]!.allowed_mentions).toEqual({ parse: [] });

    // Outside the window alerts go out at once again.
    up = false;
    await runAfter(h, a.id, 1);
    await until(() => tasks(h!).length === 2, 'a daytime alert');
  });

  it('urgent:true sends pause notices at once while alerts wait; off sends what was held', async () => {
    h = await startBot({ start: LATE_EVENING, env: { FAILURE_PAUSE_THRESHOLD: '2' } });
    await (await h.discord.slash(ALICE, 'settings', { subcommand: 'timezone', options: { zone: 'Europe/Berlin' } })).answered();
    expect(await setQuiet(h, { from: '22:00', to: '07:00', urgent: true })).toContain('Pause notices still go out at once (urgent).');
    up = false;
    const a = uptime(h);
    await runAfter(h, a.id, 0);
    const broken = h.steward.engine.service.create(alice(h), { name: 'shop', capability: 'page_watch', schedule: 'manual', inputs: { url: site.url('/gone') } });
    await runAfter(h, broken.id, 1);
    await runAfter(h, broken.id, 1);
    await until(() => tasks(h!).length === 1, 'the pause notice');
    expect(tasks(h)[0]!.embeds[0]!.title).toBe('Paused: shop');
    await settle();
    expect(tasks(h)).toHaveLength(1); // the alert waits

    expect(await setQuiet(h, { off: true })).toBe('🔔 Quiet hours are off: alerts arrive as they happen. The notice they held arrives now, in one digest.');
    await until(() => tasks(h!).length === 2, 'the digest of what was held');
    expect(tasks(h)[1]!.embeds[0]!.title).toBe('🌙 Quiet hours are over: 1 notice');
  });

  it('refuses a time that is not one, and a window that starts where it ends', async () => {
    h = await startBot();
    expect(await setQuiet(h, { from: '25:00', to: '07:00' })).toBe(
      '❌ from: "25:00" is not a time of day: give hours and minutes on a 24-hour clock, from 00:00 to 23:59, e.g. 22:00 or 7:30',
    );
    expect(await setQuiet(h, { from: '22:00', to: '22:00' })).toBe('❌ from and to are both 22:00: quiet hours need a start and a different end, e.g. from:22:00 to:07:00');
    expect(await setQuiet(h, { from: '22:00' })).toBe('❌ give both from and to, e.g. `/settings quiet from:22:00 to:07:00`');
    expect(h.store.settings.quietHours(ALICE)).toBeNull();
    expect(await setQuiet(h, {})).toBe('You have no quiet hours. Set them with `/settings quiet from:22:00 to:07:00`.');
  });
});
