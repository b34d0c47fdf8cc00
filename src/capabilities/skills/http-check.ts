import { z } from 'zod';
import type { CapabilityDefinition, ExecutionRequest, ExecutionResult } from '../types.js';

export const httpCheckInputs = z.strictObject({
  url: z
    .string()
    .url('url must be a full http:// or https:// address')
    .refine((u) => /^https?:\/\//i.test(u), 'url must start with http:// or https://'),
  expected_status: z.number().int().min(100).max(599).optional(),
  timeout_seconds: z.number().int().min(1).max(60).optional(),
});

/** Bodies are read up to this many bytes (and counted that far). */
const MAX_BODY_BYTES = 5 * 1024 * 1024;
const DEFAULT_TIMEOUT_SECONDS = 15;
const USER_AGENT = 'StewardBot/0.1 (+uptime check)';

/**
 * GETs the URL and reports `{ok, status, latency_ms, bytes}` (plus `error` when it could not
 * connect). A site that is down is an output with `ok: false`, not a failed run: an uptime
 * check has to keep running (and alerting) exactly while the site is down.
 */
async function httpCheck(request: ExecutionRequest): Promise<ExecutionResult> {
  const inputs = httpCheckInputs.parse(request.inputs);
  const timeoutSeconds = inputs.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS;
  const timeout = AbortSignal.timeout(timeoutSeconds * 1000);
  const signal = AbortSignal.any([request.signal, timeout]);
  const started = performance.now();
  try {
    const response = await fetch(inputs.url, { signal, redirect: 'follow', headers: { 'user-agent': USER_AGENT } });
    let bytes = 0;
    if (response.body) {
      for await (const chunk of response.body) {
        bytes += (chunk as Uint8Array).byteLength;
        if (bytes >= MAX_BODY_BYTES) break;
      }
    }
    const ok = inputs.expected_status !== undefined ? response.status === inputs.expected_status : response.ok;
    return {
      output: { ok, status: response.status, latency_ms: Math.round(performance.now() - started), bytes },
      costUsd: 0,
    };
  } catch (error) {
    if (request.signal.aborted) throw error; // the run's own time limit: let the dispatcher report it
    const reason = timeout.aborted ? `GET ${inputs.url} timed out after ${timeoutSeconds} s` : describeFetchError(inputs.url, error);
    return {
      output: { ok: false, status: 0, latency_ms: Math.round(performance.now() - started), bytes: 0, error: reason },
      costUsd: 0,
    };
  }
}

function describeFetchError(url: string, error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error).message;
  return `GET ${url} failed: ${detail}`;
}

export const httpCheckCapability: CapabilityDefinition = {
  name: 'http_check',
  description: 'Checks that a URL answers (optionally with a given status) and how fast: uptime monitoring.',
  inputs: httpCheckInputs,
  example: '/automation create name:site-up capability:http_check schedule:*/5 * * * * inputs:url=https://example.com alert:ok == false',
  skill: httpCheck,
};
