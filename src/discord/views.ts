import type { ExecutionPath } from '../automations/types.js';
import type { DraftPreviewView, DraftView } from '../automations/drafts.js';
import type {
  AlertHoldResultView,
  AlertHoldView,
  AutomationDetailsView,
  AutomationView,
  BudgetView,
  CapabilityView,
  ChartView,
  QuietHoursView,
  RunOutputView,
  RunReportView,
  RunView,
  SkillEvidenceView,
} from '../automations/view-models.js';
import type { Reading } from '../capabilities/reading.js';
import type { PeriodSpend } from '../budget/guard.js';
import type { RichMessage } from '../notifications/outbox.js';
import { formatUsd } from '../util/money.js';
import { agreementText, codeSpan, escapeMarkup } from '../util/text.js';
import { cut, discordTime, fitEmbed, LIMITS, type EmbedData } from './limits.js';

export const COLORS = { info: 0x5865f2, ok: 0x57f287, warn: 0xfee75c, alert: 0xed4245, muted: 0x99aab5 } as const;

const STATUS_ICON: Record<string, string> = {
  succeeded: '✅',
  failed: '❌',
  skipped_budget: '💸',
  skipped_condition: '⏭️',
  interrupted: '⚠️',
  running: '⏳',
};

/**
 * Text someone else wrote (a name, a page's title), safe inside Discord markdown: no bold, code or
 * headings, and no masked link (`[Verify](https://…)` shows as typed, not as a link). Bare URLs are
 * left as they are, so they still work (and show where they go).
 */
