/**
 * The shortest gap between runs (what create and edit check against the minimum interval): exact
 * across DST changes, and cheap.
 *
 * Cost, measured with bench/schedule-gap.ts (22 expressions × 10 zones, each pair's first
 * shortestGapSeconds call after validateCron, as at create), on this shared 2-core machine at a
 * load average of 5–6:
 *   before (walking up to 4000 runs at 100–400 µs each): p50 14–16 ms, p90 0.34–0.49 s,
 *     max 0.8–1.1 s (every two hours, `0 0-23/2 * * *`, in any zone: it never reached its stop);
 *   after (the fields plus the zone's offset changes): p50 0.6–1.0 ms, p90 1.3–4.8 ms, max 6–23 ms
 *     wall-clock (the max moves with the machine's load); best of 5 per pair: p50 0.4 ms, max 0.9 ms.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextRunAfter, shortestGapSeconds, validateCron } from '../src/automations/schedule.js';
import { zoneOffsetMs, zoneTransitions } from '../src/util/timezone.js';

const DAY = 86_400_000;
const HORIZON = 366 * DAY;

/**
 * The gap the slow way, from croner's own runs: every run of the year when there are few enough,
 * else the first 1500 runs and every run within a day of each offset change.
 */
function walkedGap(expression: string, zone: string, from: Date): number | null {
  const start = from.getTime();
  const horizon = start + HORIZON;
  const first = nextRunAfter(expression, zone, from);
  if (first === null) return null;
  if (first.getTime() > horizon) {
    const second = nextRunAfter(expression, zone, first);
    return second === null ? null : (second.getTime() - first.getTime()) / 1000;
  }
  let best = Infinity;
  const walk = (after: Date, until: number, cap: number): boolean => {
    let previous: Date | null = nextRunAfter(expression, zone, after);
    for (let i = 0; previous !== null && previous.getTime() <= until && i < cap; i++) {
      const next = nextRunAfter(expression, zone, previous);
      if (next === null) return true;
      if (previous.getTime() > start && previous.getTime() <= horizon) best = Math.min(best, next.getTime() - previous.getTime());
      previous = next;
    }
    return previous === null || previous.getTime() > until;
  };
  if (!walk(from, horizon, 1500)) {
    for (const t of zoneTransitions(zone, start, horizon + DAY)) walk(new Date(Math.max(start, t.at - DAY)), t.at + DAY, 5000);
  }
  return Number.isFinite(best) ? best / 1000 : null;
}

const at = (iso: string) => new Date(iso);
const JAN = at('2026-01-01T00:00:00Z');

