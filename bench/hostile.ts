/**
 * Scenario 6, hostile pages: what a page or selector built to be expensive does to the main
 * event loop, before (the work done on the loop, as page_watch did it) and after (the real
 * engine: fetched by the safe fetcher, read in a content worker, the run's time limit
 * terminating it). Loop delay is `monitorEventLoopDelay` (10 ms resolution) over the whole run.
 * Also the cost the pool adds to one ordinary page: a warm worker round trip against the same
 * extraction on the loop.
 *
 *   npx tsx bench/hostile.ts [--runs 200]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { load } from 'cheerio';
import { ContentWorkers } from '../src/capabilities/content/pool.js';
import { extractPage } from '../src/capabilities/skills/page-extract.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { Engine } from '../src/engine.js';
import { silentLogger } from '../src/logger.js';
import { serve } from '../test/support/http-fixture.js';
import { arg, emitResult, log, median, nullSink, tempDir } from './support.js';

export interface HostileCase {
  name: string;
  /** Before: the synchronous work on the loop, ms, and the loop's delay meanwhile. */
  before: { blockedMs: number; p99Ms: number; maxMs: number };
  /** After: the run through the engine, how it ended, and the loop's delay meanwhile. */
  after: { runMs: number; outcome: string; error: string | null; p99Ms: number; maxMs: number };
}

export interface HostileResult {
  runTimeoutSeconds: number;
  /** The loop's delay over 2 s with nothing to do (the floor: the 10 ms resolution plus this machine's noise). */
  idle: { p99Ms: number; maxMs: number };
  cases: HostileCase[];
  /** One ordinary product page (the JSON-LD fixture): extraction on the loop vs through a warm worker, median ms. */
  overhead: { inlineMs: number; workerMs: number; addedMs: number; runs: number };
}

const RUN_TIMEOUT_SECONDS = 2;
const kettle = readFileSync(join(import.meta.dirname, '../test/fixtures/pages/product-jsonld.html'), 'utf8');
const CASES = [
  { name: '`z ~ i ~ i ~ i` on 300 `<i>` (2 KB)', path: '/siblings', body: `<html><body>${'<i>x</i>'.repeat(300)}</body></html>`, selector: 'z ~ i ~ i ~ i' },
  { name: '15,000 unclosed `<div>` (90 KB)', path: '/unclosed', body: `<html><body>${'<div>x'.repeat(15_000)}`, selector: 'div' },
  { name: '5 MB page of 625,000 `<i>`', path: '/huge', body: `<html><body>${'<i>x</i>'.repeat(625_000)}</body></html>`, selector: 'i' },
];

async function loopDelay<T>(work: () => Promise<T> | T): Promise<{ value: T; ms: number; p99Ms: number; maxMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const start = performance.now();
  const value = await work();
  const ms = performance.now() - start;
  await new Promise((resolve) => setTimeout(resolve, 50)); // the delay a blocked loop caused is recorded at its next turn
  histogram.disable();
  return { value, ms, p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 };
}

const runs = Number(arg('runs', '200'));
const { dir, cleanup } = tempDir();
// Bodies encoded once: the fixture server shares the loop being measured.
const pages: [string, Buffer][] = [...CASES.map((c) => [c.path, Buffer.from(c.body)] as [string, Buffer]), ['/kettle', Buffer.from(kettle)]];
const site = await serve(Object.fromEntries(pages.map(([path, body]) => [path, (_: unknown, res: import('node:http').ServerResponse) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body)])));
const db = openDatabase(join(dir, 'steward.db'));
const engine = new Engine({
  config: loadConfig({ STEWARD_DB: join(dir, 'steward.db'), RUN_TIMEOUT_SECONDS: String(RUN_TIMEOUT_SECONDS), ALLOW_PRIVATE_URLS: 'true', LOG_LEVEL: 'silent' }),
  logger: silentLogger,
  sink: nullSink,
  db,
});
const actor = { userId: 'bench', guildId: 'g1', manager: false };
const cases: HostileCase[] = [];
const idle = await loopDelay(() => new Promise((resolve) => setTimeout(resolve, 2_000)));
try {
  // Warm one worker, so "after" measures the work, not a thread's start.
  const warm = engine.service.create(actor, { name: 'warm', capability: 'page_watch', schedule: 'manual', inputs: { url: site.url('/kettle') } });
  await engine.service.runNow(actor, warm.id);

  for (const c of CASES) {
    log(`hostile: ${c.name}`);
    await engine.service.runNow(actor, warm.id); // a warm worker again (the last case may have had its worker terminated)
    // Before: page_watch's old extraction (parse, then the selector's first match) on the loop; a
    // page nested too deep for the text walk threw only after the parse had held the loop.
    const before = await loopDelay(() => {
      try {
        return load(c.body)(c.selector).first().text();
      } catch (error) {
        return (error as Error).message;
      }
    });
    globalThis.gc?.(); // the old way's DOM is garbage now: collect it here, not during the next measurement
    // After: the same automation through the engine. A selector outside the grammar is refused at create;
    // to show what its run does, it is written to the database as an automation saved before the grammar was.
    const a = engine.service.create(actor, { name: c.path.slice(1), capability: 'page_watch', schedule: 'manual', inputs: { url: site.url(c.path) } });
    db.prepare('UPDATE automation SET inputs = ? WHERE id = ?').run(JSON.stringify({ url: site.url(c.path), selector: c.selector }), a.id);
    const after = await loopDelay(() => engine.service.runNow(actor, a.id));
    cases.push({
      name: c.name,
      before: { blockedMs: before.ms, p99Ms: before.p99Ms, maxMs: before.maxMs },
      after: { runMs: after.ms, outcome: after.value.outcome, error: after.value.error, p99Ms: after.p99Ms, maxMs: after.maxMs },
    });
  }
} finally {
  await engine.stop(5_000);
}

// Pool overhead on an ordinary page: a warm worker round trip against extraction on the loop.
const workers = new ContentWorkers({ size: 1 });
const body = Buffer.from(kettle);
const task = { body, contentType: 'text/html; charset=utf-8', url: 'https://shop.example/kettle', selector: '#stock' };
await workers.run('page', task, new AbortController().signal);
const inline: number[] = [];
const viaWorker: number[] = [];
for (let i = 0; i < runs; i++) {
  let start = performance.now();
  extractPage(kettle, task.url, task.selector);
  inline.push(performance.now() - start);
  start = performance.now();
  await workers.run('page', task, new AbortController().signal);
  viaWorker.push(performance.now() - start);
}
await workers.close();
await site.close();
cleanup();

const inlineMs = median(inline);
const workerMs = median(viaWorker);
const result: HostileResult = { runTimeoutSeconds: RUN_TIMEOUT_SECONDS, idle: { p99Ms: idle.p99Ms, maxMs: idle.maxMs }, cases, overhead: { inlineMs, workerMs, addedMs: workerMs - inlineMs, runs } };
emitResult(result);
