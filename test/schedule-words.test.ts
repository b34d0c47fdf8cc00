/**
 * Schedules in words: what people say, the cron it is stored as, and what is refused with an
 * example that works. Checked through readSchedule (what create, edit and new call).
 */
import { describe, expect, it } from 'vitest';
import { nextRuns, readSchedule } from '../src/automations/schedule.js';
import { ScheduleError } from '../src/errors.js';

const WORDS: [string, string][] = [
  ['every 5 minutes', '*/5 * * * *'],
  ['every minute', '* * * * *'],
  ['Every 15 Minutes', '*/15 * * * *'],
  ['every 120 minutes', '0 */2 * * *'],
  ['every 2 hours', '0 */2 * * *'],
  ['every hour', '0 * * * *'],
  ['hourly', '0 * * * *'],
  ['daily', '0 8 * * *'],
  ['every day', '0 8 * * *'],
  ['weekly', '0 8 * * 1'],
  ['monthly', '0 8 1 * *'],
  ['every 3 days', '0 8 */3 * *'],
  ['every other day at 6pm', '0 18 */2 * *'],
  ['every morning', '0 8 * * *'],
  ['every evening', '0 18 * * *'],
  ['every night', '0 21 * * *'],
  ['at 9', '0 9 * * *'],
  ['at 9am', '0 9 * * *'],
  ['at 9:30 pm', '30 21 * * *'],
  ['at 12 am', '0 0 * * *'],
  ['at 12pm', '0 12 * * *'],
  ['at 21:15', '15 21 * * *'],
  ['every day at noon', '0 12 * * *'],
  ['at midnight', '0 0 * * *'],
  ['on weekdays', '0 8 * * 1-5'],
  ['on weekends', '0 8 * * 0,6'],
  ['every monday', '0 8 * * 1'],
  ['every monday and thursday', '0 8 * * 1,4'],
  ['mondays at 8am', '0 8 * * 1'],
  ['every friday at 17:30', '30 17 * * 5'],
  ['on the 1st of every month', '0 8 1 * *'],
  ['on the 15th at 7:00', '0 7 15 * *'],
  ['twice a day', '0 8,20 * * *'],
  ['at 8 and 20', '0 8,20 * * *'],
  ['at 8am and 6pm', '0 8,18 * * *'],
  ['every weekday at 7:15 am', '15 7 * * 1-5'],
  ['every 15 minutes on weekdays', '*/15 * * * 1-5'],
];

describe('schedules in words', () => {
  it.each(WORDS)('"%s" is stored as `%s`', (words, cron) => {
    expect(readSchedule(words, 'Europe/Berlin')).toEqual({ cron, fromWords: words });
  });

  it('keeps cron and nicknames as they are, with no words to report', () => {
    expect(readSchedule('*/5 * * * *', 'UTC')).toEqual({ cron: '*/5 * * * *', fromWords: null });
    expect(readSchedule('@daily', 'UTC')).toEqual({ cron: '@daily', fromWords: null });
    expect(readSchedule('0 9 * * MON-FRI', 'UTC').fromWords).toBeNull();
  });

  it('runs "every weekday at 7:15 am" at 07:15 in the zone, Monday to Friday', () => {
    const { cron } = readSchedule('every weekday at 7:15 am', 'Europe/Berlin');
    const slots = nextRuns(cron, 'Europe/Berlin', new Date('2026-03-06T12:00:00Z'), 3).map((d) => d.toISOString());
    expect(slots).toEqual(['2026-03-09T06:15:00.000Z', '2026-03-10T06:15:00.000Z', '2026-03-11T06:15:00.000Z']);
  });

  it.each([
    ['every 90 minutes'],
    ['every 25 hours'],
    ['whenever you feel like it'],
    ['every 5 minutes if it rains'],
    ['at 25:00'],
  ])('refuses "%s" with examples that work', (words) => {
    const error = (() => {
      try {
        readSchedule(words, 'UTC');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ScheduleError);
    expect((error as ScheduleError).message).toBe(
      `I could not read "${words}" as a schedule: say it like \`every 15 minutes\`, \`every weekday at 7:15 am\`, \`twice a day\`, \`on the 1st of every month\`, or write cron such as \`*/15 * * * *\``,
    );
  });

  it.each([
    ['MONDAY', '"MONDAY" is a day, not a schedule: say `every monday` (at 08:00) or `every monday at 9am`, or write cron such as `0 9 * * MON`'],
    ['fri', '"fri" is a day, not a schedule: say `every friday` (at 08:00) or `every friday at 9am`, or write cron such as `0 9 * * FRI`'],
    ['Wednesday', '"Wednesday" is a day, not a schedule: say `every wednesday` (at 08:00) or `every wednesday at 9am`, or write cron such as `0 9 * * WED`'],
  ])('refuses a day name alone, "%s", suggesting a schedule', (text, message) => {
    expect(() => readSchedule(text, 'UTC')).toThrow(message);
  });

  it('reads cron with a stray comma as cron, and says where the comma is', () => {
    expect(() => readSchedule('0 9 * * MON,', 'UTC')).toThrow('`0 9 * * MON,`: weekday `MON,` ends with a comma: write `MON`, or add the value meant to follow it');
  });

  it('keeps the cron error for what is meant as cron', () => {
    expect(() => readSchedule('0 25 * * *', 'UTC')).toThrow('`0 25 * * *`: hour 25 is out of range 0–23');
  });
});
