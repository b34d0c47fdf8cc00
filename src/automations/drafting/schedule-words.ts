/**
 * Schedules as people say them ("every 15 minutes", "every weekday at 7:15 am", "twice a day",
 * "on the 1st of every month") turned into cron. Deterministic and small: what it does not
 * recognise it leaves alone, and says so.
 */

/** A schedule read from words: its cron expression and the part of the text it was read from. */
export interface WordsSchedule {
  cron: string;
  /** The phrases that made it, as they appear in the text. */
  phrases: string[];
}

/** The hour of a day part people name. */
export const DAY_PARTS: Record<string, number> = { morning: 8, afternoon: 14, evening: 18, night: 21, tonight: 21 };
/** The time a schedule in days takes when the words name none. */
export const DEFAULT_HOUR = 8;

const DAYS: [RegExp, number][] = [
  [/^sun(day)?s?$/, 0],
  [/^mon(day)?s?$/, 1],
  [/^tue(s|sday)?s?$/, 2],
  [/^wed(nesday)?s?$/, 3],
  [/^thu(r|rs|rsday)?s?$/, 4],
  [/^fri(day)?s?$/, 5],
  [/^sat(urday)?s?$/, 6],
];

const UNIT = '(minutes?|mins?|hours?|hrs?|days?|weeks?|months?)';

interface Reading {
  phrases: string[];
  /** An interval below a day: minutes or hours. */
  every?: { unit: 'minute' | 'hour'; n: number };
  /** Days apart (every N days). */
  everyDays?: number;
  weekly?: boolean;
  monthly?: boolean;
  daily?: boolean;
  hours: number[];
  minute?: number;
  days: number[];
  dayOfMonth?: number;
}

/**
 * Reads the schedule words anywhere in `text`. Returns null when there are none. Throws nothing:
 * impossible values (an hour of 25) are simply not read, and `leftover` then shows them.
 */
