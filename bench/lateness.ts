/**
 * Scenario 1, scheduling lateness: the time from an automation's slot to the start of its
 * dispatch, with the real wall clock and real timers, for three designs over the same table and
 * the same dispatcher (no-op skill):
 *
 * - `steward`: Steward's Engine and Scheduler as built for production (one timer on the earliest
 *   next_run_at, at most MAX_CONCURRENT_RUNS = 4 runs at a time). The dispatch start is taken
 *   where the scheduler calls `Dispatcher.dispatch` (the engine's dispatcher instance is wrapped).
 * - `croner`: one croner job per automation, whose callback dispatches at once (no concurrency
 *   limit, as such designs do). Jobs in the measured window are armed for the slot instant
 *   (`new Cron(date)`); the other automations get a job with their cron pattern, as the design
 *   keeps one per automation. Both kinds hold the same per-job pattern tables.
 * - `polling`: a loop that every 15 s selects what is due and dispatches it (4 at a time). Its
 *   lateness is the wait for the next tick, computed exactly from each slot's phase against the
 *   tick grid (200 grid phases, uniformly spread), plus the work inside the tick, measured by
 *   running real ticks over the same table (the offset of the k-th dispatch of a tick).
 *
 * Modes: `spread` — up to 1,000 of the table's automations due one every 3 ms (a 3 s window; the
 * rest of the table is due later in the day), which measures timer precision and per-tick costs;
 * `burst` — up to 10,000 automations due at the same instant, which measures queueing.
 *
 *   npx tsx bench/lateness.ts --system steward|croner|polling --mode spread|burst --size 10000 [--runs 3]
 */
import { join } from 'node:path';
import { Cron } from 'croner';
import type { Db } from '../src/db/database.js';
import type { Engine } from '../src/engine.js';
import { Store } from '../src/store.js';
import {
  arg,
  distribution,
  emitResult,
  fillAutomations,
  log,
  makeEngine,
  mb,
  median,
  medianDistribution,
  openBenchDb,
  preciseNow,
  sleep,
  tempDir,
  waitUntil,
  type Distribution,
} from './support.js';

export type System = 'steward' | 'croner' | 'polling';
export type Mode = 'spread' | 'burst';

export const SPREAD_COUNT = 1_000;
export const SPREAD_GAP_MS = 3;
export const BURST_CAP = 10_000;
export const POLL_INTERVAL_MS = 15_000;
const POLL_PHASES = 200;
const LEAD_MS = 400;

export interface LatenessResult {
  system: System;
  mode: Mode;
  size: number;
  /** Automations due in the measured window, per run. */
  due: number;
  runs: number;
  /** Per-field median over the runs, milliseconds. */
  lateness: Distribution;
  perRun: Distribution[];
  /** Burst: runs started per second while draining (due / time to the last start), median. */
  drainPerSecond?: number;
  /** Slots that never started within the wait (should be 0). */
  missing: number;
  /** Steward: CPU time of the process (process.cpuUsage) from setting the slots to the last run finished, per run in the window, µs; median. */
  cpuUsPerRun?: number;
  /** croner: memory the jobs hold. */
  jobs?: { count: number; createMs: number; heapMB: number; rssMB: number; bytesPerJob: number };
  note?: string;
}

function windowSize(mode: Mode, size: number): number {
  return Math.min(size, mode === 'spread' ? SPREAD_COUNT : BURST_CAP);
}

/** `count` ids spread evenly over the table (not just its first rows). */
function pick(ids: readonly number[], count: number): number[] {
  const step = ids.length / count;
  return Array.from({ length: count }, (_, i) => ids[Math.floor(i * step)]!);
}

/** Slots for the window: one every SPREAD_GAP_MS, or all at one instant. */
function slotsFor(mode: Mode, count: number, start: number): number[] {
  return Array.from({ length: count }, (_, i) => (mode === 'spread' ? start + i * SPREAD_GAP_MS : start));
}

/** Sets the window's slots in one transaction (and forgets last_run_at, so min_interval never skips a repeat run). */
function schedule(db: Db, ids: readonly number[], slots: readonly number[]): void {
  const update = db.prepare('UPDATE automation SET next_run_at = ?, last_run_at = NULL WHERE id = ?');
  db.transaction(() => ids.forEach((id, i) => update.run(slots[i]!, id)))();
}

/** Records when the engine's dispatcher is asked to dispatch each automation (the first time). */
function recordDispatchStarts(engine: Engine): Map<number, number> {
  const starts = new Map<number, number>();
  const dispatcher = engine.dispatcher;
  const original = dispatcher.dispatch.bind(dispatcher);
  dispatcher.dispatch = (automationId, trigger, options) => {
    if (!starts.has(automationId)) starts.set(automationId, preciseNow());
    return original(automationId, trigger, options);
  };
  return starts;
}

interface Setup {
  db: Db;
  engine: Engine;
  ids: number[];
  window: number[];
  cleanup: () => void;
}

