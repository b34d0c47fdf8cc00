import { z } from 'zod';
import { httpCheckChart } from './http-check-chart.js';
import { FetchError } from '../../errors.js';
import type { Fetcher } from '../http/fetcher.js';
import { decodeBody, httpUrlInput } from '../http/response.js';
import type { CapabilityDefinition, ExecutionRequest, ExecutionResult } from '../types.js';
import { parseCapabilityInputs } from '../inputs.js';
import { httpCheckReader } from './http-check-reading.js';

export const httpCheckInputs = z.strictObject({
  url: httpUrlInput,
  expected_status: z.number().int().min(100).max(599).optional(),
  contains: z.string().min(1).max(500).optional(),
  timeout_seconds: z.number().int().min(1).max(60).optional(),
});

/** Failures that mean "the site is down" (an output), as opposed to a check that cannot be made (a failed run). */
const DOWN: ReadonlySet<FetchError['kind']> = new Set(['timeout', 'network', 'too_many_redirects']);

/**
 * GETs the URL and reports `{ok, status, latency_ms, bytes, contains}` (plus `error` when it could
 * not connect). A site that is down is an output with `ok: false`, not a failed run: an uptime
 * check has to keep running (and alerting) exactly while the site is down. A URL the fetch policy
 * refuses (a private address) fails the run. `contains` is null when no text was asked for.
 */
export function createHttpCheck(fetcher: Fetcher): NonNullable<CapabilityDefinition['skill']> {
  return async (request: ExecutionRequest): Promise<ExecutionResult> => {
    const inputs = parseCapabilityInputs('http_check', httpCheckInputs, request.inputs);
    const started = performance.now();
    const options = {
      signal: request.signal,
      truncate: true,
      ...(inputs.timeout_seconds ? { timeoutMs: inputs.timeout_seconds * 1000 } : {}),
    };
    try {
      const response = await fetcher(inputs.url, options);
      const contains = inputs.contains === undefined ? null : decodeBody(response.body, response.headers['content-type']).includes(inputs.contains);
      const statusOk = inputs.expected_status !== undefined ? response.status === inputs.expected_status : response.status >= 200 && response.status < 400;
      return {
        output: { ok: statusOk && contains !== false, status: response.status, latency_ms: response.latencyMs, bytes: response.body.length, contains },
        costUsd: 0,
      };
    } catch (error) {
      if (!(error instanceof FetchError) || !DOWN.has(error.kind)) throw error;
      return {
        output: { ok: false, status: 0, latency_ms: Math.round(performance.now() - started), bytes: 0, contains: null, error: error.message },
        costUsd: 0,
      };
    }
  };
}

export const httpCheckDefinition = (fetcher: Fetcher): CapabilityDefinition => ({
  name: 'http_check',
  description: 'Checks that a URL answers (optionally with a given status or text) and how fast: uptime monitoring.',
  inputs: httpCheckInputs,
  example: '/automation create name:site-up capability:http_check schedule:*/5 * * * * inputs:url=https://example.com alert:ok == false',
  skill: createHttpCheck(fetcher),
  comparison: { kind: 'fields', fields: ['ok', 'status', 'contains'] },
  reader: httpCheckReader,
  chart: httpCheckChart,
});
