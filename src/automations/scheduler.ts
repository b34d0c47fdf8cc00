import { InstantTimer, type Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store.js';
import type { Dispatcher, DispatchReport } from './dispatcher.js';
import { nextSlot } from './next-slot.js';
import { pathForSkillState } from '../capabilities/types.js';
import { LANES, laneOfPath, type Lane, type RunLanes, type RunSlot } from './lanes.js';
import type { DueAutomation, DuePlace } from './repository.js';

export interface SchedulerDeps {
  store: Store;
  dispatcher: Dispatcher;
  clock: Clock;
  logger: Logger;
  /** The local and model lanes (shared with run now). */
  lanes: RunLanes;
  /** Told about each finished scheduled dispatch (benchmarks, tests). */
  onDispatched?: (report: DispatchReport) => void;
}

/** Rows read per due query: the free slots plus a look-ahead (other owners to take turns with), never a whole burst at once. */
const LOOK_AHEAD = 8;
const MAX_BATCH = 512;
/** Due queries per wake at most (each one excludes what the previous filled up); then the timer takes over at once. */
const MAX_PASSES = 16;
/**
 * Runs started per wake at most; then the timer takes over at once. Starting a run costs ~0.3 ms
 * on the loop (its row, its first request), so a burst of 2,000 due at once is started 32 at a
 * time with the loop free in between (answers, commands), not in one 600 ms block.
 */
const MAX_STARTS_PER_WAKE = 32;

/**
 * Arms one timer for the earliest `next_run_at` among active automations (no polling) and starts
 * what is due, each run in its lane (local skill or model call) within the lane's limit and its
 * owner's share of it, owners taking turns (round-robin, each owner's oldest slot first), and
 * never one automation twice at once. Slots missed while the bot was down collapse into one
 * `catch_up` run (or none, with catch-up policy `skip`); the dispatcher then moves on to the next
 * slot after now.
 */
export class Scheduler {
  private readonly timer: InstantTimer;
  private readonly inFlight = new Map<number, Promise<unknown>>();
  private startedAt: Date | null = null;
  /** When each owner last had a run started (a counter): who goes first next time. */
  private readonly lastServed = new Map<string, number>();
  private served = 0;
  private wakeQueued = false;
  /** Each capability's lane, read again on every wake but those of finishing runs (the dispatcher corrects a stale guess). */
  private lanesByCapability: Map<string, Lane> | null = null;
  /**
   * True when the last look at the due list left nothing due waiting but this scheduler's own runs
   * in flight (see {@link startDue}): until a wake from outside, the timer, or a run ending in
   * `error` (its slot may still be due), a run finishing changes nothing due but its own row, which
   * the dispatcher moved past now, so the wake it causes only re-arms the timer.
   */
  private settled = false;
  /**
   * Where the plain due order may be read from: every active automation due before this place
   * in it (slot, then id) is a run of this scheduler in flight, so a wake in a burst reads on from
   * here instead of past all of them. Forgotten (null: read from the start) on a wake from
   * outside, a run ending in `error`, or a failing wake.
   */
  private place: DuePlace | null = null;
  /** The slot each run in flight was started for (epoch ms). */
  private readonly slotOf = new Map<number, number>();

  constructor(private readonly deps: SchedulerDeps) {
    this.timer = new InstantTimer(deps.clock, () => this.wakeOnTime());
  }

  /** Starts scheduling: what is due now starts at once, then the timer takes over. */
  start(): void {
    this.startedAt = this.deps.clock.now();
    this.deps.logger.info({ event: 'scheduler_started' }, 'scheduler started');
    this.wake();
  }

  /** Stops starting runs; resolves when the runs in progress have finished. */
  async stop(): Promise<void> {
    this.startedAt = null;
    this.timer.clear();
    await this.idle();
  }

  /** Resolves when no scheduled run is in progress (nor about to be started by a pending wake). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0 || this.wakeQueued) {
      if (this.inFlight.size > 0) await Promise.all(this.inFlight.values());
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** When the timer is armed for (null: nothing scheduled, or every lane full). */
  get armedFor(): Date | null {
    return this.timer.armedFor;
  }

  /**
   * Starts what is due, reading the due list from the start, and re-arms the timer. The service
   * calls it after a create, edit, pause, resume, delete or run now (anything that may move a slot
   * before the scheduler's place in the due list); the timer wakes through {@link wakeOnTime},
   * finishing runs through {@link wakeSoon}.
   */
  wake(): void {
    this.place = null;
    this.wakeOnTime();
  }

  /** The timer's wake: slots come due as time passes, all of them after the place (it is before the last look's now). */
  private wakeOnTime(): void {
    this.lanesByCapability = null;
    this.settled = false;
    this.wakeRun();
  }

  private wakeRun(): void {
    this.wakeQueued = false;
    if (!this.startedAt) return;
    let caughtUp = true;
    try {
      // Settled, and the timer's slot not reached: nothing new can be due (the wake of a finishing
      // run in a burst would otherwise read past every run still in flight, all of them due).
      const armedFor = this.timer.armedFor;
      if (this.settled && (armedFor === null || this.deps.clock.now() < armedFor)) return;
      // The run rows of the runs started in this wake (step 3 of the dispatch contract) commit
      // together: every dispatch writes its row before its first await, so the commit lands
      // before any of their work (fetches, model calls) can begin. One commit, not 32.
      caughtUp = this.deps.store.transaction(() => this.startDue());
    } catch (error) {
      this.settled = false;
      this.place = null;
      this.deps.logger.error({ event: 'scheduler_error', err: error }, 'scheduler could not start due runs');
    } finally {
      this.arm(caughtUp);
    }
  }

  /**
   * One wake for everything that finished in the same turn of the event loop: a burst of runs
   * finishing together reads the due list once, not once per run.
   */
  private wakeSoon(): void {
    if (this.wakeQueued) return;
    this.wakeQueued = true;
    setImmediate(() => {
      if (this.wakeQueued) this.wakeRun();
    });
  }

  /**
   * Starts due runs while their lanes have room: first in the plain due order (each owner at
   * their share in a lane left out); then, for a lane that still has room while that order was
   * filled by the other lane's runs, per capability of the lane, so a model run never waits
   * behind a backlog of local ones (nor the reverse). Returns false when it stopped at MAX_PASSES
   * with room left (the timer then fires again at once). Leaves the scheduler settled when the
   * plain due order came to its end with every row it read started (or its missed slot skipped),
   * no owner left out at their share, and no other dispatch in flight (a run now's slot, left
   * out as busy, is looked at again when it ends).
   */
  private startDue(): boolean {
    const { store, clock, lanes } = this.deps;
    this.settled = false;
    if (LANES.every((lane) => lanes.room(lane) === 0)) return true;
    const now = clock.now();
    const laneOf = () =>
      (this.lanesByCapability ??= new Map([...store.capabilities.skillStates()].map(([name, state]) => [name, laneOfPath(pathForSkillState(state))])));
    const capabilitiesOf = (lane: Lane) => [...laneOf()].filter(([, l]) => l === lane).map(([name]) => name);
    const others = this.deps.dispatcher.runningIds().filter((id) => !this.inFlight.has(id));
    /** Rows read in this wake and not started (no slot): the later passes leave them out. */
    const unstarted: number[] = [];
    const skippedSlots = new Set<number>();
    /** What a due query leaves out: other dispatches, what this wake could not start, and this scheduler's runs in flight (past `place` only, when given). */
    const busy = (place: DuePlace | null) => [
      ...others,
      ...unstarted,
      ...(place ? [...this.slotOf].filter(([id, slot]) => slot > place.slot || (slot === place.slot && id > place.id)).map(([id]) => id) : this.inFlight.keys()),
    ];
    // Settling (and moving the place on) needs nothing left out but this scheduler's own runs.
    let settles = others.length === 0;
    let started = 0;
    const atShare = () => ({
      ownerCapabilities: LANES.flatMap((lane) => lanes.ownersAtShare(lane).flatMap((owner) => capabilitiesOf(lane).map((capability) => ({ owner, capability })))),
    });
    /** Starts what it can of the batch; false when it stopped at MAX_STARTS_PER_WAKE. */
    const startAll = (batch: DueAutomation[]): boolean => {
      for (const due of this.takingTurns(batch)) {
        if (started >= MAX_STARTS_PER_WAKE) return false;
        // An unknown capability fails in the dispatcher at once; it waits in the local lane.
        const skipped = this.skipsMissedSlot(due, now);
        const slot = skipped ? null : lanes.tryAcquire(laneOf().get(due.capability) ?? 'local', due.userId);
        if (slot) {
          this.startRun(due, slot);
          started++;
        } else if (skipped) {
          skippedSlots.add(due.id);
        } else {
          unstarted.push(due.id);
          settles = false;
        }
      }
      return true;
    };
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const open = LANES.filter((lane) => lanes.room(lane) > 0);
      if (open.length === 0) return true;
      const room = Math.min(
        open.reduce((sum, lane) => sum + lanes.room(lane), 0),
        MAX_STARTS_PER_WAKE - started,
      );
      if (open.length === LANES.length) {
        const limit = Math.min(MAX_BATCH, room + LOOK_AHEAD);
        const skip = atShare();
        if (skip.ownerCapabilities.length > 0) settles = false;
        const batch = store.automations.due(now, limit, busy(this.place), skip, this.place);
        const finished = startAll(batch);
        // The place moves on over the rows read that are now in flight (or whose missed slot was
        // skipped), up to the first that is not; only when nothing but this scheduler's own runs
        // was left out, so that everything before it is in flight.
        if (others.length === 0 && skip.ownerCapabilities.length === 0) {
          for (const due of batch) {
            if (!this.inFlight.has(due.id) && !skippedSlots.has(due.id)) break;
            this.place = { slot: due.nextRunAt.getTime(), id: due.id };
          }
        }
        if (!finished) return false;
        if (batch.length < limit) {
          this.settled = settles;
          return true;
        }
        continue;
      }
      // One lane is full: ask for the open lane's capabilities only.
      const lane = open[0]!;
      const limit = Math.min(MAX_BATCH, Math.min(lanes.room(lane), MAX_STARTS_PER_WAKE - started) + LOOK_AHEAD);
      const skip = atShare();
      const batch = store.automations.dueOfCapabilities(capabilitiesOf(lane), now, limit, busy(null), skip);
      if (!startAll(batch)) return false;
      if (batch.length < limit) return true;
    }
    return false;
  }

  /**
   * The batch (oldest slot first) reordered so owners take turns: each owner's oldest, then each
   * one's second… and the owner served longest ago goes first in each round.
   */
  private takingTurns(batch: DueAutomation[]): DueAutomation[] {
    const byOwner = new Map<string, DueAutomation[]>();
    for (const due of batch) {
      const queue = byOwner.get(due.userId);
      if (queue) queue.push(due);
      else byOwner.set(due.userId, [due]);
    }
    if (byOwner.size <= 1) return batch;
    const owners = [...byOwner.keys()].sort((a, b) => (this.lastServed.get(a) ?? -1) - (this.lastServed.get(b) ?? -1));
    const order: DueAutomation[] = [];
    for (let round = 0; order.length < batch.length; round++) {
      for (const owner of owners) {
        const due = byOwner.get(owner)![round];
        if (due) order.push(due);
      }
    }
    return order;
  }

  /** Catch-up policy `skip`: a slot missed while the bot was down is dropped; true when it was. */
  private skipsMissedSlot(due: DueAutomation, now: Date): boolean {
    // Missed: due while the bot was down. (A slot delayed by a full lane is not missed.)
    if (!(due.nextRunAt < this.startedAt!) || due.catchUp !== 'skip') return false;
    this.deps.store.automations.setNextRun(due.id, nextSlot(due, now));
    this.deps.logger.info({ event: 'automation_catch_up_skipped', automationId: due.id, missedSlot: due.nextRunAt }, 'missed slot skipped (catch-up policy skip)');
    return true;
  }

  private startRun(due: DueAutomation, slot: RunSlot): void {
    const { dispatcher, logger, clock } = this.deps;
    const { id: automationId, nextRunAt: slotAt } = due;
    const trigger = slotAt < this.startedAt! ? 'catch_up' : 'schedule';
    this.lastServed.set(due.userId, ++this.served);
    logger.debug({ event: 'automation_due', automationId, slot: slotAt, trigger, lane: slot.lane, lateMs: clock.now().getTime() - slotAt.getTime() }, 'automation due');
    const done = dispatcher
      .dispatch(automationId, trigger, { enforceMinInterval: true, slot })
      .then((report) => {
        // An error outside the run may leave its slot as it was, still due: look at the due list again, from the start.
        if (report.outcome === 'error') {
          this.settled = false;
          this.place = null;
        }
        this.deps.onDispatched?.(report);
      })
      .catch((error: unknown) => {
        this.settled = false;
        this.place = null;
        logger.error({ event: 'scheduler_error', automationId, err: error }, 'scheduled dispatch failed');
      })
      .finally(() => {
        this.inFlight.delete(automationId);
        this.slotOf.delete(automationId);
        this.wakeSoon();
      });
    this.inFlight.set(automationId, done);
    this.slotOf.set(automationId, slotAt.getTime());
  }

  /**
   * Arms the timer for the earliest slot still to come. What is due now but waits for a slot is
   * started when a run finishes (each finishing run wakes the scheduler), so the timer never spins
   * on it; with every lane full there is nothing to arm.
   */
  private arm(caughtUp: boolean): void {
    const { lanes, clock, store, logger } = this.deps;
    if (!this.startedAt || LANES.every((lane) => lanes.room(lane) === 0)) {
      this.timer.clear();
      return;
    }
    const now = clock.now();
    if (!caughtUp) {
      this.timer.armAt(now);
      return;
    }
    try {
      // With runs in flight, only slots after now count: this scheduler's runs in flight are all
      // at or before now (they were due), so only other dispatches (run now) need leaving out, and
      // the list stays short however many runs are in flight.
      const others = this.deps.dispatcher.runningIds().filter((id) => !this.inFlight.has(id));
      this.timer.armAt(store.automations.earliestNextRun(others, this.inFlight.size > 0 || others.length > 0 ? now : null));
    } catch (error) {
      // The database is failing: look again in a minute rather than never.
      logger.error({ event: 'scheduler_error', err: error }, 'scheduler could not read the next slot');
      this.timer.armAt(new Date(now.getTime() + 60_000));
    }
  }
}
