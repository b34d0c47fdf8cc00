/**
 * Lanes, shares, quotas: the real engine (scheduler, dispatcher, lanes, budget, SQLite in a temp
 * dir) on a fake clock. One person's load must not hold up another's runs; a model run never
 * holds a local slot and the reverse; run now goes through the same limits as scheduled runs.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { actorFrom } from '../src/automations/access.js';
import { RunLanes, laneLimits } from '../src/automations/lanes.js';
import type { CreateInput } from '../src/automations/service.js';
import type { AutomationView } from '../src/automations/view-models.js';
import type { ExecutionRequest, ExecutionResult } from '../src/capabilities/types.js';
import { LaneBusyError, QuotaExceededError, RateLimitedError } from '../src/errors.js';
import type { ModelAnswer } from './support/harness.js';
import { flush, FakeClock } from './support/fake-clock.js';
import { makeHarness, type Harness } from './support/harness.js';
import { serve } from './support/http-fixture.js';

let h: Harness;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await h.engine.scheduler.stop();
  h.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const NINE = '2026-03-02T09:00:00Z';
function create(actor: Harness['alice'], input: Partial<CreateInput> & { name: string }): AutomationView {
  return h.engine.service.create(actor, { capability: 'echo', schedule: '0 9 * * *', timezone: 'UTC', ...input });
}

/** A gate per call: the work waits until the test opens it. */
class Gates<T> {
  private waiting: ((value: T) => void)[] = [];
  get count(): number {
    return this.waiting.length;
  }
  wait(): Promise<T> {
    return new Promise<T>((resolve) => this.waiting.push(resolve));
  }
  openOne(value: T): void {
    this.waiting.shift()?.(value);
  }
}

/** Moves past 09:00 (within the run time limit) and lets the started work reach its gates. */
async function atNine(): Promise<void> {
  await h.clock.advanceTo('2026-03-02T09:00:01Z');
}

describe('lanes: local skills and model calls never hold each other’s slots', () => {
  it('local runs go on while every model slot is taken, and each lane stays within its limit', async () => {
    h = makeHarness({ env: { MAX_CONCURRENT_RUNS: '2', MAX_CONCURRENT_MODEL_RUNS: '1', MAX_RUNS_IN_FLIGHT_PER_USER: '2' }, start: '2026-03-02T08:00:00Z' });
    const models = [1, 2, 3].map((i) => create(h.alice, { name: `model-${i}`, capability: 'think' }));
    const locals = [1, 2, 3, 4, 5].map((i) => create(h.alice, { name: `local-${i}` }));
    const answers = new Gates<ModelAnswer>();
    let modelsInFlight = 0;
    let mostModels = 0;
    h.provider.answer = async () => {
      mostModels = Math.max(mostModels, ++modelsInFlight);
      const answer = await answers.wait();
      modelsInFlight--;
      return answer;
    };
    let localsInFlight = 0;
    let mostLocals = 0;
    h.skill = async () => {
      mostLocals = Math.max(mostLocals, ++localsInFlight);
      await flush(1);
      localsInFlight--;
      return { output: { ok: true }, costUsd: 0 };
    };
    h.engine.start();
    await atNine();
    await h.clock.advance(0);

    // Every local run finished while the one model slot stayed taken by the first model run.
    for (const a of locals) expect(h.store.runs.recent(a.id, 5)).toMatchObject([{ status: 'succeeded', path: 'skill' }]);
    expect(answers.count).toBe(1);
    expect(h.store.runs.recent(models[1]!.id, 5)).toEqual([]);
    expect(h.engine.lanes.running('model')).toBe(1);
    expect(h.engine.lanes.running('local')).toBe(0);

    while (answers.count > 0) {
      answers.openOne({ text: '{}', inputTokens: 10, outputTokens: 10 });
      await h.clock.advance(0);
    }
    await h.engine.scheduler.idle();
    for (const a of models) expect(h.store.runs.recent(a.id, 5)).toMatchObject([{ status: 'succeeded', path: 'claude_native' }]);
    expect(mostModels).toBe(1);
    expect(mostLocals).toBe(2);
  });

  it('a run whose skill was promoted since it came due takes a local slot, not a model one', async () => {
    h = makeHarness({ env: { MAX_CONCURRENT_MODEL_RUNS: '1' }, start: '2026-03-02T08:00:00Z' });
    const a = create(h.alice, { name: 'promoted', capability: 'think' });
    h.engine.service.setSkillState(h.manager, 'think', 'trusted');
    const lanesSeen: string[] = [];
    h.skill = () => {
      lanesSeen.push(`local ${h.engine.lanes.running('local')} model ${h.engine.lanes.running('model')}`);
      return { output: {}, costUsd: 0 };
    };
    h.engine.start();
    await atNine();
    expect(h.store.runs.recent(a.id, 5)).toMatchObject([{ status: 'succeeded', path: 'skill' }]);
    expect(lanesSeen).toEqual(['local 1 model 0']);
  });
});

