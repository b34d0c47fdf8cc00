import { load, type CheerioAPI } from 'cheerio';
import { cutText } from '../../util/text.js';
import { ValidationError } from '../../errors.js';
import { assertDepth, assertElementCount } from '../content/limits.js';
import { selectorProblem, selectorProblemMessage } from '../content/selector-grammar.js';
import { parseLenientJson } from './lenient-json.js';
import type { Element } from 'domhandler';
import { localeHint, shownOutOfStock, visiblePrice } from './page-visible.js';
import { productTitle } from './page-title.js';
import { currencyOf, parsePriceText, type LocaleHint, type ParsedPrice } from './price-text.js';

/** What page_watch reads from a page; every field is null when the page does not say. */
export interface PageSnapshot {
  title: string | null;
  price: number | null;
  currency: string | null;
  in_stock: boolean | null;
  text: string | null;
  /**
   * The page's picture of the product (JSON-LD `image`, microdata, `og:image`), an absolute
   * http(s) URL of at most {@link MAX_IMAGE_URL_CHARS} characters; absent when the page has none.
   */
  image?: string;
  /**
   * Where the price was read (absent when there is none): the page's schema.org JSON-LD, its
   * microdata, its OpenGraph/product meta tags, the price it shows in words near the title
   * (`text`), or the text of the automation's selector (`selector`).
   */
  price_source?: PriceSource;
}

/** Where page_watch read a price. */
export type PriceSource = 'json-ld' | 'microdata' | 'meta' | 'text' | 'selector';

type Facts = Omit<PageSnapshot, 'text' | 'image' | 'price_source'> & {
  image: string | null;
  /** Other prices the same markup gives (a second offer, another spelling), checked against the page when sources disagree. */
  otherPrices: number[];
  /** The price was found outside any Product (microdata anywhere on the page): used, but never to overrule another source. */
  loose: boolean;
};

/** Longest image URL kept: longer ones (data: URIs, tracking links) are left out. */
export const MAX_IMAGE_URL_CHARS = 1000;

const MAX_TEXT_CHARS = 2000;
/**
 * htmlparser2 in HTML mode (cheerio's `xml` option with `xmlMode: false`), not parse5: about five
 * times faster on a 1 MB shop page (bench/shops.ts), and what page_watch reads (markup, short
 * texts, the tree near the title) does not need parse5's error recovery.
 */
const HTML_PARSER = { xml: { xmlMode: false, decodeEntities: true } } as const;
const MAX_TITLE_CHARS = 300;

/**
 * Reads a product page. Each field comes from the first source that has it: schema.org
 * Product/Offer JSON-LD (read leniently, see lenient-json.ts), then microdata, then
 * OpenGraph/product meta tags, then `<title>` (title only); with no structured price, the price
 * the page shows after its title (see page-visible.ts), a shared sign like "$" resolved by the
 * page's language and country. `text` is the collapsed text of the first element `selector` matches (null when none
 * does); when no structured price exists, the price (and currency) is read from that text with
 * {@link parsePriceText}. Malformed JSON-LD blocks are skipped. `pageUrl` picks, among several
 * products, the one whose `url`/`@id` is this page. Throws ValidationError for a selector that is
 * invalid or outside the grammar (see selector-grammar.ts), StewardError `element_cap` /
 * `depth_cap` for a page past the limits in content/limits.ts. CPU-bound on hostile pages: the
 * skill runs it in a content worker, never on the main thread.
 */
