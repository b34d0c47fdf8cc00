import { Dispatcher } from './automations/dispatcher.js';
import { RunRetention } from './automations/retention.js';
import { laneLimits, RunLanes } from './automations/lanes.js';
import { Scheduler } from './automations/scheduler.js';
import { ShadowRunner } from './automations/shadow.js';
import { SkillLifecycle } from './automations/skill-lifecycle.js';
import { CapabilityPreview } from './automations/preview.js';
import { AutomationService } from './automations/service.js';
import { BudgetGuard } from './budget/guard.js';
import { ContentWorkers } from './capabilities/content/pool.js';
import type { Fetcher } from './capabilities/http/fetcher.js';
import { createWorkerFetcher } from './capabilities/http/fetch-worker.js';
import { DEFAULT_FETCH_POLICY, type SafeFetcher } from './capabilities/http/safe-fetch.js';
import { MeteredModelRouter, type ModelRoute } from './capabilities/model-router.js';
import { createModelRoutes } from './capabilities/model-routes.js';
import { builtinCapabilities, CapabilityRegistry } from './capabilities/registry.js';
import type { SkillExecutor } from './capabilities/types.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { openDatabase, type Db } from './db/database.js';
import type { Logger } from './logger.js';
import { NotificationService, type NotificationSink } from './notifications/service.js';
import { Store } from './store.js';
import { AutomationCharts } from './charts/charts.js';

export interface EngineOptions {
  config: Config;
  logger: Logger;
  sink: NotificationSink;
  clock?: Clock;
  /** An open database; by default `config.STEWARD_DB` is opened and migrated. */
  db?: Db;
  /** How skills fetch URLs; by default the safe fetcher under the configured policy, in the fetch worker's thread. */
  fetcher?: Fetcher;
  /** Worker threads for HTML, feeds and selectors; by default a pool of CONTENT_WORKERS, closed by `stop()`. */
  contentWorkers?: ContentWorkers;
  /** The capabilities; by default the built-in ones over `fetcher` and `contentWorkers`. */
  registry?: CapabilityRegistry;
  /** Replaces the registry's local skills. */
  skills?: SkillExecutor;
  /** Where each capability's model work goes; by default from the configuration (Claude, a local model). */
  modelRoute?: (capability: string) => ModelRoute | null;
  /** Decides which skill runs the model re-runs (a number in [0, 1) under the sample rate); by default Math.random. */
  random?: () => number;
}

/** Everything below the front end, wired together: storage, budget, dispatcher, scheduler, outbox delivery and the service. */
export class Engine {
  private readonly store: Store;
  readonly budget: BudgetGuard;
  readonly dispatcher: Dispatcher;
  /** The local and model run lanes every run (scheduled or run now) takes a slot in. */
  readonly lanes: RunLanes;
  readonly scheduler: Scheduler;
  readonly notifications: NotificationService;
  /** Deletes runs older than RUN_RETENTION_DAYS (keeping each automation's last RUN_RETENTION_MIN_RUNS), hourly. */
  readonly retention: RunRetention;
  readonly service: AutomationService;
  /** Shadow runs beside real runs, their comparisons, and the skill gates checked on them. */
  readonly shadows: ShadowRunner;
  readonly lifecycle: SkillLifecycle;
  readonly clock: Clock;
  private readonly logger: Logger;
  private readonly closeFetcher: () => Promise<void>;
  private readonly warmFetcher: () => void;
  private readonly closeWorkers: () => Promise<void>;
  private closed = false;

