import { z } from 'zod';
import { StewardError } from '../../errors.js';
import { redactUrl } from '../../redact.js';
import type { FetchedResponse } from './fetcher.js';

export { decodeBody } from './decode-body.js';

/** A URL input of a skill: a full http:// or https:// address. */
export const httpUrlInput = z
  .string()
  .superRefine((u, ctx) => {
    const problem = urlProblem(u);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ format: 'uri' }); // the JSON Schema /capabilities and the seeded rows show

/** What is wrong with a URL a person typed, in one sentence (with the fix where there is an obvious one), or null. */
function urlProblem(u: string): string | null {
  const text = u.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(text) && !/^https?:/i.test(text)) return 'url must start with http:// or https://';
  if (!/^https?:\/\//i.test(text)) {
    return /^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+(:\d+)?([/?#]\S*)?$/u.test(text)
      ? `url "${text}" has no http:// or https://: did you mean https://${text}?`
      : 'url must be a full http:// or https:// address';
  }
  try {
    new URL(text);
    return null;
  } catch {
    return 'url must be a full http:// or https:// address';
  }
}

/** Throws the run's error (`GET https://… answered 404`, the URLs without user info or query) unless the response is 2xx. */
export function requireSuccess(response: FetchedResponse, requestedUrl: string): void {
  if (response.status < 200 || response.status > 299) {
    const url = redactUrl(requestedUrl);
    throw new StewardError('http_status', `GET ${url} answered ${response.status}`, { url, finalUrl: redactUrl(response.url), status: response.status });
  }
}
