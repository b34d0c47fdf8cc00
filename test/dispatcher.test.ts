import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_ERROR } from '../src/automations/dispatcher.js';
import type { Condition } from '../src/automations/alerts/condition.js';
import type { CreateInput } from '../src/automations/service.js';
import type { Automation } from '../src/automations/types.js';
import type { AutomationView } from '../src/automations/view-models.js';
import { makeHarness, type Harness } from './support/harness.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

function create(input: Partial<CreateInput> & { name: string }): AutomationView {
  return h.engine.service.create(h.alice, { capability: 'echo', schedule: '0 9 * * *', timezone: 'UTC', ...input });
}
const reload = (id: number) => h.store.automations.get(id)!;
const runsOf = (id: number) => h.store.runs.recent(id, 100).reverse();
const dispatchScheduled = (id: number) => h.engine.dispatcher.dispatch(id, 'schedule', { enforceMinInterval: true });

describe('a succeeded run', () => {
  it('records the run, counts it and moves to the next slot', async () => {
    const a = create({ name: 'daily' });
    expect(a.nextRunAt).toEqual(new Date('2026-03-02T09:00:00Z'));
    h.clock.jump('2026-03-02T09:00:00.250Z');
    h.skill = () => ({ output: { price: 120 }, costUsd: 0 });

    const report = await dispatchScheduled(a.id);

    expect(report).toEqual({ automationId: a.id, runId: expect.any(Number), outcome: 'succeeded', alertSent: false, error: null });
    const [run] = runsOf(a.id);
    expect(run).toMatchObject({
      id: report.runId,
      trigger: 'schedule',
      status: 'succeeded',
      path: 'skill',
      output: { price: 120 },
      costUsd: 0,
      error: null,
      startedAt: new Date('2026-03-02T09:00:00.250Z'),
      finishedAt: new Date('2026-03-02T09:00:00.250Z'),
    });
    expect(reload(a.id)).toMatchObject({
      runCount: 1,
      failureCount: 0,
      lastRunAt: new Date('2026-03-02T09:00:00.250Z'),
      nextRunAt: new Date('2026-03-03T09:00:00Z'),
      status: 'active',
    });
  });

  it('wraps an output that is not an object as {output: …}', async () => {
    const a = create({ name: 'scalar' });
    h.skill = () => ({ output: 42, costUsd: 0 });
    await h.engine.dispatcher.dispatch(a.id, 'manual');
    expect(runsOf(a.id)[0]!.output).toEqual({ output: 42 });
  });

  it('passes the inputs, prior_run_end of the last succeeded run, and the state the last run left', async () => {
    const a = create({ name: 'stateful', inputs: { topic: 'rust' } });
    h.skill = () => ({ output: { n: 1 }, costUsd: 0, state: { seen: ['a'] } });
    await h.engine.dispatcher.dispatch(a.id, 'manual');
    const firstEnd = runsOf(a.id)[0]!.finishedAt;

    await h.clock.advance(60_000);
    h.skill = () => {
      throw new Error('flaky');
    };
    await h.engine.dispatcher.dispatch(a.id, 'manual');

    await h.clock.advance(60_000);
    h.skill = () => ({ output: { n: 3 }, costUsd: 0 });
    await h.engine.dispatcher.dispatch(a.id, 'manual');

    const [first, second, third] = h.skillCalls;
    expect(first).toMatchObject({ inputs: { topic: 'rust' }, priorRunEnd: null, state: {} });
    expect(second).toMatchObject({ priorRunEnd: firstEnd, state: { seen: ['a'] } });
    expect(third).toMatchObject({ priorRunEnd: firstEnd, state: { seen: ['a'] } });
    expect(reload(a.id).state).toEqual({ seen: ['a'] });
  });
});

