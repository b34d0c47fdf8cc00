import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, readMigrations } from '../src/db/database.js';
import { Engine } from '../src/engine.js';
import { silentLogger } from '../src/logger.js';
import type { Automation } from '../src/automations/types.js';
import type { AutomationView } from '../src/automations/view-models.js';
import type { Notification } from '../src/notifications/outbox.js';
import { DeliveryError } from '../src/errors.js';
import { backoffMs, NotificationService, type NotificationSink } from '../src/notifications/service.js';
import { flush } from './support/fake-clock.js';
import { makeHarness, RecordingSink, TEST_MIGRATION, type Harness } from './support/harness.js';

const T0 = new Date('2026-03-02T08:00:00Z').getTime();

let harnesses: Harness[] = [];
let cleanups: (() => Promise<void> | void)[] = [];

function harness(options: Parameters<typeof makeHarness>[0] = {}): Harness {
  const h = makeHarness(options);
  harnesses.push(h);
  return h;
}

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  for (const h of harnesses) {
    await h.engine.notifications.stop();
    h.close();
  }
  harnesses = [];
  cleanups = [];
});

/** An automation whose local skill answers {ok: true}, with an alert that fires on its first run. */
function alerting(h: Harness, name: string, alertTo: 'tasks' | 'dm' = 'tasks'): AutomationView {
  return h.engine.service.create(h.alice, { name, capability: 'echo', schedule: 'manual', alert: 'ok == true', alertTo });
}

function outboxRow(h: Harness, id: number): Notification {
  const row = h.store.outbox.get(id);
  if (!row) throw new Error(`notification ${id} is not in the outbox`);
  return row;
}

function onlyAlert(h: Harness): Notification {
  const alerts = h.store.outbox.all().filter((n) => n.type === 'alert');
  expect(alerts).toHaveLength(1);
  return alerts[0]!;
}

/** A sink that fails per channel (or per message) while told to, and records every attempt. */
class ChannelSink implements NotificationSink {
  delivered: Notification[] = [];
  tried: Notification[] = [];
  down = new Map<string, Error>();
  failFor = new Map<number, Error>();

  async deliver(notification: Notification): Promise<void> {
    this.tried.push(notification);
    await Promise.resolve();
    const error = this.failFor.get(notification.id) ?? this.down.get(notification.channel);
    if (error) throw error;
    this.delivered.push(notification);
  }
}

function serviceWith(h: Harness, sink: NotificationSink): NotificationService {
  const service = new NotificationService({ outbox: h.store.outbox, sink, clock: h.clock, logger: silentLogger });
  cleanups.push(() => service.stop());
  return service;
}

describe('delivering an alert', () => {
  it('delivers an alert queued by a run through the sink, once', async () => {
    const h = harness();
    alerting(h, 'price-watch');
    const report = await h.engine.service.runNow(h.alice, 'price-watch');
    expect(report.outcome).toBe('succeeded');
    expect(report.alertSent).toBe(true);
    const queued = onlyAlert(h);
    expect(queued).toMatchObject({ channel: 'tasks', priority: 3, attempts: 0, deliveredAt: null, runId: report.runId });
    expect(h.sink.delivered).toEqual([]);

    h.engine.notifications.start();
    await h.engine.notifications.idle();

    expect(h.sink.delivered.map((n) => n.id)).toEqual([queued.id]);
    expect(h.sink.delivered[0]!.content).toContain('price-watch');
    const row = outboxRow(h, queued.id);
    expect(row.deliveredAt?.getTime()).toBe(T0);
    expect(row.attempts).toBe(1);
    expect(row.lastError).toBeNull();

    await h.clock.advance(60 * 60_000);
    expect(h.sink.delivered).toHaveLength(1);
    expect(h.sink.attempts).toBe(1);
  });

  it('delivers through deliverDue, to the owner\'s DMs when the automation says so', async () => {
    const h = harness();
    alerting(h, 'dm-watch', 'dm');
    await h.engine.service.runNow(h.alice, 'dm-watch');
    expect(await h.engine.notifications.deliverDue()).toEqual({ delivered: 1, failed: 0 });
    expect(h.sink.delivered.map((n) => n.channel)).toEqual(['dm:alice']);
    expect(await h.engine.notifications.deliverDue()).toEqual({ delivered: 0, failed: 0 });
  });
});

