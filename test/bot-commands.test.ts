/**
 * The slash commands end to end: the real bot (discord.js client, router, commands, engine, SQLite)
 * against the Discord emulator, driven as people in the server would drive it. Each test asserts
 * what the person sees (content, embeds, buttons, ephemeral flag) and what is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateInput } from '../src/automations/service.js';
import type { Automation } from '../src/automations/types.js';
import { ALICE, BOB, MIA, startBot, type BotHarness } from './support/bot-harness.js';
import { customId } from '../src/discord/interactions/custom-id.js';
import type { EmulatedMessage, InteractionTrace, ReplyView } from './support/discord-emulator.js';
import { serve } from './support/http-fixture.js';

// ---------------------------------------------------------------------------------------------
// What a person sees

const EPHEMERAL = 64;
const REPLY = 4;
const DEFERRED_REPLY = 5;
const UPDATE_MESSAGE = 7;

interface EmbedJson {
  title?: string;
  description?: string;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
}
interface ButtonJson {
  type: number;
  custom_id?: string;
  label?: string;
  disabled?: boolean;
}
type Options = Record<string, string | number | boolean>;

/** Unix seconds of an ISO instant, as Discord timestamps (`<t:…:F>`) carry them. */
const unix = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

function embedOf(view: ReplyView | null): EmbedJson {
  const embed = view?.embeds?.[0];
  if (!embed) throw new Error(`expected an embed, got ${JSON.stringify(view)}`);
  return embed as EmbedJson;
}

function field(embed: EmbedJson, name: string): string {
  const found = embed.fields?.find((f) => f.name === name);
  if (!found) throw new Error(`no field "${name}"; the embed has ${(embed.fields ?? []).map((f) => f.name).join(', ') || 'none'}`);
  return found.value;
}

function buttons(view: ReplyView | EmulatedMessage | null): ButtonJson[] {
  return ((view?.components ?? []) as { components?: ButtonJson[] }[]).flatMap((row) => row.components ?? []);
}

/** "Label=custom_id" of each button, for compact assertions. */
function buttonLabels(view: ReplyView | EmulatedMessage | null): string[] {
  return buttons(view).map((b) => `${b.label}=${b.custom_id}`);
}

/** The reply the person sees once the bot answered, checking Discord accepted everything it sent. */
async function replyOf(trace: InteractionTrace): Promise<ReplyView> {
  await trace.answered();
  expect(trace.rejections, `Discord refused part of the answer to ${trace.label}`).toEqual([]);
  const view = trace.reply();
  if (!view) throw new Error(`${trace.label}: no reply (events: ${JSON.stringify(trace.events.map((e) => e.kind))})`);
  return view;
}

/** A refusal: an ephemeral plain-text reply starting with ❌. Returns its text. */
async function refusalOf(trace: InteractionTrace): Promise<string> {
  const view = await replyOf(trace);
  expect(view.flags! & EPHEMERAL, 'refusals are ephemeral').toBe(EPHEMERAL);
  expect(view.content).toMatch(/^❌ /);
  expect(view.embeds ?? []).toEqual([]);
  return view.content!;
}

/** A deferred reply (“Steward is thinking…”) and the edit that replaces it. */
async function deferredReplyOf(trace: InteractionTrace): Promise<ReplyView> {
  const first = await trace.answered();
  expect(first.type, `${trace.label} defers first`).toBe(DEFERRED_REPLY);
  expect(first.data?.flags ?? 0).toBe(EPHEMERAL);
  await trace.waitFor((e) => e.kind === 'edit' && e.original, 5000);
  expect(trace.rejections).toEqual([]);
  return trace.reply()!;
}

async function eventually<T>(probe: () => T | null | undefined | false, what: string, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// ---------------------------------------------------------------------------------------------
// One bot and one local site per describe

interface World {
  h: BotHarness;
  /** A URL on the local site that answers 200. */
  okUrl: string;
  /** `/automation <sub>` as `user`. */
  automation(user: string, sub: string, options?: Options): Promise<InteractionTrace>;
  /** Creates through the service (fast setup), as `user`. */
  create(user: string, input: Partial<CreateInput> & { name: string }): Automation;
  stored(user: string, name: string): Automation | null;
  count(): number;
}

function useBot(env: Record<string, string> = {}): World {
  const world = {} as World;
  let closeSite: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    const site = await serve({
      '/ok': (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('all good'),
    });
    closeSite = site.close;
    const h = await startBot({ env });
    Object.assign(world, {
      h,
      okUrl: site.url('/ok'),
      automation: (user: string, sub: string, options: Options = {}) => h.discord.slash(user, 'automation', { subcommand: sub, options }),
      create: (user: string, input: Partial<CreateInput> & { name: string }) =>
        h.steward.engine.service.create(
          { userId: user, guildId: h.discord.guildId, manager: false },
          { capability: 'http_check', schedule: '*/5 * * * *', inputs: { url: site.url('/ok') }, ...input },
        ),
      stored: (user: string, name: string) => h.store.automations.findByName(user, name),
      count: () => h.store.automations.count({}),
    });
  });
  afterAll(async () => {
    await world.h?.close();
    await closeSite();
  });
  return world;
}

// The FakeClock starts at 2026-03-02T08:00:00Z (09:00 in Berlin); `*/5 * * * *` next fires at 08:05Z.
const NEXT_THREE = ['2026-03-02T08:05:00Z', '2026-03-02T08:10:00Z', '2026-03-02T08:15:00Z'].map(unix);

// ---------------------------------------------------------------------------------------------

