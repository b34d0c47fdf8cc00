import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CreateInput } from '../src/automations/service.js';
import { FakeAnthropic } from './support/fake-anthropic.js';
import { FakeLocalModel } from './support/fake-local-model.js';
import { harnessPerTest, type Harness } from './support/harness.js';
import { serve } from './support/http-fixture.js';

const fixture = (path: string) => readFileSync(new URL(`./fixtures/${path}`, import.meta.url), 'utf8');
const html = (body: string) => (_: unknown, res: import('node:http').ServerResponse) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);

let feedBody = '';
const rss = (items: string[]) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>http://news.test/</link>${items
    .map((t, i) => `<item><title>${t}</title><link>/posts/${i}</link><guid>${t}</guid><pubDate>Mon, 0${i + 1} Mar 2026 08:00:00 GMT</pubDate></item>`)
    .join('')}</channel></rss>`;

let site: Awaited<ReturnType<typeof serve>>;
const anthropic = new FakeAnthropic();
let anthropicUrl: string;
const localModel = new FakeLocalModel();
let localModelUrl: string;

beforeAll(async () => {
  site = await serve({
    '/kettle': html(fixture('pages/product-jsonld.html')),
    '/grinder': html(fixture('pages/product-microdata.html')),
    '/headphones': html(fixture('pages/product-og.html')),
    '/feed.xml': (_, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feedBody),
    '/atom.xml': (_, res) => res.writeHead(200, { 'content-type': 'application/atom+xml' }).end(fixture('feeds/atom.xml')),
    '/feed.json': (_, res) => res.writeHead(200, { 'content-type': 'application/feed+json' }).end(fixture('feeds/feed.json')),
    '/article': html(
      '<html><head><title>Release 2.0</title><meta name="description" content="Version 2.0 brings schedules in words."></head>' +
        '<body><nav>Home</nav><main><h1>Release 2.0</h1><h2>Schedules in words</h2><p>Cron now reads like English.</p><h2>Faster start</h2><p>Start-up is twice as fast.</p></main></body></html>',
    ),
    '/hang': () => undefined,
    '/to-metadata': (_, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
  });
  anthropicUrl = await anthropic.start();
  localModelUrl = await localModel.start();
});
afterAll(async () => {
  await site.close();
  await anthropic.stop();
  await localModel.stop();
});

const harness = harnessPerTest();
afterEach(() => {
  anthropic.requests.length = 0;
  anthropic.script = [];
  localModel.requests.length = 0;
  localModel.script = [];
});

const claudeEnv = (extra: Record<string, string> = {}) => ({ ANTHROPIC_API_KEY: 'sk-ant-test-secret', ANTHROPIC_BASE_URL: anthropicUrl, ...extra });
const withClaude = (extra: Record<string, string> = {}) => harness({ env: claudeEnv(extra), configuredModels: true });

async function run(h: Harness, input: Partial<CreateInput> & { name: string; capability: string }) {
  const existing = h.store.automations.findByName('alice', input.name);
  const a = existing ?? h.engine.service.create(h.alice, { schedule: 'manual', ...input });
  const report = await h.engine.service.runNow(h.alice, a.id);
  return { report, run: report.runId ? h.store.runs.get(report.runId)! : null, automation: h.store.automations.get(a.id)! };
}

describe('page_watch through the dispatcher', () => {
  it.each([
    ['JSON-LD', '/kettle', { title: 'Steel Kettle 1.7 L', price: 1299, currency: 'USD', in_stock: true }],
    ['microdata', '/grinder', { title: 'Espresso Grinder Pro', price: 249.5, currency: 'GBP', in_stock: false }],
    ['OpenGraph / product meta tags', '/headphones', { title: 'Studio Headphones X2', price: 89.99, currency: 'USD', in_stock: false }],
  ])('reads a page with %s', async (_, path, expected) => {
    const h = harness();
    const { report, run: r } = await run(h, { name: 'watch', capability: 'page_watch', inputs: { url: site.url(path) } });
    expect(report.outcome).toBe('succeeded');
    expect(r).toMatchObject({ path: 'skill', costUsd: 0, output: { ...expected, changed: false } });
  });

  it('fires `price <= 1500 and in_stock == true` and remembers the page for `changed`', async () => {
    const h = harness();
    const first = await run(h, { name: 'kettle', capability: 'page_watch', inputs: { url: site.url('/kettle') }, alert: 'price <= 1500 and in_stock == true' });
    expect(first.report.alertSent).toBe(true);
    expect(first.automation.state).toMatchObject({ last: { price: 1299 } });
    const second = await run(h, { name: 'kettle', capability: 'page_watch' });
    expect(second.run!.output).toMatchObject({ changed: false });
    expect(h.store.outbox.all().map((n) => n.content)).toEqual(['Alert: kettle: price <= 1500 and in_stock == true']);
  });
});

describe('feed_watch through the dispatcher', () => {
  it('takes a baseline first, then reports only new items and alerts on them', async () => {
    const h = harness();
    feedBody = rss(['one', 'two']);
    const first = await run(h, { name: 'news', capability: 'feed_watch', inputs: { url: site.url('/feed.xml') }, alert: 'count > 0', alertMode: 'every' });
    expect(first.run!.output).toMatchObject({ new_items: [], count: 0, baseline: true, feed_items: 2 });
    expect(first.report.alertSent).toBe(false);

    feedBody = rss(['one', 'two', 'three']);
    const second = await run(h, { name: 'news', capability: 'feed_watch' });
    expect(second.run!.output).toMatchObject({
      count: 1,
      new_items: [{ title: 'three', link: `${site.url('/posts/2')}`, published: '2026-03-03T08:00:00.000Z' }],
    });
    expect(second.report.alertSent).toBe(true);

    const third = await run(h, { name: 'news', capability: 'feed_watch' });
    expect(third.run!.output).toMatchObject({ count: 0 });
  });

  it.each([
    ['Atom', '/atom.xml', 2],
    ['JSON Feed', '/feed.json', 2],
  ])('reads %s', async (_, path, items) => {
    const h = harness();
    const { run: r } = await run(h, { name: 'feed', capability: 'feed_watch', inputs: { url: site.url(path) } });
    expect(r).toMatchObject({ status: 'succeeded', output: { baseline: true, feed_items: items } });
  });
});

describe('fetching safely', () => {
  it('a server that hangs fails the page run with the fetch time limit in words', async () => {
    const h = harness({ fetchPolicy: { timeoutMs: 300 } });
    const { report } = await run(h, { name: 'slow', capability: 'page_watch', inputs: { url: site.url('/hang') } });
    expect(report).toMatchObject({ outcome: 'failed', error: `GET ${site.url('/hang')} timed out after 0.3 s` });
  });

  it('with the guard on, a redirect to the cloud metadata address is refused and becomes the run error', async () => {
    // The fixture server on 127.0.0.1 stands in for a public site; every other private address stays blocked.
    const h = harness({ fetchPolicy: { allowPrivate: false }, fetcherOptions: { isBlocked: (ip) => ip !== '127.0.0.1' } });
    const { report, automation } = await run(h, { name: 'sneaky', capability: 'page_watch', inputs: { url: site.url('/to-metadata') } });
    expect(report.outcome).toBe('failed');
    expect(report.error).toBe(
      'GET http://169.254.169.254/latest/meta-data/ refused: 169.254.169.254 is a private or local address (set ALLOW_PRIVATE_URLS=true to allow)',
    );
    expect(automation.failureCount).toBe(1);
  });

  it('with the guard on and no exception, even the loopback fixture is refused, at create (naming ALLOW_PRIVATE_URLS) and at run', async () => {
    const h = harness({ fetchPolicy: { allowPrivate: false } });
    const url = site.url('/kettle');
    expect(() => h.engine.service.create(h.alice, { name: 'local', capability: 'http_check', schedule: 'manual', inputs: { url } })).toThrow(
      /^inputs for http_check are not valid: url: GET http:\/\/127\.0\.0\.1:\d+\/kettle refused: 127\.0\.0\.1 is a private or local address \(set ALLOW_PRIVATE_URLS=true to allow\)$/,
    );
    // One saved before the guard was on (written straight to the row) fails its run the same way.
    const saved = h.engine.service.create(h.alice, { name: 'local', capability: 'http_check', schedule: 'manual', inputs: { url: 'https://example.com/' } });
    h.store.db.prepare('UPDATE automation SET inputs = ? WHERE id = ?').run(JSON.stringify({ url }), saved.id);
    const report = await h.engine.service.runNow(h.alice, saved.id);
    expect(report.outcome).toBe('failed');
    expect(report.error).toMatch(/refused: 127\.0\.0\.1 is a private or local address/);
  });
});

describe('Claude through the official SDK (fake Messages API on 127.0.0.1)', () => {
  it('runs `ask`: the prompt carries the job, the ledger row carries tokens and cost', async () => {
    const h = withClaude();
    anthropic.script = [{ text: '{"headlines": ["a", "b", "c"]}', inputTokens: 1000, outputTokens: 100 }];
    const { report, run: r } = await run(h, {
      name: 'digest',
      capability: 'ask',
      inputs: { prompt: 'Three headlines about Rust', fields: ['headlines'] },
    });
    expect(report.outcome).toBe('succeeded');
    expect(r).toMatchObject({ path: 'claude_native', output: { headlines: ['a', 'b', 'c'] } });
    expect(r!.costUsd).toBeCloseTo(0.0015, 10); // claude-haiku-4-5: 1000 × $1/M + 100 × $5/M

    const [request] = anthropic.requests;
    expect(request!.headers.authorization).toBe('Bearer sk-ant-test-secret');
    expect(request!.body.model).toBe('claude-haiku-4-5');
    const prompt = JSON.parse(request!.body.messages[0]!.content);
    expect(prompt).toMatchObject({ capability: 'ask', inputs: { prompt: 'Three headlines about Rust' }, prior_run_end: null });
    expect(prompt.instructions).toContain('exactly these fields: headlines');

    const ledger = h.store.db.prepare('SELECT provider, model, input_tokens, output_tokens, cost_usd, ok, automation_run_id FROM invocation_log').all();
    expect(ledger).toEqual([{ provider: 'anthropic', model: 'claude-haiku-4-5', input_tokens: 1000, output_tokens: 100, cost_usd: 0.0015, ok: 1, automation_run_id: r!.id }]);
    expect(r!.ledgerId).toEqual(expect.any(Number));
  });

  it('a run costing more than its cap is cost_exceeded', async () => {
    const h = withClaude();
    anthropic.script = [{ text: '{"answer": 42}', inputTokens: 10_000, outputTokens: 2_000 }];
    const { report, run: r } = await run(h, { name: 'pricey', capability: 'ask', inputs: { prompt: 'Long answer please' }, maxCostUsd: 0.01 });
    expect(report).toMatchObject({ outcome: 'cost_exceeded', error: 'cost_exceeded' });
    expect(r!.costUsd).toBeCloseTo(0.02, 10);
  });

  it('pauses model work once spend crosses the daily cap, with one notice', async () => {
    const h = withClaude({ DAILY_BUDGET_USD: '0.002' });
    anthropic.defaultReply = { text: '{}', inputTokens: 1000, outputTokens: 100 }; // $0.0015 each
    expect((await run(h, { name: 'a', capability: 'ask', inputs: { prompt: 'x' } })).report.outcome).toBe('succeeded');
    expect((await run(h, { name: 'b', capability: 'ask', inputs: { prompt: 'x' } })).report.outcome).toBe('succeeded');
    const third = await run(h, { name: 'c', capability: 'ask', inputs: { prompt: 'x' } });
    expect(third.report).toMatchObject({ outcome: 'skipped_budget', runId: null });
    expect(anthropic.requests).toHaveLength(2);
    const notices = h.store.outbox.all().filter((n) => n.type === 'budget_paused');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.content).toMatch(/^The daily LLM budget is reached: \$0\.0030 of \$0\.0020\. Model work is paused until 2026-03-03T00:00:00Z/);
  });

  it('a malformed answer fails the run quoting its start, and is still in the ledger', async () => {
    const h = withClaude();
    anthropic.script = [{ text: 'Sure! Here are your headlines: 1. Rust 2. is 3. great', inputTokens: 500, outputTokens: 20 }];
    const { report } = await run(h, { name: 'chatty', capability: 'ask', inputs: { prompt: 'headlines' } });
    expect(report.outcome).toBe('failed');
    expect(report.error).toBe('the model did not answer with a JSON object; it began: "Sure! Here are your headlines: 1. Rust 2. is 3. great"');
    const ledger = h.store.db.prepare('SELECT ok, input_tokens, error FROM invocation_log').all();
    expect(ledger).toEqual([{ ok: 0, input_tokens: 500, error: report.error }]);
  });

  it('an answer missing a field that was asked for fails the run', async () => {
    const h = withClaude();
    anthropic.script = [{ text: '{"title": "x"}', inputTokens: 10, outputTokens: 5 }];
    const { report } = await run(h, { name: 'fields', capability: 'ask', inputs: { prompt: 'p', fields: ['title', 'price'] } });
    expect(report.error).toMatch(/^the model's answer is not what was asked for \(answer: missing field price\)/);
  });

  it('a 529 overload is retried by the SDK and the run succeeds', async () => {
    const h = withClaude();
    anthropic.script = [{ status: 529, type: 'overloaded_error', message: 'Overloaded' }, { text: '{"ok": true}', inputTokens: 100, outputTokens: 10 }];
    const { report, run: r } = await run(h, { name: 'busy', capability: 'ask', inputs: { prompt: 'p' } });
    expect(report.outcome).toBe('succeeded');
    expect(r!.output).toEqual({ ok: true });
    expect(anthropic.requests).toHaveLength(2);
  });

  it('a refused request fails the run with the status and type, and no secret', async () => {
    const h = withClaude();
    anthropic.script = [{ status: 400, type: 'invalid_request_error', message: 'max_tokens: too large' }];
    const { report, run: r } = await run(h, { name: 'bad', capability: 'ask', inputs: { prompt: 'p' } });
    expect(report.error).toBe('Claude: answered 400 invalid_request_error: max_tokens: too large');
    expect(JSON.stringify(r)).not.toContain('sk-ant-test-secret');
    expect(JSON.stringify(h.store.db.prepare('SELECT * FROM invocation_log').all())).not.toContain('sk-ant-test-secret');
  });

  it('a model that never answers is cut off by the run time limit', async () => {
    const h = harness({ env: claudeEnv({ RUN_TIMEOUT_SECONDS: '5' }), configuredModels: true });
    anthropic.script = [{ hang: true }];
    const a = h.engine.service.create(h.alice, { name: 'stuck', capability: 'ask', schedule: 'manual', inputs: { prompt: 'p' } });
    const pending = h.engine.service.runNow(h.alice, a.id);
    await new Promise((r) => setTimeout(r, 50)); // the request reaches the fake server
    await h.clock.advance(5_000);
    expect(await pending).toMatchObject({ outcome: 'failed', error: 'timeout' });
  });

  it('without ANTHROPIC_API_KEY a model capability is refused at create, naming the variables (a saved one fails its run: budget.test)', () => {
    const h = harness({ configuredModels: true });
    expect(() => h.engine.service.create(h.alice, { name: 'nokey', capability: 'ask', schedule: 'manual', inputs: { prompt: 'p' } })).toThrow(
      'ask runs through a model and none is configured: set ANTHROPIC_API_KEY for Claude, or LOCAL_MODEL_URL and LOCAL_MODEL for a local model',
    );
    expect(h.store.automations.findByName('alice', 'nokey')).toBeNull();
  });
});

describe('an answer cut at MODEL_MAX_TOKENS', () => {
  const CUT = "the model's answer was cut at MODEL_MAX_TOKENS=40 tokens before it was complete: raise MODEL_MAX_TOKENS to let it finish";

  it('from Claude (stop_reason max_tokens) fails the run saying so, not "not a JSON object"; the ledger keeps what it cost', async () => {
    const h = withClaude({ MODEL_MAX_TOKENS: '40' });
    anthropic.script = [{ text: '{"headlines": ["Rust 2.0 is out", "Cargo gets', inputTokens: 300, outputTokens: 40, stopReason: 'max_tokens' }];
    const { report, run: r } = await run(h, { name: 'digest', capability: 'ask', inputs: { prompt: 'headlines' } });
    expect(report).toMatchObject({ outcome: 'failed', error: CUT });
    expect(anthropic.requests[0]!.body.max_tokens).toBe(40);
    expect(r!.costUsd).toBeCloseTo(0.0005, 10); // 300 × $1/M + 40 × $5/M
    expect(h.store.db.prepare('SELECT ok, output_tokens, error FROM invocation_log').all()).toEqual([{ ok: 0, output_tokens: 40, error: CUT }]);
  });

  it('from a local model (finish_reason length) fails the run the same way', async () => {
    const h = harness({ env: { LOCAL_MODEL_URL: localModelUrl, LOCAL_MODEL: 'llama3.1', MODEL_MAX_TOKENS: '40' }, configuredModels: true });
    localModel.script = [{ content: '{"verdict": "the page looks', finishReason: 'length', promptTokens: 200, completionTokens: 40 }];
    const { report } = await run(h, { name: 'judge', capability: 'ask', inputs: { prompt: 'Is this fine?' } });
    expect(report).toMatchObject({ outcome: 'failed', error: CUT });
    expect(localModel.requests[0]).toMatchObject({ model: 'llama3.1', max_tokens: 40 });
  });
});

describe('while the LLM budget is paused', () => {
  it('a capability routed to a $0 local model still runs; a Claude-routed one is skipped_budget', async () => {
    const h = withClaude({ DAILY_BUDGET_USD: '0.001', LOCAL_MODEL_URL: localModelUrl, LOCAL_MODEL: 'llama3.1', MODEL_ROUTE_SUMMARIZE_PAGE: 'local' });
    anthropic.script = [{ text: '{"answer": 1}', inputTokens: 1000, outputTokens: 100 }]; // $0.0015: over the daily cap
    expect((await run(h, { name: 'spender', capability: 'ask', inputs: { prompt: 'p' } })).report.outcome).toBe('succeeded');
    expect(h.engine.budget.pausedBy()).toMatchObject({ period: 'daily' });

    localModel.script = [{ content: '{"summary": "Version 2.0 is out.", "key_points": ["words"]}', promptTokens: 500, completionTokens: 20 }];
    const local = await run(h, { name: 'release', capability: 'summarize_page', inputs: { url: site.url('/article') } });
    expect(local.report).toMatchObject({ outcome: 'succeeded', error: null });
    expect(local.run).toMatchObject({ path: 'claude_native', status: 'succeeded', costUsd: 0, output: { summary: 'Version 2.0 is out.' } });
    expect(local.automation).toMatchObject({ runCount: 1, failureCount: 0 });

    const claude = await run(h, { name: 'digest', capability: 'ask', inputs: { prompt: 'p' } });
    expect(claude.report).toMatchObject({ outcome: 'skipped_budget', runId: null });
    expect(claude.automation.runCount).toBe(0);
    expect(anthropic.requests).toHaveLength(1);
    expect(localModel.requests).toHaveLength(1);
    expect(h.store.db.prepare('SELECT provider, cost_usd, ok FROM invocation_log ORDER BY id').all()).toEqual([
      { provider: 'anthropic', cost_usd: 0.0015, ok: 1 },
      { provider: 'local', cost_usd: 0, ok: 1 },
    ]);
  });
});

describe('summarize_page: both paths, and the switch on promotion', () => {
  it('runs claude_native with the page text, then as a local skill once promoted', async () => {
    const h = withClaude();
    anthropic.script = [{ text: '{"summary": "Version 2.0 is out.", "key_points": ["words", "speed"]}', inputTokens: 800, outputTokens: 40 }];
    const first = await run(h, { name: 'release', capability: 'summarize_page', inputs: { url: site.url('/article'), max_points: 3 } });
    expect(first.run).toMatchObject({ path: 'claude_native', status: 'succeeded', output: { summary: 'Version 2.0 is out.', key_points: ['words', 'speed'] } });
    const prompt = JSON.parse(anthropic.requests[0]!.body.messages[0]!.content);
    expect(prompt.context.title).toBe('Release 2.0');
    expect(prompt.context.text).toContain('Cron now reads like English.');
    expect(prompt.context.text).not.toContain('Home'); // navigation left out

    // Beside the model run, the sandbox skill ran too, and a judge was asked how well they agree (issue 14).
    await h.engine.shadows.idle();
    expect(h.store.evidence.list('summarize_page').map((c) => c.direction)).toEqual(['skill_beside_model']);
    const modelCalls = anthropic.requests.length;

    h.engine.service.setSkillState(h.manager, 'summarize_page', 'trusted');
    const second = await run(h, { name: 'release', capability: 'summarize_page' });
    expect(second.run).toMatchObject({
      path: 'skill',
      costUsd: 0,
      output: { summary: 'Version 2.0 brings schedules in words.', key_points: ['Release 2.0', 'Schedules in words', 'Faster start'] },
    });
    expect(anthropic.requests).toHaveLength(modelCalls);
  });
});

describe('inputs stored in a shape the capability refuses (written before a schema change, or by hand)', () => {
  /** Stores `inputs` straight into the row, past the validation `create` and `edit` do. */
  function storeRaw(h: Harness, id: number, inputs: unknown) {
    h.store.db.prepare('UPDATE automation SET inputs = ? WHERE id = ?').run(JSON.stringify(inputs), id);
  }

  it('a skill run fails with an error naming the input and what it expects, not a zod dump', async () => {
    const h = harness();
    const a = h.engine.service.create(h.alice, { name: 'site', capability: 'http_check', schedule: 'manual', inputs: { url: site.url('/kettle') } });
    storeRaw(h, a.id, { url: site.url('/kettle'), expected_status: '200', colour: 'red' });
    const report = await h.engine.service.runNow(h.alice, a.id);
    const expected = 'inputs for http_check are not valid: expected_status: Invalid input: expected number, received string; "colour" is not an input of http_check';
    expect(report).toMatchObject({ outcome: 'failed', error: expected });
    expect(h.store.runs.get(report.runId!)).toMatchObject({ status: 'failed', path: 'skill', error: expected });
  });

  it('a model run fails the same way before any model call', async () => {
    const h = withClaude();
    const a = h.engine.service.create(h.alice, { name: 'digest', capability: 'ask', schedule: 'manual', inputs: { prompt: 'news' } });
    storeRaw(h, a.id, { question: 'news' });
    const report = await h.engine.service.runNow(h.alice, a.id);
    expect(report).toMatchObject({ outcome: 'failed', error: 'inputs for ask are not valid: prompt is required; "question" is not an input of ask' });
    expect(anthropic.requests).toHaveLength(0);
  });
});

describe('a local model (OpenAI-compatible endpoint on 127.0.0.1)', () => {
  it('takes the capabilities routed to it, at zero cost in the ledger', async () => {
    const bodies: { model: string; messages: { role: string }[] }[] = [];
    const local = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        bodies.push(JSON.parse(data));
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({ choices: [{ message: { role: 'assistant', content: '{"verdict": "fine"}' } }], usage: { prompt_tokens: 321, completion_tokens: 12 } }),
        );
      });
    });
    await new Promise<void>((r) => local.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(local.address() as AddressInfo).port}/v1`;
    try {
      const h = withClaude({ LOCAL_MODEL_URL: url, LOCAL_MODEL: 'llama3.1', MODEL_ROUTE_ASK: 'local' });
      const { run: r } = await run(h, { name: 'judge', capability: 'ask', inputs: { prompt: 'Is this fine?' } });
      expect(r).toMatchObject({ status: 'succeeded', output: { verdict: 'fine' }, costUsd: 0 });
      expect(bodies[0]).toMatchObject({ model: 'llama3.1', messages: [{ role: 'system' }, { role: 'user' }] });
      expect(anthropic.requests).toHaveLength(0);
      expect(h.store.db.prepare('SELECT provider, model, input_tokens, cost_usd FROM invocation_log').all()).toEqual([
        { provider: 'local', model: 'llama3.1', input_tokens: 321, cost_usd: 0 },
      ]);
    } finally {
      local.closeAllConnections();
      await new Promise((r) => local.close(r));
    }
  });
});
