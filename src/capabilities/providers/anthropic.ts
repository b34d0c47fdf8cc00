import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { ModelCallError } from '../../errors.js';
import type { ModelProvider } from '../model-router.js';

export interface AnthropicProviderOptions {
  apiKey: string;
  model: string;
  /** Defaults to the SDK's own (which honours ANTHROPIC_BASE_URL). */
  baseURL?: string;
  /** Retries of 429/529/5xx answers with the SDK's backoff (default 2). The run's time limit still holds. */
  maxRetries?: number;
}

/** The part of a Messages API answer Steward reads; the SDK does not validate answers, so we do. */
const messageSchema = z.object({
  content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  stop_reason: z.string().nullish(),
  usage: z
    .object({
      input_tokens: z.number().nullish(),
      output_tokens: z.number().nullish(),
      cache_creation_input_tokens: z.number().nullish(),
      cache_read_input_tokens: z.number().nullish(),
    })
    .partial()
    .nullish(),
});

type Sdk = typeof import('@anthropic-ai/sdk').default;

/**
 * Claude through the official SDK. The SDK (~0.4 s to load) is loaded with the first call, not at
 * start-up: a bot whose model work waits for a key, or that runs checks only, never loads it.
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): ModelProvider {
  let sdk: Promise<{ Anthropic: Sdk; client: Anthropic }> | null = null;
  const connect = () =>
    (sdk ??= import('@anthropic-ai/sdk').then(({ default: Anthropic }) => ({
      Anthropic,
      client: new Anthropic({
        apiKey: options.apiKey,
        ...(options.baseURL ? { baseURL: options.baseURL } : {}),
        maxRetries: options.maxRetries ?? 2,
      }),
    })));
  return {
    provider: 'anthropic',
    model: options.model,
    async complete(prompt, signal) {
      let raw: unknown;
      const { Anthropic, client } = await connect();
      try {
        raw = await client.messages.create(
          {
            model: options.model,
            max_tokens: prompt.maxTokens,
            system: prompt.system,
            messages: [{ role: 'user', content: prompt.user }],
          },
          { signal },
        );
      } catch (error) {
        throw describeAnthropicError(Anthropic, error, signal);
      }
      const parsed = messageSchema.safeParse(raw);
      if (!parsed.success) throw new ModelCallError('Claude', 'answered with an unexpected shape (no content)');
      const usage = parsed.data.usage ?? {};
      return {
        text: parsed.data.content.flatMap((block) => (block.type === 'text' && block.text ? [block.text] : [])).join(''),
        inputTokens: (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0),
        outputTokens: usage.output_tokens ?? 0,
        cutAtMaxTokens: parsed.data.stop_reason === 'max_tokens',
      };
    },
  };
}

function describeAnthropicError(Anthropic: Sdk, error: unknown, signal: AbortSignal): Error {
  if (signal.aborted) return signal.reason instanceof Error ? signal.reason : new Error('aborted');
  if (error instanceof Anthropic.APIError && error.status !== undefined) {
    const body = error.error as { error?: { type?: string; message?: string } } | undefined;
    const type = body?.error?.type ?? 'error';
    const detail = body?.error?.message ? `: ${body.error.message}` : '';
    return new ModelCallError('Claude', `answered ${error.status} ${type}${detail}`, { status: error.status, type });
  }
  if (error instanceof Anthropic.APIConnectionTimeoutError) return new ModelCallError('Claude', 'timed out');
  if (error instanceof Anthropic.APIConnectionError) return new ModelCallError('Claude', `cannot be reached (${error.message})`);
  if (error instanceof SyntaxError) return new ModelCallError('Claude', 'answered something that is not JSON');
  return new ModelCallError('Claude', `failed: ${error instanceof Error ? error.message : String(error)}`);
}
