/** How a feed_watch output reads: the new items as links (title → link), up to ten, then "and N more". */
import { z } from 'zod';
import { count, httpUrl, link, type OutputReader, type Reading, type ReadingContext } from '../reading.js';
import type { JsonObject } from '../../automations/types.js';

/** New items listed by name; the rest are counted. */
export const MAX_LISTED_ITEMS = 10;

const feedOutput = z.object({
  new_items: z.array(z.object({ title: z.string().nullable().optional(), link: z.string().nullable().optional() })),
  count: z.number().int().optional(),
  baseline: z.boolean().optional(),
  feed_items: z.number().int().optional(),
});

function read(output: JsonObject, context: ReadingContext): Reading {
  const o = feedOutput.parse(output);
  const total = Math.max(o.count ?? o.new_items.length, o.new_items.length);
  const listed = o.new_items.slice(0, MAX_LISTED_ITEMS).map((item) => `• ${link(item.title?.trim() || item.link || 'untitled', httpUrl(item.link))}`);
  const more = total - listed.length;
  const lines = o.baseline
    ? [`First look at the feed: ${count(o.feed_items ?? 0, 'item')} noted, new ones are reported from the next run.`]
    : total === 0
      ? ['Nothing new.']
      : [...listed, ...(more > 0 ? [`and ${more} more`] : [])];
  return {
    title: total > 0 ? `${context.name}: ${count(total, 'new item')}` : context.name,
    url: null,
    lines,
    fields: [],
    tone: 'neutral',
    thumbnail: null,
  };
}

/** feed_watch's reader. */
export const feedWatchReader: OutputReader = { read };
