/**
 * Cron schedules in a time zone: validation with messages a person can act on, next runs, the
 * shortest gap between runs, and a description in words.
 *
 * Compiled `Cron`s have no callback (they never arm a timer) and only the 128 most recently used
 * are kept: each holds ~90 KB, so the scheduler keeps next-run instants, not a Cron per automation.
 */
import { canonicalTimeZone } from '../util/timezone.js';
import { Cron } from 'croner';
import { describePattern } from './schedule-describe.js';
import { ScheduleError } from '../errors.js';
import { leftover, readScheduleWords } from './drafting/schedule-words.js';
import { cronerDateMatcher, plainDateMatcher, shortestGap, type GapPattern } from './schedule-gap.js';

const NICKNAMES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names standing for min, min + 1, … (JAN = 1, SUN = 0). */
  readonly names?: readonly string[];
  /** Quartz extensions (L, W, #) that croner accepts here and checks itself. */
  readonly extensions?: RegExp;
}

const SECOND: FieldSpec = { name: 'second', min: 0, max: 59 };
const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, extensions: /[LW]/i },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'weekday', min: 0, max: 7, names: DAY_NAMES, extensions: /[L#]/i },
];

/** croner's field names in its RangeError, and the offset croner subtracted from the value. */
const CRONER_FIELDS: Readonly<Record<string, { spec: FieldSpec; offset: number }>> = {
  second: { spec: SECOND, offset: 0 },
  minute: { spec: FIELDS[0]!, offset: 0 },
  hour: { spec: FIELDS[1]!, offset: 0 },
  day: { spec: FIELDS[2]!, offset: 1 },
  nearestWeekdays: { spec: FIELDS[2]!, offset: 1 },
  month: { spec: FIELDS[3]!, offset: 1 },
  dayOfWeek: { spec: FIELDS[4]!, offset: 0 },
};

interface Compiled {
  /** Trimmed, single-spaced, nickname lower-cased. */
  readonly normalised: string;
  /** The 5- or 6-field form (nicknames expanded). */
  readonly fields: readonly string[];
  readonly timezone: string;
  readonly cron: Cron;
  /** The values each field allows (null for a field with L, W or #). */
  readonly values: readonly (Set<number> | null)[];
  /** What `shortestGapSeconds` works from, built on first use. */
  gap?: GapPattern;
  /** The last next-slot answer: `next` is the first slot strictly after `from` (null: none). */
  lastNext?: { from: number; next: number | null };
}

/**
 * Throws ScheduleError (field `timezone`) unless `tz` is a valid IANA zone name such as
 * `Europe/Berlin` or `UTC`; returns its current IANA name (`utc` → `UTC`, `US/Eastern` →
 * `America/New_York`, and `Asia/Calcutta` → `Asia/Kolkata` where Node 20's ICU still has the old one).
 */
export function validateTimezone(tz: string): string {
  const canonical = canonicalTimeZone(tz);
  if (canonical) return canonical;
  throw new ScheduleError(
    `"${tz}" is not a time zone: use an IANA name such as Europe/Berlin or America/New_York`,
    { timezone: tz },
    'timezone',
  );
}

/**
 * Validates a cron expression (5 fields, 6 with seconds first, or @yearly/@annually/@monthly/
 * @weekly/@daily/@midnight/@hourly) in a time zone. Throws ScheduleError quoting the expression,
 * e.g. "`0 25 * * *`: hour 25 is out of range 0–23" or "`0 9 31 2 *`: never fires (no date
 * matches)". Returns the normalised expression (trimmed, single spaces, nickname lower-cased).
 */
export function validateCron(expression: string, timezone: string): string {
  const compiled = compile(expression, timezone);
  if (compiled.cron.nextRun(new Date()) === null) {
    throw new ScheduleError(`\`${compiled.normalised}\`: never fires (no date matches)`, { expression });
  }
  return compiled.normalised;
}

/** Examples of schedules in words, for refusals. */
export const SCHEDULE_WORD_EXAMPLES = '`every 15 minutes`, `every weekday at 7:15 am`, `twice a day`, `on the 1st of every month`';

