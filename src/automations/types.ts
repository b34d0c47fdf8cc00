import type { Condition } from './alerts/condition.js';
import type { AlertMode, IncidentMemory, AlertMemory } from './alerts/mode.js';

export type AutomationStatus = 'active' | 'paused' | 'deleted';
export type TriggerType = 'on_schedule' | 'on_manual';
export type CatchUpPolicy = 'once' | 'skip';
export type AlertTarget = 'tasks' | 'dm';
export type PausedReason = 'user' | 'failures';
export type JsonObject = Record<string, unknown>;

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
  maxCostPerRunUsd: number | null;
  minIntervalSeconds: number;
  status: AutomationStatus;
  pausedReason: PausedReason | null;
  lastRunAt: Date | null;
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
  error: string | null;
  costUsd: number;
}
