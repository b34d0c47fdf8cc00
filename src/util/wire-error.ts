import { FetchError, StewardError, ValidationError, type ErrorCode, type FetchErrorKind } from '../errors.js';

/** An error flattened so it crosses a thread boundary with its class and facts (worker threads: content, fetch). */
export interface WireError {
  kind: 'validation' | 'fetch' | 'steward' | 'other';
  code: ErrorCode;
  message: string;
  field: string | null;
  facts: Record<string, unknown>;
}

/** What a worker posts back: the value, or the error it threw (errors lose their class across threads otherwise). */
export type WireOutcome<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** Flattens what a task threw; facts are copied as plain data. */
export function toWire(error: unknown): WireError {
  if (error instanceof StewardError) {
    const facts = JSON.parse(JSON.stringify(error.facts)) as Record<string, unknown>;
    if (error instanceof ValidationError) return { kind: 'validation', code: error.code, message: error.message, field: error.field, facts };
    if (error instanceof FetchError) return { kind: 'fetch', code: error.code, message: error.message, field: null, facts };
    return { kind: 'steward', code: error.code, message: error.message, field: null, facts };
  }
  const message = error instanceof Error ? error.message || error.name : String(error);
  return { kind: 'other', code: 'content_error', message, field: null, facts: {} };
}

/** Rebuilds the error a worker reported, as the class it was thrown as (a plain Error for anything else). */
export function fromWire(wire: WireError): Error {
  if (wire.kind === 'validation') return new ValidationError(wire.field ?? 'inputs', wire.message, wire.facts);
  if (wire.kind === 'fetch') return new FetchError(wire.facts.kind as FetchErrorKind, String(wire.facts.url), wire.message);
  if (wire.kind === 'steward') return new StewardError(wire.code, wire.message, wire.facts);
  return new Error(wire.message);
}
