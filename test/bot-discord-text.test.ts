/**
 * Text the bot sends that Discord would refuse or misread, through the real bot and the strict
 * emulator: cuts that fall inside an emoji (Discord answers 50035, and an alert refused so is
 * dropped), third-party text that would become a link or break out of a code span, and automation
 * names that would show blank. The emulator refuses any body Discord would (and the guard fails the
 * test), so each test here also proves Discord accepted everything the bot sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/automations/access.js';
import { ALICE, startBot, type BotHarness } from './support/bot-harness.js';
import type { EmulatedMessage, InteractionTrace, ReplyView } from './support/discord-emulator.js';
import { serve } from './support/http-fixture.js';
import { until } from './support/until.js';

const EMOJI = '😀';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const codePoints = (s: string): number => [...s].length;

interface EmbedJson {
  title?: string;
  description?: string;
  fields?: { name: string; value: string }[];
}

/** The reply once answered (deferred ones after their edit), with nothing refused. */
async function seen(trace: InteractionTrace, deferred = false): Promise<ReplyView> {
  await trace.answered();
  if (deferred) await trace.waitFor((e) => e.kind === 'edit' && e.original, 5_000);
  expect(trace.rejections, `Discord refused part of the answer to ${trace.label}`).toEqual([]);
  const view = trace.reply();
  if (!view) throw new Error(`${trace.label}: no reply`);
  return view;
}

const embedOf = (view: ReplyView | EmulatedMessage): EmbedJson => (view.embeds?.[0] ?? {}) as EmbedJson;
const field = (embed: EmbedJson, name: string): string => {
  const found = embed.fields?.find((f) => f.name === name);
  if (!found) throw new Error(`no field ${name}: ${(embed.fields ?? []).map((f) => f.name).join(', ')}`);
  return found.value;
};
const wellFormed = (text: string | undefined): void => expect(LONE_SURROGATE.test(text ?? ''), JSON.stringify(text)).toBe(false);