describe('failures', () => {
  it('a thrown error fails the run with its message and counts a failure; a success resets the count', async () => {
    const a = create({ name: 'flaky' });
    h.skill = () => {
      throw new Error('upstream said 502');
    };
    const report = await h.engine.dispatcher.dispatch(a.id, 'manual');
    expect(report).toMatchObject({ outcome: 'failed', error: 'upstream said 502' });
    expect(runsOf(a.id)[0]).toMatchObject({ status: 'failed', error: 'upstream said 502', output: null });
    expect(reload(a.id)).toMatchObject({ runCount: 1, failureCount: 1, nextRunAt: new Date('2026-03-02T09:00:00Z') });

    await h.engine.dispatcher.dispatch(a.id, 'manual');
    expect(reload(a.id).failureCount).toBe(2);

    h.skill = () => ({ output: {}, costUsd: 0 });
    await h.engine.dispatcher.dispatch(a.id, 'manual');
    expect(reload(a.id)).toMatchObject({ runCount: 3, failureCount: 0 });
  });

  it('pauses at the threshold with exactly one notice naming the automation, the count and the last error', async () => {
    const a = create({ name: 'broken' });
    h.skill = () => {
      throw new Error('connection refused');
    };
    for (let i = 0; i < 4; i++) await h.engine.dispatcher.dispatch(a.id, 'manual');
    expect(reload(a.id).status).toBe('active');
    expect(h.store.outbox.all()).toHaveLength(0);

    await h.engine.dispatcher.dispatch(a.id, 'manual');
    expect(reload(a.id)).toMatchObject({ status: 'paused', pausedReason: 'failures', failureCount: 5, nextRunAt: null });
    const notices = h.store.outbox.all();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ type: 'pause', channel: 'tasks', priority: 4, automationId: a.id });
    expect(notices[0]!.content).toBe('Paused: broken. Paused after 5 failed runs in a row. Last error: `connection refused`');
    expect(notices[0]!.embed!.actions).toContain('resume');

    // A person's run now on the paused automation fails again: no second notice.
    await h.engine.dispatcher.dispatch(a.id, 'manual');
    expect(reload(a.id)).toMatchObject({ status: 'paused', failureCount: 6 });
    expect(h.store.outbox.all()).toHaveLength(1);
  });

  it('a run over its time limit fails with "timeout" and its work is told to stop', async () => {
    h.close();
    h = makeHarness({ env: { RUN_TIMEOUT_SECONDS: '2' } });
    const a = create({ name: 'slow' });
    let aborted: unknown = null;
    h.skill = (request) =>
      new Promise((_, reject) => {
        request.signal.addEventListener('abort', () => {
          aborted = request.signal.reason;
          reject(new Error('aborted'));
        });
      });
    const pending = h.engine.dispatcher.dispatch(a.id, 'manual');
    await h.clock.advance(1_999);
    expect(runsOf(a.id)[0]!.status).toBe('running');
    await h.clock.advance(1);
    const report = await pending;
    expect(report).toMatchObject({ outcome: 'failed', error: 'timeout' });
    expect(runsOf(a.id)[0]).toMatchObject({ status: 'failed', error: 'timeout', finishedAt: new Date('2026-03-02T08:00:02Z') });
    expect(aborted).toBeInstanceOf(Error);
    expect(reload(a.id).failureCount).toBe(1);
  });

  it('a skill that ignores the abort still ends the run at its time limit', async () => {
    h.close();
    h = makeHarness({ env: { RUN_TIMEOUT_SECONDS: '1' } });
    const a = create({ name: 'stubborn' });
    h.skill = () => new Promise(() => undefined);
    const pending = h.engine.dispatcher.dispatch(a.id, 'manual');
    await h.clock.advance(1_000);
    expect(await pending).toMatchObject({ outcome: 'failed', error: 'timeout' });
  });
});

