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
import { formatCondition } from './alerts/text.js';
import type { DispatchReport } from './dispatcher.js';
import { maskInputs } from '../redact.js';
import { describeCron } from './schedule.js';
import { canonicalTimeZone } from '../util/timezone.js';
import type { Automation, ExecutionPath, Run } from './types.js';

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
export type RunView = Pick<Run, 'id' | 'automationId' | 'trigger' | 'status' | 'path' | 'startedAt' | 'finishedAt' | 'output' | 'alertSent' | 'error' | 'costUsd'>;

/** `/automation show`: an automation with its recent runs and spend. */
export interface AutomationDetailsView {
  automation: AutomationView;
  recentRuns: RunView[];
  /** The last succeeded run's output as its capability reads it (null before one), with that run's id. */
  lastReading: { runId: number; reading: Reading } | null;
  spend: { todayUsd: number; monthUsd: number };
  /** Its notices Discord refused for good (kept as dead letters): how many, and the last refusal (secrets redacted). */
  undeliveredNotices: { count: number; lastError: string | null };
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
}

/** `/budget`. */
export interface BudgetView {
  daily: PeriodSpend;
  monthly: PeriodSpend;
  paused: BudgetPausedError | null;
  top: { automationId: number; name: string; spentUsd: number }[];
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
    error: r.error,
    costUsd: r.costUsd,
  };
}

/** A capability as a view. */
export function capabilityView(c: CapabilityRecord): CapabilityView {
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
  };
}
