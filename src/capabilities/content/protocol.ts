import type { FeedItem } from '../skills/feed-parse.js';
import type { PageSnapshot } from '../skills/page-extract.js';
import type { PageText } from '../skills/page-text.js';
import type { ChartSpec } from '../../charts/spec.js';

/** A fetched body as the main thread hands it to a content worker (copied, never shared). */
export interface BodyTask {
  body: Uint8Array;
  contentType: string | null;
  /** The final URL of the response: links resolve against it, errors name it. */
  url: string;
}

/** The work a content worker does, by task name: what it receives and what it answers. */
export interface ContentTasks {
  page: { input: BodyTask & { selector?: string }; output: PageSnapshot };
  feed: { input: BodyTask; output: FeedItem[] };
  pageText: { input: BodyTask & { maxChars: number }; output: PageText };
  /** A chart drawn as a PNG (not untrusted content, but work that would block the main thread just the same). */
  chart: { input: ChartSpec; output: Uint8Array };
}
export type ContentTaskName = keyof ContentTasks;

/** What the pool posts to a worker for one task. */
export type ContentTaskMessage = { [K in ContentTaskName]: { name: K; input: ContentTasks[K]['input'] } }[ContentTaskName];
