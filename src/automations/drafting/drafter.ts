/**
 * The drafter without a model: a person's sentence ("check this product page every morning and
 * tell me when it drops under $100") read into what `/automation create` takes: a capability, its
 * inputs, a schedule, an alert condition in the alert language. Deterministic and fast; what it
 * cannot tell, it lists as missing, with sentences that would work.
 */
import type { JsonObject } from '../types.js';
import { findMoney } from './money.js';
import { leftover, readScheduleWords } from './schedule-words.js';

export type DraftCapability = 'http_check' | 'page_watch' | 'feed_watch' | 'summarize_page' | 'ask';

/** What the grammar read from a sentence. */
export interface SentenceDraft {
  capability: DraftCapability | null;
  inputs: JsonObject;
  /** Cron; from the sentence's words, or the capability's default. */
  schedule: string | null;
  /** True when the sentence named no schedule and the capability's default was taken. */
  scheduleDefault: boolean;
  /** The alert condition in the alert language ('' for none). */
  alert: string;
  alertMode: 'change' | 'every';
  /** A name from the sentence (the URL's host), before it is made unique. */
  name: string | null;
  /** Notes on what was assumed ("https:// added to example.com"). */
  notes: string[];
  /** What the sentence does not say and a draft needs. */
  missing: ('what' | 'url')[];
}

/** The schedule each capability takes when the sentence names none (README: "Say it in words"). */
export const DEFAULT_SCHEDULES: Record<DraftCapability, { cron: string; words: string }> = {
  http_check: { cron: '*/5 * * * *', words: 'every 5 minutes' },
  page_watch: { cron: '0 8 * * *', words: 'every day at 08:00' },
  feed_watch: { cron: '0 * * * *', words: 'every hour' },
  summarize_page: { cron: '0 8 * * *', words: 'every day at 08:00' },
  ask: { cron: '0 8 * * *', words: 'every day at 08:00' },
};

/** Sentences that work, for an answer that could not make a draft. */
export const EXAMPLE_SENTENCES = [
  'check https://example.com every 5 minutes and tell me when it is down',
  'tell me when https://shop.example/kettle drops under $100',
] as const;

/** A URL with a scheme, or a bare host: `example.com` (a known ending) or `shop.example/tv` (any ending, with a path). */
const URL_RE =
  /\bhttps?:\/\/[^\s<>"'`]+|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:(?:com|org|net|io|dev|app|co|de|uk|fr|es|it|nl|eu|info|shop|store|news|blog|me|ai|xyz)\b(?:\/[^\s<>"'`]*)?|[a-z]{2,24}\/[^\s<>"'`]*)/i;

const FEED_WORDS = /\b(feeds?|rss|atom|new (?:posts?|items?|articles?|episodes?|entries)|posts?|articles?|episodes?|blog|podcast|headlines)\b/i;
const SUMMARY_WORDS = /\b(summari[sz]e|summary|summaries|tl;?dr|digest of|key points)\b/i;
const PRICE_WORDS = /\b(price|prices|costs?|cheaper|expensive|drops?|falls?|under|below|less than|above|over|more than|at most|sale|discount|deal|in stock|out of stock|back in stock|sold out|sells? out|available|availability|restock(?:ed)?)\b|[$€£¥₹]/i;
const SLOW_WORDS = /\b(slow|slower|latency|response time|takes? (?:more|longer) than)\b[^.]*?\d+(?:\.\d+)?\s*(?:ms|milliseconds?|s|secs?|seconds?)\b/i;
const UPTIME_WORDS = /\b(up|down|offline|online|unreachable|not responding|responding|slow|slower|latency|uptime|ping|status|outage|goes down|is down|contains?|says)\b/i;
const CHANGE_WORDS = /\b(changes?|changed|updates?|updated|different)\b/i;

/**
 * Reads a sentence. Never throws: what it could not read is in `missing`, with the capability's
 * defaults filled in where the sentence is silent.
 */
export function draftSentence(sentence: string): SentenceDraft {
  const text = sentence.trim().replace(/\s+/g, ' ');
  const notes: string[] = [];
  const missing: SentenceDraft['missing'] = [];
  const urlMatch = URL_RE.exec(text);
  let url: string | null = null;
  if (urlMatch) {
    url = urlMatch[0].replace(/[),.;:!?]+$/, '');
    if (!/^https?:\/\//i.test(url)) {
      notes.push(`read ${url} as https://${url}`);
      url = `https://${url}`;
    }
  }
  // The rest of the sentence without its URL, so a host's words (".../status", "feed.example") do not pick the capability.
  const words = urlMatch ? `${text.slice(0, urlMatch.index)} ${text.slice(urlMatch.index + urlMatch[0].length)}` : text;
  const schedule = readScheduleWords(words);
  const capability = chooseCapability(words, schedule ? leftoverKeepingCase(words, schedule.phrases) : words, url);
  const inputs: JsonObject = {};
  let alert = '';
  let alertMode: SentenceDraft['alertMode'] = 'change';

  if (capability === null) missing.push('what');
  else if (capability !== 'ask' && url === null) missing.push('url');
  if (url !== null && capability !== 'ask') inputs.url = url;

  if (capability === 'page_watch') alert = pageCondition(words);
  else if (capability === 'http_check') {
    const contains = /\b(?:does ?n[o']?t|doesn't|no longer|stops?) (?:contain|say|show)(?:s|ing)? ["“']([^"”']+)["”']/i.exec(words) ?? /\b(?:contains?|says?|shows?) ["“']([^"”']+)["”']/i.exec(words);
    if (contains) inputs.contains = contains[1]!;
    alert = uptimeCondition(words, contains !== null);
  } else if (capability === 'feed_watch') {
    alert = 'count > 0';
    alertMode = 'every';
  } else if (capability === 'ask') {
    inputs.prompt = promptOf(text);
  }

  const scheduleDefault = schedule === null && capability !== null;
  return {
    capability,
    inputs,
    schedule: schedule?.cron ?? (capability ? DEFAULT_SCHEDULES[capability].cron : null),
    scheduleDefault,
    alert,
    alertMode,
    name: url ? nameFromUrl(url) : null,
    notes,
    missing,
  };
}

