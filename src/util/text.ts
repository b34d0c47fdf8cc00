/**
 * Text as Discord counts and stores it: lengths in Unicode code points, and never half a character.
 * An emoji is two UTF-16 units; `text.slice(0, n)` can keep the first (a lone surrogate), which
 * Discord refuses (400, Invalid Form Body). Every cut of text that reaches Discord goes through
 * `cutText`.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** `text` with every lone UTF-16 surrogate (half a character) replaced by U+FFFD, so it is well-formed Unicode. */
export function wellFormed(text: string): string {
  return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATES, '\uFFFD') : text;
}

const isHigh = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/** The UTF-16 index just after the first `count` code points of `text` (its length when it has fewer). */
function indexAfter(text: string, count: number): number {
  let i = 0;
  for (let n = 0; n < count && i < text.length; n++) i += isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1)) ? 2 : 1;
  return i;
}

/** How long Discord counts `text`: its code points (an emoji counts 1, a lone surrogate 1). */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; n++) i += isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1)) ? 2 : 1;
  return n;
}

/** How `cutText` counts: code points (what Discord counts), or UTF-16 units (what discord.js builders check). */
export type TextUnit = 'code points' | 'UTF-16 units';

/**
 * `text`, well-formed (see `wellFormed`) and at most `max` long, counted in `units` (default code
 * points, as Discord counts): when longer, cut between two characters and ended with `marker`
 * ("…"), the whole still within `max`. A cut never splits a character.
 */
export function cutText(text: string, max: number, options: { marker?: string; units?: TextUnit } = {}): string {
  const { marker = '…', units = 'code points' } = options;
  const clean = wellFormed(text);
  if (max <= 0) return '';
  if (clean.length <= max) return clean; // code points ≤ UTF-16 units
  const after = (s: string, n: number): number => (units === 'code points' ? indexAfter(s, n) : unitsIndex(s, n));
  if (after(clean, max) >= clean.length) return clean;
  const room = max - (units === 'code points' ? codePointLength(marker) : marker.length);
  if (room < 0) return marker.slice(0, after(marker, max));
  return `${clean.slice(0, after(clean, room))}${marker}`;
}

/** The largest index ≤ `count` that does not fall between the two halves of a character. */
function unitsIndex(text: string, count: number): number {
  if (count >= text.length) return text.length;
  return isLow(text.charCodeAt(count)) && isHigh(text.charCodeAt(count - 1)) ? count - 1 : count;
}

/**
 * `text` as one Discord code span: backticks inside become ˋ (U+02CB), so nothing in it can end
 * the span early, and no markdown, link or mention inside it renders.
 */
export function codeSpan(text: string): string {
  return `\`${text.replace(/`/g, 'ˋ') || ' '}\``;
}

/**
 * Third-party text safe inside markdown: characters that would format, quote, head or mask a link
 * are escaped; bare URLs are left as they are, so they still work.
 */
export function escapeMarkup(text: string): string {
  return text
    .split(/(https?:\/\/[^\s<]+)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[\\*_~`|[\]]/g, '\\$&').replace(/^(\s*)(#{1,3} |>|-# )/gm, '$1\\$2')))
    .join('');
}

/** A fraction as a whole percentage ("87%"). */
export function percentText(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** Agreement with its interval, as people read it: "agreement 87% (95% CI 79–93%) over 42 comparisons". */
export function agreementText(a: { mean: number; low: number; high: number; n: number }): string {
  return `agreement ${percentText(a.mean)} (95% CI ${Math.round(a.low * 100)}–${percentText(a.high)}) over ${a.n} comparison${a.n === 1 ? '' : 's'}`;
}

/** The first `count` sentences of a text (a sentence ends with . ! or ? followed by a space). */
export function firstSentences(text: string, count: number): string {
  const sentences = text.match(/[^.!?]+[.!?]+(\s|$)/g) ?? [text];
  return sentences.slice(0, count).join(' ').replace(/\s+/g, ' ').trim();
}