describe('the claude_native path and cost', () => {
  it('records the model call in the ledger and the cost on the run', async () => {
    const a = create({ name: 'digest', capability: 'think', inputs: { topic: 'sqlite' } });
    h.provider.answer = () => ({ text: '{"summary": "fine"}', inputTokens: 2000, outputTokens: 300 });
    const report = await h.engine.dispatcher.dispatch(a.id, 'manual');
    const run = runsOf(a.id)[0]!;
    expect(report.outcome).toBe('succeeded');
    expect(run).toMatchObject({ path: 'claude_native', status: 'succeeded', output: { summary: 'fine' } });
    expect(run.costUsd).toBeCloseTo(0.005, 10); // 2000 × $1/M + 300 × $10/M
    expect(run.ledgerId).toEqual(expect.any(Number));
    expect(h.store.ledger.runSpend(run.id)).toBeCloseTo(0.005, 10);
    const prompt = JSON.parse(h.provider.prompts[0]!.user);
    expect(prompt).toEqual({ capability: 'think', description: 'Asks the model', inputs: { topic: 'sqlite' }, prior_run_end: null });
  });

  it('a run costing more than max_cost_per_run_usd fails as cost_exceeded', async () => {
    const a = create({ name: 'pricey', capability: 'think', maxCostUsd: 0.001 });
    const report = await h.engine.dispatcher.dispatch(a.id, 'manual');
    expect(report).toMatchObject({ outcome: 'cost_exceeded', error: 'cost_exceeded' });
    const run = runsOf(a.id)[0]!;
    expect(run).toMatchObject({ status: 'failed', error: 'cost_exceeded', output: {} });
    expect(run.costUsd).toBeCloseTo(0.002, 10);
    expect(reload(a.id)).toMatchObject({ runCount: 1, failureCount: 1 });
  });

  it('switches path by itself the first run after its skill is promoted, and back when demoted', async () => {
    const a = create({ name: 'switcher', capability: 'think' });
    await h.engine.dispatcher.dispatch(a.id, 'manual');
    h.engine.service.setSkillState(h.manager, 'think', 'trusted');
    await h.engine.dispatcher.dispatch(a.id, 'manual');
    h.engine.service.setSkillState(h.manager, 'think', 'shadow');
    await h.engine.dispatcher.dispatch(a.id, 'manual');
    await h.engine.shadows.idle();

    expect(runsOf(a.id).map((r) => r.path)).toEqual(['claude_native', 'skill', 'claude_native']);
    expect(h.provider.prompts).toHaveLength(2);
    // The skill ran once as the run's path, and beside the model on both model runs (shadow runs, recorded as comparisons).
    expect(h.skillCalls).toHaveLength(3);
    expect(h.store.evidence.list('think').map((c) => [c.runId, c.direction])).toEqual([
      [runsOf(a.id)[0]!.id, 'skill_beside_model'],
      [runsOf(a.id)[2]!.id, 'skill_beside_model'],
    ]);
    expect(h.store.capabilities.get('think')!.skill).toMatchObject({ state: 'shadow', stateChangedBy: 'mia' });
  });
});

describe('budget', () => {
  it('when spend is paused, a model run is skipped without a run row and the schedule advances uncounted', async () => {
    h.close();
    h = makeHarness({ env: { DAILY_BUDGET_USD: '0' } });
    const a = create({ name: 'digest', capability: 'think' });
    h.clock.jump('2026-03-02T09:00:00Z');
    const report = await dispatchScheduled(a.id);
    expect(report).toMatchObject({ runId: null, outcome: 'skipped_budget' });
    expect(report.error).toMatch(/^daily LLM budget reached: \$0\.00 of \$0\.00 spent/);
    expect(runsOf(a.id)).toHaveLength(0);
    expect(reload(a.id)).toMatchObject({ runCount: 0, failureCount: 0, lastRunAt: null, nextRunAt: new Date('2026-03-03T09:00:00Z') });
    expect(h.provider.prompts).toHaveLength(0);
  });

  it('local skills keep running while the model budget is paused', async () => {
    h.close();
    h = makeHarness({ env: { DAILY_BUDGET_USD: '0' } });
    const a = create({ name: 'uptime' });
    expect((await h.engine.dispatcher.dispatch(a.id, 'manual')).outcome).toBe('succeeded');
  });

  it('a pause raised during the run finishes it as skipped_budget without counting', async () => {
    h.close();
    h = makeHarness({ env: { DAILY_BUDGET_USD: '0.002', MAX_RUNS_IN_FLIGHT_PER_USER: '2' } });
    const first = create({ name: 'first', capability: 'think' });
    const second = create({ name: 'second', capability: 'think' });
    const gate = deferred<void>();
    h.provider.answer = async () => {
      await gate.promise;
      return { text: '{}', inputTokens: 1000, outputTokens: 100 };
    };
    const one = h.engine.dispatcher.dispatch(first.id, 'manual');
    const two = h.engine.dispatcher.dispatch(second.id, 'manual');
    await new Promise((r) => setImmediate(r));
    expect(runsOf(second.id)[0]!.status).toBe('running'); // it waits for headroom inside the run
    gate.resolve();
    expect((await one).outcome).toBe('succeeded');
    const report = await two;
    expect(report.outcome).toBe('skipped_budget');
    expect(runsOf(second.id)[0]).toMatchObject({ status: 'skipped_budget', costUsd: 0 });
    expect(reload(second.id)).toMatchObject({ runCount: 0, failureCount: 0, nextRunAt: new Date('2026-03-02T09:00:00Z') });
    expect(h.provider.prompts).toHaveLength(1);
  });
});

