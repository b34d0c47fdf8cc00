/**
 * Requests that a Discord emulator refused because Discord would refuse them (an invalid body, a
 * route or method Discord does not have, a missing bot token), kept until a test claims them.
 * The guard (`discord-refusal-guard.ts`, a vitest setup file) fails every test that leaves one
 * unclaimed, so a bot that sends a body Discord refuses fails the test that made it send it.
 * No dependencies: every test file loads this through the guard.
 */
import type { FormError } from './discord-spec-validator.js';

/** One refused request. */
export interface SpecRefusal {
  method: string;
  path: string;
  /** The operation it mapped to (null: no such route or method). */
  operationId: string | null;
  /** What the emulator answered: 400 (code 50035, or 50006 for an empty message), 401, 404 or 405. */
  status: number;
  code: number;
  problems: FormError[];
  /** The interaction it belonged to (`/automation create`), when it was an interaction callback, follow-up or edit. */
  interaction?: string;
  body: unknown;
}

const unclaimed: { owner: object; refusal: SpecRefusal }[] = [];

/** Records a refusal made by `owner` (an emulator) until a test claims it. */
export function noteRefusal(owner: object, refusal: SpecRefusal): void {
  unclaimed.push({ owner, refusal });
}

/** The unclaimed refusals of `owner`, now claimed (forgotten by the guard). */
export function claimRefusals(owner: object): SpecRefusal[] {
  const mine = unclaimed.filter((u) => u.owner === owner);
  for (const u of mine) unclaimed.splice(unclaimed.indexOf(u), 1);
  return mine.map((u) => u.refusal);
}

/** Every unclaimed refusal, now claimed (for the guard). */
export function claimAllRefusals(): SpecRefusal[] {
  return unclaimed.splice(0).map((u) => u.refusal);
}

/** A refusal on one line: the request, the interaction, what Discord would say and the body (cut). */
export function describeRefusal(r: SpecRefusal): string {
  const problems = r.problems.map((p) => `${p.path} ${p.code} ${p.message}${p.rule ? ` [${p.rule}]` : ''}`).join('; ');
  const body = JSON.stringify(r.body) ?? 'null';
  return `${r.method} ${r.path}${r.operationId ? ` (${r.operationId})` : ''}${r.interaction ? ` for ${r.interaction}` : ''} → ${r.status} ${r.code}: ${problems}\n    body: ${body.length > 600 ? `${body.slice(0, 600)}…` : body}`;
}
