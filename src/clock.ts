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

/**
 * One timer that fires at an instant, re-armed by each `armAt`. Instants further away than Node's
 * longest delay fire early (at that delay); the owner then simply arms again.
 */
export class InstantTimer {
  private handle: TimerHandle | null = null;
  private at: Date | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly onFire: () => void,
  ) {}

  /** When the timer is armed for, or null. */
  get armedFor(): Date | null {
    return this.at;
  }

  /** Arms the timer for `at` (replacing any earlier arming); null just clears it. */
  armAt(at: Date | null): void {
    this.clear();
    if (!at) return;
    const delay = Math.min(Math.max(0, at.getTime() - this.clock.now().getTime()), MAX_TIMER_DELAY_MS);
    this.at = at;
    this.handle = this.clock.setTimer(() => {
      this.handle = null;
      this.at = null;
      this.onFire();
    }, delay);
  }

  clear(): void {
    if (this.handle) this.clock.clearTimer(this.handle);
    this.handle = null;
    this.at = null;
  }
}