export function extractPage(html: string, pageUrl: string, selector?: string): PageSnapshot {
  assertElementCount(html, pageUrl, 'page_watch');
  const $ = load(html, HTML_PARSER);
  assertDepth($.root().get(0), pageUrl, 'page_watch');
  const documentTitle = clean($('head title').first().text() || $('title').first().text(), MAX_TITLE_CHARS);
  const hint = localeHint($, pageUrl);
  const structured: [PriceSource | null, Partial<Facts>][] = [['json-ld', fromJsonLd($, pageUrl)], ['microdata', fromMicrodata($)], ['meta', fromMetaTags($, hint)], [null, { title: documentTitle }]];
  const pick = <K extends keyof Facts>(key: K): Facts[K] | null =>
    structured.map(([, facts]) => facts[key]).find((v) => v !== null && v !== undefined) ?? null;
  const siteName = $('meta[property="og:site_name" i]').attr('content') ?? null;
  const snapshot: PageSnapshot = { title: clean(productTitle(pick('title'), pageUrl, siteName), MAX_TITLE_CHARS), price: pick('price'), currency: pick('currency'), in_stock: pick('in_stock'), text: null };
  const priceFrom = structured.find(([, facts]) => facts.price !== null && facts.price !== undefined)?.[0];
  if (priceFrom) snapshot.price_source = priceFrom;
  const image = structured.map(([, facts]) => absoluteImage(facts.image, pageUrl)).find((v) => v !== null);
  if (image) snapshot.image = image;
  const shown = shownPriceAmong(structured, $, hint, snapshot.title);
  if (shown) [snapshot.price, snapshot.price_source] = shown;
  if (snapshot.in_stock !== false && shownOutOfStock($, hint, snapshot.title)) snapshot.in_stock = false;
  const readPrice = (found: ParsedPrice | null, from: PriceSource) => {
    if (snapshot.price !== null || !found) return;
    snapshot.price = found.price;
    snapshot.currency ??= found.currency;
    snapshot.price_source = from;
  };
  readPrice(snapshot.price === null ? visiblePrice($, hint, snapshot.title) : null, 'text');
  if (selector !== undefined) {
    snapshot.text = selectedText($, selector);
    readPrice(snapshot.text === null ? null : parsePriceText(snapshot.text), 'selector');
  }
  return snapshot;
}

// ── JSON-LD ─────────────────────────────────────────────────────────────────────────────────────

type Node = Record<string, unknown>;
const PRODUCT_TYPES = new Set(['Product', 'IndividualProduct', 'ProductModel', 'SomeProducts', 'ProductGroup']);
const OFFER_TYPES = new Set(['Offer', 'AggregateOffer']);

function fromJsonLd($: CheerioAPI, pageUrl: string): Partial<Facts> {
  const products: Node[] = [];
  const looseOffers: Node[] = [];
  $('script[type]').each((_, script) => {
    if (!/^application\/ld\+json\b/i.test($(script).attr('type') ?? '')) return;
    try {
      collectNodes(parseLenientJson($(script).text()), products, looseOffers, false, 0);
    } catch {
      // a malformed block is skipped: the page's other markup may still say what we need
    }
  });
  const here = withoutHash(pageUrl);
  const ordered = [...products.filter((p) => [p.url, p['@id']].some((u) => resolvesTo(u, pageUrl, here))), ...products];
  const title = ordered.map((p) => textValue(p.name)).find((n) => n !== null) ?? null;
  const image = ordered.map((p) => imageValue(p.image)).find((n) => n !== null) ?? null;
  const offerSets = [...ordered.map((p) => flattenOffers(p.offers)), looseOffers.flatMap(flattenOffers)];
  // One Product per size or colour, each with the same name: the product is in stock when any is.
  const variantOffers = title === null ? [] : products.filter((p) => textValue(p.name) === title).flatMap((p) => flattenOffers(p.offers));
  for (const offers of offerSets) {
    const priced = offers.find((o) => offerPrice(o) !== null);
    if (!priced) continue;
    const spec = currentSpecification(priced.priceSpecification);
    return {
      title,
      image,
      price: offerPrice(priced),
      otherPrices: distinct(offers.map(offerPrice)).filter((p) => p !== offerPrice(priced)),
      currency: currencyCode(priced.priceCurrency ?? spec?.priceCurrency ?? offers.map((o) => o.priceCurrency).find(Boolean)),
      in_stock: offersInStock([...offers, ...variantOffers], priced),
    };
  }
  const anyOffers = offerSets.flat();
  return { title, image, in_stock: anyOffers.length ? offersInStock(anyOffers, anyOffers[0]!) : null };
}

