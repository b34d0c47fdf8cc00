import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewAutomation } from '../src/automations/repository.js';
import { ALICE, startBot, type BotHarness } from './support/bot-harness.js';
import { serve } from './support/http-fixture.js';

let site: Awaited<ReturnType<typeof serve>>;
let h: BotHarness;
beforeAll(async () => {
  site = await serve({ '/ok': (_, res) => res.writeHead(200).end('ok') });
  // One owner holds all 10,000: their share is the whole of each lane here.
  h = await startBot({
    env: { MAX_CONCURRENT_RUNS: '4', MAX_CONCURRENT_MODEL_RUNS: '4', MAX_RUNS_IN_FLIGHT_PER_USER: '4', DAILY_BUDGET_USD: '0.5' },
    start: '2026-03-02T08:59:58Z',
  });
});
afterAll(async () => {
  await h.close();
  await site.close();
});

const TOTAL = 10_000;
const DUE = 1_000;

describe('load: 10,000 automations, 1,000 due in the same second', () => {
  it('runs every due one once, at most 4 local and 4 model runs at a time, answers commands meanwhile, and holds the daily cap', async () => {
    const { store } = h;
    const slot = new Date('2026-03-02T09:00:00Z');
    const tomorrow = new Date('2026-03-03T09:00:00Z');
    const base = {
      userId: ALICE,
      guildId: h.discord.guildId,
      description: '',
      triggerType: 'on_schedule',
      schedule: '0 9 * * *',
      timezone: 'UTC',
      catchUp: 'once',
      alertConditions: null,
      alertMode: 'change',
      alertRepeatAfterSeconds: null,
      alertTo: 'tasks',
      maxCostPerRunUsd: null,
      minIntervalSeconds: 60,
      createdVia: 'load-test',
    } satisfies Partial<NewAutomation>;
    store.transaction(() => {
      for (let i = 0; i < TOTAL; i++) {
        const due = i < DUE;
        const model = due && i % 2 === 1; // half the burst asks the model, half checks a URL
        store.automations.insert(
          {
            ...base,
            name: `load-${i}`,
            capability: model ? 'ask' : 'http_check',
            inputs: model ? { prompt: `question ${i}` } : { url: site.url('/ok') },
            nextRunAt: due ? slot : tomorrow,
          },
          h.clock.now(),
        );
      }
    });
    // Each model call costs 1000 × $1/M + 100 × $10/M = $0.002; the $0.50 cap falls mid-burst.
    let inFlight = 0;
    let mostInFlight = 0;
    h.provider.answer = async () => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      return { text: '{"answer": 42}', inputTokens: 1000, outputTokens: 100 };
    };
    let mostDispatching = 0;
    let mostLocal = 0;
    let mostModel = 0;
    const dispatcher = h.steward.engine.dispatcher;
    const lanes = h.steward.engine.lanes;
    const running = () => dispatcher.runningIds().length;

    h.steward.engine.scheduler.wake();
    const burst = h.clock.advanceTo(slot);
    const commandTimes: number[] = [];
    const sampler = setInterval(() => {
      mostDispatching = Math.max(mostDispatching, running());
      mostLocal = Math.max(mostLocal, lanes.running('local'));
      mostModel = Math.max(mostModel, lanes.running('model'));
    }, 1);
    const started = Date.now();
    await burst;
    while (Date.now() - started < 60_000) {
      const sent = Date.now();
      const trace = await h.discord.slash(ALICE, 'budget');
      await trace.answered(3_000);
      commandTimes.push(Date.now() - sent);
      const done = store.db.prepare<[number], { n: number }>("SELECT COUNT(*) AS n FROM automation WHERE last_run_at IS NOT NULL OR next_run_at > ?").get(slot.getTime())!.n;
      if (done === TOTAL && running() === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    clearInterval(sampler);
    await h.steward.engine.scheduler.idle();
    const elapsed = Date.now() - started;

    const runs = store.db.prepare<[], { automation_id: number; n: number }>('SELECT automation_id, COUNT(*) AS n FROM automation_run GROUP BY automation_id').all();
    // Skipped before a run row was written (the budget was already paused when they came due).
    const skippedBudget = store.db
      .prepare<[number], { n: number }>(
        "SELECT COUNT(*) AS n FROM automation WHERE capability = 'ask' AND next_run_at > ? AND id NOT IN (SELECT automation_id FROM automation_run)",
      )
      .get(slot.getTime())!.n;
    const spend = h.steward.engine.budget.spend().daily.spentUsd;
    console.log(
      `load: ${DUE} due of ${TOTAL}; ${runs.length} automations ran, ${skippedBudget} model runs skipped by the budget, most at once ${mostDispatching} (local ${mostLocal}, model ${mostModel}), ` +
        `spend $${spend.toFixed(4)} of $0.50, ${commandTimes.length} commands answered (max ${Math.max(...commandTimes)} ms), ${elapsed} ms`,
    );
    expect(runs.every((r) => r.n === 1)).toBe(true); // none twice
    expect(runs.length + skippedBudget).toBe(DUE); // every due one ran or was skipped by the budget
    expect(mostDispatching).toBeLessThanOrEqual(8); // two lanes of 4
    expect(mostLocal).toBeLessThanOrEqual(4);
    expect(mostModel).toBeLessThanOrEqual(4);
    expect(mostInFlight).toBeLessThanOrEqual(4);
    expect(spend).toBeGreaterThanOrEqual(0.5);
    expect(spend).toBeLessThanOrEqual(0.5 + 0.002 + 1e-9); // at most one call's cost over the cap
    expect(commandTimes.length).toBeGreaterThan(0);
    expect(Math.max(...commandTimes)).toBeLessThan(3_000);
    const notYet = store.db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM automation WHERE next_run_at <= ?').get(slot.getTime())!.n;
    expect(notYet).toBe(0);
  }, 90_000);
});
