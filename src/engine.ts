import { Dispatcher } from './automations/dispatcher.js';
import { Scheduler } from './automations/scheduler.js';
import { AutomationService } from './automations/service.js';
import { BudgetGuard } from './budget/guard.js';
import { MeteredModelRouter, type ModelPrice, type ModelProvider } from './capabilities/model-router.js';
import { CapabilityRegistry } from './capabilities/registry.js';
import type { ModelRouter, SkillExecutor } from './capabilities/types.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { openDatabase, type Db } from './db/database.js';
import type { Logger } from './logger.js';
import { NotificationService, type NotificationSink } from './notifications/service.js';
import { Store } from './store.js';

/** Conservative fallback price (USD per million tokens) until the model issue brings a price table. */
export const DEFAULT_MODEL_PRICE: ModelPrice = { inputPerMTok: 3, outputPerMTok: 15 };

export interface EngineOptions {
  config: Config;
  logger: Logger;
  sink: NotificationSink;
  clock?: Clock;
  /** An open database; by default `config.STEWARD_DB` is opened and migrated. */
  db?: Db;
  registry?: CapabilityRegistry;
  /** Replaces the registry's local skills. */
  skills?: SkillExecutor;
  /** The provider behind the claude_native path; null or absent: such runs fail with "no model configured". */
  modelProvider?: ModelProvider | null;
  modelPrice?: ModelPrice;
  /** Replaces the metered router over `modelProvider`. */
  models?: ModelRouter;
}

/** Everything below the front end, wired together: storage, budget, dispatcher, scheduler, outbox delivery and the service. */
export class Engine {
  readonly store: Store;
  readonly budget: BudgetGuard;
  readonly dispatcher: Dispatcher;
  readonly scheduler: Scheduler;
  readonly notifications: NotificationService;
  readonly service: AutomationService;
  readonly clock: Clock;
  private readonly logger: Logger;

  constructor(options: EngineOptions) {
    const { config, logger } = options;
    const clock = options.clock ?? systemClock;
    this.clock = clock;
    this.logger = logger;
    this.store = new Store(options.db ?? openDatabase(config.STEWARD_DB));
    const registry = options.registry ?? new CapabilityRegistry();
    this.notifications = new NotificationService({ outbox: this.store.outbox, sink: options.sink, clock, logger });
    const kick = () => this.notifications.kick();
    this.budget = new BudgetGuard({
      ledger: this.store.ledger,
      outbox: this.store.outbox,
      clock,
      logger,
      limits: { dailyUsd: config.DAILY_BUDGET_USD, monthlyUsd: config.MONTHLY_BUDGET_USD },
      onNotice: kick,
    });
    const models =
      options.models ??
      new MeteredModelRouter({
        provider: options.modelProvider ?? null,
        price: options.modelPrice ?? DEFAULT_MODEL_PRICE,
        budget: this.budget,
        clock,
      });
    this.dispatcher = new Dispatcher({
      store: this.store,
      clock,
      budget: this.budget,
      skills: options.skills ?? registry.skillExecutor(),
      models,
      logger,
      failurePauseThreshold: config.FAILURE_PAUSE_THRESHOLD,
      runTimeoutMs: config.RUN_TIMEOUT_SECONDS * 1000,
      onNotification: kick,
    });
    this.scheduler = new Scheduler({
      store: this.store,
      dispatcher: this.dispatcher,
      clock,
      logger,
      maxConcurrentRuns: config.MAX_CONCURRENT_RUNS,
    });
    this.service = new AutomationService({
      store: this.store,
      registry,
      dispatcher: this.dispatcher,
      budget: this.budget,
      clock,
      logger,
      config: { defaultTimezone: config.DEFAULT_TIMEZONE, minIntervalSeconds: config.MIN_INTERVAL_SECONDS },
      onScheduleChange: () => this.scheduler.wake(),
    });
  }

  /** Closes runs a crash left open, then starts outbox delivery and the scheduler. */
  start(): void {
    const interrupted = this.dispatcher.recoverInterrupted();
    if (interrupted.length > 0) this.logger.warn({ event: 'runs_recovered', runs: interrupted.length }, 'closed runs left open by a crash');
    this.notifications.start();
    this.scheduler.start();
    this.logger.info({ event: 'engine_started' }, 'engine started');
  }

  /**
   * Stops taking new runs, waits up to `graceMs` for runs in progress, flushes what the outbox
   * can deliver, and closes the database. Runs still going after the grace period are recorded
   * as interrupted at the next start.
   */
  async stop(graceMs = 30_000): Promise<void> {
    const settled = await withinMs(
      this.scheduler.stop().then(() => this.dispatcher.idle()),
      graceMs,
    );
    if (!settled) this.logger.warn({ event: 'shutdown_runs_abandoned' }, 'runs still going at shutdown; they will be recorded as interrupted');
    await withinMs(this.notifications.idle().then(() => this.notifications.deliverDue()), 5_000);
    await this.notifications.stop();
    this.store.close();
    this.logger.info({ event: 'engine_stopped' }, 'engine stopped');
  }
}

async function withinMs(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
