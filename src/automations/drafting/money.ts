/**
 * Amounts of money as people write them: `$1,299.99`, `20 euros`, `£30`, `1.299,99 €`, `100 USD`.
 * One reader for the drafter's sentences and the alert language's values.
 */

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
 */
export function parseAmount(text: string): number {
  const t = text.replace(/[\s\u00a0]/g, '');
  const last = Math.max(t.lastIndexOf(','), t.lastIndexOf('.'));
  if (last === -1) return Number(t);
  const decimals = t.length - last - 1;
  const separators = t.match(/[.,]/g)!.length;
  if (separators === 1 && decimals === 3) return Number(t.replace(/[.,]/g, ''));
  if (decimals === 3 && separators > 1 && new Set(t.match(/[.,]/g)).size === 1) return Number(t.replace(/[.,]/g, ''));
  return Number(`${t.slice(0, last).replace(/[.,]/g, '')}.${t.slice(last + 1)}`);
}

/** The first money amount in `text` (its value and where it was), or null. */
export function findMoney(text: string): { value: number; index: number; match: string } | null {
  const m = MONEY.exec(text);
  if (!m) return null;
  const value = parseAmount(m[1] ?? m[2]!);
  return Number.isFinite(value) ? { value, index: m.index, match: m[0] } : null;
}
