import type { BudgetGuard } from '../budget/guard.js';
import type { ExecutionResult, ModelRouter, SkillExecutor } from '../capabilities/types.js';
import { pathForSkillState } from '../capabilities/types.js';
import type { Clock } from '../clock.js';
import { BudgetPausedError, errorText, LaneBusyError, RunTimeoutError } from '../errors.js';
import type { Logger } from '../logger.js';
import { redactSecrets } from '../redact.js';
import type { Store } from '../store.js';
import type { ChangeMark } from './repository.js';
import { isJsonObject } from '../util/json.js';
import { capObject, formatKb, jsonBytes } from '../util/json-bounds.js';
import { evaluateCondition } from './alerts/condition.js';
import { judgeAlert, type AlertJudgement, type IncidentMemory } from './alerts/mode.js';
import { formatCondition } from './alerts/text.js';
import { laneOfPath, type RunLanes, type RunSlot } from './lanes.js';
import { nextSlot } from './next-slot.js';
import { alertNotification, pauseNotification, resolvedEdit, resolvedNotification } from './notices.js';
import { readOutput, readResolved, type OutputReader, type ReadingContext } from '../capabilities/reading.js';
import type { NewNotification } from '../notifications/outbox.js';
import { quietHoursEnd, quietHoursZone } from '../settings/quiet-hours.js';
import type { FinishedRun } from './shadow.js';
import type { Automation, ExecutionPath, JsonObject, Run, RunStatus, RunTrigger } from './types.js';
import { TIMEOUT_ERROR, withTimeLimit } from './time-limit.js';

export type DispatchOutcome = 'succeeded' | 'cost_exceeded' | 'skipped_budget' | 'skipped_condition' | 'failed' | 'error';

/** Step 10 of the dispatch contract. */
export interface DispatchReport {
  automationId: number;
  runId: number | null;
  outcome: DispatchOutcome;
  alertSent: boolean;
  error: string | null;
}

/** How long finishing transactions may run in one turn of the event loop, in ms (see Dispatcher.finishTurn). */
const FINISH_MS_PER_TURN = 10;

export interface DispatcherDeps {
  store: Store;
  clock: Clock;
  budget: BudgetGuard;
  skills: SkillExecutor;
  models: ModelRouter;
  logger: Logger;
  failurePauseThreshold: number;
  runTimeoutMs: number;
  /** The local and model lanes every run takes a slot in (scheduled and run now alike). */
  lanes: RunLanes;
  /** Called after notifications were queued (to wake the notification service). */
  onNotification?: () => void;
  /** How a capability's output reads in its alerts; by default every output reads generically. */
  readers?: (capability: string) => OutputReader | undefined;
  /** The time zone of people's quiet hours when they set none (DEFAULT_TIMEZONE; UTC when absent). */
  defaultTimezone?: string;
  /**
   * Called once a run's finishing transaction has committed (the shadow runner): what it does
   * cannot change the run's outcome, output or alert, nor delay the report.
   */
  afterRun?: (finished: FinishedRun) => void;
}

export interface DispatchOptions {
  /** Scheduled runs honour `min_interval_seconds`; a person's "run now" does not. */
  enforceMinInterval?: boolean;
  /**
   * A slot the caller (the scheduler) already took for the lane it expects; the dispatch owns it
   * from here and releases it. Without one, the dispatch waits for a slot in its lane, up to the
   * run time limit (then it reports `error` saying the slots stayed busy, writing nothing).
   */
  slot?: RunSlot;
}

/** The error text of a run that hit RUN_TIMEOUT_SECONDS. */
/** Timer jitter tolerated by the min-interval check. */
const MIN_INTERVAL_SLACK_MS = 1_000;
export const INTERRUPTED_ERROR = 'interrupted: Steward stopped while this run was going';
/** A run's output is stored (and judged) cut to this many bytes of JSON, with a `_truncated` marker. */
export const MAX_RUN_OUTPUT_BYTES = 64 * 1024;

/**
 * What min_interval_seconds measures from, for a counted run: the slot a scheduled run ran for
 * (the schedule's slots are at least the minimum apart, so a run that started late because its
 * lane was full, in a burst, does not make the next slot, on time, look too soon), else when it
 * started (a catch-up run after downtime, a run now). `automation` is the row as the run finds it
 * at its end, whose next_run_at is still the slot it ran for (or, edited meanwhile, a later one).
 */