describe('fairness: one person’s backlog does not hold up another’s runs', () => {
  it('with the default share (a quarter of the lane), another person’s due run starts before the backlog is done', async () => {
    h = makeHarness({ env: { MAX_CONCURRENT_RUNS: '4' }, start: '2026-03-02T08:59:30Z' });
    const backlog = Array.from({ length: 12 }, (_, i) => create(h.alice, { name: `slow-${i}` }));
    const bobs = create(h.bob, { name: 'every-minute', schedule: '* * * * *' });
    const gates = new Gates<ExecutionResult>();
    const started: string[] = [];
    let aliceInFlight = 0;
    let mostAlice = 0;
    h.skill = async (request: ExecutionRequest) => {
      started.push(request.userId);
      if (request.userId !== 'alice') return { output: { ok: true }, costUsd: 0 };
      mostAlice = Math.max(mostAlice, ++aliceInFlight);
      const result = await gates.wait();
      aliceInFlight--;
      return result;
    };
    h.engine.start();
    await atNine();
    // Bob's 09:00 slot started at once although all 12 of Alice's (created first) were due with it.
    expect(started).toEqual(['alice', 'bob']);
    expect(h.store.runs.recent(bobs.id, 5)).toMatchObject([{ status: 'succeeded', trigger: 'schedule', startedAt: new Date(NINE) }]);
    while (gates.count > 0) {
      gates.openOne({ output: {}, costUsd: 0 });
      await h.clock.advance(0);
    }
    await h.engine.scheduler.idle();
    expect(mostAlice).toBe(1); // a quarter of 4
    for (const a of backlog) expect(h.store.runs.recent(a.id, 5)).toHaveLength(1);
  });

  it('owners take turns for the free slots (round-robin), whoever’s slots are older', async () => {
    h = makeHarness({ env: { MAX_CONCURRENT_RUNS: '1', MAX_RUNS_IN_FLIGHT_PER_USER: '1' }, start: '2026-03-02T08:00:00Z' });
    for (let i = 0; i < 4; i++) create(h.alice, { name: `alice-${i}`, schedule: '58 8 * * *' }); // older slots
    for (let i = 0; i < 3; i++) create(h.bob, { name: `bob-${i}` });
    const gates = new Gates<ExecutionResult>();
    const started: string[] = [];
    h.skill = (request) => {
      started.push(request.userId);
      return gates.wait();
    };
    h.engine.start();
    await h.clock.advanceTo('2026-03-02T08:58:00Z');
    expect(started).toEqual(['alice']);
    gates.openOne({ output: {}, costUsd: 0 });
    await h.clock.advanceTo('2026-03-02T09:00:00Z');
    while (gates.count > 0) {
      gates.openOne({ output: {}, costUsd: 0 });
      await h.clock.advance(0);
    }
    await h.engine.scheduler.idle();
    expect(started).toEqual(['alice', 'alice', 'bob', 'alice', 'bob', 'alice', 'bob']);
  });
});

