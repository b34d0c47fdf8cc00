import { z } from 'zod';
import type { Fetcher } from '../http/fetcher.js';
import type { ContentWorkers } from '../content/pool.js';
import { httpUrlInput, requireSuccess } from '../http/response.js';
import type { CapabilityDefinition, ExecutionRequest, ExecutionResult, ModelTask } from '../types.js';
import { firstSentences } from '../../util/text.js';
import type { PageText } from './page-text.js';
import { parseCapabilityInputs } from '../inputs.js';
import { answerReader } from './answer-reading.js';
import { cutText } from '../../util/text.js';

export const summarizePageInputs = z.strictObject({
  url: httpUrlInput,
  max_points: z.number().int().min(1).max(10).optional(),
});

const summarySchema = z.object({ summary: z.string().min(1), key_points: z.array(z.string()) });

/** Page text sent to the model: enough for a summary, bounded so a huge page cannot run up the bill. */
const MODEL_TEXT_CHARS = 12_000;
/** The page title and description sent along are cut at this length: a huge `<title>` must not run up the bill either. */
const MODEL_TITLE_CHARS = 300;
const MODEL_DESCRIPTION_CHARS = 1_000;
/** Headings kept as key points, each cut at MODEL_TITLE_CHARS. */
const MAX_HEADINGS = 50;

/** Fetches the page here, reads its text in a content worker (terminated if the run's time limit passes). */
async function fetchPageText(deps: SummarizeDeps, request: ExecutionRequest): Promise<{ url: string; page: PageText; maxPoints: number }> {
  const inputs = parseCapabilityInputs('summarize_page', summarizePageInputs, request.inputs);
  const response = await deps.fetcher(inputs.url, { signal: request.signal, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5' });
  requireSuccess(response, inputs.url);
  const page = await deps.workers.run('pageText', { body: response.body, contentType: response.headers['content-type'] ?? null, url: response.url, maxChars: MODEL_TEXT_CHARS }, request.signal);
  return {
    url: response.url,
    page: {
      ...page,
      title: page.title === null ? null : cutText(page.title, MODEL_TITLE_CHARS),
      description: page.description === null ? null : cutText(page.description, MODEL_DESCRIPTION_CHARS),
      headings: page.headings.slice(0, MAX_HEADINGS).map((h) => cutText(h, MODEL_TITLE_CHARS)),
    },
    maxPoints: inputs.max_points ?? 5,
  };
}

interface SummarizeDeps {
  fetcher: Fetcher;
  workers: ContentWorkers;
}

/** The claude_native path: the page's text goes to the model, which answers {summary, key_points}. */
function summarizeTask(deps: SummarizeDeps) {
  return async (request: ExecutionRequest): Promise<ModelTask> => {
    const { url, page, maxPoints } = await fetchPageText(deps, request);
    return {
      instructions: `Summarize the web page in context. Answer {"summary": "two or three sentences", "key_points": [at most ${maxPoints} short strings]}.`,
      context: { url, title: page.title, text: page.text },
      output: summarySchema,
    };
  };
}

/**
 * The local skill (state `sandbox` until someone promotes it): an extractive summary, the page's
 * description or first sentences, and its headings as key points. No model, no cost.
 */
function summarizeLocally(deps: SummarizeDeps) {
  return async (request: ExecutionRequest): Promise<ExecutionResult> => {
    const { page, maxPoints } = await fetchPageText(deps, request);
    const summary = page.description ?? firstSentences(page.text, 2);
    const keyPoints = (page.headings.length ? page.headings : [firstSentences(page.text, 4)]).slice(0, maxPoints);
    return { output: { summary, key_points: keyPoints }, costUsd: 0 };
  };
}

/** The summarize_page capability: pages fetched through `fetcher`, read in `workers`. */
export const summarizePageDefinition = (fetcher: Fetcher, workers: ContentWorkers): CapabilityDefinition => ({
  name: 'summarize_page',
  description: 'Reads a web page and summarizes it: {summary, key_points}.',
  inputs: summarizePageInputs,
  example: '/automation create name:changelog capability:summarize_page schedule:0 9 * * 1 inputs:url=https://example.com/changelog',
  skill: summarizeLocally({ fetcher, workers }),
  skillVersion: '1',
  // People read it as text: a judge scores the facts, not the wording.
  comparison: { kind: 'text', fields: ['summary', 'key_points'] },
  modelTask: summarizeTask({ fetcher, workers }),
  reader: answerReader,
});