describe('while the sink is down', () => {
  it('keeps the alert with its error, retries after 5 s, 10 s, 20 s, and delivers it exactly once when the sink recovers', async () => {
    const h = harness();
    h.sink.failWith = new Error('discord down');
    h.engine.notifications.start();
    alerting(h, 'down-watch');
    const report = await h.engine.service.runNow(h.alice, 'down-watch');
    await h.engine.notifications.idle();

    // A failing sink never fails the run.
    expect(report.outcome).toBe('succeeded');
    expect(report.alertSent).toBe(true);
    const run = h.store.runs.get(report.runId!)!;
    expect(run.status).toBe('succeeded');
    expect(run.alertSent).toBe(true);
    expect(h.store.automations.get(report.automationId)).toMatchObject({ failureCount: 0, status: 'active' });

    const id = onlyAlert(h).id;
    expect(h.sink.attempts).toBe(1);
    expect(outboxRow(h, id)).toMatchObject({ attempts: 1, lastError: 'discord down', deliveredAt: null, failedAt: null });
    expect(outboxRow(h, id).nextAttemptAt.getTime()).toBe(T0 + 5_000);

    await h.clock.advance(4_999);
    expect(h.sink.attempts).toBe(1);
    await h.clock.advance(1);
    expect(h.sink.attempts).toBe(2);
    expect(outboxRow(h, id).attempts).toBe(2);
    expect(outboxRow(h, id).nextAttemptAt.getTime()).toBe(T0 + 5_000 + 10_000);

    await h.clock.advance(9_999);
    expect(h.sink.attempts).toBe(2);
    await h.clock.advance(1);
    expect(h.sink.attempts).toBe(3);
    expect(outboxRow(h, id).nextAttemptAt.getTime()).toBe(T0 + 15_000 + 20_000);
    expect(h.sink.delivered).toEqual([]);

    h.sink.failWith = null;
    await h.clock.advance(20_000);
    expect(h.sink.delivered.map((n) => n.id)).toEqual([id]);
    const row = outboxRow(h, id);
    expect(row.deliveredAt?.getTime()).toBe(T0 + 35_000);
    expect(row.attempts).toBe(4);
    expect(row.lastError).toBeNull();

    await h.clock.advance(24 * 60 * 60_000);
    expect(h.sink.delivered).toHaveLength(1);
    expect(h.sink.attempts).toBe(4);
  });

  it('backs off 5 s, 10 s, 20 s… up to 10 minutes', () => {
    expect([1, 2, 3, 4, 5].map(backoffMs)).toEqual([5_000, 10_000, 20_000, 40_000, 80_000]);
    expect(backoffMs(8)).toBe(600_000);
    expect(backoffMs(50)).toBe(600_000);
  });

  it('keeps an undelivered alert across a restart and delivers it then', async () => {
    const h = harness();
    h.sink.failWith = new Error('discord down');
    alerting(h, 'restart-watch');
    await h.engine.service.runNow(h.alice, 'restart-watch');
    expect(await h.engine.notifications.deliverDue()).toEqual({ delivered: 0, failed: 1 });
    const id = onlyAlert(h).id;

    const sink = new RecordingSink();
    const engine = new Engine({
      config: h.config,
      logger: silentLogger,
      sink,
      clock: h.clock,
      db: openDatabase(h.dbPath, [...readMigrations(), TEST_MIGRATION]),
    });
    cleanups.push(async () => {
      await engine.notifications.stop();
      await engine.close();
    });
    engine.notifications.start();
    await engine.notifications.idle();
    expect(sink.delivered).toEqual([]);
    await h.clock.advance(5_000);
    expect(sink.delivered.map((n) => n.id)).toEqual([id]);
    expect(outboxRow(h, id).deliveredAt).not.toBeNull();
  });

  it('waits at least retryAfterMs after a rate limit (429)', async () => {
    const h = harness();
    h.sink.failWith = new DeliveryError('429 Too Many Requests', { retryAfterMs: 60_000 });
    h.engine.notifications.start();
    alerting(h, 'limited');
    await h.engine.service.runNow(h.alice, 'limited');
    await h.engine.notifications.idle();
    const id = onlyAlert(h).id;
    expect(outboxRow(h, id)).toMatchObject({ attempts: 1, lastError: '429 Too Many Requests' });
    expect(outboxRow(h, id).nextAttemptAt.getTime()).toBe(T0 + 60_000);

    await h.clock.advance(59_999);
    expect(h.sink.attempts).toBe(1);
    h.sink.failWith = null;
    await h.clock.advance(1);
    expect(h.sink.attempts).toBe(2);
    expect(h.sink.delivered.map((n) => n.id)).toEqual([id]);
  });

  it('never retries sooner than the backoff when retryAfterMs is shorter', async () => {
    const h = harness();
    h.sink.failWith = new DeliveryError('429 Too Many Requests', { retryAfterMs: 1_000 });
    alerting(h, 'short-limit');
    await h.engine.service.runNow(h.alice, 'short-limit');
    await h.engine.notifications.deliverDue();
    expect(outboxRow(h, onlyAlert(h).id).nextAttemptAt.getTime()).toBe(T0 + 5_000);
  });
});

