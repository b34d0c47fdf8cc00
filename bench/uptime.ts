/**
 * Scenario 8, the uptime burst: N `http_check` automations due at the same instant, spread over
 * 250 local hosts (127.0.1.1 … 127.0.1.250, each answering after 200 ms, served by
 * bench/uptime-hosts.ts in another process), run by the real Engine (scheduler, lanes,
 * dispatcher, safe fetcher with its per-host limit, SQLite in a temp dir). Variants:
 *
 * - `steward`: the default lanes and per-host limit.
 * - `single`: the single-lane design: 4 slots for every run (MAX_CONCURRENT_RUNS=4, one person
 *   may hold all 4), as before the lanes.
 * - `limit`: the same requests made by a bare undici loop (`undici.request`, one keep-alive Agent)
 *   with the same concurrency as `steward` (the local lane's slots overall, the per-host limit
 *   per host): what the requests cost without Steward around them.
 *
 * Measured: the last answer after the slot (and the last run recorded), its ratio to the 200 ms
 * the targets take, the main loop's delay (monitorEventLoopDelay, 10 ms resolution) from the slot
 * to the end, the latency of commands asked during the burst (`/automation list` and `show`
 * through the service, one every 20 ms, timed from when it was asked, waiting for the loop
 * included), CPU per check (process.cpuUsage over the burst), TCP connections the hosts accepted,
 * and whether every automation ran exactly once (none skipped by min_interval).
 *
 *   npx tsx bench/uptime.ts --variant steward|single|limit --n 2000 [--hosts 250] [--delay-ms 200] [--env MAX_CONCURRENT_RUNS=2048]
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { createWorkerFetcher, type WorkerFetcher } from '../src/capabilities/http/fetch-worker.js';
import { createSafeFetcher, DEFAULT_FETCH_POLICY, hookedOptions } from '../src/capabilities/http/safe-fetch.js';
import type { Fetcher } from '../src/capabilities/http/fetcher.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { systemClock, type Clock } from '../src/clock.js';
import { Engine } from '../src/engine.js';
import { silentLogger } from '../src/logger.js';
import { KeyedLimiter } from '../src/util/keyed-limiter.js';
import { arg, distribution, emitResult, fillAutomations, log, nullSink, preciseNow, sleep, tempDir, waitUntil, type Distribution } from './support.js';

export type UptimeVariant = 'steward' | 'single' | 'limit';

/** What one burst measured. */
export interface BurstFigures {
  /** Slot → the last answer received, ms. */
  lastAnswerMs: number;
  /** Slot → the last run recorded (finishing transaction committed), ms; the loop: same as lastAnswerMs. */
  lastRecordedMs: number;
  /** lastAnswerMs ÷ delayMs. */
  ratio: number;
  loop: { p50: number; p99: number; max: number };
  /** Commands asked during the burst: asked → answered, ms. */
  commands: Distribution;
  /** CPU time of the process (all its threads) over the burst per check, ms. */
  cpuMsPerCheck: number;
  /** TCP connections the hosts accepted during the burst. */
  connections: number;
  requests: number;
  /** Automations with exactly one run in this burst, runs skipped by min_interval, runs not succeeded. */
  ranOnce: number;
  skippedMinInterval: number;
  notSucceeded: number;
}

export interface UptimeResult {
  variant: UptimeVariant;
  n: number;
  hosts: number;
  delayMs: number;
  /** Requests in flight at most: overall, and per host. */
  concurrency: { total: number; perHost: number };
  /**
   * The first burst after start-up (code not yet optimised by the JIT, the fetch worker's thread
   * starting), and the one a minute later (the every-minute schedule's next slot, the clock moved
   * on a minute; the hosts closed their idle connections in between, as a server whose keep-alive
   * is shorter than a minute does): what every minute after the first costs.
   */
  first: BurstFigures;
  next: BurstFigures;
  /** The machine's 1-minute load average when it ended (2 cores: above 2, other work was waiting for a core too). */
  load: number;
}

