/**
 * The queries behind the figures, at one table size: the scheduler's (`due`, `earliestNextRun`),
 * the dispatcher's reads, and those of `/automation list`, `show` and the name autocomplete. The
 * SQL is captured from the real repositories while they answer (so it is always the code's own),
 * then each statement gets its EXPLAIN QUERY PLAN and a timing (median of 200 executions). With
 * the timings at 1k, 10k and 100k, the growth of each query is visible on its own.
 *
 *   npx tsx bench/plans.ts --size 100000
 */
import { join } from 'node:path';
import type { Db } from '../src/db/database.js';
import { arg, emitResult, fillAutomations, fillRunHistory, makeEngine, median, openBenchDb, tempDir } from './support.js';
import { Store } from '../src/store.js';

export interface QueryPlan {
  /** Which use asked it, and the repository method that ran it. */
  use: string;
  method: string;
  sql: string;
  plan: string[];
  /** Median microseconds per execution. */
  us: number;
}

export interface PlansResult {
  size: number;
  queries: QueryPlan[];
}

interface Captured {
  use: string;
  /** The repository method that ran it (from the stack). */
  method: string;
  sql: string;
  args: unknown[];
}

/** Wraps `db.prepare` so every statement run records its SQL and arguments under the current `use`. */
function capture(db: Db): { setUse: (use: string) => void; captured: Captured[]; restore: () => void } {
  const prepare = db.prepare.bind(db);
  const captured: Captured[] = [];
  let use = '';
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    const record = (args: unknown[]) => {
      if (!/^\s*(SELECT|WITH)/i.test(sql) || captured.some((c) => c.use === use && c.sql === sql)) return;
      const method = /at (\w+Repository\.\w+)/.exec(new Error().stack ?? '')?.[1] ?? '?';
      captured.push({ use, method, sql, args });
    };
    for (const method of ['get', 'all'] as const) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        record(args);
        return original(...args);
      };
    }
    return statement;
  }) as Db['prepare'];
  return { setUse: (u) => (use = u), captured, restore: () => (db.prepare = prepare as Db['prepare']) };
}

export async function measurePlans(size: number): Promise<PlansResult> {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'steward.db');
  const db = openBenchDb(path);
  const now = Date.now();
  // One owner holds every automation (the worst case for their list and search), as in the commands scenario.
  const ids = fillAutomations(db, { count: size, userId: () => 'owner', nextRunAt: (i) => now + 600_000 + ((i * 7919) % 86_400) * 1000 });
  fillRunHistory(db, ids, 2, now);
  const engine = makeEngine(path, { db });
  const { service } = engine;
  const store = new Store(db);
  const actor = { userId: 'owner', guildId: 'guild-1', manager: false };
  const probe = ids[Math.floor(ids.length / 2)]!;
  const { setUse, captured, restore } = capture(db);
  const uses: [string, () => unknown][] = [
    ['scheduler: automations.due', () => store.automations.due(new Date(now + 86_400_000), 4, [1, 2, 3])],
    ['scheduler: automations.earliestNextRun', () => store.automations.earliestNextRun([1, 2, 3, 4])],
    ['dispatch: automations.get', () => store.automations.get(probe)],
    ['dispatch: runs.lastSucceededEnd', () => store.runs.lastSucceededEnd(probe)],
    ['/automation list: service.list', () => service.list(actor, { limit: 10, offset: 0 })],
    ['/automation show: service.inspect', () => service.inspect(actor, `watch-${String(size >> 1).padStart(6, '0')}`)],
    ['autocomplete: service.suggestNames', () => service.suggestNames(actor, 'watch-00')],
  ];
  for (const [use, call] of uses) {
    setUse(use);
    call();
  }
  restore();
  const queries: QueryPlan[] = captured.map(({ use, method, sql, args }) => {
    const plan = db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all(...args).map((r) => r.detail);
    const statement = db.prepare(sql);
    const times: number[] = [];
    for (let i = 0; i < 220; i++) {
      const start = performance.now();
      statement.all(...args);
      if (i >= 20) times.push((performance.now() - start) * 1000);
    }
    return { use, method, sql: sql.replace(/\s+/g, ' ').trim(), plan, us: median(times) };
  });
  await engine.stop(1_000);
  cleanup();
  return { size, queries };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  emitResult(await measurePlans(Number(arg('size', '100000'))));
}