describe('alerts', () => {
  const prices = async (a: AutomationView, values: number[]) => {
    const sent: boolean[] = [];
    for (const price of values) {
      h.skill = () => ({ output: { price, title: 'Kettle' }, costUsd: 0 });
      await h.clock.advance(3_600_000);
      sent.push((await h.engine.dispatcher.dispatch(a.id, 'manual')).alertSent);
    }
    return sent;
  };

  it('mode change: fires when the condition turns true, not while it stays true', async () => {
    const a = create({ name: 'kettle', alert: 'price < 100' });
    expect(await prices(a, [120, 90, 80, 150, 70])).toEqual([false, true, false, false, true]);
    // Turning false again resolves the incident: a Resolved notice and an edit of the first alert.
    expect(h.store.outbox.all().map((n) => n.type)).toEqual(['alert', 'resolved', 'edit', 'alert']);
    const alerts = h.store.outbox.all().filter((n) => n.type === 'alert');
    expect(alerts[0]).toMatchObject({ channel: 'tasks', priority: 3, automationId: a.id, content: 'Alert: kettle: price < 100' });
    expect(alerts[0]!.embed!.fields).toEqual([
      { name: 'price', value: '90' },
      { name: 'title', value: 'Kettle' },
    ]);
    const run = runsOf(a.id)[1]!;
    expect(run).toMatchObject({ alertSent: true, alertContent: 'Alert: kettle: price < 100' });
    expect(alerts[0]!.runId).toBe(run.id);
  });

  it('mode change with repeat_after reminds while it stays true', async () => {
    const a = create({ name: 'kettle', alert: 'price < 100', repeatAfterSeconds: 3 * 3600 });
    expect(await prices(a, [90, 90, 90, 90, 120, 90])).toEqual([true, false, false, true, false, true]);
  });

  it('mode every: fires on every succeeded run where it holds', async () => {
    const a = create({ name: 'kettle', alert: 'price < 100', alertMode: 'every' });
    expect(await prices(a, [90, 90, 120, 90])).toEqual([true, true, false, true]);
  });

  it('goes to the owner by DM when the automation says so, with the same buttons as in the tasks channel', async () => {
    const a = create({ name: 'kettle', alert: 'price < 100', alertTo: 'dm' });
    await prices(a, [90]);
    expect(h.store.outbox.all()[0]!.channel).toBe('dm:alice');
    expect(h.store.outbox.all()[0]!.embed!.actions).toEqual(['snooze_hour', 'snooze_day', 'mute', 'pause', 'show', 'output']);
  });

  it('new inputs start without the state the old ones left', async () => {
    const a = create({ name: 'stateful', inputs: { url: 'a' } });
    h.skill = () => ({ output: {}, costUsd: 0, state: { last: 'page a' } });
    await h.engine.dispatcher.dispatch(a.id, 'manual');
    h.engine.service.edit(h.alice, a.id, { description: 'same work' });
    expect(reload(a.id).state).toEqual({ last: 'page a' });
    h.engine.service.edit(h.alice, a.id, { inputs: { url: 'b' } });
    expect(reload(a.id).state).toEqual({});
  });

  it('never fires on a failed run or without a condition', async () => {
    const a = create({ name: 'silent' });
    const b = create({ name: 'failing', alert: 'exists price' });
    await prices(a, [1]);
    h.skill = () => {
      throw new Error('nope');
    };
    await h.engine.dispatcher.dispatch(b.id, 'manual');
    expect(h.store.outbox.all()).toHaveLength(0);
  });

  it('remembers the last result across a restart, so `change` does not fire again', async () => {
    const a = create({ name: 'kettle', alert: 'price < 100' });
    expect(await prices(a, [90])).toEqual([true]);
    const restarted = h.restart();
    h.skill = () => ({ output: { price: 80 }, costUsd: 0 });
    expect((await restarted.dispatcher.dispatch(a.id, 'manual')).alertSent).toBe(false);
    expect(h.store.automations.get(a.id)!.alertLastResult).toBe(true);
  });

  it('editing the condition forgets the old one\'s result: the new condition fires on its first true run', async () => {
    const a = create({ name: 'kettle', alert: 'price < 100' });
    expect(await prices(a, [90])).toEqual([true]);
    h.engine.service.edit(h.alice, a.id, { alert: 'price < 50' });
    expect(reload(a.id).alertLastResult).toBeNull();
    expect(await prices(a, [40])).toEqual([true]);
    h.engine.service.edit(h.alice, a.id, { description: 'still the same condition' });
    expect(await prices(a, [30])).toEqual([false]);
  });

  it('an unreadable stored condition means no alert, never a failed run', async () => {
    const a = create({ name: 'future', alert: 'price < 100' });
    const fromNewerVersion = { field: 'price', op: 'matches', value: '^1' } as unknown as Condition;
    h.store.automations.updateSettings(a.id, { alertConditions: fromNewerVersion }, a.nextRunAt, h.clock.now());
    expect(reload(a.id).alertConditionsError).toMatch(/cannot be read/);
    const report = await h.engine.dispatcher.dispatch(a.id, 'manual');
    expect(report).toMatchObject({ outcome: 'succeeded', alertSent: false });
    expect(h.store.outbox.all()).toHaveLength(0);
  });
});

