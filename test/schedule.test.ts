import { existsSync, readFileSync } from 'node:fs';
import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { RENAMED_ZONES, supportedTimeZones } from '../src/util/timezone.js';
import { ScheduleError } from '../src/errors.js';
import {
  describeCron,
  nextRunAfter,
  nextRuns,
  shortestGapSeconds,
  validateCron,
  validateTimezone,
} from '../src/automations/schedule.js';

const BERLIN = 'Europe/Berlin';
const at = (iso: string): Date => new Date(iso);
const isoList = (dates: Date[]): string[] => dates.map((d) => d.toISOString());

/** The ScheduleError `fn` throws (fails the test if it throws something else or nothing). */
function scheduleError(fn: () => unknown): ScheduleError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ScheduleError);
    return error as ScheduleError;
  }
  throw new Error('expected a ScheduleError');
}

describe('validateTimezone', () => {
  it('returns the canonical spelling', () => {
    expect(validateTimezone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(validateTimezone('UTC')).toBe('UTC');
    expect(validateTimezone('utc')).toBe('UTC');
    expect(validateTimezone('europe/berlin')).toBe('Europe/Berlin');
    expect(validateTimezone('US/Eastern')).toBe('America/New_York');
  });

  it.each([
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['asia/kolkata', 'Asia/Kolkata'],
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['Europe/Kyiv', 'Europe/Kyiv'],
    ['Europe/Uzhgorod', 'Europe/Kyiv'],
    ['Asia/Saigon', 'Asia/Ho_Chi_Minh'],
    ['Asia/Katmandu', 'Asia/Kathmandu'],
    ['Asia/Rangoon', 'Asia/Yangon'],
    ['America/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    ['America/Godthab', 'America/Nuuk'],
    ['Pacific/Enderbury', 'Pacific/Kanton'],
    ['Atlantic/Faeroe', 'Atlantic/Faroe'],
    ['America/Indianapolis', 'America/Indiana/Indianapolis'],
    ['America/Fort_Wayne', 'America/Indiana/Indianapolis'],
  ])('names %s by its current name, %s', (typed, current) => {
    expect(validateTimezone(typed)).toBe(current);
    expect(validateTimezone(current)).toBe(current);
    expect(describeCron('0 9 * * *', typed)).toBe(`every day at 09:00, ${current}`);
  });

  it('renames every zone this runtime reports by an old name, and no other', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    const renamed = zones.filter((z) => validateTimezone(z) !== z);
    expect(renamed.sort()).toEqual(Object.keys(RENAMED_ZONES).sort());
    for (const [old, current] of Object.entries(RENAMED_ZONES)) {
      // The current name is a zone Intl (and so croner) knows, and it runs on the same clock.
      expect(new Intl.DateTimeFormat('en-US', { timeZone: current }).resolvedOptions().timeZone).toBe(old);
      expect(nextRunAfter('0 9 * * *', current, at('2026-01-01T00:00:00Z'))).toEqual(nextRunAfter('0 9 * * *', old, at('2026-01-01T00:00:00Z')));
    }
    expect(supportedTimeZones()).toContain('Asia/Kolkata');
    expect(supportedTimeZones()).not.toContain('Asia/Calcutta');
    expect(supportedTimeZones()[0]).toBe('UTC');
  });

  it.runIf(existsSync('/usr/share/zoneinfo/tzdata.zi'))('leaves no runtime zone that IANA lists as a renamed link (checked against tzdata.zi)', () => {
    // Links that are countries' own names for a neighbour's clock, not renames.
    const countryLinks = new Set(['America/Lower_Princes', 'America/Marigot', 'America/St_Barthelemy', 'America/Kralendijk', 'Arctic/Longyearbyen', 'Europe/Bratislava', 'Europe/Busingen', 'Europe/Mariehamn', 'Europe/Podgorica', 'Europe/San_Marino', 'Europe/Vatican']);
    const links = new Set(readFileSync('/usr/share/zoneinfo/tzdata.zi', 'utf8').split('\n').flatMap((line) => (/^L \S+ (\S+)/.exec(line)?.slice(1) ?? [])));
    const stale = Intl.supportedValuesOf('timeZone').map((z) => validateTimezone(z)).filter((z) => links.has(z) && !countryLinks.has(z) && !Object.values(RENAMED_ZONES).includes(z));
    expect(stale).toEqual([]);
  });

  it('rejects names that are not zones, with field timezone', () => {
    const error = scheduleError(() => validateTimezone('Europe/Berln'));
    expect(error.message).toBe(
      '"Europe/Berln" is not a time zone: use an IANA name such as Europe/Berlin or America/New_York',
    );
    expect(error.field).toBe('timezone');
    expect(error.facts).toMatchObject({ timezone: 'Europe/Berln' });
    for (const bad of ['', 'local', '+01:00', 'Mars/Olympus']) {
      expect(scheduleError(() => validateTimezone(bad)).field).toBe('timezone');
    }
  });

  it('is checked by every schedule function', () => {
    expect(scheduleError(() => validateCron('0 9 * * *', 'Europe/Berln')).field).toBe('timezone');
    expect(scheduleError(() => nextRunAfter('0 9 * * *', 'Nowhere', new Date())).field).toBe('timezone');
    expect(scheduleError(() => describeCron('0 9 * * *', 'Nowhere')).field).toBe('timezone');
  });
});

describe('validateCron', () => {
  it('accepts 5-field and 6-field expressions, normalising spaces', () => {
    expect(validateCron('0 9 * * *', BERLIN)).toBe('0 9 * * *');
    expect(validateCron('  */5   * * * *  ', 'UTC')).toBe('*/5 * * * *');
    expect(validateCron('30 8 * * MON-FRI', 'UTC')).toBe('30 8 * * MON-FRI');
    expect(validateCron('0 12 * JAN,JUL *', 'UTC')).toBe('0 12 * JAN,JUL *');
    expect(validateCron('*/10 * * * * *', 'UTC')).toBe('*/10 * * * * *');
    expect(validateCron('0 0 9 * * 1-5', 'UTC')).toBe('0 0 9 * * 1-5');
    expect(validateCron('0 0 * * 7', 'UTC')).toBe('0 0 * * 7');
    expect(validateCron('0 0 29 2 *', 'UTC')).toBe('0 0 29 2 *');
    expect(validateCron('0 0 L * *', 'UTC')).toBe('0 0 L * *');
    expect(validateCron('0 0 * * FRI-SUN', 'UTC')).toBe('0 0 * * FRI-SUN'); // SUN ends a range as 7
  });

  it('accepts nicknames, lower-cased', () => {
    for (const nickname of ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']) {
      expect(validateCron(nickname, BERLIN)).toBe(nickname);
    }
    expect(validateCron(' @DAILY ', BERLIN)).toBe('@daily');
  });

  it.each([
    ['0 25 * * *', '`0 25 * * *`: hour 25 is out of range 0–23'],
    ['61 * * * *', '`61 * * * *`: minute 61 is out of range 0–59'],
    ['60 * * * * *', '`60 * * * * *`: second 60 is out of range 0–59'],
    ['0 0 0 * *', '`0 0 0 * *`: day of month 0 is out of range 1–31'],
    ['0 0 32 * *', '`0 0 32 * *`: day of month 32 is out of range 1–31'],
    ['0 0 * 13 *', '`0 0 * 13 *`: month 13 is out of range 1–12'],
    ['0 0 * * 8', '`0 0 * * 8`: weekday 8 is out of range 0–7'],
    ['1-70 * * * *', '`1-70 * * * *`: minute 70 is out of range 0–59'],
    ['0 0 32W * *', '`0 0 32W * *`: day of month 32 is out of range 1–31'],
    ['* * *', '`* * *`: expected 5 fields (minute hour day month weekday) or 6 with seconds first, found 3'],
    [
      '* * * * * * *',
      '`* * * * * * *`: expected 5 fields (minute hour day month weekday) or 6 with seconds first, found 7',
    ],
    ['garbage', '`garbage`: expected 5 fields (minute hour day month weekday) or 6 with seconds first, found 1'],
    [
      'x y z a b',
      '`x y z a b`: minute `x` is not valid: use * or a number 0–59, a range (1-5), a list (1,15) or a step (*/5)',
    ],
    ['*/0 * * * *', '`*/0 * * * *`: minute step 0 is out of range 1–60'],
    ['0 0 * * */8', '`0 0 * * */8`: weekday step 8 is out of range 1–7'],
    ['5-1 * * * *', '`5-1 * * * *`: minute range 5-1 runs backwards: put the smaller value first'],
    [
      '30/30 * * * *',
      '`30/30 * * * *`: minute `30/30`: a step needs * or a range before it, e.g. */30 or 30-59/30',
    ],
    ['0 9 31 2 *', '`0 9 31 2 *`: never fires (no date matches)'],
    ['@reboot', '`@reboot` is not supported'],
    ['@often', '`@often` is not supported: use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly'],
    [
      '',
      'the schedule is empty: expected 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. `0 9 * * *`',
    ],
    [
      '0 9 * * 1#6',
      '`0 9 * * 1#6`: there is no 6th Monday in a month: after # comes 1–5 (`1#1` is the first Monday of the month, `1#5` the fifth, in months that have one; `1L` the last)',
    ],
    [
      '0 9 * * FRI#0',
      '`0 9 * * FRI#0`: there is no 0th Friday in a month: after # comes 1–5 (`FRI#1` is the first Friday of the month, `FRI#5` the fifth, in months that have one; `5L` the last)',
    ],
    [
      '0 9 * * L',
      '`0 9 * * L`: L alone is not a weekday: in the weekday field L follows a day, as in `5L` (the last Friday of the month); for the last day of the month, put L in the day-of-month field: `0 9 L * *`',
    ],
    ['0 9 * * 1,', '`0 9 * * 1,`: weekday `1,` ends with a comma: write `1`, or add the value meant to follow it'],
    ['0 9 * * MON,', '`0 9 * * MON,`: weekday `MON,` ends with a comma: write `MON`, or add the value meant to follow it'],
    ['0,15, 9 * * *', '`0,15, 9 * * *`: minute `0,15,` ends with a comma: write `0,15`, or add the value meant to follow it'],
    ['0 9,,17 * * *', '`0 9,,17 * * *`: hour `9,,17` has two commas in a row: write `9,17`, or add the value meant to go between them'],
    [
      '0 9 * * 1-5 2026',
      "`0 9 * * 1-5 2026`: Steward's cron has no year field (with 6 fields the first is seconds and the last the weekday): write the 5 fields `0 9 * * 1-5`; a schedule repeats every year",
    ],
    [
      '0 9 1 1 * 2026,2027',
      "`0 9 1 1 * 2026,2027`: Steward's cron has no year field (with 6 fields the first is seconds and the last the weekday): write the 5 fields `0 9 1 1 *`; a schedule repeats every year",
    ],
    [
      '0 9 ? * MON-FRI *',
      "`0 9 ? * MON-FRI *`: Steward's cron has no year field (with 6 fields the first is seconds and the last the weekday): write the 5 fields `0 9 ? * MON-FRI`; a schedule repeats every year",
    ],
  ])('rejects %j', (expression, message) => {
    const error = scheduleError(() => validateCron(expression, 'UTC'));
    expect(error.message).toBe(message);
    expect(error.field).toBe('schedule');
    expect(error.code).toBe('invalid_input');
  });

  it('reads 6 fields as seconds first, as croner does (and as the description says)', () => {
    // croner 11 in '5-or-6-parts' mode: the 6th field is the weekday, not a year.
    expect(validateCron('0 0 9 * * 1-5', 'UTC')).toBe('0 0 9 * * 1-5');
    expect(describeCron('0 0 9 * * 1-5', 'UTC')).toBe('at 09:00 on Monday through Friday, UTC');
    expect(isoList(nextRuns('0 0 9 * * 1-5', 'UTC', at('2026-01-02T12:00:00Z'), 2))).toEqual(['2026-01-05T09:00:00.000Z', '2026-01-06T09:00:00.000Z']);
  });

  it('rejects a one-off date, which croner would otherwise read as a date job', () => {
    expect(scheduleError(() => validateCron('2026-01-01T09:00', 'UTC')).message).toContain('found 1');
  });

  it('combines day of month and weekday with OR, like Vixie cron', () => {
    // The 13th of every month, and every Friday.
    expect(isoList(nextRuns('0 9 13 * 5', 'UTC', at('2026-01-01T00:00:00Z'), 4))).toEqual([
      '2026-01-02T09:00:00.000Z',
      '2026-01-09T09:00:00.000Z',
      '2026-01-13T09:00:00.000Z',
      '2026-01-16T09:00:00.000Z',
    ]);
    // So "Feb 31 or Monday" fires, on Mondays in February.
    expect(validateCron('0 9 31 2 1', 'UTC')).toBe('0 9 31 2 1');
  });
});

describe('nextRunAfter and nextRuns', () => {
  it('returns the first slot strictly after the instant', () => {
    expect(nextRunAfter('0 9 * * *', 'UTC', at('2026-03-28T08:59:59.999Z'))).toEqual(at('2026-03-28T09:00:00Z'));
    expect(nextRunAfter('0 9 * * *', 'UTC', at('2026-03-28T09:00:00Z'))).toEqual(at('2026-03-29T09:00:00Z'));
    expect(nextRunAfter('0 9 * * *', 'UTC', at('2026-03-28T09:00:00.001Z'))).toEqual(at('2026-03-29T09:00:00Z'));
    expect(nextRunAfter('*/10 * * * * *', 'UTC', at('2026-01-01T00:00:10Z'))).toEqual(at('2026-01-01T00:00:20Z'));
    expect(nextRunAfter('@hourly', 'UTC', at('2026-01-01T10:00:00Z'))).toEqual(at('2026-01-01T11:00:00Z'));
  });

  it('answers the same in any order of questions (the last answer is reused only inside its gap)', () => {
    // A burst asks for the same schedule many times in one minute, then the clock moves on, or back.
    const asked = ['10:00:00', '10:00:30', '10:00:59.999', '10:01:00', '09:59:59', '10:00:00', '10:14:59', '09:00:00', '10:15:00'];
    const answers = asked.map((t) => nextRunAfter('*/15 * * * *', BERLIN, at(`2026-10-25T${t}Z`))?.toISOString());
    expect(answers).toEqual([
      '2026-10-25T10:15:00.000Z',
      '2026-10-25T10:15:00.000Z',
      '2026-10-25T10:15:00.000Z',
      '2026-10-25T10:15:00.000Z',
      '2026-10-25T10:00:00.000Z',
      '2026-10-25T10:15:00.000Z',
      '2026-10-25T10:15:00.000Z',
      '2026-10-25T09:15:00.000Z',
      '2026-10-25T10:30:00.000Z',
    ]);
    // Across Berlin's autumn change (02:00–03:00 twice), in a shuffled order: what a fresh croner says.
    const day = Array.from({ length: 97 }, (_, i) => Date.parse('2026-10-24T22:00:00Z') + ((i * 37) % 97) * 5 * 60_000);
    for (const t of day) {
      const fresh = new Cron('30 2 * * *', { timezone: BERLIN, paused: true }).nextRun(new Date(t));
      expect(nextRunAfter('30 2 * * *', BERLIN, new Date(t))).toEqual(fresh);
    }
  });

  it('returns null / no runs for an expression that never fires', () => {
    expect(nextRunAfter('0 9 31 2 *', 'UTC', at('2026-01-01T00:00:00Z'))).toBeNull();
    expect(nextRuns('0 9 31 2 *', 'UTC', at('2026-01-01T00:00:00Z'), 3)).toEqual([]);
  });

  it('throws ScheduleError for a bad expression', () => {
    expect(scheduleError(() => nextRunAfter('0 25 * * *', 'UTC', new Date())).field).toBe('schedule');
    expect(scheduleError(() => nextRuns('61 * * * *', 'UTC', new Date(), 3)).field).toBe('schedule');
  });

  it('returns count slots in order', () => {
    expect(isoList(nextRuns('*/5 * * * *', 'UTC', at('2026-01-01T00:00:00Z'), 3))).toEqual([
      '2026-01-01T00:05:00.000Z',
      '2026-01-01T00:10:00.000Z',
      '2026-01-01T00:15:00.000Z',
    ]);
    expect(nextRuns('0 9 * * 1-5', BERLIN, at('2026-01-01T00:00:00Z'), 10)).toHaveLength(10);
    expect(nextRuns('0 9 * * *', BERLIN, at('2026-01-01T00:00:00Z'), 0)).toEqual([]);
  });

  it('leaves no timer behind', () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    validateCron('* * * * * *', 'UTC');
    nextRunAfter('* * * * * *', 'UTC', new Date());
    nextRuns('* * * * * *', 'UTC', new Date(), 5);
    shortestGapSeconds('* * * * * *', 'UTC', new Date());
    describeCron('* * * * * *', 'UTC');
    expect(timers()).toBe(before);
  });
});