function setUp(size: number, mode: Mode): Setup {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'steward.db');
  const db = openBenchDb(path);
  const now = Date.now();
  // Everything is due later today (from an hour on), so only the window runs during the measurement.
  const ids = fillAutomations(db, { count: size, nextRunAt: (i) => now + 3_600_000 + ((i * 7919) % 86_400) * 1000 });
  const engine = makeEngine(path, { db });
  return { db, engine, ids, window: pick(ids, windowSize(mode, size)), cleanup };
}

function lateOf(window: readonly number[], slots: readonly number[], starts: Map<number, number>): { late: number[]; missing: number } {
  const late: number[] = [];
  let missing = 0;
  window.forEach((id, i) => {
    const start = starts.get(id);
    if (start === undefined) missing++;
    else late.push(start - slots[i]!);
  });
  return { late, missing };
}

function waitBudgetMs(mode: Mode, count: number): number {
  return mode === 'spread' ? count * SPREAD_GAP_MS + 30_000 : count * 5 + 30_000;
}

async function stewardRuns(size: number, mode: Mode, runs: number): Promise<LatenessResult> {
  const { db, engine, window, cleanup } = setUp(size, mode);
  const starts = recordDispatchStarts(engine);
  engine.start();
  // What the engine does once after start-up (its fetch worker's thread loads) is over before the
  // first burst, as before a bot's first minute; start-up has its own benchmark.
  await sleep(1_500);
  const perRun: Distribution[] = [];
  const drains: number[] = [];
  const cpuPerRun: number[] = [];
  let missing = 0;
  for (let r = 0; r < runs; r++) {
    starts.clear();
    const cpuStart = process.cpuUsage();
    const began = performance.now();
    const slots = slotsFor(mode, window.length, Date.now() + LEAD_MS);
    schedule(db, window, slots);
    engine.scheduler.wake(); // what the service does after any change to a schedule
    await waitUntil(() => starts.size >= window.length, waitBudgetMs(mode, window.length));
    await engine.dispatcher.idle();
    const cpu = process.cpuUsage(cpuStart);
    cpuPerRun.push((cpu.user + cpu.system) / window.length);
    const result = lateOf(window, slots, starts);
    missing += result.missing;
    perRun.push(distribution(result.late));
    if (mode === 'burst') drains.push(window.length / (Math.max(...starts.values()) - slots[0]!) * 1000);
    log(
      `  steward ${mode} ${size}: run ${r + 1}/${runs}: p50 ${perRun.at(-1)!.p50.toFixed(2)} ms, p99 ${perRun.at(-1)!.p99.toFixed(2)} ms, max ${perRun.at(-1)!.max.toFixed(2)} ms, ` +
        `CPU ${cpuPerRun.at(-1)!.toFixed(0)} µs per run (from ${began.toFixed(0)} to ${performance.now().toFixed(0)} ms after the process started, for --cpu-prof)`,
    );
    await sleep(200);
  }
  await engine.stop(5_000);
  cleanup();
  return {
    system: 'steward',
    mode,
    size,
    due: window.length,
    runs,
    lateness: medianDistribution(perRun),
    perRun,
    ...(drains.length ? { drainPerSecond: median(drains) } : {}),
    missing,
    cpuUsPerRun: median(cpuPerRun),
  };
}

async function cronerRuns(size: number, mode: Mode, runs: number): Promise<LatenessResult> {
  const { db, engine, ids, window, cleanup } = setUp(size, mode);
  const { dispatcher } = engine;
  const store = new Store(db);
  const starts = new Map<number, number>();
  const inWindow = new Set(window);
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const createStart = performance.now();
  // One job per automation outside the window, with its own pattern and zone (as the design keeps them).
  const patternJobs: Cron[] = [];
  for (const id of ids) {
    if (inWindow.has(id)) continue;
    const a = store.automations.get(id)!;
    patternJobs.push(new Cron(a.schedule!, { timezone: a.timezone }, () => void dispatcher.dispatch(id, 'schedule')));
  }
  const perJobCreateMs = (performance.now() - createStart) / Math.max(1, patternJobs.length);
  const perRun: Distribution[] = [];
  const drains: number[] = [];
  let missing = 0;
  let late = 0;
  for (let r = 0; r < runs; r++) {
    starts.clear();
    // Room to create the window's jobs before their first slot (about 0.15 ms each here).
    const slots = slotsFor(mode, window.length, Date.now() + LEAD_MS + window.length * 0.4);
    const windowJobs = window.map(
      (id, i) =>
        new Cron(new Date(slots[i]!), () => {
          starts.set(id, preciseNow());
          void dispatcher.dispatch(id, 'schedule');
        }),
    );
    if (Date.now() > slots[0]!) late++;
    await waitUntil(() => starts.size >= window.length, waitBudgetMs(mode, window.length));
    await dispatcher.idle();
    for (const job of windowJobs) job.stop();
    const result = lateOf(window, slots, starts);
    missing += result.missing;
    perRun.push(distribution(result.late));
    if (mode === 'burst') drains.push(window.length / (Math.max(...starts.values()) - slots[0]!) * 1000);
    log(`  croner ${mode} ${size}: run ${r + 1}/${runs}: p50 ${perRun.at(-1)!.p50.toFixed(2)} ms, p99 ${perRun.at(-1)!.p99.toFixed(2)} ms, max ${perRun.at(-1)!.max.toFixed(2)} ms`);
    await sleep(200);
  }
  // What one job per automation holds: the pattern jobs plus as many jobs as the window had, armed an hour ahead.
  const extra = window.map((id) => new Cron(new Date(Date.now() + 3_600_000), () => void dispatcher.dispatch(id, 'schedule')));
  global.gc?.();
  const memory = process.memoryUsage();
  const count = patternJobs.length + extra.length;
  const jobs = {
    count,
    createMs: perJobCreateMs * count,
    heapMB: mb(memory.heapUsed - heapBefore),
    rssMB: mb(memory.rss),
    bytesPerJob: Math.round((memory.heapUsed - heapBefore) / count),
  };
  for (const job of [...patternJobs, ...extra]) job.stop();
  await engine.stop(5_000);
  cleanup();
  return {
    system: 'croner',
    mode,
    size,
    due: window.length,
    runs,
    lateness: medianDistribution(perRun),
    perRun,
    ...(drains.length ? { drainPerSecond: median(drains) } : {}),
    missing,
    jobs,
    ...(late ? { note: `in ${late} run(s) the jobs were armed after the first slot` } : {}),
  };
}

