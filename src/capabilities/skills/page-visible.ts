/**
 * What a product page says in words when its markup is silent or wrong: the price shown near the
 * title and buy button, "out of stock" in the shop's language, and the page's locale (for the
 * currency a shared sign like "$" means). No per-site rules: only class/id words, element kinds
 * and phrases any shop uses.
 */
import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
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
const NOT_THE_PRICE = /old|was|strike|regular|list|before|compare|save|saving|ship|deliver|rrp|uvp|msrp|original|crossed|instal|month|per-|unit|total|cart|basket|bag|filter|range|label|title/i;
const PREFERRED = /our|sale|special|current|final|actual|now|new|buy|offer|main|product|deal|selling/i;
const MAX_PRICE_TEXT = 40;
/** Class or id words of blocks that show other products (recommendations, carousels, bundles): their prices and stock are not this product's. */
const OTHER_PRODUCTS = /recommend|related|similar|carousel|upsell|cross-?sell|also|recent|bundle/i;
/** Farther than this many tree edges from the product's title, a price belongs to another block (recommendations, other sellers). */
const MAX_DISTANCE = 16;
/** A price inside a link or button (another offer, a variant, a related product) counts as this many edges farther. */
const LINK_PENALTY = 3;
/** A price named a current, sale or buy price counts as this many edges nearer. */
const PREFERRED_BONUS = 5;

/**
 * The price the page shows for its product when no markup gives one: among elements whose class
 * or id names a price (not an old, list, shipping or cart price), with a short text holding an
 * amount and a currency sign, the one nearest the product's title in the page's tree (see
 * {@link titleElement}), those named a current/sale/buy price counting as nearer and those inside
 * a link or button (other offers, variants) as farther; the first in page order among equals.
 * Null when none is found within {@link MAX_DISTANCE} of the title (the product shows no price).
 */
export function visiblePrice($: CheerioAPI, hint: LocaleHint, productTitle: string | null = null): ParsedPrice | null {
  const title = titleElement($, productTitle);
  const titleLine = title ? [title, ...$(title).parents().toArray()] : [];
  let best: { found: ParsedPrice; rank: number } | null = null;
  let seen = 0;
  $(inBody($, '*')).each((_, el) => {
    if (seen > 200) return false;
    const { id = '', class: classes = '', itemprop = '', 'data-testid': testId = '' } = el.attribs;
    const names = `${id} ${classes} ${itemprop} ${testId}`;
    if (!PRICE_WORD.test(names) || NOT_THE_PRICE.test(names.replace(PRICE_WORD, ''))) return;
    const tag = el.tagName.toLowerCase();
    if (['script', 'style', 'del', 's', 'strike', 'option', 'select', 'input', 'meta', 'a'].includes(tag) || $(el).closest('del, s, strike, nav, footer, header, form[role="search"]').length) return;
    const text = $(el).text().replace(/\s+/g, ' ').trim();
    if (!text || text.length > MAX_PRICE_TEXT) return;
    const found = parsePriceText(text, hint);
    if (!found || found.currency === null || found.price <= 0) return;
    seen++;
    const distance = treeDistance(el, titleLine) + ($(el).closest('a, button').length ? LINK_PENALTY : 0);
    if (distance > MAX_DISTANCE || inOtherProducts(el)) return;
    const rank = distance - (PREFERRED.test(names.replace(PRICE_WORD, '')) ? PREFERRED_BONUS : 0);
    if (best === null || rank < best.rank) best = { found, rank };
    return;
  });
  return (best as { found: ParsedPrice } | null)?.found ?? null;
}

/** Edges between `el` and the title element (`titleLine`: it, then its ancestors); past MAX_DISTANCE with no title. */
function treeDistance(el: Element, titleLine: AnyNode[]): number {
  if (titleLine.length === 0) return 0;
  let up = 0;
  for (let node: AnyNode | null = el; node; node = node.parent, up++) {
    const at = titleLine.indexOf(node);
    if (at >= 0) return up + at;
  }
  return MAX_DISTANCE + 1;
}

const squash = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * The element that shows the product's name: a heading (h1 first) whose text is the product title
 * or part of it, else the first `<h1>`.
 */
function titleElement($: CheerioAPI, productTitle: string | null): Element | undefined {
  const root = $.root().get(0)!;
  const known = titleElements.get(root);
  if (known && known.title === productTitle) return known.element;
  const element = findTitleElement($, productTitle);
  titleElements.set(root, { title: productTitle, element });
  return element;
}