/**
 * A schedule as a person typed it: cron (or a nickname), or words ("every 15 minutes") read as
 * cron. Returns the cron expression and, when it was read from words, those words. Throws
 * ScheduleError: the cron error for what looks like cron, otherwise one naming examples that work.
 */
export function readSchedule(text: string, timezone: string): { cron: string; fromWords: string | null } {
  try {
    return { cron: validateCron(text, timezone), fromWords: null };
  } catch (error) {
    if (!(error instanceof ScheduleError) || error.field === 'timezone') throw error;
    const day = /^(?:sun|mon|tue|tues|wed|thu|thur|thurs|fri|sat)(?:day)?$|^(?:wednes|satur)day$/i.exec(text.trim());
    if (day) {
      const name = WEEKDAY_NAMES[DAY_NAMES.indexOf(day[0].slice(0, 3).toLowerCase())]!.toLowerCase();
      throw new ScheduleError(
        `"${text.trim()}" is a day, not a schedule: say \`every ${name}\` (at 08:00) or \`every ${name} at 9am\`, or write cron such as \`0 9 * * ${name.slice(0, 3).toUpperCase()}\``,
        { expression: text },
      );
    }
    const words = readScheduleWords(text);
    if (words && leftover(text, words.phrases) === '') return { cron: validateCron(words.cron, timezone), fromWords: text.trim() };
    if (!looksLikeCron(text)) {
      throw new ScheduleError(`I could not read "${text.trim()}" as a schedule: say it like ${SCHEDULE_WORD_EXAMPLES}, or write cron such as \`*/15 * * * *\``, { expression: text });
    }
    throw error;
  }
}