/** Walks a JSON-LD value (arrays, `@graph`, nested nodes), collecting products and offers found outside products. */
function collectNodes(value: unknown, products: Node[], offers: Node[], insideProduct: boolean, depth: number): void {
  if (depth > 12) return;
  if (Array.isArray(value)) {
    for (const item of value) collectNodes(item, products, offers, insideProduct, depth + 1);
    return;
  }
  if (!isNode(value)) return;
  const types = typesOf(value);
  const isProduct = types.some((t) => PRODUCT_TYPES.has(t));
  if (isProduct) products.push(value);
  else if (!insideProduct && types.some((t) => OFFER_TYPES.has(t))) offers.push(value);
  for (const child of Object.values(value)) collectNodes(child, products, offers, insideProduct || isProduct, depth + 1);
}

function flattenOffers(value: unknown): Node[] {
  if (Array.isArray(value)) return value.flatMap(flattenOffers);
  return isNode(value) ? [value, ...flattenOffers(value.offers)] : [];
}

/** In stock when any offer (a size, a colour, a seller) is; else what the priced offer says. */
function offersInStock(offers: Node[], priced: Node): boolean | null {
  const states = offers.map((o) => availability(o.availability));
  if (states.includes(true)) return true;
  return availability(priced.availability) ?? states.find((s) => s !== null) ?? null;
}

function offerPrice(offer: Node): number | null {
  return structuredPrice(offer.price) ?? structuredPrice(offer.lowPrice) ?? structuredPrice(currentSpecification(offer.priceSpecification)?.price);
}

/** Of an offer's price specifications, the price paid now: not a list, strikethrough or "was" price (`priceType`). */
function currentSpecification(value: unknown): Node | undefined {
  const specs = (Array.isArray(value) ? value : [value]).filter(isNode);
  return specs.find((spec) => !/list|strikethrough|msrp|srp|was|regular/i.test(textValue(spec.priceType) ?? '')) ?? specs[0];
}

function typesOf(node: Node): string[] {
  const raw = node['@type'];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.filter((t): t is string => typeof t === 'string').map((t) => t.replace(/^(https?:\/\/schema\.org\/|schema:)/i, ''));
}

// ── microdata and meta tags ─────────────────────────────────────────────────────────────────────

function fromMicrodata($: CheerioAPI): Partial<Facts> {
  const product = $('[itemscope][itemtype]')
    .filter((_, el) => /schema\.org\/(Product|IndividualProduct|ProductModel|SomeProducts|ProductGroup)\b/i.test($(el).attr('itemtype') ?? ''))
    .first();
  const valueOf = (el: Element): string | null => {
    const tag = el.tagName.toLowerCase();
    const attr = tag === 'meta' ? 'content' : ['a', 'link', 'area'].includes(tag) ? 'href' : ['img', 'source'].includes(tag) ? 'src' : ['data', 'meter'].includes(tag) ? 'value' : 'content';
    return clean($(el).attr(attr) ?? $(el).text());
  };
  /** Every value of an itemprop (its name in any case), the product's own first, else the page's. */
  const props = (name: string): string[] => {
    const inProduct = product.find(`[itemprop~="${name}" i]`).toArray();
    return (inProduct.length ? inProduct : $(`[itemprop~="${name}" i]`).toArray()).map(valueOf).filter((v): v is string => v !== null);
  };
  const prop = (name: string): string | null => props(name)[0] ?? null;
  const prices = distinct([...props('price'), ...props('lowPrice')].map(structuredPrice));
  const name = product.find('[itemprop~="name"]').filter((_, el) => $(el).parent().closest('[itemscope]').get(0) === product.get(0));
  return {
    title: name.length ? clean(name.first().attr('content') ?? name.first().text(), MAX_TITLE_CHARS) : null,
    price: prices[0] ?? null,
    otherPrices: product.length ? prices.slice(1) : [], // outside a Product, later prices are other products'
    loose: !product.length,
    currency: currencyCode(prop('priceCurrency')),
    in_stock: availability(prop('availability')),
    image: prop('image'),
  };
}

