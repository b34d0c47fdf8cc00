/**
 * Bounds, in simulated time (a fake clock moved by the script, the real engine over a real SQLite
 * file): the outbox after a long Discord outage, the database after months of runs with and
 * without retention, and what `/automation test-alert` parses. Prints Markdown-ready figures.
 *
 *   npx tsx bench/bounds.ts [--automations 200] [--hours 6] [--days 180] [--watchers 20]
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CapabilityRegistry } from '../src/capabilities/registry.js';
import type { ExecutionResult } from '../src/capabilities/types.js';
import { loadConfig } from '../src/config.js';
import { Engine } from '../src/engine.js';
import { DeliveryError } from '../src/errors.js';
import { silentLogger } from '../src/logger.js';
import type { NotificationSink } from '../src/notifications/service.js';
import { FakeClock } from '../test/support/fake-clock.js';
import { arg, fillAutomations, log, openBenchDb, tempDir } from './support.js';

const START = '2026-03-02T00:00:00Z';
const HOUR = 60 * 60_000;

function engineWith(dbPath: string, clock: FakeClock, sink: NotificationSink, env: Record<string, string>, output: () => ExecutionResult): Engine {
  const config = loadConfig({ STEWARD_DB: dbPath, LOG_LEVEL: 'silent', ...env });
  const registry = new CapabilityRegistry([
    { name: 'noop', description: 'bench', inputs: z.record(z.string(), z.unknown()), example: '', skill: () => Promise.resolve(output()) },
  ]);
  return new Engine({ config, logger: silentLogger, sink, clock, db: openBenchDb(dbPath), registry });
}

/** 200 `alert_mode: every` automations every 5 minutes, Discord unreachable for `hours`: what waits in the outbox. */
async function outage(automations: number, hours: number) {
  const { dir, cleanup } = tempDir();
  const clock = new FakeClock(START);
  let down = true;
  const delivered: string[] = [];
  const sink: NotificationSink = {
    deliver: async (n) => {
      if (down) throw new DeliveryError('Discord could not be reached: connect ECONNREFUSED');
      delivered.push(n.type);
    },
  };
  const path = join(dir, 'outage.db');
  const engine = engineWith(path, clock, sink, { MAX_CONCURRENT_RUNS: '4', FAILURE_PAUSE_THRESHOLD: '3' }, () => ({ output: { value: 95, ok: true }, costUsd: 0 }));
  const db = openBenchDb(path);
  const ids = fillAutomations(db, { count: automations, nextRunAt: () => clock.now().getTime() + 5 * 60_000, now: clock.now().getTime() });
  db.prepare("UPDATE automation SET schedule = '*/5 * * * *', timezone = 'UTC'").run();
  db.close();
  void ids;
  engine.start();
  const started = performance.now();
  await clock.advance(hours * HOUR);
  await engine.dispatcher.idle();
  const inspect = openBenchDb(path);
  const alerts = inspect.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM automation_run WHERE alert_sent = 1').get()!.n;
  const pending = inspect
    .prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM notification WHERE delivered_at IS NULL AND failed_at IS NULL AND superseded_by IS NULL')
    .get()!.n;
  const rows = inspect.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM notification').get()!.n;
  inspect.close();
  await engine.scheduler.stop(); // no new alerts: what is delivered is the backlog
  await engine.dispatcher.idle();
  down = false;
  await clock.advance(15 * 60_000); // past the longest backoff
  await engine.notifications.idle();
  await engine.stop(1_000);
  cleanup();
  return { automations, hours, alerts, rows, pending, deliveredAfter: delivered.length, wallMs: Math.round(performance.now() - started) };
}

