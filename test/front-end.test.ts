/**
 * The front end's own rules, through the real bot against the Discord emulator: who counts as a
 * manager, what manager-only commands say, what an old button says, how the create form keeps
 * what a person typed (in SQLite, theirs alone, for 15 minutes of the injected clock).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM_TTL_MS } from '../src/automations/service.js';
import { FormExpiredError } from '../src/errors.js';
import { ALICE, BOB, MIA, startBot, type BotHarness } from './support/bot-harness.js';
import type { InteractionTrace, ReplyView } from './support/discord-emulator.js';
import { serve } from './support/http-fixture.js';
import { makeHarness } from './support/harness.js';

const EPHEMERAL = 64;

async function replyOf(trace: InteractionTrace): Promise<ReplyView> {
  await trace.answered();
  expect(trace.rejections, `Discord refused part of the answer to ${trace.label}`).toEqual([]);
  const view = trace.reply();
  if (!view) throw new Error(`${trace.label}: no reply`);
  return view;
}

async function refusalOf(trace: InteractionTrace): Promise<string> {
  const view = await replyOf(trace);
  expect(view.flags! & EPHEMERAL).toBe(EPHEMERAL);
  expect(view.content).toMatch(/^❌ /);
  return view.content!;
}

const buttonsOf = (view: ReplyView | null) =>
  ((view?.components ?? []) as { components?: { custom_id?: string; label?: string }[] }[]).flatMap((row) => row.components ?? []);

describe('the front end through the bot', () => {
  let h: BotHarness;
  let okUrl = '';
  let closeSite: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    const site = await serve({ '/ok': (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('all good') });
    closeSite = site.close;
    okUrl = site.url('/ok');
    h = await startBot();
  });
  afterAll(async () => {
    await h?.close();
    await closeSite();
  });

  it('registers every command for servers only, and /capability for Manage Server by default', () => {
    const commands = h.discord.commands(h.discord.guildId);
    expect(commands.map((c) => c.name).sort()).toEqual(['automation', 'budget', 'capabilities', 'capability', 'settings']);
    for (const c of commands) expect(c, c.name).toMatchObject({ contexts: [0] });
    expect(commands.find((c) => c.name === 'capability')).toMatchObject({ default_member_permissions: '32' });
    expect(commands.find((c) => c.name === 'automation')?.default_member_permissions ?? null).toBeNull();
  });

  it('time zones autocomplete by their current names', async () => {
    const choices = await h.discord.autocomplete(ALICE, 'settings', { subcommand: 'timezone', focused: 'zone', options: { zone: 'kolkata' } });
    expect(choices.map((c) => c.value)).toContain('Asia/Kolkata');
    expect(await h.discord.autocomplete(ALICE, 'settings', { subcommand: 'timezone', focused: 'zone', options: { zone: 'calcutta' } })).toEqual([]);
  });

  it('the server owner counts as a manager even without OWNER_IDS or the manager role', async () => {
    const owner = h.discord.ownerId;
    const done = await replyOf(await h.discord.slash(owner, 'capability', { subcommand: 'promote', options: { name: 'summarize_page', state: 'shadow_primary' } }));
    expect(done.content).toBe("**summarize_page**'s skill is now `shadow_primary`: from its next run it goes through the local skill.");
    expect(h.store.capabilities.get('summarize_page')!.skill).toMatchObject({ state: 'shadow_primary', stateChangedBy: owner });
    await replyOf(await h.discord.slash(owner, 'capability', { subcommand: 'demote', options: { name: 'summarize_page' } }));
    expect(h.store.capabilities.get('summarize_page')!.skill!.state).toBe('sandbox');
  });

  it('list all:true from a member says it shows only theirs; from a manager it shows everyone’s', async () => {
    h.steward.engine.service.create({ userId: ALICE, guildId: h.discord.guildId, manager: false }, { name: 'alices', capability: 'http_check', schedule: 'manual', inputs: { url: okUrl } });
    h.steward.engine.service.create({ userId: BOB, guildId: h.discord.guildId, manager: false }, { name: 'bobs', capability: 'http_check', schedule: 'manual', inputs: { url: okUrl } });
    const bobs = await replyOf(await h.discord.slash(BOB, 'automation', { subcommand: 'list', options: { all: true } }));
    expect(bobs.content).toBe('Only managers can list everyone’s automations: these are yours.');
    const embed = (bobs.embeds as { title: string; description: string }[])[0]!;
    expect(embed.title).toBe('Your automations');
    expect(embed.description).toContain('**bobs**');
    expect(embed.description).not.toContain('alices');

    const mias = await replyOf(await h.discord.slash(MIA, 'automation', { subcommand: 'list', options: { all: true } }));
    expect(mias.content ?? '').toBe('');
    const all = (mias.embeds as { title: string; description: string }[])[0]!;
    expect(all.title).toBe('All automations');
    expect(all.description).toContain('**alices**');
    expect(all.description).toContain('**bobs**');
  });

  it('show masks secret-looking inputs and URL queries; only the create that typed them shows them', async () => {
    const url = `${okUrl}?token=s3cr3t-value`;
    const created = await replyOf(
      await h.discord.slash(ALICE, 'automation', { subcommand: 'create', options: { name: 'secretive', capability: 'ask', schedule: 'manual', inputs: JSON.stringify({ prompt: `check ${url}`, fields: ['api_key'] }) } }),
    );
    expect(JSON.stringify(created.embeds)).toContain('s3cr3t-value');
    const shown = await replyOf(await h.discord.slash(ALICE, 'automation', { subcommand: 'show', options: { name: 'secretive' } }));
    expect(JSON.stringify(shown.embeds)).not.toContain('s3cr3t-value');
    expect(JSON.stringify(shown.embeds)).toContain('[redacted]');
  });

  it('a button from an older Steward (or a forged id) says to run the command again, and changes nothing', async () => {
    const a = h.steward.engine.service.create({ userId: ALICE, guildId: h.discord.guildId, manager: false }, { name: 'old-button', capability: 'http_check', schedule: '@daily', inputs: { url: okUrl } });
    // A message as the previous version posted it: `a:pause:<id>`, no version marker.
    const response = await fetch(`${h.discord.apiUrl}/v10/channels/${h.discord.tasksChannelId}/messages`, {
      method: 'POST',
      headers: { authorization: 'Bot test-token', 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Paused: old-button', components: [{ type: 1, components: [{ type: 2, style: 2, label: 'Pause', custom_id: `a:pause:${a.id}` }, { type: 2, style: 2, label: 'Odd', custom_id: 's2:a:explode:1' }] }] }),
    });
    expect(response.status).toBe(200);
    const message = h.discord.channelMessages(h.discord.tasksChannelId).at(-1)!;
    for (const id of [`a:pause:${a.id}`, 's2:a:explode:1']) {
      expect(await refusalOf(await h.discord.click(ALICE, message, id))).toBe('❌ That button is from an older version of Steward; run the command again.');
    }
    expect(h.store.automations.get(a.id)!.status).toBe('active');
  });

  it('a refused create form keeps what was typed: "Edit again" reopens it filled in, and a corrected submit creates once', async () => {
    const opened = await h.discord.slash(ALICE, 'automation', { subcommand: 'create', options: { name: 'typed-once', capability: 'http_check', schedule: '@hourly' } });
    await opened.answered();
    expect(opened.modal()).not.toBeNull();
    expect(h.store.automations.findByName(ALICE, 'typed-once')).toBeNull();

    const typed = `url=${okUrl}; expected_status=abc`;
    const refused = await h.discord.submitModal(ALICE, opened, { inputs: typed });
    expect(await refusalOf(refused)).toMatch(/inputs for http_check are not valid/);
    const again = buttonsOf(refused.reply()).find((b) => b.label === 'Edit again');
    expect(again, 'an Edit again button under the refusal').toBeDefined();

    const reopened = await h.discord.click(ALICE, refused, again!.custom_id!);
    await reopened.answered();
    const modal = reopened.modal();
    expect(modal?.title).toBe('Inputs for typed-once');
    expect(JSON.stringify(modal?.components)).toContain(JSON.stringify(typed).slice(1, -1));

    const created = await replyOf(await h.discord.submitModal(ALICE, reopened, { inputs: `url=${okUrl}; expected_status=200` }));
    expect((created.embeds as { title: string }[])[0]!.title).toBe('Created: typed-once');
    expect(h.store.automations.findByName(ALICE, 'typed-once')).toMatchObject({ inputs: { url: okUrl, expected_status: 200 } });
    // The form is closed: the same form submitted again does not create a second one.
    const twice = await h.discord.submitModal(ALICE, reopened, { inputs: `url=${okUrl}` });
    expect(await refusalOf(twice)).toBe('❌ This form expired (15 minutes): run `/automation create` again.');
    expect(h.store.automations.list({ userId: ALICE, limit: 100, offset: 0 }).filter((x) => x.name === 'typed-once')).toHaveLength(1);
  });
});

describe('open create forms in the service', () => {
  const SETTINGS = { name: 'later', capability: 'http_check', schedule: '@daily' };

  it('belong to the person who opened them, survive a restart, and expire after 15 minutes of the clock', async () => {
    const h = makeHarness();
    try {
      const form = h.engine.service.openCreateForm(h.alice, SETTINGS);
      expect(() => h.engine.service.submitCreateForm(h.bob, form, 'url=https://example.com')).toThrow(FormExpiredError);
      expect(() => h.engine.service.createFormText(h.bob, form)).toThrow(FormExpiredError);

      const engine = h.restart();
      expect(engine.service.createFormText(h.alice, form)).toEqual({ name: 'later', capability: 'http_check', typed: null });
      expect(() => engine.service.submitCreateForm(h.alice, form, 'url=ftp://example.com')).toThrow(/url/);
      expect(engine.service.createFormText(h.alice, form).typed).toBe('url=ftp://example.com');

      await h.clock.advance(FORM_TTL_MS + 1);
      expect(() => engine.service.submitCreateForm(h.alice, form, 'url=https://example.com')).toThrow('This form expired (15 minutes): run `/automation create` again.');
      expect(h.store.automations.findByName('alice', 'later')).toBeNull();
    } finally {
      h.close();
    }
  });

  it('refuse to open with a bad schedule or a taken name, writing nothing', () => {
    const h = makeHarness();
    try {
      expect(() => h.engine.service.openCreateForm(h.alice, { ...SETTINGS, schedule: '0 25 * * *' })).toThrow(/hour 25/);
      h.engine.service.create(h.alice, { ...SETTINGS, inputs: { url: 'https://example.com' } });
      expect(() => h.engine.service.openCreateForm(h.alice, SETTINGS)).toThrow(/already have an automation named "later"/);
      expect(h.store.db.prepare('SELECT COUNT(*) AS n FROM pending_form').get()).toEqual({ n: 0 });
    } finally {
      h.close();
    }
  });
});
