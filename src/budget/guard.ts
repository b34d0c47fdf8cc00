import type { Clock } from '../clock.js';
import { formatUsd } from '../util/money.js';
import { BudgetPausedError, ShadowSkippedError, UserBudgetPausedError, type BudgetPeriod } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Channel, OutboxRepository } from '../notifications/outbox.js';
import type { Invocation, LedgerRepository } from './ledger.js';
import { periodBounds } from './periods.js';

export interface BudgetLimits {
  dailyUsd: number;
  monthlyUsd: number;
  /** USER_DAILY_BUDGET_USD: one person's model spend per UTC day, under the global caps. Unset: none. */
  userDailyUsd?: number;
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
 * the caps are overshot by at most the cost of the one call admitted alone. A person's own daily
 * cap (`userDailyUsd`) is held the same way over their own calls: when their spend reaches it,
 * their model work is refused (UserBudgetPausedError, announced to them once a day) and everyone
 * else's goes on.
 */
export class BudgetGuard {
  private readonly reserved = new Map<number, { userId: string | null; usd: number }>();
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
    const paused = this.pausedBy() ?? (userId === null ? null : this.userPausedBy(userId));
    if (!paused) return;
    if (paused instanceof UserBudgetPausedError) this.announceToUser(paused);
    else this.announce(paused);
    this.deps.logger.debug({ event: 'budget_refused', userId, period: paused.period, code: paused.code }, 'model call refused: budget paused');
    throw paused;
  }

  /** The person's own daily cap when their spend today has reached it, or null (no cap, or under it). */
  userPausedBy(userId: string): UserBudgetPausedError | null {
    const limit = this.deps.limits.userDailyUsd;
    if (limit === undefined) return null;
    const { start, end } = periodBounds('daily', this.deps.clock.now());
    const spent = this.deps.ledger.userSpendBetween(userId, start, end);
    return spent >= limit ? new UserBudgetPausedError(userId, spent, limit, end) : null;
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
      if ((this.reserved.size === 0 || this.fits(estimateUsd)) && this.fitsUser(userId, estimateUsd)) return this.reserve(userId, estimateUsd);
      await this.nextRelease(signal);
    }
  }

  /**
   * Admits a shadow or judge call only when it fits under every cap with room to spare: today's and
   * this month's spend, plus every reservation in flight, plus its own highest cost `estimateUsd`,
   * stays within each global cap and the person's own daily cap, and `estimateUsd` is within
   * `perCallCapUsd` (the automation's max_cost_per_run_usd) when there is one. Never waits (evidence
   * is not worth holding real work up for) and, unlike {@link admit}, never admits a call alone
   * past a cap. Throws ShadowSkippedError naming the cap that would be passed.
   */
  admitShadow(userId: string | null, estimateUsd: number, perCallCapUsd: number | null): BudgetReservation {
    if (estimateUsd <= 0) return this.reserve(userId, 0);
    if (perCallCapUsd !== null && estimateUsd > perCallCapUsd) throw new ShadowSkippedError('the automation’s per-run cost cap', estimateUsd, perCallCapUsd);
    const held = [...this.reserved.values()].reduce((a, b) => a + b.usd, 0);
    const { daily, monthly } = this.spend();
    for (const p of [daily, monthly]) {
      if (p.spentUsd + held + estimateUsd > p.limitUsd) throw new ShadowSkippedError(`the ${p.period} LLM budget`, p.spentUsd + held + estimateUsd, p.limitUsd);
    }
    const limit = this.deps.limits.userDailyUsd;
    if (limit !== undefined && userId !== null) {
      const { start, end } = periodBounds('daily', this.deps.clock.now());
      const theirs = [...this.reserved.values()].filter((r) => r.userId === userId).reduce((a, b) => a + b.usd, 0);
      const spent = this.deps.ledger.userSpendBetween(userId, start, end);
      if (spent + theirs + estimateUsd > limit) throw new ShadowSkippedError('the person’s daily LLM budget', spent + theirs + estimateUsd, limit);
    }
    return this.reserve(userId, estimateUsd);
  }

  /** Writes a shadow or judge call that was skipped at a cap to the ledger (cost 0, `skipped: …`), so /budget can count it. */
  recordSkipped(userId: string | null, call: Omit<Invocation, 'at' | 'userId' | 'ok' | 'costUsd' | 'inputTokens' | 'outputTokens' | 'latencyMs'>): number {
    return this.deps.ledger.record({ ...call, at: this.deps.clock.now(), userId, ok: false, costUsd: 0, inputTokens: 0, outputTokens: 0, latencyMs: 0 });
  }

  /** The person's own cap: their spend plus their reservations plus this call stays within it (or nothing of theirs is in flight). */
  private fitsUser(userId: string | null, estimateUsd: number): boolean {
    const limit = this.deps.limits.userDailyUsd;
    if (limit === undefined || userId === null) return true;
    const theirs = [...this.reserved.values()].filter((r) => r.userId === userId);
    if (theirs.length === 0) return true;
    const { start, end } = periodBounds('daily', this.deps.clock.now());
    const held = theirs.reduce((sum, r) => sum + r.usd, 0);
    return this.deps.ledger.userSpendBetween(userId, start, end) + held + estimateUsd <= limit;
  }

  private fits(estimateUsd: number): boolean {
    const held = [...this.reserved.values()].reduce((a, b) => a + b.usd, 0);
    const { daily, monthly } = this.spend();
    return daily.spentUsd + held + estimateUsd <= daily.limitUsd && monthly.spentUsd + held + estimateUsd <= monthly.limitUsd;
  }

  private reserve(userId: string | null, estimateUsd: number): BudgetReservation {
    const id = this.nextReservationId++;
    this.reserved.set(id, { userId, usd: estimateUsd });
    let settled = false;
    return {
      settle: (call) => {
        if (settled) throw new Error('a budget reservation was settled twice');
        settled = true;
        try {
          return this.deps.ledger.record({ ...call, at: this.deps.clock.now(), userId });
        } finally {
          this.reserved.delete(id);
          this.afterSpend(userId);
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

  /** After new spend: a notice for each cap now reached (the person's own to them), the warning when the month passes 90%. */
  private afterSpend(userId: string | null): void {
    for (const paused of this.reachedCaps()) this.announce(paused);
    const own = userId === null ? null : this.userPausedBy(userId);
    if (own) this.announceToUser(own);
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

  /** Tells the person (in a direct message, not the tasks channel) once per UTC day that their own cap is reached. */
  private announceToUser(paused: UserBudgetPausedError): void {
    const { label } = periodBounds('daily', this.deps.clock.now());
    const queued = this.queue(
      'budget_paused',
      `user-budget-paused:${paused.userId}:${label}`,
      `Your daily LLM budget is reached: ${formatUsd(paused.spentUsd)} of ${formatUsd(paused.limitUsd)} today. ` +
        `Your model automations are skipped until ${paused.resumesAt.toISOString().replace('.000Z', 'Z')} (tomorrow, UTC); your local skills keep running.`,
      'Your daily LLM budget is reached',
      `dm:${paused.userId}`,
    );
    if (queued) {
      this.deps.logger.warn(
        { event: 'user_budget_paused', userId: paused.userId, spentUsd: paused.spentUsd, limitUsd: paused.limitUsd, resumesAt: paused.resumesAt },
        "a person's daily LLM budget is reached: their model work is paused",
      );
    }
  }

  private queue(type: 'budget_paused' | 'budget_warning', dedupeKey: string, content: string, title: string, channel: Channel = 'tasks'): boolean {
    const id = this.deps.outbox.enqueue(
      {
        type,
        channel,
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
