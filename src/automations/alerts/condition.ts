/**
 * Alert conditions in their JSON form: leaves `{field, op, value}` (or `{field, op: 'exists'}`) and
 * compounds `{all_of: [...]}` / `{any_of: [...]}`, evaluated against a run's JSON output.
 */
import { isJsonObject } from '../../util/json.js';
import { z } from 'zod';
import { AlertConditionError } from '../../errors.js';

export const OPS = ['==', '!=', '<', '<=', '>', '>=', 'contains', 'exists'] as const;
export type Op = (typeof OPS)[number];
export type Scalar = string | number | boolean | null;
export type Leaf = { field: string; op: Exclude<Op, 'exists'>; value: Scalar } | { field: string; op: 'exists' };
export type Condition = Leaf | { all_of: Condition[] } | { any_of: Condition[] };

const VALUE_OPS = ['==', '!=', '<', '<=', '>', '>=', 'contains'] as const;

/** One path segment: letters, digits, `_` and `-` (regex source, for the text parser too). */
export const FIELD_SEGMENT_SOURCE = '[\\p{L}\\p{M}\\p{Nd}_-]+';
const FIELD_PATH = new RegExp(`^${FIELD_SEGMENT_SOURCE}(?:\\.${FIELD_SEGMENT_SOURCE})*$`, 'u');

/** True for a usable field path: non-empty dot-separated segments of letters, digits, `_`, `-`. */
export function isFieldPath(path: string): boolean {
  return FIELD_PATH.test(path);
}

const fieldSchema = z.string().regex(FIELD_PATH, 'a field path is dot-separated names of letters, digits, _ or -');
const scalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Validates the JSON form. Compounds must list at least one condition (empty ones have no text form). */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ field: fieldSchema, op: z.enum(VALUE_OPS), value: scalarSchema }),
    z.strictObject({ field: fieldSchema, op: z.literal('exists') }),
    z.strictObject({ all_of: z.array(conditionSchema).min(1) }),
    z.strictObject({ any_of: z.array(conditionSchema).min(1) }),
  ]),
);

/**
 * Parses untrusted JSON (e.g. from the DB) into a Condition. null/undefined → null (no condition:
 * never fires). Throws AlertConditionError naming the first thing wrong and where it is.
 */
export function parseCondition(json: unknown): Condition | null {
  if (json === null || json === undefined) return null;
  const result = conditionSchema.safeParse(json);
  if (result.success) return result.data;
  const problem = findProblem(json, 'condition') ?? result.error.issues[0]?.message ?? 'invalid';
  throw new AlertConditionError(`alert condition: ${problem}`, { problem });
}

const isRecord = isJsonObject;

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** Describes the first problem in an unvalidated condition, for a message a person can act on. */
function findProblem(json: unknown, where: string): string | null {
  if (!isRecord(json)) return `${where} must be an object, got ${kindOf(json)}`;
  const keys = Object.keys(json);
  for (const key of ['all_of', 'any_of'] as const) {
    if (!(key in json)) continue;
    if (keys.length !== 1) return `unknown shape at ${where}: ${key} must be the only key, got ${keys.join(', ')}`;
    const children = json[key];
    if (!Array.isArray(children)) return `${where}.${key} must be an array, got ${kindOf(children)}`;
    if (children.length === 0) return `${where}.${key} must list at least one condition`;
    for (const [i, child] of children.entries()) {
      const problem = findProblem(child, `${where}.${key}[${i}]`);
      if (problem) return problem;
    }
    return null;
  }
  if (!('op' in json)) {
    return `unknown shape at ${where}: expected {field, op, value}, {all_of: [...]} or {any_of: [...]}, got keys ${keys.join(', ') || '(none)'}`;
  }
  const { op, field } = json;
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
    return `unknown op ${JSON.stringify(op)} at ${where} (expected one of ${OPS.join(' ')})`;
  }
  if (typeof field !== 'string' || !isFieldPath(field)) {
    return `invalid field ${JSON.stringify(field)} at ${where}: a field path is dot-separated names of letters, digits, _ or -`;
  }
  const allowed = op === 'exists' ? ['field', 'op'] : ['field', 'op', 'value'];
  const extra = keys.filter((k) => !allowed.includes(k));
  if (extra.length > 0) return `unknown key ${extra.join(', ')} at ${where} (op ${op} takes ${allowed.join(', ')})`;
  if (op !== 'exists' && !scalarSchema.safeParse(json.value).success) {
    return `value at ${where} must be a string, a finite number, true, false or null, got ${kindOf(json.value)}`;
  }
  return null;
}

