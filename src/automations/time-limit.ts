import type { Clock } from '../clock.js';
import { RunTimeoutError } from '../errors.js';

/** The error text of work that ran past its time limit (a run's `error`, a preview's). */
export const TIMEOUT_ERROR = 'timeout';

/**
 * Runs `work` with a signal that aborts when `limitMs` of the clock pass; rejects with
 * RunTimeoutError (message `timeout`) then, even when the work ignores its signal.
 */
export async function withTimeLimit<T>(clock: Clock, limitMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<Clock['setTimer']> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = clock.setTimer(() => {
      const timeout = new RunTimeoutError(TIMEOUT_ERROR, limitMs);
      controller.abort(timeout);
      reject(timeout);
    }, limitMs);
  });
  try {
    return await Promise.race([work(controller.signal), timedOut]);
  } catch (error) {
    // Work that failed because its signal aborted failed because of the time limit.
    if (controller.signal.reason instanceof RunTimeoutError) throw controller.signal.reason;
    throw error;
  } finally {
    if (timer) clock.clearTimer(timer);
    timedOut.catch(() => undefined);
  }
}