describe('order per channel', () => {
  it('holds later messages of a channel behind its failing head, lets other channels go, then delivers in creation order', async () => {
    const h = harness();
    const sink = new ChannelSink();
    const service = serviceWith(h, sink);
    for (const [name, to] of [['t1', 'tasks'], ['t2', 'tasks'], ['d1', 'dm'], ['t3', 'tasks']] as const) {
      alerting(h, name, to);
      await h.engine.service.runNow(h.alice, name);
    }
    const ids = Object.fromEntries(h.store.outbox.all().map((n) => [n.content.split(':')[1]!.trim(), n.id]));
    expect(Object.keys(ids)).toEqual(['t1', 't2', 'd1', 't3']);

    sink.down.set('tasks', new Error('tasks channel unavailable'));
    service.start();
    await service.idle();

    expect(sink.delivered.map((n) => n.id)).toEqual([ids.d1]);
    expect(sink.tried.filter((n) => n.channel === 'tasks').map((n) => n.id)).toEqual([ids.t1]);
    expect(outboxRow(h, ids.t1!)).toMatchObject({ attempts: 1, lastError: 'tasks channel unavailable' });
    expect(outboxRow(h, ids.t2!)).toMatchObject({ attempts: 0, deliveredAt: null });
    expect(outboxRow(h, ids.t3!)).toMatchObject({ attempts: 0, deliveredAt: null });

    await h.clock.advance(5_000);
    expect(sink.tried.filter((n) => n.channel === 'tasks').map((n) => n.id)).toEqual([ids.t1, ids.t1]);
    expect(outboxRow(h, ids.t2!).attempts).toBe(0);

    sink.down.clear();
    await h.clock.advance(10_000);
    expect(sink.delivered.map((n) => n.id)).toEqual([ids.d1, ids.t1, ids.t2, ids.t3]);
    await h.clock.advance(60 * 60_000);
    expect(sink.delivered).toHaveLength(4);
    expect(new Set(sink.delivered.map((n) => n.id)).size).toBe(4);
    for (const n of h.store.outbox.all()) expect(n.deliveredAt).not.toBeNull();
  });

  it('a delivery that hangs counts as failed after 30 s, so it cannot block the other channels', async () => {
    const h = harness();
    let hang = true;
    const sink = new ChannelSink();
    const hanging: NotificationSink = {
      deliver: (n) => (hang && n.channel === 'tasks' ? new Promise<void>(() => undefined) : sink.deliver(n)),
    };
    const service = serviceWith(h, hanging);
    alerting(h, 'to-tasks');
    await h.engine.service.runNow(h.alice, 'to-tasks');
    alerting(h, 'to-dm', 'dm');
    await h.engine.service.runNow(h.alice, 'to-dm');
    service.start();
    await flush();
    expect(sink.delivered).toHaveLength(0);

    await h.clock.advance(30_000);
    expect(sink.delivered.map((n) => n.channel)).toEqual(['dm:alice']);
    const stuck = h.store.outbox.all().find((n) => n.channel === 'tasks')!;
    expect(stuck).toMatchObject({ deliveredAt: null, attempts: 1, lastError: 'delivery timed out after 30 s' });

    hang = false;
    await h.clock.advance(5_000);
    expect(sink.delivered.map((n) => n.channel)).toEqual(['dm:alice', 'tasks']);
  });

  it('a message the sink refuses for good is tried once more as plain text, then kept as a dead letter; the next one of the channel goes', async () => {
    const h = harness();
    const sink = new ChannelSink();
    const service = serviceWith(h, sink);
    for (const name of ['first', 'second']) {
      alerting(h, name);
      await h.engine.service.runNow(h.alice, name);
    }
    const [first, second] = h.store.outbox.all();
    sink.failFor.set(first!.id, new DeliveryError('Discord answered 400 (50035): Invalid Form Body', { permanent: true }));

    service.start();
    await service.idle();

    expect(sink.delivered.map((n) => n.id)).toEqual([second!.id]);
    const tries = sink.tried.filter((n) => n.id === first!.id);
    expect(tries).toHaveLength(2);
    expect(tries[0]!.embed).not.toBeNull();
    expect(tries[1]!.embed).toBeNull();
    expect(tries[1]!.content).toBe('Alert: first\n`ok == true` is true\nok: true');
    const failed = outboxRow(h, first!.id);
    expect(failed.failedAt?.getTime()).toBe(T0);
    expect(failed.deliveredAt).toBeNull();
    expect(failed.attempts).toBe(2);
    expect(failed.lastError).toBe('Discord answered 400 (50035): Invalid Form Body');

    await h.clock.advance(60 * 60_000);
    expect(sink.tried.filter((n) => n.id === first!.id)).toHaveLength(2);
    expect(sink.delivered).toHaveLength(1);
    // Never silently dropped: `/automation show` says so.
    expect(h.engine.service.inspect(h.alice, 'first').undeliveredNotices).toEqual({ count: 1, lastError: 'Discord answered 400 (50035): Invalid Form Body' });
    expect(h.engine.service.inspect(h.alice, 'second').undeliveredNotices).toEqual({ count: 0, lastError: null });
  });

  it('a message refused with its embed is delivered as plain text when Discord takes that', async () => {
    const h = harness();
    const refusing: NotificationSink = {
      deliver: async (n) => {
        if (n.embed) throw new DeliveryError('Discord answered 400 (50035): Invalid Form Body', { permanent: true });
        h.sink.delivered.push(n);
      },
    };
    const service = serviceWith(h, refusing);
    alerting(h, 'emoji');
    h.skill = () => ({ output: { ok: true, note: 'half an emoji: \uD83D' }, costUsd: 0 });
    await h.engine.service.runNow(h.alice, 'emoji');
    expect(await service.deliverDue()).toEqual({ delivered: 1, failed: 1 });
    expect(h.sink.delivered).toHaveLength(1);
    expect(h.sink.delivered[0]!.content).toBe('Alert: emoji\n`ok == true` is true\nok: true\nnote: half an emoji: \uFFFD');
    expect(outboxRow(h, onlyAlert(h).id)).toMatchObject({ attempts: 2, plainText: true, failedAt: null });
    expect(outboxRow(h, onlyAlert(h).id).deliveredAt).not.toBeNull();
  });
});

