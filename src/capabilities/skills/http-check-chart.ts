/** http_check's chart: the latency of each check, the checks that found the site down marked in red. */
import { numberAt, thresholdOf, type ChartReader } from '../../charts/series.js';

export const httpCheckChart: ChartReader = {
  series(runs, context) {
    const points = runs
      .filter((r) => r.status === 'succeeded' && typeof r.output?.ok === 'boolean')
      // A check that got no answer has no latency: it is drawn at 0 ms, marked down.
      .map((r) => ({ at: r.at.getTime(), value: numberAt(r.output, 'latency_ms') ?? 0, flagged: r.output!.ok === false }));
    const threshold = thresholdOf(context.condition, 'latency_ms');
    return {
      kind: 'line',
      subject: `Latency of ${context.name}`,
      pointNoun: 'a latency',
      valueTitle: 'Latency (ms)',
      valueFormat: { style: 'number', unit: 'ms', integer: true },
      points,
      seriesLabel: 'Latency',
      flaggedLabel: 'Down',
      threshold: threshold ? { value: threshold.value, label: `Alert when latency ${threshold.op} ${threshold.value} ms` } : null,
    };
  },
};
