/**
 * `npm run bench`: every scenario at 1k, 10k and 100k automations, each (scenario, size) in a
 * fresh child process, several runs and the median. Prints the tables (Markdown, ready to quote)
 * and writes everything, per-run figures included, to bench/results/latest.json.
 *
 *   npx tsx bench/run.ts [--only lateness,throughput,startup,commands,plans,hostile,fairness,uptime,bounds,gap,charts,shops] [--sizes 1000,10000] [--quick]
 *
 * `--quick` runs each scenario once (for checking the scripts, not for quoting).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import Database from 'better-sqlite3';
import type { CommandName, CommandsResult } from './commands.js';
import type { HostileResult } from './hostile.js';
import type { ChartsResult } from './charts.js';
import type { ShopsResult } from './shops.js';
import type { FairnessResult } from './fairness.js';
import type { LatenessResult, Mode, System } from './lateness.js';
import { BURST_CAP, POLL_INTERVAL_MS, SPREAD_COUNT, SPREAD_GAP_MS } from './lateness.js';
import type { PlansResult } from './plans.js';
import type { StartupResult } from './startup.js';
import { arg, log, mb, median, parseResult, SIZES, type Distribution } from './support.js';
import type { ThroughputResult } from './throughput.js';
import type { BurstFigures, UptimeResult, UptimeVariant } from './uptime.js';

const ROOT = join(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
const only = new Set(arg('only', 'lateness,throughput,startup,commands,plans,hostile,fairness,uptime,bounds,gap,charts,shops').split(','));
const sizes = arg('sizes', SIZES.join(',')).split(',').map(Number);
const runsOf = (n: number) => (quick ? 1 : n);

/** Runs one scenario script in a fresh node process (tsx, GC exposed) and returns its result. */
function child<T>(script: string, args: (string | number)[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, script), ...args.map(String)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${script} ${args.join(' ')} exited with ${code}\n${stdout.slice(-2000)}`));
      try {
        resolve(parseResult(stdout) as T);
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

/** Runs a script that prints Markdown-ready lines (bounds.ts, schedule-gap.ts) and returns them. */
function childLines(script: string, args: (string | number)[] = []): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script), ...args.map(String)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => (code === 0 ? resolve(stdout.trimEnd().split('\n')) : reject(new Error(`${script} exited with ${code}\n${stdout.slice(-2000)}`))));
  });
}

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const db = new Database(':memory:');
  const sqlite = db.prepare<[], { v: string }>('SELECT sqlite_version() AS v').get()!.v;
  db.close();
  const betterSqlite = (JSON.parse(readFileSync(join(ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string }).version;
  const croner = (JSON.parse(readFileSync(join(ROOT, 'node_modules/croner/package.json'), 'utf8')) as { version: string }).version;
  return {
    cpu: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    sqlite,
    betterSqlite,
    croner,
    heapLimitMB: mb(getHeapStatistics().heap_size_limit),
  };
}

// ----- formatting -----

const k = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
function ms(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '–';
  if (v >= 1000) return `${(v / 1000).toFixed(v >= 10_000 ? 1 : 2)} s`;
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}
/** Microseconds, shown as µs or ms. */
const us = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 1 : 2)} ms` : `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} µs`);
/** `ms` with its unit: "3.10 ms", "7.55 s". */
const withUnit = (v: number) => (v >= 1000 ? ms(v) : `${ms(v)} ms`);
const int = (v: number) => Math.round(v).toLocaleString('en-US');
const triple = (d: Distribution | undefined) => (d ? `${ms(d.p50)} / ${ms(d.p99)} / ${ms(d.max)}` : '–');
function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
/** log-log slope of a figure from the smallest to the largest size (1 = linear). */
function slope(a: number, b: number, sizeA: number, sizeB: number): number {
  return Math.log(b / a) / Math.log(sizeB / sizeA);
}
function complexity(s: number): string {
  if (s < 0.15) return 'flat (O(1) / O(log n))';
  if (s < 0.8) return 'sublinear';
  if (s < 1.2) return 'linear, O(n)';
  return 'worse than linear';
}

// ----- main -----

const began = performance.now();
const info = machine();
log(`Steward benchmarks on ${info.cpu}, ${info.cores} cores, Node ${info.node}; sizes ${sizes.map(k).join(', ')}${quick ? ' (quick)' : ''}`);

const lateness: LatenessResult[] = [];
const throughput: ThroughputResult[] = [];
const startup: StartupResult[] = [];
const commands: CommandsResult[] = [];
const plans: PlansResult[] = [];
const hostile: HostileResult[] = [];
let fairness: FairnessResult[] = [];
let charts: ChartsResult | null = null;
const uptime: UptimeResult[] = [];
let boundsLines: string[] = [];
let gapLines: string[] = [];
let shops: ShopsResult | null = null;
const skipped: { scenario: string; size: number; reason: string }[] = [];
const timings: Record<string, number> = {};

