/** page_watch's chart: the price over the runs, in the latest price's currency, with the alert's price threshold as a line. */
import { numberAt, thresholdOf, type ChartReader } from '../../charts/series.js';
import { formatPrice } from '../price-words.js';

const currencyOf = (output: Record<string, unknown> | null): string | null => (typeof output?.currency === 'string' ? output.currency : null);

export const pageWatchChart: ChartReader = {
  withAlerts: true,
  series(runs, context) {
    const priced = runs.filter((r) => r.status === 'succeeded' && numberAt(r.output, 'price') !== null);
    const latest = priced.at(-1)?.output ?? null;
    const currency = currencyOf(latest);
    // A price in another currency (the shop changed it) is not on the same axis.
    const points = priced.filter((r) => currencyOf(r.output) === currency).map((r) => ({ at: r.at.getTime(), value: numberAt(r.output, 'price')! }));
    const threshold = thresholdOf(context.condition, 'price');
    const title = typeof latest?.title === 'string' && latest.title.trim() ? latest.title.trim().slice(0, 80) : context.name;
    return {
      kind: 'line',
      subject: `Price of ${title}`,
      pointNoun: 'a price',
      valueTitle: currency ? `Price (${currency})` : 'Price',
      valueFormat: currency ? { style: 'currency', currency } : { style: 'number', unit: null, integer: false },
      points,
      seriesLabel: 'Price',
      flaggedLabel: null,
      threshold: threshold ? { value: threshold.value, label: `Alert when price ${threshold.op} ${formatPrice(threshold.value, currency)}` } : null,
    };
  },
};
