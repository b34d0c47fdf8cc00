/**
 * Scenario 3, start-up and memory: a fresh process (node on the compiled dist/, as `npm start` runs; and,
 * alternately, node --import tsx on the sources, as it ran before) opens
 * a database holding `size` automations and starts the Engine; measured from process start to
 * "scheduler armed", and the RSS then. The database is prepared first through SQL in one
 * transaction (automations due over the coming day, two past runs each, some model spend), with
 * the production migrations only, so the child opens it exactly as production does.
 *
 *   npx tsx bench/startup.ts --size 100000 [--runs 5]
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { loadavg } from 'node:os';
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
  /** CPU time of the process (all its threads) until armed: what a busy machine does not inflate. */
  cpuMs: number;
  rssMB: number;
  heapUsedMB: number;
}

export interface StartupResult {
  size: number;
  runs: number;
  dbMB: number;
  /** Medians over the runs, ms since the child process started (the compiled JavaScript, as `npm start` runs it). */
  armedMs: number;
  /** The same, the sources loaded through tsx (as `npm start` ran before). */
  tsxArmedMs: number;
  /** CPU time until armed (all threads), compiled and through tsx. */
  cpuMs: number;
  tsxCpuMs: number;
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
  const root = join(import.meta.dirname, '..');
  // `npm start` runs the compiled JavaScript (built by `npm ci`, rebuilt when the sources are newer).
  await run(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], { cwd: root });
  const compiled = [join(root, 'dist/bench/startup-child.js'), '--db', path];
  const fromSource = ['--import', 'tsx', join(import.meta.dirname, 'startup-child.ts'), '--db', path];
  const once = async (args: string[]) => {
    const spawnedAt = Date.now();
    const { stdout } = await run(process.execPath, args, { cwd: root });
    const report = parseResult(stdout) as ChildReport;
    return { report, spawnToArmedMs: report.armedAtEpoch - spawnedAt };
  };
  // Warm-up: tsx's transform cache, the OS file cache (a restarted bot has both).
  await once(compiled);
  await once(fromSource);
  const reports: Awaited<ReturnType<typeof once>>[] = [];
  const tsxReports: Awaited<ReturnType<typeof once>>[] = [];
  for (let r = 0; r < runs; r++) {
    const result = await once(compiled);
    reports.push(result);
    const tsx = await once(fromSource);
    tsxReports.push(tsx);
    log(
      `  startup ${size}: run ${r + 1}/${runs}: armed at ${result.report.armed.toFixed(0)} ms, ${result.report.cpuMs.toFixed(0)} ms CPU ` +
        `(through tsx: ${tsx.report.armed.toFixed(0)} ms, ${tsx.report.cpuMs.toFixed(0)} ms CPU), RSS ${result.report.rssMB} MB, load ${loadavg()[0]!.toFixed(1)}`,
    );
  }
  cleanup();
  const m = (f: (r: ChildReport) => number) => median(reports.map((r) => f(r.report)));
  return {
    size,
    runs,
    dbMB,
    armedMs: m((r) => r.armed),
    tsxArmedMs: median(tsxReports.map((r) => r.report.armed)),
    cpuMs: m((r) => r.cpuMs),
    tsxCpuMs: median(tsxReports.map((r) => r.report.cpuMs)),
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