async function timedPhase(name: string, work: () => Promise<void>): Promise<void> {
  const start = performance.now();
  await work();
  timings[name] = Math.round((performance.now() - start) / 100) / 10;
  log(`${name}: ${timings[name]} s`);
}

if (only.has('lateness')) {
  await timedPhase('lateness', async () => {
    const plan: [System, Mode, number, number][] = [];
    for (const size of sizes) {
      plan.push(['steward', 'spread', size, runsOf(5)], ['steward', 'burst', size, runsOf(3)]);
      if (size <= 10_000) plan.push(['croner', 'spread', size, runsOf(3)], ['croner', 'burst', size, runsOf(size > 1000 ? 2 : 3)]);
      plan.push(['polling', 'spread', size, runsOf(3)], ['polling', 'burst', size, runsOf(size > 1000 ? 1 : 3)]);
    }
    for (const [system, mode, size, runs] of plan) {
      log(`lateness: ${system} ${mode} at ${k(size)} (${runs} runs)`);
      lateness.push(await child<LatenessResult>('lateness.ts', ['--system', system, '--mode', mode, '--size', size, '--runs', runs]));
    }
  });
}
if (only.has('throughput')) {
  await timedPhase('throughput', async () => {
    for (const size of sizes) {
      log(`throughput at ${k(size)}`);
      throughput.push(await child<ThroughputResult>('throughput.ts', ['--size', size, '--runs', runsOf(5), '--dispatches', 3000]));
    }
  });
}
if (only.has('startup')) {
  await timedPhase('startup', async () => {
    for (const size of sizes) {
      log(`start-up at ${k(size)}`);
      startup.push(await child<StartupResult>('startup.ts', ['--size', size, '--runs', runsOf(5)]));
    }
  });
}
if (only.has('commands')) {
  await timedPhase('commands', async () => {
    for (const size of sizes) {
      log(`command latency at ${k(size)}`);
      commands.push(await child<CommandsResult>('commands.ts', ['--size', size, '--runs', runsOf(3), '--per-run', quick ? 30 : 100]));
    }
  });
}
if (only.has('plans')) {
  await timedPhase('plans', async () => {
    for (const size of sizes) {
      log(`query plans at ${k(size)}`);
      plans.push(await child<PlansResult>('plans.ts', ['--size', size]));
    }
  });
}

if (only.has('hostile')) {
  await timedPhase('hostile', async () => {
    for (let i = 0; i < runsOf(3); i++) {
      log(`hostile pages, run ${i + 1}`);
      hostile.push(await child<HostileResult>('hostile.ts', ['--runs', quick ? 50 : 200]));
    }
  });
}
if (only.has('shops')) {
  await timedPhase('shops', async () => {
    log('shops: page_watch on the pages corpus');
    shops = await child<ShopsResult>('shops.ts', ['--runs', runsOf(30)]);
  });
}
if (only.has('fairness')) {
  await timedPhase('fairness', async () => {
    log('fairness: a late start under another person\'s load');
    fairness = await child<FairnessResult[]>('fairness.ts', ['--slow-ms', 300, '--runs', runsOf(3), '--variants', 'before,after']);
  });
}

if (only.has('charts')) {
  await timedPhase('charts', async () => {
    log('charts: 500 points as a PNG, in-process and through a content worker');
    charts = await child<ChartsResult>('charts.ts', ['--points', 500, '--renders', quick ? 30 : 200]);
  });
}
if (only.has('uptime')) {
  await timedPhase('uptime', async () => {
    for (const n of [500, 2000]) {
      // The single-lane design takes N × 50 ms (2,000: 100 s): once, and in a quick run only at 500.
      const plan: [UptimeVariant, number][] = [['steward', runsOf(3)], ['limit', runsOf(3)], ['single', quick && n > 500 ? 0 : 1]];
      for (const [variant, runs] of plan) {
        for (let r = 0; r < runs; r++) {
          log(`uptime burst: ${variant}, ${n} checks, run ${r + 1}/${runs}`);
          uptime.push(await child<UptimeResult>('uptime.ts', ['--variant', variant, '--n', n]));
        }
      }
    }
  });
}
if (only.has('bounds')) {
  await timedPhase('bounds', async () => {
    log('bounds: outbox during an outage, retention, test-alert');
    boundsLines = await childLines('bounds.ts');
  });
}
if (only.has('gap')) {
  await timedPhase('gap', async () => {
    log('schedule gap: shortestGapSeconds over expressions × zones');
    gapLines = await childLines('schedule-gap.ts');
  });
}

