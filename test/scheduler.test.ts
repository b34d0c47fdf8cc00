import { afterEach, describe, expect, it } from 'vitest';
import type { CreateInput } from '../src/automations/service.js';
import type { Automation } from '../src/automations/types.js';
import type { AutomationView } from '../src/automations/view-models.js';
import type { ExecutionResult } from '../src/capabilities/types.js';
import { makeHarness, type Harness } from './support/harness.js';

let h: Harness;
afterEach(async () => {
  await h.engine.scheduler.stop();
  h.close();
});

function create(input: Partial<CreateInput> & { name: string }): AutomationView {
  return h.engine.service.create(h.alice, { capability: 'echo', schedule: '0 9 * * *', timezone: 'UTC', ...input });
}
const runsOf = (id: number) => h.store.runs.recent(id, 100).reverse();
/** Each run of the automation as "hh:mm:ss status", oldest first. */
const timeline = (id: number) => runsOf(id).map((r) => `${r.startedAt.toISOString().slice(11, 19)} ${r.status}`);
const reload = (id: number) => h.store.automations.get(id)!;

describe('one timer on the earliest next run', () => {
  it('arms for the earliest slot, fires exactly then, and re-arms for the next', async () => {
    h = makeHarness({ start: '2026-03-02T08:00:00Z' });
    const nine = create({ name: 'nine' });
    const half = create({ name: 'half', schedule: '30 8 * * *' });
    h.engine.start();
    expect(h.engine.scheduler.armedFor).toEqual(new Date('2026-03-02T08:30:00Z'));
    expect(h.clock.pending()).toEqual([new Date('2026-03-02T08:30:00Z')]);

    await h.clock.advanceTo('2026-03-02T08:30:00Z');
    expect(runsOf(half.id)).toMatchObject([{ trigger: 'schedule', status: 'succeeded', startedAt: new Date('2026-03-02T08:30:00Z') }]);
    expect(runsOf(nine.id)).toHaveLength(0);
    expect(h.engine.scheduler.armedFor).toEqual(new Date('2026-03-02T09:00:00Z'));

    await h.clock.advanceTo('2026-03-03T09:00:00Z');
    expect(runsOf(nine.id).map((r) => r.startedAt.toISOString())).toEqual(['2026-03-02T09:00:00.000Z', '2026-03-03T09:00:00.000Z']);
    expect(runsOf(half.id)).toHaveLength(2);
  });

  it('arms nothing when nothing is scheduled (no polling)', () => {
    h = makeHarness();
    create({ name: 'by-hand', schedule: 'manual' });
    h.engine.start();
    expect(h.engine.scheduler.armedFor).toBeNull();
    expect(h.clock.pending()).toEqual([]);
  });

  it('re-arms when automations are created, edited, paused, resumed and deleted', async () => {
    h = makeHarness({ start: '2026-03-02T08:00:00Z' });
    create({ name: 'nine' });
    h.engine.start();
    const soon = create({ name: 'soon', schedule: '10 8 * * *' });
    expect(h.engine.scheduler.armedFor).toEqual(new Date('2026-03-02T08:10:00Z'));
    h.engine.service.edit(h.alice, soon.id, { schedule: '20 8 * * *' });
    expect(h.engine.scheduler.armedFor).toEqual(new Date('2026-03-02T08:20:00Z'));
    h.engine.service.pause(h.alice, soon.id);
    expect(h.engine.scheduler.armedFor).toEqual(new Date('2026-03-02T09:00:00Z'));
    h.engine.service.resume(h.alice, soon.id);
    expect(h.engine.scheduler.armedFor).toEqual(new Date('2026-03-02T08:20:00Z'));
    h.engine.service.delete(h.alice, soon.id);
    expect(h.engine.scheduler.armedFor).toEqual(new Date('2026-03-02T09:00:00Z'));
    expect(h.clock.pending()).toHaveLength(1);
  });

  it('keeps 09:00 local on both sides of a DST change', async () => {
    h = makeHarness({ start: '2026-03-27T12:00:00Z' });
    const a = create({ name: 'berlin', timezone: 'Europe/Berlin' });
    h.engine.start();
    await h.clock.advanceTo('2026-03-31T00:00:00Z');
    expect(runsOf(a.id).map((r) => r.startedAt.toISOString())).toEqual([
      '2026-03-28T08:00:00.000Z', // 09:00 CET
      '2026-03-29T07:00:00.000Z', // 09:00 CEST, the day clocks go forward
      '2026-03-30T07:00:00.000Z',
    ]);
  });
});

