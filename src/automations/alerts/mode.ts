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
 * (The one-run case of {@link judgeAlert}, which also tracks incidents.)
 */
export function decideAlert(
  mode: AlertMode,
  repeatAfterSeconds: number | null,
  memory: AlertMemory,
  result: boolean,
  now: Date,
): { send: boolean; memory: AlertMemory } {
  const judged = judgeAlert({ mode, repeatAfterSeconds, confirmAfter: 1 }, { ...NO_INCIDENT, ...memory }, result, now);
  return { send: judged.send, memory: { lastResult: judged.memory.lastResult, lastFiredAt: judged.memory.lastFiredAt } };
}

/** What an automation remembers between runs about its alert: the confirmed result, the streak against it, the open incident. */
export interface IncidentMemory extends AlertMemory {
  /**
   * Runs in a row whose result differs from the confirmed one (`lastResult`; in mode `every`: runs
   * in a row it held).
   */
  streak: number;
  /** When that streak began (the start of the first run in it); null without a streak. */
  streakStartedAt: Date | null;
  /** When the open incident began (mode `change`, condition confirmed true); null when none is open. */
  incidentStartedAt: Date | null;
  /** Runs on which the open incident's condition held. */
  incidentRuns: number;
  /** The outbox row of the open incident's first alert (the message a resolution edits). */
  notificationId: number | null;
}

/** Memory with no streak and no open incident. */
export const NO_INCIDENT: Omit<IncidentMemory, keyof AlertMemory> = { streak: 0, streakStartedAt: null, incidentStartedAt: null, incidentRuns: 0, notificationId: null };

export interface AlertSettings {
  mode: AlertMode;
  repeatAfterSeconds: number | null;
  /** Runs in a row the condition must hold before an alert, and fail before it is resolved (at least 1). */
  confirmAfter: number;
}

/** An incident that ended with this run. */
export interface Resolution {
  /** When the condition began to hold (the first run of the incident). */
  startedAt: Date;
  /** When it stopped holding (the first run of the streak that resolved it). */
  endedAt: Date;
  /** Runs on which the condition held. */
  runs: number;
  /** The outbox row of the incident's first alert, to edit; null when none was recorded. */
  notificationId: number | null;
}

export interface AlertJudgement {
  /** Send an alert now (an incident starts, a reminder is due, or mode `every`). */
  send: boolean;
  /** This alert starts a new incident (not a reminder). */
  opens: boolean;
  /** The incident this run resolved, or null. */
  resolved: Resolution | null;
  memory: IncidentMemory;
}

/**
 * Judges one evaluation of an automation's condition (`result`, from a run that started at
 * `startedAt`, finishing `now`):
 * - `change`: an incident opens, and an alert is sent, when the condition has held on
 *   `confirmAfter` runs in a row while no incident was open; while open, a reminder is sent when
 *   `repeatAfterSeconds` has passed since the last alert; it resolves when the condition has
 *   failed on `confirmAfter` runs in a row, returning the {@link Resolution}.
 * - `every`: an alert whenever the condition has held on `confirmAfter` runs in a row (on each
 *   such run); nothing resolves.
 * `notificationId` in the returned memory is kept as it was: the caller records the new alert's.
 */
export function judgeAlert(settings: AlertSettings, memory: IncidentMemory, result: boolean, now: Date, startedAt: Date = now): AlertJudgement {
  const confirmAfter = Math.max(1, settings.confirmAfter);
  if (settings.mode === 'every') {
    const streak = result ? memory.streak + 1 : 0;
    const send = result && streak >= confirmAfter;
    return {
      send,
      opens: false,
      resolved: null,
      memory: { ...NO_INCIDENT, lastResult: result, lastFiredAt: send ? now : memory.lastFiredAt, streak, streakStartedAt: result ? (memory.streakStartedAt ?? startedAt) : null },
    };
  }
  const open = memory.lastResult === true;
  if (result === open) {
    // The run agrees with what is confirmed: any streak against it ends.
    const calm = { ...memory, lastResult: result, streak: 0, streakStartedAt: null };
    if (!open) return { send: false, opens: false, resolved: null, memory: { ...calm, incidentStartedAt: null, incidentRuns: 0, notificationId: null } };
    const repeat = settings.repeatAfterSeconds;
    const due = repeat !== null && repeat > 0 && (memory.lastFiredAt === null || now.getTime() - memory.lastFiredAt.getTime() >= repeat * 1000);
    return { send: due, opens: false, resolved: null, memory: { ...calm, incidentRuns: memory.incidentRuns + 1, lastFiredAt: due ? now : memory.lastFiredAt } };
  }
  const streak = memory.streak + 1;
  const streakStartedAt = memory.streakStartedAt ?? startedAt;
  if (streak < confirmAfter) {
    return { send: false, opens: false, resolved: null, memory: { ...memory, lastResult: open ? true : false, streak, streakStartedAt } };
  }
  if (result) {
    return {
      send: true,
      opens: true,
      resolved: null,
      memory: { lastResult: true, lastFiredAt: now, streak: 0, streakStartedAt: null, incidentStartedAt: streakStartedAt, incidentRuns: streak, notificationId: memory.notificationId },
    };
  }
  const resolved: Resolution = {
    startedAt: memory.incidentStartedAt ?? streakStartedAt,
    endedAt: streakStartedAt,
    runs: memory.incidentRuns,
    notificationId: memory.notificationId,
  };
  return { send: false, opens: false, resolved, memory: { ...NO_INCIDENT, lastResult: false, lastFiredAt: memory.lastFiredAt } };
}