// croner at 100k is not run: one job holds ~90 KB of heap, measured at 10k.
const cronerJobs = lateness.find((r) => r.system === 'croner' && r.size === Math.max(...lateness.filter((x) => x.system === 'croner').map((x) => x.size)))?.jobs;
if (only.has('lateness') && sizes.includes(100_000)) {
  const projected = cronerJobs ? (cronerJobs.bytesPerJob * 100_000) / 1024 / 1024 : NaN;
  skipped.push({
    scenario: 'lateness croner',
    size: 100_000,
    reason: `not feasible: one croner job holds ${cronerJobs ? `${Math.round(cronerJobs.bytesPerJob / 1024)} KB` : '~90 KB'} of heap (measured at ${k(cronerJobs?.count ?? 10_000)} jobs), so 100k jobs need ~${Math.round(projected / 1024 * 10) / 10} GB, over Node's ${Math.round(info.heapLimitMB / 1024 * 10) / 10} GB heap limit here`,
  });
}

const totalSeconds = Math.round((performance.now() - began) / 1000);

// ----- report -----

const out: string[] = [];
out.push(`## Steward benchmarks`);
out.push('');
out.push(
  `Machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGB} GB RAM; Node ${info.node}, SQLite ${info.sqlite} (better-sqlite3 ${info.betterSqlite}, WAL, synchronous=NORMAL), croner ${info.croner}. ` +
    `${new Date().toISOString().slice(0, 10)}${quick ? ', QUICK run (1 run each): not for quoting' : ''}.`,
);

const sizeHead = (label: string) => [label, ...sizes.map((s) => `${k(s)}`)];
if (lateness.length) {
  const find = (system: System, mode: Mode, size: number) => lateness.find((r) => r.system === system && r.mode === mode && r.size === size);
  const cell = (system: System, mode: Mode, size: number) => {
    const r = find(system, mode, size);
    if (!r) return system === 'croner' && size >= 100_000 ? 'not feasible¹' : '–';
    return triple(r.lateness) + (r.missing ? ` (${r.missing} missed)` : '');
  };
  out.push('');
  out.push(`### 1. Scheduling lateness: slot → start of dispatch, ms, p50 / p99 / max (median over runs)`);
  out.push('');
  const rows: string[][] = [];
  const names: Record<System, string> = { steward: 'Steward (one timer, default lanes: 256 local slots)', croner: 'croner, one job per automation', polling: '15 s polling loop²' };
  for (const mode of ['spread', 'burst'] as Mode[]) {
    for (const system of ['steward', 'croner', 'polling'] as System[]) rows.push([names[system], mode, ...sizes.map((s) => cell(system, mode, s))]);
  }
  rows.push(['Steward: runs started per second in the burst', 'burst', ...sizes.map((s) => (find('steward', 'burst', s)?.drainPerSecond ? int(find('steward', 'burst', s)!.drainPerSecond!) : '–'))]);
  out.push(table(['design', 'slots', ...sizes.map((s) => `${k(s)} automations`)], rows));
  out.push('');
  out.push(
    `Spread: ${SPREAD_COUNT.toLocaleString('en-US')} of the table's automations due ${SPREAD_GAP_MS} ms apart (the rest due later that day). ` +
      `Burst: all of them (at most ${BURST_CAP.toLocaleString('en-US')}) due at the same instant: lateness is queueing behind a no-op dispatch. ` +
      `Real wall clock and timers; dispatch start taken where the scheduler calls the dispatcher.`,
  );
  if (cronerJobs) out.push(`croner memory: ${cronerJobs.count.toLocaleString('en-US')} jobs held ${cronerJobs.heapMB} MB of heap (${Math.round(cronerJobs.bytesPerJob / 1024)} KB per job), RSS ${cronerJobs.rssMB} MB; creating them took ${int(cronerJobs.createMs)} ms.`);
  for (const s of skipped) out.push(`¹ croner at ${k(s.size)}: ${s.reason}.`);
  out.push(`² Polling: the wait for the next ${POLL_INTERVAL_MS / 1000} s tick is computed from each slot's phase over 200 evenly spread tick phases; the work inside the tick (select what is due, dispatch 4 at a time) is measured on the same table.`);
}
if (throughput.length) {
  out.push('');
  out.push(`### 2. Dispatch throughput: no-op skill through the full dispatcher, 4 at a time (median of runs)`);
  out.push('');
  out.push(
    table(
      ['automations', 'Steward runs/s', 'µs per run', 'SQLite ceiling tx/s³', 'ceiling ÷ Steward'],
      throughput.map((r) => [k(r.size), int(r.runsPerSecond), int(r.usPerDispatch), int(r.ceilingPerSecond), `${r.ratio.toFixed(1)}×`]),
    ),
  );
  out.push('');
  out.push(`³ Same file, same process, measured alternately with the dispatcher: one transaction of an INSERT into automation_run and two UPDATEs (run, automation). Every run evaluates an alert condition; ${Math.round((throughput[0]!.alertShare ?? 0) * 100)}% of them fire and queue a notification in the outbox (written in the finishing transaction; delivery not running).`);
}
if (startup.length) {
  out.push('');
  out.push(`### 3. Start-up and memory: new process (node on the compiled dist/, as \`npm start\` runs it) → Engine started, scheduler armed (median of runs)`);
  out.push('');
  out.push(
    table(
      ['automations', 'database', 'process start → armed', 'CPU until armed', 'the same through tsx (before)', 'node boot', 'module loading', 'open DB', 'Engine + start()', 'RSS', 'heap used'],
      startup.map((r) => [
        k(r.size),
        `${r.dbMB} MB`,
        `${int(r.armedMs)} ms`,
        `${int(r.cpuMs)} ms`,
        `${int(r.tsxArmedMs)} ms (${int(r.tsxCpuMs)} ms CPU)`,
        `${int(r.phases.boot)} ms`,
        `${int(r.phases.imports)} ms`,
        `${ms(r.phases.openDb)} ms`,
        `${ms(r.phases.construct + r.phases.start)} ms`,
        `${Math.round(r.rssMB)} MB`,
        `${Math.round(r.heapUsedMB)} MB`,
      ]),
    ),
  );
}
if (commands.length) {
  out.push('');
  out.push(`### 4. Command latency through the Discord emulator: interaction → first response, ms, p50 / p99 (median of runs)`);
  out.push('');
  const label: Record<CommandName, string> = { list: '/automation list', show: '/automation show', autocomplete: 'name autocomplete' };
  out.push(
    table(
      ['command', ...commands.map((r) => `${k(r.size)} automations, one owner`)],
      (['list', 'show', 'autocomplete'] as CommandName[]).map((c) => [label[c], ...commands.map((r) => `${ms(r.latency[c].p50)} / ${ms(r.latency[c].p99)}`)]),
    ),
  );
  out.push('');
  out.push(
    `The real bot (discord.js, router, commands, engine) and the emulator in one process; one interaction at a time, ${commands[0]!.perRun} of each per run, interleaved. ` +
      `Each automation has two past runs; one in five has model spend. \`show\` names a random automation; the autocomplete text runs through what a person types ('', 'w', 'wat', 'watch-00', '123'…).`,
  );
}

