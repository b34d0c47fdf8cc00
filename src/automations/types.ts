import type { Condition } from './alerts/condition.js';
import type { AlertMode, IncidentMemory, AlertMemory } from './alerts/mode.js';

export type AutomationStatus = 'active' | 'paused' | 'deleted';
export type TriggerType = 'on_schedule' | 'on_manual';
export type CatchUpPolicy = 'once' | 'skip';
export type AlertTarget = 'tasks' | 'dm';
export type PausedReason = 'user' | 'failures';
export type JsonObject = Record<string, unknown>;

/** What holds an automation's alerts: a snooze until an instant, or a mute until its incident resolves; who asked, and when. */
export type AlertHold = { kind: 'snoozed'; until: Date; by: string; at: Date } | { kind: 'muted'; by: string; at: Date };

export interface Automation {
  id: number;
  userId: string;
  guildId: string | null;
  name: string;
  description: string;
  capability: string;
  inputs: JsonObject;
  triggerType: TriggerType;
  /** Cron expression; null for on_manual automations. */
  schedule: string | null;
  timezone: string;
  catchUp: CatchUpPolicy;
  alertConditions: Condition | null;
  /** Set when the stored condition cannot be read (written by a newer Steward, say): no alert fires. */
  alertConditionsError: string | null;
  alertMode: AlertMode;
  alertRepeatAfterSeconds: number | null;
  alertTo: AlertTarget;
  alertLastResult: boolean | null;
  alertLastFiredAt: Date | null;
  /** The rest of the alert memory: the streak against the confirmed result, the open incident. */
  alertIncident: Omit<IncidentMemory, keyof AlertMemory>;
  /** Runs in a row the condition must hold before an alert goes out, and fail before it is resolved. */
  confirmAfter: number;
  /** Whether a Resolved notice is sent when an incident ends (the original alert is edited either way). */
  notifyResolved: boolean;
  /** The snooze or mute holding its alerts, as stored (a snooze past its end is cleared by the next run). */
  alertHold: AlertHold | null;
  maxCostPerRunUsd: number | null;
  minIntervalSeconds: number;
  status: AutomationStatus;
  pausedReason: PausedReason | null;
  lastRunAt: Date | null;
  /** What min_interval_seconds measures from: the slot the last counted run ran for, or its start when it ran off the schedule (catch-up, run now); null: lastRunAt. */
  lastSlotAt: Date | null;
  nextRunAt: Date | null;
  runCount: number;
  failureCount: number;
  state: JsonObject;
  createdAt: Date;
  updatedAt: Date;
  createdVia: string;
}

export type RunTrigger = 'schedule' | 'manual' | 'catch_up';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'skipped_budget' | 'skipped_condition' | 'interrupted';
export type ExecutionPath = 'skill' | 'claude_native';

export interface Run {
  id: number;
  automationId: number;
  trigger: RunTrigger;
  status: RunStatus;
  path: ExecutionPath | null;
  startedAt: Date;
  finishedAt: Date | null;
  skillRunId: string | null;
  ledgerId: number | null;
  output: JsonObject | null;
  alertSent: boolean;
  alertContent: string | null;
  /** The alert (or Resolved notice) a snooze or mute held back instead of sending. */
  alertHeld: 'snoozed' | 'muted' | null;
  /** The run ended an incident (its condition confirmed false again). */
  resolvedIncident: boolean;
  error: string | null;
  costUsd: number;
}
