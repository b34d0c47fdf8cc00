/**
 * How a capability's output reads to a person: a neutral "reading" (title, link, lines, fields,
 * tone, thumbnail) that notices and the front end's views render. Each capability definition may
 * supply its own; {@link genericReading} is the fallback. Text here may use the small markdown
 * subset every chat renders (`**bold**`, `[text](url)`), and {@link timeTag} for an instant each
 * reader sees in their own time zone; nothing here knows about Discord's library.
 */
import type { JsonObject } from '../automations/types.js';
import { redactSecrets } from '../redact.js';
import { cutText, escapeMarkup } from '../util/text.js';
import { parseAlertText } from '../automations/alerts/text.js';
import { conditionInWords, type FieldWords } from '../automations/alerts/words.js';

/** Whether what the output says is good news, bad news or neither (the colour of its message). */
export type Tone = 'good' | 'bad' | 'neutral';

/** An output as a person reads it. */
export interface Reading {
  /** The headline ("🔴 my-site is down — 503 in 5 ms", a product's name); null: the notice picks one. */
  title: string | null;
  /** Where the title links to (the page watched), http(s) only; null for none. */
  url: string | null;
  /** Lines of text under the title. */
  lines: string[];
  /** Short name/value pairs. */
  fields: { name: string; value: string }[];
  tone: Tone;
  /** An image to show beside it (a product photo), http(s) only; null for none. */
  thumbnail: string | null;
}

/** What a reader knows besides the output. */
export interface ReadingContext {
  /** The automation's name. */
  name: string;
  inputs: JsonObject;
  /** The output of the run before (what "was" compares with); null when there is none. */
  previous: JsonObject | null;
  /** The alert condition as text (`price <= 100`); '' when there is none. */
  condition: string;
  /** Since when the condition holds (the open incident's start); null when it does not, or is not known. */
  since: Date | null;
  now: Date;
  /** True when the reading is an alert's (which may repeat the condition); false or absent for `/automation show` and run replies, which show it apart. */
  alert?: boolean;
}

/** An incident that just ended: when it began and ended, and on how many runs the condition held. */
export interface IncidentSpan {
  startedAt: Date;
  endedAt: Date;
  runs: number;
}

/** How a capability's output reads: as it is, and (optionally) as the end of an incident. */
export interface OutputReader {
  read(output: JsonObject, context: ReadingContext): Reading;
  /** The Resolved notice's reading when an incident ends; without one, {@link genericResolved}. */
  resolved?(output: JsonObject, context: ReadingContext, incident: IncidentSpan): Reading;
}

const MAX_LINE_CHARS = 300;
const MAX_FIELDS = 8;

/** `text` cut to `max` characters, ending in "…" when it was longer. */
export function clip(text: string, max: number): string {
  return cutText(text, max);
}

/** An http(s) URL as given, or null for anything else (javascript:, data:, a broken URL). */
export function httpUrl(value: unknown, max = 2000): string | null {
  if (typeof value !== 'string' || value.length > max) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * A link that is safe to post where others read it: an http(s) URL without user info, query or
 * fragment (where tokens ride along), or null for anything else.
 */
export function shareableUrl(value: unknown): string | null {
  const href = httpUrl(value);
  if (href === null) return null;
  const url = new URL(href);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url.href;
}

/** A markdown link `[text](url)` whose text cannot break out of the brackets, or the text alone without a usable URL. */
export function link(text: string, url: string | null): string {
  const label = escapeMarkup(clip(text.replace(/\s+/g, ' ').trim() || 'link', 200));
  return url ? `[${label}](${url.replace(/\)/g, '%29').replace(/\(/g, '%28')})` : label;
}

/** An instant that each reader sees in their own time zone (`R` relative: "12 minutes ago", `f` date and time, `d` date, `t` time). */
export function timeTag(date: Date, style: 'R' | 'f' | 'F' | 'd' | 't' = 'R'): string {
  return `<t:${Math.floor(date.getTime() / 1000)}:${style}>`;
}

/** A span in words: "45 s", "12 min", "3 h 5 min", "2 days 4 h". */
export function durationWords(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const days = Math.floor(h / 24);
  return h % 24 ? `${days} days ${h % 24} h` : `${days} days`;
}

/** "1 run" / "4 runs". */
export function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A value in words for a field: yes/no, numbers as written, text cut, URLs redacted, lists counted. */
export function valueWords(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value.trim() ? escapeMarkup(clip(redactSecrets(value.replace(/\s+/g, ' ').trim()), MAX_LINE_CHARS)) : '—';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : count(value.length, 'item');
  return clip(redactSecrets(JSON.stringify(value)), 200);
}

/** A field name as a person reads it: `latency_ms` → "Latency ms". */
export function fieldLabel(name: string): string {
  const words = name.replace(/[_.]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : name;
}

/**
 * The reading of an output no capability explains: its top-level values as fields (lists
 * counted, objects shown short), neutral.
 */
export function genericReading(output: JsonObject, context: ReadingContext): Reading {
  const fields = Object.entries(output)
    .filter(([name]) => !name.startsWith('_'))
    .slice(0, MAX_FIELDS)
    .map(([name, value]) => ({ name: fieldLabel(name), value: valueWords(value) }));
  return { title: null, url: null, lines: context.condition && context.since ? [`\`${context.condition}\` is true`] : [], fields, tone: 'neutral', thumbnail: null };
}

/** The Resolved reading of an output no capability explains: "🟢 name: resolved after 12 min". */
export function genericResolved(output: JsonObject, context: ReadingContext, incident: IncidentSpan): Reading {
  const base = genericReading(output, context);
  return {
    ...base,
    title: `🟢 ${context.name}: resolved after ${durationWords(incident.endedAt.getTime() - incident.startedAt.getTime())}`,
    lines: [`${context.condition ? `\`${context.condition}\`` : 'The condition'} no longer holds (it held on ${count(incident.runs, 'run')}).`],
    tone: 'good',
  };
}

/** Reads with `reader`, falling back to the generic reading when it has none or it throws (an output of an unexpected shape). */
export function readOutput(reader: OutputReader | undefined, output: JsonObject, context: ReadingContext): Reading {
  if (reader) {
    try {
      return reader.read(output, context);
    } catch {
      // a model's answer of an unexpected shape: read it generically
    }
  }
  return genericReading(output, context);
}

/** The Resolved reading with `reader`, falling back to {@link genericResolved}. */
export function readResolved(reader: OutputReader | undefined, output: JsonObject, context: ReadingContext, incident: IncidentSpan): Reading {
  if (reader?.resolved) {
    try {
      return reader.resolved(output, context, incident);
    } catch {
      // fall through to the generic reading
    }
  }
  return genericResolved(output, context, incident);
}

/**
 * The alert condition as a person reads it, with its text beside for whoever edits it: "the price
 * is under 100,00 € (`price < 100`)"; `fields` names the capability's output fields. Null when the
 * automation has no condition.
 */
export function alertWhen(context: ReadingContext, fields: Readonly<Record<string, FieldWords>>): string | null {
  if (!context.condition) return null;
  let condition;
  try {
    condition = parseAlertText(context.condition);
  } catch {
    condition = null;
  }
  const code = `\`${context.condition.replaceAll('`', "'")}\``;
  return condition ? `${escapeMarkup(conditionInWords(condition, fields))} (${code})` : code;
}