describe('outbox bounds', () => {
  const every = (h: Harness, name: string, alertTo: 'tasks' | 'dm' = 'tasks') =>
    h.engine.service.create(h.alice, { name, capability: 'echo', schedule: 'manual', alert: 'ok == true', alertMode: 'every', alertTo });

  it('delivers pause and budget notices before the alerts queued ahead of them, then alerts by age', async () => {
    const h = harness({ env: { FAILURE_PAUSE_THRESHOLD: '1' } });
    const sink = new ChannelSink();
    const service = serviceWith(h, sink);
    for (const name of ['a1', 'a2', 'a3']) {
      every(h, name);
      await h.engine.service.runNow(h.alice, name);
    }
    h.engine.service.create(h.alice, { name: 'broken', capability: 'echo', schedule: '0 9 * * *' });
    h.skill = () => {
      throw new Error('boom');
    };
    await h.engine.service.runNow(h.alice, 'broken');
    h.store.outbox.enqueue({ type: 'budget_warning', channel: 'tasks', content: 'warning', embed: null, dedupeKey: 'w' }, h.clock.now());
    h.store.outbox.enqueue({ type: 'budget_paused', channel: 'tasks', content: 'budget paused', embed: null, dedupeKey: 'p' }, h.clock.now());

    await service.deliverDue();
    expect(sink.delivered.map((n) => n.type === 'alert' ? n.content : n.type)).toEqual([
      'pause',
      'budget_paused',
      'Alert: a1: ok == true',
      'Alert: a2: ok == true',
      'Alert: a3: ok == true',
      'budget_warning',
    ]);
  });

  it('keeps only the newest undelivered alert of an automation, saying how many it stands for', async () => {
    const h = harness();
    every(h, 'flappy');
    every(h, 'other');
    for (let i = 0; i < 13; i++) {
      await h.engine.service.runNow(h.alice, 'flappy');
      await h.clock.advance(60_000);
    }
    await h.engine.service.runNow(h.alice, 'other');
    const waiting = h.store.outbox.all().filter((n) => n.deliveredAt === null && n.failedAt === null && !folded(h, n.id));
    expect(waiting).toHaveLength(2);
    const runs = h.store.runs.recent(h.store.automations.findByName('alice', 'flappy')!.id, 20);
    expect(runs.filter((r) => r.alertSent)).toHaveLength(13);

    await h.engine.notifications.deliverDue();
    expect(h.sink.delivered).toHaveLength(2);
    const [kept] = h.sink.delivered;
    expect(kept!.runId).toBe(runs[0]!.id);
    expect(kept!.content).toBe('Alert: flappy: ok == true (and 12 more while Discord was unreachable)');
    expect(kept!.embed!.description).toBe('`ok == true` is true\n(and 12 more while Discord was unreachable)');
    expect(h.sink.delivered[1]!.content).toBe('Alert: other: ok == true');
  });

  it('never folds an alert while it is being sent', async () => {
    const h = harness();
    every(h, 'slow');
    await h.engine.service.runNow(h.alice, 'slow');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: Notification[] = [];
    const service = serviceWith(h, { deliver: async (n) => { seen.push(n); await gate; } });
    const pass = service.deliverDue();
    await flush();
    expect(seen).toHaveLength(1);
    await h.engine.service.runNow(h.alice, 'slow'); // queued while the first is in flight
    release();
    await pass;
    await service.deliverDue();
    expect(seen.map((n) => n.content)).toEqual(['Alert: slow: ok == true', 'Alert: slow: ok == true']);
  });

  it('at OUTBOX_MAX_PER_CHANNEL folds the oldest alerts of the channel into the newest, with a count, and never a pause notice', async () => {
    const h = harness({ env: { OUTBOX_MAX_PER_CHANNEL: '3', FAILURE_PAUSE_THRESHOLD: '1' } });
    h.engine.service.create(h.alice, { name: 'broken', capability: 'think', schedule: '0 9 * * *' });
    h.provider.answer = () => new Error('model down');
    await h.engine.service.runNow(h.alice, 'broken');
    for (const name of ['n1', 'n2', 'n3', 'n4', 'n5', 'n6']) {
      every(h, name);
      await h.engine.service.runNow(h.alice, name);
    }
    every(h, 'private', 'dm');
    await h.engine.service.runNow(h.alice, 'private');
    expect(h.store.outbox.pendingCount()).toBe(5); // the pause notice, 3 alerts in tasks, 1 DM

    await h.engine.notifications.deliverDue();
    expect(h.sink.delivered.map((n) => n.type === 'alert' ? n.content.split(':')[1]!.trim() : n.type)).toEqual(['pause', 'n4', 'n5', 'n6', 'private']);
    // Each alert past the cap folded the oldest one into itself: 3 not sent, each counted once.
    for (const [i, name] of [[1, 'n4'], [2, 'n5'], [3, 'n6']] as const) {
      expect(h.sink.delivered[i]!.content).toBe(
        `Alert: ${name}: ok == true (1 older alert of other automations not sent: more than 3 were waiting for this channel (OUTBOX_MAX_PER_CHANNEL))`,
      );
    }
  });
});

