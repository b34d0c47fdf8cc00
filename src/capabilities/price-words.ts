/** Prices as people in the price's currency write them: `$89.99`, `89,99 €`, `£12.50`. */

/** The locale whose way of writing a currency people expect (the euro as Germans, French… write it: `89,99 €`). */
const LOCALE_OF_CURRENCY: Record<string, string> = {
  USD: 'en-US', EUR: 'de-DE', GBP: 'en-GB', JPY: 'ja-JP', CHF: 'de-CH', CAD: 'en-CA', AUD: 'en-AU', NZD: 'en-NZ',
  SEK: 'sv-SE', NOK: 'nb-NO', DKK: 'da-DK', PLN: 'pl-PL', CZK: 'cs-CZ', HUF: 'hu-HU', RON: 'ro-RO', INR: 'en-IN',
  CNY: 'zh-CN', BRL: 'pt-BR', MXN: 'es-MX', ZAR: 'en-ZA', TRY: 'tr-TR', KRW: 'ko-KR', SGD: 'en-SG', HKD: 'en-HK', ILS: 'he-IL',
};

/**
 * `price` in `currency` (an ISO 4217 code) through Intl.NumberFormat, in the locale that writes
 * that currency (`$89.99`, `89,99 €`); without a known currency, the number with its code after
 * it (`89.99 XBT`) or alone.
 */
export function formatPrice(price: number, currency: string | null): string {
  if (currency) {
    try {
      return new Intl.NumberFormat(LOCALE_OF_CURRENCY[currency] ?? 'en-US', { style: 'currency', currency }).format(price);
    } catch {
      return `${plainNumber(price)} ${currency}`;
    }
  }
  return plainNumber(price);
}

function plainNumber(n: number): string {
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(n);
}

/** The change from `before` to `now` as a whole percentage with its sign: `−14%`, `+7%`, `±0%`; null when `before` is 0. */
export function percentChange(before: number, now: number): string | null {
  if (before === 0) return null;
  const pct = Math.round(((now - before) / before) * 100);
  return pct === 0 ? '±0%' : pct < 0 ? `\u2212${-pct}%` : `+${pct}%`;
}