// 5. Growth
const growthRows: { figure: string; values: (number | undefined)[]; lowerIsBetter: boolean }[] = [];
const bySize = <T extends { size: number }>(results: T[], f: (r: T) => number) => sizes.map((s) => results.find((r) => r.size === s)).map((r) => (r ? f(r) : undefined));
if (lateness.length) {
  growthRows.push({ figure: 'lateness p99, Steward spread (ms)', values: bySize(lateness.filter((r) => r.system === 'steward' && r.mode === 'spread'), (r) => r.lateness.p99), lowerIsBetter: true });
  growthRows.push({ figure: 'µs per run started, Steward burst', values: bySize(lateness.filter((r) => r.system === 'steward' && r.mode === 'burst'), (r) => 1e6 / (r.drainPerSecond ?? NaN)), lowerIsBetter: true });
}
if (throughput.length) growthRows.push({ figure: 'µs per dispatch', values: bySize(throughput, (r) => r.usPerDispatch), lowerIsBetter: true });
if (startup.length) {
  growthRows.push({ figure: 'start-up to armed (ms)', values: bySize(startup, (r) => r.armedMs), lowerIsBetter: true });
  growthRows.push({ figure: 'Engine construct + start() (ms)', values: bySize(startup, (r) => r.phases.construct + r.phases.start), lowerIsBetter: true });
  growthRows.push({ figure: 'RSS at armed (MB)', values: bySize(startup, (r) => r.rssMB), lowerIsBetter: true });
}
if (commands.length) {
  for (const c of ['list', 'show', 'autocomplete'] as CommandName[]) growthRows.push({ figure: `${c} p50 (ms)`, values: bySize(commands, (r) => r.latency[c].p50), lowerIsBetter: true });
}
if (plans.length) {
  const keys = [...new Set(plans.flatMap((p) => p.queries.map((q) => `${q.use}\u0000${q.method}`)))];
  for (const key of keys) {
    const [use, method] = key.split('\u0000') as [string, string];
    growthRows.push({ figure: `query µs: ${use.split(':')[0]} → ${method}`, values: bySize(plans, (p) => p.queries.find((q) => q.use === use && q.method === method)?.us ?? NaN), lowerIsBetter: true });
  }
}
const growth = growthRows.map((row) => {
  const first = row.values[0];
  const last = row.values[row.values.length - 1];
  const s = first !== undefined && last !== undefined && sizes.length > 1 ? slope(first, last, sizes[0]!, sizes[sizes.length - 1]!) : NaN;
  return { ...row, slope: s, complexity: Number.isNaN(s) ? '–' : complexity(s) };
});
if (growth.length && sizes.length > 1) {
  out.push('');
  out.push(`### 5. Growth from ${k(sizes[0]!)} to ${k(sizes[sizes.length - 1]!)} automations`);
  out.push('');
  out.push(
    table(
      ['figure', ...sizes.map(k), `× from ${k(sizes[0]!)} to ${k(sizes[sizes.length - 1]!)}`, 'log-log slope', 'observed'],
      growth.map((g) => [
        g.figure,
        ...g.values.map((v) => (v === undefined || Number.isNaN(v) ? '–' : v >= 100 ? int(v) : v.toFixed(1))),
        g.values[0] && g.values[g.values.length - 1] ? `${(g.values[g.values.length - 1]! / g.values[0]!).toFixed(1)}×` : '–',
        Number.isNaN(g.slope) ? '–' : g.slope.toFixed(2),
        g.complexity,
      ]),
    ),
  );
  out.push('');
  out.push(`Slope of log(figure) against log(automations): 0 = does not grow, 1 = grows in proportion. Sub-10 ms figures are noisy; read them with the plans below.`);
  const worse = growth.filter((g) => g.slope >= 1.2);
  out.push(`Worse than linear: ${worse.length ? worse.map((g) => `${g.figure} (slope ${g.slope.toFixed(2)})`).join(', ') : 'none'}.`);
}
if (plans.length) {
  const largest = plans[plans.length - 1]!;
  out.push('');
  out.push(`Query plans at ${k(largest.size)} automations (one owner holds all of them; EXPLAIN QUERY PLAN, median µs of 200 executions):`);
  out.push('');
  out.push(table(['asked by', 'query', 'time', 'plan'], largest.queries.map((q) => [q.use.split(':')[0]!, q.method, us(q.us), q.plan.join('; ')])));
}