describe('/automation create', () => {
  const w = useBot();

  it('creates an http_check and shows what was made: path, schedule in words, next three runs, alert, buttons', async () => {
    const before = w.count();
    const view = await replyOf(
      await w.automation(ALICE, 'create', {
        name: 'site-up',
        capability: 'http_check',
        schedule: '*/5 * * * *',
        timezone: 'Europe/Berlin',
        inputs: `url=${w.okUrl}`,
        alert: 'ok == false',
      }),
    );
    expect(view.flags! & EPHEMERAL).toBe(EPHEMERAL);
    const embed = embedOf(view);
    expect(embed.title).toBe('Created: site-up');
    expect(field(embed, 'Capability')).toBe('http_check (local skill)');
    expect(field(embed, 'Schedule')).toBe('every 5 minutes, Europe/Berlin');
    expect(field(embed, 'Next runs').split('\n')).toEqual(NEXT_THREE.map((s) => `<t:${s}:F> (<t:${s}:R>)`));
    expect(field(embed, 'Alert')).toBe('`ok == false` — when it turns true, to the tasks channel');
    expect(field(embed, 'Inputs')).toContain(w.okUrl);

    const stored = w.stored(ALICE, 'site-up')!;
    expect(stored).toMatchObject({
      userId: ALICE,
      guildId: w.h.discord.guildId,
      capability: 'http_check',
      inputs: { url: w.okUrl },
      triggerType: 'on_schedule',
      schedule: '*/5 * * * *',
      timezone: 'Europe/Berlin',
      alertConditions: { field: 'ok', op: '==', value: false },
      status: 'active',
      createdVia: 'discord',
    });
    expect(stored.nextRunAt?.toISOString()).toBe('2026-03-02T08:05:00.000Z');
    expect(embed.footer?.text).toMatch(new RegExp(`^#${stored.id} `));
    expect(buttonLabels(view)).toEqual([`Pause=${customId.automation('pause', stored.id)}`, `Run now=${customId.automation('run', stored.id)}`, `Delete=${customId.automation('delete', stored.id)}`]);
    expect(w.count()).toBe(before + 1);
  });

  it('without inputs, a bad schedule is refused before the form opens', async () => {
    const before = w.count();
    const trace = await w.automation(ALICE, 'create', { name: 'too-early', capability: 'http_check', schedule: '0 25 * * *' });
    await trace.answered();
    expect(trace.modal()).toBeNull();
    expect(trace.reply()).toMatchObject({ flags: EPHEMERAL, content: '❌ `0 25 * * *`: hour 25 is out of range 0–23' });
    expect(w.count()).toBe(before);
  });

  it('without inputs opens a form for them; submitting it creates the automation', async () => {
    const before = w.count();
    const trace = await w.automation(ALICE, 'create', { name: 'from-form', capability: 'http_check', schedule: '@hourly' });
    await trace.answered();
    expect(trace.rejections).toEqual([]);
    const modal = trace.modal();
    expect(modal, 'a modal for the inputs').not.toBeNull();
    expect(modal!.title).toBe('Inputs for from-form');
    expect(JSON.stringify(modal!.components)).toContain('"custom_id":"inputs"');
    expect(w.count(), 'nothing is written before the form is sent').toBe(before);

    const submitted = await replyOf(await w.h.discord.submitModal(ALICE, trace, { inputs: `{"url": "${w.okUrl}", "expected_status": 200}` }));
    expect(submitted.flags! & EPHEMERAL).toBe(EPHEMERAL);
    const embed = embedOf(submitted);
    expect(embed.title).toBe('Created: from-form');
    expect(field(embed, 'Schedule')).toBe('every hour, UTC');
    expect(w.stored(ALICE, 'from-form')).toMatchObject({ inputs: { url: w.okUrl, expected_status: 200 }, schedule: '@hourly', timezone: 'UTC' });
    expect(w.count()).toBe(before + 1);
  });

  it('a form with bad JSON answers an ephemeral error and writes nothing', async () => {
    const before = w.count();
    const trace = await w.automation(ALICE, 'create', { name: 'bad-form', capability: 'http_check', schedule: '@daily' });
    await trace.answered();
    const error = await refusalOf(await w.h.discord.submitModal(ALICE, trace, { inputs: '{"url": "http://127.0.0.1/' }));
    expect(error).toMatch(/inputs are not valid JSON/);
    expect(error).toMatch(/key=value/);
    expect(w.stored(ALICE, 'bad-form')).toBeNull();
    expect(w.count()).toBe(before);
  });

  it('a manual schedule says it runs only when run', async () => {
    const embed = embedOf(await replyOf(await w.automation(ALICE, 'create', { name: 'by-hand', capability: 'http_check', schedule: 'manual', inputs: `url=${w.okUrl}` })));
    expect(field(embed, 'Schedule')).toBe('manual only');
    expect(field(embed, 'Next runs')).toBe('only when you run it');
    expect(field(embed, 'Alert')).toBe('none');
    expect(w.stored(ALICE, 'by-hand')).toMatchObject({ triggerType: 'on_manual', schedule: null, nextRunAt: null });
  });

  it('repeat_after is typed in minutes and shown in minutes', async () => {
    const embed = embedOf(
      await replyOf(
        await w.automation(ALICE, 'create', {
          name: 'reminding',
          capability: 'http_check',
          schedule: '@hourly',
          inputs: `url=${w.okUrl}`,
          alert: 'ok == false',
          repeat_after: 60,
          alert_to: 'dm',
        }),
      ),
    );
    expect(w.stored(ALICE, 'reminding')).toMatchObject({ alertRepeatAfterSeconds: 3600, alertTo: 'dm' });
    // The person typed 60 (minutes); "again every 3600 s" makes them do arithmetic.
    expect(field(embed, 'Alert')).toMatch(/^`ok == false` — when it turns true, again every (60 min(utes)?|1 h(our)?), to your DMs$/);
  });

  it('a name written like an id (#12) is refused: `name:#12` always means automation 12', async () => {
    const first = w.create(ALICE, { name: 'first-of-many' });
    const before = w.count();
    const error = await refusalOf(await w.automation(ALICE, 'create', { name: `#${first.id}`, capability: 'http_check', schedule: '@daily', inputs: `url=${w.okUrl}` }));
    expect(error).toMatch(/name/);
    expect(w.count()).toBe(before);
    expect(embedOf(await replyOf(await w.automation(ALICE, 'show', { name: `#${first.id}` }))).title).toBe('first-of-many');
  });

  describe('refusals: ephemeral, say what is wrong, write nothing', () => {
    const good = (): Options => ({ name: 'refused', capability: 'http_check', schedule: '*/5 * * * *', inputs: `url=${w.okUrl}` });
    const cases: [string, () => Options, RegExp[]][] = [
      ['bad cron', () => ({ ...good(), schedule: '0 25 * * *' }), [/`0 25 \* \* \*`/, /hour 25/, /0–23/]],
      ['bad time zone', () => ({ ...good(), timezone: 'Mars/Olympus_Mons' }), [/"Mars\/Olympus_Mons" is not a time zone/, /Europe\/Berlin/]],
      ['bad alert text', () => ({ ...good(), alert: 'ok == maybe' }), [/^❌ alert: /, /column 7/, /"maybe"/]],
      ['bad JSON inputs', () => ({ ...good(), inputs: '{"url": ' }), [/inputs are not valid JSON/]],
      ['unknown capability', () => ({ ...good(), capability: 'teleport' }), [/unknown capability "teleport"/, /http_check/]],
      ['missing required input', () => ({ ...good(), inputs: 'expected_status=200' }), [/inputs for http_check are not valid/, /url/]],
      ['a too-frequent schedule', () => ({ ...good(), schedule: '* * * * * *' }), [/minimum interval/]],
    ];

    it.each(cases)('%s', async (_what, options, expected) => {
      const before = w.count();
      const error = await refusalOf(await w.automation(ALICE, 'create', options()));
      for (const pattern of expected) expect(error).toMatch(pattern);
      expect(w.count()).toBe(before);
      expect(w.stored(ALICE, 'refused')).toBeNull();
    });

    it('duplicate name (in any case)', async () => {
      w.create(ALICE, { name: 'taken' });
      const before = w.count();
      const error = await refusalOf(await w.automation(ALICE, 'create', { ...good(), name: 'TAKEN' }));
      expect(error).toMatch(/already have an automation named "TAKEN"/);
      expect(w.count()).toBe(before);
      // Another person may use the same name.
      await replyOf(await w.automation(BOB, 'create', { ...good(), name: 'taken' }));
      expect(w.stored(BOB, 'taken')).not.toBeNull();
    });
  });
});