/** Price meta tags as shops spell them (read in lower case), the sale price first. */
const PRICE_META = ['product:sale_price:amount', 'product:price:amount', 'og:price:amount', 'product:price', 'og:price', 'og:product:price:amount', 'product:price:value', 'price'];
const CURRENCY_META = ['product:sale_price:currency', 'product:price:currency', 'og:price:currency', 'product:currency', 'og:currency', 'og:product:price:currency', 'pricecurrency', 'currency'];

function fromMetaTags($: CheerioAPI, hint: LocaleHint): Partial<Facts> {
  const meta = new Map<string, string>();
  $('meta[content]').each((_, el) => {
    const key = ($(el).attr('property') ?? $(el).attr('name') ?? '').trim().toLowerCase();
    if (key && !meta.has(key)) meta.set(key, $(el).attr('content') ?? '');
  });
  const first = (...keys: string[]) => keys.map((k) => meta.get(k)).find((v) => v !== undefined && v.trim() !== '');
  const prices = distinct(PRICE_META.map((key) => structuredPrice(meta.get(key))));
  const priceText = PRICE_META.map((key) => meta.get(key)).find((v) => v !== undefined && structuredPrice(v) !== null);
  return {
    title: clean(first('og:title'), MAX_TITLE_CHARS),
    price: prices[0] ?? null,
    otherPrices: prices.slice(1),
    currency: currencyCode(first(...CURRENCY_META)) ?? (priceText ? (parsePriceText(priceText, hint)?.currency ?? null) : null), // "30,000원~"
    in_stock: availability(first('product:availability', 'og:availability')),
    image: first('og:image:secure_url', 'og:image', 'og:image:url', 'twitter:image') ?? null,
  };
}

// ── selector ────────────────────────────────────────────────────────────────────────────────────

const BLOCK_ELEMENTS = 'address, article, aside, blockquote, br, dd, div, dl, dt, figcaption, footer, h1, h2, h3, h4, h5, h6, header, hr, li, main, nav, ol, p, pre, section, table, td, th, tr, ul';

function selectedText($: CheerioAPI, selector: string): string | null {
  const problem = selectorProblem(selector);
  if (problem !== null) throw new ValidationError('selector', selectorProblemMessage(selector, problem), { selector, reason: problem.reason });
  const match = $(selector).first();
  if (!match.length) return null;
  const copy = match.clone();
  copy.find('script, style, noscript, template').remove();
  copy.find(BLOCK_ELEMENTS).before(' ').after(' '); // "<p>a</p><p>b</p>" reads "a b", "$<b>99</b>" stays "$99"
  return clean(copy.text(), MAX_TEXT_CHARS);
}

// ── values ──────────────────────────────────────────────────────────────────────────────────────

const IN_STOCK = new Set(['instock', 'instoreonly', 'onlineonly', 'limitedavailability', 'madetoorder', 'availablefororder', 'available']);
const NOT_IN_STOCK = new Set(['outofstock', 'oos', 'soldout', 'discontinued', 'preorder', 'presale', 'backorder', 'reserved', 'pending', 'unavailable']);

/** schema.org ItemAvailability (URL or bare name) or OpenGraph wording → in stock now? PreOrder/BackOrder are not. */
function availability(value: unknown): boolean | null {
  const text = textValue(value);
  if (text === null) return null;
  const key = (text.split('/').pop() ?? '').toLowerCase().replace(/[^a-z]/g, '');
  return IN_STOCK.has(key) ? true : NOT_IN_STOCK.has(key) ? false : null;
}

