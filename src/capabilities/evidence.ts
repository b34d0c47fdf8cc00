import { z } from 'zod';
import type { JsonObject } from '../automations/types.js';
import type { Db } from '../db/database.js';
import { parseJsonColumn } from '../db/json-column.js';
import type { SkillState } from './types.js';

/** Which path ran beside the real one. */
export type ComparisonDirection = 'skill_beside_model' | 'model_beside_skill';
/** How a comparison ended (see migrations/013_shadow_runs.sql). */
export type ComparisonStatus = 'pending' | 'scored' | 'skill_failed' | 'model_failed' | 'skipped_budget' | 'skipped_busy' | 'malformed' | 'interrupted';

export interface Comparison {
  id: number;
  capability: string;
  skillVersion: string;
  runId: number;
  automationId: number;
  direction: ComparisonDirection;
  status: ComparisonStatus;
  primaryDigest: string | null;
  shadowDigest: string | null;
  primaryOutput: JsonObject | null;
  shadowOutput: JsonObject | null;
  score: number | null;
  judge: string | null;
  reason: string | null;
  shadowCostUsd: number;
  judgeCostUsd: number;
  createdAt: Date;
  finishedAt: Date | null;
}

/** What a finished comparison records. */
export interface ComparisonResult {
  status: Exclude<ComparisonStatus, 'pending'>;
  primaryOutput: JsonObject | null;
  shadowOutput: JsonObject | null;
  primaryDigest: string | null;
  shadowDigest: string | null;
  score: number | null;
  judge: string | null;
  reason: string | null;
  shadowCostUsd: number;
  judgeCostUsd: number;
}

/** Counts over one capability's comparisons of one skill version since an instant. */
export interface ComparisonCounts {
  /** Comparisons that count: scored, or whose shadow skill run failed. */
  counted: number;
  scored: number;
  skillFailed: number;
  /** Scored at or above the clean threshold. */
  clean: number;
  /** Mean score of the scored ones (0 when none). */
  meanScore: number;
  /** Recorded and not counted: skipped at a cap or busy lanes, malformed judgements, model failures, interrupted. */
  notCounted: number;
}

/** Who made a change of state: a gate or a drop in agreement (`auto`), or a person. */
export type StateChangeBy = { kind: 'auto' } | { kind: 'person'; userId: string };

export interface StateChange {
  id: number;
  capability: string;
  from: SkillState;
  to: SkillState;
  by: StateChangeBy;
  reason: string;
  evidence: JsonObject;
  at: Date;
}

export type ProposalStatus = 'open' | 'promoted' | 'kept' | 'stale';

