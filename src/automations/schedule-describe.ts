/**
 * A cron pattern in words that match its slots. cronstrue words the text of a pattern; where that
 * text says something other than what runs, the fields are first rewritten to what runs:
 * - a step that does not divide its field's cycle (`*\/45` minutes runs at :00 and :45, then :00
 *   again 15 minutes later; `*\/5` hours at 00:00, 05:00 … 20:00, then 00:00 four hours later; any
 *   step over days of the month restarts on the 1st) becomes the list of its values;
 * - a field whose values cover the whole field (`0-7` or `MON-SUN` weekdays, `1-31`, `0-59`)
 *   becomes `*`; with day of month OR weekday (croner's rule when both are restricted), a whole
 *   field on either side means every day;
 * - weekday 7 is Sunday, said once.
 */
import cronstrue from 'cronstrue';

interface Field {
  readonly min: number;
  readonly max: number;
  /** The length of the field's cycle a step must divide to repeat evenly (null: never, for days of the month). */
  readonly cycle: number | null;
}

const SECOND: Field = { min: 0, max: 59, cycle: 60 };
const MINUTE: Field = { min: 0, max: 59, cycle: 60 };
const HOUR: Field = { min: 0, max: 23, cycle: 24 };
const DOM: Field = { min: 1, max: 31, cycle: null };
const MONTH: Field = { min: 1, max: 12, cycle: 12 };
const DOW: Field = { min: 0, max: 6, cycle: 7 };

/** Most times listed one by one ("at 00:15, 00:45, 05:15 …") before cronstrue's wording is kept. */
const MAX_LISTED_TIMES = 12;

/**
 * The pattern (5 or 6 fields, nicknames expanded) in words without the zone, e.g. "every day at
 * 09:00", "every hour at :00 and :45", "at 07:15 on Monday through Friday". `values` are the
 * values each field allows (null for a field with L, W or #). Null when cronstrue cannot read it.
 */
export function describePattern(fields: readonly string[], values: readonly (ReadonlySet<number> | null)[]): string | null {
  const specs = fields.length === 6 ? [SECOND, MINUTE, HOUR, DOM, MONTH, DOW] : [MINUTE, HOUR, DOM, MONTH, DOW];
  const shown = fields.map((field, i) => rewrite(field, values[i] ?? null, specs[i]!));
  const [dom, dow] = [shown.length - 3, shown.length - 1];
  // Day of month OR weekday: when both are restricted and one of them is every day, every day runs.
  const restricted = (f: string) => f !== '*' && f !== '?';
  if (restricted(fields[dom]!) && restricted(fields[dow]!) && (isWhole(values[dom] ?? null, DOM) || isWhole(values[dow] ?? null, DOW))) {
    shown[dom] = '*';
    shown[dow] = '*';
  }
  let text: string;
  try {
    text = timesOfDay(shown, values) ?? cronstrue.toString(shown.join(' '), { use24HourTimeFormat: true, verbose: false, throwExceptionOnParseError: true });
  } catch {
    return null;
  }
  // "At 0 and 45 minutes past the hour" → "every hour at :00 and :45".
  text = text.replace(/^At ((?:\d+, )*\d+,? and \d+) minutes past the hour/, (_, list: string) => {
    const minutes = list.split(/,? and |, /).map((m) => `:${m.padStart(2, '0')}`);
    const said = `${minutes.slice(0, -1).join(', ')} and ${minutes.at(-1)!}`;
    return shown[shown.length - 4] === '*' ? `Every hour at ${said}` : `At ${said} past the hour`;
  });
  // "At 08:30, Monday through Friday" / "At 00:00, only on Sunday" → "At 08:30 on …"
  text = text.replace(/, (?:only )?(?:on )?(?=(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b)/, ' on ');
  if (!/^(?:[A-Z][a-z]+day|January|February|March|April|May|June|July|August|September|October|November|December)\b/.test(text)) {
    text = text.charAt(0).toLowerCase() + text.slice(1);
  }
  const everyDay = shown.slice(-3).every((f) => f === '*');
  if (everyDay && /^at \d\d:\d\d/.test(text)) text = `every day ${text}`;
  return text;
}

/** One field as it should be worded: `*` for the whole field, the list of values for an uneven step, else as written. */
function rewrite(field: string, values: ReadonlySet<number> | null, spec: Field): string {
  if (field === '?' || field === '*') return '*';
  if (values === null) return field;
  if (isWhole(values, spec)) return '*';
  const sorted = [...values].sort((a, b) => a - b);
  if (field.includes('/') && unevenStep(sorted, spec)) return sorted.join(',');
  // Weekday 7 and 0 are both Sunday (`0,7`, `SUN,7`): say it once.
  if (spec === DOW && /(?:^|,)7(?:$|,)/.test(field) && /(?:^|,)(?:0|sun)(?:$|[,-])/i.test(field)) return sorted.join(',');
  return field;
}

function isWhole(values: ReadonlySet<number> | null, spec: Field): boolean {
  return values !== null && values.size === spec.max - spec.min + 1;
}

/** Whether the values are a step from the field's start that does not come round evenly (`*\/45` minutes, `*\/5` hours, `*\/3` days). */
function unevenStep(sorted: readonly number[], spec: Field): boolean {
  if (sorted.length < 2 || sorted[0] !== spec.min) return false;
  const step = sorted[1]! - sorted[0]!;
  const last = sorted.at(-1)!;
  if (last + step <= spec.max) return false; // a range that stops short: "every 15 minutes, 0 through 30" is right
  return spec.cycle === null || spec.cycle % step !== 0;
}

/**
 * "at 00:15, 00:45, 05:15 …" for several minutes in a list of hours, which cronstrue words as if it
 * also ran on the hour ("At 15 and 45 minutes past the hour, at 00:00, 05:00…"). Null when it
 * does not apply (then cronstrue's wording is right).
 */
function timesOfDay(shown: readonly string[], values: readonly (ReadonlySet<number> | null)[]): string | null {
  const withSeconds = shown.length === 6;
  if (withSeconds && shown[0] !== '0') return null;
  const [minuteField, hourField] = withSeconds ? [shown[1]!, shown[2]!] : [shown[0]!, shown[1]!];
  const [minutes, hours] = withSeconds ? [values[1], values[2]] : [values[0], values[1]];
  if (!minutes || !hours || minutes.size < 2 || hourField === '*' || /[-/*]/.test(minuteField) || /[/*]/.test(hourField)) return null;
  if (minutes.size * hours.size > MAX_LISTED_TIMES) return null;
  const times: string[] = [];
  for (const h of [...hours].sort((a, b) => a - b)) for (const m of [...minutes].sort((a, b) => a - b)) times.push(`${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  const rest = cronstrue.toString(['0', '0', ...shown.slice(-3)].join(' '), { use24HourTimeFormat: true, verbose: false, throwExceptionOnParseError: true }).replace(/^At 00:00/, '');
  return `At ${times.slice(0, -1).join(', ')} and ${times.at(-1)!}${rest}`;
}
