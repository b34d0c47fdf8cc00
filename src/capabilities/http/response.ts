import { z } from 'zod';
import { StewardError } from '../../errors.js';
import { redactUrl } from '../../redact.js';
import type { FetchedResponse } from './fetcher.js';

/** A URL input of a skill: a full http:// or https:// address. */
export const httpUrlInput = z
  .string()
  .url('url must be a full http:// or https:// address')
  .refine((u) => /^https?:\/\//i.test(u), 'url must start with http:// or https://');

/**
 * Decodes a fetched body to text: the charset of the Content-Type header, else an XML prolog's
 * `encoding`, else an HTML `<meta charset>`, else UTF-8 (an unknown label also falls back to UTF-8).
 */
export function decodeBody(body: Buffer, contentType: string | null | undefined): string {
  const head = body.subarray(0, 2048).toString('latin1');
  const label =
    /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1] ??
    /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)/i.exec(head)?.[1] ??
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] ??
    'utf-8';
  try {
    return new TextDecoder(label).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

/** Throws the run's error (`GET https://… answered 404`, the URLs without user info or query) unless the response is 2xx. */
export function requireSuccess(response: FetchedResponse, requestedUrl: string): void {
  if (response.status < 200 || response.status > 299) {
    const url = redactUrl(requestedUrl);
    throw new StewardError('http_status', `GET ${url} answered ${response.status}`, { url, finalUrl: redactUrl(response.url), status: response.status });
  }
}