describe('a person acting while a run is going', () => {
  it("a person's pause wins over a run that then succeeds", async () => {
    const a = create({ name: 'slow' });
    const gate = deferred<{ output: object; costUsd: number }>();
    h.skill = () => gate.promise;
    const pending = h.engine.dispatcher.dispatch(a.id, 'manual');
    await new Promise((r) => setImmediate(r));
    h.engine.service.pause(h.alice, a.id);
    gate.resolve({ output: {}, costUsd: 0 });
    expect((await pending).outcome).toBe('succeeded');
    expect(reload(a.id)).toMatchObject({ status: 'paused', pausedReason: 'user', nextRunAt: null, runCount: 1 });
  });

  it('a run failing at the threshold after a person paused it sends no pause notice', async () => {
    const a = create({ name: 'doomed' });
    h.skill = () => {
      throw new Error('bad');
    };
    for (let i = 0; i < 4; i++) await h.engine.dispatcher.dispatch(a.id, 'manual');
    const gate = deferred<never>();
    h.skill = () => gate.promise;
    const pending = h.engine.dispatcher.dispatch(a.id, 'manual');
    await new Promise((r) => setImmediate(r));
    h.engine.service.pause(h.alice, a.id);
    gate.reject(new Error('bad'));
    await pending;
    expect(reload(a.id)).toMatchObject({ status: 'paused', pausedReason: 'user', failureCount: 5 });
    expect(h.store.outbox.all()).toHaveLength(0);
  });

  it('a deleted automation stays deleted and sends no alert', async () => {
    const a = create({ name: 'gone', alert: 'price < 100' });
    const gate = deferred<{ output: object; costUsd: number }>();
    h.skill = () => gate.promise;
    const pending = h.engine.dispatcher.dispatch(a.id, 'manual');
    await new Promise((r) => setImmediate(r));
    h.engine.service.delete(h.alice, a.id);
    gate.resolve({ output: { price: 10 }, costUsd: 0 });
    expect((await pending).alertSent).toBe(false);
    expect(reload(a.id)).toMatchObject({ status: 'deleted', nextRunAt: null });
    expect(h.store.outbox.all()).toHaveLength(0);
  });

  // The finishing transaction reuses the run's own read of the automation unless something was
  // written since: these changes happen at the very instant the run started (the clock does not
  // move), so nothing but the writes themselves can tell the run about them.
  /** Runs the automation once, making `change` while its work is going; the work then answers `answer` (or throws it). */
  async function changedMidRun(id: number, change: () => void, answer: { output: object } | Error) {
    const gate = deferred<{ output: object; costUsd: number }>();
    h.skill = () => gate.promise;
    const pending = h.engine.dispatcher.dispatch(id, 'manual');
    await new Promise((r) => setImmediate(r));
    change();
    if (answer instanceof Error) gate.reject(answer);
    else gate.resolve({ ...answer, costUsd: 0 });
    return pending;
  }

  it('an edit made mid-run is what the run judges and names: the new condition and the new name', async () => {
    const a = create({ name: 'kettle', alert: 'price > 1000' });
    const report = await changedMidRun(a.id, () => h.engine.service.edit(h.alice, a.id, { name: 'cheap kettle', alert: 'price < 100' }), { output: { price: 90 } });
    expect(report).toMatchObject({ outcome: 'succeeded', alertSent: true });
    expect(h.store.outbox.all().map((n) => n.content)).toEqual(['Alert: cheap kettle: price < 100']);
  });

  it('a snooze made mid-run holds the alert the run would have sent', async () => {
    const a = create({ name: 'kettle', alert: 'price < 100' });
    const report = await changedMidRun(a.id, () => h.engine.service.snooze(h.alice, a.id, 3_600_000, null), { output: { price: 90 } });
    expect(report).toMatchObject({ outcome: 'succeeded', alertSent: false });
    expect(runsOf(a.id)[0]).toMatchObject({ alertSent: false, alertHeld: 'snoozed' });
    expect(h.store.outbox.all()).toHaveLength(0);
  });

  it('a resume mid-run clears the failure count the run then counts from', async () => {
    const a = create({ name: 'flaky' });
    h.skill = () => {
      throw new Error('bad');
    };
    for (let i = 0; i < 4; i++) await h.engine.dispatcher.dispatch(a.id, 'manual');
    h.engine.service.pause(h.alice, a.id);
    const report = await changedMidRun(a.id, () => h.engine.service.resume(h.alice, a.id), new Error('bad'));
    expect(report).toMatchObject({ outcome: 'failed' });
    // 1, not 5: the run counted from the resumed count, so it did not pause the automation again.
    expect(reload(a.id)).toMatchObject({ status: 'active', failureCount: 1 });
    expect(h.store.outbox.all()).toHaveLength(0);
  });

  it('a pause written mid-run by another connection to the database wins too', async () => {
    const a = create({ name: 'slow' });
    const pauseElsewhere = () => {
      const other = new Database(h.dbPath);
      other.prepare("UPDATE automation SET status = 'paused', paused_reason = 'user', next_run_at = NULL WHERE id = ?").run(a.id);
      other.close();
    };
    expect((await changedMidRun(a.id, pauseElsewhere, { output: {} })).outcome).toBe('succeeded');
    expect(reload(a.id)).toMatchObject({ status: 'paused', nextRunAt: null, runCount: 1 });
  });

  it('the same automation is never dispatched twice at once', async () => {
    const a = create({ name: 'single' });
    const gate = deferred<{ output: object; costUsd: number }>();
    h.skill = () => gate.promise;
    const first = h.engine.dispatcher.dispatch(a.id, 'manual');
    const second = await h.engine.dispatcher.dispatch(a.id, 'schedule');
    expect(second).toMatchObject({ outcome: 'error', runId: null, error: `automation #${a.id} is already running` });
    gate.resolve({ output: {}, costUsd: 0 });
    await first;
    expect(runsOf(a.id)).toHaveLength(1);
  });
});

