/**
 * The tasks of a content worker thread (loaded by src/util/worker-entry.mjs; see pool.ts). Each task
 * decodes the body, parses and extracts, and answers a {@link WireOutcome}. Nothing here touches
 * the network, the database or the main thread's state.
 */
import { parentPort } from 'node:worker_threads';
import { decodeBody } from '../http/decode-body.js';
import { parseFeedItems } from '../skills/feed-parse.js';
import { extractPage } from '../skills/page-extract.js';
import { extractPageText } from '../skills/page-text.js';
import { toWire, type WireOutcome } from '../../util/wire-error.js';
import type { ContentTaskMessage, ContentTaskName, ContentTasks } from './protocol.js';

function answer<K extends ContentTaskName>(name: K, work: () => ContentTasks[K]['output']): WireOutcome<ContentTasks[K]['output']> {
  parentPort?.postMessage({ taskStarted: name });
  try {
    return { ok: true, value: work() };
  } catch (error) {
    return { ok: false, error: toWire(error) };
  }
}

/** The body as text (structured clone hands a Buffer over as a plain Uint8Array; decodeBody reads either). */
const text = (task: { body: Uint8Array; contentType: string | null }) => decodeBody(task.body, task.contentType);

/** page_watch: the page's snapshot. */
function page(task: ContentTasks['page']['input']): WireOutcome<ContentTasks['page']['output']> {
  return answer('page', () => extractPage(text(task), task.url, task.selector));
}

/** feed_watch: the feed's items, in feed order. */
function feed(task: ContentTasks['feed']['input']): WireOutcome<ContentTasks['feed']['output']> {
  return answer('feed', () => parseFeedItems(text(task), task.contentType, task.url));
}

/** summarize_page: the page's readable text. */
function pageText(task: ContentTasks['pageText']['input']): WireOutcome<ContentTasks['pageText']['output']> {
  return answer('pageText', () => extractPageText(text(task), task.maxChars, task.url));
}

/** Draws a chart; the drawing library is loaded on the first chart, so workers that only parse pages never load it. */
async function chart(spec: ContentTasks['chart']['input']): Promise<WireOutcome<ContentTasks['chart']['output']>> {
  try {
    const { drawChart } = await import('../../charts/draw.js');
    return answer('chart', () => drawChart(spec));
  } catch (error) {
    return { ok: false, error: toWire(error) };
  }
}

/** Runs one task in this thread and answers its outcome; a task's error is part of the answer, never thrown. */
export function runContentTask(message: ContentTaskMessage): WireOutcome<ContentTasks[ContentTaskName]['output']> | Promise<WireOutcome<ContentTasks[ContentTaskName]['output']>> {
  switch (message.name) {
    case 'page':
      return page(message.input);
    case 'feed':
      return feed(message.input);
    case 'pageText':
      return pageText(message.input);
    case 'chart':
      return chart(message.input);
  }
}

export default runContentTask;
