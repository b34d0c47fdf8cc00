import type { Db } from '../db/database.js';

/**
 * What a model call was for: a run's own work, the model re-running a skill's run beside it
 * (`shadow`), or a judge scoring two outputs' agreement (`judge`). Every kind counts against the caps.
 */
export type InvocationKind = 'run' | 'shadow' | 'judge';

/** One model call, successful or not, as the invocation ledger records it. */
export interface Invocation {
  at: Date;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
  ok: boolean;
  error: string | null;
  userId: string | null;
  runId: number | null;
  /** Default `run`. */
  kind?: InvocationKind;
  /** The skill comparison a shadow or judge call belongs to. */
  comparisonId?: number | null;
}

/** Every SQL statement about the invocation ledger. */
export class LedgerRepository {
  constructor(private readonly db: Db) {}

  /** Records one model call; returns its ledger id. */
  record(i: Invocation): number {
    const info = this.db
      .prepare(
        `INSERT INTO invocation_log (at, provider, model, input_tokens, output_tokens, cost_usd, latency_ms, ok, error, user_id, automation_run_id, kind, comparison_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        i.at.getTime(),
        i.provider,
        i.model,
        i.inputTokens,
        i.outputTokens,
        i.costUsd,
        i.latencyMs,
        i.ok ? 1 : 0,
        i.error,
        i.userId,
        i.runId,
        i.kind ?? 'run',
        i.comparisonId ?? null,
      );
    return Number(info.lastInsertRowid);
  }

  /** Total spend of calls made in [from, to). */
  spendBetween(from: Date, to: Date): number {
    return this.db
      .prepare<[number, number], { total: number }>(
        'SELECT COALESCE(SUM(cost_usd), 0) AS total FROM invocation_log WHERE at >= ? AND at < ?',
      )
      .get(from.getTime(), to.getTime())!.total;
  }

  /** Spend in [from, to) by kind of call (run, shadow, judge), and how many shadow or judge calls were skipped at a cap. */
  spendByKindBetween(from: Date, to: Date): Record<InvocationKind, number> & { skipped: number } {
    const rows = this.db
      .prepare<[number, number], { kind: InvocationKind; total: number; skipped: number }>(
        `SELECT kind, COALESCE(SUM(cost_usd), 0) AS total, SUM(CASE WHEN ok = 0 AND error LIKE 'skipped:%' THEN 1 ELSE 0 END) AS skipped
           FROM invocation_log WHERE at >= ? AND at < ? GROUP BY kind`,
      )
      .all(from.getTime(), to.getTime());
    const spend = { run: 0, shadow: 0, judge: 0, skipped: 0 };
    for (const row of rows) {
      spend[row.kind] = row.total;
      if (row.kind !== 'run') spend.skipped += row.skipped;
    }
    return spend;
  }

  /** Spend of one person's calls in [from, to) (the invocation_log_user_at index serves it). */
  userSpendBetween(userId: string, from: Date, to: Date): number {
    return this.db
      .prepare<[string, number, number], { total: number }>(
        'SELECT COALESCE(SUM(cost_usd), 0) AS total FROM invocation_log WHERE user_id = ? AND at >= ? AND at < ?',
      )
      .get(userId, from.getTime(), to.getTime())!.total;
  }

  /** Spend of one automation's runs in [from, to). */
  automationSpendBetween(automationId: number, from: Date, to: Date): number {
    return this.db
      .prepare<[number, number, number], { total: number }>(
        `SELECT COALESCE(SUM(l.cost_usd), 0) AS total FROM invocation_log l
           JOIN automation_run r ON r.id = l.automation_run_id
          WHERE r.automation_id = ? AND l.at >= ? AND l.at < ?`,
      )
      .get(automationId, from.getTime(), to.getTime())!.total;
  }

  /** The automations that spent the most in [from, to), among one owner's or one guild's, most first. */
  topAutomations(from: Date, to: Date, scope: { userId: string } | { guildId: string }, limit: number): { automationId: number; name: string; spentUsd: number }[] {
    const [column, value] = 'userId' in scope ? ['a.user_id', scope.userId] : ['a.guild_id', scope.guildId];
    return this.db
      .prepare<[number, number, string, number], { automationId: number; name: string; spentUsd: number }>(
        `SELECT a.id AS automationId, a.name AS name, SUM(l.cost_usd) AS spentUsd
           FROM invocation_log l
           JOIN automation_run r ON r.id = l.automation_run_id
           JOIN automation a ON a.id = r.automation_id
          WHERE l.at >= ? AND l.at < ? AND ${column} = ?
          GROUP BY a.id HAVING spentUsd > 0 ORDER BY spentUsd DESC, a.id LIMIT ?`,
      )
      .all(from.getTime(), to.getTime(), value, limit);
  }

  /** Spend of one comparison's shadow and judge calls (or of one kind of them). */
  comparisonSpend(comparisonId: number, kind?: InvocationKind): number {
    return this.db
      .prepare<[number, string | null, string | null], { total: number }>(
        'SELECT COALESCE(SUM(cost_usd), 0) AS total FROM invocation_log WHERE comparison_id = ? AND (? IS NULL OR kind = ?)',
      )
      .get(comparisonId, kind ?? null, kind ?? null)!.total;
  }

  /** The model the comparison's last call of `kind` went to, or null when it made none. */
  comparisonModel(comparisonId: number, kind: InvocationKind): string | null {
    return (
      this.db
        .prepare<[number, string], { model: string }>('SELECT model FROM invocation_log WHERE comparison_id = ? AND kind = ? ORDER BY id DESC LIMIT 1')
        .get(comparisonId, kind)?.model ?? null
    );
  }

  /** Spend of one run (all its calls). */
  runSpend(runId: number): number {
    return this.db
      .prepare<[number], { total: number }>(
        'SELECT COALESCE(SUM(cost_usd), 0) AS total FROM invocation_log WHERE automation_run_id = ?',
      )
      .get(runId)!.total;
  }
}