describe('concurrency', () => {
  it('runs due automations oldest first, at most MAX_CONCURRENT_RUNS at a time', async () => {
    // One owner here: their share is the whole lane.
    h = makeHarness({ env: { MAX_CONCURRENT_RUNS: '2', MAX_RUNS_IN_FLIGHT_PER_USER: '2' }, start: '2026-03-02T08:00:00Z' });
    const late = create({ name: 'late', schedule: '1 9 * * *' });
    const early = [1, 2, 3, 4].map((i) => create({ name: `early-${i}` }));
    const gates: ((r: ExecutionResult) => void)[] = [];
    let running = 0;
    let most = 0;
    const order: number[] = [];
    h.skill = (request) => {
      order.push(request.automationId!);
      running++;
      most = Math.max(most, running);
      return new Promise<ExecutionResult>((resolve) => gates.push(resolve)).finally(() => running--);
    };
    h.engine.start();
    await h.clock.advanceTo('2026-03-02T09:01:30Z'); // within the 120 s run time limit
    expect(running).toBe(2);
    while (gates.length > 0) {
      gates.shift()!({ output: {}, costUsd: 0 });
      await h.clock.advance(0);
    }
    await h.engine.scheduler.idle();
    expect(most).toBe(2);
    expect(order).toEqual([...early.map((a) => a.id), late.id]);
    for (const a of [...early, late]) expect(runsOf(a.id)).toHaveLength(1);
  });

  it('does not start a scheduled run while a run now of the same automation is going', async () => {
    h = makeHarness({ start: '2026-03-02T08:59:00Z' });
    const a = create({ name: 'busy', minIntervalSeconds: 60 });
    let release!: (r: ExecutionResult) => void;
    h.skill = () => new Promise<ExecutionResult>((resolve) => (release = resolve));
    h.engine.start();
    const manual = h.engine.service.runNow(h.alice, a.id);
    await h.clock.advanceTo('2026-03-02T09:00:30Z');
    expect(runsOf(a.id)).toHaveLength(1);
    release({ output: {}, costUsd: 0 });
    await manual;
    await h.clock.advance(0);
    await h.engine.scheduler.idle();
    // The run now finished after the 09:00 slot: that slot collapses into it, the next is tomorrow.
    expect(runsOf(a.id)).toHaveLength(1);
    expect(reload(a.id).nextRunAt).toEqual(new Date('2026-03-03T09:00:00Z'));
  });
});

