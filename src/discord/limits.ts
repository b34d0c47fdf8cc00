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

/** `text` cut to `max` characters, ending in "…" when it was longer. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

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
 * The embed cut to Discord's limits: each part to its own limit, at most 25 fields, and the whole
 * within 6000 characters (the description is shortened first, then fields are dropped).
 */
export function fitEmbed(embed: EmbedData): EmbedData {
  const fitted: EmbedData = { ...embed };
  if (fitted.title !== undefined) fitted.title = cut(fitted.title, LIMITS.title);
  if (fitted.description !== undefined) fitted.description = cut(fitted.description || '​', LIMITS.description);
  if (fitted.footer) fitted.footer = { text: cut(fitted.footer.text, LIMITS.footer) };
  fitted.fields = (embed.fields ?? []).slice(0, LIMITS.fields).map((f) => ({
    ...f,
    name: cut(f.name || '​', LIMITS.fieldName),
    value: cut(f.value || '​', LIMITS.fieldValue),
  }));
  const size = (e: EmbedData) =>
    (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  let over = size(fitted) - LIMITS.embedTotal;
  if (over > 0 && fitted.description) {
    fitted.description = cut(fitted.description, Math.max(1, fitted.description.length - over));
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
  return `<t:${Math.floor(date.getTime() / 1000)}:${style}>`;
}