let site: Awaited<ReturnType<typeof serve>>;
let h: BotHarness;
let alice: Actor;
beforeAll(async () => {
  site = await serve({ '/ok': (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('fine') });
  h = await startBot({ env: { RUN_NOW_PER_MINUTE: '1000' } }); // this file runs many Run nows as one person; quotas are tested in abuse.test.ts
  alice = { userId: ALICE, guildId: h.discord.guildId, manager: false };
});
afterAll(async () => {
  await h?.close();
  await site?.close();
});

const tasks = (): EmulatedMessage[] => h.discord.channelMessages(h.discord.tasksChannelId).filter((m) => !m.deleted);
const answer = (output: unknown): void => {
  h.provider.answer = () => ({ text: JSON.stringify(output), inputTokens: 10, outputTokens: 10 });
};
const ask = (name: string, alert?: string) =>
  h.steward.engine.service.create(alice, { name, capability: 'ask', schedule: 'manual', inputs: { prompt: 'What changed?' }, ...(alert ? { alert, alertMode: 'every' as const } : {}) });

describe('cuts never split an emoji (Discord refuses half a character)', () => {
  it('the create form’s title, cut to 45, ends in … and opens', async () => {
    const name = `${'x'.repeat(32)}${EMOJI.repeat(4)}`; // "Inputs for " + name is 47 characters; a cut at 44 UTF-16 units falls inside the first emoji
    const trace = await h.discord.slash(ALICE, 'automation', { subcommand: 'create', options: { name, capability: 'http_check', schedule: '@daily' } });
    await trace.answered();
    expect(trace.rejections).toEqual([]);
    const title = trace.modal()?.title;
    if (!title) throw new Error(`no form: ${JSON.stringify(trace.reply())}`);
    expect(title).toMatch(/^Inputs for x{32}…$/u); // discord.js's builder counts UTF-16 units: the emoji does not fit
    expect(title!.length).toBeLessThanOrEqual(45);
    wellFormed(title);
  });

  it('an error reply cut to 2000 ends in … and arrives', async () => {
    const capability = EMOJI.repeat(2500);
    const view = await seen(await h.discord.slash(ALICE, 'automation', { subcommand: 'create', options: { name: 'emoji-error', capability, schedule: '@daily', inputs: 'url=http://127.0.0.1/' } }));
    expect(view.content).toMatch(/^❌ unknown capability "😀+…$/u);
    expect(codePoints(view.content!)).toBeLessThanOrEqual(2000);
    wellFormed(view.content);
  });

  it('an alert whose field value is cut inside an emoji is delivered, not refused and dropped', async () => {
    const a = ask('emoji-alert', 'ok == true');
    answer({ ok: true, answer: `${'x'.repeat(1498)}${EMOJI.repeat(5)}` });
    await h.steward.engine.service.runNow(alice, a.id);
    await until(() => tasks().some((m) => embedOf(m).title === 'emoji-alert'), 'the alert');
    const value = embedOf(tasks().find((m) => embedOf(m).title === 'emoji-alert')!).description!;
    expect(value).toMatch(/^x{1498}😀…$/u); // the answer's 1,500 code points: Discord counts an emoji as one
    wellFormed(value);
    await until(() => h.store.outbox.all().every((n) => n.deliveredAt !== null), 'the outbox to mark it delivered');
    expect(h.store.outbox.all().filter((n) => n.failedAt !== null)).toEqual([]);
  });

  it('the run now reply shows an output cut inside an emoji', async () => {
    const a = ask('emoji-run');
    answer({ answer: `${'x'.repeat(1000)}${EMOJI.repeat(40)}` }); // the title line and 1000 x: the cut at 1024 falls inside the emoji
    const view = await seen(await h.discord.slash(ALICE, 'automation', { subcommand: 'run', options: { name: `#${a.id}` } }), true);
    const output = field(embedOf(view), 'What it saw');
    expect(output).toMatch(/^\*\*emoji-run\*\*\nx{1000}😀+…$/u); // the answer's text, cut at the field's 1024
    expect(codePoints(output)).toBeLessThanOrEqual(1024);
    wellFormed(output);
  });

  it('show cuts the last output and the inputs without splitting an emoji', async () => {
    const a = h.steward.engine.service.create(alice, { name: 'emoji-show', capability: 'ask', schedule: 'manual', inputs: { prompt: `${'p'.repeat(587)}${EMOJI.repeat(30)}` } });
    answer({ answer: `${'x'.repeat(387)}${EMOJI.repeat(20)}` });
    await h.steward.engine.service.runNow(alice, a.id);
    const embed = embedOf(await seen(await h.discord.slash(ALICE, 'automation', { subcommand: 'show', options: { name: `#${a.id}` } })));
    expect(field(embed, 'Inputs')).toMatch(/…`$/);
    expect(field(embed, 'What it saw')).toMatch(/^\*\*emoji-show\*\*\nx{387}😀+$/u);
    for (const name of ['Inputs', 'What it saw']) wellFormed(field(embed, name));
  });

  it('a model answer carrying a lone surrogate is shown with U+FFFD instead', async () => {
    const a = ask('broken-answer', 'ok == true');
    h.provider.answer = () => ({ text: '{"ok": true, "title": "caf\\ud83d"}', inputTokens: 10, outputTokens: 10 });
    await h.steward.engine.service.runNow(alice, a.id);
    await until(() => tasks().some((m) => embedOf(m).title === 'broken-answer'), 'the alert');
    expect(field(embedOf(tasks().find((m) => embedOf(m).title === 'broken-answer')!), 'Title')).toBe('caf\uFFFD');
  });
});

describe('third-party text in notices is shown as text', () => {
  it('a page title written as a masked link is not a link in the alert, and a backtick in a value cannot end the code span', async () => {
    const a = ask('phishing', 'title contains "Verify"');
    answer({ title: '[Verify your account](https://evil.example/login)', note: 'a `code` **bold** _x_' });
    await h.steward.engine.service.runNow(alice, a.id);
    await until(() => tasks().some((m) => embedOf(m).title === 'phishing'), 'the alert');
    const embed = embedOf(tasks().find((m) => embedOf(m).title === 'phishing')!);
    expect(field(embed, 'Title')).toBe('\\[Verify your account\\](https://evil.example/login)');
    expect(field(embed, 'Note')).toBe('a \\`code\\` \\*\\*bold\\*\\* \\_x\\_');
    // The model's main text is third-party too.
    answer({ answer: 'click [here](https://evil.example/) to `keep` access', title: 'Verify' });
    await h.steward.engine.service.runNow(alice, a.id);
    await until(() => tasks().filter((m) => embedOf(m).title === 'phishing').length === 2, 'the second alert');
    expect(embedOf(tasks().filter((m) => embedOf(m).title === 'phishing')[1]!).description).toBe('click \\[here\\](https://evil.example/) to \\`keep\\` access');
  });

  it('a condition with a backtick stays one code span where it is shown', async () => {
    const a = ask('ticks', 'title contains "`"');
    answer({ title: 'a ` b' });
    const view = await seen(await h.discord.slash(ALICE, 'automation', { subcommand: 'run', options: { name: `#${a.id}` } }), true);
    const fired = field(embedOf(view), 'Alert');
    expect(fired.match(/`/g)).toHaveLength(2); // one span: opened and closed, nothing inside breaks it
    expect(fired).toMatch(/^🔔 `title contains ".+"` fired$/);
    await until(() => tasks().some((m) => embedOf(m).title === 'ticks'), 'the alert');
    expect(field(embedOf(tasks().find((m) => embedOf(m).title === 'ticks')!), 'Title')).toBe('a \\` b');
  });

  it('a pause notice shows the last error as text, not as a link', async () => {
    const a = ask('failing');
    h.provider.answer = () => new Error('see [the fix](https://evil.example/) for details');
    for (let i = 0; i < 5; i++) await h.steward.engine.service.runNow(alice, a.id);
    await until(() => tasks().some((m) => embedOf(m).title === 'Paused: failing'), 'the pause notice');
    const embed = embedOf(tasks().find((m) => embedOf(m).title === 'Paused: failing')!);
    expect(embed.description).toMatch(/^Paused after 5 failed runs in a row\. Last error: `[^`]*\[the fix\]\(https:\/\/evil\.example\/\)[^`]*`$/); // in a code span: text, not a link
    expect(field(embed, 'Last error')).toContain('\\[the fix\\](https://evil.example/)');
  });
});

describe('names that would show blank are refused', () => {
  it.each([
    ['only U+3164 HANGUL FILLER', '\u3164\u3164'],
    ['only U+2800 BRAILLE PATTERN BLANK', '\u2800'],
    ['only combining marks', '\u0301\u0308\u0327'],
    ['only U+115F and U+1160 (Hangul fillers)', '\u115F\u1160'],
    ['only a filler between ideographic spaces', '\u3000\u3164\u3000'],
    ['only U+FFA0 HALFWIDTH HANGUL FILLER and a combining mark', '\uFFA0\u0300'],
  ])('%s', async (_what, name) => {
    const trace = await h.discord.slash(ALICE, 'automation', { subcommand: 'create', options: { name, capability: 'http_check', schedule: '@daily', inputs: `url=${site.url('/ok')}` } });
    const view = await seen(trace);
    expect(view.content).toBe('❌ name must have a visible character (it would show blank)');
    expect(h.store.automations.findByName(ALICE, name)).toBeNull();
  });

  it('a name with a visible character among fillers and marks is fine', async () => {
    const view = await seen(await h.discord.slash(ALICE, 'automation', { subcommand: 'create', options: { name: 'e\u0301\u3164ok', capability: 'http_check', schedule: '@daily', inputs: `url=${site.url('/ok')}` } }));
    expect(embedOf(view).title).toBe('Created: e\u0301\u3164ok');
  });
});