  constructor(options: EngineOptions) {
    const { config, logger } = options;
    const clock = options.clock ?? systemClock;
    this.clock = clock;
    this.logger = logger;
    this.store = new Store(options.db ?? openDatabase(config.STEWARD_DB), { outbox: { maxAlertsPerChannel: config.OUTBOX_MAX_PER_CHANNEL } });
    const safeFetcher = options.fetcher
      ? null
      : createWorkerFetcher(
          {
            ...DEFAULT_FETCH_POLICY,
            allowPrivate: config.ALLOW_PRIVATE_URLS,
            timeoutMs: config.FETCH_TIMEOUT_SECONDS * 1000,
            maxPerHost: config.MAX_CONCURRENT_PER_HOST,
          },
          { onError: (err) => logger.error({ event: 'fetch_worker_failed', err }, 'the fetch worker stopped; its requests failed, the next request starts a new one') },
        );
    this.closeFetcher = () => safeFetcher?.close() ?? Promise.resolve();
    this.warmFetcher = () => {
      if (!this.closed) safeFetcher?.warm();
    };
    const ownWorkers = options.contentWorkers
      ? null
      : new ContentWorkers({
          size: config.CONTENT_WORKERS,
          onError: (err) => logger.error({ event: 'content_worker_failed', err }, 'a content worker failed between tasks; the next task starts a new one'),
        });
    this.closeWorkers = () => ownWorkers?.close() ?? Promise.resolve();
    const workers = options.contentWorkers ?? ownWorkers!;
    const registry = options.registry ?? new CapabilityRegistry(builtinCapabilities({ fetcher: options.fetcher ?? safeFetcher!, workers }));
    const charts = new AutomationCharts({ store: this.store, readers: (capability) => registry.chart(capability), workers, logger });
    this.notifications = new NotificationService({ outbox: this.store.outbox, sink: options.sink, clock, logger, files: (n) => charts.filesFor(n) });
    const kick = () => this.notifications.kick();
    this.budget = new BudgetGuard({
      ledger: this.store.ledger,
      outbox: this.store.outbox,
      clock,
      logger,
      limits: {
        dailyUsd: config.DAILY_BUDGET_USD,
        monthlyUsd: config.MONTHLY_BUDGET_USD,
        ...(config.USER_DAILY_BUDGET_USD !== undefined ? { userDailyUsd: config.USER_DAILY_BUDGET_USD } : {}),
      },
      onNotice: kick,
    });
    const models = new MeteredModelRouter({
      route: options.modelRoute ?? createModelRoutes(config, logger),
      task: (request) => registry.get(request.capability.name)?.modelTask?.(request),
      budget: this.budget,
      clock,
      maxTokens: config.MODEL_MAX_TOKENS,
    });
    const skills = options.skills ?? registry.skillExecutor();
    const sample = { primary: config.SHADOW_SAMPLE_PRIMARY, trusted: config.SHADOW_SAMPLE_TRUSTED };
    this.lifecycle = new SkillLifecycle({
      store: this.store,
      clock,
      logger,
      gates: {
        promoteMinRuns: config.SKILL_PROMOTE_MIN_RUNS,
        promoteMinClean: config.SKILL_PROMOTE_MIN_CLEAN,
        trustMinComparisons: config.SKILL_TRUST_MIN_COMPARISONS,
        trustMinAgreement: config.SKILL_TRUST_MIN_AGREEMENT,
        sample,
        // Unset: a manager approves promotions of what people read as text (summarize_page); the rest promote on their gates.
        approval: (capability) => config.SKILL_PROMOTION_APPROVAL ?? (registry.comparison(capability)?.kind === 'text' ? 'manual' : 'auto'),
      },
      version: (capability) => registry.skillVersion(capability),
      onNotification: kick,
    });
    this.lanes = new RunLanes(laneLimits(config.MAX_CONCURRENT_RUNS, config.MAX_CONCURRENT_MODEL_RUNS, config.MAX_RUNS_IN_FLIGHT_PER_USER), clock);
    this.shadows = new ShadowRunner({
      store: this.store,
      clock,
      logger,
      lanes: this.lanes,
      skills,
      models,
      lifecycle: this.lifecycle,
      capability: (name) => ({ hasSkill: options.skills !== undefined || registry.hasSkill(name), version: registry.skillVersion(name), comparison: registry.comparison(name), modelCanRun: registry.modelCanRun(name) }),
      enabled: config.SHADOW_RUNS,
      sample,
      judge: config.SHADOW_JUDGE,
      random: options.random ?? Math.random,
      timeoutMs: config.RUN_TIMEOUT_SECONDS * 1000,
      onNotification: kick,
    });
    this.dispatcher = new Dispatcher({
      store: this.store,
      clock,
      budget: this.budget,
      skills,
      models,
      logger,
      failurePauseThreshold: config.FAILURE_PAUSE_THRESHOLD,
      runTimeoutMs: config.RUN_TIMEOUT_SECONDS * 1000,
      lanes: this.lanes,
      onNotification: kick,
      readers: (capability) => registry.reader(capability),
      defaultTimezone: config.DEFAULT_TIMEZONE,
      afterRun: (finished) => this.shadows.afterRun(finished),
    });
    this.scheduler = new Scheduler({
      store: this.store,
      dispatcher: this.dispatcher,
      clock,
      logger,
      lanes: this.lanes,
    });
    this.retention = new RunRetention({
      store: this.store,
      clock,
      logger,
      retentionDays: config.RUN_RETENTION_DAYS,
      keepRuns: config.RUN_RETENTION_MIN_RUNS,
    });
    this.service = new AutomationService({
      store: this.store,
      registry,
      dispatcher: this.dispatcher,
      budget: this.budget,
      clock,
      logger,
      config: {
        defaultTimezone: config.DEFAULT_TIMEZONE,
        minIntervalSeconds: config.MIN_INTERVAL_SECONDS,
        maxAutomationsPerUser: config.MAX_AUTOMATIONS_PER_USER,
        runNowPerMinute: config.RUN_NOW_PER_MINUTE,
        runTimeoutMs: config.RUN_TIMEOUT_SECONDS * 1000,
      },
      urlRefusal: (url) => (safeFetcher ?? (options.fetcher as Partial<SafeFetcher> | undefined))?.refusal?.(url) ?? null,
      preview: new CapabilityPreview({ lanes: this.lanes, skills, models, budget: this.budget, clock, runTimeoutMs: config.RUN_TIMEOUT_SECONDS * 1000 }),
      models,
      charts,
      onScheduleChange: () => this.scheduler.wake(),
      onNotification: kick,
      lifecycle: this.lifecycle,
    });
  }