/** The title element found per parsed page (the price, the stock and the markup check each ask for it). */
const titleElements = new WeakMap<object, { title: string | null; element: Element | undefined }>();

function findTitleElement($: CheerioAPI, productTitle: string | null): Element | undefined {
  const wanted = productTitle ? squash(productTitle) : '';
  if (wanted) {
    for (const tag of ['h1', 'h2', '[itemprop="name"]', '[class*="title" i], [class*="name" i], [id*="title" i]']) {
      const match = $(tag).toArray().find((el): el is Element => {
        const text = squash($(el).text());
        // the whole title, or most of it (the shop's name left out), never a word of it
        return el.type === 'tag' && text.length >= 4 && text.length <= 400 && ((wanted.includes(text) && text.length * 2 >= wanted.length) || text.includes(wanted));
      });
      if (match) return match;
    }
  }
  return $('h1').toArray().find((el): el is Element => el.type === 'tag');
}

// ── out of stock in words ───────────────────────────────────────────────────────────────────────

/**
 * How shops say a product cannot be bought now, by language: optional words for "currently",
 * then the phrase. Read at the start of a short text only, so "Image unavailable" or "XL – sold
 * out" in a size list is not the product's stock.
 */
const OUT_OF_STOCK_WORDS: Record<string, [string[], string[]]> = {
  en: [['currently', 'temporarily'], ['out of stock', 'sold out', 'unavailable', 'not available', 'no longer available', 'not in stock']],
  de: [['derzeit', 'zurzeit', 'momentan', 'aktuell', 'leider'], ['nicht verfügbar', 'nicht lieferbar', 'nicht auf lager', 'nicht vorrätig', 'ausverkauft', 'vergriffen']],
  fr: [['actuellement', 'temporairement', 'momentanément'], ['indisponible', 'épuisé', 'épuisée', 'en rupture de stock', 'rupture de stock', 'non disponible']],
  es: [['actualmente', 'temporalmente', 'momentáneamente'], ['agotado', 'agotada', 'no disponible', 'sin stock', 'sin existencias']],
  it: [['attualmente', 'momentaneamente', 'temporaneamente'], ['non disponibile', 'esaurito', 'esaurita', 'non più disponibile']],
  pt: [['atualmente', 'temporariamente'], ['esgotado', 'esgotada', 'indisponível', 'fora de estoque', 'sem estoque']],
  nl: [['tijdelijk', 'momenteel'], ['niet op voorraad', 'niet leverbaar', 'niet beschikbaar', 'uitverkocht']],
  pl: [['chwilowo', 'obecnie', 'tymczasowo'], ['brak w magazynie', 'niedostępny', 'niedostępna', 'wyprzedany', 'wyprzedane', 'brak towaru']],
  ru: [['временно'], ['нет в наличии', 'нет на складе', 'товар закончился', 'распродано', 'недоступен']],
  uk: [['тимчасово'], ['немає в наявності', 'закінчився', 'недоступний']],
  cs: [['momentálně', 'aktuálně', 'dočasně'], ['není skladem', 'vyprodáno', 'nedostupné', 'nelze koupit']],
  sk: [['momentálne', 'aktuálne', 'dočasne'], ['nie je skladom', 'vypredané', 'nedostupné', 'nie je možné kúpiť', 'nie je možné produkt kúpiť']],
  sv: [['tillfälligt'], ['slutsåld', 'slutsålt', 'ej i lager', 'inte i lager']],
  da: [['midlertidigt'], ['udsolgt', 'ikke på lager']],
  nb: [['midlertidig'], ['utsolgt', 'ikke på lager']],
  fi: [['tilapäisesti'], ['loppuunmyyty', 'ei varastossa']],
  hu: [['jelenleg', 'átmenetileg'], ['nincs készleten', 'elfogyott']],
  ro: [['momentan', 'temporar'], ['stoc epuizat', 'indisponibil', 'nu este in stoc']],
  hr: [['trenutno', 'privremeno'], ['nije dostupno', 'nema na zalihi', 'rasprodano']],
  tr: [['geçici olarak'], ['stokta yok', 'tükendi']],
  el: [['προσωρινά'], ['εξαντλήθηκε', 'μη διαθέσιμο']],
  he: [[], ['אזל מהמלאי', 'המוצר אינו במלאי', 'לא במלאי']],
  ja: [[], ['在庫切れ', '売り切れ', '品切れ']],
  zh: [[], ['缺货', '缺貨', '售完', '已售完', '售罄']],
  ko: [[], ['품절', '일시품절']],
};
const LANGUAGE_ALIASES: Record<string, string> = { no: 'nb', nn: 'nb', iw: 'he' };

