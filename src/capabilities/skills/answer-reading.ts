/** How a model's answer reads (ask, summarize_page): its main text, then its lists as bullets, not its JSON. */
import { redactSecrets } from '../../redact.js';
import { escapeMarkup } from '../../util/text.js';
import { clip, fieldLabel, shareableUrl, valueWords, type OutputReader, type Reading, type ReadingContext } from '../reading.js';
import type { JsonObject } from '../../automations/types.js';

/** Field names that usually hold an answer's main text, most likely first. */
const MAIN_TEXT = ['answer', 'summary', 'text', 'output', 'result', 'message', 'content', 'digest', 'response'];
const MAX_MAIN_CHARS = 1500;
const MAX_BULLETS = 10;
const MAX_FIELDS = 6;

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** A list of short texts (or of objects with a title/name/text) as bullets; null when it is not such a list. */
function bullets(value: unknown): string[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const texts = value.map((item) => {
    if (isText(item)) return item;
    if (item && typeof item === 'object') {
      const o = item as Record<string, unknown>;
      return [o.title, o.name, o.text, o.headline].find(isText) ?? null;
    }
    return typeof item === 'number' ? String(item) : null;
  });
  if (texts.some((t) => t === null)) return null;
  const shown = (texts as string[]).slice(0, MAX_BULLETS).map((t) => `• ${escapeMarkup(clip(t.replace(/\s+/g, ' ').trim(), 300))}`);
  return value.length > MAX_BULLETS ? [...shown, `and ${value.length - MAX_BULLETS} more`] : shown;
}

/**
 * The answer's main text (the first of answer, summary, text… or its only long text), its lists
 * as bullets (a single list under its name), its other short values as fields.
 */
function read(output: JsonObject, context: ReadingContext): Reading {
  const entries = Object.entries(output).filter(([k]) => !k.startsWith('_'));
  const mainKey = MAIN_TEXT.find((k) => isText(output[k])) ?? entries.filter(([, v]) => isText(v) && v.length > 80).map(([k]) => k)[0] ?? null;
  const lines: string[] = [];
  if (mainKey) lines.push(escapeMarkup(clip(redactSecrets((output[mainKey] as string).trim()), MAX_MAIN_CHARS)));
  const fields: { name: string; value: string }[] = [];
  for (const [key, value] of entries) {
    if (key === mainKey) continue;
    const list = bullets(value);
    if (list) {
      if (lines.length) lines.push('');
      lines.push(`**${fieldLabel(key)}**`, ...list);
    } else if (fields.length < MAX_FIELDS && (typeof value !== 'object' || value === null)) {
      fields.push({ name: fieldLabel(key), value: valueWords(value) });
    }
  }
  return {
    title: context.name,
    url: shareableUrl(context.inputs.url),
    lines: lines.length ? lines : ['(an empty answer)'],
    fields,
    tone: 'neutral',
    thumbnail: null,
  };
}

/** The reader of ask and summarize_page. */
export const answerReader: OutputReader = { read };
