import type { z } from 'zod';
import { DatabaseError } from '../errors.js';

/**
 * Parses a JSON column with its zod schema. Text that is not JSON, or JSON of another shape, is
 * a DatabaseError naming the column and row.
 */
export function parseJsonColumn<T>(schema: z.ZodType<T>, text: string, column: string, id: number | string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DatabaseError(`${column} of row ${id} is not valid JSON`, { column, id });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new DatabaseError(`${column} of row ${id} has an unexpected shape: ${parsed.error.issues[0]?.message}`, { column, id });
  }
  return parsed.data;
}
