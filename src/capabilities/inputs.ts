import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/**
 * Parses a capability's inputs with its schema and returns the parsed value. Throws
 * ValidationError (field `inputs`, facts `problems`) whose message names each offending input and
 * what it expects (`inputs for http_check are not valid: url is required`), never a zod dump;
 * `example` (the inputs of a working `create` line) is appended when given.
 */
export function parseCapabilityInputs<S extends z.ZodType>(capability: string, schema: S, inputs: unknown, example?: string | null): z.output<S> {
  const parsed = schema.safeParse(inputs);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : 'inputs';
    if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return `${where} is required`;
    if (issue.code === 'unrecognized_keys') return `${issue.keys.map((k) => `"${k}"`).join(', ')} is not an input of ${capability}`;
    return `${where}: ${issue.message}`;
  });
  throw new ValidationError('inputs', `inputs for ${capability} are not valid: ${problems.join('; ')}${example ? ` (for example: ${example})` : ''}`, { problems });
}