// A look at the due list that found nothing waiting but the scheduler's own runs in flight
// "settles" it: the wakes of runs finishing then only re-arm the timer. These would stall or
// arm too late if it settled when it should not.
describe('wakes of finishing runs', () => {
  it("an owner's runs left out at their share start as her earlier runs end, while another person's run goes on", async () => {
    h = makeHarness({ env: { MAX_CONCURRENT_RUNS: '8', MAX_RUNS_IN_FLIGHT_PER_USER: '2' }, start: '2026-03-02T08:59:00Z' });
    const hers = [1, 2, 3, 4, 5, 6].map((i) => create({ name: `hers-${i}` }));
    const other = (actor: Harness['bob'], name: string) => h.engine.service.create(actor, { capability: 'echo', name, schedule: '0 9 * * *', timezone: 'UTC' });
    const his = other(h.bob, 'his');
    const mias = other(h.manager, 'mias');
    const gates = new Map<number, (r: ExecutionResult) => void>();
    h.skill = (request) => new Promise<ExecutionResult>((resolve) => gates.set(request.automationId!, resolve)).finally(() => gates.delete(request.automationId!));
    const herIds = new Set(hers.map((a) => a.id));
    const hersGoing = () => [...gates.keys()].filter((id) => herIds.has(id));
    h.engine.start();
    await h.clock.advanceTo('2026-03-02T09:00:00Z');
    expect(hersGoing()).toHaveLength(2);
    // Mia's run ends first, while Alice holds her whole share: that wake finds none of hers to start.
    gates.get(mias.id)!({ output: {}, costUsd: 0 });
    await h.clock.advance(0);
    // Bob's run goes on throughout; each of Alice's that ends lets her next one start at once.
    for (let left = 6; left > 0; left--) {
      expect(hersGoing()).toHaveLength(Math.min(2, left));
      gates.get(hersGoing()[0]!)!({ output: {}, costUsd: 0 });
      await h.clock.advance(0);
    }
    expect([...gates.keys()]).toEqual([his.id]);
    gates.get(his.id)!({ output: {}, costUsd: 0 });
    await h.engine.scheduler.idle();
    for (const a of [...hers, his, mias]) expect(runsOf(a.id)).toMatchObject([{ status: 'succeeded', trigger: 'schedule', startedAt: new Date('2026-03-02T09:00:00Z') }]);
  });

  it('a backlog started out of due order (owners taking turns) runs each slot once, each as soon as a slot frees, while another run goes on', async () => {
    h = makeHarness({ env: { MAX_CONCURRENT_RUNS: '4', MAX_RUNS_IN_FLIGHT_PER_USER: '4' }, start: '2026-03-02T08:59:00Z' });
    const long = h.engine.service.create(h.manager, { capability: 'echo', name: 'long', schedule: '0 9 * * *', timezone: 'UTC' });
    const backlog = [...Array(10).keys()].flatMap((i) => [
      create({ name: `hers-${i}` }),
      h.engine.service.create(h.bob, { capability: 'echo', name: `his-${i}`, schedule: '0 9 * * *', timezone: 'UTC' }),
    ]);
    const gates = new Map<number, (r: ExecutionResult) => void>();
    const started: number[] = [];
    h.skill = (request) => {
      started.push(request.automationId!);
      return new Promise<ExecutionResult>((resolve) => gates.set(request.automationId!, resolve)).finally(() => gates.delete(request.automationId!));
    };
    const going = () => [...gates.keys()].filter((id) => id !== long.id);
    h.engine.start();
    await h.clock.advanceTo('2026-03-02T09:00:00Z');
    expect(gates.has(long.id)).toBe(true);
    for (let done = 0; done < backlog.length; done++) {
      expect(going()).toHaveLength(Math.min(3, backlog.length - done));
      gates.get(going()[0]!)!({ output: {}, costUsd: 0 });
      await h.clock.advance(0);
    }
    expect([...gates.keys()]).toEqual([long.id]);
    gates.get(long.id)!({ output: {}, costUsd: 0 });
    await h.engine.scheduler.idle();
    expect(started.sort()).toEqual([long, ...backlog].map((a) => a.id).sort());
  });

  it("a run ending re-arms the timer for its automation's next slot when that comes before the one armed", async () => {
    h = makeHarness({ start: '2026-03-02T08:59:30Z' });
    const minutely = create({ name: 'minutely', schedule: '* * * * *' });
    create({ name: 'ten', schedule: '0 10 * * *' });
    let release!: (r: ExecutionResult) => void;
    h.skill = () => new Promise<ExecutionResult>((resolve) => (release = resolve));
    h.engine.start();
    await h.clock.advanceTo('2026-03-02T09:00:00Z');
    expect(h.engine.scheduler.armedFor).toEqual(new Date('2026-03-02T10:00:00Z'));
    await h.clock.advanceTo('2026-03-02T09:00:10Z');
    release({ output: {}, costUsd: 0 });
    await h.clock.advance(0);
    expect(h.engine.scheduler.armedFor).toEqual(new Date('2026-03-02T09:01:00Z'));
    await h.clock.advanceTo('2026-03-02T09:01:00Z');
    expect(runsOf(minutely.id).map((r) => r.startedAt.toISOString())).toEqual(['2026-03-02T09:00:00.000Z', '2026-03-02T09:01:00.000Z']);
    release({ output: {}, costUsd: 0 });
    await h.engine.scheduler.idle();
  });
});

