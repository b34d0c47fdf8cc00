/**
 * One greedy person against the real bot (discord.js client, router, commands, engine, SQLite)
 * and the Discord emulator: their burst of Run now stays within the lanes and is refused past
 * RUN_NOW_PER_MINUTE with the time to try again; their backlog of due runs does not hold up
 * another person's. Order is asserted, never time.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/automations/access.js';
import type { ModelAnswer } from './support/harness.js';
import { ALICE, BOB, startBot, type BotHarness } from './support/bot-harness.js';
import type { InteractionTrace } from './support/discord-emulator.js';
import { serve } from './support/http-fixture.js';

const DEFERRED_REPLY = 5;

async function eventually<T>(probe: () => T | null | undefined | false, what: string, ms = 5_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** What the person finally reads in the deferred reply: the run's embed title, or the refusal text. */
async function finalText(trace: InteractionTrace): Promise<string> {
  const first = await trace.answered();
  expect(first.type).toBe(DEFERRED_REPLY);
  await trace.waitFor((e) => e.kind === 'edit' && e.original, 10_000);
  expect(trace.rejections).toEqual([]);
  const view = trace.reply()!;
  return view.embeds?.[0] ? String((view.embeds[0] as { title?: string }).title) : view.content!;
}

describe('a burst of Run now from one person', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBot({ env: { MAX_CONCURRENT_MODEL_RUNS: '4', RUN_NOW_PER_MINUTE: '10' } });
  });
  afterAll(() => h.close());

  it('stays within the model lane and their share of it, and past RUN_NOW_PER_MINUTE is refused saying when to try again', async () => {
    const alice: Actor = { userId: ALICE, guildId: h.discord.guildId, manager: false };
    const names = Array.from({ length: 12 }, (_, i) => `ask-${i}`);
    for (const name of names) h.steward.engine.service.create(alice, { name, capability: 'ask', schedule: 'manual', inputs: { prompt: 'q' } });
    const gates: ((answer: ModelAnswer) => void)[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    let mostInLane = 0;
    h.provider.answer = () => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      mostInLane = Math.max(mostInLane, h.steward.engine.lanes.running('model'));
      return new Promise<ModelAnswer>((resolve) => gates.push(resolve)).finally(() => inFlight--);
    };
    const traces = await Promise.all(names.map((name) => h.discord.slash(ALICE, 'automation', { subcommand: 'run', options: { name } })));
    const texts = Promise.all(traces.map(finalText));
    // Ten are accepted and run one after another (her share of the 4 model slots is 1).
    for (let answered = 0; answered < 10; answered++) {
      await eventually(() => gates.length > 0, `model call ${answered + 1}`);
      gates.shift()!({ text: '{"answer": 42}', inputTokens: 100, outputTokens: 10 });
    }
    const seen = await texts;
    expect(seen.filter((t) => t.startsWith('Ran ask-'))).toHaveLength(10);
    expect(seen.filter((t) => t.startsWith('❌'))).toEqual([
      '❌ you used Run now 10 times in the last 60 s, the most allowed: try again in 60 s',
      '❌ you used Run now 10 times in the last 60 s, the most allowed: try again in 60 s',
    ]);
    expect(mostInFlight).toBe(1);
    expect(mostInLane).toBeLessThanOrEqual(4);
    const runs = h.store.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM automation_run WHERE trigger = 'manual'").get()!.n;
    expect(runs).toBe(10); // the refused ones ran nothing
    // Another person is not behind her limit.
    const bob: Actor = { userId: BOB, guildId: h.discord.guildId, manager: false };
    h.steward.engine.service.create(bob, { name: 'bobs', capability: 'ask', schedule: 'manual', inputs: { prompt: 'q' } });
    h.provider.answer = () => ({ text: '{"answer": 1}', inputTokens: 100, outputTokens: 10 });
    expect(await finalText(await h.discord.slash(BOB, 'automation', { subcommand: 'run', options: { name: 'bobs' } }))).toBe('Ran bobs');
  }, 30_000);
});

describe('a backlog of one person’s due runs', () => {
  let h: BotHarness;
  let site: Awaited<ReturnType<typeof serve>>;
  const held: ServerResponse[] = [];
  beforeAll(async () => {
    site = await serve({
      '/slow': (_, res) => void held.push(res),
      '/fast': (_, res) => void res.writeHead(200).end('ok'),
    });
    // 8 local slots: Alice's share is 2.
    h = await startBot({ env: { MAX_CONCURRENT_RUNS: '8' }, start: '2026-03-02T08:59:30Z' });
  });
  afterAll(async () => {
    await h.close();
    await site.close();
  });

  it('does not hold up another person’s every-minute check: it starts while her backlog waits', async () => {
    const alice: Actor = { userId: ALICE, guildId: h.discord.guildId, manager: false };
    const bob: Actor = { userId: BOB, guildId: h.discord.guildId, manager: false };
    const { service } = h.steward.engine;
    const backlog = Array.from({ length: 20 }, (_, i) =>
      service.create(alice, { name: `slow-${i}`, capability: 'http_check', schedule: '0 9 * * *', inputs: { url: site.url('/slow') } }),
    );
    const check = service.create(bob, { name: 'every-minute', capability: 'http_check', schedule: '* * * * *', inputs: { url: site.url('/fast') } });
    await h.clock.advanceTo('2026-03-02T09:00:00Z');
    const bobsRun = await eventually(() => h.store.runs.recent(check.id, 1).find((r) => r.status === 'succeeded'), "Bob's check");
    // Created after all 20 of hers and due at the same instant, Bob's check ran while 18 of hers had not started.
    expect(bobsRun).toMatchObject({ trigger: 'schedule', startedAt: new Date('2026-03-02T09:00:00Z') });
    const started = () => backlog.filter((a) => h.store.runs.recent(a.id, 1).length > 0).length;
    expect(started()).toBe(2);
    expect(site.hits.filter((p) => p === '/slow')).toHaveLength(2);

    // Her backlog still runs, two at a time, to the end.
    for (let answered = 0; answered < backlog.length; answered++) {
      await eventually(() => held.length > 0, `slow request ${answered + 1}`);
      held.shift()!.writeHead(200).end('ok');
    }
    await eventually(() => started() === backlog.length && h.steward.engine.dispatcher.runningIds().length === 0, 'her backlog');
    for (const a of backlog) expect(h.store.runs.recent(a.id, 5)).toMatchObject([{ status: 'succeeded' }]);
  }, 30_000);
});