describe('min_interval_seconds', () => {
  it('a scheduled run sooner than the minimum after the last run is skipped_condition; run now is not held back', async () => {
    const a = create({ name: 'hourly', schedule: '0 * * * *', minIntervalSeconds: 1800 });
    h.clock.jump('2026-03-02T08:50:00Z');
    await h.engine.dispatcher.dispatch(a.id, 'manual');
    h.clock.jump('2026-03-02T09:00:00Z');
    const report = await dispatchScheduled(a.id);
    expect(report).toMatchObject({ outcome: 'skipped_condition', error: 'min_interval: last run 600 s ago, minimum is 1800 s' });
    expect(runsOf(a.id).map((r) => r.status)).toEqual(['succeeded', 'skipped_condition']);
    expect(reload(a.id)).toMatchObject({ runCount: 1, nextRunAt: new Date('2026-03-02T10:00:00Z') });
    expect((await h.engine.dispatcher.dispatch(a.id, 'manual')).outcome).toBe('succeeded');
  });
});

describe('errors outside the run', () => {
  it('an unknown automation is an error report, not an exception', async () => {
    expect(await h.engine.dispatcher.dispatch(9999, 'manual')).toEqual({
      automationId: 9999,
      runId: null,
      outcome: 'error',
      alertSent: false,
      error: 'automation #9999 not found',
    });
  });

  it('finishing is one transaction: when a write fails, nothing of it lands and the run is closed as failed', async () => {
    const a = create({ name: 'atomic', alert: 'exists price' });
    h.store.db.exec(
      "CREATE TRIGGER fail_outbox BEFORE INSERT ON notification BEGIN SELECT RAISE(ABORT, 'disk trouble'); END",
    );
    h.skill = () => ({ output: { price: 1 }, costUsd: 0, state: { cursor: 7 } });
    const report = await h.engine.dispatcher.dispatch(a.id, 'manual');
    expect(report).toMatchObject({ outcome: 'error', error: 'internal error: disk trouble', alertSent: false });
    // The alert, its memory and the new state rolled back with the rest; the run and counters agree.
    expect(runsOf(a.id)[0]).toMatchObject({ status: 'failed', error: 'internal error: disk trouble', output: null, alertSent: false });
    expect(reload(a.id)).toMatchObject({ runCount: 1, failureCount: 1, alertLastResult: null, state: {} });
    expect(h.engine.dispatcher.runningIds()).toEqual([]);
  });
});