function outOfStockPattern(words: [string[], string[]][]): RegExp {
  const alternation = (list: string[]) => list.sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+')).join('|');
  const prefixes = words.flatMap(([p]) => p);
  const phrases = words.flatMap(([, w]) => w);
  return new RegExp(`^(?:(?:${alternation(prefixes)})\\s+)?(?:${alternation(phrases)})`, 'iu');
}
/** After the phrase, the statement ends ("Unavailable for store pickup" is about a way of delivery, not the product). */
const STATEMENT_END = /^(?:$|\s*[.!,;:()|/–—-]|\s+[\p{Lu}\d])/u;
const ANY_LANGUAGE = outOfStockPattern(Object.values(OUT_OF_STOCK_WORDS));
const BY_LANGUAGE = new Map(Object.entries(OUT_OF_STOCK_WORDS).map(([lang, words]) => [lang, outOfStockPattern([words, OUT_OF_STOCK_WORDS.en!])]));

/** Class or id words of an element that shows the product's stock. */
const STOCK_NAME = /availab|stock|inventory|lager|dispon|verfueg|verfüg|soldout|sold-out|sold_out/i;
/** Blocks about other products, choices or ways of delivery: their "sold out" is not this product's. */
const NOT_THIS_STOCK = new RegExp(`${OTHER_PRODUCTS.source}|swatch|variant|ship|deliver|pick-?up|store|entrega|despacho|retiro|versand|livraison`, 'i');
const HIDDEN = '[hidden], [style*="display:none" i], [style*="display: none" i], [style*="visibility:hidden" i], .hidden, .a-hidden, .d-none, .is-hidden, .hide';
const MAX_STOCK_TEXT = 120;

/**
 * True when the product's own stock block (an element named for availability or stock, near the
 * product title, not hidden, not in a list of other products or variants, nor in navigation)
 * begins with "out of stock" in the page's language or English ("Currently unavailable.",
 * "Derzeit nicht verfügbar.", "Agotado"); every language when the page names none. Shown words
 * win over markup claiming InStock. False when the page says nothing of the kind.
 */
export function shownOutOfStock($: CheerioAPI, hint: LocaleHint, productTitle: string | null = null): boolean {
  const language = hint.language ? (LANGUAGE_ALIASES[hint.language] ?? hint.language) : null;
  const pattern = (language ? BY_LANGUAGE.get(language) : undefined) ?? (language ? BY_LANGUAGE.get('en')! : ANY_LANGUAGE);
  const title = titleElement($, productTitle);
  const titleLine = title ? [title, ...$(title).parents().toArray()] : [];
  let checked = 0;
  let found = false;
  $(inBody($, '[id], [class]')).each((_, block) => {
    if (!STOCK_NAME.test(`${block.attribs.id ?? ''} ${block.attribs.class ?? ''}`)) return;
    if (++checked > 200) return false;
    const text = $(block).text().replace(/\s+/g, ' ').trim();
    const said = text.length <= MAX_STOCK_TEXT ? pattern.exec(text) : null;
    if (!said || !STATEMENT_END.test(text.slice(said[0].length))) return;
    if (treeDistance(block, titleLine) > MAX_DISTANCE) return;
    if ($(block).closest(`nav, footer, header, aside, option, select, label, ${HIDDEN}`).length) return;
    if (inBlockNamed(block, NOT_THIS_STOCK)) return;
    found = true;
    return false;
  });
  return found;
}

/** `selector` under `<body>`, or anywhere when the page has none (a fragment: the parser adds no `<body>`). */
function inBody($: CheerioAPI, selector: string): Element[] {
  const body = $('body');
  return (body.length ? body.find(selector) : $(selector)).toArray().filter((el): el is Element => el.type === 'tag');
}

/** Whether an ancestor of `el` has a class or id matching `names`. */
function inBlockNamed(el: Element, names: RegExp): boolean {
  for (let node = el.parent; node && node.type === 'tag'; node = node.parent) {
    if (names.test(`${node.attribs.id ?? ''} ${node.attribs.class ?? ''}`)) return true;
  }
  return false;
}

const inOtherProducts = (el: Element) => inBlockNamed(el, OTHER_PRODUCTS);
