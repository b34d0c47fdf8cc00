import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from './support/harness.js';
import { serve } from './support/http-fixture.js';

let site: Awaited<ReturnType<typeof serve>>;
let h: Harness;
let seenAgent: string | undefined;

beforeAll(async () => {
  site = await serve({
    '/ok': (_, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('hello world'),
    '/down': (_, res) => res.writeHead(503).end('maintenance'),
    '/moved': (_, res) => res.writeHead(302, { location: '/ok' }).end(),
    '/hang': () => undefined,
    '/agent': (req, res) => {
      seenAgent = req.headers['user-agent'];
      res.writeHead(200).end();
    },
  });
});
afterAll(() => site.close());
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

const check = (name: string, inputs: Record<string, unknown>, alert = 'ok == false') =>
  h.engine.service.create(h.alice, { name, capability: 'http_check', schedule: '*/5 * * * *', inputs, alert });

describe('http_check, end to end through the dispatcher', () => {
  it('reports a healthy site and sends no alert', async () => {
    const a = check('site', { url: site.url('/ok') });
    const report = await h.engine.service.runNow(h.alice, a.id);
    expect(report).toMatchObject({ outcome: 'succeeded', alertSent: false });
    const run = h.store.runs.recent(a.id, 1)[0]!;
    expect(run.path).toBe('skill');
    expect(run.output).toMatchObject({ ok: true, status: 200, bytes: 11 });
    expect(run.output!.latency_ms).toEqual(expect.any(Number));
    expect(h.store.outbox.all()).toHaveLength(0);
  });

  it('a site that answers 503 fires the alert, which lands in the outbox and reaches the sink', async () => {
    const a = check('api', { url: site.url('/down') });
    const report = await h.engine.service.runNow(h.alice, a.id);
    expect(report).toMatchObject({ outcome: 'succeeded', alertSent: true });
    const [alert] = h.store.outbox.all();
    expect(alert).toMatchObject({ type: 'alert', channel: 'tasks', content: 'Alert: api: ok == false', deliveredAt: null });
    // http_check writes its own alert: the status is in the title now, not a raw `status` field.
    expect(alert!.embed!.title).toMatch(/^🔴 api is down — 503 in \d+ ms$/);

    h.engine.notifications.start();
    await h.engine.notifications.idle();
    expect(h.sink.delivered.map((n) => n.id)).toEqual([alert!.id]);
    await h.engine.notifications.stop();
  });

  it('follows redirects, checks an expected status, and names itself', async () => {
    const moved = check('moved', { url: site.url('/moved') });
    await h.engine.service.runNow(h.alice, moved.id);
    expect(h.store.runs.recent(moved.id, 1)[0]!.output).toMatchObject({ ok: true, status: 200 });

    const teapot = check('expect', { url: site.url('/ok'), expected_status: 204 });
    await h.engine.service.runNow(h.alice, teapot.id);
    expect(h.store.runs.recent(teapot.id, 1)[0]!.output).toMatchObject({ ok: false, status: 200 });

    const agent = check('agent', { url: site.url('/agent') });
    await h.engine.service.runNow(h.alice, agent.id);
    expect(seenAgent).toMatch(/^StewardBot\//);
  });

  it('a hanging site is reported down after its timeout, as an output (the check keeps running)', async () => {
    const a = check('hang', { url: site.url('/hang'), timeout_seconds: 1 });
    const report = await h.engine.service.runNow(h.alice, a.id);
    expect(report).toMatchObject({ outcome: 'succeeded', alertSent: true });
    expect(h.store.runs.recent(a.id, 1)[0]!.output).toMatchObject({
      ok: false,
      status: 0,
      error: `GET ${site.url('/hang')} timed out after 1 s`,
    });
    expect(h.store.automations.get(a.id)!.failureCount).toBe(0);
  });

  it('a refused connection is reported down', async () => {
    const closed = await serve({});
    const url = closed.url('/');
    await closed.close();
    const a = check('refused', { url });
    await h.engine.service.runNow(h.alice, a.id);
    expect(h.store.runs.recent(a.id, 1)[0]!.output).toMatchObject({ ok: false, status: 0, error: `GET ${url} failed: ECONNREFUSED` });
  });
});