describe('run now goes through the same limits', () => {
  it('a burst of run now stays within the model lane and the owner’s share; the rest wait for a slot, then run', async () => {
    h = makeHarness({ env: { MAX_CONCURRENT_MODEL_RUNS: '4', RUN_NOW_PER_MINUTE: '100' } });
    const mine = Array.from({ length: 6 }, (_, i) => create(h.alice, { name: `ask-${i}`, capability: 'think', schedule: 'manual' }));
    const bobs = create(h.bob, { name: 'bobs', capability: 'think', schedule: 'manual' });
    const answers = new Gates<ModelAnswer>();
    h.provider.answer = () => answers.wait();
    const reports = mine.map((a) => h.engine.service.runNow(h.alice, a.id));
    await flush();
    // Alice's share of 4 model slots is 1: one call in flight, five waiting with no run row yet.
    expect(answers.count).toBe(1);
    expect(mine.filter((a) => h.store.runs.recent(a.id, 1).length > 0)).toHaveLength(1);
    // Bob is not behind her queue.
    const bobsReport = h.engine.service.runNow(h.bob, bobs.id);
    await flush();
    expect(answers.count).toBe(2);
    expect(h.engine.lanes.running('model')).toBe(2);
    expect(h.engine.lanes.running('local')).toBe(0);
    while (answers.count > 0) {
      answers.openOne({ text: '{}', inputTokens: 10, outputTokens: 10 });
      await flush();
    }
    expect((await Promise.all(reports)).map((r) => r.outcome)).toEqual(Array(6).fill('succeeded'));
    expect((await bobsReport).outcome).toBe('succeeded');
  });

  it('a run now that cannot get a slot within the run time limit says so and writes nothing', async () => {
    h = makeHarness(); // (closed after the test; the lanes below are on their own clock)
    const clock = new FakeClock(NINE);
    const lanes = new RunLanes(laneLimits(4, 1, undefined), clock);
    const held = lanes.tryAcquire('model', 'alice')!;
    const waiting = lanes.acquire('model', 'bob', 120_000);
    const outcome = waiting.then(
      () => 'granted',
      (error: unknown) => error,
    );
    await clock.advance(119_000);
    await clock.advance(1_000);
    const error = await outcome;
    expect(error).toBeInstanceOf(LaneBusyError);
    expect((error as LaneBusyError).message).toBe('every model run slot you may use stayed busy for 120 s: try again when some of your runs have finished');
    held.release();
    expect(lanes.running('model')).toBe(0); // the timed-out waiter holds nothing
  });

  it('refuses past RUN_NOW_PER_MINUTE, saying when to try again; other people are not affected', async () => {
    h = makeHarness({ env: { RUN_NOW_PER_MINUTE: '3' }, start: NINE });
    const a = create(h.alice, { name: 'pinger', schedule: 'manual' });
    const b = create(h.bob, { name: 'bobs', schedule: 'manual' });
    await h.engine.service.runNow(h.alice, a.id);
    await h.clock.advance(20_000);
    await h.engine.service.runNow(h.alice, a.id);
    await h.engine.service.runNow(h.alice, a.id);
    const refused = h.engine.service.runNow(h.alice, a.id);
    await expect(refused).rejects.toBeInstanceOf(RateLimitedError);
    await expect(refused).rejects.toThrow('you used Run now 3 times in the last 60 s, the most allowed: try again in 40 s');
    expect(h.store.runs.recent(a.id, 10)).toHaveLength(3); // the refusal ran nothing
    expect((await h.engine.service.runNow(h.bob, b.id)).outcome).toBe('succeeded');
    await h.clock.advance(40_000);
    expect((await h.engine.service.runNow(h.alice, a.id)).outcome).toBe('succeeded');
  });
});

describe('per-host limit on fetches', () => {
  it('a burst of checks of one host keeps at most MAX_CONCURRENT_PER_HOST requests open there; all are recorded, none timed out', async () => {
    const held: ServerResponse[] = [];
    let open = 0;
    let mostOpen = 0;
    const site = await serve({
      '/up': (_, res) => {
        mostOpen = Math.max(mostOpen, ++open);
        res.on('finish', () => open--);
        held.push(res);
      },
    });
    cleanups.push(() => site.close());
    h = makeHarness({ fetchPolicy: { maxPerHost: 3 }, start: '2026-03-02T08:00:00Z' });
    const checks = Array.from({ length: 10 }, (_, i) =>
      create(h.alice, { name: `up-${i}`, capability: 'http_check', inputs: { url: site.url('/up') }, schedule: '* * * * *' }),
    );
    h.engine.start();
    const burst = h.clock.advanceTo('2026-03-02T08:01:00Z');
    // Answer one request whenever 3 are open at the server (or, at the end, when no more come):
    // had the limit not held, more than 3 would have arrived meanwhile.
    let answered = 0;
    let quiet = 0;
    for (let guard = 0; answered < checks.length && guard < 20_000; guard++) {
      await new Promise((resolve) => setImmediate(resolve));
      quiet = held.length >= 3 ? quiet : quiet + 1;
      if (held.length >= 3 || (held.length > 0 && quiet > 200)) {
        held.shift()!.writeHead(200).end('ok');
        answered++;
        quiet = 0;
      }
    }
    await burst;
    await h.engine.scheduler.idle();
    expect(answered).toBe(10);
    expect(mostOpen).toBe(3);
    for (const a of checks) expect(h.store.runs.recent(a.id, 5)).toMatchObject([{ status: 'succeeded', output: { ok: true, status: 200 } }]);
  });
});