function slotOf(run: Run, automation: Automation): Date {
  const slot = automation.nextRunAt;
  return run.trigger === 'schedule' && slot !== null && slot < run.startedAt ? slot : run.startedAt;
}
/** The state an automation keeps between runs may not exceed this many bytes of JSON: a run leaving more fails, saying so. */
export const MAX_STATE_BYTES = 256 * 1024;

/** How a run ended, before it is written. */
interface Ending {
  status: Exclude<RunStatus, 'running' | 'skipped_condition'>;
  outcome: DispatchOutcome;
  output: JsonObject | null;
  error: string | null;
  costUsd: number;
  ledgerId: number | null;
  skillRunId: string | null;
  state?: JsonObject;
}

/**
 * Runs one automation end to end, as the dispatch contract in DESIGN.md says, and never throws:
 * whatever goes wrong is in the report (outcome `error` when it went wrong outside the run).
 */
export class Dispatcher {
  private readonly running = new Map<number, Promise<DispatchReport>>();

  constructor(private readonly deps: DispatcherDeps) {}

  /** Automations with a dispatch in progress. */
  runningIds(): number[] {
    return [...this.running.keys()];
  }

  /** Resolves when no dispatch is in progress (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  isRunning(automationId: number): boolean {
    return this.running.has(automationId);
  }

  /**
   * Runs the automation once (the dispatch contract), in a slot of the lane its path takes at this
   * moment: the slot the caller took (`options.slot`) when it is that lane's, else one it waits for
   * up to the run time limit. Never rejects; an automation already running (or waiting for a
   * slot) reports `error` at once.
   */
  dispatch(automationId: number, trigger: RunTrigger, options: DispatchOptions = {}): Promise<DispatchReport> {
    if (this.running.has(automationId)) {
      return Promise.resolve(report(automationId, null, 'error', `automation #${automationId} is already running`));
    }
    const held: SlotHolder = { slot: options.slot ?? null };
    const done = this.guardedDispatch(automationId, trigger, options, held).finally(() => {
      held.slot?.release();
      this.running.delete(automationId);
    });
    this.running.set(automationId, done);
    return done;
  }

  private async guardedDispatch(automationId: number, trigger: RunTrigger, options: DispatchOptions, held: SlotHolder): Promise<DispatchReport> {
    try {
      return await this.dispatchOnce(automationId, trigger, options, held);
    } catch (error) {
      if (error instanceof LaneBusyError) {
        // No slot came free in time: nothing ran, nothing is written, the schedule stays as it is.
        this.deps.logger.warn({ event: 'run_slot_timeout', automationId, trigger, ...error.facts }, 'no run slot came free in time');
        return report(automationId, null, 'error', error.message);
      }
      const message = (error as Error).message;
      this.deps.logger.error({ event: 'dispatch_error', automationId, trigger, err: error }, 'dispatch failed outside the run');
      this.advanceWithoutCounting(automationId);
      return report(automationId, null, 'error', message);
    }
  }

