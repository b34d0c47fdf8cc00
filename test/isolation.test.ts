import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import type { ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateInput } from '../src/automations/service.js';
import { MAX_ELEMENTS } from '../src/capabilities/content/limits.js';
import { ValidationError } from '../src/errors.js';
import { harnessPerTest, type Harness } from './support/harness.js';
import { serve } from './support/http-fixture.js';
import { SLOW_PAGE } from './support/skills.js';

const html = (body: string) => (_: unknown, res: ServerResponse) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
const kettle = readFileSync(new URL('./fixtures/pages/product-jsonld.html', import.meta.url), 'utf8');
const rss = (items: number) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${'<item><title>a</title><guid>g</guid></item>'.repeat(items)}</channel></rss>`;

let site: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  site = await serve({
    '/kettle': html(kettle),
    '/slow': html(SLOW_PAGE),
    '/huge': html(`<html><body>${'<i>x</i>'.repeat(MAX_ELEMENTS + 1)}</body></html>`),
    '/deep': html(`<html><body>${'<span>'.repeat(600)}x</body></html>`),
    '/huge-feed': (_, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(MAX_ELEMENTS / 2)),
  });
});
afterAll(() => site.close());

const harness = harnessPerTest();

function automation(h: Harness, input: Partial<CreateInput> & { name: string; capability: string }) {
  return h.engine.service.create(h.alice, { schedule: 'manual', ...input });
}

/** Waits (on real time, a few ms at a time) until a content worker has begun `count` tasks in all. */
async function untilWorkerStarted(h: Harness, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (h.workers.tasksStarted < count) {
    if (Date.now() > deadline) throw new Error(`no content worker began task ${count} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('untrusted content runs in worker threads', () => {
  it('a page that takes seconds to read ends `failed` with timeout; its worker is terminated while the bot keeps serving', async () => {
    const h = harness({ env: { RUN_TIMEOUT_SECONDS: '2', CONTENT_WORKERS: '2' } });
    const hostile = automation(h, { name: 'hostile', capability: 'page_watch', inputs: { url: site.url('/slow'), selector: 'div' } });
    const other = automation(h, { name: 'kettle', capability: 'page_watch', inputs: { url: site.url('/kettle') } });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    try {
      const pending = h.engine.service.runNow(h.alice, hostile.id);
      await untilWorkerStarted(h, 1);
      const [busy] = h.workers.threads();
      const stopped = once(busy!, 'exit');
      const ticksBefore = ticks;

      // While the parser is busy in its thread, the main loop serves: timers fire, and another
      // page is fetched, read in the other worker and recorded.
      expect(await h.engine.service.runNow(h.alice, other.id)).toMatchObject({ outcome: 'succeeded', error: null });
      expect(h.store.runs.recent(other.id, 1)[0]!.output).toMatchObject({ title: 'Steel Kettle 1.7 L', price: 1299 });
      expect(h.store.runs.recent(hostile.id, 1)[0]).toMatchObject({ status: 'running' });
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(ticks).toBeGreaterThan(ticksBefore);

      await h.clock.advance(2_000);
      expect(await pending).toMatchObject({ outcome: 'failed', error: 'timeout' });
      await stopped; // the thread itself stopped: nothing left spinning
      expect(h.workers.threads()).not.toContain(busy);
      expect(h.store.runs.recent(hostile.id, 1)[0]).toMatchObject({ status: 'failed', error: 'timeout' });

      // The pool starts a fresh worker for the next page.
      expect(await h.engine.service.runNow(h.alice, other.id)).toMatchObject({ outcome: 'succeeded' });
    } finally {
      clearInterval(ticker);
    }
  }, 30_000);

  it.each([
    ['page_watch', '/huge', { selector: 'i' }],
    ['summarize_page', '/huge', {}],
    ['feed_watch', '/huge-feed', {}],
  ])('%s refuses a page of more elements than the cap, naming the cap', async (capability, path, inputs) => {
    const h = harness();
    if (capability === 'summarize_page') h.store.db.prepare("UPDATE skill SET state = 'trusted' WHERE capability = 'summarize_page'").run();
    const a = automation(h, { name: 'big', capability, inputs: { url: site.url(path), ...inputs } });
    const noun = capability === 'feed_watch' ? 'feeds' : 'pages';
    expect(await h.engine.service.runNow(h.alice, a.id)).toMatchObject({
      outcome: 'failed',
      error: `${site.url(path)} has more than 30,000 elements: ${capability} reads ${noun} of at most 30,000 elements`,
    });
  });

  it('page_watch refuses a page nested deeper than the cap, naming it', async () => {
    const h = harness();
    const a = automation(h, { name: 'deep', capability: 'page_watch', inputs: { url: site.url('/deep') } });
    expect(await h.engine.service.runNow(h.alice, a.id)).toMatchObject({
      outcome: 'failed',
      error: `${site.url('/deep')} nests elements more than 500 deep: page_watch reads pages nested at most 500 deep`,
    });
  });
});

describe('the selector grammar', () => {
  it.each([
    ['z ~ i ~ i ~ i', 'the general sibling combinator "~" is not allowed'],
    ['li ~ li', 'the general sibling combinator "~" is not allowed'],
    ['div:has(div:has(a))', '":has()" inside another ":not()" or ":has()" is not allowed'],
    ['div:has(.a .b)', '":has()" may hold simple selectors only'],
    ['a b c d e f g h i', 'it has 9 compound selectors; at most 8 are allowed'],
    [':is(.price)', 'the pseudo-class ":is" is not allowed'],
  ])('refuses %s at create, saying what is not allowed and what is', (selector, reason) => {
    const h = harness();
    let error: unknown;
    try {
      automation(h, { name: 'greedy', capability: 'page_watch', inputs: { url: site.url('/kettle'), selector } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as ValidationError).message;
    expect(message).toContain(`selector "${selector}" is not supported: ${reason}`);
    expect(message).toContain('Selectors may use type (div), universal (*), class (.price), id (#stock)');
    expect(h.store.automations.findByName('alice', 'greedy')).toBeFalsy();
  });

  it.each(['.price', '#stock', 'main > .offer + span', '[itemprop="price"]', 'ul li:nth-child(2n+1)', 'tr:first-child td:not(.muted)', 'div:has(> .sale)', 'h1, .title'])(
    'accepts %s',
    (selector) => {
      const h = harness();
      expect(automation(h, { name: 'fine', capability: 'page_watch', inputs: { url: site.url('/kettle'), selector } }).inputs).toMatchObject({ selector });
    },
  );

  it('an automation saved before the grammar was limited fails its run saying why, without parsing the page', async () => {
    const h = harness();
    const a = automation(h, { name: 'old', capability: 'page_watch', inputs: { url: site.url('/kettle'), selector: '.price' } });
    h.store.db.prepare('UPDATE automation SET inputs = ? WHERE id = ?').run(JSON.stringify({ url: site.url('/kettle'), selector: 'z ~ i ~ i ~ i' }), a.id);
    const started = h.workers.tasksStarted;
    const report = await h.engine.service.runNow(h.alice, a.id);
    expect(report.outcome).toBe('failed');
    expect(report.error).toContain('selector "z ~ i ~ i ~ i" is not supported: the general sibling combinator "~" is not allowed');
    expect(h.workers.tasksStarted).toBe(started);
  });
});

describe('the worker file loads however Steward runs', () => {
  it('under plain node with tsx, as npm start, the bench and the demo run (vitest is every other test here)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/support/content-worker-child.ts'], { timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ title: 'Kettle', price: 49.9, currency: 'EUR', in_stock: null, text: '€49,90', price_source: 'text' });
  }, 30_000);
});
