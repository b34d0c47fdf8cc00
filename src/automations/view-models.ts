/**
 * What the service hands the front end: automations, runs, capabilities and spend as people read
 * them (schedule in words, alert as text, which path runs it). The front end renders these and
 * computes nothing about the engine's rules itself.
 */
import type { PeriodSpend } from '../budget/guard.js';
import type { Reading } from '../capabilities/reading.js';
import type { ChartImage } from '../charts/charts.js';
import { choosePath, exampleInputs, type CapabilityRecord, type SkillState } from '../capabilities/types.js';
import type { BudgetPausedError } from '../errors.js';
import type { StateChange } from '../capabilities/evidence.js';
import type { SkillEvidence } from './skill-lifecycle.js';
import { moveVerb } from './skill-notices.js';
import { formatCondition } from './alerts/text.js';
import type { DispatchReport } from './dispatcher.js';
import { maskInputs } from '../redact.js';
import { describeCron } from './schedule.js';
import { canonicalTimeZone } from '../util/timezone.js';
import type { AlertHold, Automation, ExecutionPath, Run } from './types.js';
import { formatTimeOfDay, quietHoursEnd, type QuietHours } from '../settings/quiet-hours.js';

/** One automation as people see it. */
export interface AutomationView
  extends Pick<
    Automation,
    | 'id'
    | 'userId'
    | 'guildId'
    | 'name'
    | 'description'
    | 'capability'
    | 'inputs'
    | 'triggerType'
    | 'schedule'
    | 'timezone'
    | 'catchUp'
    | 'alertMode'
    | 'alertRepeatAfterSeconds'
    | 'alertTo'
    | 'maxCostPerRunUsd'
    | 'minIntervalSeconds'
    | 'status'
    | 'pausedReason'
    | 'lastRunAt'
    | 'nextRunAt'
    | 'runCount'
    | 'failureCount'
    | 'createdAt'
    | 'confirmAfter'
    | 'notifyResolved'
  > {
  /** "every day at 09:00, Europe/Berlin", or "manual only". */
  scheduleText: string;
  /** The alert condition in the text people type; '' when there is none. */
  alertText: string;
  /** The stored condition cannot be read (written by a newer Steward): no alert fires. */
  alertUnreadable: boolean;
  /** The path its next run takes; null when its capability is unknown. */
  path: ExecutionPath | null;
  /** The next slots (up to three) while it is active and scheduled; empty otherwise. */
  nextRuns: Date[];
  /** On the answer to a create or edit: the words the schedule was read from ("every 15 minutes"), else null. */
  scheduleReadFrom: string | null;
}

/** One run as people see it. */
export type RunView = Pick<Run, 'id' | 'automationId' | 'trigger' | 'status' | 'path' | 'startedAt' | 'finishedAt' | 'output' | 'alertSent' | 'alertHeld' | 'resolvedIncident' | 'error' | 'costUsd'>;

/** What holds an automation's alerts now: a snooze (until when) or a mute until resolved, and who asked. */
export type AlertHoldView = { kind: 'snoozed'; until: Date; by: string } | { kind: 'muted'; by: string };

/** A person's quiet hours: the window (`22:00` to `07:00`) in their time zone, whether pause notices go out anyway, and when the window they are in now ends. */
export interface QuietHoursView {
  from: string;
  to: string;
  timezone: string;
  urgent: boolean;
  /** The end of the window now falls in; null outside it. */
  endsAt: Date | null;
}

/** The answer to a Snooze or Mute press: the automation, and what holds its alerts now. */
export interface AlertHoldResultView {
  automation: AutomationView;
  hold: AlertHoldView;
}

/** `/automation show`: an automation with its recent runs and spend. */
export interface AutomationDetailsView {
  automation: AutomationView;
  recentRuns: RunView[];
  /** The last succeeded run's output as its capability reads it (null before one), with that run's id. */
  lastReading: { runId: number; reading: Reading } | null;
  spend: { todayUsd: number; monthUsd: number };
  /** Its notices Discord refused for good (kept as dead letters): how many, and the last refusal (secrets redacted). */
  undeliveredNotices: { count: number; lastError: string | null };
  /** The snooze or mute holding its alerts now; null when none holds. */
  alertHold: AlertHoldView | null;
  /** Its owner's quiet hours; null when they have none. */
  quietHours: QuietHoursView | null;
}

/** How the file name of a chart the service drew ends, so the front end can tell a message's chart from other files. */
export { CHART_FILE_SUFFIX } from '../charts/spec.js';