  private async dispatchOnce(automationId: number, trigger: RunTrigger, options: DispatchOptions, held: SlotHolder): Promise<DispatchReport> {
    const { store, clock, logger } = this.deps;
    const now = clock.now();
    let mark = store.automations.changeMark();
    const found = store.automations.get(automationId);
    if (!found || found.status === 'deleted') {
      return report(automationId, null, 'error', `automation #${automationId} not found`);
    }
    let automation: Automation = found;
    const capability = store.capabilities.forRun(automation.capability);
    if (!capability) throw new Error(`capability "${automation.capability}" is not installed`);

    // min_interval_seconds guards scheduled runs: a run that would start sooner after the last
    // one (the slot it ran for, see slotOf) is recorded as skipped. A second of slack absorbs timer
    // jitter, so a schedule whose gap equals the minimum never skips.
    const lastRun = automation.lastSlotAt ?? automation.lastRunAt;
    if (options.enforceMinInterval && lastRun) {
      const sinceMs = now.getTime() - lastRun.getTime();
      if (sinceMs < automation.minIntervalSeconds * 1000 - MIN_INTERVAL_SLACK_MS) {
        const error = `min_interval: last run ${Math.round(sinceMs / 1000)} s ago, minimum is ${automation.minIntervalSeconds} s`;
        const run = store.transaction(() => {
          const skipped = store.runs.insert({ automationId, trigger, status: 'skipped_condition', path: null, startedAt: now, error });
          this.moveToNextSlot(automation, now);
          return skipped;
        });
        logger.info({ event: 'automation_skipped_min_interval', automationId, runId: run.id }, error);
        return report(automationId, run.id, 'skipped_condition', error);
      }
    }

    // Step 2 first, then step 1: the BudgetGuard caps model spend, so only model work that costs
    // money asks it. (A local skill, or a model route priced at $0, costs nothing and keeps running
    // while the budget is paused: uptime checks must.)
    const path = pathForSkillState(capability.skillState);
    if (path === 'claude_native' && !this.deps.models.isFree(capability.name)) {
      try {
        this.deps.budget.checkPreCall(automation.userId);
      } catch (error) {
        if (!(error instanceof BudgetPausedError)) throw error;
        this.moveToNextSlot(automation, now);
        logger.info({ event: 'automation_skipped_budget', automationId, period: error.period }, 'run skipped: LLM budget paused');
        this.deps.onNotification?.();
        return report(automationId, null, 'skipped_budget', error.message);
      }
    }

    // A slot in the path's lane (the one the scheduler took, when it guessed the lane right), so a
    // model run never holds a local slot and the reverse. Waiting for one moves the start.
    const lane = laneOfPath(path);
    let startedAt = now;
    if (held.slot?.lane !== lane) {
      held.slot?.release();
      held.slot = this.deps.lanes.tryAcquire(lane, automation.userId);
      if (!held.slot) {
        logger.info({ event: 'run_waiting_for_slot', automationId, trigger, lane }, 'run waits for a free slot in its lane');
        held.slot = await this.deps.lanes.acquire(lane, automation.userId, this.deps.runTimeoutMs);
        startedAt = clock.now();
        // Deleted or edited while it waited: run what is there now, or nothing.
        mark = store.automations.changeMark();
        const current = store.automations.get(automationId);
        if (!current || current.status === 'deleted') return report(automationId, null, 'error', `automation #${automationId} not found`);
        automation = current;
      }
    }

    // Step 3: the run row exists before any work.
    const run = store.runs.insert({ automationId, trigger, status: 'running', path, startedAt });
    logger.info({ event: 'run_started', automationId, runId: run.id, trigger, path }, 'run started');

    const priorRunEnd = store.runs.lastSucceededEnd(automation.id);
    const ending = await this.execute(automation, run, path, { name: capability.name, description: capability.description }, priorRunEnd);
    await this.finishTurn();
    let finished: DispatchReport;
    try {
      finished = this.finish(automation.id, run, ending, { automation, mark });
    } catch (error) {
      // The finishing transaction rolled back. Close the run as failed (its counters with it), so
      // the row and the counters still agree; if even that fails, start-up recovery closes it.
      const message = `internal error: ${errorText(error)}`;
      logger.error({ event: 'run_finish_failed', automationId, runId: run.id, err: error }, 'could not record the run; recording it as failed');
      const failed = this.finish(automation.id, run, { ...ending, status: 'failed', output: null, error: message, state: undefined });
      return { ...failed, outcome: 'error' };
    }
    // After the commit: the shadow runner records evidence beside the run (it never throws).
    this.deps.afterRun?.({ automation, run, path, priorRunEnd, succeeded: finished.outcome === 'succeeded', output: ending.output });
    return finished;
  }

  /** Steps 4 and 5: execute within the time limit, and judge the result. */
  private async execute(automation: Automation, run: Run, path: ExecutionPath, capability: { name: string; description: string }, priorRunEnd: Date | null): Promise<Ending> {
    const { store, clock } = this.deps;
    const executor = path === 'skill' ? this.deps.skills : this.deps.models;
    let result: ExecutionResult;
    try {
      result = await withTimeLimit(clock, this.deps.runTimeoutMs, (signal) =>
        executor.execute({
          automationId: automation.id,
          runId: run.id,
          userId: automation.userId,
          capability,
          inputs: automation.inputs,
          priorRunEnd,
          state: automation.state,
          signal,
        }),
      );
    } catch (error) {
      const spent = store.ledger.runSpend(run.id);
      const base = { output: null, costUsd: spent, ledgerId: null, skillRunId: null };
      if (error instanceof BudgetPausedError) return { ...base, status: 'skipped_budget', outcome: 'skipped_budget', error: error.message };
      return { ...base, status: 'failed', outcome: 'failed', error: error instanceof RunTimeoutError ? TIMEOUT_ERROR : errorText(error) };
    }
    const capped = capObject(isJsonObject(result.output) ? result.output : { output: result.output }, MAX_RUN_OUTPUT_BYTES);
    if (capped.cut) {
      this.deps.logger.warn({ event: 'run_output_cut', automationId: automation.id, runId: run.id, bytes: capped.bytes, limitBytes: MAX_RUN_OUTPUT_BYTES }, 'run output cut to its size cap');
    }
    const output = capped.value;
    const common = { output, costUsd: result.costUsd, ledgerId: result.ledgerId ?? null, skillRunId: result.skillRunId ?? null };
    const stateBytes = result.state ? jsonBytes(result.state) : 0;
    if (stateBytes > MAX_STATE_BYTES) {
      const error = `the state this run would keep is ${formatKb(stateBytes)}, over the ${formatKb(MAX_STATE_BYTES)} an automation may keep between runs`;
      return { ...common, output: null, status: 'failed', outcome: 'failed', error };
    }
    if (automation.maxCostPerRunUsd !== null && result.costUsd > automation.maxCostPerRunUsd) {
      return { ...common, status: 'failed', outcome: 'cost_exceeded', error: 'cost_exceeded' };
    }
    return { ...common, status: 'succeeded', outcome: 'succeeded', error: null, ...(result.state ? { state: result.state } : {}) };
  }

