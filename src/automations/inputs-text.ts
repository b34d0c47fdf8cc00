import { ValidationError } from '../errors.js';
import type { JsonObject } from './types.js';
import { isJsonObject } from '../util/json.js';

/**
 * Reads the inputs a person typed: a JSON object (`{"url": "https://…"}`), or `key=value` pairs
 * separated by `;` or `,` (`url=https://example.com; expected_status=200`), where numbers and
 * true/false become numbers and booleans and "quoted" values stay text. Throws ValidationError
 * (field `inputs`) saying what is wrong and how to write it.
 */
export function parseInputsText(text: string): JsonObject {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new ValidationError('inputs', `inputs are not valid JSON (${(error as Error).message}); write {"key": "value"} or key=value; key=value`);
    }
    if (!isJsonObject(value)) {
      throw new ValidationError('inputs', 'inputs must be a JSON object like {"key": "value"}');
    }
    return value;
  }
  // A Map, not an object: keys such as constructor or __proto__ are ordinary input names here.
  const pairs = new Map<string, unknown>();
  // `;` separates pairs; so does a `,` that comes right before the next `key=` (people write both).
  for (const part of trimmed.split(/;|,\s*(?=[A-Za-z_][A-Za-z0-9_]*\s*=)/)) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = eq === -1 ? '' : part.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new ValidationError('inputs', `"${part.trim()}" is not a key=value pair; write key=value; key=value (or a JSON object)`);
    }
    if (pairs.has(key)) throw new ValidationError('inputs', `input "${key}" is given twice`);
    pairs.set(key, coerce(part.slice(eq + 1).trim()));
  }
  return Object.fromEntries(pairs);
}

function coerce(value: string): unknown {
  if (/^"(.*)"$/s.test(value)) return value.slice(1, -1);
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(value) && Number.isFinite(Number(value))) return Number(value);
  return value;
}