  /** Closes the database and the fetcher (once; later calls do nothing). `stop` does it too. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.closeFetcher();
    await this.closeWorkers();
    this.store.close();
  }

  /** Closes runs a crash left open, then starts outbox delivery, the scheduler and run retention. */
  start(): void {
    const interrupted = this.dispatcher.recoverInterrupted();
    if (interrupted.length > 0) this.logger.warn({ event: 'runs_recovered', runs: interrupted.length }, 'closed runs left open by a crash');
    const comparisons = this.shadows.recoverInterrupted();
    if (comparisons > 0) this.logger.warn({ event: 'comparisons_recovered', comparisons }, 'closed shadow comparisons left open by a crash');
    this.notifications.start();
    this.scheduler.start();
    this.retention.start();
    // The fetch worker's thread loads while the bot idles after start-up, not in the first burst of checks.
    setImmediate(() => this.warmFetcher());
    this.logger.info({ event: 'engine_started' }, 'engine started');
  }

  /**
   * Stops taking new runs, waits up to `graceMs` for runs in progress, flushes what the outbox
   * can deliver, terminates the content workers it created, and closes the database. Runs still
   * going after the grace period are recorded as interrupted at the next start.
   */
  async stop(graceMs = 30_000): Promise<void> {
    const settled = await withinMs(
      Promise.all([this.retention.stop(), this.scheduler.stop().then(() => this.dispatcher.idle()).then(() => this.shadows.idle())]),
      graceMs,
    );
    if (!settled) this.logger.warn({ event: 'shutdown_runs_abandoned' }, 'runs still going at shutdown; they will be recorded as interrupted');
    await withinMs(this.notifications.idle().then(() => this.notifications.deliverDue()), 5_000);
    await this.notifications.stop();
    await this.close();
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