const LEAD_MS = 300;
const COMMAND_EVERY_MS = 20;

/** Starts the hosts' process; resolves with its port, a connection/request counter and a stop. */
async function startHosts(
  hosts: number,
  delayMs: number,
): Promise<{ port: number; count: () => Promise<{ connections: number; requests: number }>; closeIdle: () => Promise<void>; stop: () => void }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'uptime-hosts.ts'), '--hosts', String(hosts), '--delay-ms', String(delayMs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const ready = await next();
  const port = Number(/^ready (\d+)$/.exec(ready)?.[1]);
  if (!port) throw new Error(`uptime hosts did not start: ${ready}`);
  return {
    port,
    count: async () => {
      const line = next();
      proc.stdin!.write('count\n');
      return JSON.parse(await line) as { connections: number; requests: number };
    },
    closeIdle: async () => {
      const line = next();
      proc.stdin!.write('close-idle\n');
      await line;
    },
    stop: () => proc.stdin!.end(),
  };
}

const urlOf = (i: number, hosts: number, port: number) => `http://127.0.1.${(i % hosts) + 1}:${port}/status/${i}`;

function loopFigures(histogram: ReturnType<typeof monitorEventLoopDelay>) {
  return { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 };
}

async function measureSteward(variant: 'steward' | 'single', n: number, hosts: number, delayMs: number, extraEnv: Record<string, string>): Promise<UptimeResult> {
  const target = await startHosts(hosts, delayMs);
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'steward.db');
  const env = variant === 'single' ? { MAX_CONCURRENT_RUNS: '4', MAX_RUNS_IN_FLIGHT_PER_USER: '4' } : extraEnv;
  const config = loadConfig({ STEWARD_DB: path, LOG_LEVEL: 'silent', ...env });
  const db = openDatabase(path);
  const far = Date.now() + 3_600_000;
  const ids = fillAutomations(db, { count: n, capability: 'http_check', schedule: '* * * * *', nextRunAt: () => far, inputs: (i) => ({ url: urlOf(i, hosts, target.port) }) });
  // The fetch policy as configured (private addresses refused), except that the benchmark's
  // hosts count as public: as the tests let their fixtures through. The fetcher the engine makes
  // by default (the safe fetcher in the fetch worker's thread), or with FETCH_IN_MAIN_THREAD=1
  // the same safe fetcher on the main thread, as before the fetch worker.
  const fetchPolicy = { ...DEFAULT_FETCH_POLICY, allowPrivate: false, timeoutMs: config.FETCH_TIMEOUT_SECONDS * 1000, maxPerHost: config.MAX_CONCURRENT_PER_HOST };
  const hooks = { publicSubnets: ['127.0.1.0/24'] };
  const inWorker = process.env.FETCH_IN_MAIN_THREAD !== '1';
  const safe = inWorker ? createWorkerFetcher(fetchPolicy, { hooks }) : createSafeFetcher(fetchPolicy, hookedOptions(hooks));
  let lastAnswer = 0;
  const fetcher: Fetcher = async (url, options) => {
    const response = await safe(url, options);
    lastAnswer = preciseNow();
    return response;
  };
  // The engine's clock runs ahead so that the slot falls on a minute boundary: the every-minute
  // schedule's next slot is then a whole minute after it, as in use (a burst that outlasts its
  // minute shows as runs skipped by min_interval, not as an artefact of where the slot fell).
  // For the next burst the clock moves on to that next slot.
  let offset = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offset), setTimer: systemClock.setTimer, clearTimer: systemClock.clearTimer };
  const engine = new Engine({ config, logger: silentLogger, sink: nullSink, db, clock, fetcher: Object.assign(fetcher, { refusal: safe.refusal }) });
  let recorded = 0;
  let lastRecorded = 0;
  const original = engine.dispatcher.dispatch.bind(engine.dispatcher);
  engine.dispatcher.dispatch = (automationId, trigger, options) =>
    original(automationId, trigger, options).then((report) => {
      recorded++;
      lastRecorded = preciseNow();
      return report;
    });
  engine.start();
  // As the engine does with its own fetch worker: the thread loads once the scheduler is armed.
  if (inWorker) (safe as WorkerFetcher).warm();
  await sleep(1_000);

  const actor = { userId: 'user-0', guildId: 'guild-1', manager: false };
  const hers = ids.filter((_, i) => i % 200 === 0); // fillAutomations' owners: user-(i mod 200)
  const runs = db.prepare<[number], { runs: number; minInterval: number | null; notOk: number | null }>(
    `SELECT count(*) AS runs, sum(status = 'skipped_condition') AS minInterval, sum(status != 'succeeded') AS notOk FROM automation_run WHERE id > ?`,
  );
  const once = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM (SELECT automation_id FROM automation_run WHERE id > ? GROUP BY automation_id HAVING count(*) = 1)');
  const lastRunId = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM automation_run');

  /** One burst: every automation due at the slot `slotAt` (engine time), which falls LEAD_MS from now. */
  const burst = async (first: boolean): Promise<BurstFigures> => {
    const at = Date.now() + LEAD_MS + 200;
    if (first) {
      offset = Math.ceil(at / 60_000) * 60_000 - at;
      db.prepare('UPDATE automation SET next_run_at = ?').run(at + offset);
    } else {
      // Every automation's next slot is a minute after the last one: the clock moves there.
      const slot = db.prepare<[], { slot: number }>('SELECT min(next_run_at) AS slot FROM automation').get()!.slot;
      offset = slot - at;
    }
    engine.scheduler.wake();
    const runsBefore = lastRunId.get()!.id ?? 0;
    recorded = 0;
    const before = await target.count();
    const commandTimes: number[] = [];
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    await sleep(at - Date.now());
    histogram.enable();
    const cpuStart = process.cpuUsage();
    let going = true;
    // Commands asked during the burst, one every 20 ms: `/automation list`, then `show`.
    const commands = (async () => {
      for (let k = 0; going; k++) {
        const asked = preciseNow() + COMMAND_EVERY_MS;
        await sleep(COMMAND_EVERY_MS);
        if (!going) break;
        if (k % 2 === 0) engine.service.list(actor, { limit: 25 });
        else engine.service.inspect(actor, hers[k % hers.length]!);
        commandTimes.push(preciseNow() - asked);
      }
    })();
    const finished = await waitUntil(() => recorded >= n, 600_000, 2);
    going = false;
    log(`  burst from ${(at - performance.timeOrigin).toFixed(0)} to ${performance.now().toFixed(0)} ms after the process started (for --cpu-prof)`);
    const cpu = process.cpuUsage(cpuStart);
    histogram.disable();
    await commands;
    if (!finished) throw new Error(`only ${recorded} of ${n} runs were recorded`);
    const after = await target.count();
    const rows = runs.get(runsBefore)!;
    return {
      lastAnswerMs: lastAnswer - at,
      lastRecordedMs: lastRecorded - at,
      ratio: (lastAnswer - at) / delayMs,
      loop: loopFigures(histogram),
      commands: distribution(commandTimes),
      cpuMsPerCheck: (cpu.user + cpu.system) / 1000 / n,
      connections: after.connections - before.connections,
      requests: after.requests - before.requests,
      ranOnce: once.get(runsBefore)!.n,
      skippedMinInterval: rows.minInterval ?? 0,
      notSucceeded: rows.notOk ?? 0,
    };
  };
  const first = await burst(true);
  await target.closeIdle();
  const next = await burst(false);
  await engine.stop(5_000);
  await safe.close();
  target.stop();
  cleanup();
  return {
    variant,
    n,
    hosts,
    delayMs,
    concurrency: { total: config.MAX_CONCURRENT_RUNS, perHost: config.MAX_CONCURRENT_PER_HOST },
    first,
    next,
    load: loadavg()[0]!,
  };
}