describe('shortestGapSeconds across DST changes', () => {
  it.each([
    // Lord Howe's clock goes back 30 minutes (02:00 → 01:30) on 5 April 2026: 01:45 happens twice.
    ['45 * * * *', 'Australia/Lord_Howe', JAN, 1800],
    ['*/45 * * * *', 'Australia/Lord_Howe', JAN, 900],
    ['0 */2 * * *', 'Australia/Lord_Howe', JAN, 7200],
    // A fixed time runs once in the repeated half hour, and at 02:30 when 02:00–02:30 is skipped
    // (4 October): 01:45 then the skipped 02:15 is 15 minutes.
    ['45 1 * * *', 'Australia/Lord_Howe', JAN, 84_600],
    ['15,45 1,2 * * *', 'Australia/Lord_Howe', JAN, 900],
    // Berlin: 02:00 → 03:00 on 29 March, 03:00 → 02:00 on 25 October.
    ['0 */2 * * *', 'Europe/Berlin', JAN, 3600],
    ['0 1,3 * * *', 'Europe/Berlin', JAN, 3600],
    ['30 2 * * *', 'Europe/Berlin', JAN, 84_600], // 02:30 CET, then 03:00 CEST for the skipped 02:30
    ['0 2,3 * * *', 'Europe/Berlin', JAN, 3600],
    ['30 2,3 * * *', 'Europe/Berlin', at('2026-10-01T00:00:00Z'), 1800], // 28 March 2027: 03:00 (for 02:30), 03:30
    ['0 9 * * *', 'Europe/Berlin', JAN, 82_800],
    ['0 9 * * *', 'Europe/Berlin', at('2026-04-01T00:00:00Z'), 82_800], // next spring, 28 March 2027
    // Chatham skips 02:45–03:45 on 27 September: 02:00 and 04:00 are 1 h apart.
    ['0 */2 * * *', 'Pacific/Chatham', JAN, 3600],
    // Troll jumps 2 hours (+00 → +02) on 29 March.
    ['0 */3 * * *', 'Antarctica/Troll', JAN, 3600],
    ['0 0 * * *', 'Antarctica/Troll', JAN, 79_200],
    // Santiago's clock changes at midnight (24:00 → 23:00 on 4 April, 24:00 → 01:00 on 6 September).
    ['30 23 * * *', 'America/Santiago', JAN, 82_800],
    ['30 0 * * *', 'America/Santiago', JAN, 84_600], // 6 September: 00:30 is skipped, runs at 01:00
    ['*/20 23 * * *', 'America/Santiago', JAN, 1200],
    // Days, months and years.
    ['0 9 * * 1-5', 'Europe/Berlin', JAN, 86_400],
    ['0 9 1 * *', 'Europe/Berlin', JAN, 28 * 86_400],
    ['0 9 1 1 *', 'Europe/Berlin', JAN, 365 * 86_400],
    ['0 9 29 2 *', 'UTC', JAN, 4 * 365 * 86_400 + 86_400],
    ['0 0 L * *', 'UTC', JAN, 28 * 86_400],
    ['0 9 * * 1#2', 'UTC', JAN, 28 * 86_400],
    ['*/10 * * * * *', 'Europe/Berlin', JAN, 10],
    ['*/5 * 29 3 *', 'Europe/Berlin', JAN, 300],
  ] as const)('%s in %s from %s: %d s', (expression, zone, from, seconds) => {
    expect(shortestGapSeconds(expression, zone, from)).toBe(seconds);
    expect(walkedGap(expression, zone, from)).toBe(seconds);
  });

  it('returns null for a schedule that never fires', () => {
    expect(shortestGapSeconds('0 9 31 2 *', 'UTC', JAN)).toBeNull();
  });

  const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago', 'Antarctica/Troll', 'America/Havana', 'Africa/Casablanca', 'Asia/Kolkata'];
  const list = (values: number[]) => [...new Set(values)].sort((a, b) => a - b).join(',');
  const minuteArb = fc.oneof(
    fc.integer({ min: 0, max: 59 }).map(String),
    fc.array(fc.integer({ min: 0, max: 59 }), { minLength: 1, maxLength: 3 }).map(list),
    fc.integer({ min: 5, max: 59 }).map((n) => `*/${n}`),
    fc.tuple(fc.integer({ min: 0, max: 29 }), fc.integer({ min: 30, max: 59 }), fc.integer({ min: 5, max: 20 })).map(([a, b, s]) => `${a}-${b}/${s}`),
  );
  const hourArb = fc.oneof(
    fc.constant('*'),
    fc.integer({ min: 0, max: 23 }).map(String),
    fc.array(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 4 }).map(list),
    fc.integer({ min: 2, max: 23 }).map((n) => `*/${n}`),
    fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 12, max: 23 })).map(([a, b]) => `${a}-${b}`),
  );
  const dateArb = fc.oneof(
    { arbitrary: fc.constant('* * *'), weight: 6 },
    { arbitrary: fc.constantFrom('* * 1-5', '* * 0,6', '1,15 * *', 'L * *', '* 3,10 *', '* * 5L', '* * 0#1', '13 * 5', '*/2 * *', '29-31 3,10 0'), weight: 4 },
  );
  const expressionArb = fc.tuple(fc.option(fc.constantFrom('0', '30', '0,30'), { nil: undefined, freq: 4 }), minuteArb, hourArb, dateArb).map(([second, minute, hour, date]) =>
    [second, minute, hour, date].filter((f) => f !== undefined).join(' '),
  );
  const fromArb = fc.oneof(
    fc.constantFrom('2026-01-01T00:00:00Z', '2026-03-28T12:00:00Z', '2026-04-04T15:10:00Z', '2026-09-05T12:00:00Z', '2026-10-24T23:59:30Z').map(at),
    fc.date({ min: at('2026-01-01T00:00:00Z'), max: at('2027-12-31T00:00:00Z'), noInvalidDate: true }),
  );

  it('agrees with walking croner’s runs, for patterns, zones and starting points drawn at random', () => {
    fc.assert(
      fc.property(expressionArb, fc.constantFrom(...ZONES), fromArb, (expression, zone, from) => {
        validateCron(expression, zone);
        expect(shortestGapSeconds(expression, zone, from), `${expression} in ${zone} from ${from.toISOString()}`).toBe(walkedGap(expression, zone, from));
      }),
      { seed: 11, numRuns: 40 },
    );
  });
});

describe('zoneTransitions', () => {
  it('finds every offset change a day-by-day scan finds, to the second', () => {
    const start = Date.UTC(2026, 0, 1);
    const end = Date.UTC(2027, 6, 1);
    for (const zone of ['Europe/Berlin', 'Australia/Lord_Howe', 'Africa/Casablanca', 'America/Santiago', 'Antarctica/Troll', 'Pacific/Chatham', 'Asia/Tehran', 'UTC']) {
      const daily: number[] = [];
      for (let t = start + DAY; t <= end; t += DAY) if (zoneOffsetMs(zone, t) !== zoneOffsetMs(zone, t - DAY)) daily.push(t);
      const found = zoneTransitions(zone, start, end);
      expect(found.map((t) => Math.ceil(t.at / DAY)), zone).toEqual(daily.map((t) => Math.ceil(t / DAY)));
      for (const t of found) {
        expect(zoneOffsetMs(zone, t.at - 1000)).toBe(t.before);
        expect(zoneOffsetMs(zone, t.at)).toBe(t.after);
      }
    }
  });

  it('reads offsets east positive, to the minute', () => {
    expect(zoneOffsetMs('Asia/Kolkata', Date.UTC(2026, 0, 1))).toBe(5.5 * 3600_000);
    expect(zoneOffsetMs('America/St_Johns', Date.UTC(2026, 0, 1))).toBe(-3.5 * 3600_000);
    expect(zoneOffsetMs('UTC', Date.UTC(2026, 0, 1))).toBe(0);
    expect(zoneOffsetMs('Asia/Kathmandu', Date.UTC(2026, 0, 1))).toBe(5.75 * 3600_000);
  });
});