if (hostile.length) {
  const mid = (f: (r: HostileResult) => number) => median(hostile.map(f));
  const dur = (v: number) => (v >= 1000 ? ms(v) : `${ms(v)} ms`);
  const first = hostile[0]!;
  out.push('');
  out.push(`### 6. Hostile pages: the main loop's delay (monitorEventLoopDelay, 10 ms resolution), before and after content workers (median of ${hostile.length} runs)`);
  out.push('');
  out.push(
    table(
      ['page', 'before: loop blocked', 'before: delay p99', 'after: run ended', 'after: delay p99 / max'],
      first.cases.map((c, i) => [
        c.name,
        dur(mid((r) => r.cases[i]!.before.blockedMs)),
        dur(mid((r) => r.cases[i]!.before.p99Ms)),
        `${c.after.outcome}: ${c.after.error === 'timeout' ? 'timeout' : (c.after.error ?? '').includes('not supported') ? 'selector refused' : (c.after.error ?? '').includes('elements') ? 'element cap' : c.after.error} after ${dur(mid((r) => r.cases[i]!.after.runMs))}`,
        `${ms(mid((r) => r.cases[i]!.after.p99Ms))} / ${ms(mid((r) => r.cases[i]!.after.maxMs))} ms`,
      ]),
    ),
  );
  out.push('');
  out.push(
    `RUN_TIMEOUT_SECONDS=${first.runTimeoutSeconds}. Idle loop on this machine meanwhile: p99 ${ms(mid((r) => r.idle.p99Ms))} ms. ` +
      `Before: page_watch's extraction (cheerio load + the selector's first match) on the loop. After: the real engine (safe fetcher, a content worker, the run's time limit); ` +
      `a selector outside the grammar is refused at create, so its automation is written as one saved before the grammar was. ` +
      `Pool overhead on an ordinary product page: ${ms(mid((r) => r.overhead.inlineMs))} ms on the loop, ${ms(mid((r) => r.overhead.workerMs))} ms through a warm worker (+${ms(mid((r) => r.overhead.addedMs))} ms).`,
  );
}
if (fairness.length) {
  const label: Record<FairnessResult['variant'], string> = {
    before: '4 local slots, no per-person share (as before the lanes, but owners take turns)',
    after: 'defaults: 256 local slots, a quarter per person',
    'after-4': '4 local slots, a quarter (1) per person',
  };
  out.push('');
  out.push(`### 7. A late start under another person's load: B's check, due with A's ${fairness[0]!.backlog} slow runs (${fairness[0]!.slowMs} ms each), median of ${fairness[0]!.runs}`);
  out.push('');
  out.push(
    table(
      ['lanes', "B's start after its slot", "A's runs started before B's", "A's backlog done after"],
      fairness.map((r) => [label[r.variant], withUnit(r.lateMs), String(r.aStartedBeforeB), withUnit(r.backlogMs)]),
    ),
  );
}
const chartsResult = charts as ChartsResult | null;
if (chartsResult) {
  out.push('');
  out.push(`### 8. Charts: one PNG of ${chartsResult.points} points (800 × 400), ${chartsResult.renders} renders after 5 warm-up`);
  out.push('');
  out.push(
    table(
      ['renderer', 'p50 ms', 'p99 ms', 'max ms', 'PNG'],
      [
        ...chartsResult.candidates.map((c) => (c.render ? [c.name, ms(c.render.p50), ms(c.render.p99), ms(c.render.max), `${Math.round((c.pngBytes ?? 0) / 1024)} KB`] : [c.name, '–', '–', '–', c.note ?? '–'])),
        ['Chart.js through a content worker (main thread → PNG back)', ms(chartsResult.throughWorker.p50), ms(chartsResult.throughWorker.p99), ms(chartsResult.throughWorker.max), ''],
      ],
    ),
  );
}

