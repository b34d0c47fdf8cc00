import type { Clock, TimerHandle } from '../clock.js';
import { LaneBusyError } from '../errors.js';
import type { ExecutionPath } from './types.js';

/**
 * The concurrency lanes of the "Running without stalls" section of DESIGN.md: local skills
 * (`local`: I/O-bound checks, thousands at once) and model calls (`model`: slow, costly, few at
 * once) never hold each other's slots.
 */
export type Lane = 'local' | 'model';
export const LANES: readonly Lane[] = ['local', 'model'];

/** The lane of a run on `path` (step 1 of the dispatch contract decides the path). */
export function laneOfPath(path: ExecutionPath): Lane {
  return path === 'skill' ? 'local' : 'model';
}

/** What the lanes hold: runs in flight per lane, and at most `perOwner` of them for one owner. */
export interface LaneLimits {
  capacity: Record<Lane, number>;
  perOwner: Record<Lane, number>;
}

/**
 * The per-owner share of each lane: `perOwner` when set (at most the lane), else a quarter of the
 * lane, at least 1. So with the defaults one person holds at most 64 of 256 local slots and 1 of
 * 4 model slots, and the rest stays free for everyone else.
 */
export function laneLimits(localCapacity: number, modelCapacity: number, perOwner: number | undefined): LaneLimits {
  const share = (capacity: number) => Math.min(capacity, perOwner ?? Math.max(1, Math.floor(capacity / 4)));
  return {
    capacity: { local: localCapacity, model: modelCapacity },
    perOwner: { local: share(localCapacity), model: share(modelCapacity) },
  };
}

/** One run's place in a lane; release it exactly once (later calls do nothing). */
export interface RunSlot {
  readonly lane: Lane;
  readonly ownerId: string;
  release(): void;
}

interface Waiter {
  lane: Lane;
  ownerId: string;
  grant: (slot: RunSlot) => void;
}

/**
 * Counts runs in flight per lane and per owner within each lane. A slot is taken at once when
 * the lane and the owner's share have room ({@link tryAcquire}); {@link acquire} waits, and
 * slots freed go to waiters first, in the order they asked, skipping those whose owner is at
 * their share (so one person's queue of waiting runs never holds up another's).
 */
export class RunLanes {
  private readonly inUse: Record<Lane, number> = { local: 0, model: 0 };
  private readonly byOwner: Record<Lane, Map<string, number>> = { local: new Map(), model: new Map() };
  private waiters: Waiter[] = [];

  constructor(
    readonly limits: LaneLimits,
    private readonly clock: Clock,
  ) {}

  /** Free slots in the lane (whoever asks). */
  room(lane: Lane): number {
    return Math.max(0, this.limits.capacity[lane] - this.inUse[lane]);
  }

  /** Runs in flight in the lane. */
  running(lane: Lane): number {
    return this.inUse[lane];
  }

  /** Whether the owner may start one more run in the lane now. */
  hasRoom(lane: Lane, ownerId: string): boolean {
    return this.room(lane) > 0 && (this.byOwner[lane].get(ownerId) ?? 0) < this.limits.perOwner[lane];
  }

  /** Owners holding their whole share of the lane. */
  ownersAtShare(lane: Lane): string[] {
    const share = this.limits.perOwner[lane];
    return [...this.byOwner[lane]].filter(([, n]) => n >= share).map(([owner]) => owner);
  }

  /** A slot now, or null when the lane or the owner's share of it is full. */
  tryAcquire(lane: Lane, ownerId: string): RunSlot | null {
    return this.hasRoom(lane, ownerId) ? this.take(lane, ownerId) : null;
  }

  /**
   * A slot, waiting for one up to `timeoutMs` (on the injected clock). Throws LaneBusyError when
   * none came free in time, or the signal's reason when `signal` aborts first.
   */
  acquire(lane: Lane, ownerId: string, timeoutMs: number, signal?: AbortSignal): Promise<RunSlot> {
    signal?.throwIfAborted();
    const now = this.tryAcquire(lane, ownerId);
    if (now) return Promise.resolve(now);
    return new Promise<RunSlot>((resolve, reject) => {
      let timer: TimerHandle | null = null;
      const waiter: Waiter = {
        lane,
        ownerId,
        grant: (slot) => {
          cleanup();
          resolve(slot);
        },
      };
      const onAbort = () => {
        cleanup();
        reject(signal!.reason);
      };
      const cleanup = () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        if (timer) this.clock.clearTimer(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      timer = this.clock.setTimer(() => {
        cleanup();
        reject(new LaneBusyError(lane, timeoutMs, { ownerId, capacity: this.limits.capacity[lane], share: this.limits.perOwner[lane] }));
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private take(lane: Lane, ownerId: string): RunSlot {
    this.inUse[lane]++;
    this.byOwner[lane].set(ownerId, (this.byOwner[lane].get(ownerId) ?? 0) + 1);
    let released = false;
    return {
      lane,
      ownerId,
      release: () => {
        if (released) return;
        released = true;
        this.inUse[lane]--;
        const held = (this.byOwner[lane].get(ownerId) ?? 1) - 1;
        if (held > 0) this.byOwner[lane].set(ownerId, held);
        else this.byOwner[lane].delete(ownerId);
        this.grantWaiters(lane);
      },
    };
  }

  /** Hands freed room in the lane to the waiters that may have it, first come first served. */
  private grantWaiters(lane: Lane): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.lane !== lane) continue;
      if (this.room(lane) === 0) return;
      if (this.hasRoom(lane, waiter.ownerId)) waiter.grant(this.take(lane, waiter.ownerId));
    }
  }
}