/** The chart `/automation show` attaches: the picture, or a note saying why there is none (null: nothing to say). */
export interface ChartView {
  image: ChartImage | null;
  note: string | null;
}

/** The outcome of a run now: the dispatch report, with the automation and the run row as they are now. */
export interface RunReportView extends DispatchReport {
  automation: AutomationView;
  /** The run row (none when the run was skipped before it started). */
  run: RunView | null;
  /** The run's output as its capability reads it; null without an output. */
  reading: Reading | null;
}

/** A run's raw output, for the Output button (owner and managers only). */
export interface RunOutputView {
  automation: AutomationView;
  run: RunView;
}

/** A capability as people pick it. */
export interface CapabilityView {
  name: string;
  description: string;
  path: ExecutionPath;
  example: string;
  /** The inputs part of the example (`url=https://example.com`), for a form's placeholder; null when it has none. */
  exampleInputs: string | null;
  inputs: { name: string; required: boolean }[];
  skill: { state: SkillState; stateChangedBy: string } | null;
  /** The skill's evidence (`/capabilities`); absent where it is not asked for. */
  evidence?: SkillEvidenceView;
}

/** Who or what made a skill's last change of state: a person, a gate or a drop (`auto`), or its install (seeded, never changed). */
export type ChangedBy = { kind: 'person'; userId: string } | { kind: 'auto' } | { kind: 'install' };

/** A skill's evidence for its current state, as `/capabilities` shows it. */
export interface SkillEvidenceView {
  state: SkillState;
  version: string;
  /** Comparisons that count (scored, or the shadow skill run failed), and of them: scored, clean, failed. */
  comparisons: number;
  scored: number;
  clean: number;
  skillFailed: number;
  /** Recorded and not counted (skipped at a cap, malformed judgement…). */
  notCounted: number;
  agreement: { mean: number; low: number; high: number; n: number } | null;
  lastChange: { by: ChangedBy; verb: 'Promoted' | 'Demoted' | 'Moved' | 'Set'; at: Date };
  /** Succeeded runs on the local skill this month. */
  skillRunsThisMonth: number;
  /** The model spend they stood in for: runs × the mean cost of this capability's model runs; null when the model never ran it. */
  savedThisMonth: { usd: number; perRunUsd: number; pricedRuns: number } | null;
  /** A manager is being asked (Promote / Keep). */
  openProposal: boolean;
  /** Whether the model can re-run the skill's runs to check them (not for a fetch it cannot make: http_check, page_watch, feed_watch). */
  modelChecks: boolean;
}

/** `/budget`. */
export interface BudgetView {
  daily: PeriodSpend;
  monthly: PeriodSpend;
  paused: BudgetPausedError | null;
  top: { automationId: number; name: string; spentUsd: number }[];
  /** This month's spend by kind of call (the run's own, shadow runs, judges), and shadow or judge calls skipped at a cap. */
  byKind: { run: number; shadow: number; judge: number; skipped: number };
}

/** The schedule in words ("every day at 09:00, Europe/Berlin"), or "manual only". */
export function scheduleText(a: Pick<Automation, 'schedule' | 'timezone'>): string {
  if (a.schedule === null) return 'manual only';
  try {
    return describeCron(a.schedule, a.timezone);
  } catch {
    return `${a.schedule} (${a.timezone})`;
  }
}

/**
 * An automation as a view: `capability` is its capability's record (for the path), `nextRuns` its
 * next slots. Its inputs are shown masked (secret-looking values, URL queries) unless `revealInputs`
 * (the answer to the create that just typed them).
 */
export function automationView(a: Automation, capability: CapabilityRecord | null, nextRuns: Date[] = [], revealInputs = false): AutomationView {
  return {
    id: a.id,
    userId: a.userId,
    guildId: a.guildId,
    name: a.name,
    description: a.description,
    capability: a.capability,
    inputs: revealInputs ? a.inputs : maskInputs(a.inputs),
    triggerType: a.triggerType,
    schedule: a.schedule,
    timezone: canonicalTimeZone(a.timezone) ?? a.timezone, // rows stored before zones were renamed (Asia/Calcutta)
    catchUp: a.catchUp,
    alertMode: a.alertMode,
    alertRepeatAfterSeconds: a.alertRepeatAfterSeconds,
    alertTo: a.alertTo,
    maxCostPerRunUsd: a.maxCostPerRunUsd,
    minIntervalSeconds: a.minIntervalSeconds,
    status: a.status,
    pausedReason: a.pausedReason,
    lastRunAt: a.lastRunAt,
    nextRunAt: a.nextRunAt,
    runCount: a.runCount,
    failureCount: a.failureCount,
    createdAt: a.createdAt,
    confirmAfter: a.confirmAfter,
    notifyResolved: a.notifyResolved,
    scheduleText: scheduleText(a),
    alertText: a.alertConditionsError ? '' : formatCondition(a.alertConditions),
    alertUnreadable: a.alertConditionsError !== null,
    path: capability ? choosePath(capability) : null,
    nextRuns,
    scheduleReadFrom: null,
  };
}

