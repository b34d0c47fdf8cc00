import type { Clock } from '../clock.js';
import { formatUsd } from '../util/money.js';
import { BudgetPausedError, type BudgetPeriod } from '../errors.js';
import type { Logger } from '../logger.js';
import type { OutboxRepository } from '../notifications/outbox.js';
import type { Invocation, LedgerRepository } from './ledger.js';
import { periodBounds } from './periods.js';

export interface BudgetLimits {
  dailyUsd: number;
  monthlyUsd: number;
}

/** The month's spend past which one warning is sent. */
export const MONTHLY_WARNING_FRACTION = 0.9;

export interface PeriodSpend {
  period: BudgetPeriod;
  spentUsd: number;
  limitUsd: number;
  /** When the period ends and model work may resume. */
  resetsAt: Date;
}

/** A model call admitted by the guard; settle it exactly once with what the call cost. */
export interface BudgetReservation {
  /** Writes the call to the invocation ledger and frees the reservation. Returns the ledger id. */
  settle(call: Omit<Invocation, 'at' | 'userId'>): number;
}

export interface BudgetGuardDeps {
  ledger: LedgerRepository;
  outbox: OutboxRepository;
  clock: Clock;
  limits: BudgetLimits;
  logger: Logger;
  /** Called after a budget notice is queued (to wake the notification service). */
  onNotice?: () => void;
}

/**
 * Global LLM spend caps per UTC day and month, over the invocation ledger.
 *
 * Concurrency: every model call is admitted with an estimate of its highest cost and holds that
 * much as a reservation until it settles. A call is admitted at once when nothing else is in
 * flight, or when the spend plus everything reserved plus its own estimate stays within both caps;
 * otherwise it waits for calls in flight to settle and is checked again. So with honest estimates,
 * the caps are overshot by at most the cost of the one call admitted alone.
 */
export class BudgetGuard {
  private readonly reserved = new Map<number, number>();
  private nextReservationId = 1;
  private waiters: (() => void)[] = [];

  constructor(private readonly deps: BudgetGuardDeps) {}

  /** Spend today and this month against the caps. */
  spend(): { daily: PeriodSpend; monthly: PeriodSpend } {
    return { daily: this.periodSpend('daily'), monthly: this.periodSpend('monthly') };
  }

  private periodSpend(period: BudgetPeriod): PeriodSpend {
    const now = this.deps.clock.now();
    const { start, end } = periodBounds(period, now);
    return {
      period,
      spentUsd: this.deps.ledger.spendBetween(start, end),
      limitUsd: period === 'daily' ? this.deps.limits.dailyUsd : this.deps.limits.monthlyUsd,
      resetsAt: end,
    };
  }

  /** The pause in force now (daily first), or null when model work may go on. */
  pausedBy(): BudgetPausedError | null {
    return this.reachedCaps()[0] ?? null;
  }

  /** Every cap reached now, daily first; each says when work resumes: when the last reached cap resets. */
  private reachedCaps(): BudgetPausedError[] {
    const { daily, monthly } = this.spend();
    const reached = [daily, monthly].filter((p) => p.spentUsd >= p.limitUsd);
    const resumesAt = new Date(Math.max(...reached.map((p) => p.resetsAt.getTime())));
    return reached.map((p) => new BudgetPausedError(p.period, p.spentUsd, p.limitUsd, resumesAt));
  }

  /**
   * Throws BudgetPausedError (period, spent, limit) when today's or this month's spend has
   * reached its cap; the daily cap is checked first. Makes sure the period's notice is queued.
   */
  checkPreCall(userId: string | null): void {
    const paused = this.pausedBy();
    if (!paused) return;
    this.announce(paused);
    this.deps.logger.debug({ event: 'budget_refused', userId, period: paused.period }, 'model call refused: budget paused');
    throw paused;
  }

