import { statSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RUN_OUTPUT_BYTES, MAX_STATE_BYTES } from '../src/automations/dispatcher.js';
import { EXPIRED_RUNS } from '../src/automations/repository.js';
import { MAX_PROMPT_CHARS } from '../src/capabilities/model-router.js';
import { capObject, CUT_MARKER_KEY, jsonBytes } from '../src/util/json-bounds.js';
import { cutText } from '../src/util/text.js';
import { flush } from './support/fake-clock.js';
import { serve } from './support/http-fixture.js';
import { makeHarness, type Harness } from './support/harness.js';

const DAY = 24 * 60 * 60_000;

let h: Harness;
afterEach(async () => {
  await h?.engine.notifications.stop();
  await h?.engine.retention.stop();
  h?.close();
});

/** 50 new items with 90 KB titles and 4 KB ids on every fetch: the feed of the report that stored 4.5 MB per run. */
function hugeFeed(version: number): string {
  const title = 'T'.repeat(90_000);
  const id = 'g'.repeat(4_000);
  const items = Array.from({ length: 50 }, (_, i) => `<item><title>${i} ${title}</title><guid>${version}-${i}-${id}</guid><link>https://news.example/${version}/${i}</link></item>`);
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>${items.join('')}</channel></rss>`;
}

let site: Awaited<ReturnType<typeof serve>>;
let feedVersion = 0;
beforeAll(async () => {
  site = await serve({
    '/feed.xml': (_, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(hugeFeed(feedVersion++)),
    '/page': (_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><head><title>${'W'.repeat(685_000)}</title></head><body><main><p>${'Some text. '.repeat(5_000)}</p></main></body></html>`),
  });
});
afterAll(() => site.close());

