import type { NewNotification } from '../notifications/outbox.js';
import { redactSecrets } from '../redact.js';
import { conditionFields, readPath, type Condition } from './alerts/condition.js';
import { formatCondition } from './alerts/text.js';
import type { Automation, JsonObject } from './types.js';
import { codeSpan, cutText } from '../util/text.js';

const MAX_FIELDS = 8;
const MAX_VALUE_CHARS = 200;

/** A value as notice text: URLs without user info or query (see redactSecrets), strings as they are, anything else as JSON; at most 200 characters, never half of one. */
function show(value: unknown): string {
  return cutText(redactSecrets(typeof value === 'string' ? value : JSON.stringify(value) ?? 'null'), MAX_VALUE_CHARS);
}

/** The output's key fields: the ones the condition reads first, then other top-level scalars. */
export function keyFields(condition: Condition | null, output: JsonObject): { name: string; value: string }[] {
  const fields: { name: string; value: string }[] = [];
  for (const path of conditionFields(condition)) {
    const { found, value } = readPath(output, path);
    fields.push({ name: path, value: found ? show(value) : '(missing)' });
  }
  for (const [name, value] of Object.entries(output)) {
    if (fields.length >= MAX_FIELDS) break;
    if (fields.some((f) => f.name === name) || typeof value === 'object') continue; // objects, arrays and nulls say little in a field
    fields.push({ name, value: show(value) });
  }
  return fields.slice(0, MAX_FIELDS);
}

/** The alert a firing condition sends, to the tasks channel or the owner's DMs. */
export function alertNotification(automation: Automation, runId: number, output: JsonObject): NewNotification {
  const condition = formatCondition(automation.alertConditions);
  const content = `Alert: ${automation.name}: ${condition}`;
  return {
    type: 'alert',
    channel: automation.alertTo === 'dm' ? `dm:${automation.userId}` : 'tasks',
    content,
    embed: {
      title: `Alert: ${automation.name}`,
      description: `${codeSpan(condition)} is true`,
      fields: keyFields(automation.alertConditions, output),
      // Buttons do not work in DMs (commands are refused there), so a DM alert carries none.
      actions: automation.alertTo === 'dm' ? [] : ['show'],
      automationId: automation.id,
      runId,
    },
    automationId: automation.id,
    runId,
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
    channel: automation.alertTo === 'dm' ? `dm:${automation.userId}` : 'tasks',
    content: `Paused: ${automation.name}. ${description}`,
    embed: {
      title: `Paused: ${automation.name}`,
      description,
      fields: [
        { name: 'Failures in a row', value: String(failures) },
        { name: 'Last error', value: show(lastError) },
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
