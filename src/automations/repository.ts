import { z } from 'zod';
import type { Db } from '../db/database.js';
import { parseJsonColumn } from '../db/json-column.js';
import { memoByText } from '../util/memo.js';
import { parseCondition, type Condition } from './alerts/condition.js';
import type {
  AlertHold,
  Automation,
  AutomationStatus,
  ExecutionPath,
  JsonObject,
  PausedReason,
  Run,
  RunStatus,
  RunTrigger,
} from './types.js';

const jsonObject = z.record(z.string(), z.unknown());

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
const ms = (d: Date | null | undefined): number | null => (d ? d.getTime() : null);
const bool = (v: number | null): boolean | null => (v === null ? null : v !== 0);

interface AutomationRow {
  id: number;
  user_id: string;
  guild_id: string | null;
  name: string;
  description: string;
  capability: string;
  inputs: string;
  trigger_type: Automation['triggerType'];
  schedule: string | null;
  timezone: string;
  catch_up: Automation['catchUp'];
  alert_conditions: string | null;
  alert_mode: Automation['alertMode'];
  alert_repeat_after_seconds: number | null;
  alert_to: Automation['alertTo'];
  alert_last_result: number | null;
  alert_last_fired_at: number | null;
  alert_streak: number;
  alert_streak_started_at: number | null;
  alert_incident_started_at: number | null;
  alert_incident_runs: number;
  alert_notification_id: number | null;
  confirm_after: number;
  notify_resolved: number;
  alert_hold: AlertHold['kind'] | null;
  alert_hold_until: number | null;
  alert_hold_by: string | null;
  alert_hold_at: number | null;
  max_cost_per_run_usd: number | null;
  min_interval_seconds: number;
  status: AutomationStatus;
  paused_reason: PausedReason | null;
  last_run_at: number | null;
  last_slot_at: number | null;
  next_run_at: number | null;
  run_count: number;
  failure_count: number;
  state: string;
  created_at: number;
  updated_at: number;
  created_via: string;
}

/** Reads a stored alert condition; one that no longer parses is reported, not thrown, so the automation still runs. */
/** A stored condition's text read once, not on each of the two reads of every run (conditions are only read, never changed). */
const conditionOfText = memoByText(2_000, (text: string): { condition: Condition | null; error: string | null } => {
  try {
    return { condition: parseCondition(JSON.parse(text)), error: null };
  } catch (error) {
    return { condition: null, error: (error as Error).message };
  }
});

function readCondition(row: AutomationRow): { condition: Condition | null; error: string | null } {
  if (row.alert_conditions === null) return { condition: null, error: null };
  const read = conditionOfText(row.alert_conditions);
  return read.error === null ? read : { condition: null, error: `alert condition of automation #${row.id} cannot be read: ${read.error}` };
}

/** The stored snooze or mute; a row missing a part of one reads as none. */
function holdOf(row: AutomationRow): AlertHold | null {
  if (row.alert_hold_by === null || row.alert_hold_at === null) return null;
  if (row.alert_hold === 'muted') return { kind: 'muted', by: row.alert_hold_by, at: new Date(row.alert_hold_at) };
  if (row.alert_hold === 'snoozed' && row.alert_hold_until !== null) return { kind: 'snoozed', until: new Date(row.alert_hold_until), by: row.alert_hold_by, at: new Date(row.alert_hold_at) };
  return null;
}

