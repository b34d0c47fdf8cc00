import { codePointLength, cutText, type TextUnit } from '../util/text.js';
import { timeTag } from '../capabilities/reading.js';

/** Discord's limits on what a bot sends; text past them is cut with a visible "…". */
export const LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  footer: 2048,
  embedTotal: 6000,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  customId: 100,
} as const;

/**
 * `text` cut to `max` characters as Discord counts them (code points), ending in "…" when it was
 * longer; never splits an emoji, and half characters already in it become U+FFFD (Discord refuses them).
 * Text for a discord.js builder (a modal's title, a text input's label…) is counted in UTF-16 units
 * instead, as the builders check it: within the limit either way.
 */
export function cut(text: string, max: number, units: TextUnit = 'code points'): string {
  return cutText(text, max, { units });
}

/** Text Discord shows as blank in an embed field (it refuses those): nothing left once trimmed. */
const BLANK = '\u200b';
const orBlank = (text: string): string => (text.trim() === '' ? BLANK : text);

export interface EmbedData {
  title?: string;
  url?: string;
  thumbnail?: { url: string };
  description?: string;
  color?: number;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
  timestamp?: string;
}

/**
 * The embed cut to Discord's limits, counted as Discord counts (code points): each part to its own
 * limit, blank field names and values made visible-blank (Discord refuses empty ones), at most 25
 * fields, and the whole within 6000 (the description is shortened first, then fields are dropped).
 * Every string in it is well-formed.
 */
export function fitEmbed(embed: EmbedData): EmbedData {
  const fitted: EmbedData = { ...embed };
  if (fitted.title !== undefined) fitted.title = cut(fitted.title, LIMITS.title);
  if (fitted.description !== undefined) fitted.description = cut(fitted.description || BLANK, LIMITS.description);
  if (fitted.footer) fitted.footer = { text: cut(fitted.footer.text, LIMITS.footer) };
  fitted.fields = (embed.fields ?? []).slice(0, LIMITS.fields).map((f) => ({
    ...f,
    name: cut(orBlank(f.name), LIMITS.fieldName),
    value: cut(orBlank(f.value), LIMITS.fieldValue),
  }));
  const length = (text: string | undefined): number => (text === undefined ? 0 : codePointLength(text));
  const size = (e: EmbedData) =>
    length(e.title) + length(e.description) + length(e.footer?.text) + (e.fields ?? []).reduce((n, f) => n + length(f.name) + length(f.value), 0);
  let over = size(fitted) - LIMITS.embedTotal;
  if (over > 0 && fitted.description) {
    fitted.description = cut(fitted.description, Math.max(1, length(fitted.description) - over));
    over = size(fitted) - LIMITS.embedTotal;
  }
  while (over > 0 && fitted.fields.length > 0) {
    fitted.fields.pop();
    over = size(fitted) - LIMITS.embedTotal;
  }
  return fitted;
}

/** A Discord timestamp that each reader sees in their own time zone (`R` relative, `F` full, `f` short). */
export function discordTime(date: Date, style: 'R' | 'F' | 'f' | 'd' | 't' = 'f'): string {
  return timeTag(date, style);
}