/** Whether text is meant as cron (fields of digits, `*`, ranges, lists and steps, or a nickname), not words. */
function looksLikeCron(text: string): boolean {
  const t = text.trim();
  if (t.startsWith('@')) return true;
  const fields = t.split(/\s+/);
  return fields.length <= 7 && fields.some((f) => /[\d*]/.test(f)) && fields.every((f) => /^[\d*?,/#LW-]+$|^,?[A-Za-z]{3}(?:#\d+|L)?(?:[,-]+[A-Za-z]{3}(?:#\d+|L)?)*,?$/.test(f));
}

/**
 * The first slot strictly after `after` (an instant exactly on a slot gives the following slot),
 * or null when the expression never fires again. Throws ScheduleError for a bad expression or zone.
 */
export function nextRunAfter(expression: string, timezone: string, after: Date): Date | null {
  const compiled = compile(expression, timezone);
  const at = checkDate(after).getTime();
  // No slot lies between `from` and `next`, so every instant in [from, next) has `next` for answer:
  // a burst of runs of one schedule finishing in the same minute asks croner once (~0.2–0.45 ms a call).
  const last = compiled.lastNext;
  if (last && at >= last.from && (last.next === null || at < last.next)) return last.next === null ? null : new Date(last.next);
  const next = compiled.cron.nextRun(new Date(at));
  compiled.lastNext = { from: at, next: next ? next.getTime() : null };
  return next;
}

/** The next `count` slots strictly after `after` (fewer when it stops firing). */
export function nextRuns(expression: string, timezone: string, after: Date, count: number): Date[] {
  const { cron } = compile(expression, timezone);
  const n = Math.floor(count);
  return n > 0 ? cron.nextRuns(n, checkDate(after)) : [];
}

/**
 * The shortest gap, in seconds, between consecutive slots whose first slot is after `from` and
 * within the coming year (366 days) in the zone, exact across DST changes (a repeated or skipped
 * hour can bring two runs closer than the pattern's step), plus the pair from the first slot when
 * that is later, so a yearly schedule has a gap. Null if it fires at most once. Costs well under
 * 5 ms (it looks at the pattern's fields and the zone's offset changes, not at every slot).
 * Throws ScheduleError for a bad expression or zone.
 */
export function shortestGapSeconds(expression: string, timezone: string, from: Date): number | null {
  const compiled = compile(expression, timezone);
  compiled.gap ??= gapPattern(compiled);
  return shortestGap(compiled.gap, checkDate(from).getTime());
}

/** The fields as `shortestGap` reads them. */
function gapPattern(c: Compiled): GapPattern {
  const withSeconds = c.fields.length === 6;
  const [seconds, minutes, hours, dom, month, dow] = withSeconds ? c.values : [new Set([0]), ...c.values];
  const [domField, monthField, dowField] = c.fields.slice(-3) as [string, string, string];
  const sorted = (values: Set<number> | null | undefined): number[] => [...(values ?? [])].sort((a, b) => a - b);
  const dates =
    dom && month && dow && !domField.includes('?') && !dowField.includes('?')
      ? plainDateMatcher(dom, month, dow, domField === '*', dowField === '*')
      : cronerDateMatcher(new Cron(`0 0 0 ${domField} ${monthField} ${dowField}`, { utcOffset: 0, paused: true, mode: '5-or-6-parts', domAndDow: false }));
  return {
    cron: c.cron,
    zone: c.timezone,
    seconds: sorted(seconds),
    minutes: sorted(minutes),
    hours: sorted(hours),
    fixedTime: !c.fields.slice(0, withSeconds ? 3 : 2).some((f) => /[*?/]/.test(f)),
    dates,
  };
}

/**
 * The schedule in words with the zone: "every day at 09:00, Europe/Berlin", "every 5 minutes,
 * UTC", "at 08:30 on Monday through Friday, America/New_York", "every hour at :00 and :45, UTC"
 * (for `*\/45 * * * *`: the words say the slots, not the step). Nicknames are described through
 * their 5-field form. Throws ScheduleError for a bad expression or zone.
 */
export function describeCron(expression: string, timezone: string): string {
  const { fields, values, timezone: zone } = compile(expression, timezone);
  const text = describePattern(fields, values);
  return text === null ? `cron ${fields.join(' ')}, ${zone}` : `${text}, ${zone}`;
}

function checkDate(date: Date): Date {
  if (Number.isNaN(date.getTime())) throw new TypeError('schedule: expected a valid Date');
  return date;
}

/**
 * Compiled schedules, most recently used last. Each Cron holds ~90 KB of tables (FACTS.md), so the
 * cache is small; it spares the dispatcher a parse per run for the schedules that are busy.
 */
const COMPILED_CACHE_SIZE = 128;
const compiledCache = new Map<string, Compiled>();

/** Parses and checks the expression and zone (once per pair while cached); the Cron arms no timer. */
function compile(expression: string, timezone: string): Compiled {
  const key = `${timezone}\u0000${expression}`;
  const cached = compiledCache.get(key);
  if (cached) {
    compiledCache.delete(key);
    compiledCache.set(key, cached);
    return cached;
  }
  const compiled = compileUncached(expression, timezone);
  compiledCache.set(key, compiled);
  if (compiledCache.size > COMPILED_CACHE_SIZE) compiledCache.delete(compiledCache.keys().next().value!);
  return compiled;
}

function compileUncached(expression: string, timezone: string): Compiled {
  const normalised = expression.trim().replace(/\s+/g, ' ');
  const zone = validateTimezone(timezone);
  if (normalised === '') {
    throw new ScheduleError(
      'the schedule is empty: expected 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. `0 9 * * *`',
      { expression },
    );
  }
  let fields: string[];
  let shown = normalised;
  if (normalised.startsWith('@')) {
    shown = normalised.toLowerCase();
    const expanded = NICKNAMES[shown];
    if (expanded === undefined) {
      throw new ScheduleError(
        shown === '@reboot'
          ? '`@reboot` is not supported'
          : `\`${normalised}\` is not supported: use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly`,
        { expression },
      );
    }
    fields = expanded.split(' ');
  } else {
    fields = normalised.split(' ');
    if (fields.length !== 5 && fields.length !== 6) {
      throw new ScheduleError(
        `\`${normalised}\`: expected 5 fields (minute hour day month weekday) or 6 with seconds first, found ${fields.length}`,
        { expression },
      );
    }
  }
  const specs = fields.length === 6 ? [SECOND, ...FIELDS] : FIELDS;
  explainShape(normalised, specs, fields);
  let values: (Set<number> | null)[];
  try {
    values = fields.map((field, i) => checkField(normalised, specs[i]!, field));
  } catch (error) {
    // `0 9 * * ? *` (a year field, as in AWS): wrong as seconds first, right as five fields.
    if (fields.length === 6 && /^[*?]$/.test(fields[5]!) && fieldsFit(normalised, FIELDS, fields.slice(0, 5))) throw noYearField(normalised, fields);
    throw error;
  }

  let cron: Cron;
  try {
    cron = new Cron(fields.join(' '), {
      timezone: zone,
      paused: true,
      mode: '5-or-6-parts',
      // Day of month and weekday combine with OR when both are restricted, as in Vixie cron
      // (`0 9 13 * 5` runs on the 13th and on Fridays). That is croner 11's default
      // (`domAndDow: false`; `legacyMode` is its deprecated alias); said here so it stays so.
      // Unlike Vixie, croner counts only a literal `*` as unrestricted: `*/2` with a weekday is OR.
      domAndDow: false,
      // Vixie's DST rule: a job whose second, minute and hour have no `*` or step (`30 2 * * *`,
      // `0 2,3 * * *`) runs once when its time repeats (autumn) and at the end of the gap when its
      // time is skipped (spring); other jobs run on real wall-clock slots only.
      fixedTimeRule: 'no-wildcard',
    });
  } catch (error) {
    throw translateCronerError(normalised, error);
  }
  return { normalised: shown, fields, timezone: zone, cron, values };
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * Mistakes that deserve their own message, found before the fields are checked one by one: an
 * empty list item (a stray comma), a sixth field that is a year, an nth weekday past the 5th, and
 * L alone in the weekday field. Throws ScheduleError; returns when none applies.
 */
function explainShape(expression: string, specs: readonly FieldSpec[], fields: readonly string[]): void {
  const fail = (message: string, part: string): never => {
    throw new ScheduleError(`\`${expression}\`: ${message}`, { expression, part });
  };
  fields.forEach((field, i) => {
    const spec = specs[i]!;
    if (!field.split(',').includes('')) return;
    const kept = field.split(',').filter((item) => item !== '').join(',');
    const [where, missing] = field.endsWith(',') ? ['ends with a comma', 'follow it'] : field.startsWith(',') ? ['starts with a comma', 'come before it'] : ['has two commas in a row', 'go between them'];
    fail(`${spec.name} \`${field}\` ${where}: write \`${kept || '*'}\`, or add the value meant to ${missing}`, spec.name);
  });
  if (fields.length === 6 && /^\d{4}(?:-\d{4})?(?:,\d{4}(?:-\d{4})?)*$/.test(fields[5]!)) throw noYearField(expression, fields);
  const weekday = fields[fields.length - 1]!;
  for (const item of weekday.split(',')) {
    const nth = /^(\w+)#(\d+)$/.exec(item);
    if (nth && (Number(nth[2]) < 1 || Number(nth[2]) > 5)) {
      const n = Number(nth[2]);
      const day = /^\d$/.test(nth[1]!) ? WEEKDAY_NAMES[Number(nth[1])] : DAY_NAMES.includes(nth[1]!.toLowerCase()) ? WEEKDAY_NAMES[DAY_NAMES.indexOf(nth[1]!.toLowerCase())] : undefined;
      const name = day ?? 'weekday';
      const last = /^\d$/.test(nth[1]!) || !day ? nth[1]! : String(DAY_NAMES.indexOf(nth[1]!.toLowerCase()));
      fail(
        `there is no ${ordinal(n)} ${name} in a month: after # comes 1–5 (\`${nth[1]}#1\` is the first ${name} of the month, \`${nth[1]}#5\` the fifth, in months that have one; \`${last}L\` the last)`,
        'weekday',
      );
    }
    if (/^l$/i.test(item)) {
      const lastDay = [...fields.slice(0, -3), 'L', fields[fields.length - 2]!, '*'].join(' ');
      fail(`L alone is not a weekday: in the weekday field L follows a day, as in \`5L\` (the last Friday of the month); for the last day of the month, put L in the day-of-month field: \`${lastDay}\``, 'weekday');
    }
  }
}

/** "`0 9 * * 1-5 2026`: Steward's cron has no year field …", suggesting the first five fields. */
function noYearField(expression: string, fields: readonly string[]): ScheduleError {
  return new ScheduleError(
    `\`${expression}\`: Steward's cron has no year field (with 6 fields the first is seconds and the last the weekday): write the 5 fields \`${fields.slice(0, 5).join(' ')}\`; a schedule repeats every year`,
    { expression, part: 'year' },
  );
}

/** Whether every field passes `checkField` (used to tell what a refused expression was meant as). */
function fieldsFit(expression: string, specs: readonly FieldSpec[], fields: readonly string[]): boolean {
  try {
    fields.forEach((field, i) => checkField(expression, specs[i]!, field));
    return true;
  } catch {
    return false;
  }
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/**
 * Checks one field: a list of `*`, `?`, a number or name, or a range, each optionally with a
 * `/step`. Returns the values it allows, or null for Quartz extensions left for croner to check.
 */
function checkField(expression: string, spec: FieldSpec, field: string): Set<number> | null {
  const fail = (detail: string): never => {
    throw new ScheduleError(`\`${expression}\`: ${detail}`, { expression, part: spec.name });
  };
  const values = new Set<number>();
  for (const item of field.split(',')) {
    if (spec.extensions?.test(item)) return null;
    const [base = '', step, extra] = item.split('/');
    const invalid = () =>
      fail(
        `${spec.name} \`${item}\` is not valid: use * or a number ${spec.min}–${spec.max}, a range (1-5), a list (1,15) or a step (*/5)`,
      );
    if (extra !== undefined || base === '') invalid();
    let stepBy = 1;
    if (step !== undefined) {
      if (!/^\d+$/.test(step)) invalid();
      stepBy = Number(step);
      const most = spec.max - spec.min + (spec.name === 'weekday' ? 0 : 1);
      if (stepBy < 1 || stepBy > most) fail(`${spec.name} step ${stepBy} is out of range 1–${most}`);
    }
    let low = spec.min;
    let high = spec.name === 'weekday' ? 6 : spec.max;
    if (base !== '*' && base !== '?') {
      const bounds = base.split('-');
      if (bounds.length > 2) invalid();
      const numbers = bounds.map((text, i) => {
        const named = spec.names?.indexOf(text.toLowerCase()) ?? -1;
        if (named === 0 && i === 1 && spec.name === 'weekday') return 7; // MON-SUN, as croner reads it
        if (named >= 0) return named + (spec.name === 'month' ? 1 : 0);
        if (!/^\d+$/.test(text)) invalid();
        const n = Number(text);
        if (n < spec.min || n > spec.max) fail(`${spec.name} ${n} is out of range ${spec.min}–${spec.max}`);
        return n;
      });
      low = numbers[0]!;
      high = numbers[1] ?? (step === undefined ? low : spec.max);
      if (bounds.length === 1 && step !== undefined) {
        fail(`${spec.name} \`${item}\`: a step needs * or a range before it, e.g. */${step} or ${low}-${spec.max}/${step}`);
      }
      if (low > high) fail(`${spec.name} range ${base} runs backwards: put the smaller value first`);
    }
    for (let v = low; v <= high; v += stepBy) values.add(spec.name === 'weekday' && v === 7 ? 0 : v);
  }
  return values;
}

/** croner's messages for what `checkField` lets through (L, W, # and the like), made readable. */
function translateCronerError(expression: string, error: unknown): ScheduleError {
  const message = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
  const range = /^Invalid value for (\w+): (-?\d+)$/.exec(message);
  const known = range ? CRONER_FIELDS[range[1]!] : undefined;
  if (range && known) {
    const { spec, offset } = known;
    const value = Number(range[2]) + offset;
    return new ScheduleError(`\`${expression}\`: ${spec.name} ${value} is out of range ${spec.min}–${spec.max}`, {
      expression,
      part: spec.name,
    });
  }
  return new ScheduleError(`\`${expression}\`: ${message}`, { expression });
}
