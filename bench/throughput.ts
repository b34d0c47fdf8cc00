/**
 * Scenario 2, dispatch throughput: runs per second through the full Dispatcher (every read and
 * write of the dispatch contract, the finishing transaction, the outbox for the one run in ten
 * whose alert fires) with a no-op skill, against the raw SQLite rate of the same file in the same
 * process: one transaction of an insert and two updates (the ceiling), measured alternately.
 *
 *   npx tsx bench/throughput.ts --size 10000 [--runs 5] [--dispatches 5000]
 */
import { join } from 'node:path';
import type { Dispatcher } from '../src/automations/dispatcher.js';
import type { Db } from '../src/db/database.js';
import type { Engine } from '../src/engine.js';
import { arg, emitResult, fillAutomations, log, makeEngine, median, openBenchDb, tempDir } from './support.js';

export interface ThroughputResult {
  size: number;
  runs: number;
  dispatchesPerRun: number;
  concurrency: number;
  /** Median over the runs. */
  runsPerSecond: number;
  ceilingPerSecond: number;
  /** ceiling / dispatch rate (median of the per-run ratios). */
  ratio: number;
  /** Median microseconds per dispatch and per raw transaction. */
  usPerDispatch: number;
  usPerTransaction: number;
  perRun: { runsPerSecond: number; ceilingPerSecond: number }[];
  alertsQueued: number;
  /** Share of the dispatched runs that queued an alert in the outbox. */
  alertShare: number;
}

/** The ceiling: an insert and two updates in one transaction, statements prepared once. */
function rawTransactions(db: Db, automationIds: readonly number[], count: number): number {
  const insert = db.prepare("INSERT INTO automation_run (automation_id, trigger, status, path, started_at) VALUES (?, 'schedule', 'running', 'skill', ?)");
  const finishRun = db.prepare("UPDATE automation_run SET status = 'succeeded', finished_at = ?, output = ? WHERE id = ?");
  const advance = db.prepare('UPDATE automation SET last_run_at = ?, next_run_at = ?, run_count = run_count + 1, updated_at = ? WHERE id = ?');
  const one = db.transaction((automationId: number, now: number) => {
    const runId = insert.run(automationId, now).lastInsertRowid;
    finishRun.run(now, '{"value":1,"ok":true}', runId);
    advance.run(now, now + 86_400_000, now, automationId);
  });
  const start = performance.now();
  for (let i = 0; i < count; i++) one(automationIds[i % automationIds.length]!, Date.now());
  return count / ((performance.now() - start) / 1000);
}

/**
 * An engine over a fresh file of `size` automations of 200 owners, none due for an hour (the
 * scheduler is not started anyway: benchmarks drive the dispatcher directly).
 */
export function idleEngine(size: number): { db: Db; ids: number[]; engine: Engine; cleanup: () => void } {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'steward.db');
  const db = openBenchDb(path);
  const now = Date.now();
  const ids = fillAutomations(db, { count: size, nextRunAt: (i) => now + 3_600_000 + (i % 86_400) * 1000 });
  return { db, ids, engine: makeEngine(path, { db }), cleanup };
}

/**
 * A function that dispatches `count` scheduled runs of `ids` (taking turns through them, across
 * calls), `concurrency` at a time, and returns the runs per second; it throws on any run that
 * does not succeed.
 */
export function dispatchRound(dispatcher: Dispatcher, ids: readonly number[], concurrency: number): (count: number) => Promise<number> {
  let cursor = 0;
  return async (count) => {
    let left = count;
    const start = performance.now();
    const worker = async () => {
      while (left > 0) {
        left--;
        const id = ids[cursor++ % ids.length]!;
        const report = await dispatcher.dispatch(id, 'schedule');
        if (report.outcome !== 'succeeded') throw new Error(`dispatch of #${id}: ${report.outcome} ${report.error}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return count / ((performance.now() - start) / 1000);
  };
}

export async function measureThroughput(size: number, runs: number, dispatches: number, concurrency = 4): Promise<ThroughputResult> {
  const { db, ids, engine, cleanup } = idleEngine(size);
  const { dispatcher } = engine;
  const perRun: ThroughputResult['perRun'] = [];
  const dispatchMany = dispatchRound(dispatcher, ids, concurrency);
  // Warm-up: JIT, statement caches, page cache.
  const warmUp = Math.min(1000, dispatches);
  rawTransactions(db, ids, Math.min(2000, dispatches));
  await dispatchMany(warmUp);
  for (let r = 0; r < runs; r++) {
    const ceilingPerSecond = rawTransactions(db, ids, dispatches);
    const runsPerSecond = await dispatchMany(dispatches);
    perRun.push({ runsPerSecond, ceilingPerSecond });
    log(`  throughput ${size}: run ${r + 1}/${runs}: ${Math.round(runsPerSecond)} runs/s, ceiling ${Math.round(ceilingPerSecond)} tx/s`);
  }
  const alertsQueued = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM notification WHERE type = 'alert'").get()!.n;
  await engine.stop(1000);
  cleanup();
  const runsPerSecond = median(perRun.map((r) => r.runsPerSecond));
  const ceilingPerSecond = median(perRun.map((r) => r.ceilingPerSecond));
  return {
    size,
    runs,
    dispatchesPerRun: dispatches,
    concurrency,
    runsPerSecond,
    ceilingPerSecond,
    ratio: median(perRun.map((r) => r.ceilingPerSecond / r.runsPerSecond)),
    usPerDispatch: 1e6 / runsPerSecond,
    usPerTransaction: 1e6 / ceilingPerSecond,
    perRun,
    alertsQueued,
    alertShare: alertsQueued / (warmUp + runs * dispatches),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureThroughput(Number(arg('size', '10000')), Number(arg('runs', '5')), Number(arg('dispatches', '5000')));
  emitResult(result);
}