describe('crash recovery', () => {
  it('a run closed as interrupted while it was still going is not counted again when it finishes', async () => {
    const a = create({ name: 'late', alert: 'exists price' });
    let release!: (r: { output: object; costUsd: number }) => void;
    h.skill = () => new Promise((resolve) => (release = resolve));
    const pending = h.engine.dispatcher.dispatch(a.id, 'manual');
    await new Promise((r) => setImmediate(r));
    h.engine.dispatcher.recoverInterrupted();
    release({ output: { price: 1 }, costUsd: 0 });
    await pending;
    expect(runsOf(a.id)).toMatchObject([{ status: 'interrupted' }]);
    expect(reload(a.id)).toMatchObject({ runCount: 1, failureCount: 1 });
    expect(h.store.outbox.all()).toHaveLength(0);
  });

  it('closes runs left running as interrupted and moves their automation past the interrupted slot', async () => {
    const a = create({ name: 'crashy', schedule: '*/15 * * * *' });
    h.clock.jump('2026-03-02T08:15:00Z');
    h.skill = () => new Promise(() => undefined); // the process "dies" during this run
    void dispatchScheduled(a.id);
    await new Promise((r) => setImmediate(r));
    expect(runsOf(a.id)[0]!.status).toBe('running');
    h.clock.jump('2026-03-02T08:40:00Z');
    const restarted = h.restart();
    restarted.start();
    await restarted.scheduler.stop();
    const runs = h.store.runs.recent(a.id, 10);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'interrupted', error: INTERRUPTED_ERROR, finishedAt: new Date('2026-03-02T08:40:00Z') });
    expect(h.store.automations.get(a.id)).toMatchObject({
      runCount: 1,
      failureCount: 1,
      nextRunAt: new Date('2026-03-02T08:45:00Z'),
    });
  });
});

describe('a burst of answers arriving together', () => {
  it('finishes its runs over several turns of the event loop, so the loop turns (timers and commands get in) between them, and records every run once', async () => {
    h.close();
    const N = 400;
    h = makeHarness({ env: { MAX_CONCURRENT_RUNS: '512', MAX_RUNS_IN_FLIGHT_PER_USER: '512', MAX_AUTOMATIONS_PER_USER: '512' } });
    const answer: (() => void)[] = [];
    h.skill = async () => {
      await new Promise<void>((resolve) => answer.push(resolve));
      return { output: { ok: true }, costUsd: 0 };
    };
    const ids = Array.from({ length: N }, (_, i) => create({ name: `check-${i}` }).id);
    let finished = 0;
    const reports = ids.map((id) => h.engine.dispatcher.dispatch(id, 'manual').then((r) => (finished++, r)));
    while (answer.length < N) await new Promise((r) => setImmediate(r));

    // The answers arrive in one phase of the loop, one callback each (as responses do), and a
    // callback queued behind them looks at how many runs finished in that phase. Without turns,
    // every run would have finished by then; with them, the rest wait for the next turns.
    for (const resolve of answer) setImmediate(resolve);
    const finishedInThatPhase = await new Promise<number>((r) => setImmediate(() => r(finished)));
    expect(finishedInThatPhase).toBeGreaterThan(0);
    expect(finishedInThatPhase).toBeLessThan(N);

    expect((await Promise.all(reports)).every((r) => r.outcome === 'succeeded')).toBe(true);
    expect(ids.map((id) => runsOf(id).length)).toEqual(ids.map(() => 1));
  });
});