/** The same requests by a bare undici loop: at most `total` in flight, `perHost` per host; twice, the hosts closing their idle connections in between. */
async function measureLimit(n: number, hosts: number, delayMs: number, extraEnv: Record<string, string>): Promise<UptimeResult> {
  const target = await startHosts(hosts, delayMs);
  const config = loadConfig({ LOG_LEVEL: 'silent', ...extraEnv });
  const total = config.MAX_CONCURRENT_RUNS;
  const perHost = config.MAX_CONCURRENT_PER_HOST;
  const agent = new Agent();
  const limiter = new KeyedLimiter(perHost);
  const urls = Array.from({ length: n }, (_, i) => urlOf(i, hosts, target.port));
  const burst = async (): Promise<BurstFigures> => {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    const before = await target.count();
    const at = Date.now() + LEAD_MS;
    await sleep(at - Date.now());
    histogram.enable();
    const cpuStart = process.cpuUsage();
    let next = 0;
    let lastAnswer = 0;
    let ok = 0;
    const worker = async () => {
      while (next < urls.length) {
        const url = urls[next++]!;
        const release = await limiter.acquire(new URL(url).hostname);
        try {
          const response = await request(url, { dispatcher: agent });
          await response.body.arrayBuffer();
          if (response.statusCode === 200) ok++;
          lastAnswer = preciseNow();
        } finally {
          release();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(total, n) }, worker));
    const cpu = process.cpuUsage(cpuStart);
    histogram.disable();
    const after = await target.count();
    return {
      lastAnswerMs: lastAnswer - at,
      lastRecordedMs: lastAnswer - at,
      ratio: (lastAnswer - at) / delayMs,
      loop: loopFigures(histogram),
      commands: distribution([]),
      cpuMsPerCheck: (cpu.user + cpu.system) / 1000 / n,
      connections: after.connections - before.connections,
      requests: after.requests - before.requests,
      ranOnce: ok,
      skippedMinInterval: 0,
      notSucceeded: n - ok,
    };
  };
  const first = await burst();
  await target.closeIdle();
  const next = await burst();
  await agent.close();
  target.stop();
  return { variant: 'limit', n, hosts, delayMs, concurrency: { total, perHost }, first, next, load: loadavg()[0]! };
}