/**
 * One real tick of the polling design over the table: select what is due (the automation_due
 * index serves it), dispatch 4 at a time. Returns each automation's start offset from the tick.
 */
async function pollTick(db: Db, engine: Engine, concurrency = 4): Promise<Map<number, number>> {
  const tickAt = preciseNow();
  const due = db
    .prepare<[number], { id: number }>("SELECT id FROM automation WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at <= ? ORDER BY next_run_at, id")
    .all(Date.now());
  const offsets = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < due.length) {
      const { id } = due[next++]!;
      offsets.set(id, preciseNow() - tickAt);
      await engine.dispatcher.dispatch(id, 'schedule');
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return offsets;
}

async function pollingRuns(size: number, mode: Mode, runs: number): Promise<LatenessResult> {
  const { db, engine, window, cleanup } = setUp(size, mode);
  const perRun: Distribution[] = [];
  for (let r = 0; r < runs; r++) {
    // The window's slots as the other designs see them; the tick work is measured with all of them due at once.
    const slots = slotsFor(mode, window.length, Date.now() + LEAD_MS);
    schedule(db, window, slots.map((s) => s - 60_000)); // all due now, in slot order
    const offsets = await pollTick(db, engine);
    const offsetAt = window.map((id) => offsets.get(id)!); // offset of the k-th dispatch in a tick (slot order)
    // The wait for the tick: for each grid phase, slot s starts at the first tick ≥ s; the k-th due in that tick waits offsetAt[k] more.
    const late: number[] = [];
    for (let p = 0; p < POLL_PHASES; p++) {
      const phase = slots[0]! + ((p + 0.5) / POLL_PHASES) * POLL_INTERVAL_MS;
      let batchTick = NaN;
      let k = 0;
      for (const slot of slots) {
        const tick = phase + Math.ceil((slot - phase) / POLL_INTERVAL_MS) * POLL_INTERVAL_MS;
        if (tick !== batchTick) {
          batchTick = tick;
          k = 0;
        }
        late.push(tick - slot + offsetAt[k++]!);
      }
    }
    perRun.push(distribution(late));
    log(`  polling ${mode} ${size}: run ${r + 1}/${runs}: p50 ${perRun.at(-1)!.p50.toFixed(0)} ms, p99 ${perRun.at(-1)!.p99.toFixed(0)} ms, max ${perRun.at(-1)!.max.toFixed(0)} ms (tick work ${Math.max(...offsetAt).toFixed(1)} ms)`);
  }
  await engine.stop(5_000);
  cleanup();
  return {
    system: 'polling',
    mode,
    size,
    due: window.length,
    runs,
    lateness: medianDistribution(perRun),
    perRun,
    missing: 0,
    note: `15 s tick: wait for the tick computed from slot phases over ${POLL_PHASES} grid phases; work inside the tick measured`,
  };
}

export async function measureLateness(system: System, mode: Mode, size: number, runs: number): Promise<LatenessResult> {
  if (system === 'steward') return stewardRuns(size, mode, runs);
  if (system === 'croner') return cronerRuns(size, mode, runs);
  return pollingRuns(size, mode, runs);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureLateness(arg('system', 'steward') as System, arg('mode', 'spread') as Mode, Number(arg('size', '10000')), Number(arg('runs', '3')));
  emitResult(result);
}