function currencyCode(value: unknown): string | null {
  const text = textValue(value);
  return text && /^[A-Za-z]{3,5}$/.test(text) ? (currencyOf(text) ?? text.toUpperCase()) : text ? currencyOf(text) : null;
}

/**
 * A price from structured data (JSON-LD, microdata, meta): a JSON number, or a string. A plain
 * machine form ("1299", "1299.5") is read as schema.org says, with "." as the decimal point, so
 * "1.299" is 1.299 here. Anything else ("1,299.00", "1.299,00", "$34.99") goes through the same
 * rules as page text (see {@link parsePriceText}).
 */
function structuredPrice(value: unknown): number | null {
  const text = typeof value === 'number' ? null : textValue(value);
  const price = typeof value === 'number' ? value : text === null ? null : /^\d+(\.\d+)?$/.test(text) ? Number(text) : (parsePriceText(text)?.price ?? null);
  return price !== null && Number.isFinite(price) && price > 0 ? price : null; // a "0" is a price the shop has not set
}

/** The numbers of a list, once each, in order, without nulls. */
function distinct(values: (number | null)[]): number[] {
  return [...new Set(values.filter((v): v is number => v !== null))];
}

/**
 * When the markup gives more than one price (JSON-LD against product:price:amount, two offers), the
 * one the page shows near the product's title, with the source that gave it; null when the markup
 * agrees with itself or the page shows none of its prices.
 */
function shownPriceAmong(structured: [PriceSource | null, Partial<Facts>][], $: CheerioAPI, hint: LocaleHint, title: string | null): [number, PriceSource] | null {
  const given = structured.flatMap(([from, facts]) => (from === null || facts.loose ? [] : [facts.price, ...(facts.otherPrices ?? [])].filter((p): p is number => typeof p === 'number').map((p): [number, PriceSource] => [p, from])));
  if (new Set(given.map(([p]) => p)).size < 2) return null;
  const shown = visiblePrice($, hint, title);
  return (shown && given.find(([p]) => Math.abs(p - shown.price) < 1e-9)) || null;
}

export { parsePriceText } from './price-text.js';

/** A JSON-LD image: a URL, the first of a list, or an ImageObject's `url` / `contentUrl` / `@id`. */
function imageValue(value: unknown): string | null {
  if (typeof value === 'string') return clean(value);
  if (Array.isArray(value)) return value.map(imageValue).find((v) => v !== null) ?? null;
  if (isNode(value)) return imageValue(value.url ?? value.contentUrl ?? value['@id']);
  return null;
}

/** An image reference resolved against the page: an http(s) URL of at most MAX_IMAGE_URL_CHARS, else null. */
function absoluteImage(value: string | null | undefined, pageUrl: string): string | null {
  if (!value || value.length > MAX_IMAGE_URL_CHARS) return null;
  try {
    const url = new URL(value, pageUrl);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.href.length <= MAX_IMAGE_URL_CHARS ? url.href : null;
  } catch {
    return null;
  }
}

/** A JSON-LD literal as text: strings, numbers, the first of an array, `{"@value"}` or `{"@id"}`. */
function textValue(value: unknown): string | null {
  if (typeof value === 'string') return clean(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.map(textValue).find((v) => v !== null) ?? null;
  if (isNode(value)) return textValue(value['@value'] ?? value['@id']);
  return null;
}

function clean(value: string | null | undefined, maxChars = Number.POSITIVE_INFINITY): string | null {
  const text = value === null || value === undefined ? '' : cutText(value.replace(/\s+/g, ' ').trim(), maxChars, { marker: '' }).trim();
  return text ? text : null;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutHash(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    return parsed.href;
  } catch {
    return url;
  }
}

function resolvesTo(value: unknown, base: string, target: string): boolean {
  if (typeof value !== 'string') return false;
  try {
    return withoutHash(new URL(value, base).href) === target;
  } catch {
    return false;
  }
}
