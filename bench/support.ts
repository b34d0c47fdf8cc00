/**
 * What the benchmark scenarios share: a real Steward database in a temp dir filled fast through
 * SQL, an Engine over it with a no-op skill, statistics, and the child-process protocol that
 * `bench/run.ts` uses to run each scenario in a fresh process (so one scenario's heap, timers or
 * croner jobs never weigh on the next).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { CapabilityRegistry } from '../src/capabilities/registry.js';
import type { ExecutionRequest, ExecutionResult } from '../src/capabilities/types.js';
import type { Clock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, readMigrations, type Db, type Migration } from '../src/db/database.js';
import { Engine } from '../src/engine.js';
import { silentLogger } from '../src/logger.js';
import type { NotificationSink } from '../src/notifications/service.js';

export const SIZES = [1_000, 10_000, 100_000] as const;

/** A fresh directory for one scenario's database; removed by `cleanup`. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'steward-bench-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The benchmark's capability: `noop`, with a trusted local skill (so runs take the skill path and cost nothing). */
export const BENCH_MIGRATION: Migration = {
  version: 950,
  name: 'bench_capability',
  sql: `
    INSERT INTO capability (name, description, input_schema, created_at) VALUES ('noop', 'Does nothing (benchmarks)', '{"type":"object"}', 0);
    INSERT INTO skill (capability, name, state, state_changed_at, state_changed_by) VALUES ('noop', 'noop', 'trusted', 0, 'bench');`,
};

export function openBenchDb(path: string): Db {
  return openDatabase(path, [...readMigrations(), BENCH_MIGRATION]);
}

/** Realistic schedules and zones, so `nextSlot` (croner) costs what it costs in use. None fires more than once an hour. */
const SCHEDULES = ['0 9 * * *', '30 8 * * 1-5', '0 0 1 * *', '15 7 * * *', '0 18 * * 5'];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];
/** Fires when the no-op skill's `value` (0–99) is ≥ 90: one run in ten queues an alert in the outbox. */
export const ALERT_CONDITION = JSON.stringify({ field: 'value', op: '>=', value: 90 });

export interface FillOptions {
  count: number;
  /** next_run_at of the i-th automation (0-based), epoch ms; null = not scheduled. */
  nextRunAt: (i: number) => number | null;
  /** Owner of the i-th automation (default: 200 users, round robin). */
  userId?: (i: number) => string;
  guildId?: string;
  /** Default `noop` (needs BENCH_MIGRATION); `http_check` for a database the production code opens as is. */
  capability?: string;
  /** Inputs of the i-th automation (default: a shop URL). */
  inputs?: (i: number) => Record<string, unknown>;
  /** Cron schedule of every automation (default: a mix of daily and weekly ones). */
  schedule?: string;
  now?: number;
}

/**
 * Inserts `count` active automations (capability `noop` unless told) in one transaction with one
 * prepared statement. Returns the ids in insertion order.
 */
export function fillAutomations(db: Db, options: FillOptions): number[] {
  const now = options.now ?? Date.now();
  const insert = db.prepare(
    `INSERT INTO automation (user_id, guild_id, name, description, capability, inputs, trigger_type, schedule, timezone,
       catch_up, alert_conditions, alert_mode, min_interval_seconds, status, next_run_at, created_at, updated_at, created_via)
     VALUES (?, ?, ?, ?, ?, ?, 'on_schedule', ?, ?, 'once', ?, 'every', 60, 'active', ?, ?, ?, 'bench')`,
  );
  const userOf = options.userId ?? ((i: number) => `user-${i % 200}`);
  const ids: number[] = [];
  db.transaction(() => {
    for (let i = 0; i < options.count; i++) {
      const info = insert.run(
        userOf(i),
        options.guildId ?? 'guild-1',
        `watch-${String(i).padStart(6, '0')}`,
        `benchmark automation ${i}`,
        options.capability ?? 'noop',
        JSON.stringify(options.inputs?.(i) ?? { url: `https://shop.example/item/${i}` }),
        options.schedule ?? SCHEDULES[i % SCHEDULES.length]!,
        ZONES[i % ZONES.length]!,
        ALERT_CONDITION,
        options.nextRunAt(i),
        now,
        now,
      );
      ids.push(Number(info.lastInsertRowid));
    }
  })();
  return ids;
}

/**
 * Gives each automation `perAutomation` finished runs (succeeded, with a small output) and, for one
 * automation in five, a model invocation of $0.002 per run this month: a history to read for
 * `/automation show` (recent runs, spend today and this month). One transaction.
 */
