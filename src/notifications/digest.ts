/**
 * The digest that stands for what a person's quiet hours held: one message per person and
 * channel, one line per notice (when it came, its headline linked to its page, its first line),
 * cut to fit one message.
 */
import { timeTag } from '../capabilities/reading.js';
import { cutText } from '../util/text.js';
import type { HeldNotification, NewNotification } from './outbox.js';

/** Discord's limit on an embed's description, which holds the lines. */
const MAX_DESCRIPTION_CHARS = 4096;
const MAX_LINE_CHARS = 300;
/** More lines than one message can hold (each line is at least ~40 characters): the notices a digest reads. */
export const DIGEST_MAX_LINES = 120;

/** One held notice as a digest line: `• 23:14 [🔴 my-site is down — 503](https://…) — Down since …`. */
export function digestLine(n: HeldNotification): string {
  const title = n.embed?.title ?? n.content;
  const headline = n.embed?.url ? `[${title}](${n.embed.url.replace(/\(/g, '%28').replace(/\)/g, '%29')})` : `**${title}**`;
  // Its first line that says something: not blank, not the bare address the headline links to already.
  const detail = n.embed?.description.split('\n').find((line) => line.trim() !== '' && !/^\S+:\/\/\S+$/.test(line.trim())) ?? '';
  return cutText(`• ${timeTag(n.createdAt, 't')} ${headline}${detail ? ` — ${detail}` : ''}`, MAX_LINE_CHARS);
}

/**
 * The digest of one person's `count` held notices in one channel, of which `held` are the oldest
 * (in order, at least one): lines while they fit in one message, then "and N more".
 */
export function digestNotification(held: readonly HeldNotification[], count: number = held.length): NewNotification {
  const first = held[0]!;
  const what = `${count} ${count === 1 ? 'notice' : 'notices'}`;
  const head = `<@${first.heldFor}>, while your quiet hours held them (from ${timeTag(first.createdAt, 't')} to ${timeTag(first.heldUntil, 't')}):`;
  const lines: string[] = [head];
  let length = head.length;
  let shown = 0;
  for (const n of held) {
    const line = digestLine(n);
    const rest = count - shown;
    // Keep room for the "and N more" line should a later line not fit.
    if (length + 1 + line.length + (rest > 1 ? 1 + `and ${rest} more`.length : 0) > MAX_DESCRIPTION_CHARS) break;
    lines.push(line);
    length += 1 + line.length;
    shown++;
  }
  if (shown < count) lines.push(`and ${count - shown} more`);
  const title = `🌙 Quiet hours are over: ${what}`;
  return {
    type: 'digest',
    channel: first.channel,
    content: `${title}\n${lines.join('\n')}`,
    embed: { title, description: lines.join('\n'), fields: [], tone: 'neutral', actions: [], automationId: null, runId: null },
    automationId: null,
    runId: null,
  };
}
