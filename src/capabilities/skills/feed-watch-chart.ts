/** feed_watch's chart: how many new items each run found. */
import { numberAt, type ChartReader } from '../../charts/series.js';

export const feedWatchChart: ChartReader = {
  series(runs, context) {
    const points = runs
      .filter((r) => r.status === 'succeeded' && numberAt(r.output, 'count') !== null)
      .map((r) => ({ at: r.at.getTime(), value: numberAt(r.output, 'count')! }));
    return {
      kind: 'bars',
      subject: `New items in ${context.name}`,
      pointNoun: 'a count of new items',
      valueTitle: 'New items per run',
      valueFormat: { style: 'number', unit: null, integer: true },
      points,
      seriesLabel: 'New items',
      flaggedLabel: null,
      threshold: null,
    };
  },
};
