import { StewardError, ValidationError, type ErrorCode } from '../../errors.js';
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

/** A StewardError (or any error) flattened so it crosses the thread boundary with its class and facts. */
export interface WireError {
  kind: 'validation' | 'steward' | 'other';
  code: ErrorCode;
  message: string;
  field: string | null;
  facts: Record<string, unknown>;
}

/** What a worker posts back: the value, or the error it threw (errors lose their class across threads otherwise). */
export type WireOutcome<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** Flattens what a task threw; facts are copied as plain data. */
export function toWire(error: unknown): WireError {
  if (error instanceof StewardError) {
    const facts = JSON.parse(JSON.stringify(error.facts)) as Record<string, unknown>;
    if (error instanceof ValidationError) return { kind: 'validation', code: error.code, message: error.message, field: error.field, facts };
    return { kind: 'steward', code: error.code, message: error.message, field: null, facts };
  }
  const message = error instanceof Error ? error.message || error.name : String(error);
  return { kind: 'other', code: 'content_error', message, field: null, facts: {} };
}

/** Rebuilds the error a worker reported, as the class it was thrown as (a plain Error for anything else). */
export function fromWire(wire: WireError): Error {
  if (wire.kind === 'validation') return new ValidationError(wire.field ?? 'inputs', wire.message, wire.facts);
  if (wire.kind === 'steward') return new StewardError(wire.code, wire.message, wire.facts);
  return new Error(wire.message);
}