function toAutomation(row: AutomationRow): Automation {
  const alert = readCondition(row);
  return {
    id: row.id,
    userId: row.user_id,
    guildId: row.guild_id,
    name: row.name,
    description: row.description,
    capability: row.capability,
    inputs: parseJsonColumn(jsonObject, row.inputs, 'automation.inputs', row.id),
    triggerType: row.trigger_type,
    schedule: row.schedule,
    timezone: row.timezone,
    catchUp: row.catch_up,
    alertConditions: alert.condition,
    alertConditionsError: alert.error,
    alertMode: row.alert_mode,
    alertRepeatAfterSeconds: row.alert_repeat_after_seconds,
    alertTo: row.alert_to,
    alertLastResult: bool(row.alert_last_result),
    alertLastFiredAt: date(row.alert_last_fired_at),
    alertIncident: {
      streak: row.alert_streak,
      streakStartedAt: date(row.alert_streak_started_at),
      incidentStartedAt: date(row.alert_incident_started_at),
      incidentRuns: row.alert_incident_runs,
      notificationId: row.alert_notification_id,
    },
    confirmAfter: row.confirm_after,
    notifyResolved: row.notify_resolved !== 0,
    alertHold: holdOf(row),
    maxCostPerRunUsd: row.max_cost_per_run_usd,
    minIntervalSeconds: row.min_interval_seconds,
    status: row.status,
    pausedReason: row.paused_reason,
    lastRunAt: date(row.last_run_at),
    lastSlotAt: date(row.last_slot_at),
    nextRunAt: date(row.next_run_at),
    runCount: row.run_count,
    failureCount: row.failure_count,
    state: parseJsonColumn(jsonObject, row.state, 'automation.state', row.id),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    createdVia: row.created_via,
  };
}

/** The fields a person sets; everything else starts at its default. */
export type AutomationSettings = Pick<
  Automation,
  | 'name'
  | 'description'
  | 'capability'
  | 'inputs'
  | 'triggerType'
  | 'schedule'
  | 'timezone'
  | 'catchUp'
  | 'alertConditions'
  | 'alertMode'
  | 'alertRepeatAfterSeconds'
  | 'alertTo'
  | 'maxCostPerRunUsd'
  | 'minIntervalSeconds'
  | 'confirmAfter'
  | 'notifyResolved'
>;

/** A new automation: its settings (confirm_after 1 and notify_resolved on unless given) and where it lives. */
export interface NewAutomation extends Omit<AutomationSettings, 'confirmAfter' | 'notifyResolved'>, Partial<Pick<AutomationSettings, 'confirmAfter' | 'notifyResolved'>> {
  userId: string;
  guildId: string | null;
  nextRunAt: Date | null;
  createdVia: string;
}

const SETTING_COLUMNS: Record<keyof AutomationSettings, string> = {
  name: 'name',
  description: 'description',
  capability: 'capability',
  inputs: 'inputs',
  triggerType: 'trigger_type',
  schedule: 'schedule',
  timezone: 'timezone',
  catchUp: 'catch_up',
  alertConditions: 'alert_conditions',
  alertMode: 'alert_mode',
  alertRepeatAfterSeconds: 'alert_repeat_after_seconds',
  alertTo: 'alert_to',
  maxCostPerRunUsd: 'max_cost_per_run_usd',
  minIntervalSeconds: 'min_interval_seconds',
  confirmAfter: 'confirm_after',
  notifyResolved: 'notify_resolved',
};

/** Defaults of the settings a new automation may leave out. */
const SETTING_DEFAULTS: Partial<Record<keyof AutomationSettings, unknown>> = { confirmAfter: 1, notifyResolved: true };