describe('/settings timezone', () => {
  const w = useBot();

  it('sets the zone that creates without a timezone use; a bad zone is refused', async () => {
    const create = (user: string, name: string) => w.automation(user, 'create', { name, capability: 'http_check', schedule: '0 9 * * *', inputs: `url=${w.okUrl}` });
    await replyOf(await create(ALICE, 'before-setting'));
    expect(w.stored(ALICE, 'before-setting')!.timezone).toBe('UTC');

    const set = await replyOf(await w.h.discord.slash(ALICE, 'settings', { subcommand: 'timezone', options: { zone: 'America/New_York' } }));
    expect(set.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(set.content).toContain('**America/New_York**');

    const created = embedOf(await replyOf(await create(ALICE, 'after-setting')));
    expect(field(created, 'Schedule')).toBe('every day at 09:00, America/New_York');
    expect(w.stored(ALICE, 'after-setting')!.timezone).toBe('America/New_York');
    // 09:00 in New York (EST, UTC−5) on 2 March is 14:00Z.
    expect(w.stored(ALICE, 'after-setting')!.nextRunAt?.toISOString()).toBe('2026-03-02T14:00:00.000Z');
    // Someone else's default is unchanged.
    await replyOf(await create(BOB, 'bobs'));
    expect(w.stored(BOB, 'bobs')!.timezone).toBe('UTC');

    const error = await refusalOf(await w.h.discord.slash(ALICE, 'settings', { subcommand: 'timezone', options: { zone: 'Atlantis/Capital' } }));
    expect(error).toMatch(/"Atlantis\/Capital" is not a time zone/);
    expect(w.h.steward.engine.service.timezoneOf(ALICE)).toBe('America/New_York');
  });
});

describe('/automation list', () => {
  const w = useBot();
  beforeAll(() => {
    for (let i = 1; i <= 12; i++) w.create(ALICE, { name: `check-${String(i).padStart(2, '0')}` });
    w.create(BOB, { name: 'bob-check' });
    w.create(MIA, { name: 'mia-check' });
    w.h.steward.engine.service.pause({ userId: ALICE, guildId: w.h.discord.guildId, manager: false }, 'check-03');
  });
  const lines = (view: ReplyView) => embedOf(view).description!.split('\n');

  it('shows the caller’s own, ten a page, with Next/Previous buttons', async () => {
    const trace = await w.automation(ALICE, 'list');
    const first = await replyOf(trace);
    expect(first.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedOf(first).title).toBe('Your automations');
    expect(embedOf(first).footer?.text).toBe('page 1 of 2 · 12 in all');
    expect(lines(first)).toHaveLength(10);
    expect(lines(first)[0]).toMatch(/^\*\*check-01\*\* \(#\d+\) · http_check · every 5 minutes, UTC · next <t:\d+:R>$/);
    expect(lines(first)[0]).toContain(`next <t:${NEXT_THREE[0]}:R>`);
    expect(lines(first)[2]).toMatch(/^\*\*check-03\*\* .*⏸️ paused$/);
    expect(embedOf(first).description).not.toMatch(/bob-check|mia-check|check-11/);
    expect(buttons(first).map((b) => [b.label, b.disabled ?? false])).toEqual([
      ['◀ Previous', true],
      ['Next ▶', false],
    ]);

    const next = await w.h.discord.click(ALICE, trace, buttons(first)[1]!.custom_id!);
    expect((await next.answered()).type).toBe(UPDATE_MESSAGE);
    const second = await replyOf(next);
    expect(embedOf(second).footer?.text).toBe('page 2 of 2 · 12 in all');
    expect(lines(second).map((l) => /^\*\*(.+?)\*\*/.exec(l)?.[1])).toEqual(['check-11', 'check-12']);
    expect(buttons(second).map((b) => [b.label, b.disabled ?? false])).toEqual([
      ['◀ Previous', false],
      ['Next ▶', true],
    ]);

    const back = await w.h.discord.click(ALICE, trace, buttons(second)[0]!.custom_id!);
    const again = await replyOf(back);
    expect(embedOf(again).footer?.text).toBe('page 1 of 2 · 12 in all');
    expect(lines(again)[0]).toMatch(/^\*\*check-01\*\*/);
  });

  it('all:true shows a manager everyone’s with owners, and a member only their own', async () => {
    const trace = await w.automation(MIA, 'list', { all: true });
    const first = await replyOf(trace);
    expect(embedOf(first).title).toBe('All automations');
    expect(embedOf(first).footer?.text).toBe('page 1 of 2 · 14 in all');
    expect(lines(first)[0]).toMatch(new RegExp(`^\\*\\*check-01\\*\\* .* · <@${ALICE}>$`));
    const second = await replyOf(await w.h.discord.click(MIA, trace, buttons(first)[1]!.custom_id!));
    expect(embedOf(second).title).toBe('All automations');
    expect(lines(second).join('\n')).toContain(`**bob-check**`);
    expect(lines(second).find((l) => l.startsWith('**bob-check**'))).toContain(`<@${BOB}>`);
    expect(lines(second).find((l) => l.startsWith('**mia-check**'))).toContain(`<@${MIA}>`);

    const bob = await replyOf(await w.automation(BOB, 'list', { all: true }));
    expect(embedOf(bob).title).toBe('Your automations');
    expect(embedOf(bob).footer?.text).toBe('page 1 of 1 · 1 in all');
    expect(lines(bob)).toHaveLength(1);
    expect(lines(bob)[0]).toMatch(/^\*\*bob-check\*\*/);
    expect(lines(bob)[0]).not.toContain('<@');
    expect(bob.components ?? []).toEqual([]);
  });

  it('filters by status', async () => {
    const paused = await replyOf(await w.automation(ALICE, 'list', { status: 'paused' }));
    expect(lines(paused)).toHaveLength(1);
    expect(lines(paused)[0]).toMatch(/^\*\*check-03\*\*/);
    expect(embedOf(paused).footer?.text).toBe('page 1 of 1 · 1 in all');

    const activeTrace = await w.automation(ALICE, 'list', { status: 'active' });
    const active = await replyOf(activeTrace);
    expect(embedOf(active).footer?.text).toBe('page 1 of 2 · 11 in all');
    expect(embedOf(active).description).not.toContain('check-03');
    // The filter survives paging.
    const page2 = await replyOf(await w.h.discord.click(ALICE, activeTrace, buttons(active)[1]!.custom_id!));
    expect(lines(page2)).toHaveLength(1);
    expect(lines(page2)[0]).toMatch(/^\*\*check-12\*\*/);
  });

  it('says how to start when there is nothing', async () => {
    const view = await replyOf(await w.automation(w.h.discord.ownerId, 'list'));
    expect(embedOf(view).description).toBe('None yet. Make one with `/automation create`.');
    expect(view.components ?? []).toEqual([]);
  });
});

describe('/automation show and its buttons', () => {
  const w = useBot();
  let id = 0;
  beforeAll(() => {
    id = w.create(ALICE, { name: 'site', timezone: 'Europe/Berlin', alert: 'ok == false', description: 'the shop front' }).id;
  });

  it('shows everything about one automation, with Pause, Run now and Delete', async () => {
    const view = await replyOf(await w.automation(ALICE, 'show', { name: 'site' }));
    expect(view.flags! & EPHEMERAL).toBe(EPHEMERAL);
    const embed = embedOf(view);
    expect(embed.title).toBe('site');
    expect(embed.description).toBe('the shop front');
    expect(field(embed, 'Status')).toBe('▶️ active');
    expect(field(embed, 'Capability')).toBe('http_check (local skill)');
    expect(field(embed, 'Schedule')).toBe('every 5 minutes, Europe/Berlin');
    expect(field(embed, 'Next runs').split('\n')).toEqual(NEXT_THREE.map((s) => `<t:${s}:F> (<t:${s}:R>)`));
    expect(field(embed, 'Alert')).toBe('`ok == false` — when it turns true, to the tasks channel');
    expect(field(embed, 'Last run')).toBe('not run yet');
    expect(field(embed, 'Runs')).toBe('0 runs, 0 failures in a row');
    expect(field(embed, 'Spend')).toBe('$0.00 today, $0.00 this month');
    expect(field(embed, 'Recent runs')).toBe('none');
    expect(field(embed, 'Inputs')).toContain(w.okUrl);
    expect(embed.footer?.text).toBe(`#${id} · created 2026-03-02`);
    expect(field(embed, 'Owner')).toBe(`<@${ALICE}>`);
    expect(buttonLabels(view)).toEqual([`Pause=${customId.automation('pause', id)}`, `Run now=${customId.automation('run', id)}`, `Delete=${customId.automation('delete', id)}`]);
    // By #id (what autocomplete fills in) it is the same automation.
    expect(embedOf(await replyOf(await w.automation(ALICE, 'show', { name: `#${id}` }))).footer?.text).toBe(embed.footer?.text);
  });

  it('Pause updates the message to paused with a Resume button; Resume brings it back', async () => {
    const show = await w.automation(ALICE, 'show', { name: 'site' });
    await replyOf(show);

    const pause = await w.h.discord.click(ALICE, show, customId.automation('pause', id));
    expect((await pause.answered()).type).toBe(UPDATE_MESSAGE);
    const paused = await replyOf(pause);
    expect(field(embedOf(paused), 'Status')).toBe('⏸️ paused');
    expect(field(embedOf(paused), 'Next runs')).toBe('none while paused');
    expect(buttonLabels(paused)).toEqual([`Resume=${customId.automation('resume', id)}`, `Run now=${customId.automation('run', id)}`, `Delete=${customId.automation('delete', id)}`]);
    expect(w.stored(ALICE, 'site')).toMatchObject({ status: 'paused', pausedReason: 'user', nextRunAt: null });

    const resume = await w.h.discord.click(ALICE, show, customId.automation('resume', id));
    expect((await resume.answered()).type).toBe(UPDATE_MESSAGE);
    const resumed = await replyOf(resume);
    expect(field(embedOf(resumed), 'Status')).toBe('▶️ active');
    expect(field(embedOf(resumed), 'Next runs').split('\n')[0]).toBe(`<t:${NEXT_THREE[0]}:F> (<t:${NEXT_THREE[0]}:R>)`);
    expect(buttonLabels(resumed)[0]).toBe(`Pause=${customId.automation('pause', id)}`);
    expect(w.stored(ALICE, 'site')).toMatchObject({ status: 'active', pausedReason: null });
    expect(w.stored(ALICE, 'site')!.nextRunAt?.toISOString()).toBe('2026-03-02T08:05:00.000Z');
  });

  it('Run now defers, then shows the outcome', async () => {
    const show = await w.automation(ALICE, 'show', { name: 'site' });
    await replyOf(show);
    const run = await deferredReplyOf(await w.h.discord.click(ALICE, show, customId.automation('run', id)));
    expect(run.flags! & EPHEMERAL).toBe(EPHEMERAL);
    const embed = embedOf(run);
    expect(embed.title).toBe('Ran site');
    expect(field(embed, 'Run')).toMatch(/^✅ #\d+ <t:\d+:f> manual via skill/);
    // The output reads as words; its JSON is behind the Output button.
    expect(field(embed, 'What it saw')).toMatch(/^\*\*\[🟢 site is up — 200 in \d+ ms\]\(http/);
    const ranId = w.h.store.runs.recent(id, 1)[0]!.id;
    expect(buttonLabels(run)).toEqual([`Output=${customId.runOutput(ranId)}`]);
    expect(w.stored(ALICE, 'site')).toMatchObject({ runCount: 1, failureCount: 0 });
    expect(w.h.store.runs.recent(id, 10).map((r) => [r.trigger, r.status])).toEqual([['manual', 'succeeded']]);

    // A fresh show has the run in it.
    const again = embedOf(await replyOf(await w.automation(ALICE, 'show', { name: 'site' })));
    expect(field(again, 'Last run')).toMatch(/^✅ #\d+ .* manual via skill/);
    expect(field(again, 'What it saw')).toContain('site is up — 200');
    expect(JSON.stringify(again)).not.toContain('"ok":true');
    expect(field(again, 'Runs')).toMatch(/^1 runs?, 0 failures in a row$/);
  });

  it('Delete asks first: "Keep it" keeps it, "Delete" deletes it', async () => {
    const show = await w.automation(ALICE, 'show', { name: 'site' });
    await replyOf(show);

    const ask = await w.h.discord.click(ALICE, show, customId.automation('delete', id));
    expect((await ask.answered()).type).toBe(REPLY);
    const question = await replyOf(ask);
    expect(question.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(question.content).toMatch(/^Delete \*\*site\*\*\?/);
    expect(buttonLabels(question)).toEqual([`Delete=${customId.automation('delete-yes', id)}`, `Keep it=${customId.automation('delete-no', id)}`]);

    const keep = await w.h.discord.click(ALICE, ask, customId.automation('delete-no', id));
    expect((await keep.answered()).type).toBe(UPDATE_MESSAGE);
    const kept = await replyOf(keep);
    expect(kept.content).toBe('Kept it.');
    expect(kept.components).toEqual([]);
    expect(w.stored(ALICE, 'site')?.status).toBe('active');

    const before = w.count();
    const ask2 = await w.h.discord.click(ALICE, show, customId.automation('delete', id));
    await replyOf(ask2);
    const yes = await w.h.discord.click(ALICE, ask2, customId.automation('delete-yes', id));
    const deleted = await replyOf(yes);
    expect(deleted.content).toBe('🗑️ Deleted **site**.');
    expect(deleted.components).toEqual([]);
    expect(w.stored(ALICE, 'site')).toBeNull();
    expect(w.h.store.automations.get(id)?.status).toBe('deleted');
    expect(w.count()).toBe(before - 1);

    // The old message's buttons now find nothing.
    expect(await refusalOf(await w.h.discord.click(ALICE, show, customId.automation('pause', id)))).toBe(`❌ automation #${id} not found`);
  });
});

describe('/automation runs, pause, resume, run, edit, delete, test-alert', () => {
  const w = useBot();
  let id = 0;
  beforeAll(() => {
    id = w.create(ALICE, { name: 'pinger', timezone: 'Europe/Berlin', alert: 'ok == true' }).id;
  });

  it('test-alert before any run says to run it first', async () => {
    const view = await replyOf(await w.automation(ALICE, 'test-alert', { name: 'pinger', alert: 'ok == true' }));
    expect(view.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(view.content).toMatch(/^No succeeded runs to try it on yet/);
  });

  it('run defers, then edits the reply with the outcome, an output preview and the alert that fired', async () => {
    const view = await deferredReplyOf(await w.automation(ALICE, 'run', { name: 'pinger' }));
    const embed = embedOf(view);
    expect(embed.title).toBe('Ran pinger');
    expect(field(embed, 'Run')).toMatch(/^✅ #\d+ <t:\d+:f> manual via skill/);
    expect(field(embed, 'What it saw')).toMatch(/^\*\*\[🟢 pinger is up — 200 in \d+ ms\]\(http/);
    expect(field(embed, 'Alert')).toBe('🔔 `ok == true` fired');
    expect(w.stored(ALICE, 'pinger')).toMatchObject({ runCount: 1, failureCount: 0 });
    const alert = await eventually(
      () => w.h.discord.channelMessages(w.h.discord.tasksChannelId).find((m) => JSON.stringify(m.embeds).includes('pinger is up')),
      'the alert in the tasks channel',
    );
    const firstRun = w.h.store.runs.recent(id, 1)[0]!.id;
    expect(buttonLabels(alert)).toEqual([
      `Snooze 1 h=${customId.hold('snooze-hour', id)}`,
      `Snooze 1 day=${customId.hold('snooze-day', id)}`,
      `Mute until resolved=${customId.hold('mute', id)}`,
      `Pause=${customId.automation('pause', id)}`,
      `Show=${customId.automation('show', id)}`,
      `Output=${customId.runOutput(firstRun)}`,
    ]);
    const shown = await replyOf(await w.h.discord.click(ALICE, alert, customId.automation('show', id)));
    expect(shown.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedOf(shown).title).toBe('pinger');
    expect(field(embedOf(shown), 'Last run')).toContain('🔔 alert');
    expect(await refusalOf(await w.h.discord.click(BOB, alert, customId.automation('show', id)))).toBe(`❌ automation #${id} not found`);

    // Second run: the condition stays true, so (mode "change") no second alert.
    const second = embedOf(await deferredReplyOf(await w.automation(ALICE, 'run', { name: 'pinger' })));
    expect(second.title).toBe('Ran pinger');
    expect(second.fields?.map((f) => f.name)).not.toContain('Alert');
    expect(w.stored(ALICE, 'pinger')!.runCount).toBe(2);
  });

  it('runs lists the recent runs with outcome, trigger, path and the alert', async () => {
    const view = await replyOf(await w.automation(ALICE, 'runs', { name: 'pinger' }));
    expect(view.flags! & EPHEMERAL).toBe(EPHEMERAL);
    const embed = embedOf(view);
    expect(embed.title).toBe('Runs of pinger');
    const rows = embed.description!.split('\n');
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/^✅ #\d+ <t:\d+:f> manual via skill in \d+\.\d s/);
    expect(rows[0]).not.toContain('🔔');
    expect(rows[1]).toContain('🔔 alert');
    expect(embed.footer?.text).toBe(`#${id} · 2 runs in all`);
    const limited = embedOf(await replyOf(await w.automation(ALICE, 'runs', { name: 'pinger', limit: 1 })));
    expect(limited.description!.split('\n')).toHaveLength(1);
  });

  it('test-alert tries a condition on the recent outputs', async () => {
    const runIds = w.h.store.runs.recent(id, 10).map((r) => r.id);
    const hit = await replyOf(await w.automation(ALICE, 'test-alert', { name: 'pinger', alert: 'ok == true and status == 200' }));
    expect(hit.content).toMatch(/^It would have fired on \*\*2 of the last 2\*\* runs: /);
    for (const runId of runIds) expect(hit.content).toMatch(new RegExp(`#${runId} <t:\\d+:f>`));

    const miss = await replyOf(await w.automation(ALICE, 'test-alert', { name: 'pinger', alert: 'status >= 500' }));
    expect(miss.content).toBe('It would have fired on **0 of the last 2** runs.');

    const bad = await refusalOf(await w.automation(ALICE, 'test-alert', { name: 'pinger', alert: 'ok == maybe' }));
    expect(bad).toMatch(/column 7/);
    // Trying a condition never changes the automation's own.
    expect(w.stored(ALICE, 'pinger')!.alertConditions).toEqual({ field: 'ok', op: '==', value: true });
  });

  it('pause pauses (and says how to resume); pausing again is refused', async () => {
    const view = await replyOf(await w.automation(ALICE, 'pause', { name: 'pinger' }));
    expect(view.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(view.content).toBe('⏸️ Paused **pinger**. `/automation resume` starts it again.');
    expect(w.stored(ALICE, 'pinger')).toMatchObject({ status: 'paused', pausedReason: 'user', nextRunAt: null });
    expect(await refusalOf(await w.automation(ALICE, 'pause', { name: 'pinger' }))).toBe('❌ "pinger" is already paused');
  });

  it('resume shows the next run as a Discord timestamp; resuming an active one is refused', async () => {
    const view = await replyOf(await w.automation(ALICE, 'resume', { name: 'pinger' }));
    const next = NEXT_THREE[0];
    expect(view.content).toBe(`▶️ Resumed **pinger**: next run <t:${next}:F> (<t:${next}:R>).`);
    expect(w.stored(ALICE, 'pinger')).toMatchObject({ status: 'active', pausedReason: null });
    expect(w.stored(ALICE, 'pinger')!.nextRunAt?.toISOString()).toBe('2026-03-02T08:05:00.000Z');
    expect(await refusalOf(await w.automation(ALICE, 'resume', { name: 'pinger' }))).toBe('❌ "pinger" is not paused');
  });

  it('edit changes the schedule and shows the new one; no options or a bad cron are refused', async () => {
    const view = await replyOf(await w.automation(ALICE, 'edit', { name: 'pinger', schedule: '0 9 * * *' }));
    expect(view.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(view.content).toBe('✏️ Changed **pinger**.');
    const embed = embedOf(view);
    expect(field(embed, 'Schedule')).toBe('every day at 09:00, Europe/Berlin');
    // 09:00 in Berlin is 08:00Z, which is now: the next one is tomorrow's.
    const tomorrow = unix('2026-03-03T08:00:00Z');
    expect(field(embed, 'Next runs').split('\n')[0]).toBe(`<t:${tomorrow}:F> (<t:${tomorrow}:R>)`);
    const lastRun = w.h.store.runs.recent(id, 1)[0]!.id;
    expect(buttonLabels(view)).toEqual([
      `Pause=${customId.automation('pause', id)}`,
      `Run now=${customId.automation('run', id)}`,
      `Delete=${customId.automation('delete', id)}`,
      `Output=${customId.runOutput(lastRun)}`,
    ]);
    const edited = w.stored(ALICE, 'pinger')!;
    expect(edited.schedule).toBe('0 9 * * *');
    expect(edited.nextRunAt?.toISOString()).toBe('2026-03-03T08:00:00.000Z');

    const snapshot = JSON.stringify(w.stored(ALICE, 'pinger'));
    expect(await refusalOf(await w.automation(ALICE, 'edit', { name: 'pinger' }))).toMatch(/^❌ Nothing to change/);
    expect(await refusalOf(await w.automation(ALICE, 'edit', { name: 'pinger', schedule: '0 25 * * *' }))).toMatch(/hour 25 is out of range 0–23/);
    expect(await refusalOf(await w.automation(ALICE, 'edit', { name: 'pinger', alert: 'ok ==' }))).toMatch(/column/);
    expect(JSON.stringify(w.stored(ALICE, 'pinger'))).toBe(snapshot);
  });

  it('edit can rename; the old name is then unknown', async () => {
    const view = await replyOf(await w.automation(ALICE, 'edit', { name: 'pinger', new_name: 'uptime' }));
    expect(view.content).toBe('✏️ Changed **uptime**.');
    expect(w.stored(ALICE, 'uptime')?.id).toBe(id);
    expect(await refusalOf(await w.automation(ALICE, 'show', { name: 'pinger' }))).toBe('❌ automation "pinger" not found');
  });

  it('delete asks with a button, then deletes; the name becomes free again', async () => {
    const ask = await w.automation(ALICE, 'delete', { name: 'uptime' });
    const question = await replyOf(ask);
    expect(question.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(question.content).toMatch(/^Delete \*\*uptime\*\*\?/);
    expect(w.stored(ALICE, 'uptime')?.status, 'nothing happens before the click').toBe('active');
    const done = await replyOf(await w.h.discord.click(ALICE, ask, customId.automation('delete-yes', id)));
    expect(done.content).toBe('🗑️ Deleted **uptime**.');
    expect(w.stored(ALICE, 'uptime')).toBeNull();
    expect(w.h.store.runs.recent(id, 10), 'its runs stay on record').toHaveLength(2);
    expect(await refusalOf(await w.automation(ALICE, 'show', { name: 'uptime' }))).toBe('❌ automation "uptime" not found');
    await replyOf(await w.automation(ALICE, 'create', { name: 'uptime', capability: 'http_check', schedule: '@hourly', inputs: `url=${w.okUrl}` }));
    expect(w.stored(ALICE, 'uptime')?.id).not.toBe(id);
  });
});

describe('who may do what', () => {
  const w = useBot();
  let id = 0;
  let bobsId = 0;
  const state = () => ({
    automation: JSON.stringify(w.h.store.automations.get(id)),
    runs: w.h.store.runs.recent(id, 100).length,
    count: w.count(),
  });
  beforeAll(async () => {
    id = w.create(ALICE, { name: 'site', alert: 'ok == true' }).id;
    bobsId = w.create(BOB, { name: 'bob-site' }).id;
    await w.h.steward.engine.service.runNow({ userId: ALICE, guildId: w.h.discord.guildId, manager: false }, id);
  });

  const attempts: [string, Options][] = [
    ['show', {}],
    ['pause', {}],
    ['resume', {}],
    ['run', {}],
    ['edit', { description: 'mine now' }],
    ['delete', {}],
    ['runs', {}],
    ['test-alert', { alert: 'ok == true' }],
  ];

  it.each(attempts)('BOB /automation %s on ALICE’s automation, by name or #id, gets the same "not found" as an unknown one', async (sub, extra) => {
    const before = state();
    const unknownName = await refusalOf(await w.automation(BOB, sub, { name: 'no-such-thing', ...extra }));
    const byName = await refusalOf(await w.automation(BOB, sub, { name: 'site', ...extra }));
    expect(byName).toBe(unknownName.replace('no-such-thing', 'site'));
    expect(byName).toBe('❌ automation "site" not found');
    const unknownId = await refusalOf(await w.automation(BOB, sub, { name: '#999999', ...extra }));
    const byId = await refusalOf(await w.automation(BOB, sub, { name: `#${id}`, ...extra }));
    expect(byId).toBe(unknownId.replace('999999', String(id)));
    expect(state()).toEqual(before);
  });

  it('BOB clicking Pause, Run now or Delete on ALICE’s show message gets "not found", and nothing changes', async () => {
    const show = await w.automation(ALICE, 'show', { name: 'site' });
    await replyOf(show);
    // BOB cannot see ALICE's ephemeral message; this is a forged or replayed click on its buttons.
    const message = show.replyMessage()!;
    const before = state();
    for (const clicked of [customId.automation('pause', id), customId.automation('run', id), customId.automation('delete', id)]) {
      const trace = await w.h.discord.click(BOB, message, clicked);
      expect(await refusalOf(trace)).toBe(`❌ automation #${id} not found`);
    }
    expect(state()).toEqual(before);
    expect(field(embedOf(show.reply()), 'Status'), 'the message itself is untouched').toBe('▶️ active');
  });

  it('the Resume on a pause notice: BOB gets "not found", MIA resumes it', async () => {
    const alice = { userId: ALICE, guildId: w.h.discord.guildId, manager: false };
    const flaky = w.create(ALICE, { name: 'flaky', capability: 'ask', inputs: { prompt: 'Anything new?' }, schedule: 'manual' });
    const previous = w.h.provider.answer;
    w.h.provider.answer = () => new Error('model is down');
    try {
      for (let i = 0; i < w.h.config.FAILURE_PAUSE_THRESHOLD; i++) await w.h.steward.engine.service.runNow(alice, flaky.id);
    } finally {
      w.h.provider.answer = previous;
    }
    expect(w.stored(ALICE, 'flaky')).toMatchObject({ status: 'paused', pausedReason: 'failures' });
    const notice = await eventually(
      () => w.h.discord.channelMessages(w.h.discord.tasksChannelId).find((m) => buttons(m).some((b) => b.custom_id === customId.automation('resume', flaky.id))),
      'the pause notice',
    );
    expect(JSON.stringify(notice.embeds)).toContain('Paused: flaky');

    expect(await refusalOf(await w.h.discord.click(BOB, notice, customId.automation('resume', flaky.id)))).toBe(`❌ automation #${flaky.id} not found`);
    expect(w.stored(ALICE, 'flaky')?.status).toBe('paused');
    expect(await refusalOf(await w.h.discord.click(BOB, notice, customId.automation('show', flaky.id)))).toBe(`❌ automation #${flaky.id} not found`);

    const resumed = await replyOf(await w.h.discord.click(MIA, notice, customId.automation('resume', flaky.id)));
    expect(resumed.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(resumed.content).toBe('▶️ Resumed **flaky**.');
    expect(w.stored(ALICE, 'flaky')).toMatchObject({ status: 'active', failureCount: 0 });
  });

  it('autocomplete of name offers BOB only his own and MIA everyone’s, as #id', async () => {
    const complete = (user: string, sub: string, typed: string) =>
      w.h.discord.autocomplete(user, 'automation', { subcommand: sub, focused: 'name', options: { name: typed } });
    expect(await complete(BOB, 'show', '')).toEqual([{ name: 'bob-site', value: `#${bobsId}` }]);
    expect(await complete(BOB, 'pause', 'site')).toEqual([{ name: 'bob-site', value: `#${bobsId}` }]);
    const alices = await complete(ALICE, 'show', '');
    expect(alices.map((c) => c.name).sort()).toEqual(['flaky', 'site']);
    const mias = await complete(MIA, 'show', 'site');
    expect(mias).toEqual(expect.arrayContaining([{ name: `site (${ALICE})`, value: `#${id}` }, { name: `bob-site (${BOB})`, value: `#${bobsId}` }]));
    expect(mias).toHaveLength(2);
  });

  it('MIA (a manager) can name ALICE’s automation by its name when it is the only one so named in the server', async () => {
    const view = await replyOf(await w.automation(MIA, 'show', { name: 'site' }));
    expect(embedOf(view).title).toBe('site');
  });

  it('MIA (a manager) can show, pause, resume, run, edit, list runs of, test and delete ALICE’s automation by #id', async () => {
    const ref = `#${id}`;
    const show = await w.automation(MIA, 'show', { name: ref });
    const shown = embedOf(await replyOf(show));
    expect(shown.footer?.text).toBe(`#${id} · created 2026-03-02`);
    expect(field(shown, 'Owner'), 'the owner, as a mention that pings nobody').toBe(`<@${ALICE}>`);

    // Her own show message's buttons work for her.
    const pausedView = await replyOf(await w.h.discord.click(MIA, show, customId.automation('pause', id)));
    expect(field(embedOf(pausedView), 'Status')).toBe('⏸️ paused');
    expect(w.stored(ALICE, 'site')?.status).toBe('paused');
    expect((await replyOf(await w.automation(MIA, 'resume', { name: ref }))).content).toMatch(/^▶️ Resumed \*\*site\*\*: next run <t:\d+:F>/);
    expect((await replyOf(await w.automation(MIA, 'pause', { name: ref }))).content).toMatch(/^⏸️ Paused \*\*site\*\*/);
    expect(w.stored(ALICE, 'site')?.status).toBe('paused');
    await replyOf(await w.automation(MIA, 'resume', { name: ref }));

    const run = embedOf(await deferredReplyOf(await w.automation(MIA, 'run', { name: ref })));
    expect(run.title).toBe('Ran site');
    expect(w.stored(ALICE, 'site')!.runCount).toBe(2);

    const edited = await replyOf(await w.automation(MIA, 'edit', { name: ref, description: 'checked by mia' }));
    expect(edited.content).toBe('✏️ Changed **site**.');
    expect(w.stored(ALICE, 'site')).toMatchObject({ description: 'checked by mia', userId: ALICE });

    expect(embedOf(await replyOf(await w.automation(MIA, 'runs', { name: ref }))).description!.split('\n')).toHaveLength(2);
    expect((await replyOf(await w.automation(MIA, 'test-alert', { name: ref, alert: 'ok == true' }))).content).toMatch(/\*\*2 of the last 2\*\*/);

    const ask = await w.automation(MIA, 'delete', { name: ref });
    await replyOf(ask);
    expect((await replyOf(await w.h.discord.click(MIA, ask, customId.automation('delete-yes', id)))).content).toBe('🗑️ Deleted **site**.');
    expect(w.stored(ALICE, 'site')).toBeNull();
  });
});

describe('autocomplete of capability and timezone', () => {
  const w = useBot();
  const complete = (focused: string, typed: string) =>
    w.h.discord.autocomplete(ALICE, 'automation', { subcommand: 'create', focused, options: { [focused]: typed } });

  it('capability: filters by what was typed', async () => {
    const all = await complete('capability', '');
    expect(all.map((c) => c.value).sort()).toEqual(w.h.store.capabilities.list().map((c) => c.name).sort());
    expect((await complete('capability', 'watch')).map((c) => c.value).sort()).toEqual(['feed_watch', 'page_watch']);
    const http = await complete('capability', 'HTTP');
    expect(http.map((c) => c.value)).toEqual(['http_check']);
    expect(http[0]!.name).toMatch(/^http_check — Checks that a URL answers/);
    for (const c of all) expect(c.name.length).toBeLessThanOrEqual(100);
    expect(await complete('capability', 'teleport')).toEqual([]);
  });

  it('timezone: Europe/Berlin first for "berl"; at most 25 choices, names within 100 characters', async () => {
    const berl = await complete('timezone', 'berl');
    expect(berl[0]).toEqual({ name: 'Europe/Berlin', value: 'Europe/Berlin' });
    for (const typed of ['', 'a', 'america', 'new york']) {
      const choices = await complete('timezone', typed);
      expect(choices.length).toBeGreaterThan(0);
      expect(choices.length).toBeLessThanOrEqual(25);
      for (const c of choices) expect(c.name.length).toBeLessThanOrEqual(100);
    }
    expect((await complete('timezone', 'new york'))[0]?.value).toBe('America/New_York');
    const settings = await w.h.discord.autocomplete(ALICE, 'settings', { subcommand: 'timezone', focused: 'zone', options: { zone: 'berl' } });
    expect(settings[0]?.value).toBe('Europe/Berlin');
  });
});

describe('/budget, /capabilities, /capability', () => {
  const w = useBot();

  it('/budget shows today and this month against the caps, and what spent most', async () => {
    const empty = embedOf(await replyOf(await w.h.discord.slash(ALICE, 'budget')));
    expect(empty.title).toBe('LLM budget');
    expect(field(empty, 'Today (UTC)')).toBe('$0.00 of $20.00 (0%)');
    expect(field(empty, 'This month (UTC)')).toBe('$0.00 of $100.00 (0%)');
    expect(field(empty, 'Model work')).toBe('running');
    expect(field(empty, 'Spent most this month')).toBe('nothing yet');

    // One model run: 1,000 input and 100 output tokens at $1/$10 per million = $0.002.
    w.create(ALICE, { name: 'digest', capability: 'ask', inputs: { prompt: 'Three headlines' }, schedule: 'manual' });
    expect(embedOf(await deferredReplyOf(await w.automation(ALICE, 'run', { name: 'digest' }))).title).toBe('Ran digest');

    const view = await replyOf(await w.h.discord.slash(ALICE, 'budget'));
    expect(view.flags! & EPHEMERAL).toBe(EPHEMERAL);
    const spent = embedOf(view);
    expect(field(spent, 'Today (UTC)')).toBe('$0.0020 of $20.00 (0%)');
    expect(field(spent, 'This month (UTC)')).toBe('$0.0020 of $100.00 (0%)');
    expect(field(spent, 'Spent most this month')).toBe('**digest** $0.0020');
    // BOB sees the totals but not ALICE's automation names.
    expect(field(embedOf(await replyOf(await w.h.discord.slash(BOB, 'budget'))), 'Spent most this month')).toBe('nothing yet');
  });

  it('/capabilities lists every capability with its path, inputs and an example', async () => {
    const view = await replyOf(await w.h.discord.slash(BOB, 'capabilities'));
    expect(view.flags! & EPHEMERAL).toBe(EPHEMERAL);
    const embed = embedOf(view);
    const capabilities = w.h.store.capabilities.list();
    expect(embed.fields).toHaveLength(capabilities.length);
    for (const c of capabilities) {
      const f = embed.fields!.find((x) => x.name.startsWith(`${c.name} (`));
      expect(f, c.name).toBeDefined();
      expect(f!.value).toContain('Inputs: ');
      expect(f!.value).toContain('`/automation create ');
    }
    expect(field(embed, 'http_check (local skill)')).toContain('Inputs: `url`, `expected_status`?, `contains`?, `timeout_seconds`?');
    expect(field(embed, 'ask (model)')).toContain('`prompt`');
    expect(embed.fields!.map((f) => f.name)).toContain('summarize_page (model)');
  });

  it('/capability promote: refused ("only managers") for BOB, done for MIA', async () => {
    const skillState = () => w.h.store.capabilities.get('summarize_page')!.skill!.state;
    expect(skillState()).toBe('sandbox');
    const refused = await refusalOf(await w.h.discord.slash(BOB, 'capability', { subcommand: 'promote', options: { name: 'summarize_page' } }));
    expect(refused).toBe('❌ only managers can promote or demote a capability');
    expect(skillState()).toBe('sandbox');

    const done = await replyOf(await w.h.discord.slash(MIA, 'capability', { subcommand: 'promote', options: { name: 'summarize_page' } }));
    expect(done.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(done.content).toBe("**summarize_page**'s skill is now `trusted`: from its next run it goes through the local skill.");
    expect(w.h.store.capabilities.get('summarize_page')!.skill).toMatchObject({ state: 'trusted', stateChangedBy: MIA });
    expect(field(embedOf(await replyOf(await w.h.discord.slash(BOB, 'capabilities'))), 'summarize_page (local skill)')).toBeDefined();

    const demoted = await replyOf(await w.h.discord.slash(MIA, 'capability', { subcommand: 'demote', options: { name: 'summarize_page' } }));
    expect(demoted.content).toMatch(/now `sandbox`: from its next run it goes through the model/);
    expect(skillState()).toBe('sandbox');
    expect(await refusalOf(await w.h.discord.slash(MIA, 'capability', { subcommand: 'promote', options: { name: 'ask' } }))).toMatch(/ask has no local skill/);
  });
});

describe('replies stay inside Discord’s limits', () => {
  const w = useBot();
  const description = Array.from({ length: 100 }, (_, i) => `note ${String(i).padStart(4, '0')}`).join(' ').padEnd(1000, '.').slice(0, 1000);
  const name = `long-${'n'.repeat(59)}`;
  // A JSON inputs option near its 4000-character limit.
  const prompt = 'Summarise what changed. '.repeat(400).slice(0, 3970);
  const alert = Array.from({ length: 60 }, (_, i) => `answer == "${i}"`).join(' or ').slice(0, 1000).replace(/ or [^o]*$/, '');

  it('a 1000-character description, a 64-character name, long inputs and a long alert: create, show, run, runs, list, test-alert', async () => {
    expect(description).toHaveLength(1000);
    expect(name).toHaveLength(64);
    const inputs = JSON.stringify({ prompt });
    expect(inputs.length).toBeLessThanOrEqual(4000);
    expect(inputs.length).toBeGreaterThan(3900);

    const created = await replyOf(
      await w.automation(ALICE, 'create', { name, capability: 'ask', schedule: '0 8 * * *', inputs, alert, description }),
    );
    const embed = embedOf(created);
    expect(embed.title).toBe(`Created: ${name}`);
    expect(embed.description).toBe(description);
    expect(field(embed, 'Inputs')).toMatch(/…`$/);
    expect(w.stored(ALICE, name)!.inputs).toEqual({ prompt: prompt.trim() });

    const show = embedOf(await replyOf(await w.automation(ALICE, 'show', { name })));
    expect(show.title).toBe(name);
    expect(show.description).toBe(description);

    // A huge answer and then a huge error.
    w.h.provider.answer = () => ({ text: JSON.stringify({ answer: 'x'.repeat(20_000), items: Array.from({ length: 300 }, (_, i) => `item ${i}`) }), inputTokens: 10, outputTokens: 10 });
    const ran = embedOf(await deferredReplyOf(await w.automation(ALICE, 'run', { name })));
    expect(ran.title).toBe(`Ran ${name}`);
    expect(field(ran, 'What it saw').length).toBeLessThanOrEqual(1024);
    w.h.provider.answer = () => new Error(`upstream said: ${'no '.repeat(3000)}`);
    const failed = embedOf(await deferredReplyOf(await w.automation(ALICE, 'run', { name })));
    expect(failed.title).toBe(`${name}: failed`);
    w.h.provider.answer = () => ({ text: '{"answer": "1"}', inputTokens: 10, outputTokens: 10 });
    for (let i = 0; i < 3; i++) await deferredReplyOf(await w.automation(ALICE, 'run', { name }));

    const runs = embedOf(await replyOf(await w.automation(ALICE, 'runs', { name, limit: 25 })));
    expect(runs.description!.split('\n')).toHaveLength(5);
    const again = embedOf(await replyOf(await w.automation(ALICE, 'show', { name })));
    expect(field(again, 'Recent runs').split('\n')).toHaveLength(5);
    const listed = embedOf(await replyOf(await w.automation(ALICE, 'list')));
    expect(listed.description).toContain(`**${name}**`);
    const tested = await replyOf(await w.automation(ALICE, 'test-alert', { name, alert }));
    expect(tested.content).toMatch(/\*\*3 of the last 4\*\*/);
  });

  it('errors about very long values are cut, not rejected', async () => {
    const error = await refusalOf(await w.automation(ALICE, 'create', { name: 'cut', capability: 'x'.repeat(3000), schedule: '@daily', inputs: 'url=http://127.0.0.1/' }));
    expect(error.length).toBeLessThanOrEqual(2000);
    expect(error).toMatch(/…$/);
  });

  it('autocomplete names stay within 100 characters for a manager seeing long names', async () => {
    const choices = await w.h.discord.autocomplete(MIA, 'automation', { subcommand: 'show', focused: 'name', options: { name: 'long' } });
    expect(choices).toHaveLength(1);
    expect(choices[0]!.name.length).toBeLessThanOrEqual(100);
    expect(choices[0]!.name).toContain(name);
  });
});

describe('/budget when a cap is reached', () => {
  const w = useBot({ DAILY_BUDGET_USD: '0.5' });

  it('says model work is paused and until when; a run now is skipped, not failed', async () => {
    w.create(ALICE, { name: 'costly', capability: 'ask', inputs: { prompt: 'Write a long essay' }, schedule: 'manual' });
    // 1,000,000 input tokens at $1 per million: one run costs $1, over the $0.50 daily cap.
    w.h.provider.answer = () => ({ text: '{"essay": "…"}', inputTokens: 1_000_000, outputTokens: 0 });
    expect(embedOf(await deferredReplyOf(await w.automation(ALICE, 'run', { name: 'costly' }))).title).toBe('Ran costly');

    const budget = embedOf(await replyOf(await w.h.discord.slash(ALICE, 'budget')));
    expect(field(budget, 'Today (UTC)')).toBe('$1.00 of $0.50 (200%)');
    const midnight = unix('2026-03-03T00:00:00Z');
    expect(field(budget, 'Model work')).toBe(`paused (daily cap) until <t:${midnight}:F> (<t:${midnight}:R>); local skills keep running`);
    expect(field(budget, 'Spent most this month')).toBe('**costly** $1.00');

    const skipped = embedOf(await deferredReplyOf(await w.automation(ALICE, 'run', { name: 'costly' })));
    expect(skipped.title).toBe('costly: skipped, the LLM budget is paused');
    expect(w.stored(ALICE, 'costly')).toMatchObject({ failureCount: 0, status: 'active' });
  });
});

