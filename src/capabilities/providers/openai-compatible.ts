import { z } from 'zod';
import { ModelCallError } from '../../errors.js';
import type { ModelProvider } from '../model-router.js';
import { cutText } from '../../util/text.js';

export interface OpenAiCompatibleOptions {
  /** The API base, e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8080/v1 (llama.cpp), http://127.0.0.1:8000/v1 (vLLM). */
  baseUrl: string;
  model: string;
  apiKey?: string;
}

const completionSchema = z.object({
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable() }), finish_reason: z.string().nullish() }))
    .min(1),
  usage: z.object({ prompt_tokens: z.number().nullish(), completion_tokens: z.number().nullish() }).nullish(),
});

/**
 * A local model behind an OpenAI-compatible chat completions endpoint (Ollama, llama.cpp server,
 * vLLM). It asks for a JSON object answer; answers are validated before use.
 */
export function createOpenAiCompatibleProvider(options: OpenAiCompatibleOptions): ModelProvider {
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return {
    provider: 'local',
    model: options.model,
    async complete(prompt, signal) {
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          signal,
          headers: {
            'content-type': 'application/json',
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          },
          body: JSON.stringify({
            model: options.model,
            max_tokens: prompt.maxTokens,
            response_format: { type: 'json_object' },
            messages: [
              { role: 'system', content: prompt.system },
              { role: 'user', content: prompt.user },
            ],
          }),
        });
      } catch (error) {
        if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        throw new ModelCallError('local model', `cannot be reached at ${endpoint} (${cause})`);
      }
      const text = await response.text();
      if (!response.ok) {
        throw new ModelCallError('local model', `answered ${response.status}: ${cutText(text, 200)}`, { status: response.status });
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new ModelCallError('local model', `answered something that is not JSON: ${JSON.stringify(cutText(text, 120))}`);
      }
      const parsed = completionSchema.safeParse(body);
      if (!parsed.success) throw new ModelCallError('local model', 'answered with an unexpected shape (no choices[0].message)');
      return {
        text: parsed.data.choices[0]!.message.content ?? '',
        inputTokens: parsed.data.usage?.prompt_tokens ?? 0,
        outputTokens: parsed.data.usage?.completion_tokens ?? 0,
        cutAtMaxTokens: parsed.data.choices[0]!.finish_reason === 'length',
      };
    },
  };
}
