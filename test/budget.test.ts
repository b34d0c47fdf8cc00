import { afterEach, describe, expect, it } from 'vitest';
import { periodBounds } from '../src/budget/periods.js';
import { MeteredModelRouter } from '../src/capabilities/model-router.js';
import { Engine } from '../src/engine.js';
import { BudgetPausedError, NoModelConfiguredError } from '../src/errors.js';
import { silentLogger } from '../src/logger.js';
import type { Automation } from '../src/automations/types.js';
import type { AutomationView } from '../src/automations/view-models.js';
import type { Notification } from '../src/notifications/outbox.js';
import { flush } from './support/fake-clock.js';
import { makeHarness, type Harness, type ModelAnswer } from './support/harness.js';

const NO_MODEL = 'no model configured: set ANTHROPIC_API_KEY (or LOCAL_MODEL_URL)';

/** An invocation_log row as stored. */
interface LedgerRow {
  id: number;
  at: number;
  provider: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number;
  ok: number;
  error: string | null;
  user_id: string | null;
  automation_run_id: number | null;
}

let harnesses: Harness[] = [];

/**
 * These tests are about the budget under concurrency, so one person may use the whole model lane
 * and run now as often as they like (the lanes and quotas have their own tests).
 */
function harness(options: Parameters<typeof makeHarness>[0] = {}): Harness {
  const h = makeHarness({ ...options, env: { MAX_RUNS_IN_FLIGHT_PER_USER: '4', RUN_NOW_PER_MINUTE: '1000', ...options.env } });
  harnesses.push(h);
  return h;
}

afterEach(async () => {
  for (const h of harnesses) {
    await h.engine.notifications.stop();
    h.close();
  }
  harnesses = [];
});

/** Every model call the ledger holds, oldest first (read-only). */
function ledgerRows(h: Harness): LedgerRow[] {
  return h.store.db.prepare<[], LedgerRow>('SELECT * FROM invocation_log ORDER BY id').all();
}

function think(h: Harness, name: string): AutomationView {
  return h.engine.service.create(h.alice, { name, capability: 'think', schedule: 'manual' });
}

/** A model answer costing `usd` at the harness price ($1/M in, $10/M out): 1,000 input tokens plus output tokens. */
function answerCosting(usd: number, text = '{}'): ModelAnswer {
  const outputTokens = Math.round((usd - 0.001) * 100_000);
  return { text, inputTokens: 1000, outputTokens };
}

/** One `think` run at the clock's current instant costing `usd`. */
async function callCosting(h: Harness, name: string, usd: number) {
  h.provider.answer = () => answerCosting(usd);
  think(h, name);
  return h.engine.service.runNow(h.alice, name);
}

function budgetNotices(h: Harness, type: 'budget_paused' | 'budget_warning' = 'budget_paused'): Notification[] {
  return h.store.outbox.all().filter((n) => n.type === type);
}

function pausedError(fn: () => void): BudgetPausedError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BudgetPausedError) return error;
    throw error;
  }
  throw new Error('expected a BudgetPausedError');
}

const usd = (n: number) => Math.round(n * 1e9) / 1e9;