describe('after downtime', () => {
  it('missed slots collapse into one catch_up run, then it continues from the next slot after now', async () => {
    h = makeHarness({ start: '2026-03-02T08:00:00Z' });
    const a = create({ name: 'quarter', schedule: '*/15 * * * *' });
    expect(a.nextRunAt).toEqual(new Date('2026-03-02T08:15:00Z'));
    h.clock.jump('2026-03-02T10:07:00Z'); // the bot was down for two hours
    h.restart().start();
    await h.clock.advance(0);
    await h.engine.scheduler.idle();
    expect(runsOf(a.id)).toMatchObject([{ trigger: 'catch_up', status: 'succeeded', startedAt: new Date('2026-03-02T10:07:00Z') }]);
    expect(reload(a.id).nextRunAt).toEqual(new Date('2026-03-02T10:15:00Z'));

    await h.clock.advanceTo('2026-03-02T10:15:00Z');
    expect(runsOf(a.id).map((r) => r.trigger)).toEqual(['catch_up', 'schedule']);
  });

  it('with catch-up policy skip, missed slots are dropped and the next slot after now is kept', async () => {
    h = makeHarness({ start: '2026-03-02T08:00:00Z' });
    const a = create({ name: 'quarter', schedule: '*/15 * * * *', catchUp: 'skip' });
    h.clock.jump('2026-03-02T10:07:00Z');
    h.restart().start();
    await h.clock.advance(0);
    expect(runsOf(a.id)).toHaveLength(0);
    expect(reload(a.id)).toMatchObject({ nextRunAt: new Date('2026-03-02T10:15:00Z'), runCount: 0 });
    await h.clock.advanceTo('2026-03-02T10:15:00Z');
    expect(runsOf(a.id).map((r) => r.trigger)).toEqual(['schedule']);
  });

  it('a slot that comes due while the bot is up is an ordinary scheduled run', async () => {
    h = makeHarness({ start: '2026-03-02T08:00:00Z' });
    const a = create({ name: 'quarter', schedule: '*/15 * * * *', catchUp: 'skip' });
    h.engine.start();
    await h.clock.advanceTo('2026-03-02T08:15:00Z');
    expect(runsOf(a.id).map((r) => r.trigger)).toEqual(['schedule']);
  });
});

describe('min_interval_seconds with runs that take time', () => {
  it('a schedule whose gap equals the minimum never skips, however long each run takes', async () => {
    h = makeHarness({ start: '2026-03-02T08:00:00Z' });
    const a = create({ name: 'minutely', schedule: '* * * * *', minIntervalSeconds: 60 });
    // Each run takes 1.5 s of (fake) time.
    h.skill = () => new Promise<ExecutionResult>((resolve) => h.clock.setTimer(() => resolve({ output: {}, costUsd: 0 }), 1_500));
    h.engine.start();
    await h.clock.advanceTo('2026-03-02T08:05:30Z');
    expect(timeline(a.id)).toEqual([
      '08:01:00 succeeded',
      '08:02:00 succeeded',
      '08:03:00 succeeded',
      '08:04:00 succeeded',
      '08:05:00 succeeded',
    ]);
  });
});

