import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic, type FakeReply } from './support/fake-anthropic.js';
import { makeHarness, type Harness } from './support/harness.js';

const harnesses: Harness[] = [];
afterEach(() => {
  for (const h of harnesses.splice(0)) h.close();
});

describe('the database', () => {
  it('another connection holding the write lock for 1.5 s only delays a run: it finishes, nothing lost', async () => {
    const h = makeHarness();
    harnesses.push(h);
    const a = h.engine.service.create(h.alice, { name: 'patient', capability: 'echo', schedule: 'manual' });
    const worker = new Worker(new URL('./support/lock-holder.mjs', import.meta.url), { workerData: { path: h.dbPath, holdMs: 1_500 } });
    const messages: string[] = [];
    const released = new Promise<void>((resolve) => worker.on('message', (m: string) => (messages.push(m), m === 'released' && resolve())));
    await new Promise<void>((resolve) => worker.once('message', () => resolve()));
    const started = Date.now();
    const report = await h.engine.dispatcher.dispatch(a.id, 'manual');
    const waited = Date.now() - started;
    await released;
    await worker.terminate();
    expect(report.outcome).toBe('succeeded');
    expect(waited).toBeGreaterThan(1_000);
    expect(h.store.runs.recent(a.id, 5)).toMatchObject([{ status: 'succeeded' }]);
    expect(h.store.automations.get(a.id)).toMatchObject({ runCount: 1, failureCount: 0 });
  });
});

describe('model provider faults (the real SDK against a fake Messages API)', () => {
  const anthropic = new FakeAnthropic();
  let url = '';
  beforeAll(async () => {
    url = await anthropic.start();
  });
  afterAll(() => anthropic.stop());

  const faults: [string, FakeReply[], string | RegExp][] = [
    ['500 (after the SDK retries)', [{ status: 500, type: 'api_error' }, { status: 500, type: 'api_error' }, { status: 500, type: 'api_error' }], 'Claude: answered 500 api_error: api_error'],
    ['529 that never ends', Array(3).fill({ status: 529, type: 'overloaded_error', message: 'Overloaded' }), 'Claude: answered 529 overloaded_error: Overloaded'],
    ['malformed JSON', [{ text: '{"price": 12,' }], /^the model did not answer with a JSON object; it began: "\{\\"price\\": 12,"$/],
    ['an answer that is not JSON at all', [{ raw: 'this is not an API answer' }], 'Claude: answered something that is not JSON'],
  ];

  it.each(faults)('%s: the run fails with a clear error and counts toward the pause threshold', async (_, replies, message) => {
    const h = makeHarness({ env: { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: url, FAILURE_PAUSE_THRESHOLD: '2' }, configuredModels: true });
    harnesses.push(h);
    const a = h.engine.service.create(h.alice, { name: 'asker', capability: 'ask', schedule: 'manual', inputs: { prompt: 'p' } });
    for (let i = 0; i < 2; i++) {
      anthropic.script = [...replies];
      const report = await h.engine.service.runNow(h.alice, a.id);
      expect(report.outcome).toBe('failed');
      expect(report.error).toMatch(message);
    }
    expect(h.store.automations.get(a.id)).toMatchObject({ status: 'paused', failureCount: 2 });
    expect(h.store.outbox.all().filter((n) => n.type === 'pause')).toHaveLength(1);
  }, 20_000);

  it('a response that never ends (a timeout on every try) ends at the run time limit', async () => {
    const h = makeHarness({ env: { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: url, RUN_TIMEOUT_SECONDS: '30' }, configuredModels: true });
    harnesses.push(h);
    const a = h.engine.service.create(h.alice, { name: 'waiter', capability: 'ask', schedule: 'manual', inputs: { prompt: 'p' } });
    anthropic.script = [{ hang: true }];
    const pending = h.engine.service.runNow(h.alice, a.id);
    await new Promise((r) => setTimeout(r, 50));
    await h.clock.advance(30_000);
    expect(await pending).toMatchObject({ outcome: 'failed', error: 'timeout' });
    expect(h.store.automations.get(a.id)!.failureCount).toBe(1);
  });
});