describe('spend per UTC day and month', () => {
  it('counts calls just before and after UTC midnight and a month boundary in the right period', async () => {
    const h = harness();
    h.clock.jump('2026-03-02T23:59:59.999Z');
    await callCosting(h, 'before-midnight', 0.002);
    h.clock.jump('2026-03-03T00:00:00.000Z');
    await callCosting(h, 'after-midnight', 0.004);

    expect(ledgerRows(h).map((r) => new Date(r.at).toISOString())).toEqual(['2026-03-02T23:59:59.999Z', '2026-03-03T00:00:00.000Z']);
    let spend = h.engine.budget.spend();
    expect(spend.daily.spentUsd).toBeCloseTo(0.004, 9);
    expect(spend.monthly.spentUsd).toBeCloseTo(0.006, 9);
    expect(spend.daily.resetsAt.toISOString()).toBe('2026-03-04T00:00:00.000Z');
    expect(spend.monthly.resetsAt.toISOString()).toBe('2026-04-01T00:00:00.000Z');

    h.clock.jump('2026-03-02T12:00:00Z');
    expect(h.engine.budget.spend().daily.spentUsd).toBeCloseTo(0.002, 9);

    h.clock.jump('2026-03-31T23:59:59.999Z');
    await callCosting(h, 'before-april', 0.003);
    h.clock.jump('2026-04-01T00:00:00.000Z');
    await callCosting(h, 'april-fools', 0.005);

    spend = h.engine.budget.spend();
    expect(spend.daily.spentUsd).toBeCloseTo(0.005, 9);
    expect(spend.monthly.spentUsd).toBeCloseTo(0.005, 9);
    expect(spend.monthly.resetsAt.toISOString()).toBe('2026-05-01T00:00:00.000Z');

    h.clock.jump('2026-03-31T23:59:59.999Z');
    spend = h.engine.budget.spend();
    expect(spend.daily.spentUsd).toBeCloseTo(0.003, 9);
    expect(spend.monthly.spentUsd).toBeCloseTo(0.002 + 0.004 + 0.003, 9);

    const { ledger } = h.store;
    expect(ledger.spendBetween(new Date('2026-03-01T00:00:00Z'), new Date('2026-04-01T00:00:00Z'))).toBeCloseTo(0.009, 9);
    expect(ledger.spendBetween(new Date('2026-04-01T00:00:00Z'), new Date('2026-05-01T00:00:00Z'))).toBeCloseTo(0.005, 9);
  });

  it('uses UTC periods whatever the host time zone is', async () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      const h = harness();
      // 02:00 UTC on 3 March is still the evening of 2 March in Los Angeles.
      h.clock.jump('2026-03-03T02:00:00Z');
      await callCosting(h, 'late', 0.002);
      expect(h.engine.budget.spend().daily.spentUsd).toBeCloseTo(0.002, 9);
      h.clock.jump('2026-03-02T20:00:00Z');
      expect(h.engine.budget.spend().daily.spentUsd).toBe(0);
      expect(periodBounds('daily', new Date('2026-03-03T02:00:00Z')).start.toISOString()).toBe('2026-03-03T00:00:00.000Z');
      expect(periodBounds('monthly', new Date('2026-04-01T03:00:00Z')).start.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('checkPreCall', () => {
  it('does not throw below the caps, and throws BudgetPausedError with the facts once the daily cap is reached', async () => {
    const h = harness({ env: { DAILY_BUDGET_USD: '0.01', MONTHLY_BUDGET_USD: '1' } });
    expect(() => h.engine.budget.checkPreCall('alice')).not.toThrow();
    await callCosting(h, 'first', 0.009);
    expect(() => h.engine.budget.checkPreCall('alice')).not.toThrow();
    expect(() => h.engine.budget.checkPreCall(null)).not.toThrow();

    await callCosting(h, 'second', 0.002);
    const error = pausedError(() => h.engine.budget.checkPreCall('alice'));
    expect(error.period).toBe('daily');
    expect(error.spentUsd).toBeCloseTo(0.011, 9);
    expect(error.limitUsd).toBe(0.01);
    expect(error.resumesAt.toISOString()).toBe('2026-03-03T00:00:00.000Z');
    expect(error.code).toBe('budget_paused');
    expect(error.message).toContain('daily');
  });

  it('checks the daily cap first when both are reached, then the monthly one the next day', async () => {
    const h = harness({ env: { DAILY_BUDGET_USD: '0.01', MONTHLY_BUDGET_USD: '0.015' } });
    await callCosting(h, 'big', 0.02);

    const daily = pausedError(() => h.engine.budget.checkPreCall('alice'));
    expect(daily.period).toBe('daily');
    expect(daily.limitUsd).toBe(0.01);
    // Work resumes only when both caps have reset: the monthly one holds until April.
    expect(daily.resumesAt.toISOString()).toBe('2026-04-01T00:00:00.000Z');

    h.clock.jump('2026-03-03T08:00:00Z');
    const monthly = pausedError(() => h.engine.budget.checkPreCall('alice'));
    expect(monthly.period).toBe('monthly');
    expect(monthly.spentUsd).toBeCloseTo(0.02, 9);
    expect(monthly.limitUsd).toBe(0.015);
    expect(monthly.resumesAt.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(monthly.message).toContain('monthly');

    h.clock.jump('2026-04-01T00:00:00Z');
    expect(() => h.engine.budget.checkPreCall('alice')).not.toThrow();
  });

  it('names the first of next year when a December cap is reached', async () => {
    const h = harness({ env: { DAILY_BUDGET_USD: '5', MONTHLY_BUDGET_USD: '0.01' }, start: '2026-12-31T23:00:00Z' });
    await callCosting(h, 'new-year', 0.01);
    const error = pausedError(() => h.engine.budget.checkPreCall('alice'));
    expect(error.period).toBe('monthly');
    expect(error.resumesAt.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});

describe('the invocation ledger', () => {
  it('writes one row per successful model call with tokens, cost and the run id', async () => {
    const h = harness();
    const automation = think(h, 'summary');
    const first = await h.engine.service.runNow(h.alice, 'summary');
    h.provider.answer = () => ({ text: '{"price": 80}', inputTokens: 2500, outputTokens: 300 });
    const second = await h.engine.service.runNow(h.alice, 'summary');

    expect(first.outcome).toBe('succeeded');
    expect(second.outcome).toBe('succeeded');
    const rows = ledgerRows(h);
    expect(rows).toHaveLength(2);
    expect(rows.length).toBe(h.provider.prompts.length);
    expect(rows[0]).toMatchObject({
      provider: 'scripted',
      model: 'test-model',
      input_tokens: 1000,
      output_tokens: 100,
      ok: 1,
      error: null,
      user_id: 'alice',
      automation_run_id: first.runId,
      at: new Date('2026-03-02T08:00:00Z').getTime(),
    });
    expect(rows[0]!.cost_usd).toBeCloseTo(0.002, 12);
    expect(rows[1]).toMatchObject({ input_tokens: 2500, output_tokens: 300, ok: 1, automation_run_id: second.runId });
    expect(rows[1]!.cost_usd).toBeCloseTo(0.0055, 12);

    const run = h.store.runs.get(second.runId!)!;
    expect(run.status).toBe('succeeded');
    expect(run.path).toBe('claude_native');
    expect(run.ledgerId).toBe(rows[1]!.id);
    expect(run.costUsd).toBeCloseTo(0.0055, 12);
    expect(run.output).toEqual({ price: 80 });
    expect(h.engine.service.inspect(h.alice, automation.id).spend.todayUsd).toBeCloseTo(0.0075, 12);
  });

  it('writes a row for a provider that throws, and the run fails with its message', async () => {
    const h = harness();
    think(h, 'flaky');
    h.provider.answer = () => {
      throw new Error('upstream overloaded (529)');
    };
    const report = await h.engine.service.runNow(h.alice, 'flaky');

    expect(report.outcome).toBe('failed');
    expect(report.error).toBe('upstream overloaded (529)');
    const rows = ledgerRows(h);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      ok: 0,
      error: 'upstream overloaded (529)',
      input_tokens: 0,
      output_tokens: 0,
      cost_usd: 0,
      user_id: 'alice',
      automation_run_id: report.runId,
    });
    const run = h.store.runs.get(report.runId!)!;
    expect(run.status).toBe('failed');
    expect(run.error).toBe('upstream overloaded (529)');
  });

  it('writes a row for an answer that is not JSON, and the run fails quoting the start of the answer', async () => {
    const h = harness();
    think(h, 'chatty');
    h.provider.answer = () => ({ text: 'not json', inputTokens: 1000, outputTokens: 100 });
    const report = await h.engine.service.runNow(h.alice, 'chatty');

    expect(report.outcome).toBe('failed');
    expect(report.error).toMatch(/^the model did not answer with a JSON object/);
    expect(report.error).toContain('"not json"');
    const rows = ledgerRows(h);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ok: 0, error: report.error, input_tokens: 1000, output_tokens: 100, automation_run_id: report.runId });
    expect(rows[0]!.cost_usd).toBeCloseTo(0.002, 12);
    const run = h.store.runs.get(report.runId!)!;
    expect(run.status).toBe('failed');
    expect(run.error).toBe(report.error);
    expect(run.costUsd).toBeCloseTo(0.002, 12);

    const long = `Sure! Here is what I found about the product page you asked me to watch. ${'It looks fine. '.repeat(40)}`;
    h.provider.answer = () => ({ text: long, inputTokens: 1000, outputTokens: 100 });
    const second = await h.engine.service.runNow(h.alice, 'chatty');
    expect(second.outcome).toBe('failed');
    expect(second.error).toContain(long.slice(0, 60));
    expect(second.error).not.toContain(long);
    expect(second.error!.length).toBeLessThan(300);
    expect(ledgerRows(h)).toHaveLength(2);
  });
});

describe('the budget notice', () => {
  it('queues exactly one daily notice when spend first reaches the cap, not one per automation that comes due', async () => {
    const h = harness({ env: { DAILY_BUDGET_USD: '0.05', MONTHLY_BUDGET_USD: '1' } });
    await callCosting(h, 'one', 0.02);
    await callCosting(h, 'two', 0.02);
    expect(budgetNotices(h)).toHaveLength(0);
    const third = await callCosting(h, 'three', 0.02);
    expect(third.outcome).toBe('succeeded');

    let notices = budgetNotices(h);
    expect(notices).toHaveLength(1);
    const notice = notices[0]!;
    expect(notice.channel).toBe('tasks');
    expect(notice.priority).toBe(4);
    expect(notice.content).toContain('daily');
    expect(notice.content).toContain('$0.06');
    expect(notice.content).toContain('$0.05');
    expect(notice.content).toContain('2026-03-03T00:00:00Z');
    expect(notice.embed?.title).toBe('Daily LLM budget reached');

    const prompts = h.provider.prompts.length;
    for (let i = 1; i <= 5; i++) {
      const automation = think(h, `due-${i}`);
      const report = await h.engine.service.runNow(h.alice, automation.name);
      expect(report.outcome).toBe('skipped_budget');
      expect(report.runId).toBeNull();
      expect(report.error).toContain('daily');
      expect(h.store.runs.recent(automation.id, 10)).toEqual([]);
      const after = h.store.automations.get(automation.id)!;
      expect(after.runCount).toBe(0);
      expect(after.failureCount).toBe(0);
      expect(after.status).toBe('active');
    }
    expect(h.provider.prompts.length).toBe(prompts);
    notices = budgetNotices(h);
    expect(notices).toHaveLength(1);

    // Local skills cost nothing and keep running while model work is paused.
    h.engine.service.create(h.alice, { name: 'uptime', capability: 'echo', schedule: 'manual' });
    expect((await h.engine.service.runNow(h.alice, 'uptime')).outcome).toBe('succeeded');
  });

  it('queues a new notice the next day when that day\'s cap is reached again', async () => {
    const h = harness({ env: { DAILY_BUDGET_USD: '0.05', MONTHLY_BUDGET_USD: '1' } });
    for (const name of ['a', 'b', 'c']) await callCosting(h, name, 0.02);
    expect((await callCosting(h, 'd', 0.02)).outcome).toBe('skipped_budget');
    expect(budgetNotices(h)).toHaveLength(1);

    h.clock.jump('2026-03-03T08:00:00Z');
    expect(() => h.engine.budget.checkPreCall('alice')).not.toThrow();
    expect(budgetNotices(h)).toHaveLength(1);
    for (const name of ['e', 'f', 'g']) expect((await callCosting(h, name, 0.02)).outcome).toBe('succeeded');
    expect((await callCosting(h, 'h', 0.02)).outcome).toBe('skipped_budget');

    const notices = budgetNotices(h);
    expect(notices).toHaveLength(2);
    expect(notices[1]!.content).toContain('daily');
    expect(notices[1]!.content).toContain('2026-03-04T00:00:00Z');
    expect(notices[1]!.createdAt.toISOString()).toBe('2026-03-03T08:00:00.000Z');
  });

  it('names the monthly period when the month\'s cap is reached', async () => {
    const h = harness({ env: { DAILY_BUDGET_USD: '100', MONTHLY_BUDGET_USD: '0.05' } });
    for (const name of ['a', 'b', 'c']) await callCosting(h, name, 0.02);
    for (const name of ['d', 'e']) {
      const report = await callCosting(h, name, 0.02);
      expect(report.outcome).toBe('skipped_budget');
      expect(report.error).toContain('monthly');
    }
    const notices = budgetNotices(h);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.content).toContain('monthly');
    expect(notices[0]!.content).not.toContain('daily');
    expect(notices[0]!.content).toContain('2026-04-01T00:00:00Z');
    expect(notices[0]!.embed?.title).toBe('Monthly LLM budget reached');

    h.clock.jump('2026-03-20T08:00:00Z');
    expect((await callCosting(h, 'later', 0.02)).outcome).toBe('skipped_budget');
    expect(budgetNotices(h)).toHaveLength(1);
  });

  it('tells that work resumes next month when one call reaches the daily and the monthly cap together', async () => {
    const h = harness({ env: { DAILY_BUDGET_USD: '0.05', MONTHLY_BUDGET_USD: '0.05' } });
    for (const name of ['a', 'b', 'c']) await callCosting(h, name, 0.02);
    // Both caps are reached now: work does not resume tomorrow, and the notice must say so today.
    const notices = budgetNotices(h);
    expect(notices.map((n) => n.embed?.title)).toEqual(['Daily LLM budget reached', 'Monthly LLM budget reached']);
    for (const notice of notices) {
      expect(notice.content).toContain('paused until 2026-04-01T00:00:00Z (next month, UTC)');
      expect(notice.content).not.toContain('tomorrow');
    }
  });

  it('queues one warning when the month passes 90% of its cap', async () => {
    const h = harness({ env: { DAILY_BUDGET_USD: '100', MONTHLY_BUDGET_USD: '1' } });
    await callCosting(h, 'half', 0.5);
    expect(budgetNotices(h, 'budget_warning')).toHaveLength(0);
    await callCosting(h, 'most', 0.43);
    let warnings = budgetNotices(h, 'budget_warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.channel).toBe('tasks');
    expect(warnings[0]!.priority).toBe(2);
    expect(warnings[0]!.content).toMatch(/\b9[0-9]%/);
    expect(warnings[0]!.content).toContain('$0.93 of $1.00');

    await callCosting(h, 'more', 0.01);
    warnings = budgetNotices(h, 'budget_warning');
    expect(warnings).toHaveLength(1);
    expect(budgetNotices(h)).toHaveLength(0);

    await callCosting(h, 'over', 0.1);
    expect(budgetNotices(h, 'budget_warning')).toHaveLength(1);
    expect(budgetNotices(h)).toHaveLength(1);
    expect(budgetNotices(h)[0]!.content).toContain('monthly');
  });
});

describe('a budget pause raised during a run', () => {
  it('finishes the run as skipped_budget without counting it', async () => {
    const h = harness({ env: { DAILY_BUDGET_USD: '0.01', MONTHLY_BUDGET_USD: '1' } });
    const a = think(h, 'a');
    const b = think(h, 'b');
    h.provider.answer = () => new Error('model overloaded');
    await h.engine.service.runNow(h.alice, 'b');
    await h.engine.service.runNow(h.alice, 'b');
    expect(h.store.automations.get(b.id)).toMatchObject({ runCount: 2, failureCount: 2 });

    let releaseA!: (answer: ModelAnswer) => void;
    h.provider.answer = () => new Promise<ModelAnswer>((resolve) => (releaseA = resolve));
    const runA = h.engine.service.runNow(h.alice, 'a');
    await flush();
    expect(h.provider.prompts).toHaveLength(3);
    const runB = h.engine.service.runNow(h.alice, 'b');
    await flush();
    // b waits for the budget while a's call is in flight.
    expect(h.provider.prompts).toHaveLength(3);
    expect(h.store.runs.recent(b.id, 1)[0]!.status).toBe('running');

    releaseA({ text: '{"done": true}', inputTokens: 1000, outputTokens: 1000 });
    const [reportA, reportB] = await Promise.all([runA, runB]);

    expect(reportA.outcome).toBe('succeeded');
    expect(reportB.outcome).toBe('skipped_budget');
    expect(reportB.runId).not.toBeNull();
    expect(reportB.error).toContain('daily');
    const run = h.store.runs.get(reportB.runId!)!;
    expect(run.status).toBe('skipped_budget');
    expect(run.finishedAt).not.toBeNull();
    expect(run.costUsd).toBe(0);
    expect(h.provider.prompts).toHaveLength(3);
    expect(ledgerRows(h).filter((r) => r.automation_run_id === reportB.runId)).toEqual([]);
    expect(h.store.automations.get(b.id)).toMatchObject({ runCount: 2, failureCount: 2, status: 'active' });
    expect(h.store.automations.get(a.id)).toMatchObject({ runCount: 1, failureCount: 0 });
    expect(budgetNotices(h)).toHaveLength(1);
  });
});

describe('the budget under concurrent runs', () => {
  it.each([
    { cap: '0.05', runs: 40 },
    { cap: '0.03', runs: 50 },
  ])('never overshoots a daily cap of $cap by more than one call, $runs runs at once', async ({ cap, runs }) => {
    const h = harness({ env: { DAILY_BUDGET_USD: cap, MONTHLY_BUDGET_USD: '1' } });
    let inFlight = 0;
    let maxInFlight = 0;
    h.provider.answer = async (call) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      // $0.002 to $0.01 a call.
      return { text: '{"ok": true}', inputTokens: 1000, outputTokens: 100 + ((call * 97) % 801) };
    };
    const automations = Array.from({ length: runs }, (_, i) => think(h, `burst-${i}`));
    const reports = await Promise.all(automations.map((a) => h.engine.service.runNow(h.alice, a.name)));

    const rows = ledgerRows(h);
    const total = h.engine.budget.spend().daily.spentUsd;
    const largest = Math.max(...rows.map((r) => r.cost_usd));
    expect(largest).toBeLessThanOrEqual(0.01 + 1e-12);
    expect(usd(total)).toBeLessThanOrEqual(usd(Number(cap) + largest));
    expect(total).toBeGreaterThanOrEqual(Number(cap));
    expect(usd(rows.reduce((sum, r) => sum + r.cost_usd, 0))).toBe(usd(total));

    const outcomes = reports.map((r) => r.outcome);
    expect(new Set(outcomes)).toEqual(new Set(['succeeded', 'skipped_budget']));
    const succeeded = reports.filter((r) => r.outcome === 'succeeded');
    expect(succeeded.length).toBe(rows.length);
    expect(h.provider.prompts.length).toBe(rows.length);
    expect(maxInFlight).toBeGreaterThan(1);
    for (const report of reports) {
      const automation = h.store.automations.get(report.automationId)!;
      expect(automation.failureCount).toBe(0);
      expect(automation.runCount).toBe(report.outcome === 'succeeded' ? 1 : 0);
      if (report.runId !== null) {
        expect(h.store.runs.get(report.runId)!.status).toBe(report.outcome);
      }
    }
    expect(budgetNotices(h)).toHaveLength(1);
  });

  it('admits calls concurrently when far from the cap', async () => {
    const h = harness();
    let inFlight = 0;
    let maxInFlight = 0;
    h.provider.answer = async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return { text: '{}', inputTokens: 1000, outputTokens: 100 };
    };
    const automations = Array.from({ length: 10 }, (_, i) => think(h, `parallel-${i}`));
    const reports = await Promise.all(automations.map((a) => h.engine.service.runNow(h.alice, a.name)));
    expect(reports.map((r) => r.outcome)).toEqual(Array(10).fill('succeeded'));
    expect(maxInFlight).toBeGreaterThan(1);
    expect(ledgerRows(h)).toHaveLength(10);
  });
});

describe('without a model provider', () => {
  it('the router refuses with "no model configured"', async () => {
    const h = harness();
    const router = new MeteredModelRouter({ route: () => null, budget: h.engine.budget, clock: h.clock });
    const call = router.execute({
      automationId: 1,
      runId: 1,
      userId: 'alice',
      capability: { name: 'think', description: 'Asks the model' },
      inputs: {},
      priorRunEnd: null,
      state: {},
      signal: new AbortController().signal,
    });
    await expect(call).rejects.toBeInstanceOf(NoModelConfiguredError);
    await expect(call).rejects.toHaveProperty('message', NO_MODEL);
    expect(ledgerRows(h)).toEqual([]);
  });

  it.each([
    ['no route', { modelRoute: () => null }],
    ['no ANTHROPIC_API_KEY nor LOCAL_MODEL_URL', {}],
  ])('a claude_native run fails with exactly the "no model configured" message (%s)', async (_, provider) => {
    const h = harness();
    const engine = new Engine({ config: h.config, logger: silentLogger, sink: h.sink, clock: h.clock, db: h.store.db, ...provider });
    think(h, 'needs-a-model');
    const report = await engine.service.runNow(h.alice, 'needs-a-model');
    expect(report.outcome).toBe('failed');
    expect(report.error).toBe(NO_MODEL);
    const run = h.store.runs.get(report.runId!)!;
    expect(run.status).toBe('failed');
    expect(run.error).toBe(NO_MODEL);
    expect(run.costUsd).toBe(0);
    expect(ledgerRows(h)).toEqual([]);
  });
});
