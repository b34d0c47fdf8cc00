/**
 * A product's name as a person would write it, out of the title a shop gives its page: HTML
 * entities decoded ("Elo&iacute;sa" → "Eloísa") and the shop's own decoration dropped ("Amazon.com:
 * … : Automotive", "… | Shop name", "Buy … online at shop.com"). General rules only: the shop is
 * recognised by the page's own host name and `og:site_name`, never by a list of shops.
 */
import { decodeHTML } from 'entities';

/** Separators shops put between the product and their name or a category. */
const SEPARATOR = /\s+[|｜•·–—-]\s+|\s*[|｜•·]\s*|:\s+|\s+:\s*/;
/** Words of a shop's host name that say nothing of the shop ("www.shop.example" → "shop"). */
const HOST_NOISE = new Set(['www', 'shop', 'store', 'm', 'en', 'de', 'fr', 'it', 'es']);
const squash = (s: string) => s.toLowerCase().replace(/[\s.,'’_-]+/g, '');
/** The same name as a host would spell it: "Küchenladen" is kuechenladen.de, "Eloísa" eloisa.cl. */
const hostSpellings = (s: string) => [squash(s), squash(s.replace(/ä/gi, 'ae').replace(/ö/gi, 'oe').replace(/ü/gi, 'ue').replace(/ß/g, 'ss')), squash(s.normalize('NFD').replace(/\p{M}/gu, ''))];

/** Names the shop goes by on its own pages: the host's main label ("amazon" for www.amazon.co.uk), and its og:site_name. */
function shopNames(pageUrl: string, siteName: string | null): string[] {
  const names: string[] = [];
  try {
    const labels = new URL(pageUrl).hostname.toLowerCase().split('.');
    const main = labels.filter((l) => !HOST_NOISE.has(l)).sort((a, b) => b.length - a.length)[0];
    if (main && squash(main).length >= 3) names.push(squash(main));
  } catch {
    // no URL, no host name
  }
  if (siteName && squash(siteName).length >= 3) names.push(squash(siteName));
  return names;
}

/**
 * A segment is the shop's name when it is one of its names, alone or with a domain suffix
 * ("Amazon.de", "Krauta.ee") or words in another script ("PChome商店街"), or a few words ending
 * in it ("online shop Vsezaoci.si"); "Amazon Basics" is not.
 */
function namesTheShop(segment: string, names: string[]): boolean {
  const words = segment.trim().split(/\s+/);
  // "spletna trgovina Vsezaoci.si": a few words ending in the shop's name
  if (words.length > 1 && words.length <= 4 && namesTheShop(words.at(-1)!, names)) return true;
  return hostSpellings(segment).some((key) =>
    names.some((name) => key === name || (key.startsWith(name) && /^(?:com|co|net|org|[a-z]{2}){1,2}$|^[^\p{Script=Latin}\d]+$/u.test(key.slice(name.length)))),
  );
}

/**
 * The product's name out of a page or markup title, decoration dropped; the title as it was (entities
 * decoded, whitespace collapsed) when no part of it names the shop; null for an empty title.
 */
export function productTitle(raw: string | null, pageUrl: string, siteName: string | null = null): string | null {
  if (raw === null) return null;
  const title = decodeHTML(raw).replace(/\s+/g, ' ').trim();
  if (!title) return null;
  const names = shopNames(pageUrl, siteName);
  const segments = title.split(SEPARATOR);
  const at = segments.findIndex((s) => namesTheShop(s, names));
  let kept = title;
  if (at > 0) {
    // the product comes first; the shop's name and whatever follows it (a category) go
    kept = title.slice(0, title.indexOf(segments[at]!, segments.slice(0, at).join('').length)).replace(SEPARATOR_AT_END, '');
  } else if (at === 0) {
    const rest = title.slice(title.indexOf(segments[0]!) + segments[0]!.length).replace(SEPARATOR_AT_START, '');
    kept = rest.replace(CATEGORY_AT_END, '') || rest;
  }
  kept = kept.replace(BUY_ONLINE, '$1').replace(BUY_ONLINE_SUFFIX, '').trim();
  return kept || title;
}

const SEPARATOR_AT_END = /(?:\s+[|｜•·–—-]|\s*[|｜•·:])\s*$/;
const SEPARATOR_AT_START = /^\s*(?:[|｜•·–—:-])\s*/;
/** "…, 10 Ounce : Grocery & Gourmet Food": a short category after " : " once the shop's name led. */
const CATEGORY_AT_END = /\s+:\s+[^:]{1,40}$/;
/** "Buy GANT Akron Boot Online" → "GANT Akron Boot". */
const BUY_ONLINE = /^(?:buy|shop|order)\s+(.+?)\s+online(?:\s+at\s+\S+)?$/i;
/** "Kettle - Buy online", "Kettle | Shop now". */
const BUY_ONLINE_SUFFIX = /(?:\s+[|–—-]\s+|\s*\|\s*)(?:buy|shop|order)(?:\s+(?:it|now|online|today))+\s*$/i;
