/**
 * A chart as data, neutral of the library that draws it: what a worker thread receives to draw a
 * PNG (see draw.ts). Everything in it is plain data, so it crosses the thread boundary as it is.
 */

/** One run's value: when it ran (epoch ms) and the number watched; `flagged` marks it (a down check). */
export interface ChartPoint {
  at: number;
  value: number;
  flagged?: boolean;
}

/** How the numbers of the value axis are written. */
export type ValueFormat = { style: 'currency'; currency: string } | { style: 'number'; unit: string | null; integer: boolean };

export interface ChartSpec {
  /** A line (price, latency) or bars (new items per run). */
  kind: 'line' | 'bars';
  /** The headline drawn above the chart ("Price of Kettle, last 30 runs"). */
  title: string;
  /** The value axis, with its unit or currency ("Price (USD)", "Latency (ms)"). */
  valueTitle: string;
  valueFormat: ValueFormat;
  /** The time zone the time axis is written in (IANA name), named under it. */
  timeZone: string;
  /** Oldest first. */
  points: ChartPoint[];
  /** What the line or bars are called in the legend ("Price"). */
  seriesLabel: string;
  /** What flagged points are called in the legend ("Down"); null when none can be. */
  flaggedLabel: string | null;
  /** A horizontal line (the alert's threshold), with its legend text ("Alert: price < $100.00"). */
  threshold: { value: number; label: string } | null;
  width: number;
  height: number;
}

/** How every chart file's name ends (`price-chart.png`): what tells a message's chart from other files. */
export const CHART_FILE_SUFFIX = '-chart.png';

/** The size of every chart: wide enough to read at Discord's embed width, small enough to stay well under 200 KB. */
export const CHART_SIZE = { width: 800, height: 400 } as const;

/** Colours chosen for Discord's dark theme (its embed background, text and accent colours). */
export const CHART_COLOURS = {
  background: '#2b2d31',
  text: '#dbdee1',
  muted: '#949ba4',
  grid: '#3f4147',
  series: '#00a8fc',
  seriesFill: 'rgba(0, 168, 252, 0.15)',
  flagged: '#ed4245',
  threshold: '#fee75c',
} as const;
