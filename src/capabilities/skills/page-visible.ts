/**
 * What a product page says in words when its markup is silent or wrong: the price shown near the
 * title and buy button, "out of stock" in the shop's language, and the page's locale (for the
 * currency a shared sign like "$" means). No per-site rules: only class/id words, element kinds
 * and phrases any shop uses.
 */
import type { CheerioAPI } from 'cheerio';
import { parsePriceText, type LocaleHint, type ParsedPrice } from './price-text.js';

/** Country-code domains that are not the country's shop ("example.co" is no Colombian shop). */
const GENERIC_TLDS = new Set(['co', 'io', 'tv', 'me', 'ai', 'fm', 'ly', 'to', 'cc', 'ws', 'eu']);

/**
 * The page's country and language: `<html lang>` or og:locale ("pt-BR", "pt_BR"), else the host's
 * country domain ("shop.com.br" → BR). Only a tie-breaker for signs several currencies share.
 */
export function localeHint($: CheerioAPI, pageUrl: string): LocaleHint {
  const tag = ($('html').attr('lang') ?? $('meta[property="og:locale"]').attr('content') ?? $('meta[http-equiv="content-language" i]').attr('content') ?? '').trim();
  const [language, region] = tag.split(/[-_]/);
  let country = region && /^[a-z]{2}$/i.test(region) ? region.toUpperCase() : null;
  if (country === null) {
    try {
      const tld = new URL(pageUrl).hostname.split('.').pop() ?? '';
      if (/^[a-z]{2}$/.test(tld) && !GENERIC_TLDS.has(tld)) country = tld.toUpperCase();
    } catch {
      // no URL, no country
    }
  }
  return { country, language: language && /^[a-z]{2,3}$/i.test(language) ? language.toLowerCase() : null };
}

const PRICE_WORD = /price|preis|prix|prezzo|precio|preco|cena|fiyat/i;
const NOT_THE_PRICE = /old|was|strike|regular|list|before|compare|save|saving|ship|deliver|rrp|uvp|msrp|original|crossed|instal|month|per-|unit|total|cart|basket|bag|filter|range|slider|label|title/i;
const PREFERRED = /our|sale|special|current|final|actual|now|buy|offer|main|product|deal|selling/i;
const MAX_PRICE_TEXT = 40;

/**
 * The price the page shows for its product when no markup gives one: among elements whose class
 * or id names a price (not an old, list, shipping or cart price), with a short text holding an
 * amount and a currency sign, the first one after the page's `<h1>` (the product title), those
 * named a current/sale/buy price first. Null when none is found.
 */
export function visiblePrice($: CheerioAPI, hint: LocaleHint): ParsedPrice | null {
  const title = $('h1').first().get(0);
  const candidates: { found: ParsedPrice; preferred: boolean; afterTitle: boolean; order: number }[] = [];
  let order = 0;
  let seenTitle = title === undefined;
  $('body *').each((_, el) => {
    if (el === title) seenTitle = true;
    if (candidates.length > 200) return false;
    const names = `${$(el).attr('id') ?? ''} ${$(el).attr('class') ?? ''} ${$(el).attr('itemprop') ?? ''} ${$(el).attr('data-testid') ?? ''}`;
    if (!PRICE_WORD.test(names) || NOT_THE_PRICE.test(names.replace(PRICE_WORD, ''))) return;
    const tag = el.tagName.toLowerCase();
    if (['script', 'style', 'del', 's', 'strike', 'option', 'select', 'input', 'meta', 'a'].includes(tag) || $(el).closest('del, s, strike, nav, footer, header, form[role="search"]').length) return;
    const text = $(el).text().replace(/\s+/g, ' ').trim();
    if (!text || text.length > MAX_PRICE_TEXT) return;
    const found = parsePriceText(text, hint);
    if (!found || found.currency === null || found.price <= 0) return;
    candidates.push({ found, preferred: PREFERRED.test(names.replace(PRICE_WORD, '')), afterTitle: seenTitle, order: order++ });
    return;
  });
  const rank = (c: (typeof candidates)[number]) => (c.afterTitle ? 0 : 2) + (c.preferred ? 0 : 1);
  return candidates.sort((a, b) => rank(a) - rank(b) || a.order - b.order)[0]?.found ?? null;
}

