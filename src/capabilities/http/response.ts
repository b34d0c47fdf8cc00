import { z } from 'zod';
import { StewardError } from '../../errors.js';
import { redactUrl } from '../../redact.js';
import type { FetchedResponse } from './fetcher.js';

export { decodeBody } from './decode-body.js';

/** A URL input of a skill: a full http:// or https:// address. */
export const httpUrlInput = z
  .string()
  .url('url must be a full http:// or https:// address')
  .refine((u) => /^https?:\/\//i.test(u), 'url must start with http:// or https://');

/** Throws the run's error (`GET https://… answered 404`, the URLs without user info or query) unless the response is 2xx. */
export function requireSuccess(response: FetchedResponse, requestedUrl: string): void {
  if (response.status < 200 || response.status > 299) {
    const url = redactUrl(requestedUrl);
    throw new StewardError('http_status', `GET ${url} answered ${response.status}`, { url, finalUrl: redactUrl(response.url), status: response.status });
  }
}
