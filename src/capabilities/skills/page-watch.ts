import { z } from 'zod';
import { pageWatchChart } from './page-watch-chart.js';
import { ValidationError } from '../../errors.js';
import type { ContentWorkers } from '../content/pool.js';
import { selectorProblem, selectorProblemMessage } from '../content/selector-grammar.js';
import type { Fetcher } from '../http/fetcher.js';
import { httpUrlInput, requireSuccess } from '../http/response.js';
import type { CapabilityDefinition, ExecutionRequest, ExecutionResult } from '../types.js';
import { pageWatchReader } from './page-watch-reading.js';
import { parseCapabilityInputs } from '../inputs.js';
import type { PageSnapshot } from './page-extract.js';

export type { PageSnapshot } from './page-extract.js';

export const pageWatchInputs = z.strictObject({
  url: httpUrlInput,
  selector: z
    .string()
    .trim()
    .min(1, 'selector must not be empty')
    .max(200, 'selector must be at most 200 characters')
    .superRefine((selector, ctx) => {
      const problem = selectorProblem(selector);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: selectorProblemMessage(selector, problem) });
    })
    .optional(),
});

const PAGE_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5';

const lastSnapshot = z.object({
  title: z.string().nullable(),
  price: z.number().nullable(),
  currency: z.string().nullable(),
  in_stock: z.boolean().nullable(),
  text: z.string().nullable(),
});

/**
 * The page_watch skill: fetches the page through `fetcher`, extracts a {@link PageSnapshot} in
 * `workers` (terminated if the run's time limit passes) and reports `changed` against the
 * previous run's snapshot (`state.last`; false on the first run). Throws on a non-2xx answer, a
 * FetchError, a selector that is invalid or outside the grammar (ValidationError: an automation
 * saved before the grammar was limited fails here, saying why), or a page past the element or
 * depth cap; the new state is `{last}`.
 */
export function createPageWatch(fetcher: Fetcher, workers: ContentWorkers): NonNullable<CapabilityDefinition['skill']> {
  return async (request: ExecutionRequest): Promise<ExecutionResult> => {
    const inputs = parseCapabilityInputs('page_watch', pageWatchInputs, request.inputs);
    const response = await fetcher(inputs.url, { signal: request.signal, accept: PAGE_ACCEPT });
    requireSuccess(response, inputs.url);
    const task = { body: response.body, contentType: response.headers['content-type'] ?? null, url: response.url, ...(inputs.selector === undefined ? {} : { selector: inputs.selector }) };
    const snapshot = await workers.run('page', task, request.signal);
    const previous = lastSnapshot.safeParse(request.state.last);
    // The picture and where the price was read are shown, not watched: a new image URL (a CDN's
    // cache key) is no change, nor is a price now read from the page's markup instead of its text.
    const { image: _image, price_source: _priceSource, ...watched } = snapshot;
    const changed = previous.success && (Object.keys(watched) as (keyof typeof watched)[]).some((key) => previous.data[key] !== watched[key]);
    return { output: { ...snapshot, changed }, costUsd: 0, state: { last: watched } };
  };
}

/** The page_watch capability, its skill fetching through `fetcher` and reading pages in `workers`. */
export const pageWatchDefinition = (fetcher: Fetcher, workers: ContentWorkers): CapabilityDefinition => ({
  name: 'page_watch',
  description: 'Watches a product or web page: title, price, currency, stock and the text of a CSS selector, and whether they changed.',
  inputs: pageWatchInputs,
  example: '/automation create name:kettle capability:page_watch schedule:0 8 * * * inputs:url=https://shop.example/kettle alert:price <= 100 and in_stock == true',
  skill: createPageWatch(fetcher, workers),
  comparison: { kind: 'fields', fields: ['title', 'price', 'currency', 'in_stock', 'text'], tolerance: 0.01 },
  reader: pageWatchReader,
  chart: pageWatchChart,
});
