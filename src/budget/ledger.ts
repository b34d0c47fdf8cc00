import type { Db } from '../db/database.js';

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
}

/** Every SQL statement about the invocation ledger. */
export class LedgerRepository {
  constructor(private readonly db: Db) {}

  /** Records one model call; returns its ledger id. */
  record(i: Invocation): number {
    const info = this.db
      .prepare(
        `INSERT INTO invocation_log (at, provider, model, input_tokens, output_tokens, cost_usd, latency_ms, ok, error, user_id, automation_run_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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

  /** Spend of one run (all its calls). */
  runSpend(runId: number): number {
    return this.db
      .prepare<[number], { total: number }>(
        'SELECT COALESCE(SUM(cost_usd), 0) AS total FROM invocation_log WHERE automation_run_id = ?',
      )
      .get(runId)!.total;
  }
}
