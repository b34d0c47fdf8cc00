/**
 * Draws a {@link ChartSpec} as a PNG with Chart.js on @napi-rs/canvas (Skia, prebuilt in the npm
 * package: no browser, no system libraries), in the bundled DejaVu Sans so that it looks the same on
 * every machine. It blocks for tens of milliseconds: call it in a worker thread (content worker
 * task `chart`), never on the main thread.
 */
import { join } from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import {
  BarController,
  BarElement,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Title,
  type ChartConfiguration,
  type ChartDataset,
  type ChartItem,
  type Plugin,
} from 'chart.js';
import { formatPrice } from '../capabilities/price-words.js';
import { PROJECT_ROOT } from '../util/project-root.js';
import { CHART_COLOURS as C, type ChartSpec, type ValueFormat } from './spec.js';

const FONT_FAMILY = 'Steward Sans';
const FONT_FILE = join(PROJECT_ROOT, 'assets/fonts/DejaVuSans.ttf');

let ready = false;
function setUp(): void {
  if (ready) return;
  if (!GlobalFonts.registerFromPath(FONT_FILE, FONT_FAMILY)) throw new Error(`cannot load the chart font ${FONT_FILE}`);
  Chart.register(LineController, BarController, ScatterController, LineElement, PointElement, BarElement, LinearScale, Legend, Title);
  Chart.defaults.font.family = FONT_FAMILY;
  Chart.defaults.color = C.text;
  ready = true;
}

