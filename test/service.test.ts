import { beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../src/automations/access.js';
import type { CreateInput, EditInput } from '../src/automations/service.js';
import type { Automation } from '../src/automations/types.js';
import type { AutomationView } from '../src/automations/view-models.js';
import type { ExecutionResult } from '../src/capabilities/types.js';
import { AlertSyntaxError, ConflictError, NotFoundError, ScheduleError, StewardError, ValidationError } from '../src/errors.js';
import { harnessPerTest, type Harness } from './support/harness.js';

// The harness clock starts on Monday 2026-03-02T08:00:00Z. Berlin is on CET (UTC+1) until
// 2026-03-29 and New York on EST (UTC-5) until 2026-03-08, so 09:00 Berlin is 08:00Z (exactly now).

const SITE: CreateInput = {
  name: 'site',
  capability: 'http_check',
  schedule: '*/5 * * * *',
  inputs: { url: 'https://example.com', expected_status: 200 },
};

const MORNING_BERLIN = { schedule: '0 9 * * *', timezone: 'Europe/Berlin' } as const;

let h: Harness;
/** A harness closed after the test; the default one is `h`. */
const harness = harnessPerTest();

beforeEach(() => {
  h = harness();
});


/** The error a call throws; fails the test when it does not throw. */
function errorOf(call: () => unknown): StewardError {
  try {
    call();
  } catch (error) {
    if (error instanceof StewardError) return error;
    throw error;
  }
  throw new Error('expected the call to be refused, but it succeeded');
}

async function asyncErrorOf(call: () => Promise<unknown>): Promise<StewardError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof StewardError) return error;
    throw error;
  }
  throw new Error('expected the call to be refused, but it succeeded');
}

/** Any of the error classes a refusal may be. */
type ErrorClass = new (...args: never[]) => StewardError;

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
const rowOf = (id: number, on: Harness = h): Automation | null => on.store.automations.get(id);
/** The fields of a view that are stored as they are (the rest is derived: schedule in words, next runs…). */
const viewFields = (v: AutomationView) => {
  const { scheduleText: _s, alertText: _a, alertUnreadable: _u, path: _p, nextRuns: _n, scheduleReadFrom: _r, ...stored } = v;
  return stored;
};
const countAll = (on: Harness = h): number =>
  on.store.automations.count({}) + on.store.automations.count({ status: 'deleted' });

/** An `echo` automation (trusted local skill: runs `h.skill`). */
function echo(name: string, extra: Partial<CreateInput> = {}, actor: Actor = h.alice, on: Harness = h): AutomationView {
  return on.engine.service.create(actor, { name, capability: 'echo', schedule: MORNING_BERLIN.schedule, timezone: MORNING_BERLIN.timezone, ...extra });
}

