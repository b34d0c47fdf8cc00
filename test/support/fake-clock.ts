import type { Clock, TimerHandle } from '../../src/clock.js';

interface FakeTimer {
  id: number;
  at: number;
  callback: () => void;
}

/** Lets pending promise callbacks and I/O callbacks run. */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A clock the test moves: timers fire in time order as it advances, never on their own. */
export class FakeClock implements Clock {
  private time: number;
  private timers: FakeTimer[] = [];
  private nextId = 1;

  constructor(start: Date | string) {
    this.time = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.time);
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, delayMs), callback };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimer(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  /** The instants of the pending timers, earliest first. */
  pending(): Date[] {
    return this.timers.map((t) => new Date(t.at)).sort((a, b) => a.getTime() - b.getTime());
  }

  /** Moves time forward by `ms`, firing every timer due on the way (and those they arm) in order. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(new Date(this.time + ms));
  }

  /** Moves time to `target`, firing due timers in order and letting their work settle. */
  async advanceTo(target: Date | string): Promise<void> {
    const end = new Date(target).getTime();
    await flush();
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
      await flush();
    }
    this.time = Math.max(this.time, end);
    await flush();
  }

  /** Jumps the wall clock without firing timers (the bot was down, or the machine slept). */
  jump(to: Date | string): void {
    this.time = new Date(to).getTime();
  }
}