/** `watchers` hourly automations with ~1 KB outputs for `days`: the database file at the end, with and without retention. */
async function history(watchers: number, days: number, retentionDays: number) {
  const { dir, cleanup } = tempDir();
  const clock = new FakeClock(START);
  const path = join(dir, 'history.db');
  let n = 0;
  const engine = engineWith(
    path,
    clock,
    { deliver: () => Promise.resolve() },
    { RUN_RETENTION_DAYS: String(retentionDays), MAX_CONCURRENT_RUNS: '4' },
    () => ({ output: { value: (n = (n * 37 + 11) % 100), ok: true, text: 'x'.repeat(1_000) }, costUsd: 0 }),
  );
  const db = openBenchDb(path);
  fillAutomations(db, { count: watchers, nextRunAt: () => clock.now().getTime() + HOUR, now: clock.now().getTime() });
  db.prepare("UPDATE automation SET schedule = '0 * * * *', timezone = 'UTC'").run();
  db.close();
  engine.start();
  const started = performance.now();
  const sizes: Record<number, number> = {};
  for (let day = 1; day <= days; day++) {
    await clock.advance(24 * HOUR);
    if (day % 30 === 0 || day === days) {
      await engine.dispatcher.idle();
      await engine.retention.sweep();
      const check = openBenchDb(path);
      check.pragma('wal_checkpoint(TRUNCATE)');
      check.close();
      sizes[day] = statSync(path).size;
    }
  }
  const check = openBenchDb(path);
  const runs = check.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM automation_run').get()!.n;
  const pages = check.pragma('page_count', { simple: true }) as number;
  const free = check.pragma('freelist_count', { simple: true }) as number;
  const pageSize = check.pragma('page_size', { simple: true }) as number;
  check.close();
  await engine.stop(1_000);
  cleanup();
  return { watchers, days, retentionDays, runs, sizes, usedBytes: (pages - free) * pageSize, wallMs: Math.round(performance.now() - started) };
}

/** `/automation test-alert` over the last 20 outputs, each at the 64 KB cap: the time it spends on the loop. */
async function testAlert() {
  const { dir, cleanup } = tempDir();
  const clock = new FakeClock(START);
  const path = join(dir, 'test-alert.db');
  const big = { count: 50, items: Array.from({ length: 50 }, () => ({ title: 'T'.repeat(90_000) })) };
  const engine = engineWith(path, clock, { deliver: () => Promise.resolve() }, {}, () => ({ output: big, costUsd: 0 }));
  const db = openBenchDb(path);
  const [id] = fillAutomations(db, { count: 1, nextRunAt: () => null, userId: () => 'alice', now: clock.now().getTime() });
  db.close();
  for (let i = 0; i < 20; i++) await engine.dispatcher.dispatch(id!, 'manual');
  const actor = { userId: 'alice', guildId: 'guild-1', manager: false };
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const result = engine.service.testAlert(actor, id!, 'count > 10');
    times.push(performance.now() - t);
    if (result.tried !== 20) throw new Error(`tried ${result.tried}`);
  }
  const bytes = engine.service.recentRuns(actor, id!, 1).runs[0]!.output;
  await engine.stop(1_000);
  cleanup();
  times.sort((a, b) => a - b);
  return { outputs: 20, outputBytes: Buffer.byteLength(JSON.stringify(bytes)), medianMs: Number(times[2]!.toFixed(1)) };
}

const automations = Number(arg('automations', '200'));
const hours = Number(arg('hours', '6'));
const days = Number(arg('days', '180'));
const watchers = Number(arg('watchers', '20'));

log(`outage: ${automations} automations, ${hours} h`);
const o = await outage(automations, hours);
console.log(`| outbox after ${o.hours} simulated hours of Discord unreachable, ${o.automations} \`alert_mode: every\` automations every 5 min | ${o.alerts.toLocaleString('en-US')} alerts fired (one outbox row each before: ${o.alerts.toLocaleString('en-US')} waiting) → **${o.pending} waiting** (${o.rows.toLocaleString('en-US')} rows incl. folded), ${o.deliveredAfter} delivered once Discord answered (${o.wallMs} ms) |`);

for (const retention of [0, 90]) {
  log(`history: ${watchers} hourly automations, ${days} days, RUN_RETENTION_DAYS=${retention}`);
  const r = await history(watchers, days, retention);
  const by = Object.entries(r.sizes).map(([d, b]) => `day ${d}: ${(b / 1024 / 1024).toFixed(1)} MB`).join(', ');
  console.log(`| RUN_RETENTION_DAYS=${retention}: ${r.watchers} hourly automations, ~1 KB outputs, ${r.days} simulated days | ${r.runs.toLocaleString('en-US')} runs kept; file ${by}; pages in use ${(r.usedBytes / 1024 / 1024).toFixed(1)} MB (${r.wallMs} ms) |`);
}

log('test-alert');
const t = await testAlert();
console.log(`| test-alert over ${t.outputs} outputs at the cap (${(t.outputBytes / 1024).toFixed(0)} KB each) | median ${t.medianMs} ms on the loop |`);