  /**
   * Admits one model call whose cost will be at most `estimateUsd`, waiting while calls in
   * flight hold the headroom it needs. Throws BudgetPausedError when a cap is reached, or the
   * signal's reason when `signal` aborts while waiting. A call that cannot cost anything
   * (`estimateUsd` 0: a model priced at $0) is admitted at once, paused or not; it still settles
   * into the ledger.
   */
  async admit(userId: string | null, estimateUsd: number, signal?: AbortSignal): Promise<BudgetReservation> {
    if (estimateUsd <= 0) {
      signal?.throwIfAborted();
      return this.reserve(userId, 0);
    }
    for (;;) {
      signal?.throwIfAborted();
      this.checkPreCall(userId);
      if (this.reserved.size === 0 || this.fits(estimateUsd)) return this.reserve(userId, estimateUsd);
      await this.nextRelease(signal);
    }
  }

  private fits(estimateUsd: number): boolean {
    const held = [...this.reserved.values()].reduce((a, b) => a + b, 0);
    const { daily, monthly } = this.spend();
    return daily.spentUsd + held + estimateUsd <= daily.limitUsd && monthly.spentUsd + held + estimateUsd <= monthly.limitUsd;
  }

  private reserve(userId: string | null, estimateUsd: number): BudgetReservation {
    const id = this.nextReservationId++;
    this.reserved.set(id, estimateUsd);
    let settled = false;
    return {
      settle: (call) => {
        if (settled) throw new Error('a budget reservation was settled twice');
        settled = true;
        try {
          return this.deps.ledger.record({ ...call, at: this.deps.clock.now(), userId });
        } finally {
          this.reserved.delete(id);
          this.afterSpend();
          const waiters = this.waiters;
          this.waiters = [];
          for (const wake of waiters) wake();
        }
      },
    };
  }

  private nextRelease(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  /** After new spend: a notice for each cap now reached, the warning when the month passes 90%. */
  private afterSpend(): void {
    for (const paused of this.reachedCaps()) this.announce(paused);
    const { monthly } = this.spend();
    if (monthly.limitUsd > 0 && monthly.spentUsd >= monthly.limitUsd * MONTHLY_WARNING_FRACTION && monthly.spentUsd < monthly.limitUsd) {
      const { label } = periodBounds('monthly', this.deps.clock.now());
      this.queue(
        'budget_warning',
        `budget-warning:monthly:${label}`,
        `LLM spend this month is at ${percent(monthly.spentUsd, monthly.limitUsd)} of its cap: ${formatUsd(monthly.spentUsd)} of ${formatUsd(monthly.limitUsd)}.`,
        'Monthly LLM budget at 90%',
      );
    }
  }

  /** Queues the period's pause notice once: its dedupe key is the period itself. */
  private announce(paused: BudgetPausedError): void {
    const now = this.deps.clock.now();
    const { label } = periodBounds(paused.period, now);
    const when = paused.resumesAt.getTime() === periodBounds('daily', now).end.getTime() ? 'tomorrow' : 'next month';
    const queued = this.queue(
      'budget_paused',
      `budget-paused:${paused.period}:${label}`,
      `The ${paused.period} LLM budget is reached: ${formatUsd(paused.spentUsd)} of ${formatUsd(paused.limitUsd)}. ` +
        `Model work is paused until ${paused.resumesAt.toISOString().replace('.000Z', 'Z')} (${when}, UTC); local skills keep running.`,
      `${paused.period === 'daily' ? 'Daily' : 'Monthly'} LLM budget reached`,
    );
    if (queued) {
      this.deps.logger.warn(
        { event: 'budget_paused', period: paused.period, spentUsd: paused.spentUsd, limitUsd: paused.limitUsd, resumesAt: paused.resumesAt },
        'LLM budget reached: model work paused',
      );
    }
  }

  private queue(type: 'budget_paused' | 'budget_warning', dedupeKey: string, content: string, title: string): boolean {
    const id = this.deps.outbox.enqueue(
      {
        type,
        channel: 'tasks',
        content,
        dedupeKey,
        embed: { title, description: content, fields: [], actions: [], automationId: null, runId: null },
      },
      this.deps.clock.now(),
    );
    if (id !== null) this.deps.onNotice?.();
    return id !== null;
  }
}

function percent(part: number, whole: number): string {
  return `${Math.floor((part / whole) * 100)}%`;
}