describe('DST in Europe/Berlin (2026: clocks go 02:00 → 03:00 on 29 March, 03:00 → 02:00 on 25 October)', () => {
  it('keeps 0 9 * * * at 09:00 local across the spring change', () => {
    // 09:00 CET = 08:00Z until the change; 09:00 CEST = 07:00Z after it.
    expect(isoList(nextRuns('0 9 * * *', BERLIN, at('2026-03-27T12:00:00Z'), 3))).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
  });

  it('keeps 0 9 * * * at 09:00 local across the autumn change', () => {
    expect(isoList(nextRuns('0 9 * * *', BERLIN, at('2026-10-23T12:00:00Z'), 3))).toEqual([
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
  });

  it('runs a 02:30 job at 03:00 on the spring-forward day, and once on the autumn day', () => {
    expect(isoList(nextRuns('30 2 * * *', BERLIN, at('2026-03-28T12:00:00Z'), 2))).toEqual([
      '2026-03-29T01:00:00.000Z', // 03:00 CEST: 02:30 does not exist that day
      '2026-03-30T00:30:00.000Z',
    ]);
    expect(isoList(nextRuns('30 2 * * *', BERLIN, at('2026-10-24T12:00:00Z'), 2))).toEqual([
      '2026-10-25T00:30:00.000Z', // the first 02:30 (CEST); not again at 01:30Z
      '2026-10-26T01:30:00.000Z',
    ]);
  });

  it('treats a list of hours like a fixed time (Vixie): 0 2,3 * * * runs once per real hour', () => {
    // Spring: 02:00 is skipped, its run merges into 03:00 CEST.
    expect(isoList(nextRuns('0 2,3 * * *', BERLIN, at('2026-03-28T12:00:00Z'), 3))).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:00:00.000Z',
      '2026-03-30T01:00:00.000Z',
    ]);
    // Autumn: 02:00 happens twice, the job runs at the first; 03:00 CET is two hours later.
    expect(isoList(nextRuns('0 2,3 * * *', BERLIN, at('2026-10-24T12:00:00Z'), 3))).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T02:00:00.000Z',
      '2026-10-26T01:00:00.000Z',
    ]);
  });
});