/**
 * One measurement; `env` adds settings (`MAX_CONCURRENT_RUNS`, `MAX_CONCURRENT_PER_HOST`) to
 * `steward` and to `limit` alike (`single` is always 4 slots).
 */
export async function measureUptime(variant: UptimeVariant, n: number, hosts: number, delayMs: number, env: Record<string, string> = {}): Promise<UptimeResult> {
  const result = variant === 'limit' ? await measureLimit(n, hosts, delayMs, env) : await measureSteward(variant, n, hosts, delayMs, env);
  for (const [minute, b] of [['first', result.first], ['next', result.next]] as const) {
    log(
      `  uptime ${variant} ${n}, ${minute} minute: last answer ${b.lastAnswerMs.toFixed(0)} ms (${b.ratio.toFixed(1)}×), recorded ${b.lastRecordedMs.toFixed(0)} ms, ` +
        `loop p99 ${b.loop.p99.toFixed(1)} ms, commands p99 ${b.commands.p99.toFixed(1)} ms (${b.commands.n}), ` +
        `${b.cpuMsPerCheck.toFixed(2)} ms CPU/check, ${b.connections} connections, ${b.ranOnce} ran once, ${b.skippedMinInterval} skipped, ${b.notSucceeded} not ok`,
    );
  }
  log(`  load ${result.load.toFixed(1)}`);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const variant = arg('variant', 'steward') as UptimeVariant;
  const env = Object.fromEntries(arg('env', '').split(',').filter(Boolean).map((pair) => pair.split('=') as [string, string]));
  emitResult(await measureUptime(variant, Number(arg('n', '2000')), Number(arg('hosts', '250')), Number(arg('delay-ms', '200')), env));
}
