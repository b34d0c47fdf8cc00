import { load } from 'cheerio';
import { assertDepth, assertElementCount } from '../content/limits.js';
import { cutText } from '../../util/text.js';

export interface PageText {
  title: string | null;
  description: string | null;
  headings: string[];
  /** The readable text: scripts, styles, navigation and forms left out, whitespace collapsed. */
  text: string;
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * The readable parts of an HTML page, `text` cut at `maxChars`. Throws StewardError
 * `element_cap` / `depth_cap` (naming `pageUrl`) for a page past the limits in content/limits.ts.
 * CPU-bound on hostile pages: the skill runs it in a content worker, never on the main thread.
 */
export function extractPageText(html: string, maxChars: number, pageUrl: string): PageText {
  assertElementCount(html, pageUrl, 'summarize_page');
  const $ = load(html);
  assertDepth($.root().get(0), pageUrl, 'summarize_page');
  const title = collapse($('title').first().text()) || null;
  const description = collapse($('meta[name="description"]').attr('content') ?? $('meta[property="og:description"]').attr('content') ?? '') || null;
  $('script, style, noscript, template, svg, nav, header, footer, form, aside, iframe').remove();
  const root = $('main').length ? $('main').first() : $('article').length ? $('article').first() : $('body');
  const headings = root
    .find('h1, h2, h3')
    .map((_, el) => collapse($(el).text()))
    .get()
    .filter((h) => h.length > 0);
  root.find('p, div, li, h1, h2, h3, h4, h5, h6, br, tr, section, article').after(' ');
  const text = collapse(root.text());
  return { title, description, headings, text: cutText(text, maxChars) };
}