/** Fills the whole picture with Discord's embed background first (a PNG is transparent otherwise). */
const background: Plugin = {
  id: 'stewardBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = C.background;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** A value as the value axis writes it: `$89.99`, `120 ms`, `3`. */
export function formatValue(value: number, format: ValueFormat): string {
  if (format.style === 'currency') return formatPrice(value, format.currency);
  const text = new Intl.NumberFormat('en-US', { maximumFractionDigits: format.integer ? 0 : 2 }).format(value);
  return format.unit ? `${text} ${format.unit}` : text;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Steps of the time axis, so that its ticks fall on whole minutes, hours or days. */
const TIME_STEPS = [MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY];
const MAX_TIME_TICKS = 6;

/** Ticks from `min` to `max` on whole steps (at most six; a zone's offset of whole hours keeps hours and days whole in it too). */
export function timeTicks(min: number, max: number): number[] {
  const span = Math.max(max - min, 1);
  const step = TIME_STEPS.find((s) => span / s <= MAX_TIME_TICKS) ?? Math.ceil(span / MAX_TIME_TICKS / DAY) * DAY;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) ticks.push(t);
  return ticks;
}

/** How the time axis writes an instant in `timeZone`: times of day over a day, weekday and time over a week, dates beyond. */
export function timeLabeller(spanMs: number, timeZone: string): (at: number) => string {
  const options: Intl.DateTimeFormatOptions =
    spanMs <= 24 * HOUR
      ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : spanMs <= 7 * 24 * HOUR
        ? { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
        : { day: 'numeric', month: 'short' };
  const format = new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
  return (at) => format.format(at);
}

/** The Chart.js configuration for `spec` (exported for the benchmark and tests; {@link drawChart} draws it). */
export function chartConfig(spec: ChartSpec): ChartConfiguration {
  const points = spec.points.map((p) => ({ x: p.at, y: p.value }));
  const first = spec.points[0]?.at ?? 0;
  const last = spec.points.at(-1)?.at ?? first;
  const label = timeLabeller(last - first, spec.timeZone);
  const dense = spec.points.length > 60;
  const datasets: ChartDataset[] = [];
  if (spec.kind === 'line') {
    datasets.push({
      type: 'line',
      label: spec.seriesLabel,
      data: points,
      borderColor: C.series,
      backgroundColor: C.series,
      borderWidth: 4,
      // A flagged run is drawn by its own marker (below), not hidden under the line's dot.
      pointRadius: (ctx) => (dense || spec.points[ctx.dataIndex]?.flagged ? 0 : 5),
      tension: 0,
      order: 2,
    });
  } else {
    datasets.push({ type: 'bar', label: spec.seriesLabel, data: points, backgroundColor: C.series, borderWidth: 0, order: 2, barPercentage: 0.9, categoryPercentage: 1 });
  }
  if (spec.flaggedLabel !== null) {
    const flagged = spec.points.filter((p) => p.flagged).map((p) => ({ x: p.at, y: p.value }));
    datasets.push({ type: 'scatter', label: spec.flaggedLabel, data: flagged, backgroundColor: C.flagged, borderColor: C.background, borderWidth: 1, pointRadius: 11, pointStyle: 'triangle', order: 1 });
  }
  if (spec.threshold) {
    const y = spec.threshold.value;
    datasets.push({
      type: 'line',
      label: spec.threshold.label,
      data: [
        { x: first, y },
        { x: last, y },
      ],
      borderColor: C.threshold,
      backgroundColor: C.threshold,
      borderWidth: 3,
      borderDash: [14, 8],
      pointRadius: 0,
      pointStyle: 'line',
      order: 0,
    });
  }
  // Half a bar's slot on each side for bars; for lines, room for the first and last points' dots.
  const pad = spec.kind === 'bars' && spec.points.length > 1 ? (last - first) / (spec.points.length - 1) / 2 : (last - first) * 0.02;
  return {
    type: spec.kind === 'line' ? 'line' : 'bar',
    data: { datasets },
    plugins: [background],
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      parsing: false,
      normalized: true,
      layout: { padding: { top: 8, right: 40, bottom: 8, left: 8 } },
      plugins: {
        title: { display: true, text: spec.title, color: C.text, font: { size: 26, weight: 'bold' }, padding: { bottom: 10 } },
        legend: { display: true, position: 'bottom', labels: {
            color: C.text,
            font: { size: 21 },
            usePointStyle: true,
            pointStyleWidth: 36,
            boxHeight: 12,
            padding: 20,
            // The series as what it is drawn as (a line, bars), the threshold as its dashed line, a flagged run as its marker.
            generateLabels: (chart) =>
              Chart.defaults.plugins.legend.labels.generateLabels(chart).map((item) => (item.datasetIndex === 0 ? { ...item, pointStyle: spec.kind === 'line' ? 'line' : 'rect', lineWidth: 4 } : item)),
          } },
      },
      scales: {
        x: {
          type: 'linear',
          min: first - pad,
          max: last + pad,
          offset: false,
          grid: { color: C.grid },
          border: { color: C.grid },
          afterBuildTicks: (axis) => {
            axis.ticks = timeTicks(axis.min, axis.max).map((value) => ({ value }));
          },
          ticks: { color: C.muted, font: { size: 20 }, maxRotation: 0, autoSkip: false, callback: (value) => label(Number(value)) },
          title: { display: true, text: `Time (${spec.timeZone})`, color: C.muted, font: { size: 20 } },
        },
        y: {
          type: 'linear',
          ...(spec.kind === 'bars' || spec.valueFormat.style === 'number' ? { beginAtZero: true } : {}),
          grace: '8%', // the highest bar or point is not cut by the top edge
          grid: { color: C.grid },
          border: { color: C.grid },
          ticks: {
            color: C.muted,
            font: { size: 20 },
            maxTicksLimit: 6,
            ...(spec.valueFormat.style === 'number' && spec.valueFormat.integer ? { precision: 0 } : {}),
            callback: (value) => formatValue(Number(value), spec.valueFormat),
          },
          title: { display: true, text: spec.valueTitle, color: C.muted, font: { size: 20 } },
        },
      },
    },
  };
}

/** The PNG of `spec`, `spec.width` × `spec.height` pixels. Throws when the chart cannot be drawn. */
export function drawChart(spec: ChartSpec): Uint8Array {
  setUp();
  const canvas = createCanvas(spec.width, spec.height);
  const context = canvas.getContext('2d');
  // Chart.js draws on any object with the 2D context's methods; Skia's context is one.
  const chart = new Chart(context as unknown as ChartItem, chartConfig(spec));
  try {
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}