describe('quotas', () => {
  it('MAX_AUTOMATIONS_PER_USER: the next create is refused naming the cap and what to do; managers and OWNER_IDS are exempt', () => {
    h = makeHarness({ env: { MAX_AUTOMATIONS_PER_USER: '2' } });
    create(h.alice, { name: 'one' });
    const two = create(h.alice, { name: 'two' });
    const refusal = () => create(h.alice, { name: 'three' });
    expect(refusal).toThrow(QuotaExceededError);
    expect(refusal).toThrow(
      'you have 2 automations, the most one person may have (2): delete one you no longer need with `/automation delete`, or ask a manager to raise MAX_AUTOMATIONS_PER_USER',
    );
    expect(() => h.engine.service.checkCreate(h.alice, { name: 'three', capability: 'echo', schedule: 'manual' })).toThrow(QuotaExceededError);
    expect(h.store.automations.count({ userId: 'alice' })).toBe(2);
    h.engine.service.delete(h.alice, two.id);
    expect(create(h.alice, { name: 'three' }).name).toBe('three');

    for (const name of ['m1', 'm2', 'm3']) create(h.manager, { name });
    const owner = actorFrom({ userId: '1400000000000000009', guildId: 'g1', roleIds: [], guildOwnerId: null }, { ownerIds: ['1400000000000000009'], managerRoleId: undefined });
    for (const name of ['o1', 'o2', 'o3']) create(owner, { name });
    expect(h.store.automations.count({ userId: owner.userId })).toBe(3);
  });

  it('USER_DAILY_BUDGET_USD: a person’s model runs are skipped at their own cap, told once, to them only; others go on', async () => {
    // Each call of the scripted provider costs $0.002.
    h = makeHarness({ env: { USER_DAILY_BUDGET_USD: '0.004' }, start: '2026-03-02T08:00:00Z' });
    const mine = create(h.alice, { name: 'hungry', capability: 'think', schedule: '*/15 * * * *' });
    const bobs = create(h.bob, { name: 'bobs', capability: 'think', schedule: '50 8 * * *' });
    h.engine.start();
    await h.clock.advanceTo('2026-03-02T09:00:00Z'); // Alice: 08:15 … 09:00, four slots; Bob: 08:50, after she reached her cap
    const statuses = (id: number) => h.store.runs.recent(id, 10).reverse().map((r) => r.status);
    expect(statuses(mine.id)).toEqual(['succeeded', 'succeeded']); // then skipped before a run row
    expect(h.store.automations.get(mine.id)).toMatchObject({ runCount: 2, failureCount: 0, status: 'active', nextRunAt: new Date('2026-03-02T09:15:00Z') });
    expect(statuses(bobs.id)).toEqual(['succeeded']);
    const runNow = await h.engine.service.runNow(h.alice, mine.id);
    expect(runNow.outcome).toBe('skipped_budget');
    expect(runNow.error).toMatch(/^your daily LLM budget is reached: \$0\.0040 of \$0\.0040 spent today/);

    const notices = h.store.db.prepare<[], { channel: string; content: string }>("SELECT channel, content FROM notification WHERE type = 'budget_paused'").all();
    expect(notices).toEqual([{ channel: 'dm:alice', content: expect.stringMatching(/^Your daily LLM budget is reached: \$0\.0040 of \$0\.0040 today\. Your model automations are skipped until 2026-03-03T00:00:00Z/) }]);

    // The next UTC day her runs go on.
    await h.clock.advanceTo('2026-03-03T00:00:00Z');
    expect(statuses(mine.id).at(-1)).toBe('succeeded');
  });
});
