/**
 * At most `limit` events per key in any `windowMs` (a sliding window of the instants accepted),
 * on the caller's clock. Kept in memory: a restart forgets it, which errs on the generous side.
 */
export class SlidingWindowLimiter {
  private readonly accepted = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /**
   * Records one event for `key` at `now` and returns 0, or, when `limit` were accepted in the
   * last `windowMs`, records nothing and returns the milliseconds until one more is allowed.
   */
  take(key: string, now: Date): number {
    const at = now.getTime();
    const recent = (this.accepted.get(key) ?? []).filter((t) => t > at - this.windowMs);
    if (recent.length >= this.limit) {
      this.accepted.set(key, recent);
      return recent[0]! + this.windowMs - at;
    }
    recent.push(at);
    this.accepted.set(key, recent);
    return 0;
  }
}