export function fillRunHistory(db: Db, ids: readonly number[], perAutomation: number, now = Date.now()): void {
  const run = db.prepare(
    `INSERT INTO automation_run (automation_id, trigger, status, path, started_at, finished_at, output, cost_usd)
     VALUES (?, 'schedule', 'succeeded', 'skill', ?, ?, ?, ?)`,
  );
  const invocation = db.prepare(
    `INSERT INTO invocation_log (at, provider, model, input_tokens, output_tokens, cost_usd, latency_ms, ok, user_id, automation_run_id)
     VALUES (?, 'anthropic', 'claude-haiku-4-5', 1000, 100, 0.002, 800, 1, ?, ?)`,
  );
  const owner = db.prepare<[number], { user_id: string }>('SELECT user_id FROM automation WHERE id = ?');
  db.transaction(() => {
    for (const [k, id] of ids.entries()) {
      const user = owner.get(id)!.user_id;
      for (let r = 0; r < perAutomation; r++) {
        const at = now - (r + 1) * 3_600_000 - (k % 3600) * 1000;
        const withModel = k % 5 === 0;
        const runId = run.run(id, at, at + 800, JSON.stringify({ ok: true, status: 200, latency_ms: 120 + (k % 50) }), withModel ? 0.002 : 0).lastInsertRowid;
        if (withModel) invocation.run(at + 10, user, runId);
      }
    }
  })();
}

/** A sink that accepts every notification at once. */
export const nullSink: NotificationSink = { deliver: () => Promise.resolve() };

/** The no-op skill: answers `{value}` (0–99, so the alert fires one run in ten) without waiting on anything. */
export function noopSkill(onCall?: (request: ExecutionRequest) => void): (request: ExecutionRequest) => Promise<ExecutionResult> {
  let n = 0;
  return (request) => {
    onCall?.(request);
    n = (n * 37 + 11) % 100;
    return Promise.resolve({ output: { value: n, ok: true }, costUsd: 0 });
  };
}

/** A real Engine (real dispatcher, scheduler, outbox, budget) over the file, with the `noop` capability as its only one. */
export function makeEngine(dbPath: string, options: { clock?: Clock; skill?: (request: ExecutionRequest) => Promise<ExecutionResult>; env?: Record<string, string>; db?: Db } = {}): Engine {
  const config = loadConfig({ STEWARD_DB: dbPath, LOG_LEVEL: 'silent', ...options.env });
  const registry = new CapabilityRegistry([
    { name: 'noop', description: 'Does nothing (benchmarks)', inputs: z.record(z.string(), z.unknown()), example: '', skill: options.skill ?? noopSkill() },
  ]);
  return new Engine({
    config,
    logger: silentLogger,
    sink: nullSink,
    db: options.db ?? openBenchDb(dbPath),
    registry,
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

/** Epoch milliseconds with sub-millisecond resolution (performance.now() on the wall-clock origin). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` holds, checking every `everyMs`; false when `timeoutMs` passed first. */
export async function waitUntil(done: () => boolean, timeoutMs: number, everyMs = 5): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) return false;
    await sleep(everyMs);
  }
  return true;
}

// ----- statistics -----

/** The q-quantile (0–1) of the values, nearest rank on the sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Distribution {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1] ?? NaN, mean };
}

export function median(values: readonly number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

/** The run whose `key` is the median of the runs (so p50, p99 and max quoted together come from one real run). */
export function medianBy<T>(runs: readonly T[], key: (run: T) => number): T {
  const sorted = [...runs].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Per-field median of several distributions (each field's median over the runs). */
export function medianDistribution(runs: readonly Distribution[]): Distribution {
  const field = (k: keyof Distribution) => median(runs.map((r) => r[k]));
  return { n: field('n'), p50: field('p50'), p99: field('p99'), max: field('max'), mean: field('mean') };
}

export function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

// ----- child processes -----

const RESULT_MARK = '@@bench-result ';

/** Writes a scenario's result for the parent (one marked JSON line on stdout). */
export function emitResult(result: unknown): void {
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
}

/** Reads the marked result line out of a child's stdout. */
export function parseResult(stdout: string): unknown {
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
  if (!line) throw new Error(`no result line in the child's output:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice(RESULT_MARK.length));
}

/** `--name value` from argv; the fallback when absent (an error without one). */
export function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) throw new Error(`missing --${name}`);
  return value;
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
