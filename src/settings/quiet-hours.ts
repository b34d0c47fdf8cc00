/**
 * Quiet hours: a daily window, in a person's time zone, during which their notices are held in
 * the outbox and then sent as one digest when it ends.
 */
import { nextRunAfter } from '../automations/schedule.js';
import { ValidationError } from '../errors.js';
import { canonicalTimeZone, zoneOffsetMs } from '../util/timezone.js';

/** A person's quiet window, in minutes after local midnight; `from` after `to` spans midnight. `urgent`: pause notices are not held. */
export interface QuietHours {
  from: number;
  to: number;
  urgent: boolean;
}

const DAY_MINUTES = 24 * 60;

/**
 * A time of day typed as `22:00`, `7:30` or `07:00` (24-hour clock), as minutes after midnight.
 * Throws ValidationError naming `field` for anything else (`25:00`, `7pm`, `22:60`).
 */
export function parseTimeOfDay(text: string, field: 'from' | 'to'): number {
  const m = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  const hours = m ? Number(m[1]) : NaN;
  const minutes = m ? Number(m[2]) : NaN;
  if (!(hours >= 0 && hours <= 23 && minutes >= 0 && minutes <= 59)) {
    throw new ValidationError(field, `${field}: "${text.trim()}" is not a time of day: give hours and minutes on a 24-hour clock, from 00:00 to 23:59, e.g. 22:00 or 7:30`);
  }
  return hours * 60 + minutes;
}

/** Minutes after midnight as `07:30`. */
export function formatTimeOfDay(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Checks a window: `from` and `to` must differ. Throws ValidationError otherwise. */
export function checkQuietHours(q: QuietHours): QuietHours {
  if (q.from === q.to) throw new ValidationError('to', `from and to are both ${formatTimeOfDay(q.from)}: quiet hours need a start and a different end, e.g. from:22:00 to:07:00`);
  return q;
}

/** The minute of the day `at` falls on in `timezone`. */
function localMinute(at: Date, timezone: string): number {
  const local = at.getTime() + zoneOffsetMs(timezone, at.getTime());
  return ((Math.floor(local / 60_000) % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
}

/** Whether `at` falls inside the window (in `timezone`). */
export function insideQuietHours(q: QuietHours, timezone: string, at: Date): boolean {
  const m = localMinute(at, timezone);
  return q.from < q.to ? m >= q.from && m < q.to : m >= q.from || m < q.to;
}

/** When the window `at` falls in ends (the next `to` in `timezone`), or null when `at` is outside it. */
export function quietHoursEnd(q: QuietHours, timezone: string, at: Date): Date | null {
  if (!insideQuietHours(q, timezone, at)) return null;
  return nextRunAfter(`${q.to % 60} ${Math.floor(q.to / 60)} * * *`, timezone, at);
}

/** The zone a person's quiet hours are in: their own (`stored`, from `/settings timezone`), else `fallback` (DEFAULT_TIMEZONE); UTC when neither is a zone. */
export function quietHoursZone(stored: string | null, fallback: string): string {
  return canonicalTimeZone(stored ?? fallback) ?? canonicalTimeZone(fallback) ?? 'UTC';
}
