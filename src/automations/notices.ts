import type { Reading } from '../capabilities/reading.js';
import { durationWords, timeTag } from '../capabilities/reading.js';
import type { Channel, NewNotification, Notification, RichMessage } from '../notifications/outbox.js';
import { redactSecrets } from '../redact.js';
import { conditionFields, readPath, type Condition } from './alerts/condition.js';
import { formatCondition } from './alerts/text.js';
import type { Automation, JsonObject } from './types.js';
import { codeSpan, cutText, escapeMarkup } from '../util/text.js';

const MAX_FIELDS = 8;
const MAX_VALUE_CHARS = 200;

/** A value as notice text: URLs without user info or query (see redactSecrets), strings as they are, anything else as JSON; at most 200 characters, never half of one. */
function show(value: unknown): string {
  return cutText(redactSecrets(typeof value === 'string' ? value : JSON.stringify(value) ?? 'null'), MAX_VALUE_CHARS);
}

/** A value as a notice field shows it: as {@link show}, third-party markup escaped, still at most 200 characters. */
function fieldText(value: unknown): string {
  return cutText(escapeMarkup(redactSecrets(typeof value === 'string' ? value : JSON.stringify(value) ?? 'null')), MAX_VALUE_CHARS);
}

/** The output's key fields: the ones the condition reads first, then other top-level scalars. */
export function keyFields(condition: Condition | null, output: JsonObject): { name: string; value: string }[] {
  const fields: { name: string; value: string }[] = [];
  for (const path of conditionFields(condition)) {
    const { found, value } = readPath(output, path);
    fields.push({ name: escapeMarkup(path), value: found ? fieldText(value) : '(missing)' });
  }
  for (const [name, value] of Object.entries(output)) {
    if (fields.length >= MAX_FIELDS) break;
    if (fields.some((f) => f.name === name) || typeof value === 'object') continue; // objects, arrays and nulls say little in a field
    fields.push({ name: escapeMarkup(name), value: fieldText(value) });
  }
  return fields.slice(0, MAX_FIELDS);
}

/** Where an automation's notices go: the tasks channel, or the owner's DMs. */
function channelOf(automation: Automation): Channel {
  return automation.alertTo === 'dm' ? `dm:${automation.userId}` : 'tasks';
}

/** The message a reading makes, with Show and Output buttons (none in DMs, where commands are refused). */
function messageOf(automation: Automation, runId: number, reading: Reading, fallbackTitle: string): RichMessage {
  return {
    title: reading.title ?? fallbackTitle,
    url: reading.url,
    description: reading.lines.join('\n'),
    fields: reading.fields,
    thumbnail: reading.thumbnail,
    tone: reading.tone,
    actions: automation.alertTo === 'dm' ? [] : ['show', 'output'],
    automationId: automation.id,
    runId,
  };
}

/**
 * The alert a firing condition sends, to the tasks channel or the owner's DMs, written as the
 * capability reads its output (`reading`); without one, the condition and the output's key fields.
 */
export function alertNotification(automation: Automation, runId: number, output: JsonObject, reading?: Reading): NewNotification {
  const condition = formatCondition(automation.alertConditions);
  const content = `Alert: ${automation.name}: ${condition}`;
  const embed = reading
    ? messageOf(automation, runId, reading, `Alert: ${automation.name}`)
    : {
        title: `Alert: ${automation.name}`,
        description: `${codeSpan(condition)} is true`,
        fields: keyFields(automation.alertConditions, output),
        // Buttons do not work in DMs (commands are refused there), so a DM alert carries none.
        actions: automation.alertTo === 'dm' ? [] : (['show', 'output'] as const).slice(),
        automationId: automation.id,
        runId,
      };
  return { type: 'alert', channel: channelOf(automation), content, embed, automationId: automation.id, runId };
}

/** The Resolved notice at an incident's end ("🟢 my-site is back up after 12 min, 4 checks down"). */
export function resolvedNotification(automation: Automation, runId: number, reading: Reading): NewNotification {
  const embed = messageOf(automation, runId, reading, `Resolved: ${automation.name}`);
  return { type: 'resolved', channel: channelOf(automation), content: `Resolved: ${embed.title}`, embed, automationId: automation.id, runId };
}

/**
 * The edit that marks an incident's alert (`original`, as queued) resolved: its text kept, a first
 * line saying when it resolved and after how long, greyed out. Goes to the original's channel.
 */
export function resolvedEdit(automation: Automation, runId: number, original: Notification, resolved: { startedAt: Date; endedAt: Date }): NewNotification {
  const line = `✅ **Resolved** ${timeTag(resolved.endedAt, 'f')} (${timeTag(resolved.endedAt, 'R')}), after ${durationWords(resolved.endedAt.getTime() - resolved.startedAt.getTime())}`;
  const embed: RichMessage | null = original.embed
    ? { ...original.embed, description: original.embed.description ? `${line}\n${original.embed.description}` : line, tone: 'muted' }
    : null;
  return {
    type: 'edit',
    channel: original.channel,
    content: `Resolved: ${original.content}`,
    embed,
    automationId: automation.id,
    runId,
    editOf: original.id,
  };
}

/**
 * The notice sent when failures pause an automation: where its alerts go (the tasks channel, or
 * the owner's DMs: what is private stays private), the last error without secrets.
 */
export function pauseNotification(automation: Automation, runId: number, failures: number, lastError: string): NewNotification {
  // The error text comes from elsewhere (a page, a model, a server): a code span shows it as text, never as a link.
  const description = `Paused after ${failures} failed runs in a row. Last error: ${codeSpan(show(lastError))}`;
  return {
    type: 'pause',
    channel: channelOf(automation),
    content: `Paused: ${automation.name}. ${description}`,
    embed: {
      title: `Paused: ${automation.name}`,
      description,
      fields: [
        { name: 'Failures in a row', value: String(failures) },
        { name: 'Last error', value: fieldText(lastError) },
      ],
      // Buttons do not work in DMs (commands are refused there), so a DM notice carries none.
      actions: automation.alertTo === 'dm' ? [] : ['resume', 'show'],
      automationId: automation.id,
      runId,
    },
    automationId: automation.id,
    runId,
  };
}