/** Whether a notification was folded into a newer one. */
function folded(h: Harness, id: number): boolean {
  const row = h.store.db.prepare<[number], { superseded_by: number | null }>('SELECT superseded_by FROM notification WHERE id = ?').get(id);
  return row?.superseded_by != null;
}

describe('exactly once', () => {
  // Engine.stop() flushes with deliverDue() while the started service may begin a pass of its own.
  it('never sends a message twice when a delivery pass starts while another is going', async () => {
    const h = harness();
    alerting(h, 'twice');
    await h.engine.service.runNow(h.alice, 'twice');
    h.engine.notifications.start();
    await h.engine.notifications.deliverDue();
    await h.engine.notifications.idle();
    await flush();
    expect(h.sink.delivered).toHaveLength(1);
  });
});

describe('dedupe keys', () => {
  it('keeps one row per dedupe key', () => {
    const h = harness();
    const { outbox } = h.store;
    const now = h.clock.now();
    const first = outbox.enqueue({ type: 'budget_warning', channel: 'tasks', content: 'first', embed: null, dedupeKey: 'budget-warning:monthly:2026-03' }, now);
    const again = outbox.enqueue({ type: 'budget_warning', channel: 'tasks', content: 'again', embed: null, dedupeKey: 'budget-warning:monthly:2026-03' }, now);
    expect(first).toEqual(expect.any(Number));
    expect(again).toBeNull();
    expect(outbox.all().map((n) => n.content)).toEqual(['first']);

    const other = outbox.enqueue({ type: 'budget_warning', channel: 'tasks', content: 'other', embed: null, dedupeKey: 'budget-warning:monthly:2026-04' }, now);
    const plain1 = outbox.enqueue({ type: 'alert', channel: 'tasks', content: 'no key', embed: null }, now);
    const plain2 = outbox.enqueue({ type: 'alert', channel: 'tasks', content: 'no key', embed: null }, now);
    expect([other, plain1, plain2].every((id) => typeof id === 'number')).toBe(true);
    expect(outbox.all()).toHaveLength(4);
    expect(outbox.get(first!)).toMatchObject({ dedupeKey: 'budget-warning:monthly:2026-03', priority: 2, attempts: 0 });
  });

  it('keeps a delivered key used: the same notice is not queued again after delivery', async () => {
    const h = harness();
    const { outbox } = h.store;
    const notice = { type: 'budget_paused' as const, channel: 'tasks' as const, content: 'paused', embed: null, dedupeKey: 'budget-paused:daily:2026-03-02' };
    expect(outbox.enqueue(notice, h.clock.now())).not.toBeNull();
    await h.engine.notifications.deliverDue();
    expect(outbox.enqueue(notice, h.clock.now())).toBeNull();
    expect(h.sink.delivered).toHaveLength(1);
  });
});