export interface Proposal {
  id: number;
  capability: string;
  from: SkillState;
  to: SkillState;
  evidence: JsonObject;
  evidenceSize: number;
  status: ProposalStatus;
  decidedBy: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

const objectColumn = z.record(z.string(), z.unknown());

interface ComparisonRow {
  id: number;
  capability: string;
  skill_version: string;
  run_id: number;
  automation_id: number;
  direction: ComparisonDirection;
  status: ComparisonStatus;
  primary_digest: string | null;
  shadow_digest: string | null;
  primary_output: string | null;
  shadow_output: string | null;
  score: number | null;
  judge: string | null;
  reason: string | null;
  shadow_cost_usd: number;
  judge_cost_usd: number;
  created_at: number;
  finished_at: number | null;
}

function toComparison(row: ComparisonRow): Comparison {
  const output = (text: string | null, column: string) => (text === null ? null : parseJsonColumn(objectColumn, text, `skill_comparison.${column}`, row.id));
  return {
    id: row.id,
    capability: row.capability,
    skillVersion: row.skill_version,
    runId: row.run_id,
    automationId: row.automation_id,
    direction: row.direction,
    status: row.status,
    primaryDigest: row.primary_digest,
    shadowDigest: row.shadow_digest,
    primaryOutput: output(row.primary_output, 'primary_output'),
    shadowOutput: output(row.shadow_output, 'shadow_output'),
    score: row.score,
    judge: row.judge,
    reason: row.reason,
    shadowCostUsd: row.shadow_cost_usd,
    judgeCostUsd: row.judge_cost_usd,
    createdAt: new Date(row.created_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
  };
}

interface ProposalRow {
  id: number;
  capability: string;
  from_state: SkillState;
  to_state: SkillState;
  evidence: string;
  evidence_size: number;
  status: ProposalStatus;
  decided_by: string | null;
  created_at: number;
  decided_at: number | null;
}

function toProposal(row: ProposalRow): Proposal {
  return {
    id: row.id,
    capability: row.capability,
    from: row.from_state,
    to: row.to_state,
    evidence: parseJsonColumn(objectColumn, row.evidence, 'skill_proposal.evidence', row.id),
    evidenceSize: row.evidence_size,
    status: row.status,
    decidedBy: row.decided_by,
    createdAt: new Date(row.created_at),
    decidedAt: row.decided_at === null ? null : new Date(row.decided_at),
  };
}

/** Every SQL statement about skill evidence: comparisons of shadow runs, changes of state, proposals to managers. */
export class SkillEvidenceRepository {
  constructor(private readonly db: Db) {}

  /**
   * Writes a `pending` comparison for run `runId` before any shadow work. Returns its id, or null
   * when the run has one already (a run is compared at most once, even across a crash).
   */
  insertPending(c: { capability: string; skillVersion: string; runId: number; automationId: number; direction: ComparisonDirection }, now: Date): number | null {
    const info = this.db
      .prepare(
        `INSERT OR IGNORE INTO skill_comparison (capability, skill_version, run_id, automation_id, direction, status, created_at)
         VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
      )
      .run(c.capability, c.skillVersion, c.runId, c.automationId, c.direction, now.getTime());
    return info.changes === 1 ? Number(info.lastInsertRowid) : null;
  }

  /** Finishes a pending comparison once; false when it was not pending (closed as interrupted meanwhile). */
  finish(id: number, r: ComparisonResult, now: Date): boolean {
    const info = this.db
      .prepare(
        `UPDATE skill_comparison SET status = ?, primary_output = ?, shadow_output = ?, primary_digest = ?, shadow_digest = ?, score = ?, judge = ?,
                reason = ?, shadow_cost_usd = ?, judge_cost_usd = ?, finished_at = ?
          WHERE id = ? AND status = 'pending'`,
      )
      .run(
        r.status,
        r.primaryOutput === null ? null : JSON.stringify(r.primaryOutput),
        r.shadowOutput === null ? null : JSON.stringify(r.shadowOutput),
        r.primaryDigest,
        r.shadowDigest,
        r.score,
        r.judge,
        r.reason,
        r.shadowCostUsd,
        r.judgeCostUsd,
        now.getTime(),
        id,
      );
    return info.changes === 1;
  }

  /** The id the next comparison will have: evidence for a new state counts from it. */
  nextId(): number {
    return (this.db.prepare<[], { id: number | null }>('SELECT MAX(id) AS id FROM skill_comparison').get()!.id ?? 0) + 1;
  }

  /** Start-up: closes the comparisons a crash left pending as `interrupted` (never run again). Returns how many. */
  closePending(now: Date): number {
    return this.db.prepare("UPDATE skill_comparison SET status = 'interrupted', finished_at = ?, reason = 'Steward stopped during the shadow run' WHERE status = 'pending'").run(now.getTime()).changes;
  }

  /**
   * Clears the stored outputs of up to `limit` comparisons created before `cutoff`, oldest first
   * (their digests, scores and judges stay: the evidence is kept, the bulk is not). Returns how many.
   */
  clearOutputsBefore(cutoff: Date, limit: number): number {
    return this.db
      .prepare(
        `UPDATE skill_comparison SET primary_output = NULL, shadow_output = NULL
          WHERE id IN (SELECT id FROM skill_comparison WHERE (primary_output IS NOT NULL OR shadow_output IS NOT NULL) AND created_at < ? ORDER BY id LIMIT ?)`,
      )
      .run(cutoff.getTime(), limit).changes;
  }

  get(id: number): Comparison | null {
    const row = this.db.prepare<[number], ComparisonRow>('SELECT * FROM skill_comparison WHERE id = ?').get(id);
    return row ? toComparison(row) : null;
  }

  /** A capability's comparisons, oldest first. */
  list(capability: string): Comparison[] {
    return this.db.prepare<[string], ComparisonRow>('SELECT * FROM skill_comparison WHERE capability = ? ORDER BY id').all(capability).map(toComparison);
  }

  /** Counts over the capability's comparisons of `version` with ids from `fromId` on (in one direction, or both). */
  counts(capability: string, version: string, fromId: number, cleanAt: number, direction?: ComparisonDirection): ComparisonCounts {
    const row = this.db
      .prepare<[number, string, string, number, string | null, string | null], { scored: number; skill_failed: number; clean: number; mean: number | null; other: number }>(
        `SELECT SUM(status = 'scored') AS scored, SUM(status = 'skill_failed') AS skill_failed, SUM(status = 'scored' AND score >= ?) AS clean,
                AVG(CASE WHEN status = 'scored' THEN score END) AS mean, SUM(status NOT IN ('scored', 'skill_failed', 'pending')) AS other
           FROM skill_comparison WHERE capability = ? AND skill_version = ? AND id >= ? AND (? IS NULL OR direction = ?)`,
      )
      .get(cleanAt, capability, version, fromId, direction ?? null, direction ?? null)!;
    const scored = row.scored ?? 0;
    const skillFailed = row.skill_failed ?? 0;
    return { counted: scored + skillFailed, scored, skillFailed, clean: row.clean ?? 0, meanScore: row.mean ?? 0, notCounted: row.other ?? 0 };
  }

  /** The scores of the last `limit` scored comparisons of `version` with ids from `fromId` on, newest first. */
  lastScores(capability: string, version: string, fromId: number, limit: number): number[] {
    return this.db
      .prepare<[string, string, number, number], { score: number }>(
        `SELECT score FROM skill_comparison WHERE capability = ? AND skill_version = ? AND id >= ? AND status = 'scored'
          ORDER BY id DESC LIMIT ?`,
      )
      .all(capability, version, fromId, limit)
      .map((r) => r.score);
  }

  /** The capability's runs on the skill path since `since`: how many finished, how many of them failed. */
  skillRunFailures(capability: string, since: Date): { runs: number; failed: number } {
    const row = this.db
      .prepare<[string, number], { runs: number; failed: number | null }>(
        `SELECT COUNT(*) AS runs, SUM(r.status IN ('failed', 'interrupted')) AS failed FROM automation_run r JOIN automation a ON a.id = r.automation_id
          WHERE a.capability = ? AND r.path = 'skill' AND r.started_at >= ? AND r.status IN ('succeeded', 'failed', 'interrupted')`,
      )
      .get(capability, since.getTime())!;
    return { runs: row.runs, failed: row.failed ?? 0 };
  }

  /** Succeeded runs of the capability on the skill path started in [from, to). */
  skillRunsBetween(capability: string, from: Date, to: Date): number {
    return this.db
      .prepare<[string, number, number], { n: number }>(
        `SELECT COUNT(*) AS n FROM automation_run r JOIN automation a ON a.id = r.automation_id
          WHERE a.capability = ? AND r.path = 'skill' AND r.status = 'succeeded' AND r.started_at >= ? AND r.started_at < ?`,
      )
      .get(capability, from.getTime(), to.getTime())!.n;
  }

  /**
   * What one model run of the capability costs, from what they cost: its succeeded claude_native
   * runs and the model's shadow runs beside its skill. Null when the model never ran it.
   */
  modelRunCost(capability: string): { meanUsd: number; runs: number } | null {
    const row = this.db
      .prepare<[string, string], { total: number | null; n: number }>(
        `SELECT SUM(cost) AS total, COUNT(*) AS n FROM (
           SELECT r.cost_usd AS cost FROM automation_run r JOIN automation a ON a.id = r.automation_id
            WHERE a.capability = ? AND r.path = 'claude_native' AND r.status = 'succeeded'
           UNION ALL
           SELECT shadow_cost_usd AS cost FROM skill_comparison
            WHERE capability = ? AND direction = 'model_beside_skill' AND status IN ('scored', 'malformed'))`,
      )
      .get(capability, capability)!;
    return row.n === 0 ? null : { meanUsd: (row.total ?? 0) / row.n, runs: row.n };
  }

  /** Writes a change of a skill's state with its evidence. Returns its id. */
  recordStateChange(c: Omit<StateChange, 'id'>): number {
    const info = this.db
      .prepare('INSERT INTO skill_state_change (capability, from_state, to_state, by_kind, by_user, reason, evidence, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(c.capability, c.from, c.to, c.by.kind, c.by.kind === 'person' ? c.by.userId : null, c.reason, JSON.stringify(c.evidence), c.at.getTime());
    return Number(info.lastInsertRowid);
  }

  /** The capability's changes of state, newest first. */
  stateChanges(capability: string, limit = 20): StateChange[] {
    return this.db
      .prepare<[string, number], { id: number; capability: string; from_state: SkillState; to_state: SkillState; by_kind: 'auto' | 'person'; by_user: string | null; reason: string; evidence: string; at: number }>(
        'SELECT * FROM skill_state_change WHERE capability = ? ORDER BY id DESC LIMIT ?',
      )
      .all(capability, limit)
      .map((row) => ({
        id: row.id,
        capability: row.capability,
        from: row.from_state,
        to: row.to_state,
        by: row.by_kind === 'person' ? { kind: 'person' as const, userId: row.by_user ?? 'unknown' } : { kind: 'auto' as const },
        reason: row.reason,
        evidence: parseJsonColumn(objectColumn, row.evidence, 'skill_state_change.evidence', row.id),
        at: new Date(row.at),
      }));
  }

  /** Opens a proposal; null when one is open for the capability already. */
  openProposal(p: { capability: string; from: SkillState; to: SkillState; evidence: JsonObject; evidenceSize: number }, now: Date): number | null {
    const info = this.db
      .prepare(
        `INSERT OR IGNORE INTO skill_proposal (capability, from_state, to_state, evidence, evidence_size, status, created_at)
         VALUES (?, ?, ?, ?, ?, 'open', ?)`,
      )
      .run(p.capability, p.from, p.to, JSON.stringify(p.evidence), p.evidenceSize, now.getTime());
    return info.changes === 1 ? Number(info.lastInsertRowid) : null;
  }

  proposal(id: number): Proposal | null {
    const row = this.db.prepare<[number], ProposalRow>('SELECT * FROM skill_proposal WHERE id = ?').get(id);
    return row ? toProposal(row) : null;
  }

  /** The capability's open proposal, if any. */
  openProposalOf(capability: string): Proposal | null {
    const row = this.db.prepare<[string], ProposalRow>("SELECT * FROM skill_proposal WHERE capability = ? AND status = 'open'").get(capability);
    return row ? toProposal(row) : null;
  }

  /** The evidence size of the last kept proposal for this move since `since` (0 when none): the next question waits for as much again. */
  lastKeptSize(capability: string, from: SkillState, to: SkillState, since: Date): number {
    return (
      this.db
        .prepare<[string, string, string, number], { size: number }>(
          "SELECT evidence_size AS size FROM skill_proposal WHERE capability = ? AND from_state = ? AND to_state = ? AND status = 'kept' AND created_at >= ? ORDER BY id DESC LIMIT 1",
        )
        .get(capability, from, to, since.getTime())?.size ?? 0
    );
  }

  /** Closes an open proposal as decided (promoted / kept by a person) or stale (the state moved otherwise). False when it was not open. */
  closeProposal(id: number, status: Exclude<ProposalStatus, 'open'>, by: string | null, now: Date): boolean {
    return this.db.prepare("UPDATE skill_proposal SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'open'").run(status, by, now.getTime(), id).changes === 1;
  }
}
