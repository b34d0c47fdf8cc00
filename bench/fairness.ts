/**
 * Scenario 6, a late start under another person's load: person A has 100 slow automations due
 * (each run takes `--slow-ms` of real time), person B one every-minute check due at the same
 * instant, created after A's (so "oldest first" puts it last). Measures how late B's check starts
 * (slot → its dispatch starting), with the real Engine, real clock and timers, for:
 *
 * - `before`: the single-lane design: 4 slots for every run, no per-person share
 *   (MAX_CONCURRENT_RUNS=4, MAX_RUNS_IN_FLIGHT_PER_USER=4): B waits behind A's backlog.
 * - `after`: the defaults (256 local slots, a quarter of them per person).
 * - `after-4`: the old limit of 4 local slots, with the default share (1 per person).
 *
 *   npx tsx bench/fairness.ts [--slow-ms 300] [--runs 3]
 */
import { join } from 'node:path';
import type { ExecutionRequest, ExecutionResult } from '../src/capabilities/types.js';
import { arg, emitResult, fillAutomations, log, makeEngine, median, openBenchDb, preciseNow, sleep, tempDir, waitUntil } from './support.js';

export type FairnessVariant = 'before' | 'after' | 'after-4';

export interface FairnessResult {
  variant: FairnessVariant;
  env: Record<string, string>;
  slowMs: number;
  backlog: number;
  runs: number;
  /** Median over the runs of B's start lateness, ms. */
  lateMs: number;
  perRun: number[];
  /** A's runs that had started when B's did (median). */
  aStartedBeforeB: number;
  /** Time for A's whole backlog to finish (median), ms. */
  backlogMs: number;
}

const BACKLOG = 100;
const LEAD_MS = 300;

const ENV: Record<FairnessVariant, Record<string, string>> = {
  before: { MAX_CONCURRENT_RUNS: '4', MAX_RUNS_IN_FLIGHT_PER_USER: '4' },
  after: {},
  'after-4': { MAX_CONCURRENT_RUNS: '4' },
};

export async function measureFairness(variant: FairnessVariant, slowMs: number, runs: number): Promise<FairnessResult> {
  const perRun: number[] = [];
  const aBefore: number[] = [];
  const backlogs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const { dir, cleanup } = tempDir();
    const path = join(dir, 'steward.db');
    const db = openBenchDb(path);
    const slot = Date.now() + 3_600_000;
    // A's 100 first (lower ids), then B's: all due at `slot` once it is moved below.
    const ids = fillAutomations(db, { count: BACKLOG + 1, nextRunAt: () => slot, userId: (i) => (i < BACKLOG ? 'person-a' : 'person-b') });
    const bId = ids[BACKLOG]!;
    let bStart: number | null = null;
    let aStarted = 0;
    let aDone = 0;
    const skill = async (request: ExecutionRequest): Promise<ExecutionResult> => {
      if (request.automationId === bId) {
        bStart = preciseNow();
        return { output: { ok: true }, costUsd: 0 };
      }
      aStarted++;
      await sleep(slowMs);
      aDone++;
      return { output: { ok: true }, costUsd: 0 };
    };
    const engine = makeEngine(path, { db, skill, env: ENV[variant] });
    engine.start();
    const at = Date.now() + LEAD_MS;
    db.prepare('UPDATE automation SET next_run_at = ?').run(at);
    engine.scheduler.wake();
    let aStartedAtB = 0;
    await waitUntil(() => {
      if (bStart !== null && aStartedAtB === 0) aStartedAtB = aStarted;
      return bStart !== null && aDone === BACKLOG;
    }, 120_000, 1);
    const finished = Date.now();
    await engine.stop(5_000);
    cleanup();
    perRun.push(bStart! - at);
    aBefore.push(aStartedAtB);
    backlogs.push(finished - at);
    log(`  fairness ${variant}: run ${r + 1}/${runs}: B started ${(bStart! - at).toFixed(1)} ms after its slot, after ${aStartedAtB} of A's ${BACKLOG}; A's backlog done in ${finished - at} ms`);
  }
  return {
    variant,
    env: ENV[variant],
    slowMs,
    backlog: BACKLOG,
    runs,
    lateMs: median(perRun),
    perRun,
    aStartedBeforeB: median(aBefore),
    backlogMs: median(backlogs),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const slowMs = Number(arg('slow-ms', '300'));
  const runs = Number(arg('runs', '3'));
  const variants = arg('variants', 'before,after,after-4').split(',') as FairnessVariant[];
  const results: FairnessResult[] = [];
  for (const variant of variants) results.push(await measureFairness(variant, slowMs, runs));
  emitResult(results);
}
