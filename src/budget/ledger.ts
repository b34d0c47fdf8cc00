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

  /** Spend of one run (all its calls). */
  runSpend(runId: number): number {
    return this.db
      .prepare<[number], { total: number }>(
        'SELECT COALESCE(SUM(cost_usd), 0) AS total FROM invocation_log WHERE automation_run_id = ?',
      )
      .get(runId)!.total;
  }
}
