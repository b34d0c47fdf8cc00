import type { Reading } from '../capabilities/reading.js';
import { durationWords, timeTag } from '../capabilities/reading.js';
import type { Channel, NewNotification, Notification, RichMessage } from '../notifications/outbox.js';
import { redactSecrets } from '../redact.js';
import { conditionFields, readPath, type Condition } from './alerts/condition.js';
import { formatCondition } from './alerts/text.js';
import type { AlertHold, Automation, JsonObject } from './types.js';
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

/**
 * The buttons under an alert, in the tasks channel and in DMs alike (the owner's check is the same
 * there): hold its alerts for an hour, a day or until resolved, pause it, show it; its raw output.
 */
export const ALERT_ACTIONS: RichMessage['actions'] = ['snooze_hour', 'snooze_day', 'mute', 'pause', 'show', 'output'];
/** The buttons under a Resolved notice: the automation and the run's raw output. */
const RESOLVED_ACTIONS: RichMessage['actions'] = ['show', 'output'];

/** The message a reading makes, with `actions` as its buttons. */
function messageOf(automation: Automation, runId: number, reading: Reading, fallbackTitle: string, actions: RichMessage['actions']): RichMessage {
  return {
    title: reading.title ?? fallbackTitle,
    url: reading.url,
    description: reading.lines.join('\n'),
    fields: reading.fields,
    thumbnail: reading.thumbnail,
    tone: reading.tone,
    actions,
    automationId: automation.id,
    runId,
  };
}

/** `embed` with `line` put first in its description. */
function withFirstLine(embed: RichMessage, line: string): RichMessage {
  return { ...embed, description: embed.description ? `${line}\n${embed.description}` : line };
}

/**
 * The alert a firing condition sends, to the tasks channel or the owner's DMs, written as the
 * capability reads its output (`reading`); without one, the condition and the output's key fields.
 * `snoozeEnded`: the alert says the condition still holds after the snooze that ended then.
 */
export function alertNotification(automation: Automation, runId: number, output: JsonObject, reading?: Reading, snoozeEnded?: Date): NewNotification {
  const condition = formatCondition(automation.alertConditions);
  const content = `Alert: ${automation.name}: ${condition}`;
  const written = reading
    ? messageOf(automation, runId, reading, `Alert: ${automation.name}`, ALERT_ACTIONS)
    : {
        title: `Alert: ${automation.name}`,
        description: `${codeSpan(condition)} is true`,
        fields: keyFields(automation.alertConditions, output),
        actions: ALERT_ACTIONS,
        automationId: automation.id,
        runId,
      };
  const embed = snoozeEnded ? withFirstLine(written, `⏰ **Still the case** after the snooze that ended ${timeTag(snoozeEnded, 'R')}`) : written;
  return { type: 'alert', channel: channelOf(automation), content: snoozeEnded ? `Still: ${content}` : content, embed, automationId: automation.id, runId };
}

/** The line an alert held by `hold` starts with: who snoozed it until when, or who muted it. */
export function holdLine(hold: AlertHold): string {
  return hold.kind === 'snoozed'
    ? `🔕 **Snoozed** by <@${hold.by}> until ${timeTag(hold.until, 'f')} (${timeTag(hold.until, 'R')})`
    : `🔇 **Muted** by <@${hold.by}> until it resolves`;
}

/**
 * The edit that marks an alert message (`original`, as queued) as held: its text kept, a first
 * line saying who snoozed it until when (or muted it until resolved). Goes to the original's channel.
 */
export function holdEdit(automation: Automation, original: Notification, hold: AlertHold): NewNotification {
  const line = holdLine(hold);
  return {
    type: 'edit',
    channel: original.channel,
    content: `${original.content} (${hold.kind === 'snoozed' ? 'snoozed' : 'muted until resolved'})`,
    embed: original.embed ? withFirstLine(original.embed, line) : null,
    automationId: automation.id,
    runId: original.runId,
    editOf: original.id,
  };
}

/** The Resolved notice at an incident's end ("🟢 my-site is back up after 12 min, 4 checks down"). */
export function resolvedNotification(automation: Automation, runId: number, reading: Reading): NewNotification {
  const embed = messageOf(automation, runId, reading, `Resolved: ${automation.name}`, RESOLVED_ACTIONS);
  return { type: 'resolved', channel: channelOf(automation), content: `Resolved: ${embed.title}`, embed, automationId: automation.id, runId };
}

/**
 * The edit that marks an incident's alert (`original`, as queued) resolved: its text kept, a first
 * line saying when it resolved and after how long, greyed out. Goes to the original's channel.
 */
export function resolvedEdit(automation: Automation, runId: number, original: Notification, resolved: { startedAt: Date; endedAt: Date }): NewNotification {
  const line = `✅ **Resolved** ${timeTag(resolved.endedAt, 'f')} (${timeTag(resolved.endedAt, 'R')}), after ${durationWords(resolved.endedAt.getTime() - resolved.startedAt.getTime())}`;
  // Nothing is left to snooze or mute on a resolved alert.
  const embed: RichMessage | null = original.embed ? { ...withFirstLine(original.embed, line), tone: 'muted', actions: RESOLVED_ACTIONS } : null;
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
      actions: ['resume', 'show'],
      automationId: automation.id,
      runId,
    },
    automationId: automation.id,
    runId,
  };
}
