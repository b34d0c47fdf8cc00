import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store.js';

/** How often retention runs (after a first sweep a minute after start). */
export const RETENTION_INTERVAL_MS = 60 * 60_000;
const FIRST_SWEEP_DELAY_MS = 60_000;
/** Rows looked at per batch: one short transaction each, with the event loop free in between. */
const BATCH_ROWS = 500;

export interface RunRetentionDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** RUN_RETENTION_DAYS: runs older than this are deleted; 0 keeps every run. */
  retentionDays: number;
  /** RUN_RETENTION_MIN_RUNS: the last this many runs of each automation are kept whatever their age. */
  keepRuns: number;
  batchRows?: number;
}

/**
 * Run retention, off the hot path: a timer on the injected clock (a minute after start, then
 * hourly) sweeps the runs in id order, in batches of a few hundred rows, each batch its own short
 * transaction with the event loop free in between, deleting runs older than RUN_RETENTION_DAYS
 * except the last RUN_RETENTION_MIN_RUNS of each automation (see RunRepository.deleteExpiredBatch).
 * The finishing transaction of a run is never touched. Spend stays in the invocation ledger; shadow
 * comparisons older than the cutoff keep their digests and scores, not their outputs.
 */
export class RunRetention {
  private timer: TimerHandle | null = null;
  private running: Promise<number> | null = null;
  private stopped = true;
  /** Set by stop(): a sweep in progress ends after its current batch. */
  private halted = false;

  constructor(private readonly deps: RunRetentionDeps) {}

  /** Arms the first sweep; does nothing when retention is off (RUN_RETENTION_DAYS=0). */
  start(): void {
    if (this.deps.retentionDays <= 0) return;
    this.stopped = false;
    this.halted = false;
    this.arm(FIRST_SWEEP_DELAY_MS);
  }

  /** Stops arming sweeps and resolves when a sweep in progress has stopped (after its current batch). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    if (this.timer) this.deps.clock.clearTimer(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /**
   * Sweeps once now (or joins the sweep in progress). Resolves with how many runs were deleted
   * (none when RUN_RETENTION_DAYS=0); rejects only when the database fails (logged by the timer's caller).
   */
  sweep(): Promise<number> {
    if (this.deps.retentionDays <= 0) return Promise.resolve(0);
    this.running ??= this.sweepOnce().finally(() => (this.running = null));
    return this.running;
  }

  private async sweepOnce(): Promise<number> {
    const { store, clock, logger, keepRuns } = this.deps;
    const cutoff = new Date(clock.now().getTime() - this.deps.retentionDays * 24 * 60 * 60_000);
    const started = performance.now();
    let afterId = 0;
    let deleted = 0;
    let batches = 0;
    for (;;) {
      const batch = store.transaction(() => store.runs.deleteExpiredBatch(cutoff, keepRuns, afterId, this.deps.batchRows ?? BATCH_ROWS));
      deleted += batch.deleted;
      batches++;
      afterId = batch.lastId;
      if (batch.done) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.halted || !store.db.open) break;
    }
    if (deleted > 0) {
      logger.info({ event: 'runs_retention', deleted, batches, cutoff, ms: Math.round(performance.now() - started) }, 'old runs deleted');
    }
    // Shadow comparisons keep their digests and scores as evidence; their outputs go with the runs' age.
    const batchRows = this.deps.batchRows ?? BATCH_ROWS;
    let cleared = 0;
    while (!this.halted && store.db.open) {
      const n = store.transaction(() => store.evidence.clearOutputsBefore(cutoff, batchRows));
      cleared += n;
      if (n < batchRows) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (cleared > 0) logger.info({ event: 'comparisons_retention', cleared, cutoff }, 'outputs of old shadow comparisons cleared');
    return deleted;
  }

  private arm(delayMs: number): void {
    if (this.stopped) return;
    this.timer = this.deps.clock.setTimer(() => {
      this.timer = null;
      this.sweep()
        .catch((error: unknown) => this.deps.logger.error({ event: 'runs_retention_failed', err: error }, 'run retention failed; trying again later'))
        .finally(() => this.arm(RETENTION_INTERVAL_MS));
    }, delayMs);
  }
}
