/**
 * What a chart of an automation shows, as its capability reads its runs: each capability that
 * watches a number supplies a {@link ChartReader} (page_watch the price, http_check the latency,
 * feed_watch the new items per run); {@link chartPlan} turns its series into a {@link ChartSpec},
 * or says why there is no chart.
 */
import type { Condition } from '../automations/alerts/condition.js';
import type { JsonObject, RunStatus } from '../automations/types.js';
import { CHART_SIZE, type ChartSpec } from './spec.js';

/** One run as a chart reader sees it. */
export interface ChartRun {
  at: Date;
  status: RunStatus;
  output: JsonObject | null;
}

/** What a reader knows besides the runs. */
export interface ChartContext {
  /** The automation's name. */
  name: string;
  condition: Condition | null;
}

/** A capability's series: the chart without its title, zone and size. */
export type ChartSeries = Pick<ChartSpec, 'kind' | 'valueTitle' | 'valueFormat' | 'points' | 'seriesLabel' | 'flaggedLabel' | 'threshold'> & {
  /** What is charted, for the title ("Price of Kettle Pro"). */
  subject: string;
  /** What a point is, for "needs two runs with a price" ("a price", "a latency"). */
  pointNoun: string;
};

/** How a capability's runs become a series; runs come oldest first. */
export interface ChartReader {
  series(runs: readonly ChartRun[], context: ChartContext): ChartSeries;
  /** Alerts carry the chart too (page_watch: the price with its threshold). */
  withAlerts?: boolean;
}

/** The fewest points a chart is drawn for. */
export const MIN_CHART_POINTS = 2;
/** The most recent runs a chart covers. */
export const CHART_RUNS = 500;

/** A chart to draw, or why there is none (in words for the person asking; null when there is nothing to say: the capability charts no number). */
export type ChartPlan = { spec: ChartSpec; reason: null } | { spec: null; reason: string | null };

/**
 * The chart of `runs` (oldest first) as `reader` reads them, in `timeZone`; no chart (and nothing
 * to say) for a capability without a reader, none with fewer than {@link MIN_CHART_POINTS} points.
 */
export function chartPlan(reader: ChartReader | undefined, runs: readonly ChartRun[], context: ChartContext, timeZone: string): ChartPlan {
  if (!reader) return { spec: null, reason: null };
  const series = reader.series(runs, context);
  const n = series.points.length;
  if (n < MIN_CHART_POINTS) {
    return { spec: null, reason: `A chart needs ${MIN_CHART_POINTS} runs with ${series.pointNoun}; ${n === 0 ? 'there is none' : 'there is 1'} so far.` };
  }
  const { subject, pointNoun: _noun, ...drawn } = series;
  return { spec: { ...drawn, title: `${subject}, last ${n} runs`, timeZone, ...CHART_SIZE }, reason: null };
}

/** The threshold a condition sets on `field` (its first `<`, `<=`, `>`, `>=` against a number), or null. */
export function thresholdOf(condition: Condition | null, field: string): { op: '<' | '<=' | '>' | '>='; value: number } | null {
  if (condition === null) return null;
  if ('all_of' in condition || 'any_of' in condition) {
    for (const part of 'all_of' in condition ? condition.all_of : condition.any_of) {
      const found = thresholdOf(part, field);
      if (found) return found;
    }
    return null;
  }
  if (condition.field !== field || condition.op === 'exists' || typeof condition.value !== 'number') return null;
  return condition.op === '<' || condition.op === '<=' || condition.op === '>' || condition.op === '>=' ? { op: condition.op, value: condition.value } : null;
}

/** A number from an output field, or null. */
export function numberAt(output: JsonObject | null, field: string): number | null {
  const value = output?.[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