describe('shortestGapSeconds', () => {
  const from = at('2026-01-01T00:00:00Z');

  it('finds the step of regular patterns', () => {
    expect(shortestGapSeconds('*/5 * * * *', BERLIN, from)).toBe(300);
    expect(shortestGapSeconds('*/10 * * * * *', 'UTC', from)).toBe(10);
    expect(shortestGapSeconds('0 9 * * 1-5', 'UTC', from)).toBe(86_400);
    // EU clocks change on Sundays, so weekdays at 09:00 stay a day apart.
    expect(shortestGapSeconds('0 9 * * 1-5', BERLIN, from)).toBe(86_400);
    expect(shortestGapSeconds('*/5 9-17 * * 1-5', 'UTC', from)).toBe(300);
    expect(shortestGapSeconds('@hourly', BERLIN, from)).toBe(3600);
  });

  it('samples past the year so a yearly job has a gap', () => {
    expect(shortestGapSeconds('0 9 1 1 *', BERLIN, from)).toBe(365 * 86_400);
  });

  it('returns null when the pattern never fires', () => {
    expect(shortestGapSeconds('0 9 31 2 *', 'UTC', from)).toBeNull();
  });

  it('sees DST shorten gaps', () => {
    // The spring-forward day is 23 hours long.
    expect(shortestGapSeconds('0 9 * * *', 'UTC', from)).toBe(86_400);
    expect(shortestGapSeconds('0 9 * * *', BERLIN, from)).toBe(23 * 3600);
    // 01:00 CET and 03:00 CEST on 29 March are one real hour apart.
    expect(shortestGapSeconds('0 1,3 * * *', 'UTC', from)).toBe(7200);
    expect(shortestGapSeconds('0 1,3 * * *', BERLIN, from)).toBe(3600);
    // 02:00 and 03:00 local: an hour on ordinary days, more around the changes, never less.
    expect(shortestGapSeconds('0 2,3 * * *', BERLIN, from)).toBe(3600);
    // Every two hours on the clock: the repeated 02:00 in October runs twice, an hour apart.
    expect(shortestGapSeconds('0 */2 * * *', 'UTC', from)).toBe(7200);
    expect(shortestGapSeconds('0 */2 * * *', BERLIN, at('2026-10-01T00:00:00Z'))).toBe(3600);
  });
});

