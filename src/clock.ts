/** The time source and timers every engine part uses, so tests can move time themselves. */
export interface Clock {
  now(): Date;
  setTimer(callback: () => void, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export type TimerHandle = { readonly id: unknown };

/** Node's setTimeout accepts at most 2^31-1 ms; longer waits are re-armed by their owners. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** The real clock: wall time and Node timers. Owners clear their timers when they stop. */
export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(callback, delayMs) {
    const timer = setTimeout(callback, Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY_MS));
    return { id: timer };
  },
  clearTimer(handle) {
    clearTimeout(handle.id as NodeJS.Timeout);
  },
};
