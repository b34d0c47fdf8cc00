/** When a person's quiet window holds their notices, and when the digest comes: in their time zone, across midnight and clock changes. */
import { describe, expect, it } from 'vitest';
import { checkQuietHours, parseTimeOfDay, quietHoursEnd, type QuietHours } from '../src/settings/quiet-hours.js';

const night: QuietHours = { from: 22 * 60, to: 7 * 60, urgent: false };
const lunch: QuietHours = { from: 12 * 60 + 30, to: 13 * 60 + 30, urgent: false };
const end = (q: QuietHours, zone: string, at: string) => quietHoursEnd(q, zone, new Date(at))?.toISOString() ?? null;

describe('quiet hours', () => {
  it('a window across midnight holds from its start to its end the next morning, in the person’s zone', () => {
    expect(end(night, 'Europe/Berlin', '2026-03-02T20:59:00Z')).toBeNull(); // 21:59 in Berlin
    expect(end(night, 'Europe/Berlin', '2026-03-02T21:00:00Z')).toBe('2026-03-03T06:00:00.000Z'); // 22:00 → 07:00
    expect(end(night, 'Europe/Berlin', '2026-03-03T03:00:00Z')).toBe('2026-03-03T06:00:00.000Z'); // 04:00, after midnight
    expect(end(night, 'Europe/Berlin', '2026-03-03T06:00:00Z')).toBeNull(); // 07:00: over
    expect(end(night, 'America/New_York', '2026-03-03T03:30:00Z')).toBe('2026-03-03T12:00:00.000Z'); // 22:30 EST → 07:00 EST
  });

  it('ends at 07:00 on the clock on the night the clocks go forward (Berlin, 29 March 2026)', () => {
    expect(end(night, 'Europe/Berlin', '2026-03-28T22:30:00Z')).toBe('2026-03-29T05:00:00.000Z'); // 23:30 CET → 07:00 CEST
  });

  it('a window within one day holds only inside it', () => {
    expect(end(lunch, 'UTC', '2026-03-02T12:29:59Z')).toBeNull();
    expect(end(lunch, 'UTC', '2026-03-02T12:30:00Z')).toBe('2026-03-02T13:30:00.000Z');
    expect(end(lunch, 'UTC', '2026-03-02T13:30:00Z')).toBeNull();
    expect(end(lunch, 'Asia/Kolkata', '2026-03-02T07:30:00Z')).toBe('2026-03-02T08:00:00.000Z'); // 13:00 IST
  });

  it('reads 24-hour times and refuses others, and a window that ends where it starts', () => {
    expect(parseTimeOfDay('7:30', 'from')).toBe(450);
    expect(parseTimeOfDay(' 00:00 ', 'to')).toBe(0);
    for (const bad of ['25:00', '22:60', '7pm', '24:00', '']) expect(() => parseTimeOfDay(bad, 'from')).toThrow(/is not a time of day/);
    expect(() => checkQuietHours({ from: 600, to: 600, urgent: false })).toThrow('from and to are both 10:00');
  });
});