describe('capObject', () => {
  it('leaves a small object alone and cuts a large one to a JSON object under the cap, with a marker', () => {
    expect(capObject({ a: 1 }, 100)).toEqual({ value: { a: 1 }, cut: false, bytes: 7 });
    const big = { count: 50, items: Array.from({ length: 50 }, (_, i) => ({ title: 'x'.repeat(90_000), i })), ok: true };
    const capped = capObject(big, MAX_RUN_OUTPUT_BYTES);
    expect(capped.cut).toBe(true);
    expect(jsonBytes(capped.value)).toBeLessThanOrEqual(MAX_RUN_OUTPUT_BYTES);
    expect(capped.value).toMatchObject({ count: 50, ok: true, [CUT_MARKER_KEY]: expect.stringMatching(/^output cut to fit 64 KB: it was 4,39\d KB$/) });
    expect((capped.value.items as unknown[]).length).toBe(50);
    // Many small items: the first ones are kept.
    const many = capObject({ n: 1, list: Array.from({ length: 100_000 }, (_, i) => i) }, 1_024);
    expect(jsonBytes(many.value)).toBeLessThanOrEqual(1_024);
    expect(many.value.n).toBe(1);
    expect((many.value.list as number[]).slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('never cuts between the two halves of an emoji', () => {
    expect(cutText('ab😀cd', 4, { units: 'UTF-16 units' })).toBe('ab…');
    expect(cutText('ab😀cd', 5, { units: 'UTF-16 units' })).toBe('ab😀…');
  });
});

describe('run output and state', () => {
  it('stores a 4.4 MB output cut to 64 KB (still an object, with a marker) and judges the alert on what it stored', async () => {
    h = makeHarness();
    const a = h.engine.service.create(h.alice, { name: 'big', capability: 'echo', schedule: 'manual', alert: 'count > 10' });
    h.skill = () => ({ output: { count: 50, items: Array.from({ length: 50 }, () => ({ title: 'x'.repeat(90_000) })) }, costUsd: 0 });
    const report = await h.engine.service.runNow(h.alice, a.id);
    expect(report).toMatchObject({ outcome: 'succeeded', alertSent: true });
    const run = h.store.runs.get(report.runId!)!;
    expect(jsonBytes(run.output)).toBeLessThanOrEqual(MAX_RUN_OUTPUT_BYTES);
    expect(run.output).toMatchObject({ count: 50, [CUT_MARKER_KEY]: expect.stringMatching(/^output cut to fit 64 KB: it was [\d,]+ KB$/) });
  });

  it('fails a run whose state would be over 256 KB, naming the cap, and keeps the state it had', async () => {
    h = makeHarness();
    const a = h.engine.service.create(h.alice, { name: 'hoarder', capability: 'echo', schedule: 'manual' });
    h.skill = () => ({ output: { ok: true }, costUsd: 0, state: { seen: ['a'] } });
    await h.engine.service.runNow(h.alice, a.id);
    h.skill = () => ({ output: { ok: true }, costUsd: 0, state: { seen: Array.from({ length: 30_000 }, (_, i) => `item-${i}`) } });
    const report = await h.engine.service.runNow(h.alice, a.id);
    expect(report.outcome).toBe('failed');
    expect(report.error).toMatch(/^the state this run would keep is [\d,]+ KB, over the 256 KB an automation may keep between runs$/);
    expect(h.store.automations.get(a.id)!.state).toEqual({ seen: ['a'] });
    expect(MAX_STATE_BYTES).toBe(256 * 1024);
  });

  it('feed_watch on 50 items with 90 KB titles and ids: output under 64 KB, state bounded, 25 runs in a small database', async () => {
    h = makeHarness();
    const a = h.engine.service.create(h.alice, { name: 'news', capability: 'feed_watch', schedule: 'manual', inputs: { url: site.url('/feed.xml'), max_items: 50 } });
    await h.engine.service.runNow(h.alice, a.id); // baseline
    const report = await h.engine.service.runNow(h.alice, a.id);
    expect(report).toMatchObject({ outcome: 'succeeded', error: null });
    const output = h.store.runs.get(report.runId!)!.output!;
    expect(output.count).toBe(50);
    expect(jsonBytes(output)).toBeLessThanOrEqual(MAX_RUN_OUTPUT_BYTES);
    const titles = (output.new_items as { title: string }[]).map((i) => i.title);
    expect(Math.max(...titles.map((t) => t.length))).toBeLessThanOrEqual(300);
    const state = h.store.automations.get(a.id)!.state as { seen: string[] };
    expect(state.seen).toHaveLength(100);
    expect(Math.max(...state.seen.map((id) => id.length))).toBeLessThanOrEqual(200);
    expect(jsonBytes(state)).toBeLessThan(16 * 1024);

    for (let i = 0; i < 23; i++) {
      await h.clock.advance(60_000);
      await h.engine.service.runNow(h.alice, a.id);
    }
    h.store.db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = statSync(h.dbPath).size;
    console.log(`[bounds] feed_watch, 50 items of 90 KB titles, 25 runs: database ${(bytes / 1024).toFixed(0)} KB`);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
  });
});

describe('the prompt', () => {
  it('summarize_page with a 685 KB title: the title is cut and the prompt stays under the cap', async () => {
    h = makeHarness();
    h.provider.answer = () => ({ text: '{"summary": "ok", "key_points": []}', inputTokens: 10, outputTokens: 10 });
    const a = h.engine.service.create(h.alice, { name: 'sum', capability: 'summarize_page', schedule: 'manual', inputs: { url: site.url('/page') } });
    const report = await h.engine.service.runNow(h.alice, a.id);
    expect(report.outcome).toBe('succeeded');
    const prompt = h.provider.prompts[0]!;
    expect(prompt.system.length + prompt.user.length).toBeLessThanOrEqual(MAX_PROMPT_CHARS);
    const context = (JSON.parse(prompt.user) as { context: { title: string } }).context;
    expect(context.title.length).toBeLessThanOrEqual(300);
  });

  it('cuts the texts of an oversized prompt with a marker, and refuses one that still does not fit before any model call', async () => {
    h = makeHarness();
    const cut = h.engine.service.create(h.alice, { name: 'long', capability: 'think', schedule: 'manual', inputs: { text: 'y'.repeat(100_000) } });
    expect((await h.engine.service.runNow(h.alice, cut.id)).outcome).toBe('succeeded');
    const sent = JSON.parse(h.provider.prompts[0]!.user) as { inputs: { text: string }; cut: string };
    expect(sent.inputs.text.length).toBe(4096);
    expect(sent.cut).toBe(`texts were cut (…) to fit the prompt cap of ${MAX_PROMPT_CHARS} characters`);

    const inputs = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`field_${i}`, 'z'.repeat(1_000)]));
    const wide = h.engine.service.create(h.alice, { name: 'wide', capability: 'think', schedule: 'manual', inputs });
    const report = await h.engine.service.runNow(h.alice, wide.id);
    expect(report.outcome).toBe('failed');
    expect(report.error).toMatch(/^the prompt is [\d,]+ characters, over the cap of 24,000: shorten the inputs$/);
    expect(h.provider.prompts).toHaveLength(1);
    expect(h.store.runs.get(report.runId!)!.costUsd).toBe(0);
  });
});