if (uptime.length) {
  const label: Record<UptimeVariant, string> = {
    steward: 'Steward, default lanes',
    limit: 'the limit: a bare undici loop, same concurrency',
    single: 'before: one lane of 4 slots for every run',
  };
  const rows: string[][] = [];
  for (const n of [...new Set(uptime.map((r) => r.n))]) {
    for (const variant of ['steward', 'limit', 'single'] as UptimeVariant[]) {
      const runs = uptime.filter((r) => r.n === n && r.variant === variant);
      if (!runs.length) continue;
      const first = runs[0]!;
      for (const minute of ['first', 'next'] as const) {
        const mid = (f: (b: BurstFigures) => number) => median(runs.map((r) => f(r[minute])));
        rows.push([
          int(n),
          label[variant],
          minute === 'first' ? 'first after start-up' : 'a minute later',
          `${int(first.concurrency.total)} (${first.concurrency.perHost} per host)`,
          withUnit(mid((b) => b.lastAnswerMs)),
          `${mid((b) => b.ratio).toFixed(1)}×`,
          `${ms(mid((b) => b.loop.p99))} ms`,
          variant === 'limit' ? '–' : `${ms(mid((b) => b.commands.p50))} / ${ms(mid((b) => b.commands.p99))} ms`,
          `${mid((b) => b.cpuMsPerCheck).toFixed(2)} ms`,
          int(mid((b) => b.connections)),
          variant === 'limit' ? `${int(mid((b) => b.ranOnce))} answered` : `${int(mid((b) => b.ranOnce))} once, ${int(mid((b) => b.skippedMinInterval))} skipped`,
          median(runs.map((r) => r.load)).toFixed(1),
        ]);
      }
    }
  }
  const first = uptime[0]!;
  out.push('');
  out.push(`### 9. Uptime burst: N \`http_check\`s due at one instant over ${first.hosts} local hosts answering after ${first.delayMs} ms (median of runs)`);
  out.push('');
  out.push(
    table(
      ['N', 'design', 'burst', 'requests at once', 'last answer after the slot', `× ${first.delayMs} ms`, 'loop delay p99', 'commands p50 / p99', 'CPU per check', 'TCP connections', 'runs', 'load'],
      rows,
    ),
  );
  out.push('');
  out.push(
    `The real Engine (scheduler, lanes, dispatcher, safe fetcher with its per-host limit, SQLite in a temp dir); the hosts are 127.0.1.1–127.0.1.${first.hosts} served by another process. ` +
      `Commands: \`/automation list\` and \`show\` through the service, one asked every 20 ms during the burst, timed from when it was asked (waiting for the loop included). ` +
      `Two bursts per run: the first after start-up, and the next minute's (the clock moved on to the every-minute schedule's next slot; the hosts closed their idle connections in between, as a server with a keep-alive under a minute does). ` +
      `Loop delay: monitorEventLoopDelay (10 ms resolution) from the slot to the last run recorded. CPU per check: process.cpuUsage (all threads) over the burst ÷ N. ` +
      `Load: the 1-minute load average at the end (2 cores: above 2, other work waited for the cores too, and wall-clock figures grow with it).`,
  );
}
if (boundsLines.length) {
  out.push('');
  out.push(`### 10. Bounds in simulated time (bench/bounds.ts)`);
  out.push('');
  out.push(table(['scenario', 'measured'], boundsLines.filter((l) => l.startsWith('|')).map((l) => l.replace(/^\| | \|$/g, '').split(' | '))));
}
if (gapLines.length) {
  out.push('');
  out.push(`### 11. Shortest gap between runs, as create and edit check it (bench/schedule-gap.ts)`);
  out.push('');
  out.push('```');
  out.push(...gapLines);
  out.push('```');
}