export function readScheduleWords(text: string): WordsSchedule | null {
  const s = ` ${text.toLowerCase().replace(/[,.!?;]+(?=\s|$)/g, ' ').replace(/\s+/g, ' ')} `;
  const r: Reading = { phrases: [], hours: [], days: [] };
  const take = (re: RegExp, on: (m: RegExpExecArray) => boolean | void) => {
    for (const m of s.matchAll(new RegExp(re.source, 'g'))) if (on(m as RegExpExecArray) !== false) r.phrases.push(m[0].trim());
  };

  take(new RegExp(`\\b(?:every|each)\\s+(\\d+)\\s*${UNIT}\\b`), (m) => interval(r, Number(m[1]), m[2]!));
  take(new RegExp(`\\b(?:every|each)\\s+(?:single\\s+)?${UNIT.replace(/s\?/g, '')}\\b`), (m) => interval(r, 1, m[1]!));
  take(/\bevery other day\b/, () => void (r.everyDays = 2));
  take(/\b(hourly|daily|nightly|weekly|monthly)\b/, (m) => {
    const word = m[1]!;
    if (word === 'hourly') r.every = { unit: 'hour', n: 1 };
    else if (word === 'daily') r.daily = true;
    else if (word === 'nightly') r.hours.push(DAY_PARTS.night!);
    else if (word === 'weekly') r.weekly = true;
    else r.monthly = true;
  });
  take(/\b(?:twice a day|two times a day|twice daily)\b/, () => void r.hours.push(8, 20));
  take(/\b(?:every|each|in the|at|on)\s+(morning|afternoon|evening|night)s?\b/, (m) => void r.hours.push(DAY_PARTS[m[1]!]!));
  take(/\b(tonight)\b/, () => void r.hours.push(DAY_PARTS.tonight!));
  take(/\bat\s+(noon|midday|midnight)\b/, (m) => {
    r.hours.push(m[1] === 'midnight' ? 0 : 12);
    r.minute ??= 0;
  });
  // Times: "at 9", "at 9am", "9:30 pm", "21:15", "at 8 and 20", "8am and 6pm".
  take(/\b(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?=\s)/, (m) => time(r, m[1]!, m[2], m[3]));
  take(/\b(?:at\s+)?(\d{1,2}):(\d{2})\b(?!\s*[ap]\.?m)/, (m) => time(r, m[1]!, m[2], undefined));
  take(/\bat\s+(\d{1,2})\b(?![:\d]|\s*(?:a\.?m|p\.?m|%|percent|ms|s\b|sec|min|hours?|days?|euros?|dollars?))/, (m) => time(r, m[1]!, undefined, undefined));
  take(/\b(?:and|&)\s+(\d{1,2})\b(?=\s*(?:o'?clock)?\s)(?![:\d])/, (m) => (r.hours.length > 0 ? time(r, m[1]!, undefined, undefined) : false));
  // Days of the week.
  take(/\b(?:on\s+)?(?:every\s+)?(?:weekdays?|workdays?|business days?)\b/, () => void r.days.push(1, 2, 3, 4, 5));
  take(/\b(?:on\s+)?(?:every\s+)?weekends?\b/, () => void r.days.push(0, 6));
  take(/\b(?:(?:every|each|on)\s+)?(sun|mon|tue|tues|wed|thu|thur|thurs|fri|sat)(?:day|sday|nesday|rsday|urday)?s?\b/, (m) => {
    const day = DAYS.find(([re]) => re.test(m[0]!.replace(/^(?:every|each|on)\s+/, '')))?.[1];
    if (day === undefined) return false;
    r.days.push(day);
  });
  // Days of the month: "on the 1st (of every month)", "on the 15th".
  take(/\bon the (\d{1,2})(?:st|nd|rd|th)?(?: day)?(?: of (?:every|each|the) month)?\b/, (m) => {
    const day = Number(m[1]);
    if (day < 1 || day > 31) return false;
    r.dayOfMonth = day;
  });
  if (r.phrases.length === 0) return null;
  const cron = toCron(r);
  return cron ? { cron, phrases: r.phrases } : null;
}

/** What is left of `text` once the schedule's phrases and filler words are taken out (empty when the words were all understood). */
export function leftover(text: string, phrases: readonly string[]): string {
  let rest = ` ${text.toLowerCase().replace(/[,.!?;]+(?=\s|$)/g, ' ').replace(/\s+/g, ' ')} `;
  for (const p of [...phrases].sort((a, b) => b.length - a.length)) rest = rest.replace(p, ' ');
  return rest.replace(/\b(run|it|check|please|and|at|on|of|the|every|each|o'?clock|from|starting|then)\b/g, ' ').replace(/\s+/g, ' ').trim();
}

function interval(r: Reading, n: number, unitWord: string): boolean {
  const unit = unitWord.replace(/s$/, '');
  if (!Number.isInteger(n) || n < 1) return false;
  if (unit.startsWith('min')) {
    if (n >= 60) return n % 60 === 0 ? interval(r, n / 60, 'hour') : false;
    r.every = { unit: 'minute', n };
  } else if (unit.startsWith('h')) {
    if (n >= 24) return n % 24 === 0 ? interval(r, n / 24, 'day') : false;
    r.every = { unit: 'hour', n };
  } else if (unit === 'day') {
    if (n === 1) r.daily = true;
    else r.everyDays = n;
  } else if (unit === 'week') {
    if (n !== 1) return false;
    r.weekly = true;
  } else {
    if (n !== 1) return false;
    r.monthly = true;
  }
  return true;
}

function time(r: Reading, hourText: string, minuteText: string | undefined, meridiem: string | undefined): boolean {
  let hour = Number(hourText);
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  if (minute > 59) return false;
  if (meridiem) {
    if (hour < 1 || hour > 12) return false;
    const pm = meridiem.startsWith('p');
    hour = (hour % 12) + (pm ? 12 : 0);
  } else if (hour > 23) {
    return false;
  }
  if (r.minute !== undefined && r.minute !== minute && r.hours.length > 0) return false; // two times with different minutes: one cron cannot say it
  r.hours.push(hour);
  r.minute = minute;
  return true;
}

function list(values: number[]): string {
  return [...new Set(values)].sort((a, b) => a - b).join(',');
}

function toCron(r: Reading): string | null {
  const dow = r.days.length ? (list(r.days) === '1,2,3,4,5' ? '1-5' : list(r.days)) : r.weekly ? '1' : '*';
  if (r.every) {
    // Below a day: the interval, on the days named (a time of day does not fit with it).
    if (r.hours.length > 0 || r.dayOfMonth !== undefined) return null;
    return r.every.unit === 'minute' ? `${r.every.n === 1 ? '*' : `*/${r.every.n}`} * * * ${dow}` : `0 ${r.every.n === 1 ? '*' : `*/${r.every.n}`} * * ${dow}`;
  }
  const hours = r.hours.length ? list(r.hours) : String(DEFAULT_HOUR);
  const minute = r.minute ?? 0;
  const dom = r.dayOfMonth !== undefined ? String(r.dayOfMonth) : r.monthly ? '1' : r.everyDays ? `*/${r.everyDays}` : '*';
  return `${minute} ${hours} ${dom} * ${dow}`;
}