describe('describeCron', () => {
  it.each([
    ['0 9 * * *', BERLIN, 'every day at 09:00, Europe/Berlin'],
    ['*/5 * * * *', 'UTC', 'every 5 minutes, UTC'],
    ['30 8 * * 1-5', 'America/New_York', 'at 08:30 on Monday through Friday, America/New_York'],
    ['0 9 * * MON-FRI', 'UTC', 'at 09:00 on Monday through Friday, UTC'],
    ['*/10 * * * * *', 'UTC', 'every 10 seconds, UTC'],
    ['0 9,17 * * *', 'UTC', 'every day at 09:00 and 17:00, UTC'],
    ['*/15 9-17 * * 1-5', 'UTC', 'every 15 minutes, between 09:00 and 17:59 on Monday through Friday, UTC'],
    ['0 9 13 * 5', 'UTC', 'at 09:00, on day 13 of the month, and on Friday, UTC'],
    ['0 12 * JAN,JUL *', 'UTC', 'at 12:00, only in January and July, UTC'],
    ['0 0 L * *', 'UTC', 'at 00:00, on the last day of the month, UTC'],
    ['@daily', BERLIN, 'every day at 00:00, Europe/Berlin'],
    ['@weekly', 'UTC', 'at 00:00 on Sunday, UTC'],
    ['@hourly', 'UTC', 'every hour, UTC'],
    ['@yearly', 'UTC', 'at 00:00, on day 1 of the month, only in January, UTC'],
  ])('%s in %s', (expression, zone, words) => {
    expect(describeCron(expression, zone)).toBe(words);
  });

  // Where cronstrue's wording of the text differs from the slots: the words say the slots.
  it.each([
    // A step that does not divide its cycle starts again at 0: :45 then :00 is 15 minutes.
    ['*/45 * * * *', 'every hour at :00 and :45, UTC', ['00:00', '00:45', '01:00', '01:45']],
    ['0-59/45 * * * *', 'every hour at :00 and :45, UTC', ['00:00', '00:45', '01:00', '01:45']],
    ['*/7 * * * *', 'every hour at :00, :07, :14, :21, :28, :35, :42, :49 and :56, UTC', ['00:00', '00:07', '00:14', '00:21', '00:28', '00:35', '00:42', '00:49', '00:56', '01:00']],
    ['*/45 * * * 1-5', 'every hour at :00 and :45 on Monday through Friday, UTC', ['00:00', '00:45', '01:00', '01:45']],
    ['0 */5 * * *', 'every day at 00:00, 05:00, 10:00, 15:00 and 20:00, UTC', ['00:00', '05:00', '10:00', '15:00', '20:00', '00:00']],
    ['30 */5 * * *', 'every day at 00:30, 05:30, 10:30, 15:30 and 20:30, UTC', ['00:30', '05:30', '10:30', '15:30', '20:30', '00:30']],
    ['15,45 */5 * * *', 'every day at 00:15, 00:45, 05:15, 05:45, 10:15, 10:45, 15:15, 15:45, 20:15 and 20:45, UTC', ['00:15', '00:45', '05:15', '05:45', '10:15']],
    ['0 */7 * * 1-5', 'at 00:00, 07:00, 14:00 and 21:00 on Monday through Friday, UTC', ['00:00', '07:00', '14:00', '21:00', '00:00']],
    ['*/40 * * * * *', 'at 0 and 40 seconds past the minute, UTC', ['00:00:00', '00:00:40', '00:01:00']],
    // Days of the month restart on the 1st: the 31st and the 1st are a day apart.
    ['0 8 */3 * *', 'at 08:00, on day 1, 4, 7, 10, 13, 16, 19, 22, 25, 28, and 31 of the month, UTC', ['01-01', '01-04']],
    ['0 0 1 */5 *', 'at 00:00, on day 1 of the month, only in January, June, and November, UTC', ['01-01', '06-01', '11-01', '01-01']],
    ['0 0 * * */2', 'at 00:00 on Sunday, Tuesday, Thursday, and Saturday, UTC', ['01-01', '01-03', '01-04']],
    // A range over the whole field is every one; weekday 7 is Sunday.
    ['0 0 * * 0-7', 'every day at 00:00, UTC', ['01-01', '01-02', '01-03']],
    ['0 0 * * 1-7', 'every day at 00:00, UTC', ['01-01', '01-02', '01-03']],
    ['0 9 * * MON-SUN', 'every day at 09:00, UTC', ['01-01', '01-02', '01-03']],
    ['0 0 * * 0,7', 'at 00:00 on Sunday, UTC', ['01-04', '01-11']],
    ['0 0 * * 5-7', 'at 00:00 on Friday through Sunday, UTC', ['01-02', '01-03', '01-04', '01-09']],
    ['0-59 * * * *', 'every minute, UTC', ['00:00', '00:01']],
    ['0 0-23 * * *', 'every hour, UTC', ['00:00', '01:00']],
    ['0 9 * 1-12 *', 'every day at 09:00, UTC', ['01-01', '01-02']],
    // Day of month OR weekday: a whole field on either side is every day.
    ['0 9 1-31 * 1', 'every day at 09:00, UTC', ['01-01', '01-02', '01-03']],
    ['0 9 13 * 0-6', 'every day at 09:00, UTC', ['01-01', '01-02', '01-03']],
    // Already right, and kept: steps that divide their cycle, steps within a range.
    ['0 */2 * * *', 'on the hour, every 2 hours, UTC', ['00:00', '02:00', '04:00']],
    ['0-30/15 * * * *', 'every 15 minutes, minutes 0 through 30 past the hour, UTC', ['00:00', '00:15', '00:30', '01:00']],
  ])('%s: "%s"', (expression, words, slots) => {
    expect(describeCron(expression, 'UTC')).toBe(words);
    // The slots the words describe (from Thursday 31 December 2025, 23:59:59 UTC).
    const shown = slots[0]!.length === 5 && slots[0]!.includes('-') ? (d: Date) => d.toISOString().slice(5, 10) : slots[0]!.length === 8 ? (d: Date) => d.toISOString().slice(11, 19) : (d: Date) => d.toISOString().slice(11, 16);
    expect(nextRuns(expression, 'UTC', at('2025-12-31T23:59:59Z'), slots.length).map(shown)).toEqual(slots);
  });

  it('uses the canonical zone name and rejects bad expressions', () => {
    expect(describeCron('0 9 * * *', 'utc')).toBe('every day at 09:00, UTC');
    expect(scheduleError(() => describeCron('0 25 * * *', 'UTC')).message).toBe(
      '`0 25 * * *`: hour 25 is out of range 0–23',
    );
  });
});
