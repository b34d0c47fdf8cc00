import { z } from 'zod';
import type { JsonObject } from '../../automations/types.js';
import type { CapabilityDefinition, ExecutionRequest, ModelTask } from '../types.js';
import { parseCapabilityInputs } from '../inputs.js';
import { answerReader } from './answer-reading.js';

const fieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'fields must be names like price or in_stock');

export const askInputs = z.strictObject({
  prompt: z.string().trim().min(1, 'prompt must not be empty').max(4000, 'prompt must be at most 4000 characters'),
  fields: z.array(fieldName).min(1).max(20, 'at most 20 fields').optional(),
});

/** The model task of `ask`: the person's prompt, answered as a JSON object with the fields they named. */
function askTask(request: ExecutionRequest): ModelTask {
  const inputs = parseCapabilityInputs('ask', askInputs, request.inputs);
  const fields = inputs.fields;
  return {
    instructions: fields
      ? `${inputs.prompt}\n\nAnswer with a JSON object that has exactly these fields: ${fields.join(', ')}.`
      : `${inputs.prompt}\n\nAnswer with a JSON object.`,
    ...(fields
      ? {
          output: z.record(z.string(), z.unknown()).superRefine((answer: JsonObject, ctx) => {
            const missing = fields.filter((f) => !(f in answer));
            if (missing.length) ctx.addIssue({ code: 'custom', message: `missing field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` });
          }),
        }
      : {}),
  };
}

export const askDefinition: CapabilityDefinition = {
  name: 'ask',
  description: 'Asks the model a question or gives it a job (a digest, a summary, a judgement) and keeps its JSON answer.',
  inputs: askInputs,
  example:
    '/automation create name:rust-news capability:ask schedule:0 8 * * * inputs:{"prompt": "Three headlines about Rust this week", "fields": ["headlines"]}',
  modelTask: askTask,
  reader: answerReader,
};
