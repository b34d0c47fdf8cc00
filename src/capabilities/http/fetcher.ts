import { StewardError } from '../../errors.js';

/** How every skill fetches URLs: one policy for the whole bot. */
export interface FetchPolicy {
  /** Allow loopback, private, link-local and metadata addresses (ALLOW_PRIVATE_URLS). */
  allowPrivate: boolean;
  /** Default time limit of one request, redirects included. */
  timeoutMs: number;
  /** Bodies larger than this are refused (or cut, with `truncate`). */
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
}

export interface FetchOptions {
  /** The run's signal: aborting it aborts the request. */
  signal?: AbortSignal;
  /** Overrides the policy's time limit for this request. */
  timeoutMs?: number;
  /** Value of the Accept header. */
  accept?: string;
  /** Cut the body at maxBytes instead of failing (http_check counts bytes, it does not need them all). */
  truncate?: boolean;
}

/** A fetched response: the final URL after redirects, its status, headers and body. */
export interface FetchedResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** True when the body was cut at maxBytes (only with `truncate`). */
  truncated: boolean;
  latencyMs: number;
  /** The URLs redirected through, in order. */
  redirects: string[];
}

export type FetchErrorKind = 'timeout' | 'blocked' | 'network' | 'too_large' | 'too_many_redirects' | 'invalid_url' | 'aborted';

/** A request that did not produce a response; the message reads like "GET https://… timed out after 15 s". */
export class FetchError extends StewardError {
  readonly kind: FetchErrorKind;
  readonly url: string;
  constructor(kind: FetchErrorKind, url: string, message: string) {
    super(`fetch_${kind}`, message, { kind, url });
    this.kind = kind;
    this.url = url;
  }
}

/** GETs a URL under the policy. Throws FetchError; any HTTP status (404, 503…) is a response, not an error. */
export type Fetcher = (url: string, options?: FetchOptions) => Promise<FetchedResponse>;
