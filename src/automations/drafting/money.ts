/**
 * Amounts of money as people write them: `$1,299.99`, `20 euros`, `£30`, `1.299,99 €`, `100 USD`.
 * One reader for the drafter's sentences and the alert language's values; the number itself is
 * read as page_watch reads prices.
 */

import { readAmount } from '../../capabilities/skills/price-text.js';

const SIGNS = '\\$|US\\$|€|£|¥|₹|₩|₽|kr|zł|CHF|Fr\\.?';
const CODES = 'USD|EUR|GBP|JPY|INR|CAD|AUD|CHF|SEK|NOK|DKK|PLN|BRL|MXN|KRW|RUB';
const WORDS = 'dollars?|bucks|euros?|pounds?|yen|rupees?|francs?';
const NUMBER = '\\d{1,3}(?:[,. \\u00a0]\\d{3})+(?:[.,]\\d{1,2})?|\\d+(?:[.,]\\d{1,2})?';

/** A money amount anywhere: a sign or code before, or a sign, code or word after. Groups: number. */
export const MONEY = new RegExp(
  `(?:(?:${SIGNS}|${CODES})\\s?(${NUMBER})|(${NUMBER})\\s?(?:${SIGNS}|${CODES}|${WORDS})(?![A-Za-z]))`,
  'i',
);

/**
 * The value of a written number with thousands separators and a decimal comma or point
 * (`1,299.99`, `1.299,99`, `1 299`, `20`), or NaN. A single separator followed by exactly three
 * digits is a thousands separator (`1,299`); followed by one or two, a decimal one (`19,99`).
 * The same reader as page_watch's prices ({@link readAmount}).
 */
export function parseAmount(text: string): number {
  return readAmount(text.trim()) ?? Number.NaN;
}

/** The first money amount in `text` (its value and where it was), or null. */
export function findMoney(text: string): { value: number; index: number; match: string } | null {
  const m = MONEY.exec(text);
  if (!m) return null;
  const value = parseAmount(m[1] ?? m[2]!);
  return Number.isFinite(value) ? { value, index: m.index, match: m[0] } : null;
}
