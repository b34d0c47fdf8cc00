import { InstantTimer, type Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store.js';
import type { Dispatcher, DispatchReport } from './dispatcher.js';
import { nextSlot } from './next-slot.js';
import type { DueAutomation } from './repository.js';

export interface SchedulerDeps {
  store: Store;
  dispatcher: Dispatcher;
  clock: Clock;
  logger: Logger;
  maxConcurrentRuns: number;
  /** Told about each finished scheduled dispatch (benchmarks, tests). */
  onDispatched?: (report: DispatchReport) => void;
}

/**
 * Arms one timer for the earliest `next_run_at` among active automations (no polling), dispatches
 * what is due oldest first with at most `maxConcurrentRuns` at a time, and never runs one
 * automation twice at once. Slots missed while the bot was down collapse into one `catch_up` run
 * (or none, with catch-up policy `skip`); the dispatcher then moves on to the next slot after now.
 */
export class Scheduler {
  private readonly timer: InstantTimer;
  private readonly inFlight = new Map<number, Promise<unknown>>();
  private startedAt: Date | null = null;

  constructor(private readonly deps: SchedulerDeps) {
    this.timer = new InstantTimer(deps.clock, () => this.wake());
  }

  /** Starts scheduling: what is due now starts at once, then the timer takes over. */
  start(): void {
    this.startedAt = this.deps.clock.now();
    this.deps.logger.info({ event: 'scheduler_started' }, 'scheduler started');
    this.wake();
  }

  /** Stops starting runs; resolves when the runs in progress have finished. */
  async stop(): Promise<void> {
    this.startedAt = null;
    this.timer.clear();
    await this.idle();
  }

  /** Resolves when no scheduled run is in progress. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight.values());
  }

  /** When the timer is armed for (null: nothing scheduled or all run slots busy). */
  get armedFor(): Date | null {
    return this.timer.armedFor;
  }

  /**
   * Starts what is due and re-arms the timer. The service calls it after a create, edit, pause,
   * resume or delete; the timer and finishing runs call it too.
   */
  wake(): void {
    if (!this.startedAt) return;
    const { store, clock, maxConcurrentRuns, logger } = this.deps;
    try {
      const free = maxConcurrentRuns - this.inFlight.size;
      if (free > 0) {
        const now = clock.now();
        for (const due of store.automations.due(now, free, this.busyIds())) this.startRun(due, now);
      }
    } catch (error) {
      logger.error({ event: 'scheduler_error', err: error }, 'scheduler could not start due runs');
    } finally {
      this.arm();
    }
  }

  private busyIds(): number[] {
    return [...new Set([...this.inFlight.keys(), ...this.deps.dispatcher.runningIds()])];
  }

  private startRun(due: DueAutomation, now: Date): void {
    const { store, dispatcher, logger } = this.deps;
    const { id: automationId, nextRunAt: slot } = due;
    // Missed: due while the bot was down. (A slot delayed by a full run queue is not missed.)
    const missed = slot < this.startedAt!;
    if (missed && due.catchUp === 'skip') {
      store.automations.setNextRun(automationId, nextSlot(due, now));
      logger.info({ event: 'automation_catch_up_skipped', automationId, missedSlot: slot }, 'missed slot skipped (catch-up policy skip)');
      return;
    }
    const trigger = missed ? 'catch_up' : 'schedule';
    logger.debug({ event: 'automation_due', automationId, slot, trigger, lateMs: now.getTime() - slot.getTime() }, 'automation due');
    const done = dispatcher
      .dispatch(automationId, trigger, { enforceMinInterval: true })
      .then((report) => this.deps.onDispatched?.(report))
      .catch((error: unknown) => logger.error({ event: 'scheduler_error', automationId, err: error }, 'scheduled dispatch failed'))
      .finally(() => {
        this.inFlight.delete(automationId);
        this.wake();
      });
    this.inFlight.set(automationId, done);
  }

  private arm(): void {
    if (!this.startedAt || this.inFlight.size >= this.deps.maxConcurrentRuns) {
      this.timer.clear();
      return;
    }
    try {
      this.timer.armAt(this.deps.store.automations.earliestNextRun(this.busyIds()));
    } catch (error) {
      // The database is failing: look again in a minute rather than never.
      this.deps.logger.error({ event: 'scheduler_error', err: error }, 'scheduler could not read the next slot');
      this.timer.armAt(new Date(this.deps.clock.now().getTime() + 60_000));
    }
  }
}
