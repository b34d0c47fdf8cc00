
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
  /**
   * Requests to one host name at once (MAX_CONCURRENT_PER_HOST); more wait their turn, and the
   * wait does not count against the request's time limit. Default 8.
   */
  maxPerHost?: number;
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

/** GETs a URL under the policy. Throws FetchError (src/errors.ts); any HTTP status (404, 503…) is a response, not an error. */
export type Fetcher = (url: string, options?: FetchOptions) => Promise<FetchedResponse>;