describe('run retention', () => {
  it('deletes runs older than RUN_RETENTION_DAYS in batches, keeping the last RUN_RETENTION_MIN_RUNS of each automation, the ledger and pending notices', async () => {
    h = makeHarness({ env: { RUN_RETENTION_DAYS: '10', RUN_RETENTION_MIN_RUNS: '5' } });
    const busy = h.engine.service.create(h.alice, { name: 'busy', capability: 'echo', schedule: 'manual', alert: 'ok == true', alertMode: 'every' });
    const dormant = h.engine.service.create(h.alice, { name: 'dormant', capability: 'echo', schedule: 'manual' });
    const model = h.engine.service.create(h.alice, { name: 'model', capability: 'think', schedule: 'manual' });
    for (let i = 0; i < 3; i++) await h.engine.service.runNow(h.alice, dormant.id);
    await h.engine.service.runNow(h.alice, model.id);
    for (let day = 0; day < 30; day++) {
      await h.engine.service.runNow(h.alice, busy.id);
      await h.engine.notifications.deliverDue();
      await h.clock.advance(DAY);
    }
    for (let i = 0; i < 6; i++) await h.engine.service.runNow(h.alice, model.id);
    const count = (id: number) => h.store.runs.recent(id, 1_000).length;
    expect([count(busy.id), count(dormant.id), count(model.id)]).toEqual([30, 3, 7]);

    expect(await h.engine.retention.sweep()).toBe(20 + 1);
    // busy: the 10 days within retention; dormant: all 3 (fewer than 5); model: its last 5 kept… and the 6 recent ones are all recent.
    expect([count(busy.id), count(dormant.id), count(model.id)]).toEqual([10, 3, 6]);
    expect(h.store.runs.recent(busy.id, 1)[0]!.startedAt.getTime()).toBe(h.clock.now().getTime() - DAY);
    // The ledger keeps every call (spend stays counted); only its reference to the deleted run is cleared.
    expect(h.store.db.prepare('SELECT COUNT(*) AS n, COUNT(automation_run_id) AS linked FROM invocation_log').get()).toEqual({ n: 7, linked: 6 });
    expect(h.store.outbox.all().filter((n) => n.runId !== null && h.store.runs.get(n.runId) === null)).toEqual([]);
    expect(h.engine.service.inspect(h.alice, busy.id).recentRuns).toHaveLength(5);
  });

  it('runs from a timer on the injected clock, a minute after start and then hourly, in small batches', async () => {
    h = makeHarness({ env: { RUN_RETENTION_DAYS: '1', RUN_RETENTION_MIN_RUNS: '0' } });
    const a = h.engine.service.create(h.alice, { name: 'many', capability: 'echo', schedule: 'manual' });
    for (let i = 0; i < 1_200; i++) await h.engine.dispatcher.dispatch(a.id, 'manual');
    h.engine.start();
    await h.clock.advance(DAY + 60_000);
    for (let i = 0; i < 20 && h.store.runs.recent(a.id, 1).length > 0; i++) await flush();
    expect(h.store.runs.recent(a.id, 10)).toEqual([]);
    await h.engine.dispatcher.dispatch(a.id, 'manual');
    await h.clock.advance(60 * 60_000);
    await flush();
    expect(h.store.runs.recent(a.id, 10)).toHaveLength(1); // recent: kept
  });

  it('reads runs by primary key and counts newer runs through the (automation_id, id) index', () => {
    h = makeHarness();
    const plan = h.store.db
      .prepare(`EXPLAIN QUERY PLAN ${EXPIRED_RUNS}`)
      .all(0, 500, 0, 20, 20)
      .map((r) => (r as { detail: string }).detail);
    expect(plan.join('\n')).toMatch(/SEARCH r USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/);
    expect(plan.join('\n')).toMatch(/SEARCH k USING COVERING INDEX automation_run_by_automation \(automation_id=\? AND id>\?\)/);
    expect(plan.join('\n')).not.toMatch(/SCAN (r|k)\b(?! USING)/);
  });
});
