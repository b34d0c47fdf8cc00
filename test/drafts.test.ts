/**
 * `/automation new` through the real bot against the Discord emulator: a sentence becomes a draft
 * with a preview (no run row, no alert), Create saves exactly what was shown (once), Edit changes
 * it and previews again, Cancel saves nothing, and the draft belongs to the person for 30 minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAFT_TTL_MS } from '../src/automations/drafts.js';
import { customId } from '../src/discord/interactions/custom-id.js';
import { ALICE, BOB, startBot, type BotHarness } from './support/bot-harness.js';
import type { InteractionTrace, ReplyView } from './support/discord-emulator.js';
import { serve } from './support/http-fixture.js';

interface Embed {
  title?: string;
  description?: string;
  fields?: { name: string; value: string }[];
}

const embeds = (v: ReplyView | null) => (v?.embeds ?? []) as Embed[];
const field = (e: Embed | undefined, name: string) => e?.fields?.find((f) => f.name === name)?.value;
const buttons = (v: ReplyView | null) => ((v?.components ?? []) as { components?: { custom_id?: string; label?: string }[] }[]).flatMap((r) => r.components ?? []);

async function settled(trace: InteractionTrace): Promise<ReplyView> {
  const first = await trace.answered();
  if (first.type === 5 || first.type === 6) await trace.waitFor((e) => e.kind === 'edit', 10_000);
  expect(trace.rejections, `Discord refused part of the answer to ${trace.label}`).toEqual([]);
  return trace.reply()!;
}

const KETTLE = `<html><head><title>Kettle</title><script type="application/ld+json">{"@type":"Product","name":"Steel Kettle 1.7 L","offers":{"@type":"Offer","price":"89.99","priceCurrency":"USD","availability":"https://schema.org/InStock"}}</script></head><body>Steel Kettle</body></html>`;

describe('/automation new', () => {
  let h: BotHarness;
  let site: Awaited<ReturnType<typeof serve>>;
  const runs = () => h.store.db.prepare('SELECT COUNT(*) AS n FROM automation_run').get() as { n: number };
  beforeAll(async () => {
    site = await serve({
      '/kettle': (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(KETTLE),
      '/plain': (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>Nothing to buy</title></head><body>hello</body></html>'),
      '/status': (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('all good'),
    });
    h = await startBot();
  });
  afterAll(async () => {
    await h?.close();
    await site?.close();
  });

  it('drafts a price watch from a sentence, previews it, and Create saves exactly that, once', async () => {
    const url = site.url('/kettle');
    const trace = await h.discord.slash(ALICE, 'automation', { subcommand: 'new', options: { what: `tell me when ${url} drops under $100 every morning` } });
    const view = await settled(trace);
    const [draft, preview] = embeds(view);
    expect(draft!.title).toBe('Draft: Steel Kettle 1.7 L');
    expect(field(draft, 'Capability')).toBe('page_watch (local skill)');
    expect(field(draft, 'Schedule')).toBe('every day at 08:00, UTC\n`0 8 * * *`');
    expect(field(draft, 'Next runs')?.split('\n')).toHaveLength(3);
    expect(field(draft, 'Alert')).toBe('`price < 100` — when it turns true, to the tasks channel');
    expect(preview!.title).toBe('Preview: what it sees now');
    expect(preview!.description).toContain('**price**: 89.99');
    expect(field(preview, 'Would alert')).toBe('🔔 yes, it would alert now');
    expect(buttons(view).map((b) => b.label)).toEqual(['Create', 'Edit', 'Cancel']);
    expect(runs().n, 'a preview is no run').toBe(0);
    expect(h.discord.channelMessages(h.discord.tasksChannelId), 'and sends no alert').toEqual([]);
    expect(h.store.automations.findByName(ALICE, 'Steel Kettle 1.7 L'), 'nothing saved before Create').toBeNull();

    const create = buttons(view).find((b) => b.label === 'Create')!.custom_id!;
    // Someone else pressing it (a forged click) is told it expired, and nothing is saved.
    expect((await settled(await h.discord.click(BOB, trace.replyMessage()!, create))).content).toBe('❌ This draft expired (30 minutes): run `/automation new` again.');
    const created = await settled(await h.discord.click(ALICE, trace, create));
    expect(embeds(created)[0]!.title).toBe('Created: Steel Kettle 1.7 L');
    expect(h.store.automations.findByName(ALICE, 'Steel Kettle 1.7 L')).toMatchObject({
      capability: 'page_watch',
      inputs: { url },
      schedule: '0 8 * * *',
      alertConditions: { field: 'price', op: '<', value: 100 },
      createdVia: 'draft',
    });
    expect(h.store.automations.count({ userId: ALICE })).toBe(1);
  });

  it('notify_resolved:false is an option of new as of create: the draft says so and Create saves it', async () => {
    const trace = await h.discord.slash(ALICE, 'automation', {
      subcommand: 'new',
      options: { what: `tell me when ${site.url('/status')} is down`, name: 'quiet status', notify_resolved: false },
    });
    const view = await settled(trace);
    expect(field(embeds(view)[0], 'Alert')).toBe('`ok == false` — when it turns true, to the tasks channel; no Resolved notice');
    await settled(await h.discord.click(ALICE, trace, buttons(view).find((b) => b.label === 'Create')!.custom_id!));
    expect(h.store.automations.findByName(ALICE, 'quiet status')).toMatchObject({ capability: 'http_check', notifyResolved: false });
    // Without the option, a draft sends the Resolved notice, as create does.
    const plain = await settled(await h.discord.slash(ALICE, 'automation', { subcommand: 'new', options: { what: `tell me when ${site.url('/status')} is down`, name: 'loud status' } }));
    expect(field(embeds(plain)[0], 'Alert')).toBe('`ok == false` — when it turns true, to the tasks channel');
  });

  it('pressed twice, Create creates once', async () => {
    const trace = await h.discord.slash(ALICE, 'automation', { subcommand: 'new', options: { what: `check ${site.url('/status')} every 10 minutes`, name: 'status page' } });
    const view = await settled(trace);
    const create = buttons(view).find((b) => b.label === 'Create')!.custom_id!;
    expect(create).toBe(customId.draft('create', create.split(':').at(-1)!));
    // A double click: both presses reach the bot before it answered either.
    const [first, second] = await Promise.all([h.discord.click(ALICE, trace, create), h.discord.click(ALICE, trace, create)]);
    const answers = [await settled(first), await settled(second)];
    expect(answers.map((a) => embeds(a)[0]?.title ?? a.content)).toEqual(['Created: status page', expect.stringMatching(/^❌ this draft is already saved as "status page" \(#\d+\)/)]);
    expect(h.store.automations.list({ userId: ALICE, limit: 100, offset: 0 }).filter((a) => a.name === 'status page')).toHaveLength(1);
  });

  it('Edit changes the schedule and alert, validates them, and shows a fresh preview; Cancel saves nothing', async () => {
    const trace = await h.discord.slash(ALICE, 'automation', { subcommand: 'new', options: { what: `watch ${site.url('/plain')} for a price under 20 euros` } });
    const view = await settled(trace);
    const [draft, preview] = embeds(view);
    expect(field(preview, 'Tip')).toMatch(/no price or stock .* add `selector`/);
    expect(draft!.fields!.find((f) => f.name === 'Assumed')?.value).toContain('schedule: every day at 08:00 (the default for page\\_watch)');

    const edit = await h.discord.click(ALICE, trace, buttons(view).find((b) => b.label === 'Edit')!.custom_id!);
    await edit.answered();
    const modal = edit.modal()!;
    expect(modal.title).toBe(`Edit the draft ${draft!.title!.replace('Draft: ', '')}`.slice(0, 45));
    const bad = await h.discord.submitModal(ALICE, edit, { name: 'plain page', schedule: 'every 90 minutes', inputs: `url=${site.url('/plain')}`, alert: 'price < 20' });
    expect((await settled(bad)).content).toMatch(/^❌ I could not read "every 90 minutes" as a schedule/);

    const good = await h.discord.submitModal(ALICE, edit, { name: 'plain page', schedule: 'every weekday at 7:15 am', inputs: `url=${site.url('/plain')}`, alert: 'changed == true' });
    const again = await settled(good);
    const [edited] = embeds(again);
    expect(edited!.title).toBe('Draft: plain page');
    expect(field(edited, 'Schedule')).toBe('at 07:15 on Monday through Friday, UTC\n`15 7 * * 1-5`');
    expect(field(edited, 'Alert')).toMatch(/^`changed == true`/);

    const cancelled = await settled(await h.discord.click(ALICE, trace.replyMessage()!, buttons(again).find((b) => b.label === 'Cancel')!.custom_id!));
    expect(cancelled.content).toBe('Cancelled: nothing was saved.');
    expect(buttons(cancelled)).toEqual([]);
    expect(h.store.automations.findByName(ALICE, 'plain page')).toBeNull();
  });

  it('a sentence it cannot read says what is missing and gives sentences that work; a draft expires after 30 minutes', async () => {
    const refused = await settled(await h.discord.slash(ALICE, 'automation', { subcommand: 'new', options: { what: 'tell me when the price drops' } }));
    expect(refused.content).toMatch(/^❌ which page\? .* names no address: add its URL\. Sentences that work: “check https:\/\/example\.com every 5 minutes and tell me when it is down”/);

    const trace = await h.discord.slash(ALICE, 'automation', { subcommand: 'new', options: { what: `check ${site.url('/status')} hourly` } });
    const view = await settled(trace);
    await h.clock.advance(DRAFT_TTL_MS + 1000);
    const late = await settled(await h.discord.click(ALICE, trace, buttons(view).find((b) => b.label === 'Create')!.custom_id!));
    expect(late.content).toBe('❌ This draft expired (30 minutes): run `/automation new` again.');
  });

  it('what the grammar cannot read, the model drafts (metered, said in the draft); nothing is saved until Create', async () => {
    const before = (h.store.db.prepare('SELECT COUNT(*) AS n FROM invocation_log').get() as { n: number }).n;
    h.provider.answer = () => ({
      text: JSON.stringify({ capability: 'page_watch', inputs: { url: site.url('/kettle') }, schedule: 'every morning', alert: 'price < 100', name: 'kettle by model' }),
      inputTokens: 500,
      outputTokens: 50,
    });
    const view = await settled(await h.discord.slash(ALICE, 'automation', { subcommand: 'new', options: { what: 'let me know about that kettle I keep looking at' } }));
    const [draft] = embeds(view);
    expect(draft!.title, "the product's title wins over the model's name, made unique").toBe('Draft: Steel Kettle 1.7 L 2');
    expect(field(draft, 'Schedule')).toBe('every day at 08:00, UTC\n`0 8 * * *`');
    expect(field(draft, 'Assumed')).toMatch(/proposed by the model \(\$0\.0010\): capability, inputs, schedule and alert/);
    expect(h.provider.prompts.at(-1)!.user).toContain('let me know about that kettle I keep looking at');
    expect((h.store.db.prepare('SELECT COUNT(*) AS n FROM invocation_log').get() as { n: number }).n).toBe(before + 1);
    expect(h.store.automations.findByName(ALICE, 'Steel Kettle 1.7 L 2')).toBeNull();

    h.provider.answer = () => ({ text: JSON.stringify({ capability: 'teleport', inputs: {}, schedule: 'x' }), inputTokens: 10, outputTokens: 10 });
    const refused = await settled(await h.discord.slash(ALICE, 'automation', { subcommand: 'new', options: { what: 'that stuff with the kettle thing' } }));
    expect(refused.content).toMatch(/^❌ .*(model|capability)/);
    h.provider.answer = () => ({ text: '{}', inputTokens: 1000, outputTokens: 100 });
  });

  it('a schedule in words works in create too: stored as cron, and the reply shows both', async () => {
    const reply = await settled(
      await h.discord.slash(ALICE, 'automation', { subcommand: 'create', options: { name: 'in words', capability: 'http_check', schedule: 'every 15 minutes', inputs: `url=${site.url('/status')}` } }),
    );
    expect(reply.content).toBe('🗓️ Read “every 15 minutes” as `*/15 * * * *`.');
    expect(h.store.automations.findByName(ALICE, 'in words')?.schedule).toBe('*/15 * * * *');
  });

  it('inputs with commas between pairs are read as pairs, not as one URL', async () => {
    await settled(
      await h.discord.slash(ALICE, 'automation', { subcommand: 'create', options: { name: 'commas', capability: 'http_check', schedule: '@hourly', inputs: `url=${site.url('/status')}, contains=all good` } }),
    );
    expect(h.store.automations.findByName(ALICE, 'commas')?.inputs).toEqual({ url: site.url('/status'), contains: 'all good' });
  });

  it('a URL without a scheme is refused with the fix', async () => {
    const reply = await settled(
      await h.discord.slash(ALICE, 'automation', { subcommand: 'create', options: { name: 'no-scheme', capability: 'http_check', schedule: '@hourly', inputs: 'url=example.com' } }),
    );
    expect(reply.content).toMatch(/url "example\.com" has no http:\/\/ or https:\/\/: did you mean https:\/\/example\.com\?/);
  });

  it('an unknown capability suggests the nearest name', async () => {
    const reply = await settled(
      await h.discord.slash(ALICE, 'automation', { subcommand: 'create', options: { name: 'typo', capability: 'http-check', schedule: '@hourly', inputs: 'url=https://example.com' } }),
    );
    expect(reply.content).toMatch(/^❌ unknown capability "http-check": did you mean `http_check`\? choose one of /);
  });
});