function settingValue(key: keyof AutomationSettings, value: unknown): unknown {
  if (key === 'inputs') return JSON.stringify(value);
  if (key === 'alertConditions') return value === null ? null : JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** What a finished run changes on its automation, written in the run's finishing transaction. */
export interface RunOutcomeUpdate {
  lastRunAt: Date | null;
  lastSlotAt: Date | null;
  nextRunAt: Date | null;
  runCount: number;
  failureCount: number;
  /** Set when the run pauses the automation (failures reached the threshold); otherwise status is left alone. */
  pausedForFailures: boolean;
  state: JsonObject;
  alertLastResult: boolean | null;
  alertLastFiredAt: Date | null;
  alertIncident: Automation['alertIncident'];
  /** Set when the run ends the snooze or mute (the snooze is over, the muted condition turned false). */
  clearAlertHold?: boolean;
}

/** What the scheduler needs of a due automation (plain columns: nothing to parse). */
export type DueAutomation = Pick<Automation, 'id' | 'userId' | 'capability' | 'catchUp' | 'triggerType' | 'schedule' | 'timezone'> & { nextRunAt: Date };
type DueRow = Pick<AutomationRow, 'id' | 'user_id' | 'capability' | 'catch_up' | 'trigger_type' | 'schedule' | 'timezone'> & { next_run_at: number };

/** A place in the order due() reads in: a slot (next_run_at, epoch ms) and, among equal slots, an id. */
export interface DuePlace {
  slot: number;
  id: number;
}

/** Due automations the scheduler cannot start now: an owner's in a lane where they hold their share. */
export interface DueExclusions {
  ownerCapabilities?: readonly { owner: string; capability: string }[];
}

/** Separates owner and capability in the keys due() compares (neither contains it). */
const KEY_SEPARATOR = '\u001f';

/** The owner-capability pairs to leave out, as the JSON list due() compares `user_id || char(31) || capability` against. */
function ownerKeys(skip: DueExclusions): string {
  return JSON.stringify((skip.ownerCapabilities ?? []).map((p) => `${p.owner}${KEY_SEPARATOR}${p.capability}`));
}

/**
 * The due queries (constant texts, so the statement cache finds them without hashing a new
 * string): what the scheduler reads of a due row, and the exclusions every due query checks.
 */
const DUE_COLUMNS = 'id, user_id, capability, next_run_at, catch_up, trigger_type, schedule, timezone';
const DUE_EXCLUSIONS = 'AND id NOT IN (SELECT value FROM json_each(?)) AND (user_id || char(31) || capability) NOT IN (SELECT value FROM json_each(?))';
/** Due rows with a slot after the first parameter, up to the second (now). */
const DUE_AFTER_SLOT = `SELECT ${DUE_COLUMNS} FROM automation
  WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at > ? AND next_run_at <= ? ${DUE_EXCLUSIONS}
  ORDER BY next_run_at, id LIMIT ?`;
/** Due rows of one slot with an id after the second parameter (the index's rowid range within the slot). */
const DUE_IN_SLOT_AFTER_ID = `SELECT ${DUE_COLUMNS} FROM automation
  WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at = ? AND id > ? AND next_run_at <= ? ${DUE_EXCLUSIONS}
  ORDER BY id LIMIT ?`;
/** Due rows of one capability (the automation_due_by_capability index). */
const DUE_OF_CAPABILITY = `SELECT ${DUE_COLUMNS} FROM automation
  WHERE capability = ? AND status = 'active' AND next_run_at IS NOT NULL AND next_run_at <= ? ${DUE_EXCLUSIONS}
  ORDER BY next_run_at, id LIMIT ?`;

function toDue(r: DueRow): DueAutomation {
  return {
    id: r.id,
    userId: r.user_id,
    capability: r.capability,
    nextRunAt: new Date(r.next_run_at),
    catchUp: r.catch_up,
    triggerType: r.trigger_type,
    schedule: r.schedule,
    timezone: r.timezone,
  };
}

export interface ListFilter {
  userId?: string;
  guildId?: string;
  status?: AutomationStatus;
  limit: number;
  offset: number;
}

/**
 * Per connection, how many writes changed what a run's finishing transaction reads of its
 * automation from outside that run: settings, status (pause, resume, delete), the alert hold.
 * Shared by every repository over the connection (a test's store beside the engine's).
 */
const outsideWrites = new WeakMap<Db, { count: number }>();

/** Where the writes to automations stood when a run read its automation (see {@link AutomationRepository.changeMark}). */
export interface ChangeMark {
  readonly writes: number;
  /** PRAGMA data_version: changes when another connection commits. */
  readonly dataVersion: number;
}

/** Every SQL statement about automations. */
export class AutomationRepository {
  private readonly writes: { count: number };

  constructor(private readonly db: Db) {
    let writes = outsideWrites.get(db);
    if (!writes) outsideWrites.set(db, (writes = { count: 0 }));
    this.writes = writes;
  }

  /**
   * A mark to compare with later ({@link unchangedSince}): taken with a read of an automation, it
   * says whether that read still holds for everything but the columns the automation's own run
   * writes (its outcome and next slot), so the run's finishing transaction need not read it again.
   */
  changeMark(): ChangeMark {
    return { writes: this.writes.count, dataVersion: this.dataVersion() };
  }

  /**
   * True when, since `mark`, no automation's settings, status or alert hold were written through
   * this connection's repositories, and no other connection committed anything; false otherwise
   * (then read the automation again).
   */
  unchangedSince(mark: ChangeMark): boolean {
    return mark.writes === this.writes.count && mark.dataVersion === this.dataVersion();
  }

  private dataVersion(): number {
    return this.db.prepare<[], number>('PRAGMA data_version').pluck().get()!;
  }

  private changed(): void {
    this.writes.count++;
  }

  /** Inserts an automation. A name already used by the owner is a SQLite constraint error (checked first by the service). */
  insert(a: NewAutomation, now: Date): Automation {
    const columns = Object.keys(SETTING_COLUMNS) as (keyof AutomationSettings)[];
    const names = [...columns.map((c) => SETTING_COLUMNS[c]), 'user_id', 'guild_id', 'next_run_at', 'created_via', 'created_at', 'updated_at'];
    const values = [
      ...columns.map((c) => settingValue(c, a[c] ?? SETTING_DEFAULTS[c])),
      a.userId,
      a.guildId,
      ms(a.nextRunAt),
      a.createdVia,
      now.getTime(),
      now.getTime(),
    ];
    const info = this.db
      .prepare(`INSERT INTO automation (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`)
      .run(...values);
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): Automation | null {
    const row = this.db.prepare<[number], AutomationRow>('SELECT * FROM automation WHERE id = ?').get(id);
    return row ? toAutomation(row) : null;
  }

  /** The owner's automation with this name (case-insensitive), not counting deleted ones. */
  findByName(userId: string, name: string): Automation | null {
    const row = this.db
      .prepare<[string, string], AutomationRow>(
        "SELECT * FROM automation WHERE user_id = ? AND name = ? COLLATE NOCASE AND status <> 'deleted'",
      )
      .get(userId, name);
    return row ? toAutomation(row) : null;
  }

  /** The guild's automations with this name (case-insensitive), not counting deleted ones. */
  findByNameInGuild(guildId: string, name: string): Automation[] {
    return this.db
      .prepare<[string, string], AutomationRow>(
        "SELECT * FROM automation WHERE guild_id = ? AND name = ? COLLATE NOCASE AND status <> 'deleted' ORDER BY id LIMIT 2",
      )
      .all(guildId, name)
      .map(toAutomation);
  }

  /** Automations matching the filter (deleted ones only when asked by status), oldest first. */
  list(filter: ListFilter): Automation[] {
    const { where, params } = this.filterClause(filter);
    return this.db
      .prepare<unknown[], AutomationRow>(`SELECT * FROM automation ${where} ORDER BY id LIMIT ? OFFSET ?`)
      .all(...params, filter.limit, filter.offset)
      .map(toAutomation);
  }

  count(filter: Omit<ListFilter, 'limit' | 'offset'>): number {
    const { where, params } = this.filterClause(filter);
    return this.db.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM automation ${where}`).get(...params)!.n;
  }

  private filterClause(filter: Omit<ListFilter, 'limit' | 'offset'>): { where: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (filter.userId !== undefined) {
      clauses.push('user_id = ?');
      params.push(filter.userId);
    }
    if (filter.guildId !== undefined) {
      clauses.push('guild_id = ?');
      params.push(filter.guildId);
    }
    if (filter.status !== undefined) {
      clauses.push('status = ?');
      params.push(filter.status);
    } else {
      clauses.push("status <> 'deleted'");
    }
    return { where: `WHERE ${clauses.join(' AND ')}`, params };
  }

  /** Names (and ids) of automations in scope whose name contains `text` (case-insensitive), those starting with it first. */
  searchNames(scope: { userId: string } | { guildId: string }, text: string, limit: number): { id: number; name: string; userId: string }[] {
    const [column, value] = 'userId' in scope ? ['user_id', scope.userId] : ['guild_id', scope.guildId];
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.db
      .prepare<[string, string, string, number], { id: number; name: string; userId: string }>(
        `SELECT id, name, user_id AS userId FROM automation
          WHERE ${column} = ? AND status <> 'deleted' AND name LIKE ? ESCAPE '\\'
          ORDER BY (CASE WHEN name LIKE ? ESCAPE '\\' THEN 0 ELSE 1 END), name COLLATE NOCASE LIMIT ?`,
      )
      .all(value, pattern, `${pattern.slice(1)}`, limit);
  }

  /** Changes settings (and the next slot they imply); `resetAlertMemory` forgets the last alert result. */
  updateSettings(
    id: number,
    patch: Partial<AutomationSettings>,
    nextRunAt: Date | null,
    now: Date,
    options: { resetAlertMemory?: boolean; resetState?: boolean } = {},
  ): void {
    const keys = (Object.keys(patch) as (keyof AutomationSettings)[]).filter((k) => patch[k] !== undefined);
    const sets = [...keys.map((k) => `${SETTING_COLUMNS[k]} = ?`), 'next_run_at = ?', 'updated_at = ?'];
    if (options.resetAlertMemory) {
      sets.push('alert_last_result = NULL', 'alert_last_fired_at = NULL', 'alert_streak = 0', 'alert_streak_started_at = NULL');
      sets.push('alert_incident_started_at = NULL', 'alert_incident_runs = 0', 'alert_notification_id = NULL');
    }
    if (options.resetState) sets.push("state = '{}'");
    const values = [...keys.map((k) => settingValue(k, patch[k])), ms(nextRunAt), now.getTime()];
    this.changed();
    this.db.prepare(`UPDATE automation SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  /** Sets status, pause reason, next slot; `resetFailures` clears the failure count (resume). */
  setStatus(
    id: number,
    change: { status: AutomationStatus; pausedReason: PausedReason | null; nextRunAt: Date | null; resetFailures?: boolean },
    now: Date,
  ): void {
    this.changed();
    this.db
      .prepare(
        `UPDATE automation SET status = ?, paused_reason = ?, next_run_at = ?,
           failure_count = CASE WHEN ? THEN 0 ELSE failure_count END, updated_at = ? WHERE id = ?`,
      )
      .run(change.status, change.pausedReason, ms(change.nextRunAt), change.resetFailures ? 1 : 0, now.getTime(), id);
  }

  /** Holds the automation's alerts (a snooze or a mute, replacing any before), or with null ends the hold. */
  setAlertHold(id: number, hold: AlertHold | null): void {
    this.changed();
    this.db
      .prepare('UPDATE automation SET alert_hold = ?, alert_hold_until = ?, alert_hold_by = ?, alert_hold_at = ? WHERE id = ?')
      .run(hold?.kind ?? null, hold?.kind === 'snoozed' ? hold.until.getTime() : null, hold?.by ?? null, hold ? hold.at.getTime() : null, id);
  }

  /** Moves the next slot without counting a run (budget skips, min-interval skips, catch-up skips). */
  setNextRun(id: number, nextRunAt: Date | null): void {
    this.db.prepare('UPDATE automation SET next_run_at = ? WHERE id = ?').run(ms(nextRunAt), id);
  }

  /** Writes what a finished run changed. */
  recordRunOutcome(id: number, u: RunOutcomeUpdate, now: Date): void {
    // status is in three indexes: it is written only when it changes (a pause), not on every run.
    const pause = u.pausedForFailures ? "status = 'paused', paused_reason = 'failures'," : '';
    const unhold = u.clearAlertHold ? 'alert_hold = NULL, alert_hold_until = NULL, alert_hold_by = NULL, alert_hold_at = NULL,' : '';
    this.db
      .prepare(
        `UPDATE automation SET last_run_at = ?, last_slot_at = ?, next_run_at = ?, run_count = ?, failure_count = ?, ${pause} ${unhold}
           state = ?, alert_last_result = ?, alert_last_fired_at = ?, alert_streak = ?, alert_streak_started_at = ?,
           alert_incident_started_at = ?, alert_incident_runs = ?, alert_notification_id = ?, updated_at = ? WHERE id = ?`,
      )
      .run(
        ms(u.lastRunAt),
        ms(u.lastSlotAt),
        ms(u.nextRunAt),
        u.runCount,
        u.failureCount,
        JSON.stringify(u.state),
        u.alertLastResult === null ? null : u.alertLastResult ? 1 : 0,
        ms(u.alertLastFiredAt),
        u.alertIncident.streak,
        ms(u.alertIncident.streakStartedAt),
        ms(u.alertIncident.incidentStartedAt),
        u.alertIncident.incidentRuns,
        u.alertIncident.notificationId,
        now.getTime(),
        id,
      );
  }

  /**
   * Active automations due at or before `now`, earliest slot first (then by id), leaving out the
   * ids in `exclude` and what `skip` names, and, with `after`, every row up to that place in
   * that order. Served by the automation_due index (from `after` on: the rest of its slot by id,
   * then the later slots); the exclusions are checked on the rows it yields.
   */
  due(now: Date, limit: number, exclude: readonly number[], skip: DueExclusions = {}, after: DuePlace | null = null): DueAutomation[] {
    const excluded = JSON.stringify(exclude);
    const owners = ownerKeys(skip);
    const later = this.db.prepare<[number, number, string, string, number], DueRow>(DUE_AFTER_SLOT);
    if (after === null) return later.all(Number.MIN_SAFE_INTEGER, now.getTime(), excluded, owners, limit).map(toDue);
    const sameSlot = this.db
      .prepare<[number, number, number, string, string, number], DueRow>(DUE_IN_SLOT_AFTER_ID)
      .all(after.slot, after.id, now.getTime(), excluded, owners, limit);
    const rest = sameSlot.length < limit ? later.all(after.slot, now.getTime(), excluded, owners, limit - sameSlot.length) : [];
    return [...sameSlot, ...rest].map(toDue);
  }

  /**
   * What {@link due} answers, for these capabilities only (the automation_due_by_capability index
   * serves each): the scheduler asks for the capabilities of a lane with room when the other
   * lane's due rows fill the plain due order. The exclusions are written out once for all of them.
   */
  dueOfCapabilities(capabilities: readonly string[], now: Date, limit: number, exclude: readonly number[], skip: DueExclusions = {}): DueAutomation[] {
    const statement = this.db.prepare<[string, number, string, string, number], DueRow>(DUE_OF_CAPABILITY);
    const excluded = JSON.stringify(exclude);
    const owners = ownerKeys(skip);
    return capabilities
      .flatMap((capability) => statement.all(capability, now.getTime(), excluded, owners, limit))
      .sort((a, b) => a.next_run_at - b.next_run_at || a.id - b.id)
      .slice(0, limit)
      .map(toDue);
  }

  /**
   * The earliest next slot among active automations, leaving out `exclude` (and, with `after`,
   * every slot at or before it); null when none is scheduled.
   */
  earliestNextRun(exclude: readonly number[], after: Date | null = null): Date | null {
    const row = this.db
      .prepare<[number, string], { next_run_at: number }>(
        `SELECT next_run_at FROM automation
          WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at > ? AND id NOT IN (SELECT value FROM json_each(?))
          ORDER BY next_run_at LIMIT 1`,
      )
      .get(after ? after.getTime() : Number.MIN_SAFE_INTEGER, JSON.stringify(exclude));
    return row ? new Date(row.next_run_at) : null;
  }
}

interface RunRow {
  id: number;
  automation_id: number;
  trigger: RunTrigger;
  status: RunStatus;
  path: ExecutionPath | null;
  started_at: number;
  finished_at: number | null;
  skill_run_id: string | null;
  ledger_id: number | null;
  output: string | null;
  alert_sent: number;
  alert_content: string | null;
  alert_held: Run['alertHeld'];
  resolved_incident: number;
  error: string | null;
  cost_usd: number;
}

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    automationId: row.automation_id,
    trigger: row.trigger,
    status: row.status,
    path: row.path,
    startedAt: new Date(row.started_at),
    finishedAt: date(row.finished_at),
    skillRunId: row.skill_run_id,
    ledgerId: row.ledger_id,
    output: row.output === null ? null : parseJsonColumn(jsonObject, row.output, 'automation_run.output', row.id),
    alertSent: row.alert_sent !== 0,
    alertContent: row.alert_content,
    alertHeld: row.alert_held,
    resolvedIncident: row.resolved_incident !== 0,
    error: row.error,
    costUsd: row.cost_usd,
  };
}

