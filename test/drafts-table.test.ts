/**
 * The table of what people say, through the real bot: `/automation new` with each sentence (its
 * addresses moved to a local site, so the preview fetches nothing outside 127.0.0.1) must draft
 * the capability, inputs, schedule (by its next slots) and condition (by what it says on samples)
 * the table gives. Sentences with a bare host name (`example.com`) are the drafter test's alone:
 * a bare local address is not something people type.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, startBot, type BotHarness } from './support/bot-harness.js';
import { serve } from './support/http-fixture.js';
import { slots, TABLE, verdicts } from './support/sentences.js';

const URL_IN_TEXT = /https:\/\/([^\s/]+)(\/[^\s]*)?/g;
const ROWS = TABLE.filter(([sentence]) => !/(^|\s)(?!https:\/\/)[a-z0-9.-]+\.(com|example)(\/|\s|$)/.test(sentence.replace(URL_IN_TEXT, '')));

describe('/automation new on the table of sentences, through the bot', () => {
  let h: BotHarness;
  let site: Awaited<ReturnType<typeof serve>>;
  let base = '';
  /** `https://host/path` → the local site's `/host/path`. */
  const local = (text: string) => text.replace(URL_IN_TEXT, (_, host: string, path: string | undefined) => `${base}/${host}${path ?? ''}`);
  beforeAll(async () => {
    const page = (_: unknown, res: ServerResponse) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>A page</title></head><body>hello</body></html>');
    const paths = new Set<string>();
    for (const [sentence] of TABLE) for (const m of sentence.matchAll(URL_IN_TEXT)) paths.add(`/${m[1]}${(m[2] ?? '').replace(/[),.;:!?]+$/, '')}`);
    site = await serve(Object.fromEntries([...paths].map((p) => [p, page])));
    base = site.url('').replace(/\/$/, '');
    h = await startBot({ env: { RUN_NOW_PER_MINUTE: '1000' } }); // one person drafting 60 times in a row
  });
  afterAll(async () => {
    await h?.close();
    await site?.close();
  });

  it('has most of the table to run', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(55);
  });

  it.each(ROWS)('“%s”', async (sentence, capability, inputs, cron, alert) => {
    const trace = await h.discord.slash(ALICE, 'automation', { subcommand: 'new', options: { what: local(sentence) } });
    const first = await trace.answered();
    if (first.type === 5) await trace.waitFor((e) => e.kind === 'edit', 10_000);
    expect(trace.rejections).toEqual([]);
    const embed = (trace.reply()?.embeds ?? [])[0] as { title?: string; fields?: { name: string; value: string }[] } | undefined;
    const field = (name: string) => embed?.fields?.find((f) => f.name === name)?.value ?? '';
    expect(embed?.title, JSON.stringify(trace.reply()?.content)).toMatch(/^Draft: /);
    expect(field('Capability')).toMatch(new RegExp(`^${capability} \\(`));
    expect(slots(/`([^`]+)`/.exec(field('Schedule'))![1]!)).toEqual(slots(cron));
    const drafted = field('Alert') === 'none' ? '' : /^`([^`]*)`/.exec(field('Alert'))![1]!;
    expect(verdicts(drafted, capability)).toEqual(verdicts(alert, capability));
    const shownInputs = JSON.parse(field('Inputs').replace(/^`|`$/g, '')) as Record<string, unknown>;
    expect(shownInputs).toEqual(Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, typeof v === 'string' ? local(v) : v])));
  });
});