export function md(text: string): string {
  return escapeMarkup(text);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A JSON value shown in a code span, cut to fit (nothing in it can end the span). */
export function preview(value: unknown, max = 300): string {
  return codeSpan(cut(JSON.stringify(value) ?? 'null', max));
}

function alertLine(a: AutomationView): string {
  if (a.alertUnreadable) return '(stored condition unreadable)';
  const text = a.alertText;
  if (!text) return 'none';
  const repeat = a.alertRepeatAfterSeconds;
  const mode = a.alertMode === 'every' ? 'every run it holds' : repeat ? `when it turns true, again every ${repeat % 3600 === 0 ? `${repeat / 3600} h` : `${Math.round(repeat / 60)} min`}` : 'when it turns true';
  const confirm = a.confirmAfter > 1 ? ` (held on ${a.confirmAfter} runs in a row; resolved after ${a.confirmAfter} without)` : '';
  const resolved = a.alertMode === 'change' && !a.notifyResolved ? '; no Resolved notice' : '';
  return `${codeSpan(text)} — ${mode}${confirm}, to ${a.alertTo === 'dm' ? 'your DMs' : 'the tasks channel'}${resolved}`;
}

/** A reading as lines of a field or description: its title (linked), its lines, its fields as `**name**: value`. */
export function readingText(reading: Reading, withTitle = true): string {
  const title = reading.title ? (reading.url ? `**[${md(reading.title)}](${reading.url})**` : `**${md(reading.title)}**`) : null;
  return [...(withTitle && title ? [title] : []), ...reading.lines, ...reading.fields.map((f) => `**${md(f.name)}**: ${f.value}`)].join('\n');
}

/** A run's raw output as pretty JSON in a code block, cut to fit one message. */
export function rawOutputText(view: RunOutputView): string {
  const head = `Output of run #${view.run.id} of **${md(view.automation.name)}**:\n`;
  if (!view.run.output) return `${head}(this run has no output)`;
  const json = JSON.stringify(view.run.output, null, 2).replace(/```/g, '`\u200b``');
  const room = LIMITS.content - head.length - '```json\n\n```'.length;
  return `${head}\`\`\`json\n${cut(json, room)}\n\`\`\``;
}

function runLine(r: RunView): string {
  const took = r.finishedAt ? ` in ${((r.finishedAt.getTime() - r.startedAt.getTime()) / 1000).toFixed(1)} s` : '';
  const cost = r.costUsd > 0 ? `, ${formatUsd(r.costUsd)}` : '';
  const alert = r.alertSent ? ', 🔔 alert' : '';
  const held = r.alertHeld ? `, ${r.alertHeld === 'snoozed' ? '🔕' : '🔇'} held: ${r.alertHeld}` : '';
  const resolved = r.resolvedIncident ? ', 🟢 resolved' : '';
  const error = r.error ? ` — ${codeSpan(cut(r.error, 120))}` : '';
  return `${STATUS_ICON[r.status] ?? ''} #${r.id} ${discordTime(r.startedAt, 'f')} ${r.trigger}${r.path ? ` via ${r.path}` : ''}${took}${cost}${alert}${resolved}${held}${error}`;
}

function statusLine(a: AutomationView): string {
  if (a.status === 'paused') return a.pausedReason === 'failures' ? '⏸️ paused after repeated failures' : '⏸️ paused';
  return a.status === 'active' ? '▶️ active' : a.status;
}

/** A snooze or mute in words: `🔕 snoozed by @alice until … (in 1 hour)`, `🔇 muted by @alice until it resolves`. */
export function holdText(hold: AlertHoldView): string {
  return hold.kind === 'snoozed'
    ? `🔕 snoozed by <@${hold.by}> until ${discordTime(hold.until, 'f')} (${discordTime(hold.until, 'R')})`
    : `🔇 muted by <@${hold.by}> until it resolves`;
}

/** What a Snooze or Mute press answers (only the presser sees it). */
export function holdReplyText(view: AlertHoldResultView): string {
  const name = `**${md(view.automation.name)}**`;
  const { hold } = view;
  return hold.kind === 'snoozed'
    ? `🔕 Snoozed ${name} until ${discordTime(hold.until, 'f')} (${discordTime(hold.until, 'R')}): no alert and no Resolved notice until then. If it still holds when the snooze ends, one alert says so.`
    : `🔇 Muted ${name} until it resolves: no alert until its condition turns false; the Resolved notice then comes as usual.`;
}

/** Quiet hours in words: `22:00 to 07:00 (Europe/Berlin), pause notices held too`. */
export function quietHoursText(q: QuietHoursView): string {
  const pauses = q.urgent ? 'pause notices go out at once' : 'pause notices held too';
  const now = q.endsAt ? `; quiet now, the digest comes ${discordTime(q.endsAt, 'R')}` : '';
  return `🌙 ${q.from} to ${q.to} (${q.timezone}), ${pauses}${now}`;
}

/** What `/settings quiet` answers asked for nothing: the quiet hours there are, or how to set them. */
export function quietHoursShownText(q: QuietHoursView | null): string {
  return q ? `Your quiet hours: ${quietHoursText(q)}. \`/settings quiet off:true\` ends them.` : 'You have no quiet hours. Set them with `/settings quiet from:22:00 to:07:00`.';
}

/** What `/settings quiet off:true` answers: `released` notices they held arrive now. */
export function quietHoursOffText(released: number): string {
  const held = released > 0 ? ` The ${released === 1 ? 'notice' : `${released} notices`} they held ${released === 1 ? 'arrives' : 'arrive'} now, in one digest.` : '';
  return `🔔 Quiet hours are off: alerts arrive as they happen.${held}`;
}

/** What `/settings quiet` answers when it sets them. */
export function quietHoursReplyText(q: QuietHoursView): string {
  const pauses = q.urgent ? ' Pause notices still go out at once (urgent).' : ' Pause notices wait too (add `urgent:true` to have them at once).';
  const now = q.endsAt ? ` You are in them now: the digest comes ${discordTime(q.endsAt, 'R')}.` : '';
  return `🌙 Quiet hours: **${q.from} to ${q.to}** (${q.timezone}). Alerts of your automations that come in then wait, and arrive as one digest at ${q.to}.${pauses}${now}`;
}

/** What `/automation create` answers: what was made, when it runs, what alerts. */
export function createdEmbed(a: AutomationView): EmbedData {
  return fitEmbed({
    title: `Created: ${a.name}`,
    color: COLORS.ok,
    description: a.description || undefined,
    fields: [
      { name: 'Capability', value: `${a.capability} (${pathWords(a.path)})`, inline: true },
      { name: 'Schedule', value: a.scheduleText, inline: true },
      { name: 'Next runs', value: a.nextRuns.length ? a.nextRuns.map((d) => `${discordTime(d, 'F')} (${discordTime(d, 'R')})`).join('\n') : 'only when you run it' },
      { name: 'Alert', value: alertLine(a) },
      { name: 'Inputs', value: preview(a.inputs, 900) },
    ],
    footer: { text: `#${a.id} · max cost per run ${a.maxCostPerRunUsd === null ? 'none' : formatUsd(a.maxCostPerRunUsd)} · min interval ${a.minIntervalSeconds} s` },
  });
}

function pathWords(path: ExecutionPath | null): string {
  return path === null ? 'unknown' : path === 'skill' ? 'local skill' : 'model';
}

/** `/automation show`: everything about one automation. */
/** `/automation show`: its chart drawn now (`chart`), or the chart file the message already carries (`keptChart`, its name). */
export function detailsEmbed(d: AutomationDetailsView, chart?: ChartView, keptChart?: string): EmbedData {
  const a = d.automation;
  const last = d.recentRuns[0];
  return fitEmbed({
    title: a.name,
    color: a.status === 'active' ? COLORS.info : COLORS.muted,
    description: a.description || undefined,
    fields: [
      { name: 'Status', value: statusLine(a), inline: true },
      { name: 'Capability', value: `${a.capability} (${pathWords(a.path)})`, inline: true },
      { name: 'Schedule', value: a.scheduleText, inline: true },
      { name: 'Next runs', value: a.nextRuns.length ? a.nextRuns.map((t) => `${discordTime(t, 'F')} (${discordTime(t, 'R')})`).join('\n') : a.status === 'active' ? 'only when you run it' : 'none while paused' },
      { name: 'Alert', value: alertLine(a) },
      ...(d.alertHold ? [{ name: 'Alerts held', value: holdText(d.alertHold) }] : []),
      ...(d.quietHours ? [{ name: 'Quiet hours', value: quietHoursText(d.quietHours) }] : []),
      { name: 'Owner', value: `<@${a.userId}>`, inline: true },
      { name: 'Last run', value: last ? runLine(last) : 'not run yet' },
      ...(d.lastReading ? [{ name: d.lastReading.runId === last?.id ? 'What it saw' : `What it saw (run #${d.lastReading.runId})`, value: cut(readingText(d.lastReading.reading), LIMITS.fieldValue) }] : []),
      { name: 'Runs', value: `${plural(a.runCount, 'run')}, ${plural(a.failureCount, 'failure')} in a row`, inline: true },
      { name: 'Spend', value: `${formatUsd(d.spend.todayUsd)} today, ${formatUsd(d.spend.monthUsd)} this month`, inline: true },
      { name: 'Recent runs', value: d.recentRuns.length ? d.recentRuns.map(runLine).join('\n') : 'none' },
      { name: 'Inputs', value: preview(a.inputs, 600) },
      ...(d.undeliveredNotices.count ? [{ name: 'Undelivered', value: `${plural(d.undeliveredNotices.count, 'notice')} could not be delivered: ${d.undeliveredNotices.lastError ?? 'refused by Discord'}` }] : []),
      ...(chart?.note ? [{ name: 'Chart', value: chart.note }] : []),
    ],
    ...(chart?.image ? { image: { url: `attachment://${chart.image.filename}` } } : keptChart ? { image: { url: `attachment://${keptChart}` } } : {}),
    footer: { text: `#${a.id} · created ${a.createdAt.toISOString().slice(0, 10)}` }, // the owner is a field, as a mention
  });
}

/** `/automation list`: one line per automation. */
export function listEmbed(automations: AutomationView[], page: number, pages: number, total: number, everyone: boolean): EmbedData {
  const lines = automations.map((a) => {
    const next = a.status === 'active' && a.nextRunAt ? `next ${discordTime(a.nextRunAt, 'R')}` : a.status === 'active' ? 'manual' : statusLine(a);
    const failures = a.failureCount > 0 ? ` · ${a.failureCount} failures` : '';
    const owner = everyone ? ` · <@${a.userId}>` : '';
    return `**${md(a.name)}** (#${a.id}) · ${a.capability} · ${a.scheduleText} · ${next}${failures}${owner}`;
  });
  return fitEmbed({
    title: everyone ? 'All automations' : 'Your automations',
    color: COLORS.info,
    description: lines.length ? lines.join('\n') : 'None yet. Make one with `/automation create`.',
    footer: { text: `page ${page + 1} of ${Math.max(pages, 1)} · ${total} in all` },
  });
}

/** `/automation runs`. */
export function runsEmbed(a: AutomationView, runs: RunView[]): EmbedData {
  return fitEmbed({
    title: `Runs of ${a.name}`,
    color: COLORS.info,
    description: runs.length ? runs.map(runLine).join('\n') : 'No runs yet.',
    footer: { text: `#${a.id} · ${a.runCount} runs in all` },
  });
}

/** `/automation run`: the outcome of a run now. */
export function runReportEmbed(report: RunReportView): EmbedData {
  const { automation: a, run } = report;
  const title = {
    succeeded: `Ran ${a.name}`,
    cost_exceeded: `${a.name}: over its cost cap`,
    skipped_budget: `${a.name}: skipped, the LLM budget is paused`,
    skipped_condition: `${a.name}: skipped`,
    failed: `${a.name}: failed`,
    error: `${a.name}: could not run`,
  }[report.outcome];
  const fields = [];
  // The error stands above as the description: the run's line does not say it a second time.
  if (run) fields.push({ name: 'Run', value: runLine(report.error !== null && report.error === run.error ? { ...run, error: null } : run) });
  if (report.reading) fields.push({ name: 'What it saw', value: cut(readingText(report.reading), LIMITS.fieldValue) });
  if (report.alertSent) fields.push({ name: 'Alert', value: `🔔 ${codeSpan(a.alertText)} fired` });
  return fitEmbed({
    title,
    color: report.outcome === 'succeeded' ? COLORS.ok : report.outcome === 'skipped_budget' ? COLORS.warn : COLORS.alert,
    description: report.error ? codeSpan(cut(report.error, LIMITS.description - 2)) : undefined,
    fields,
  });
}

/** `/budget`. */
export function budgetEmbed(b: BudgetView): EmbedData {
  const line = (p: PeriodSpend) => `${formatUsd(p.spentUsd)} of ${formatUsd(p.limitUsd)} (${p.limitUsd > 0 ? Math.floor((p.spentUsd / p.limitUsd) * 100) : 100}%)`;
  return fitEmbed({
    title: 'LLM budget',
    color: b.paused ? COLORS.warn : COLORS.info,
    fields: [
      { name: 'Today (UTC)', value: line(b.daily), inline: true },
      { name: 'This month (UTC)', value: line(b.monthly), inline: true },
      {
        name: 'Model work',
        value: b.paused ? `paused (${b.paused.period} cap) until ${discordTime(b.paused.resumesAt, 'F')} (${discordTime(b.paused.resumesAt, 'R')}); local skills keep running` : 'running',
      },
      { name: 'Spent most this month', value: b.top.length ? b.top.map((t) => `**${md(t.name)}** ${formatUsd(t.spentUsd)}`).join('\n') : 'nothing yet' },
      {
        name: 'Checking skills this month',
        value:
          b.byKind.shadow + b.byKind.judge === 0 && b.byKind.skipped === 0
            ? 'nothing yet'
            : `${formatUsd(b.byKind.shadow + b.byKind.judge)}: ${formatUsd(b.byKind.shadow)} on shadow runs, ${formatUsd(b.byKind.judge)} on judging agreement` +
              (b.byKind.skipped ? `; ${plural(b.byKind.skipped, 'call')} skipped at a cap` : ''),
      },
    ],
  });
}

/** "promoted by @carol", "demoted automatically", "as installed", and when. */
function changedByText(change: SkillEvidenceView['lastChange']): string {
  const verb = change.verb === 'Set' ? 'set' : change.verb.toLowerCase();
  if (change.by.kind === 'install') return 'as installed';
  const who = change.by.kind === 'person' ? `${verb} by <@${change.by.userId}>` : `${verb} automatically`;
  return `${who} ${discordTime(change.at, 'R')}`;
}

/** A skill's evidence as lines under its capability: state and who set it, runs, agreement with its interval, spend saved. */
function evidenceText(e: SkillEvidenceView): string {
  const lines = [`Skill: \`${e.state}\`, ${changedByText(e.lastChange)}${e.openProposal ? ' · a manager is asked to promote it' : ''}`];
  const beside = e.state === 'sandbox' || e.state === 'shadow';
  const runs = beside ? `${plural(e.comparisons, 'skill run')} beside the model, ${e.clean} clean` : `${plural(e.comparisons, 'run')} re-checked by the model`;
  const agreement = e.agreement ? agreementText(e.agreement) : 'no agreement measured yet';
  const uncounted = e.notCounted ? ` (${e.notCounted} more not counted: skipped or unreadable)` : '';
  if (e.state !== 'retired' && (e.comparisons > 0 || e.notCounted > 0)) lines.push(`Since then: ${runs}; ${agreement}${uncounted}`);
  else if (e.state !== 'retired') lines[0] += beside || e.modelChecks ? ' · no comparisons yet' : ' · not re-checked: the model cannot do this work itself';
  if (e.skillRunsThisMonth > 0) {
    lines.push(
      e.savedThisMonth
        ? `Saved this month: ≈ ${formatUsd(e.savedThisMonth.usd)}, ${plural(e.skillRunsThisMonth, 'run')} on the skill × ${formatUsd(e.savedThisMonth.perRunUsd)}, what its model runs cost on average (${e.savedThisMonth.pricedRuns} priced)`
        : `Saved this month: ${plural(e.skillRunsThisMonth, 'run')} on the skill, not priced (the model never ran it)`,
    );
  }
  return lines.join('\n');
}

/** `/capabilities`: what can be automated, and for each skill the evidence its state rests on. */
export function capabilitiesEmbed(capabilities: CapabilityView[]): EmbedData {
  return fitEmbed({
    title: 'What Steward can automate',
    color: COLORS.info,
    fields: capabilities.map((c) => {
      const inputs = c.inputs.map((input) => (input.required ? `\`${input.name}\`` : `\`${input.name}\`?`));
      return {
        name: `${c.name} (${pathWords(c.path)})`,
        value: `${c.description}\nInputs: ${inputs.join(', ') || 'none'}${c.example ? `\n\`${c.example}\`` : ''}${c.evidence ? `\n${evidenceText(c.evidence)}` : ''}`,
      };
    }),
  });
}

const TONE_COLORS: Record<NonNullable<RichMessage['tone']>, number> = { good: COLORS.ok, bad: COLORS.alert, neutral: COLORS.info, muted: COLORS.muted };

/** A notification from the outbox as a Discord embed: coloured by its tone (by its type when it has none), its title linked, its picture beside it, `image` (an `attachment://` file, its chart) under it. */
export function notificationEmbed(type: string, message: RichMessage, image?: string): EmbedData {
  const color = message.tone
    ? TONE_COLORS[message.tone]
    : type === 'alert' ? COLORS.alert : type === 'pause' ? COLORS.warn : type.startsWith('budget') ? COLORS.warn : type === 'resolved' ? COLORS.ok : COLORS.info;
  return fitEmbed({
    title: message.title,
    ...(message.url ? { url: message.url } : {}),
    ...(message.thumbnail ? { thumbnail: { url: message.thumbnail } } : {}),
    ...(image ? { image: { url: image } } : {}),
    description: message.description,
    color,
    // Notices come written in markup already, their third-party text escaped where it was put in (see capabilities/reading.ts).
    fields: message.fields.map((f) => ({ ...f, inline: f.value.length < 40 })),
    ...(message.runId !== null ? { footer: { text: `run #${message.runId}${message.automationId !== null ? ` · automation #${message.automationId}` : ''}` } } : {}),
  });
}

/** An output's fields as a person reads them: one line a field, values in words, lists counted. */
export function outputLines(output: Record<string, unknown>, max = 10): string[] {
  const value = (v: unknown): string => {
    if (v === null || v === undefined) return '—';
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    if (typeof v === 'number') return String(v);
    if (typeof v === 'string') return v.trim() ? md(cut(v.replace(/\s+/g, ' '), 200)) : '—';
    if (Array.isArray(v)) {
      if (v.length === 0) return 'none';
      const titles = v.slice(0, 3).map((x) => (x && typeof x === 'object' && 'title' in x && typeof x.title === 'string' ? md(cut(x.title, 80)) : preview(x, 80)));
      return `${plural(v.length, 'item')}: ${titles.join('; ')}${v.length > 3 ? '; …' : ''}`;
    }
    return preview(v, 200);
  };
  const entries = Object.entries(output);
  const lines = entries.slice(0, max).map(([k, v]) => `**${md(k)}**: ${value(v)}`);
  if (entries.length > max) lines.push(`… and ${entries.length - max} more`);
  return lines;
}

/** `/automation new`: the draft, and what its preview gave. */
export function draftEmbeds(d: DraftView, p: DraftPreviewView | null): EmbedData[] {
  const draft = fitEmbed({
    title: d.status === 'created' ? `Created: ${d.name}` : d.status === 'cancelled' ? `Cancelled: ${d.name}` : `Draft: ${d.name}`,
    color: d.status === 'cancelled' ? COLORS.muted : d.status === 'created' ? COLORS.ok : COLORS.info,
    description: `From “${md(cut(d.sentence, 500))}”`,
    fields: [
      { name: 'Capability', value: `${d.capability} (${pathWords(d.path)})`, inline: true },
      { name: 'Schedule', value: d.schedule ? `${d.scheduleText}\n\`${d.schedule}\`` : 'manual only', inline: true },
      { name: 'Next runs', value: d.nextRuns.length ? d.nextRuns.map((t) => `${discordTime(t, 'F')} (${discordTime(t, 'R')})`).join('\n') : 'only when you run it' },
      { name: 'Alert', value: d.alertText ? `\`${d.alertText}\` — ${d.alertMode === 'every' ? 'every run it holds' : 'when it turns true'}, to ${d.alertTo === 'dm' ? 'your DMs' : 'the tasks channel'}${d.alertMode === 'change' && !d.notifyResolved ? '; no Resolved notice' : ''}` : 'none' },
      { name: 'Inputs', value: preview(d.inputs, 900) },
      ...(d.notes.length ? [{ name: 'Assumed', value: d.notes.map((n) => `• ${md(n)}`).join('\n') }] : []),
    ],
    footer: { text: d.status === 'open' ? 'Nothing is saved until you press Create · this draft expires in 30 minutes' : d.status === 'created' ? `saved as #${d.automationId}` : 'nothing was saved' },
  });
  if (!p) return [draft];
  const fired = p.wouldFire === null ? (d.alertText ? 'could not tell' : 'no alert set') : p.wouldFire ? '🔔 yes, it would alert now' : 'no, not now';
  const previewEmbed = fitEmbed({
    title: p.error ? 'Preview: it did not run' : 'Preview: what it sees now',
    color: p.error ? COLORS.alert : COLORS.ok,
    description: p.error ? `❌ ${cut(p.error, 1000)}` : outputLines(p.output ?? {}).join('\n') || 'an empty answer',
    fields: [
      ...(p.error ? [] : [{ name: 'Would alert', value: fired, inline: true }]),
      ...(p.costUsd > 0 ? [{ name: 'Cost', value: formatUsd(p.costUsd), inline: true }] : []),
      ...(p.hint ? [{ name: 'Tip', value: p.hint }] : []),
    ],
    footer: { text: 'a preview: not recorded as a run, no alert sent' },
  });
  return [draft, previewEmbed];
}
