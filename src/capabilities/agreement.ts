import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { JsonObject } from '../automations/types.js';
import { isJsonObject } from '../util/json.js';
import type { ModelTask, OutputComparison } from './types.js';

/** Relative tolerance of numbers compared field by field (1%), unless the capability sets its own. */
export const DEFAULT_NUMBER_TOLERANCE = 0.01;

/** An output's JSON with keys sorted at every level: equal outputs have equal text, whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** SHA-256 of an output's canonical JSON (hex): what a comparison row keeps to say which outputs it compared. */
export function outputDigest(output: JsonObject): string {
  return createHash('sha256').update(canonicalJson(output)).digest('hex');
}

/** Text as compared: lower case, accents and punctuation away, runs of spaces as one. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Keys that measure the moment rather than the answer (latency_ms, fetched_at): not compared by default. */
const VOLATILE_KEY = /(_ms|_at)$/;

/** Whether two values agree: numbers within `tolerance` (relative), text normalised, arrays and objects element by element. */
function valuesAgree(a: unknown, b: unknown, tolerance: number): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
  }
  if (typeof a === 'string' && typeof b === 'string') return normaliseText(a) === normaliseText(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => valuesAgree(item, b[i], tolerance));
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => valuesAgree(a[key], b[key], tolerance));
  }
  return (a ?? null) === (b ?? null);
}

/**
 * Field-by-field agreement of two outputs: the share of fields (the comparison's, else every
 * field of either output but timings) whose values agree. Two outputs without any field agree (1).
 */
export function fieldAgreement(primary: JsonObject, shadow: JsonObject, comparison: { fields?: readonly string[]; tolerance?: number } = {}): number {
  const fields = comparison.fields ?? [...new Set([...Object.keys(primary), ...Object.keys(shadow)])].filter((key) => !VOLATILE_KEY.test(key) && key !== '_truncated');
  if (fields.length === 0) return 1;
  const tolerance = comparison.tolerance ?? DEFAULT_NUMBER_TOLERANCE;
  return fields.filter((field) => valuesAgree(primary[field], shadow[field], tolerance)).length / fields.length;
}

/** The text of `fields` of an output, joined (arrays item by item), as a judge or the similarity reads it. */
export function textOf(output: JsonObject, fields: readonly string[]): string {
  const part = (value: unknown): string => (typeof value === 'string' ? value : Array.isArray(value) ? value.map(part).join('\n') : value === undefined || value === null ? '' : JSON.stringify(value));
  return fields.map((field) => part(output[field])).filter(Boolean).join('\n');
}

/**
 * Deterministic agreement of two free texts: the F1 score of their normalised words (each word
 * counted as often as it occurs). 1 for the same words in any order, 0 for none in common.
 */
export function textSimilarity(a: string, b: string): number {
  const words = (text: string) => normaliseText(text).split(' ').filter(Boolean);
  const left = words(a);
  const right = words(b);
  if (left.length === 0 && right.length === 0) return 1;
  if (left.length === 0 || right.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const word of left) counts.set(word, (counts.get(word) ?? 0) + 1);
  let common = 0;
  for (const word of right) {
    const n = counts.get(word) ?? 0;
    if (n > 0) {
      common++;
      counts.set(word, n - 1);
    }
  }
  const precision = common / right.length;
  const recall = common / left.length;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/** The judge's answer, checked: anything else is a malformed judgement, recorded and not counted. */
export const judgementSchema = z.strictObject({ score: z.number().min(0).max(1), reason: z.string().trim().min(1).max(500) });
export type Judgement = z.infer<typeof judgementSchema>;

/** The fixed rubric the judge scores against: strict on facts, lenient on wording. */
export const JUDGE_RUBRIC =
  'You are judging whether two answers to the same task agree. Score from 0 to 1 how well answer B states the same facts as answer A, ' +
  'A being the reference. Be strict on facts: a number, name, date, price, status or claim that differs, is missing or is added lowers the score. ' +
  'Be lenient on wording: order, phrasing, length and style do not matter. 1 means the same facts; 0.5 about half of them; 0 none or contradicting ones. ' +
  'Answer {"score": <number from 0 to 1>, "reason": "<one short sentence>"}.';

/** The model task of a judge call over the compared fields of the two outputs (A: the model's, the reference; B: the skill's). */
export function judgeTask(comparison: { fields: readonly string[] }, primary: JsonObject, shadow: JsonObject): ModelTask {
  return {
    instructions: JUDGE_RUBRIC,
    context: { answer_a: textOf(primary, comparison.fields), answer_b: textOf(shadow, comparison.fields) },
    output: judgementSchema,
  };
}

/** The agreement that needs no model: field by field, or word overlap for free text. */
export function deterministicAgreement(comparison: OutputComparison | undefined, primary: JsonObject, shadow: JsonObject): { score: number; judge: 'fields' | 'similarity' } {
  if (comparison?.kind === 'text') return { score: textSimilarity(textOf(primary, comparison.fields), textOf(shadow, comparison.fields)), judge: 'similarity' };
  return { score: fieldAgreement(primary, shadow, comparison ?? {}), judge: 'fields' };
}

/**
 * The 95% Wilson score interval of a mean agreement over `n` comparisons (each score read as a
 * fraction of agreement), clamped to [0, 1]; [0, 1] when there are none.
 */
export function wilsonInterval(mean: number, n: number, z = 1.96): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const z2 = z * z;
  const centre = (mean + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((mean * (1 - mean)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
