/** How a page_watch output reads: the product linked, its price in its currency against the one before, its stock in words. */
import { z } from 'zod';
import { formatPrice, percentChange } from '../price-words.js';
import { escapeMarkup } from '../../util/text.js';
import { alertWhen, clip, httpUrl, link, shareableUrl, type OutputReader, type Reading, type ReadingContext, type Tone } from '../reading.js';
import type { JsonObject } from '../../automations/types.js';
import type { FieldWords } from '../../automations/alerts/words.js';

const pageOutput = z.object({
  title: z.string().nullable().optional(),
  price: z.number().nullable().optional(),
  currency: z.string().nullable().optional(),
  in_stock: z.boolean().nullable().optional(),
  text: z.string().nullable().optional(),
  image: z.string().nullable().optional(),
  price_source: z.enum(['json-ld', 'microdata', 'meta', 'text', 'selector']).optional().catch(undefined),
  changed: z.boolean().optional(),
});
type PageOutput = z.infer<typeof pageOutput>;

/** Where the price was read, in words a shopper follows (the technical name in brackets, for whoever fixes it). */
const SOURCE_WORDS: Record<NonNullable<PageOutput['price_source']>, string> = {
  'json-ld': "Price from the page's product data (JSON-LD)",
  microdata: "Price from the page's product markup (microdata)",
  meta: "Price from the page's price tags (og/product meta)",
  text: "Price read from the page's text beside the product's name; a selector input can choose another",
  selector: 'Price read from the text your selector picks',
};

/** What page_watch's fields are called in an alert condition's words. */
function fieldWords(currency: string | null): Record<string, FieldWords> {
  return {
    price: { name: 'the price', value: (v) => (typeof v === 'number' ? formatPrice(v, currency) : String(v)) },
    in_stock: { truth: { true: 'it is in stock', false: 'it is out of stock' } },
    changed: { truth: { true: 'the page changed', false: 'the page did not change' } },
    title: { name: 'the title' },
    text: { name: 'the selected text' },
    currency: { name: 'the currency' },
  };
}

const stockWords = (inStock: boolean | null | undefined): string | null => (inStock === true ? 'In stock' : inStock === false ? 'Out of stock' : null);

/** The price line: `**$89.99**, was $104.99, −14%` (the "was" only when the run before had another price). */
function priceLine(now: PageOutput, before: PageOutput | null): { line: string | null; dropped: boolean | null } {
  if (typeof now.price !== 'number') return { line: null, dropped: null };
  const currency = now.currency ?? null;
  const line = `**${escapeMarkup(formatPrice(now.price, currency))}**`;
  const was = before && typeof before.price === 'number' && before.price !== now.price && (before.currency ?? null) === currency ? before.price : null;
  if (was === null) return { line, dropped: null };
  const change = percentChange(was, now.price);
  return { line: `${line}, was ${escapeMarkup(formatPrice(was, currency))}${change ? `, ${change}` : ''}`, dropped: now.price < was };
}

function read(output: JsonObject, context: ReadingContext): Reading {
  const now = pageOutput.parse(output);
  const before = context.previous ? (pageOutput.safeParse(context.previous).data ?? null) : null;
  const url = shareableUrl(context.inputs.url);
  const price = priceLine(now, before);
  const stock = stockWords(now.in_stock);
  const wasInStock = before?.in_stock;
  const stockLine = stock && wasInStock !== undefined && wasInStock !== null && wasInStock !== now.in_stock ? `${stock} (was ${stockWords(wasInStock)!.toLowerCase()})` : stock;
  const source = price.line && now.price_source ? `-# ${SOURCE_WORDS[now.price_source]}` : null;
  const when = context.alert ? alertWhen(context, fieldWords(now.currency ?? null)) : null;
  const lines = [price.line, stockLine, now.text ? `“${escapeMarkup(clip(now.text, 300))}”` : null, source].filter((l): l is string => l !== null);
  // Green for a drop (or back in stock), red for a rise (or sold out), else by stock.
  const tone: Tone =
    price.dropped === true ? 'good' : price.dropped === false ? 'bad' : now.in_stock === false ? 'bad' : now.in_stock === true || typeof now.price === 'number' ? 'good' : 'neutral';
  return {
    title: now.title ?? context.name,
    url,
    lines: lines.length ? lines : [url ? link('the page', url) : 'nothing read from the page'],
    fields: when ? [{ name: 'Alert when', value: when }] : [],
    tone,
    thumbnail: httpUrl(now.image),
  };
}

/** page_watch's reader. */
export const pageWatchReader: OutputReader = { read };
