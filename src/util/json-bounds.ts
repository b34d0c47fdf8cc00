/**
 * Size bounds for JSON that Steward stores or sends: run outputs, prompts. A value over its cap
 * is cut, never refused: long texts are shortened first (the start kept, "…" at the cut), then
 * what still does not fit is left out from the end, and the result says so with a marker.
 */

import type { JsonObject } from '../automations/types.js';
import { cutText } from './text.js';

/** Sizes here are of stored JSON: counted in UTF-16 units, the length JavaScript and the byte budget see. */
const UTF16 = { units: 'UTF-16 units' } as const;

/** The key a cut object carries, saying it was cut and from what size. */
export const CUT_MARKER_KEY = '_truncated';

/** Bytes of `value` serialized as JSON (UTF-8). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? 'null', 'utf8');
}

/** `value` with every string longer than `maxChars` cut (in UTF-16 units, see cutText in text.ts), at any depth. */
export function cutStrings(value: unknown, maxChars: number): unknown {
  if (typeof value === 'string') return cutText(value, maxChars, UTF16);
  if (Array.isArray(value)) return value.map((v) => cutStrings(v, maxChars));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, cutStrings(v, maxChars)]));
  }
  return value;
}

export interface CappedObject {
  value: JsonObject;
  /** Whether anything was cut. */
  cut: boolean;
  /** Size before cutting, in bytes of JSON. */
  bytes: number;
}

const STRING_STEPS = [4096, 1024, 256, 64];

/**
 * `object` unchanged when its JSON is at most `maxBytes`; otherwise a JSON object of at most
 * `maxBytes` (for any `maxBytes` ≥ 256) that keeps the start of each text and the first fields
 * and items, plus `_truncated: "cut to fit 64 KB: it was 4,512 KB"`. `what` names the value in
 * that marker ("output").
 */
export function capObject(object: JsonObject, maxBytes: number, what = 'output'): CappedObject {
  const bytes = jsonBytes(object);
  if (bytes <= maxBytes) return { value: object, cut: false, bytes };
  const marker = `${what} cut to fit ${formatKb(maxBytes)}: it was ${formatKb(bytes)}`;
  const budget = maxBytes - jsonBytes({ [CUT_MARKER_KEY]: marker }) - 1;
  for (const step of STRING_STEPS) {
    const shortened = cutStrings(object, step) as JsonObject;
    if (jsonBytes(shortened) <= budget) return { value: { ...shortened, [CUT_MARKER_KEY]: marker }, cut: true, bytes };
  }
  const fitted = fitValue(cutStrings(object, STRING_STEPS.at(-1)!), Math.max(budget, 2));
  const value = fitted !== undefined && isPlainObject(fitted) ? fitted : {};
  return { value: { ...value, [CUT_MARKER_KEY]: marker }, cut: true, bytes };
}

/** The largest start of `value` whose JSON fits `budget` bytes (fields and items kept in order), or undefined when nothing does. */
function fitValue(value: unknown, budget: number): unknown {
  const size = jsonBytes(value);
  if (size <= budget) return value;
  if (typeof value === 'string') {
    const text = cutText(value, Math.max(1, Math.floor((budget - 2) / 3)), UTF16);
    return jsonBytes(text) <= budget ? text : undefined;
  }
  if (Array.isArray(value)) {
    const kept: unknown[] = [];
    let used = 2;
    for (const item of value) {
      const fitted = fitValue(item, budget - used - 1);
      if (fitted === undefined) break;
      kept.push(fitted);
      used += jsonBytes(fitted) + 1;
    }
    return kept;
  }
  if (isPlainObject(value)) {
    const kept: Record<string, unknown> = {};
    let used = 2;
    for (const [key, item] of Object.entries(value)) {
      const keyBytes = jsonBytes(key) + 2;
      const fitted = fitValue(item, budget - used - keyBytes);
      if (fitted === undefined) continue;
      kept[key] = fitted;
      used += keyBytes + jsonBytes(fitted);
    }
    return kept;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** 65536 → "64 KB", 4718592 → "4,608 KB". */
export function formatKb(bytes: number): string {
  return `${Math.ceil(bytes / 1024).toLocaleString('en-US')} KB`;
}
