/**
 * Scenario 8, real shops: page_watch's extraction on the 140 saved product pages of the shared
 * pages corpus (scrapinghub's product-extraction-benchmark, with its ground truth and three other
 * extractors' published outputs) and on price-parser's 1,163 price strings, scored by the corpus's
 * own runner (`run.mjs`, which this script only runs and reads); then the time page_watch takes
 * on the corpus's pages of about 1 MB, through a warm content worker (the skill's real path:
 * decode, parse, extract) and on the loop.
 *
 *   npx tsx bench/shops.ts [--corpus ../shared/pages-corpus] [--runs 30]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ContentWorkers } from '../src/capabilities/content/pool.js';
import { decodeBody } from '../src/capabilities/http/decode-body.js';
import { extractPage } from '../src/capabilities/skills/page-extract.js';
import { arg, emitResult, log, median } from './support.js';

/** One extractor's score on the corpus, as the runner prints it. */
export interface ShopsScore {
  extractor: string;
  price: [number, number];
  currency: [number, number];
  /** In stock with null read as in stock (the benchmark's own rule). */
  inStock: [number, number];
}

export interface ShopsResult {
  /** Why the scenario did not run (no corpus beside the checkout); absent when it ran. */
  skipped?: string;
  pages: ShopsScore[];
  /** Price strings: Steward's parsePriceText and price-parser on the text alone. */
  strings: { extractor: string; amount: [number, number]; currency: [number, number] }[];
  /** Extraction of each page of 0.9–1.1 MB: median ms through a warm worker and on the loop. */
  timing: { page: string; bytes: number; workerMs: number; inlineMs: number }[];
  runs: number;
}

const ROOT = join(import.meta.dirname, '..');
/** Where the extraction lives: page-watch.ts no longer re-exports it (the main thread does not load cheerio). */
const EXTRACTION_MODULE = 'src/capabilities/skills/page-extract.ts';
const corpus = resolve(ROOT, arg('corpus', process.env.PAGES_CORPUS ?? '../shared/pages-corpus'));
const runs = Number(arg('runs', '30'));

const pair = (a: string, b: string): [number, number] => [Number(a), Number(b)];

/** The runner's report, read line by line: the extractors' table and the price-string scores. */
function score(): Pick<ShopsResult, 'pages' | 'strings'> {
  const report = execFileSync(process.execPath, [join(corpus, 'run.mjs'), ROOT, '--module', EXTRACTION_MODULE], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const pages: ShopsScore[] = [];
  const strings: ShopsResult['strings'] = [];
  const table = report.slice(report.indexOf('other extractors'));
  for (const m of table.matchAll(/^ {2}(\S.*?)\s{2,}price (\d+)\/(\d+).*?currency (\d+)\/(\d+).*?in_stock null=in stock (\d+)\/(\d+)/gm)) {
    pages.push({ extractor: m[1]!, price: pair(m[2]!, m[3]!), currency: pair(m[4]!, m[5]!), inStock: pair(m[6]!, m[7]!) });
  }
  const steward = /parsePriceText\(text\)\s+price (\d+)\/(\d+).*?currency (\d+)\/(\d+)/.exec(report);
  const parser = /price-parser, text alone\s+price (\d+)\/(\d+).*?currency[^\d]*(\d+)\/(\d+)/.exec(report);
  if (steward) strings.push({ extractor: 'Steward (parsePriceText)', amount: pair(steward[1]!, steward[2]!), currency: pair(steward[3]!, steward[4]!) });
  if (parser) strings.push({ extractor: 'price-parser (text alone)', amount: pair(parser[1]!, parser[2]!), currency: pair(parser[3]!, parser[4]!) });
  if (pages.length === 0) throw new Error(`could not read the runner's table:\n${report.slice(-2000)}`);
  return { pages, strings };
}

/** Median extraction time of the corpus's pages of about 1 MB, through a warm worker and on the loop. */
async function timing(): Promise<ShopsResult['timing']> {
  const cases = JSON.parse(readFileSync(join(corpus, 'cases.json'), 'utf8')) as { id: string; file: string; url: string }[];
  const pages = cases
    .map((c) => ({ c, body: gunzipSync(readFileSync(join(corpus, c.file))) }))
    .filter(({ body }) => body.length >= 900_000 && body.length <= 1_100_000);
  const workers = new ContentWorkers({ size: 1 });
  const out: ShopsResult['timing'] = [];
  try {
    for (const { c, body } of pages) {
      const task = { body, contentType: 'text/html; charset=utf-8', url: c.url };
      await workers.run('page', task, new AbortController().signal); // warm: the worker's modules loaded, the JIT past its first page
      const viaWorker: number[] = [];
      const inline: number[] = [];
      for (let i = 0; i < runs; i++) {
        let start = performance.now();
        await workers.run('page', task, new AbortController().signal);
        viaWorker.push(performance.now() - start);
        start = performance.now();
        extractPage(decodeBody(body, task.contentType), c.url);
        inline.push(performance.now() - start);
      }
      out.push({ page: `${c.id} (${new URL(c.url).hostname})`, bytes: body.length, workerMs: median(viaWorker), inlineMs: median(inline) });
      log(`shops: ${c.id} ${Math.round(body.length / 1024)} KB, worker ${median(viaWorker).toFixed(1)} ms`);
    }
  } finally {
    await workers.close();
  }
  return out;
}

if (!existsSync(join(corpus, 'run.mjs'))) {
  emitResult({ skipped: `no pages corpus at ${corpus} (give --corpus or PAGES_CORPUS)`, pages: [], strings: [], timing: [], runs } satisfies ShopsResult);
} else {
  log(`shops: scoring the corpus at ${corpus}`);
  const scores = score();
  emitResult({ ...scores, timing: await timing(), runs } satisfies ShopsResult);
}