/** The capability the words ask for; `rest` is the sentence without its schedule words. */
function chooseCapability(words: string, rest: string, url: string | null): DraftCapability | null {
  if (SUMMARY_WORDS.test(words)) return url ? 'summarize_page' : 'ask';
  if (SLOW_WORDS.test(words)) return 'http_check';
  if (FEED_WORDS.test(words) || (url !== null && /(\/feed\/?|\/rss\/?|\.rss|\.atom|\/atom\.xml|\.xml)(\?|$)/i.test(url))) return 'feed_watch';
  if (PRICE_WORDS.test(words) || findMoney(words) !== null) return url ? 'page_watch' : url === null && /\?\s*$/.test(words) ? 'ask' : 'page_watch';
  if (UPTIME_WORDS.test(words)) return 'http_check';
  if (url !== null) return CHANGE_WORDS.test(words) ? 'page_watch' : 'http_check';
  const question = /\?\s*$/.test(words) || /^(ask|what|who|when|where|why|how|which|is|are|does|do|can|tell me|write|give me|list|find|suggest)\b/i.test(rest.trim());
  return question ? 'ask' : null;
}

/** page_watch: price below/above an amount, stock, or any change. */
function pageCondition(words: string): string {
  const parts: string[] = [];
  const money = findMoney(words);
  const amount = money?.value ?? numberAfterComparison(words);
  if (amount !== null) {
    const before = money ? words.slice(0, money.index) : words;
    const op = /\b(at most|no more than|or less|or cheaper|up to)\b/i.test(words)
      ? '<='
      : /\b(at least|or more)\b/i.test(words)
        ? '>='
        : /\b(above|over|more than|exceeds?|rises? above|goes up|higher than|greater than)\s*$/i.test(before.trim()) || /\b(above|over|more than|exceeds?|higher than)\b/i.test(before.split(/\b(?:and|or)\b/i).at(-1) ?? '')
          ? '>'
          : '<';
    parts.push(`price ${op} ${amount}`);
  }
  if (/\b(out of stock|sold out|sells? out|unavailable|no longer available)\b/i.test(words)) parts.push('in_stock == false');
  else if (/\b(back in stock|in stock|available|restock(?:ed)?|comes back)\b/i.test(words)) parts.push('in_stock == true');
  if (parts.length === 0 && CHANGE_WORDS.test(words)) parts.push('changed == true');
  return parts.join(/\bor\b/i.test(words) && parts.length > 1 ? ' or ' : ' and ');
}

/** A bare number after a comparison word ("drops below 100"), for amounts written without a currency. */
function numberAfterComparison(words: string): number | null {
  const m = /\b(?:below|under|less than|cheaper than|drops? (?:below|under|to)|falls? (?:below|under|to)|above|over|more than|at most|at least|no more than)\s+(\d+(?:[.,]\d{1,2})?)\b(?!\s*(?:ms|milliseconds?|s|sec|seconds?|minutes?|%))/i.exec(words);
  return m ? Number(m[1]!.replace(',', '.')) : null;
}

/** http_check: down, slow, or the text it should show. */
function uptimeCondition(words: string, hasContains: boolean): string {
  const parts: string[] = [];
  const slow = /\b(?:slower than|takes? (?:more|longer) than|over|above|more than)\s+(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?)\b/i.exec(words);
  if (slow) parts.push(`latency_ms > ${Math.round(Number(slow[1]) * (/^m/i.test(slow[2]!) ? 1 : 1000))}`);
  if (hasContains) parts.push(/\b(?:does ?n[o']?t|doesn't|no longer|stops?)\b/i.test(words) ? 'contains == false' : 'contains == true');
  if (parts.length === 0 || /\b(down|offline|unreachable|not responding|fails?|outage|broken|errors?)\b/i.test(words)) parts.unshift('ok == false');
  return [...new Set(parts)].join(' or ');
}

/** The question of an `ask`: the sentence without its schedule words. */
function promptOf(text: string): string {
  const schedule = readScheduleWords(text);
  const prompt = (schedule ? leftoverKeepingCase(text, schedule.phrases) : text)
    .replace(/^(?:every|each|on|at)\s+/i, '')
    .replace(/^ask\s+(?:me\s+)?/i, '')
    .replace(/[\s,;:–-]*\bask\s*$/i, '')
    .replace(/[\s,;:–-]+$/, '');
  return prompt.length > 0 ? prompt.charAt(0).toUpperCase() + prompt.slice(1) : text;
}

function leftoverKeepingCase(text: string, phrases: readonly string[]): string {
  let rest = text;
  for (const p of [...phrases].sort((a, b) => b.length - a.length)) rest = rest.replace(new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'), ' ');
  const cleaned = rest.replace(/\s+/g, ' ').replace(/\s+([?.!,])/g, '$1').trim();
  return leftover(cleaned, []) === '' ? '' : cleaned;
}

/** A name from a URL: its host without `www.`, with the path's last word when there is one. */
export function nameFromUrl(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname.replace(/^www\./, '');
    const last = u.pathname.split('/').filter(Boolean).at(-1)?.replace(/\.(html?|php|aspx?|xml|rss)$/i, '');
    const name = last && /^[\p{L}\p{N}_-]{2,40}$/u.test(last) ? `${host} ${last}` : host;
    return name.slice(0, 64);
  } catch {
    return 'automation';
  }
}
