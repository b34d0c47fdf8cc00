/** When a condition that holds is actually sent: on a change (with optional reminders) or every time. */

export type AlertMode = 'change' | 'every';

export interface AlertMemory {
  lastResult: boolean | null;
  lastFiredAt: Date | null;
}

/**
 * Decides whether this evaluation sends an alert, and the memory to keep.
 * - `change`: send when `result` is true and `lastResult` was not true; while it stays true, send
 *   again when `repeatAfterSeconds` is a positive number and at least that long has passed since
 *   `lastFiredAt` (a condition that is true but never fired counts as due).
 * - `every`: send whenever `result` is true.
 * The returned memory has `lastResult = result`, and `lastFiredAt = now` when sent (else unchanged).
 */
export function decideAlert(
  mode: AlertMode,
  repeatAfterSeconds: number | null,
  memory: AlertMemory,
  result: boolean,
  now: Date,
): { send: boolean; memory: AlertMemory } {
  let send = false;
  if (result) {
    if (mode === 'every' || memory.lastResult !== true) send = true;
    else if (repeatAfterSeconds !== null && repeatAfterSeconds > 0) {
      send = memory.lastFiredAt === null || now.getTime() - memory.lastFiredAt.getTime() >= repeatAfterSeconds * 1000;
    }
  }
  return { send, memory: { lastResult: result, lastFiredAt: send ? now : memory.lastFiredAt } };
}