describe('quiet hours in the outbox', () => {
  const held = (h: Harness, automationId: number, title: string, until: Date, description = 'it happened') =>
    h.store.outbox.enqueue(
      {
        type: 'alert',
        channel: 'tasks',
        content: title,
        embed: { title, description, fields: [], actions: ['show'], automationId, runId: null },
        automationId,
        heldUntil: until,
        heldFor: 'alice',
      },
      h.clock.now(),
    )!;

  it('a held alert (and an edit of it) holds back nobody else; when the window ends its alerts come as one digest, as they read now', async () => {
    const h = harness();
    const sink = new ChannelSink();
    const service = serviceWith(h, sink);
    const mine = alerting(h, 'mine');
    const theirs = alerting(h, 'theirs');
    const morning = new Date(T0 + 3_600_000);
    const first = held(h, mine.id, 'site down', morning, 'https://site.example/\nDown since 8:00');
    held(h, mine.id, 'site still down', morning);
    h.store.outbox.enqueue({ type: 'edit', channel: 'tasks', content: 'resolved', embed: { title: 'site down', description: '✅ Resolved', fields: [], actions: [], automationId: mine.id, runId: null }, automationId: mine.id, editOf: first }, h.clock.now());
    h.store.outbox.enqueue({ type: 'alert', channel: 'tasks', content: 'theirs', embed: null, automationId: theirs.id }, h.clock.now());
    service.start();
    await service.idle();
    expect(sink.delivered.map((n) => n.content)).toEqual(['theirs']);
    expect(h.store.outbox.get(first)!.embed!.description).toBe('✅ Resolved');

    await h.clock.advanceTo(morning);
    await service.idle();
    expect(sink.delivered).toHaveLength(2);
    const digest = sink.delivered[1]!;
    expect(digest.type).toBe('digest');
    expect(digest.embed!.title).toBe('🌙 Quiet hours are over: 2 notices');
    expect(digest.embed!.description.split('\n').slice(1)).toEqual([
      `• <t:${T0 / 1000}:t> **site down** — ✅ Resolved`,
      `• <t:${T0 / 1000}:t> **site still down** — it happened`,
    ]);
    expect(h.store.outbox.all().filter((n) => n.heldUntil !== null).every((n) => n.deliveredAt === null)).toBe(true);
  });

  it('many held alerts fit one message: the digest lists what fits, then "and N more"; none is folded away', async () => {
    const h = harness({ env: { OUTBOX_MAX_PER_CHANNEL: '5' } });
    const sink = new ChannelSink();
    const service = serviceWith(h, sink);
    const a = alerting(h, 'busy');
    const morning = new Date(T0 + 3_600_000);
    for (let i = 0; i < 200; i++) held(h, a.id, `price changed, check ${i}`, morning, 'x'.repeat(100));
    service.start();
    await h.clock.advanceTo(morning);
    await service.idle();
    expect(sink.delivered).toHaveLength(1);
    const lines = sink.delivered[0]!.embed!.description.split('\n');
    expect(sink.delivered[0]!.embed!.description.length).toBeLessThanOrEqual(4096);
    expect(lines.at(-1)).toBe(`and ${200 - (lines.length - 2)} more`);
    expect(lines.length).toBeGreaterThan(20);
    expect(sink.delivered[0]!.embed!.title).toBe('🌙 Quiet hours are over: 200 notices');
  });
});