  /** When the first finishing transaction of this turn of the event loop began (performance.now()); null: none yet. */
  private turnBegan: number | null = null;

  /**
   * Waits for a turn to finish a run: finishing transactions run for at most FINISH_MS_PER_TURN
   * of one turn of the event loop, the others on the next turns. When hundreds of answers arrive
   * together (a burst of checks on the minute), their commits would otherwise run back to back in
   * one phase, and timers and people's commands would wait behind all of them.
   */
  private async finishTurn(): Promise<void> {
    for (;;) {
      const now = performance.now();
      if (this.turnBegan === null) {
        this.turnBegan = now;
        setImmediate(() => (this.turnBegan = null));
      }
      if (now - this.turnBegan < FINISH_MS_PER_TURN) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Steps 6 to 9 in one transaction: judge the alert, finish the run row, advance the schedule,
   * count, pause at the threshold, queue the notifications. The automation is as it is inside the
   * transaction: a person who paused, edited, snoozed or deleted it mid-run keeps what they did.
   * `seen` is the automation as the run read it and the change mark taken with that read: when
   * nothing but runs' own outcomes was written since, that read is what the row holds and is used
   * as it is; otherwise (and without `seen`) the row is read again.
   */
  private finish(automationId: number, run: Run, ending: Ending, seen?: { automation: Automation; mark: ChangeMark }): DispatchReport {
    const { store, clock, logger } = this.deps;
    const now = clock.now();
    // What people and logs see of an error: URLs without user info, query or fragment.
    const runError = ending.error === null ? null : redactSecrets(ending.error);
    const queued = store.transaction(() => {
      const current = seen && store.automations.unchangedSince(seen.mark) ? seen.automation : store.automations.get(automationId)!;
      const counted = ending.status !== 'skipped_budget';
      const failed = ending.status === 'failed' || ending.status === 'interrupted';
      const failureCount = !counted ? current.failureCount : failed ? current.failureCount + 1 : 0;

      const memory: IncidentMemory = { lastResult: current.alertLastResult, lastFiredAt: current.alertLastFiredAt, ...current.alertIncident };
      let judged: AlertJudgement | null = null;
      if (ending.status === 'succeeded' && current.alertConditionsError) {
        logger.warn({ event: 'alert_evaluation_failed', automationId, runId: run.id, error: current.alertConditionsError }, 'alert condition unreadable; no alert');
      } else if (ending.status === 'succeeded' && ending.output && current.alertConditions) {
        try {
          const holds = evaluateCondition(current.alertConditions, ending.output);
          judged = judgeAlert(
            { mode: current.alertMode, repeatAfterSeconds: current.alertRepeatAfterSeconds, confirmAfter: current.confirmAfter },
            memory,
            holds,
            now,
            run.startedAt,
          );
        } catch (error) {
          logger.warn({ event: 'alert_evaluation_failed', automationId, runId: run.id, err: error }, 'alert condition could not be evaluated; no alert');
        }
      }
      const kept = judged?.memory ?? memory;
      // A snooze or mute holds what this run would send. A snooze that is over, or a mute whose
      // condition turned false, ends with the first judged run that sees it.
      const hold = current.alertHold;
      const snoozeEnded = hold?.kind === 'snoozed' && now.getTime() >= hold.until.getTime() ? hold.until : null;
      const snoozeOver = snoozeEnded !== null;
      const muteOver = hold?.kind === 'muted' && judged !== null && kept.lastResult !== true;
      const held = hold === null || snoozeOver || muteOver ? null : hold.kind;
      const still = judged !== null && kept.lastResult === true ? snoozeEnded : null;
      const { alertNotice, resolvedNotices, heldBack } =
        current.status === 'deleted' || !ending.output || !judged ? { alertNotice: null, resolvedNotices: [], heldBack: false } : this.incidentNotices(current, run, ending.output, judged, now, held, still);
      const quiet = alertNotice || resolvedNotices.length > 0 || failed ? this.quietHold(current, now) : null;
      const quietly = (n: NewNotification): NewNotification =>
        quiet && n.type !== 'edit' && (n.type !== 'pause' || !quiet.urgent) ? { ...n, heldUntil: quiet.until, heldFor: current.userId } : n;

      const pauseNow = failed && current.status === 'active' && failureCount >= this.deps.failurePauseThreshold;
      const status = pauseNow ? 'paused' : current.status;
      const finished = store.runs.finish(run.id, {
        status: ending.status,
        finishedAt: now,
        output: ending.output,
        alertSent: alertNotice !== null,
        alertContent: alertNotice?.content ?? null,
        alertHeld: heldBack ? held : null,
        resolvedIncident: judged?.resolved != null,
        error: runError,
        costUsd: ending.costUsd,
        ledgerId: ending.ledgerId,
        skillRunId: ending.skillRunId,
      });
      // Closed already (as interrupted by start-up recovery): count nothing twice, send nothing.
      if (!finished) return { alert: false, paused: false, failureCount, notices: 0 };
      const alertId = alertNotice ? store.outbox.enqueue(quietly(alertNotice), now) : null;
      store.automations.recordRunOutcome(
        automationId,
        {
          lastRunAt: counted ? run.startedAt : current.lastRunAt,
          lastSlotAt: counted ? slotOf(run, current) : current.lastSlotAt,
          nextRunAt: status === 'active' ? nextSlot(current, now) : null,
          runCount: current.runCount + (counted ? 1 : 0),
          failureCount,
          pausedForFailures: pauseNow,
          state: ending.state ?? current.state,
          alertLastResult: kept.lastResult,
          alertLastFiredAt: kept.lastFiredAt,
          alertIncident: {
            streak: kept.streak,
            streakStartedAt: kept.streakStartedAt,
            incidentStartedAt: kept.incidentStartedAt,
            incidentRuns: kept.incidentRuns,
            // The message a resolution edits: the incident's first alert (or the first sent, when a snooze held that one).
            notificationId: alertId !== null && (judged?.opens || kept.notificationId === null) && kept.incidentStartedAt !== null ? alertId : kept.notificationId,
          },
          clearAlertHold: judged !== null && (snoozeOver || muteOver),
        },
        now,
      );
      const notices = [];
      if (alertNotice) notices.push(alertId);
      for (const notice of resolvedNotices) notices.push(store.outbox.enqueue(quietly(notice), now));
      if (pauseNow) notices.push(store.outbox.enqueue(quietly(pauseNotification(current, run.id, failureCount, runError ?? 'unknown')), now));
      return { alert: alertNotice !== null, paused: pauseNow, failureCount, notices: notices.length };
    });

    logger.info(
      { event: 'run_finished', automationId, runId: run.id, status: ending.status, outcome: ending.outcome, costUsd: ending.costUsd, alertSent: queued.alert, error: runError },
      'run finished',
    );
    if (queued.paused) {
      logger.warn({ event: 'automation_paused', automationId, failures: queued.failureCount, lastError: runError }, 'automation paused after repeated failures');
    }
    if (queued.notices > 0) this.deps.onNotification?.();
    return report(automationId, run.id, ending.outcome, runError, queued.alert);
  }

  /**
   * The notices a judged run sends: its alert (written as the capability reads the output), and
   * at an incident's end the Resolved notice (unless the automation turned it off) and the edit
   * of the incident's first alert (always, when that alert is known). While `held` (a snooze or a
   * mute), the alert and the Resolved notice are not sent (`heldBack` says one was); the edit still
   * is, quietly. `still`: the snooze that ended then is over and the condition holds: one alert says so.
   */
  private incidentNotices(
    automation: Automation,
    run: Run,
    output: JsonObject,
    judged: AlertJudgement,
    now: Date,
    held: 'snoozed' | 'muted' | null,
    still: Date | null,
  ): { alertNotice: NewNotification | null; resolvedNotices: NewNotification[]; heldBack: boolean } {
    const { store } = this.deps;
    const reader = this.deps.readers?.(automation.capability);
    const previousOutput = (): JsonObject | null => {
      try {
        return store.runs.previousOutput(automation.id, run.id);
      } catch {
        return null; // an unreadable older output: no "was", still an alert
      }
    };
    const context = (): ReadingContext => ({
      name: automation.name,
      inputs: automation.inputs,
      previous: previousOutput(),
      condition: formatCondition(automation.alertConditions),
      since: judged.memory.incidentStartedAt,
      now,
      alert: true,
    });
    const send = judged.send || still !== null;
    // Without a reader of its own, the alert says the condition and the output's key fields.
    const alertNotice = send && !held ? alertNotification(automation, run.id, output, reader ? readOutput(reader, output, context()) : undefined, still ?? undefined) : null;
    let heldBack = send && held !== null;
    const resolvedNotices: NewNotification[] = [];
    const resolved = judged.resolved;
    if (resolved) {
      if (automation.notifyResolved && held) heldBack = true;
      else if (automation.notifyResolved) resolvedNotices.push(resolvedNotification(automation, run.id, readResolved(reader, output, { ...context(), since: null }, resolved)));
      const original = resolved.notificationId === null ? null : store.outbox.standingFor(resolved.notificationId);
      if (original && (original.type === 'alert' || original.type === 'edit')) resolvedNotices.push(resolvedEdit(automation, run.id, original, resolved));
    }
    return { alertNotice, resolvedNotices, heldBack };
  }

  /** When the owner's quiet hours hold what this run sends (the end of the window `now` is in), or null outside them. */
  private quietHold(automation: Automation, now: Date): { until: Date; urgent: boolean } | null {
    const { store, logger } = this.deps;
    const quiet = store.settings.quietHours(automation.userId);
    if (!quiet) return null;
    try {
      const until = quietHoursEnd(quiet, quietHoursZone(store.settings.userTimezone(automation.userId), this.deps.defaultTimezone ?? 'UTC'), now);
      return until ? { until, urgent: quiet.urgent } : null;
    } catch (error) {
      logger.warn({ event: 'quiet_hours_unreadable', userId: automation.userId, err: error }, 'quiet hours could not be read; sending at once');
      return null;
    }
  }

  /**
   * Start-up recovery: closes every run left `running` by a crash as `interrupted` (counted as a
   * failure, so a run that keeps killing the bot ends up paused) and moves its automation to its
   * next slot after now, so the interrupted slot is not run again. Returns the runs closed.
   */
  recoverInterrupted(): number[] {
    const closed: number[] = [];
    for (const run of this.deps.store.runs.running()) {
      const spent = this.deps.store.ledger.runSpend(run.id);
      this.finish(run.automationId, run, {
        status: 'interrupted',
        outcome: 'failed',
        output: null,
        error: INTERRUPTED_ERROR,
        costUsd: spent,
        ledgerId: null,
        skillRunId: null,
      });
      this.deps.logger.warn({ event: 'run_interrupted', automationId: run.automationId, runId: run.id }, 'run closed as interrupted');
      closed.push(run.id);
    }
    return closed;
  }

  /** Moves an active automation to its next slot after `now` without counting a run (skips, errors outside the run). */
  private moveToNextSlot(automation: Automation, now: Date): void {
    if (automation.status === 'active') this.deps.store.automations.setNextRun(automation.id, nextSlot(automation, now));
  }

  /**
   * After an error outside the run: move on to the next slot so a broken automation does not spin.
   * One that cannot even be read is taken off the schedule (logged) until a person fixes it.
   */
  private advanceWithoutCounting(automationId: number): void {
    const { store, clock, logger } = this.deps;
    try {
      const automation = store.automations.get(automationId);
      if (automation) this.moveToNextSlot(automation, clock.now());
    } catch (error) {
      logger.error({ event: 'automation_unschedulable', automationId, err: error }, 'automation cannot be read; it is taken off the schedule');
      try {
        store.automations.setNextRun(automationId, null);
      } catch (again) {
        logger.error({ event: 'dispatch_error', automationId, err: again }, 'could not take the automation off the schedule');
      }
    }
  }
}

/** The lane slot a dispatch holds; released once when the dispatch ends, whatever happened. */
interface SlotHolder {
  slot: RunSlot | null;
}

function report(automationId: number, runId: number | null, outcome: DispatchOutcome, error: string | null, alertSent = false): DispatchReport {
  return { automationId, runId, outcome, alertSent, error };
}


