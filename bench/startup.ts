/**
 * Scenario 3, start-up and memory: a fresh process (node --import tsx, as `npm start` runs) opens
 * a database holding `size` automations and starts the Engine; measured from process start to
 * "scheduler armed", and the RSS then. The database is prepared first through SQL in one
 * transaction (automations due over the coming day, two past runs each, some model spend), with
 * the production migrations only, so the child opens it exactly as production does.
 *
 *   npx tsx bench/startup.ts --size 100000 [--runs 5]
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openDatabase } from '../src/db/database.js';
import { arg, emitResult, fillAutomations, fillRunHistory, log, median, parseResult, tempDir } from './support.js';

const run = promisify(execFile);

interface ChildReport {
  entered: number;
  imported: number;
  opened: number;
  constructed: number;
  armed: number;
  armedAtEpoch: number;
  rssMB: number;
  heapUsedMB: number;
}

export interface StartupResult {
  size: number;
  runs: number;
  dbMB: number;
  /** Medians over the runs, ms since the child process started. */
  armedMs: number;
  /** The parent's clock: from spawning the child to "armed" (includes starting node itself). */
  spawnToArmedMs: number;
  rssMB: number;
  heapUsedMB: number;
  /** Median phase durations (ms): node + tsx to our first line, module loading, opening the database, constructing the Engine, start(). */
  phases: { boot: number; imports: number; openDb: number; construct: number; start: number };
  perRun: { armedMs: number; spawnToArmedMs: number; rssMB: number }[];
}

export async function measureStartup(size: number, runs: number): Promise<StartupResult> {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'steward.db');
  const db = openDatabase(path);
  const now = Date.now();
  const ids = fillAutomations(db, { count: size, capability: 'http_check', nextRunAt: (i) => now + 600_000 + ((i * 7919) % 86_400) * 1000 });
  fillRunHistory(db, ids, 2, now);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const dbMB = Math.round(statSync(path).size / 1024 / 1024);
  const child = join(import.meta.dirname, 'startup-child.ts');
  const once = async () => {
    const spawnedAt = Date.now();
    const { stdout } = await run(process.execPath, ['--import', 'tsx', child, '--db', path], { cwd: join(import.meta.dirname, '..') });
    const report = parseResult(stdout) as ChildReport;
    return { report, spawnToArmedMs: report.armedAtEpoch - spawnedAt };
  };
  await once(); // warm-up: tsx's transform cache, the OS file cache (a restarted bot has both)
  const reports: Awaited<ReturnType<typeof once>>[] = [];
  for (let r = 0; r < runs; r++) {
    const result = await once();
    reports.push(result);
    log(`  startup ${size}: run ${r + 1}/${runs}: armed at ${result.report.armed.toFixed(0)} ms, RSS ${result.report.rssMB} MB`);
  }
  cleanup();
  const m = (f: (r: ChildReport) => number) => median(reports.map((r) => f(r.report)));
  return {
    size,
    runs,
    dbMB,
    armedMs: m((r) => r.armed),
    spawnToArmedMs: median(reports.map((r) => r.spawnToArmedMs)),
    rssMB: m((r) => r.rssMB),
    heapUsedMB: m((r) => r.heapUsedMB),
    phases: {
      boot: m((r) => r.entered),
      imports: m((r) => r.imported - r.entered),
      openDb: m((r) => r.opened - r.imported),
      construct: m((r) => r.constructed - r.opened),
      start: m((r) => r.armed - r.constructed),
    },
    perRun: reports.map((r) => ({ armedMs: r.report.armed, spawnToArmedMs: r.spawnToArmedMs, rssMB: r.report.rssMB })),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  emitResult(await measureStartup(Number(arg('size', '100000')), Number(arg('runs', '5'))));
}