describe('create', () => {
  it('creates a scheduled http_check with its first slot after now, and it reads back the same', () => {
    const created = h.engine.service.create(h.alice, SITE);

    expect(created).toMatchObject({
      userId: 'alice',
      guildId: 'g1',
      name: 'site',
      description: '',
      capability: 'http_check',
      inputs: { url: 'https://example.com', expected_status: 200 },
      triggerType: 'on_schedule',
      schedule: '*/5 * * * *',
      timezone: 'UTC',
      catchUp: 'once',
      alertText: '',
      alertMode: 'change',
      alertTo: 'tasks',
      maxCostPerRunUsd: null,
      minIntervalSeconds: 60,
      status: 'active',
      pausedReason: null,
      lastRunAt: null,
      runCount: 0,
      failureCount: 0,
    });
    expect(iso(created.nextRunAt)).toBe('2026-03-02T08:05:00.000Z');
    expect(rowOf(created.id)).toMatchObject({ ...viewFields(created), alertConditions: null });
    expect(h.store.automations.count({})).toBe(1);
    expect(h.store.runs.recent(created.id, 10)).toEqual([]);
    expect(h.store.outbox.all()).toEqual([]);
  });

  it.each([
    ['an object', { url: 'https://example.com', expected_status: 200 }],
    ['key=value text', 'url=https://example.com; expected_status=200'],
    ['JSON text', '{"url": "https://example.com", "expected_status": 200}'],
  ])('accepts inputs given as %s', (_, inputs) => {
    const created = h.engine.service.create(h.alice, { ...SITE, inputs });
    expect(rowOf(created.id)?.inputs).toEqual({ url: 'https://example.com', expected_status: 200 });
  });

  it('computes the first slot in the given time zone, strictly after now', () => {
    // 09:00 in Berlin is 08:00Z: exactly now, so the first slot is tomorrow's.
    const created = h.engine.service.create(h.alice, { ...SITE, ...MORNING_BERLIN });
    expect(created.timezone).toBe('Europe/Berlin');
    expect(iso(created.nextRunAt)).toBe('2026-03-03T08:00:00.000Z');

    const later = h.engine.service.create(h.alice, { ...SITE, name: 'later', schedule: '30 9 * * *', timezone: 'Europe/Berlin' });
    expect(iso(later.nextRunAt)).toBe('2026-03-02T08:30:00.000Z');
  });

  it('stores and shows zones by their current names (Asia/Kolkata, not Node 20\'s Asia/Calcutta)', () => {
    const kolkata = h.engine.service.create(h.alice, { ...SITE, name: 'kolkata', schedule: '0 9 * * *', timezone: 'Asia/Calcutta' });
    expect(kolkata.timezone).toBe('Asia/Kolkata');
    expect(rowOf(kolkata.id)?.timezone).toBe('Asia/Kolkata');
    expect(kolkata.scheduleText).toBe('every day at 09:00, Asia/Kolkata');
    expect(h.engine.service.edit(h.alice, kolkata.id, { timezone: 'europe/kiev' }).timezone).toBe('Europe/Kyiv');
    expect(h.engine.service.setTimezone(h.alice, 'Asia/Saigon')).toBe('Asia/Ho_Chi_Minh');
    expect(h.engine.service.timezoneOf(h.alice.userId)).toBe('Asia/Ho_Chi_Minh');
  });

  it('uses DEFAULT_TIMEZONE when no time zone is given', () => {
    const ny = harness({ env: { DEFAULT_TIMEZONE: 'America/New_York' } });
    const created = ny.engine.service.create(ny.alice, { ...SITE, schedule: '0 9 * * *' });
    expect(created.timezone).toBe('America/New_York');
    expect(iso(created.nextRunAt)).toBe('2026-03-02T14:00:00.000Z');
  });

  it('makes a `manual` schedule an on_manual automation with no next slot', () => {
    const created = h.engine.service.create(h.alice, { ...SITE, schedule: 'manual' });
    expect(created).toMatchObject({ triggerType: 'on_manual', schedule: null, nextRunAt: null, status: 'active' });
    expect(h.engine.service.inspect(h.alice, created.id).automation).toMatchObject({ scheduleText: 'manual only', nextRuns: [] });
  });

  it('stores alert text as the JSON condition and inspect formats it back', () => {
    const created = h.engine.service.create(h.alice, { ...SITE, alert: 'price <= 100 and in_stock == true', alertMode: 'every' });
    const expected = {
      all_of: [
        { field: 'price', op: '<=', value: 100 },
        { field: 'in_stock', op: '==', value: true },
      ],
    };
    expect(created.alertText).toBe('price <= 100 and in_stock == true');
    expect(rowOf(created.id)?.alertConditions).toEqual(expected);
    expect(rowOf(created.id)?.alertMode).toBe('every');
    expect(h.engine.service.inspect(h.alice, created.id).automation.alertText).toBe('price <= 100 and in_stock == true');
  });

  describe('minimum interval', () => {
    it('refuses a schedule that runs more often than MIN_INTERVAL_SECONDS', () => {
      const strict = harness({ env: { MIN_INTERVAL_SECONDS: '300' } });
      const error = errorOf(() => strict.engine.service.create(strict.alice, { ...SITE, schedule: '* * * * *' }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe('schedule');
      expect(error.message).toBe('`* * * * *` can run 1 min apart, more often than the minimum interval of 5 min: choose a slower schedule');
      expect(strict.store.automations.count({})).toBe(0);
    });

    it('raises a min interval below the configured one to the configured one', () => {
      const strict = harness({ env: { MIN_INTERVAL_SECONDS: '300' } });
      const created = strict.engine.service.create(strict.alice, { ...SITE, minIntervalSeconds: 60 });
      expect(created.minIntervalSeconds).toBe(300);
      expect(rowOf(created.id, strict)?.minIntervalSeconds).toBe(300);
    });

    it("refuses a schedule faster than the automation's own min interval", () => {
      const error = errorOf(() => h.engine.service.create(h.alice, { ...SITE, minIntervalSeconds: 600 }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toBe('`*/5 * * * *` can run 5 min apart, more often than the minimum interval of 10 min: choose a slower schedule');
      expect(h.store.automations.count({})).toBe(0);
    });
  });
});

describe('every refused create writes nothing', () => {
  const refusals: [string, Record<string, unknown>, ErrorClass, string, string | RegExp][] = [
    // what, change to SITE, error class, field, message (exact string or pattern)
    ['an empty name', { name: '   ' }, ValidationError, 'name', 'name must not be empty'],
    ['a 65-character name', { name: 'x'.repeat(65) }, ValidationError, 'name', 'name must be at most 64 characters'],
    ['a name with a control character', { name: 'site\ncheck' }, ValidationError, 'name', 'name must not contain control characters'],
    ['an all-digit name', { name: '12345' }, ValidationError, 'name', 'name must not be a number like 12 or #12 (those refer to automation ids)'],
    ['an unknown capability', { capability: 'teleport' }, ValidationError, 'capability', 'unknown capability "teleport": choose one of ask, echo, feed_watch, http_check, page_watch, summarize_page, think'],
    ['inputs missing the url', { inputs: { expected_status: 200 } }, ValidationError, 'inputs', 'inputs for http_check are not valid: url is required (for example: url=https://example.com)'],
    ['a url that is not http', { inputs: { url: 'ftp://example.com' } }, ValidationError, 'inputs', 'inputs for http_check are not valid: url: url must start with http:// or https:// (for example: url=https://example.com)'],
    ['a url without a scheme', { inputs: 'url=example.com' }, ValidationError, 'inputs', 'inputs for http_check are not valid: url: url "example.com" has no http:// or https://: did you mean https://example.com? (for example: url=https://example.com)'],
    ['pairs separated by commas (read as pairs, then checked)', { inputs: 'url=https://example.com/status, contains=all good, expected_status=abc' }, ValidationError, 'inputs', 'inputs for http_check are not valid: expected_status: Invalid input: expected number, received string (for example: url=https://example.com)'],
    ['an unknown input', { inputs: { url: 'https://example.com', colour: 'red' } }, ValidationError, 'inputs', 'inputs for http_check are not valid: "colour" is not an input of http_check (for example: url=https://example.com)'],
    ['an input of the wrong type', { inputs: { url: 'https://example.com', expected_status: 'ok' } }, ValidationError, 'inputs', /expected_status: /],
    ['inputs that are bad JSON', { inputs: '{"url": "https://example.com"' }, ValidationError, 'inputs', /^inputs are not valid JSON \(.*\); write \{"key": "value"\} or key=value; key=value$/],
    ['inputs that are a JSON array', { inputs: '["https://example.com"]' }, ValidationError, 'inputs', /JSON|key=value/],
    ['a key without =', { inputs: 'url=https://example.com; expected_status' }, ValidationError, 'inputs', '"expected_status" is not a key=value pair; write key=value; key=value (or a JSON object)'],
    ['an hour out of range', { schedule: '0 25 * * *' }, ScheduleError, 'schedule', '`0 25 * * *`: hour 25 is out of range 0–23'],
    ['too few cron fields', { schedule: '* * *' }, ScheduleError, 'schedule', '`* * *`: expected 5 fields (minute hour day month weekday) or 6 with seconds first, found 3'],
    ['@reboot', { schedule: '@reboot' }, ScheduleError, 'schedule', '`@reboot` is not supported'],
    ['a date that never comes', { schedule: '0 9 31 2 *' }, ScheduleError, 'schedule', '`0 9 31 2 *`: never fires (no date matches)'],
    ['an empty schedule', { schedule: '  ' }, ValidationError, 'schedule', /^schedule must not be empty/],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, ScheduleError, 'timezone', '"Mars/Olympus" is not a time zone: use an IANA name such as Europe/Berlin or America/New_York'],
    ['alert text missing its value', { alert: 'price <=' }, AlertSyntaxError, 'alert', 'alert: expected a value (number, "text", true, false or null) at column 9, found end of text'],
    ['alert text missing its operator', { alert: 'price 100' }, AlertSyntaxError, 'alert', 'alert: expected an operator (==, !=, <, <=, >, >=, contains) at column 7, found "100"'],
    ['alert text with an unclosed parenthesis', { alert: '(price < 100 or in_stock == true' }, AlertSyntaxError, 'alert', /^alert: expected "\)" at column \d+, found end of text \(to close the "\(" at column 1\)$/],
    ['alert text with a stray parenthesis', { alert: 'price < 100)' }, AlertSyntaxError, 'alert', /^alert: .*column 12/],
    ['a negative max cost', { maxCostUsd: -0.5 }, ValidationError, 'maxCostUsd', 'max_cost must be 0 or more (USD per run)'],
    ['an unknown alert mode', { alertMode: 'sometimes' }, ValidationError, 'alertMode', /^alert[ _]mode must be "change" or "every"$/],
    ['a repeat_after under a minute', { repeatAfterSeconds: 30 }, ValidationError, 'repeatAfterSeconds', /repeat_after must be at least 60 seconds/],
  ];

  it.each(refusals)('refuses %s', (_, change, errorClass, field, message) => {
    const error = errorOf(() => h.engine.service.create(h.alice, { ...SITE, ...change } as CreateInput));
    expect(error).toBeInstanceOf(errorClass);
    expect((error as ValidationError).field).toBe(field);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
    expect(countAll()).toBe(0);
    expect(h.store.outbox.all()).toEqual([]);
  });

  it('messages name the field a person has to fix', () => {
    const mentions: [Record<string, unknown>, RegExp][] = [
      [{ name: '' }, /name/],
      [{ capability: 'teleport' }, /capability/],
      [{ inputs: { url: 'nope' } }, /url/],
      [{ schedule: '0 25 * * *' }, /hour/],
      [{ timezone: 'Nowhere/Land' }, /time zone/],
      [{ alert: 'price <' }, /^alert/],
      [{ maxCostUsd: -1 }, /max_cost/],
      [{ alertMode: 'sometimes' }, /alert[ _]mode/],
    ];
    for (const [change, pattern] of mentions) {
      expect(errorOf(() => h.engine.service.create(h.alice, { ...SITE, ...change } as CreateInput)).message).toMatch(pattern);
    }
    expect(countAll()).toBe(0);
  });

  it('refuses a name the owner already uses, case-insensitively, writing nothing', () => {
    h.engine.service.create(h.alice, SITE);
    const error = errorOf(() => h.engine.service.create(h.alice, { ...SITE, name: '  SITE ' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('you already have an automation named "SITE": pick another name or edit that one');
    expect(countAll()).toBe(1);
  });

  it('lets another owner use the same name', () => {
    h.engine.service.create(h.alice, SITE);
    const bobs = h.engine.service.create(h.bob, SITE);
    expect(bobs).toMatchObject({ userId: 'bob', name: 'site' });
    expect(h.store.automations.count({})).toBe(2);
  });

  it("frees a deleted automation's name", () => {
    const first = h.engine.service.create(h.alice, SITE);
    h.engine.service.delete(h.alice, first.id);
    const second = h.engine.service.create(h.alice, { ...SITE, name: 'Site' });
    expect(second.id).not.toBe(first.id);
    expect(h.engine.service.find(h.alice, 'site').id).toBe(second.id);
    expect(rowOf(first.id)?.status).toBe('deleted');
  });
});

describe('edit', () => {
  it('renames, and the new name finds it', () => {
    const a = h.engine.service.create(h.alice, SITE);
    const edited = h.engine.service.edit(h.alice, 'site', { name: 'homepage' });
    expect(edited).toMatchObject({ id: a.id, name: 'homepage', inputs: a.inputs, schedule: a.schedule });
    expect(h.engine.service.find(h.alice, 'homepage').id).toBe(a.id);
    expect(() => h.engine.service.find(h.alice, 'site')).toThrow(NotFoundError);
  });

  it('may change the case of its own name', () => {
    const a = h.engine.service.create(h.alice, SITE);
    expect(h.engine.service.edit(h.alice, a.id, { name: 'Site' }).name).toBe('Site');
  });

  it('recomputes the next slot from now when the schedule changes', async () => {
    const a = h.engine.service.create(h.alice, { ...SITE, ...MORNING_BERLIN });
    expect(iso(a.nextRunAt)).toBe('2026-03-03T08:00:00.000Z');
    await h.clock.advanceTo('2026-03-03T09:00:00Z');
    const edited = h.engine.service.edit(h.alice, a.id, { schedule: '0 12 * * *' });
    expect(edited.schedule).toBe('0 12 * * *');
    expect(iso(edited.nextRunAt)).toBe('2026-03-03T11:00:00.000Z');
    expect(iso(rowOf(a.id)?.nextRunAt)).toBe('2026-03-03T11:00:00.000Z');
  });

  it('recomputes the next slot when only the time zone changes', () => {
    const a = h.engine.service.create(h.alice, { ...SITE, schedule: '0 9 * * *', timezone: 'UTC' });
    expect(iso(a.nextRunAt)).toBe('2026-03-02T09:00:00.000Z');
    expect(iso(h.engine.service.edit(h.alice, a.id, { timezone: 'America/New_York' }).nextRunAt)).toBe('2026-03-02T14:00:00.000Z');
  });

  it('keeps the next slot when only the description changes', async () => {
    const a = h.engine.service.create(h.alice, { ...SITE, ...MORNING_BERLIN });
    await h.clock.advanceTo('2026-03-03T09:00:00Z');
    const edited = h.engine.service.edit(h.alice, a.id, { description: 'is the homepage up?' });
    expect(edited.description).toBe('is the homepage up?');
    expect(iso(edited.nextRunAt)).toBe('2026-03-03T08:00:00.000Z');
  });

  it('turning a schedule into `manual` clears the next slot', () => {
    const a = h.engine.service.create(h.alice, SITE);
    const edited = h.engine.service.edit(h.alice, a.id, { schedule: 'manual' });
    expect(edited).toMatchObject({ triggerType: 'on_manual', schedule: null, nextRunAt: null });
  });

  it('keeps alert, inputs and other settings it was not asked to change', () => {
    const a = h.engine.service.create(h.alice, { ...SITE, alert: 'ok == false', alertMode: 'every', maxCostUsd: 0.5, catchUp: 'skip' });
    const edited = h.engine.service.edit(h.alice, a.id, { name: 'homepage' });
    expect(rowOf(edited.id)?.alertConditions).toEqual({ field: 'ok', op: '==', value: false });
    expect(edited).toMatchObject({
      alertText: 'ok == false',
      alertMode: 'every',
      maxCostPerRunUsd: 0.5,
      catchUp: 'skip',
      inputs: { url: 'https://example.com', expected_status: 200 },
    });
  });

  it("refuses a rename to another of the owner's names", () => {
    h.engine.service.create(h.alice, SITE);
    const other = h.engine.service.create(h.alice, { ...SITE, name: 'shop' });
    const error = errorOf(() => h.engine.service.edit(h.alice, other.id, { name: 'Site' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('there is already an automation named "Site": pick another name');
    expect(rowOf(other.id)?.name).toBe('shop');
  });

  it("may take a name another owner uses", () => {
    h.engine.service.create(h.bob, { ...SITE, name: 'shop' });
    const a = h.engine.service.create(h.alice, SITE);
    expect(h.engine.service.edit(h.alice, a.id, { name: 'shop' }).name).toBe('shop');
  });

  it.each<[string, Record<string, unknown>, ErrorClass]>([
    ['a bad schedule', { schedule: '0 25 * * *' }, ScheduleError],
    ['a bad time zone', { timezone: 'Mars/Olympus' }, ScheduleError],
    ['bad alert text', { alert: 'price <=' }, AlertSyntaxError],
    ['bad inputs', { inputs: { url: 'ftp://example.com' } }, ValidationError],
    ['an empty name', { name: '' }, ValidationError],
    ['an unknown capability', { capability: 'teleport' }, ValidationError],
    ['a negative max cost', { maxCostUsd: -1 }, ValidationError],
  ])('refuses %s and leaves the row as it was', async (_, patch, errorClass) => {
    const a = h.engine.service.create(h.alice, { ...SITE, alert: 'ok == false' });
    const before = rowOf(a.id);
    await h.clock.advance(60_000);
    const error = errorOf(() => h.engine.service.edit(h.alice, a.id, patch as EditInput));
    expect(error).toBeInstanceOf(errorClass);
    expect(rowOf(a.id)).toEqual(before);
    expect(countAll()).toBe(1);
  });

  it('keeps a paused automation without a next slot when its schedule changes', () => {
    const a = h.engine.service.create(h.alice, SITE);
    h.engine.service.pause(h.alice, a.id);
    const edited = h.engine.service.edit(h.alice, a.id, { schedule: '0 * * * *' });
    expect(edited).toMatchObject({ status: 'paused', schedule: '0 * * * *', nextRunAt: null });
    expect(iso(h.engine.service.resume(h.alice, a.id).nextRunAt)).toBe('2026-03-02T09:00:00.000Z');
  });
});

describe('pause and resume', () => {
  it('pause sets the status and clears the next slot', () => {
    const a = h.engine.service.create(h.alice, SITE);
    const paused = h.engine.service.pause(h.alice, 'site');
    expect(paused).toMatchObject({ id: a.id, status: 'paused', pausedReason: 'user', nextRunAt: null });
    expect(rowOf(a.id)).toMatchObject({ status: 'paused', nextRunAt: null });
  });

  it('pausing twice is a conflict', () => {
    const a = h.engine.service.create(h.alice, SITE);
    h.engine.service.pause(h.alice, a.id);
    const error = errorOf(() => h.engine.service.pause(h.alice, a.id));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('"site" is already paused');
  });

  it('resuming an active automation is a conflict', () => {
    const a = h.engine.service.create(h.alice, SITE);
    const before = rowOf(a.id);
    const error = errorOf(() => h.engine.service.resume(h.alice, a.id));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('"site" is not paused');
    expect(rowOf(a.id)).toEqual(before);
  });

  it('resume computes the next slot from the current time and clears the failure count', async () => {
    const a = echo('flaky');
    h.skill = () => {
      throw new Error('upstream said no');
    };
    for (let i = 0; i < 3; i++) {
      expect((await h.engine.service.runNow(h.alice, a.id)).outcome).toBe('failed');
    }
    expect(rowOf(a.id)).toMatchObject({ failureCount: 3, runCount: 3, status: 'active' });

    h.engine.service.pause(h.alice, a.id);
    h.clock.jump('2026-03-04T10:00:00Z');
    const resumed = h.engine.service.resume(h.alice, a.id);

    expect(resumed).toMatchObject({ status: 'active', pausedReason: null, failureCount: 0, runCount: 3 });
    expect(iso(resumed.nextRunAt)).toBe('2026-03-05T08:00:00.000Z');
    expect(rowOf(a.id)).toMatchObject(viewFields(resumed));
  });

  it('resume un-pauses an automation paused by repeated failures', async () => {
    const a = echo('flaky');
    h.skill = () => {
      throw new Error('upstream said no');
    };
    for (let i = 0; i < 5; i++) await h.engine.service.runNow(h.alice, a.id);
    expect(rowOf(a.id)).toMatchObject({ status: 'paused', pausedReason: 'failures', failureCount: 5, nextRunAt: null });
    const notices = h.store.outbox.all();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ type: 'pause', channel: 'tasks', automationId: a.id });
    expect(notices[0]!.content).toContain('flaky');
    expect(notices[0]!.content).toContain('5');
    expect(notices[0]!.content).toContain('upstream said no');

    const resumed = h.engine.service.resume(h.alice, 'flaky');
    expect(resumed).toMatchObject({ status: 'active', pausedReason: null, failureCount: 0 });
    expect(iso(resumed.nextRunAt)).toBe('2026-03-03T08:00:00.000Z');
  });
});

describe('delete', () => {
  it('hides the automation but keeps the row and its runs', async () => {
    const a = echo('digest');
    await h.engine.service.runNow(h.alice, a.id);
    const deleted = h.engine.service.delete(h.alice, 'digest');
    expect(deleted).toMatchObject({ id: a.id, status: 'deleted', nextRunAt: null });

    expect(h.engine.service.list(h.alice)).toEqual({ automations: [], total: 0, everyone: false, narrowed: false });
    const byId = errorOf(() => h.engine.service.find(h.alice, a.id));
    expect(byId).toBeInstanceOf(NotFoundError);
    expect(byId.message).toBe(`automation #${a.id} not found`);
    expect(errorOf(() => h.engine.service.find(h.alice, 'digest')).message).toBe('automation "digest" not found');
    expect(() => h.engine.service.inspect(h.alice, a.id)).toThrow(NotFoundError);
    expect(() => h.engine.service.pause(h.alice, a.id)).toThrow(NotFoundError);
    expect(() => h.engine.service.delete(h.alice, a.id)).toThrow(NotFoundError);
    await expect(h.engine.service.runNow(h.alice, a.id)).rejects.toThrow(NotFoundError);

    expect(rowOf(a.id)).toMatchObject({ status: 'deleted', name: 'digest', runCount: 1 });
    expect(h.store.runs.recent(a.id, 10)).toHaveLength(1);
    expect(h.skillCalls).toHaveLength(1);
  });
});

describe('runNow', () => {
  it('runs through the dispatcher and records a manual run', async () => {
    const a = echo('digest');
    h.skill = () => ({ output: { headline: 'hello' }, costUsd: 0 });
    const report = await h.engine.service.runNow(h.alice, 'digest');

    expect(report).toMatchObject({ automationId: a.id, outcome: 'succeeded', alertSent: false, error: null });
    expect(report.runId).not.toBeNull();
    const runs = h.store.runs.recent(a.id, 10);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: report.runId, trigger: 'manual', status: 'succeeded', path: 'skill', output: { headline: 'hello' } });
    expect(h.skillCalls).toHaveLength(1);
    expect(rowOf(a.id)).toMatchObject({ runCount: 1, failureCount: 0, status: 'active' });
    expect(iso(rowOf(a.id)?.lastRunAt)).toBe('2026-03-02T08:00:00.000Z');
  });

  it('works on a paused automation and leaves it paused', async () => {
    const a = echo('digest');
    h.engine.service.pause(h.alice, a.id);
    const report = await h.engine.service.runNow(h.alice, a.id);
    expect(report.outcome).toBe('succeeded');
    expect(h.store.runs.recent(a.id, 10)).toMatchObject([{ trigger: 'manual', status: 'succeeded' }]);
    expect(rowOf(a.id)).toMatchObject({ status: 'paused', pausedReason: 'user', nextRunAt: null, runCount: 1 });
  });

  it('honours the budget: no model call and no run row when spend is capped', async () => {
    const capped = harness({ env: { DAILY_BUDGET_USD: '0' } });
    const a = capped.engine.service.create(capped.alice, { name: 'news', capability: 'think', schedule: '0 8 * * *', inputs: { topic: 'rust' } });
    const report = await capped.engine.service.runNow(capped.alice, a.id);

    expect(report).toMatchObject({ automationId: a.id, runId: null, outcome: 'skipped_budget' });
    expect(report.error).toMatch(/daily LLM budget reached/);
    expect(capped.store.runs.recent(a.id, 10)).toEqual([]);
    expect(capped.provider.prompts).toHaveLength(0);
    expect(rowOf(a.id, capped)).toMatchObject({ runCount: 0, failureCount: 0, status: 'active' });
    expect(capped.store.outbox.all().filter((n) => n.type === 'budget_paused')).toHaveLength(1);
  });

  it('refused by the budget, a paused automation stays paused with no next slot', async () => {
    const capped = harness({ env: { DAILY_BUDGET_USD: '0' } });
    const a = capped.engine.service.create(capped.alice, { name: 'news', capability: 'think', schedule: '0 8 * * *' });
    capped.engine.service.pause(capped.alice, a.id);
    expect((await capped.engine.service.runNow(capped.alice, a.id)).outcome).toBe('skipped_budget');
    expect(rowOf(a.id, capped)).toMatchObject({ status: 'paused', pausedReason: 'user', nextRunAt: null });
  });

  it('ignores the min interval: two runs now in a row both run', async () => {
    const a = echo('digest', { schedule: '0 * * * *', timezone: 'UTC', minIntervalSeconds: 3600 });
    expect(a.minIntervalSeconds).toBe(3600);
    const first = await h.engine.service.runNow(h.alice, a.id);
    await h.clock.advance(1000);
    const second = await h.engine.service.runNow(h.alice, a.id);
    expect([first.outcome, second.outcome]).toEqual(['succeeded', 'succeeded']);
    expect(h.store.runs.recent(a.id, 10).map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(h.skillCalls).toHaveLength(2);
    expect(rowOf(a.id)?.runCount).toBe(2);
  });

  it('refuses a second run now while the first is going', async () => {
    const a = echo('slow');
    let release: (result: ExecutionResult) => void = () => undefined;
    h.skill = () => new Promise<ExecutionResult>((resolve) => (release = resolve));
    const first = h.engine.service.runNow(h.alice, a.id);
    await new Promise((resolve) => setImmediate(resolve));

    const error = await asyncErrorOf(() => h.engine.service.runNow(h.alice, a.id));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('"slow" is running right now: wait for it to finish');

    release({ output: { done: true }, costUsd: 0 });
    expect((await first).outcome).toBe('succeeded');
    expect(h.store.runs.recent(a.id, 10)).toHaveLength(1);
  });
});

describe('permissions', () => {
  it("bob cannot reach alice's automation by id or by name, and cannot tell it exists", async () => {
    const a = h.engine.service.create(h.alice, { ...SITE, name: 'secret-project', alert: 'ok == false' });
    const before = rowOf(a.id);
    const missingId = errorOf(() => h.engine.service.find(h.bob, 9999));
    const missingName = errorOf(() => h.engine.service.find(h.bob, 'no-such-thing'));
    expect(missingId).toBeInstanceOf(NotFoundError);
    expect(missingId.message).toBe('automation #9999 not found');
    expect(missingName.message).toBe('automation "no-such-thing" not found');

    const attempts: [string, () => unknown][] = [
      ['find', () => h.engine.service.find(h.bob, a.id)],
      ['edit', () => h.engine.service.edit(h.bob, a.id, { name: 'mine-now' })],
      ['pause', () => h.engine.service.pause(h.bob, a.id)],
      ['resume', () => h.engine.service.resume(h.bob, a.id)],
      ['delete', () => h.engine.service.delete(h.bob, a.id)],
      ['inspect', () => h.engine.service.inspect(h.bob, a.id)],
      ['testAlert', () => h.engine.service.testAlert(h.bob, a.id, 'ok == true')],
    ];
    for (const [what, attempt] of attempts) {
      const error = errorOf(attempt);
      expect(error, what).toBeInstanceOf(NotFoundError);
      expect(error.message, what).toBe(`automation #${a.id} not found`);
      expect(error.message, what).not.toContain('secret-project');
    }
    const run = await asyncErrorOf(() => h.engine.service.runNow(h.bob, a.id));
    expect(run).toBeInstanceOf(NotFoundError);
    expect(run.message).toBe(`automation #${a.id} not found`);

    const byName: [string, () => unknown][] = [
      ['find', () => h.engine.service.find(h.bob, 'secret-project')],
      ['edit', () => h.engine.service.edit(h.bob, 'secret-project', { description: 'x' })],
      ['pause', () => h.engine.service.pause(h.bob, 'secret-project')],
      ['delete', () => h.engine.service.delete(h.bob, 'secret-project')],
      ['inspect', () => h.engine.service.inspect(h.bob, 'secret-project')],
    ];
    for (const [what, attempt] of byName) {
      const error = errorOf(attempt);
      expect(error, what).toBeInstanceOf(NotFoundError);
      expect(error.message, what).toBe('automation "secret-project" not found');
    }
    await expect(h.engine.service.runNow(h.bob, 'secret-project')).rejects.toThrow('automation "secret-project" not found');

    expect(rowOf(a.id)).toEqual(before);
    expect(h.store.runs.recent(a.id, 10)).toEqual([]);
  });

  it("the manager can see and change anyone's automation", async () => {
    const a = echo('digest');
    const m = h.manager;
    expect(h.engine.service.find(m, a.id).id).toBe(a.id);
    expect(h.engine.service.inspect(m, a.id).automation.id).toBe(a.id);
    expect(h.engine.service.edit(m, a.id, { description: 'checked by mia' })).toMatchObject({ userId: 'alice', description: 'checked by mia' });
    expect(h.engine.service.pause(m, a.id).status).toBe('paused');
    expect(h.engine.service.resume(m, a.id).status).toBe('active');
    expect((await h.engine.service.runNow(m, a.id)).outcome).toBe('succeeded');
    expect(h.engine.service.delete(m, a.id).status).toBe('deleted');
    expect(rowOf(a.id)).toMatchObject({ userId: 'alice', status: 'deleted', runCount: 1 });
  });

  it('the manager renaming to a name the owner uses is refused', () => {
    h.engine.service.create(h.alice, { ...SITE, name: 'shop' });
    const a = h.engine.service.create(h.alice, SITE);
    expect(() => h.engine.service.edit(h.manager, a.id, { name: 'shop' })).toThrow(ConflictError);
  });

  it('list shows your own; all=true shows everyone in the guild only to a manager', () => {
    const carol: Actor = { userId: 'carol', guildId: 'g2', manager: false };
    h.engine.service.create(h.alice, SITE);
    h.engine.service.create(h.alice, { ...SITE, name: 'shop' });
    h.engine.service.create(h.bob, SITE);
    h.engine.service.create(carol, SITE);

    const names = (r: { automations: AutomationView[] }) => r.automations.map((x) => `${x.userId}/${x.name}`);
    expect(names(h.engine.service.list(h.alice))).toEqual(['alice/site', 'alice/shop']);
    expect(h.engine.service.list(h.alice).total).toBe(2);
    expect(names(h.engine.service.list(h.bob, { all: true }))).toEqual(['bob/site']);
    expect(h.engine.service.list(h.bob, { all: true }).total).toBe(1);
    expect(h.engine.service.list(h.manager)).toMatchObject({ automations: [], total: 0 });
    const everyone = h.engine.service.list(h.manager, { all: true });
    expect(names(everyone)).toEqual(['alice/site', 'alice/shop', 'bob/site']);
    expect(everyone.total).toBe(3);
  });

  it("a manager's reach ends at their guild: another guild's manager, or one asking from DMs, sees only their own", async () => {
    const a = h.engine.service.create(h.alice, SITE);
    const otherGuildManager: Actor = { userId: 'olga', guildId: 'g2', manager: true };
    const managerInDms: Actor = { userId: 'mia', guildId: null, manager: true };
    for (const m of [otherGuildManager, managerInDms]) {
      expect(errorOf(() => h.engine.service.inspect(m, a.id))).toBeInstanceOf(NotFoundError);
      expect(errorOf(() => h.engine.service.delete(m, a.id))).toBeInstanceOf(NotFoundError);
      expect(await asyncErrorOf(() => h.engine.service.runNow(m, a.id))).toBeInstanceOf(NotFoundError);
      expect(h.engine.service.list(m, { all: true })).toMatchObject({ automations: [], total: 0 });
    }
    expect(rowOf(a.id)!.status).toBe('active');
  });
});

describe('list', () => {
  it('pages and filters by status', () => {
    const made = ['a1', 'a2', 'a3', 'a4', 'a5'].map((name) => h.engine.service.create(h.alice, { ...SITE, name }));
    const names = (r: { automations: AutomationView[] }) => r.automations.map((x) => x.name);

    const page = h.engine.service.list(h.alice, { limit: 2, offset: 2 });
    expect(names(page)).toEqual(['a3', 'a4']);
    expect(page.total).toBe(5);
    expect(names(h.engine.service.list(h.alice, { limit: 2, offset: 4 }))).toEqual(['a5']);
    expect(names(h.engine.service.list(h.alice, { limit: 2, offset: 10 }))).toEqual([]);

    h.engine.service.pause(h.alice, made[1]!.id);
    h.engine.service.delete(h.alice, made[4]!.id);
    expect(h.engine.service.list(h.alice, { status: 'paused' })).toMatchObject({ total: 1, automations: [{ name: 'a2', status: 'paused' }] });
    expect(names(h.engine.service.list(h.alice, { status: 'active' }))).toEqual(['a1', 'a3', 'a4']);
    expect(h.engine.service.list(h.alice, { status: 'active' }).total).toBe(3);
    expect(names(h.engine.service.list(h.alice))).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(h.engine.service.list(h.alice).total).toBe(4);
    expect(names(h.engine.service.list(h.alice, { status: 'deleted' }))).toEqual(['a5']);
  });
});

describe('inspect', () => {
  it('shows the schedule in words, the next three slots and the last runs newest first', async () => {
    const a = echo('digest');
    for (const price of [10, 20, 30]) {
      h.skill = () => ({ output: { price }, costUsd: 0 });
      await h.engine.service.runNow(h.alice, a.id);
      await h.clock.advance(60_000);
    }
    const details = h.engine.service.inspect(h.alice, 'digest');

    expect(details.automation.id).toBe(a.id);
    expect(details.automation.scheduleText).toBe('every day at 09:00, Europe/Berlin');
    expect(details.automation.alertText).toBe('');
    expect(details.automation.nextRuns.map(iso)).toEqual(['2026-03-03T08:00:00.000Z', '2026-03-04T08:00:00.000Z', '2026-03-05T08:00:00.000Z']);
    expect(details.recentRuns.map((r) => r.output)).toEqual([{ price: 30 }, { price: 20 }, { price: 10 }]);
    expect(details.recentRuns.every((r) => r.trigger === 'manual')).toBe(true);
    expect(details.spend).toEqual({ todayUsd: 0, monthUsd: 0 });
  });

  it('says a five-minute schedule in words', () => {
    const a = h.engine.service.create(h.alice, SITE);
    const details = h.engine.service.inspect(h.alice, a.id);
    expect(details.automation.scheduleText).toBe('every 5 minutes, UTC');
    expect(details.automation.nextRuns.map(iso)).toEqual(['2026-03-02T08:05:00.000Z', '2026-03-02T08:10:00.000Z', '2026-03-02T08:15:00.000Z']);
  });

  it('shows no next slots for a paused automation', () => {
    const a = h.engine.service.create(h.alice, SITE);
    h.engine.service.pause(h.alice, a.id);
    expect(h.engine.service.inspect(h.alice, a.id).automation.nextRuns).toEqual([]);
  });

  it('shows spend today and this month for a model-run automation', async () => {
    const a = h.engine.service.create(h.alice, { name: 'news', capability: 'think', schedule: '0 8 * * *', inputs: { topic: 'rust' } });
    expect((await h.engine.service.runNow(h.alice, a.id)).outcome).toBe('succeeded');
    h.clock.jump('2026-03-03T10:00:00Z');
    expect((await h.engine.service.runNow(h.alice, a.id)).outcome).toBe('succeeded');

    const details = h.engine.service.inspect(h.alice, a.id);
    expect(details.spend.todayUsd).toBeCloseTo(0.002, 9);
    expect(details.spend.monthUsd).toBeCloseTo(0.004, 9);
    expect(details.recentRuns).toHaveLength(2);
    expect(details.recentRuns.every((r) => r.path === 'claude_native' && r.status === 'succeeded')).toBe(true);
    expect(details.recentRuns[0]!.costUsd).toBeCloseTo(0.002, 9);
    expect(h.provider.prompts).toHaveLength(2);
  });
});

describe('testAlert', () => {
  it('reports on which past runs the alert would have fired', async () => {
    const a = echo('shop');
    const runIdByPrice = new Map<number, number>();
    for (const price of [120, 80, 150, 95]) {
      h.skill = () => ({ output: { price }, costUsd: 0 });
      const report = await h.engine.service.runNow(h.alice, a.id);
      runIdByPrice.set(price, report.runId!);
    }
    h.skill = () => {
      throw new Error('shop was down');
    };
    await h.engine.service.runNow(h.alice, a.id);

    const result = h.engine.service.testAlert(h.alice, 'shop', 'price < 100');
    expect(result.condition).toEqual({ field: 'price', op: '<', value: 100 });
    expect(result.tried).toBe(4);
    expect(result.matched.map((r) => r.id)).toEqual([runIdByPrice.get(95), runIdByPrice.get(80)]);
    expect(result.matched.map((r) => r.output)).toEqual([{ price: 95 }, { price: 80 }]);

    expect(h.engine.service.testAlert(h.alice, a.id, 'price > 1000')).toMatchObject({ tried: 4, matched: [] });
    // Trying an alert changes nothing.
    expect(rowOf(a.id)?.alertConditions).toBeNull();
    expect(h.store.outbox.all()).toEqual([]);
  });

  it('refuses alert text that does not parse', () => {
    const a = echo('shop');
    const error = errorOf(() => h.engine.service.testAlert(h.alice, a.id, 'price <'));
    expect(error).toBeInstanceOf(AlertSyntaxError);
    expect(error.message).toBe('alert: expected a value (number, "text", true, false or null) at column 8, found end of text');
  });
});