describe('min_interval_seconds after a run that started late', () => {
  it('a slot run late (its lane was full) does not make the next slot, on time, look too soon', async () => {
    // A burst of every-minute checks starts over a few seconds; a minute later they start on
    // time, less than 60 s after the late ones started: none of them is skipped for it.
    h = makeHarness({ env: { MAX_CONCURRENT_RUNS: '1' }, start: '2026-03-02T08:00:30Z' });
    const slow = create({ name: 'slow', schedule: '1 8 * * *' }); // 08:01 only, and first in line
    const minutely = create({ name: 'minutely', schedule: '* * * * *', minIntervalSeconds: 60 });
    h.skill = (request) =>
      request.automationId === slow.id ? new Promise<ExecutionResult>((resolve) => h.clock.setTimer(() => resolve({ output: {}, costUsd: 0 }), 5_000)) : { output: {}, costUsd: 0 };
    h.engine.start();
    await h.clock.advanceTo('2026-03-02T08:03:30Z');
    expect(timeline(minutely.id)).toEqual([
      '08:01:05 succeeded',
      '08:02:00 succeeded',
      '08:03:00 succeeded',
    ]);
  });

  it('a catch-up run still counts from when it ran: the next slot right after it is skipped', async () => {
    h = makeHarness({ start: '2026-03-02T08:00:00Z' });
    const a = create({ name: 'minutely', schedule: '* * * * *', minIntervalSeconds: 60 });
    h.engine.start();
    await h.clock.advanceTo('2026-03-02T08:01:00Z');
    await h.engine.scheduler.stop();
    // The bot is down from 08:01 to 08:10:40; the missed slots collapse into one catch-up run at start.
    h.clock.jump('2026-03-02T08:10:40Z');
    h.engine.scheduler.start();
    await h.clock.advanceTo('2026-03-02T08:12:30Z');
    expect(runsOf(a.id).map((r) => `${r.trigger} ${r.startedAt.toISOString().slice(11, 19)} ${r.status}`)).toEqual([
      'schedule 08:01:00 succeeded',
      'catch_up 08:10:40 succeeded',
      'schedule 08:11:00 skipped_condition',
      'schedule 08:12:00 succeeded',
    ]);
  });
});

describe('robustness', () => {
  it('a slot delayed by a full run queue is not a missed slot: catch-up policy skip still runs it', async () => {
    h = makeHarness({ env: { MAX_CONCURRENT_RUNS: '1' }, start: '2026-03-02T08:59:00Z' });
    const slow = create({ name: 'slow' }); // 09:00, and created first: it is dispatched first
    const minutely = create({ name: 'minutely', schedule: '* * * * *', catchUp: 'skip' });
    h.skill = (request) =>
      request.automationId === slow.id
        ? new Promise<ExecutionResult>((resolve) => h.clock.setTimer(() => resolve({ output: {}, costUsd: 0 }), 90_000))
        : { output: {}, costUsd: 0 };
    h.engine.start();
    await h.clock.advanceTo('2026-03-02T09:01:45Z');
    // `slow` held the only slot from 09:00:00 to 09:01:30; minutely's 09:00 slot ran late, not skipped.
    expect(runsOf(minutely.id).map((r) => [r.trigger, r.startedAt.toISOString().slice(11, 19)])).toEqual([['schedule', '09:01:30']]);
  });

  it('an automation whose row cannot be read is taken off the schedule; the others keep running', async () => {
    h = makeHarness({ start: '2026-03-02T08:00:00Z' });
    const broken = create({ name: 'broken', schedule: '*/5 * * * *' });
    const fine = create({ name: 'fine', schedule: '*/5 * * * *' });
    h.store.db.prepare("UPDATE automation SET state = 'not json' WHERE id = ?").run(broken.id);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      h.engine.start();
      await h.clock.advanceTo('2026-03-02T08:10:00Z');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(runsOf(fine.id)).toHaveLength(2);
    expect(h.store.runs.recent(broken.id, 10)).toHaveLength(0);
    expect(h.store.automations.due(new Date('2099-01-01'), 10, []).map((d) => d.id)).toEqual([fine.id]);
    expect(h.engine.scheduler.armedFor).toEqual(new Date('2026-03-02T08:15:00Z'));
  });
});

