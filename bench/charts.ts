/**
 * Chart rendering: the time to draw one chart of 500 points as a PNG, and the PNG's size, for the
 * renderer Steward uses (Chart.js on @napi-rs/canvas, src/charts/draw.ts) and, when it is
 * installed, the candidate it was chosen against (vega-lite → vega SVG → @resvg/resvg-js; install
 * with `npm install --no-save vega-lite@~6.4 vega @resvg/resvg-js` to compare). Also the whole trip
 * through a content worker thread (what `/automation show` and an alert wait for).
 *
 *   npx tsx bench/charts.ts [--points 500] [--renders 200]
 */
import { fileURLToPath } from 'node:url';
import { ContentWorkers } from '../src/capabilities/content/pool.js';
import { chartConfig, drawChart, formatValue, timeLabeller } from '../src/charts/draw.js';
import { CHART_COLOURS, CHART_SIZE, type ChartSpec } from '../src/charts/spec.js';
import { arg, distribution, emitResult, log, type Distribution } from './support.js';

export interface ChartsResult {
  points: number;
  renders: number;
  candidates: { name: string; render: Distribution | null; pngBytes: number | null; note: string | null }[];
  /** Main thread → content worker → PNG back, Chart.js. */
  throughWorker: Distribution;
}

const points = Number(arg('points', '500'));
const renders = Number(arg('renders', '200'));

/** A price over `n` runs, 4 a day, with the alert's threshold: the largest chart Steward draws. */
function priceSpec(n: number): ChartSpec {
  const start = Date.UTC(2026, 5, 1);
  return {
    kind: 'line',
    title: `Price of Kettle Pro 2000, last ${n} runs`,
    valueTitle: 'Price (EUR)',
    valueFormat: { style: 'currency', currency: 'EUR' },
    timeZone: 'Europe/Berlin',
    points: Array.from({ length: n }, (_, i) => ({ at: start + i * 6 * 3_600_000, value: Math.round((110 + 12 * Math.sin(i / 9) + 4 * Math.sin(i * 1.7)) * 100) / 100 })),
    seriesLabel: 'Price',
    flaggedLabel: null,
    threshold: { value: 100, label: 'Alert when price < 100,00 €' },
    ...CHART_SIZE,
  };
}

function timed(work: () => number | Promise<number>): Promise<{ ms: number[]; bytes: number }> {
  return (async () => {
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) await work(); // warm up: fonts, JIT
    for (let i = 0; i < renders; i++) {
      const t = performance.now();
      bytes = await work();
      ms.push(performance.now() - t);
    }
    return { ms, bytes };
  })();
}

/** The vega-lite candidate, drawn the same way (same size, colours, font, labels); null when its packages are not installed. */
async function vegaRenderer(): Promise<((spec: ChartSpec) => Promise<number>) | null> {
  let vl: { compile: (spec: unknown) => { spec: unknown } };
  let vega: { View: new (runtime: unknown, options: unknown) => { toSVG(): Promise<string>; finalize(): void }; parse: (spec: unknown) => unknown };
  let Resvg: new (svg: string, options: unknown) => { render(): { asPng(): Uint8Array } };
  try {
    const names = ['vega-lite', 'vega', '@resvg/resvg-js'];
    const [a, b, c] = await Promise.all(names.map((n) => import(n) as Promise<Record<string, unknown>>));
    vl = a as unknown as typeof vl;
    vega = b as unknown as typeof vega;
    Resvg = (c as { Resvg: typeof Resvg }).Resvg;
  } catch {
    return null;
  }
  const font = fileURLToPath(new URL('../assets/fonts/DejaVuSans.ttf', import.meta.url));
  const C = CHART_COLOURS;
  return async (spec) => {
    const first = spec.points[0]!.at;
    const label = timeLabeller(spec.points.at(-1)!.at - first, spec.timeZone);
    // vega formats times in UTC or the process's zone only: the labels are written here, in the spec's zone, as Chart.js's are.
    const values = spec.points.map((p) => ({ at: p.at, value: p.value, label: label(p.at), price: formatValue(p.value, spec.valueFormat) }));
    const lite = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: spec.width - 110,
      height: spec.height - 110,
      background: C.background,
      title: { text: spec.title, color: C.text, fontSize: 20 },
      config: { font: 'DejaVu Sans', axis: { labelColor: C.muted, titleColor: C.muted, gridColor: C.grid, domainColor: C.grid, labelFontSize: 14, titleFontSize: 14 }, view: { stroke: null } },
      layer: [
        {
          data: { values },
          mark: { type: 'line', color: C.series, strokeWidth: 3 },
          encoding: {
            x: { field: 'at', type: 'quantitative', title: `Time (${spec.timeZone})`, axis: { labelExpr: 'datum.value', tickCount: 8 }, scale: { zero: false } },
            y: { field: 'value', type: 'quantitative', title: spec.valueTitle, scale: { zero: false } },
          },
        },
        { data: { values: [{ y: spec.threshold!.value }] }, mark: { type: 'rule', color: C.threshold, strokeDash: [10, 6], strokeWidth: 2 }, encoding: { y: { field: 'y', type: 'quantitative' } } },
      ],
    };
    const view = new vega.View(vega.parse(vl.compile(lite).spec), { renderer: 'none' });
    const svg = await view.toSVG();
    view.finalize();
    const png = new Resvg(svg, { font: { fontFiles: [font], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
    return png.length;
  };
}

const spec = priceSpec(points);
chartConfig(spec); // fail early on a bad spec
log(`charts: ${renders} renders of ${points} points each`);
const chartjs = await timed(() => drawChart(spec).length);
const candidates: ChartsResult['candidates'] = [{ name: 'Chart.js 4 + @napi-rs/canvas (chosen)', render: distribution(chartjs.ms), pngBytes: chartjs.bytes, note: null }];
const vega = await vegaRenderer();
if (vega) {
  const result = await timed(() => vega(spec));
  candidates.push({ name: 'vega-lite 6.4 + vega + @resvg/resvg-js', render: distribution(result.ms), pngBytes: result.bytes, note: null });
} else {
  candidates.push({ name: 'vega-lite 6.4 + vega + @resvg/resvg-js', render: null, pngBytes: null, note: 'not installed (npm install --no-save vega-lite@~6.4 vega @resvg/resvg-js to compare)' });
}

const workers = new ContentWorkers({ size: 1 });
const trip = await timed(async () => (await workers.run('chart', spec, AbortSignal.timeout(10_000))).length);
await workers.close();

emitResult({ points, renders, candidates, throughWorker: distribution(trip.ms) } satisfies ChartsResult);