export interface RunFinish {
  status: Exclude<RunStatus, 'running'>;
  finishedAt: Date;
  output: JsonObject | null;
  alertSent: boolean;
  alertContent: string | null;
  alertHeld?: Run['alertHeld'];
  resolvedIncident?: boolean;
  error: string | null;
  costUsd: number;
  ledgerId: number | null;
  skillRunId: string | null;
}

/**
 * The runs of an id range that retention deletes: finished, started before the cutoff, with at
 * least `keep` newer runs of their automation (counted through automation_run_by_automation).
 */
export const EXPIRED_RUNS = `SELECT r.id FROM automation_run r
  WHERE r.id > ? AND r.id <= ? AND r.finished_at IS NOT NULL AND r.started_at < ?
    AND (SELECT COUNT(*) FROM (SELECT 1 FROM automation_run k WHERE k.automation_id = r.automation_id AND k.id > r.id LIMIT ?)) >= ?`;

/** Every SQL statement about runs. */
export class RunRepository {
  constructor(private readonly db: Db) {}

  /**
   * Inserts a run row; `status` is `running` for real work or a final status for a skip recorded
   * as a run. Returns the row as written (the columns it leaves out at their defaults), not read back.
   */
  insert(r: { automationId: number; trigger: RunTrigger; status: RunStatus; path: ExecutionPath | null; startedAt: Date; error?: string }): Run {
    const finishedAt = r.status === 'running' ? null : r.startedAt.getTime();
    const error = r.error ?? null;
    const info = this.db
      .prepare(
        'INSERT INTO automation_run (automation_id, trigger, status, path, started_at, finished_at, error) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(r.automationId, r.trigger, r.status, r.path, r.startedAt.getTime(), finishedAt, error);
    return {
      id: Number(info.lastInsertRowid),
      automationId: r.automationId,
      trigger: r.trigger,
      status: r.status,
      path: r.path,
      startedAt: new Date(r.startedAt.getTime()),
      finishedAt: date(finishedAt),
      skillRunId: null,
      ledgerId: null,
      output: null,
      alertSent: false,
      alertContent: null,
      alertHeld: null,
      resolvedIncident: false,
      error,
      costUsd: 0,
    };
  }

  /** Finishes a running run. Returns false (writing nothing) when it was not running any more. */
  finish(id: number, f: RunFinish): boolean {
    const info = this.db
      .prepare(
        `UPDATE automation_run SET status = ?, finished_at = ?, output = ?, alert_sent = ?, alert_content = ?, alert_held = ?, resolved_incident = ?,
           error = ?, cost_usd = ?, ledger_id = ?, skill_run_id = ? WHERE id = ? AND status = 'running'`,
      )
      .run(
        f.status,
        f.finishedAt.getTime(),
        f.output === null ? null : JSON.stringify(f.output),
        f.alertSent ? 1 : 0,
        f.alertContent,
        f.alertHeld ?? null,
        f.resolvedIncident ? 1 : 0,
        f.error,
        f.costUsd,
        f.ledgerId,
        f.skillRunId,
        id,
      );
    return info.changes === 1;
  }

  get(id: number): Run | null {
    const row = this.db.prepare<[number], RunRow>('SELECT * FROM automation_run WHERE id = ?').get(id);
    return row ? toRun(row) : null;
  }

  /** The automation's most recent runs, newest first. */
  recent(automationId: number, limit: number): Run[] {
    return this.db
      .prepare<[number, number], RunRow>('SELECT * FROM automation_run WHERE automation_id = ? ORDER BY id DESC LIMIT ?')
      .all(automationId, limit)
      .map(toRun);
  }

  /** The automation's most recent runs up to run `upToRunId` (all of them when null), oldest first: what a chart draws. */
  recentUpTo(automationId: number, upToRunId: number | null, limit: number): Run[] {
    return this.db
      .prepare<[number, number, number], RunRow>('SELECT * FROM automation_run WHERE automation_id = ? AND id <= ? ORDER BY id DESC LIMIT ?')
      .all(automationId, upToRunId ?? Number.MAX_SAFE_INTEGER, limit)
      .map(toRun)
      .reverse();
  }

  /** finished_at of the automation's last succeeded run (the `prior_run_end` of the next one). */
  lastSucceededEnd(automationId: number): Date | null {
    const row = this.db
      .prepare<[number], { finished_at: number }>(
        "SELECT finished_at FROM automation_run WHERE automation_id = ? AND status = 'succeeded' ORDER BY id DESC LIMIT 1",
      )
      .get(automationId);
    return row ? new Date(row.finished_at) : null;
  }

  /** The output of the automation's last succeeded run before run `beforeRunId` (what "was" compares with), or null. */
  previousOutput(automationId: number, beforeRunId: number): JsonObject | null {
    const row = this.db
      .prepare<[number, number], { id: number; output: string | null }>(
        "SELECT id, output FROM automation_run WHERE automation_id = ? AND id < ? AND status = 'succeeded' AND output IS NOT NULL ORDER BY id DESC LIMIT 1",
      )
      .get(automationId, beforeRunId);
    return row?.output ? parseJsonColumn(jsonObject, row.output, 'automation_run.output', row.id) : null;
  }

  /**
   * One batch of run retention over the runs with id in (`afterId`, `afterId` + `window` rows]:
   * deletes the finished ones started before `cutoff` that are not among the last `keep` runs of
   * their automation; the invocation ledger keeps its rows (their run reference cleared), the
   * outbox loses the delivered, folded and dead notifications of those runs (a pending one keeps
   * its place, its run reference cleared). Reads at most `window` rows in id order plus, per
   * candidate, `keep` index entries. Returns how many runs it deleted, the last id it looked at
   * (the next batch's `afterId`), and whether the runs after it are all too recent (or none).
   * Call it inside a transaction.
   */
  deleteExpiredBatch(cutoff: Date, keep: number, afterId: number, window: number): { deleted: number; lastId: number; done: boolean } {
    const rows = this.db
      .prepare<[number, number], { id: number; started_at: number }>('SELECT id, started_at FROM automation_run WHERE id > ? ORDER BY id LIMIT ?')
      .all(afterId, window);
    const last = rows.at(-1);
    if (!last) return { deleted: 0, lastId: afterId, done: true };
    const ids = this.db
      .prepare<[number, number, number, number, number], { id: number }>(EXPIRED_RUNS)
      .all(afterId, last.id, cutoff.getTime(), keep, keep)
      .map((r) => r.id);
    if (ids.length > 0) {
      const list = JSON.stringify(ids);
      this.db.prepare('UPDATE invocation_log SET automation_run_id = NULL WHERE automation_run_id IN (SELECT value FROM json_each(?))').run(list);
      this.db
        .prepare(
          `DELETE FROM notification WHERE run_id IN (SELECT value FROM json_each(?))
             AND (delivered_at IS NOT NULL OR failed_at IS NOT NULL OR superseded_by IS NOT NULL)`,
        )
        .run(list);
      this.db.prepare('UPDATE notification SET run_id = NULL WHERE run_id IN (SELECT value FROM json_each(?))').run(list);
      this.db.prepare('DELETE FROM automation_run WHERE id IN (SELECT value FROM json_each(?))').run(list);
    }
    return { deleted: ids.length, lastId: last.id, done: rows.length < window || last.started_at >= cutoff.getTime() };
  }

  /** Runs still marked running (after a crash: the ones to close as interrupted). */
  running(): Run[] {
    return this.db.prepare<[], RunRow>("SELECT * FROM automation_run WHERE status = 'running' ORDER BY id").all().map(toRun);
  }
}
