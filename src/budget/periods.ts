import type { BudgetPeriod } from '../errors.js';

/** The UTC day or month containing `at`: [start, end). */
export function periodBounds(period: BudgetPeriod, at: Date): { start: Date; end: Date; label: string } {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  if (period === 'daily') {
    const d = at.getUTCDate();
    const start = new Date(Date.UTC(y, m, d));
    return { start, end: new Date(Date.UTC(y, m, d + 1)), label: start.toISOString().slice(0, 10) };
  }
  const start = new Date(Date.UTC(y, m, 1));
  return { start, end: new Date(Date.UTC(y, m + 1, 1)), label: start.toISOString().slice(0, 7) };
}
