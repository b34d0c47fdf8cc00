/**
 * What feed_watch keeps of an item. In a module of their own, so the main thread (feed-watch.ts)
 * reads them without loading the feed parser (cheerio, feedsmith: they run in content workers).
 */

/** Longest item title kept (characters); longer ones end in "…". */
export const MAX_TITLE_CHARS = 300;
/** Longest item link kept; a longer one is left out (a cut link would lead nowhere). */
export const MAX_LINK_CHARS = 2_000;
/** Longest item id kept in the state as written; a longer one is kept as `hash:` + a hash of it. */
export const MAX_ID_CHARS = 200;
