/** How an http_check output reads: `🔴 my-site is down — 503 in 5 ms`, the URL (redacted), since when; and its recovery. */
import { z } from 'zod';
import { redactUrl } from '../../redact.js';
import { alertWhen, count, durationWords, genericResolved, httpUrl, timeTag, type IncidentSpan, type OutputReader, type Reading, type ReadingContext } from '../reading.js';
import type { JsonObject } from '../../automations/types.js';
import type { FieldWords } from '../../automations/alerts/words.js';

/** What http_check's fields are called in an alert condition's words. */
const CHECK_WORDS: Record<string, FieldWords> = {
  ok: { truth: { true: 'the site answers as expected', false: 'the site is down' } },
  status: { name: 'the status' },
  latency_ms: { name: 'the response time', value: (v) => `${String(v)} ms` },
  contains: { truth: { true: 'the page has the text', false: 'the page lacks the text' } },
};

const checkOutput = z.object({
  ok: z.boolean(),
  status: z.number().optional(),
  latency_ms: z.number().optional(),
  contains: z.boolean().nullable().optional(),
  error: z.string().optional(),
});
type CheckOutput = z.infer<typeof checkOutput>;

/** What answered: `503 in 5 ms`, `200 in 40 ms, without “Welcome”`, or why nothing did. */
function answered(o: CheckOutput, inputs: JsonObject): string {
  const latency = typeof o.latency_ms === 'number' ? ` in ${Math.round(o.latency_ms)} ms` : '';
  if (!o.status) return o.error ? `no answer (${o.error.replace(/https?:\/\/\S+/g, (u) => redactUrl(u))})` : `no answer${latency}`;
  const missing = o.contains === false && typeof inputs.contains === 'string' ? `, without “${inputs.contains.slice(0, 100)}”` : '';
  return `${o.status}${latency}${missing}`;
}

/** The URL as people may see it: without user info, query or fragment. */
function shownUrl(inputs: JsonObject): string | null {
  return typeof inputs.url === 'string' ? redactUrl(inputs.url) : null;
}

/** Whether the condition is about the site being up (`ok == false`), or about something else (latency, status). */
const aboutUptime = (condition: string): boolean => condition === '' || /(^|[^\w.])ok([^\w.]|$)/.test(condition);

/** A link for the title: the URL only when nothing had to be redacted from it (a redacted one may not work). */
function titleLink(inputs: JsonObject, shown: string | null): string | null {
  return shown !== null && shown === inputs.url ? httpUrl(shown) : null;
}

function read(output: JsonObject, context: ReadingContext): Reading {
  const o = checkOutput.parse(output);
  const url = shownUrl(context.inputs);
  const what = answered(o, context.inputs);
  const title = !o.ok
    ? `🔴 ${context.name} is down — ${what}`
    : context.since && !aboutUptime(context.condition)
      ? `🟠 ${context.name}: \`${context.condition}\` — ${what}`
      : `🟢 ${context.name} is up — ${what}`;
  const lines = [
    ...(url ? [url] : []),
    ...(context.since && !o.ok ? [`Down since ${timeTag(context.since, 'f')} (${timeTag(context.since, 'R')})`] : []),
    ...(context.condition && context.condition !== 'ok == false' ? [`Alert when ${alertWhen(context, CHECK_WORDS)}`] : []),
  ];
  return { title, url: titleLink(context.inputs, url), lines, fields: [], tone: o.ok && aboutUptime(context.condition) ? 'good' : 'bad', thumbnail: null };
}

function resolved(output: JsonObject, context: ReadingContext, incident: IncidentSpan): Reading {
  const o = checkOutput.parse(output);
  if (!aboutUptime(context.condition) || !o.ok) return genericResolved(output, context, incident);
  const url = shownUrl(context.inputs);
  const after = durationWords(incident.endedAt.getTime() - incident.startedAt.getTime());
  return {
    title: `🟢 ${context.name} is back up after ${after}, ${count(incident.runs, 'check')} down`,
    url: titleLink(context.inputs, url),
    lines: [...(url ? [url] : []), `Answering again — ${answered(o, context.inputs)}; down from ${timeTag(incident.startedAt, 'f')} to ${timeTag(incident.endedAt, 'f')}`],
    fields: [],
    tone: 'good',
    thumbnail: null,
  };
}

/** http_check's reader. */
export const httpCheckReader: OutputReader = { read, resolved };