/** A run as a view. */
export function runView(r: Run): RunView {
  return {
    id: r.id,
    automationId: r.automationId,
    trigger: r.trigger,
    status: r.status,
    path: r.path,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    output: r.output,
    alertSent: r.alertSent,
    alertHeld: r.alertHeld,
    resolvedIncident: r.resolvedIncident,
    error: r.error,
    costUsd: r.costUsd,
  };
}

/** The hold as it stands at `now`: a snooze past its end holds nothing any more. */
export function alertHoldView(hold: AlertHold | null, now: Date): AlertHoldView | null {
  if (!hold) return null;
  if (hold.kind === 'muted') return { kind: 'muted', by: hold.by };
  return hold.until.getTime() > now.getTime() ? { kind: 'snoozed', until: hold.until, by: hold.by } : null;
}

/** A person's quiet hours as a view, in `timezone`, at `now`. */
export function quietHoursView(q: QuietHours, timezone: string, now: Date): QuietHoursView {
  return { from: formatTimeOfDay(q.from), to: formatTimeOfDay(q.to), timezone, urgent: q.urgent, endsAt: quietHoursEnd(q, timezone, now) };
}

/** What `/capabilities` adds to a capability with a skill. */
export interface CapabilityEvidenceFacts {
  evidence: SkillEvidence;
  lastChange: StateChange | null;
  skillRunsThisMonth: number;
  modelRunCost: { meanUsd: number; runs: number } | null;
  openProposal: boolean;
  modelChecks: boolean;
}

function evidenceView(c: CapabilityRecord, facts: CapabilityEvidenceFacts): SkillEvidenceView {
  const { evidence, lastChange } = facts;
  const seeded = c.skill!.stateChangedBy === 'migration' || c.skill!.stateChangedBy === 'test';
  const by: ChangedBy = lastChange ? lastChange.by : seeded ? { kind: 'install' } : c.skill!.stateChangedBy === 'auto' ? { kind: 'auto' } : { kind: 'person', userId: c.skill!.stateChangedBy };
  return {
    state: evidence.state,
    version: evidence.version,
    comparisons: evidence.comparisons,
    scored: evidence.scored,
    clean: evidence.clean,
    skillFailed: evidence.skillFailed,
    notCounted: evidence.notCounted,
    agreement: evidence.agreement,
    lastChange: { by, verb: lastChange ? moveVerb(lastChange.from, lastChange.to) : 'Set', at: lastChange?.at ?? c.skill!.stateChangedAt },
    skillRunsThisMonth: facts.skillRunsThisMonth,
    savedThisMonth: facts.modelRunCost ? { usd: facts.skillRunsThisMonth * facts.modelRunCost.meanUsd, perRunUsd: facts.modelRunCost.meanUsd, pricedRuns: facts.modelRunCost.runs } : null,
    openProposal: facts.openProposal,
    modelChecks: facts.modelChecks,
  };
}

/** A capability as a view; with `facts`, its skill's evidence too (`/capabilities`). */
export function capabilityView(c: CapabilityRecord, facts?: CapabilityEvidenceFacts): CapabilityView {
  const properties = (c.inputSchema.properties ?? {}) as Record<string, unknown>;
  const required = new Set((c.inputSchema.required ?? []) as string[]);
  return {
    name: c.name,
    description: c.description,
    path: choosePath(c),
    example: c.example,
    exampleInputs: exampleInputs(c.example),
    inputs: Object.keys(properties).map((name) => ({ name, required: required.has(name) })),
    skill: c.skill ? { state: c.skill.state, stateChangedBy: c.skill.stateChangedBy } : null,
    ...(c.skill && facts ? { evidence: evidenceView(c, facts) } : {}),
  };
}