const shopsResult = shops as ShopsResult | null;
if (shopsResult?.skipped) {
  out.push('');
  out.push(`### 12. Real shops: skipped (${shopsResult.skipped})`);
} else if (shopsResult) {
  const r = shopsResult;
  const of = ([n, total]: [number, number]) => `${n}/${total} (${((100 * n) / total).toFixed(1)}%)`;
  out.push('');
  out.push(`### 12. Real shops: page_watch on the pages corpus's 140 product pages, beside the other extractors' published outputs (scored by the corpus's run.mjs)`);
  out.push('');
  out.push(table(['extractor', 'price', 'currency', 'in stock (null = in stock)'], r.pages.map((p) => [p.extractor, of(p.price), of(p.currency), of(p.inStock)])));
  out.push('');
  out.push(table(['price strings (price-parser suite)', 'amount', 'currency'], r.strings.map((p) => [p.extractor, of(p.amount), of(p.currency)])));
  out.push('');
  out.push(table(['page of ~1 MB', 'size', 'through a warm worker', 'on the loop'], r.timing.map((t) => [t.page, `${Math.round(t.bytes / 1024)} KB`, `${ms(t.workerMs)} ms`, `${ms(t.inlineMs)} ms`])));
  out.push('');
  out.push(`Median of ${r.runs} extractions per page (decode, parse, read), the worker's time including its round trip.`);
}