/**
 * Reads a dotted path ("offer.price", "items.0.title": numeric segments index arrays). Only own
 * properties of plain objects and array indexes are followed; `undefined` counts as not found.
 */
export function readPath(output: unknown, path: string): { found: boolean; value: unknown } {
  let current = output;
  for (const segment of path.split('.')) {
    if (segment === '') return { found: false, value: undefined };
    if (Array.isArray(current)) {
      if (!/^(?:0|[1-9]\d*)$/.test(segment)) return { found: false, value: undefined };
      current = current[Number(segment)];
    } else if (isRecord(current) && Object.hasOwn(current, segment)) {
      current = current[segment];
    } else {
      return { found: false, value: undefined };
    }
    if (current === undefined) return { found: false, value: undefined };
  }
  return { found: true, value: current };
}

type Kind = 'number' | 'string' | 'boolean' | 'null' | 'other';

/** NaN and ±Infinity are 'other', so they never compare. */
function kind(value: unknown): Kind {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : 'other';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  return 'other';
}

function compare(actual: unknown, op: Exclude<Op, 'exists'>, expected: unknown): boolean {
  if (op === 'contains') {
    if (typeof actual === 'string' && typeof expected === 'string') {
      return actual.toLowerCase().includes(expected.toLowerCase());
    }
    return Array.isArray(actual) && actual.some((item) => compare(item, '==', expected));
  }
  const k = kind(actual);
  if (k === 'other' || k !== kind(expected)) return false;
  if (op === '==') return actual === expected;
  if (op === '!=') return actual !== expected;
  if (k !== 'number' && k !== 'string') return false;
  const [a, b] = [actual as number | string, expected as number | string];
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
  }
}

/**
 * True when the condition holds for `output`; a null condition is false. A missing field makes a
 * leaf false (except `exists`: present and not null); incomparable types are false for every op;
 * empty compounds are false. Never throws on any output value; throws AlertConditionError only
 * for an unknown op or shape (when handed something that was not validated).
 */
export function evaluateCondition(condition: Condition | null, output: Record<string, unknown>): boolean {
  if (condition === null) return false;
  const node: unknown = condition;
  if (!isRecord(node)) throw new AlertConditionError(`alert condition: unknown shape (${kindOf(node)})`, { shape: kindOf(node) });
  if (Array.isArray(node.all_of)) {
    return node.all_of.length > 0 && node.all_of.every((c: Condition) => evaluateCondition(c, output));
  }
  if (Array.isArray(node.any_of)) return node.any_of.some((c: Condition) => evaluateCondition(c, output));
  const { field, op } = node;
  if (typeof field !== 'string' || !('op' in node)) {
    const keys = Object.keys(node);
    throw new AlertConditionError(`alert condition: unknown shape with keys ${keys.join(', ') || '(none)'}`, { keys });
  }
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
    throw new AlertConditionError(`alert condition: unknown op ${JSON.stringify(op)} on field "${field}"`, { op, field });
  }
  const { found, value } = readPath(output, field);
  if (op === 'exists') return found && value !== null;
  return found && compare(value, op as Exclude<Op, 'exists'>, node.value);
}

/** Field paths referenced by the condition, in order of appearance, without duplicates. */
export function conditionFields(condition: Condition | null): string[] {
  const fields = new Set<string>();
  const walk = (c: Condition): void => {
    if ('all_of' in c) c.all_of.forEach(walk);
    else if ('any_of' in c) c.any_of.forEach(walk);
    else fields.add(c.field);
  };
  if (condition) walk(condition);
  return [...fields];
}