// Targets
const targets: { target: string; measured: string; met: boolean | null }[] = [];
const at = <T extends { size: number }>(results: T[], size: number) => results.find((r) => r.size === size);
if (lateness.length) {
  const r = lateness.find((x) => x.system === 'steward' && x.mode === 'spread' && x.size === 10_000);
  if (r) targets.push({ target: 'scheduling lateness p99 < 100 ms at 10k (Steward, spread)', measured: `${ms(r.lateness.p99)} ms`, met: r.lateness.p99 < 100 });
}
if (throughput.length) {
  const r = at(throughput, 10_000) ?? throughput[0]!;
  targets.push({ target: `dispatch ≥ 2,000 runs/s (${k(r.size)})`, measured: `${int(r.runsPerSecond)} runs/s`, met: r.runsPerSecond >= 2000 });
  targets.push({ target: `dispatch within 10× of the SQLite ceiling (${k(r.size)})`, measured: `${r.ratio.toFixed(1)}× (${int(r.ceilingPerSecond)} tx/s)`, met: r.ratio <= 10 });
}
if (startup.length) {
  const r = at(startup, 100_000) ?? startup[startup.length - 1]!;
  targets.push({ target: `RSS < 300 MB with ${k(r.size)}`, measured: `${Math.round(r.rssMB)} MB`, met: r.rssMB < 300 });
}
if (commands.length) {
  const r = at(commands, 10_000) ?? commands[0]!;
  for (const c of ['list', 'show', 'autocomplete'] as CommandName[]) {
    targets.push({ target: `${c} p99 < 200 ms at ${k(r.size)}`, measured: `${ms(r.latency[c].p99)} ms`, met: r.latency[c].p99 < 200 });
  }
}
if (hostile.length) {
  const worst = Math.max(...hostile[0]!.cases.map((_, i) => median(hostile.map((r) => r.cases[i]!.after.p99Ms))));
  targets.push({ target: 'loop delay p99 < 50 ms while a hostile page runs', measured: `${ms(worst)} ms (worst page)`, met: worst < 50 });
}
if (chartsResult) {
  const chosen = chartsResult.candidates[0]!;
  targets.push({ target: `chart of ${chartsResult.points} points p99 ≤ 200 ms (drawing)`, measured: `${ms(chosen.render!.p99)} ms`, met: chosen.render!.p99 <= 200 });
  targets.push({ target: 'chart PNG ≤ 200 KB', measured: `${Math.round(chosen.pngBytes! / 1024)} KB`, met: chosen.pngBytes! <= 200 * 1024 });
}
if (uptime.length) {
  const at2000 = uptime.filter((r) => r.n === 2000 && r.variant === 'steward');
  for (const minute of at2000.length ? (['first', 'next'] as const) : []) {
    const mid = (f: (b: BurstFigures) => number) => median(at2000.map((r) => f(r[minute])));
    const which = minute === 'first' ? 'the first burst after start-up' : 'a minute later';
    targets.push({ target: `2,000 checks over 250 hosts, ${which}: last answer within 1.0 s of the slot`, measured: withUnit(mid((b) => b.lastAnswerMs)), met: mid((b) => b.lastAnswerMs) <= 1000 });
    targets.push({ target: '… every run recorded once, none skipped by min_interval', measured: `${int(mid((b) => b.ranOnce))} once, ${int(mid((b) => b.skippedMinInterval))} skipped`, met: mid((b) => b.ranOnce) === 2000 && mid((b) => b.skippedMinInterval) === 0 });
    targets.push({ target: '… loop delay p99 < 50 ms', measured: `${ms(mid((b) => b.loop.p99))} ms`, met: mid((b) => b.loop.p99) < 50 });
    targets.push({ target: '… commands p99 < 200 ms', measured: `${ms(mid((b) => b.commands.p99))} ms`, met: mid((b) => b.commands.p99) < 200 });
  }
}
if (lateness.length) {
  const r = lateness.find((x) => x.system === 'steward' && x.mode === 'burst' && x.size === 10_000);
  if (r) targets.push({ target: '10,000 no-op runs due at once: p99 lateness < 3 s', measured: withUnit(r.lateness.p99), met: r.lateness.p99 < 3000 });
}
if (startup.length) {
  const r = at(startup, 100_000) ?? startup[startup.length - 1]!;
  targets.push({ target: `start-up to armed < 500 ms with ${k(r.size)} (compiled)`, measured: `${int(r.armedMs)} ms (${int(r.cpuMs)} ms CPU; through tsx ${int(r.tsxArmedMs)} ms)`, met: r.armedMs < 500 });
}
if (shopsResult && !shopsResult.skipped) {
  const steward = shopsResult.pages.find((p) => p.extractor === 'Steward');
  const zyte = shopsResult.pages.find((p) => p.extractor === 'Zyte');
  if (steward) {
    targets.push({ target: `price ≥ 132/140 on the shops corpus (Zyte ${zyte?.price[0] ?? '?'})`, measured: `${steward.price[0]}/140`, met: steward.price[0] >= 132 });
    targets.push({ target: `in stock ≥ 136/140 (Zyte ${zyte?.inStock[0] ?? '?'})`, measured: `${steward.inStock[0]}/140`, met: steward.inStock[0] >= 136 });
    targets.push({ target: 'currency ≥ 95% of the pages that state one', measured: `${steward.currency[0]}/${steward.currency[1]}`, met: steward.currency[0] >= 0.95 * steward.currency[1] });
  }
  const strings = shopsResult.strings.find((s) => s.extractor.startsWith('Steward'));
  if (strings) {
    targets.push({ target: 'price strings ≥ 1,155/1,163 amount', measured: `${strings.amount[0]}/${strings.amount[1]}`, met: strings.amount[0] >= 1155 });
    targets.push({ target: 'price strings ≥ 960/1,050 currency', measured: `${strings.currency[0]}/${strings.currency[1]}`, met: strings.currency[0] >= 960 });
  }
  if (shopsResult.timing.length) {
    const mid = median(shopsResult.timing.map((t) => t.workerMs));
    targets.push({ target: 'extraction of a 1 MB page ≤ 50 ms median (in the worker)', measured: `${ms(mid)} ms`, met: mid <= 50 });
  }
}
if (targets.length) {
  out.push('');
  out.push(`### Targets`);
  out.push('');
  out.push(table(['target', 'measured', 'met'], targets.map((t) => [t.target, t.measured, t.met === null ? '–' : t.met ? 'yes' : '**no**'])));
}
out.push('');
out.push(`Full run: ${totalSeconds} s (${Object.entries(timings).map(([name, s]) => `${name} ${s} s`).join(', ')}).`);

const report = out.join('\n');
console.log(report);

mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
const file = join(import.meta.dirname, 'results', 'latest.json');
writeFileSync(
  file,
  `${JSON.stringify({ when: new Date().toISOString(), quick, machine: info, sizes, totalSeconds, timings, targets, growth, lateness, throughput, startup, commands, plans, hostile, fairness, charts, shops, uptime, bounds: boundsLines, gap: gapLines, skipped, report }, null, 2)}\n`,
);
log(`written ${file}`);
