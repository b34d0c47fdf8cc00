import { z } from 'zod';
import type { Db } from '../db/database.js';
import { parseJsonColumn } from '../db/json-column.js';
import type { CapabilityRecord, SkillState } from './types.js';

interface CapabilityRow {
  name: string;
  description: string;
  input_schema: string;
  example: string;
  skill_name: string | null;
  state: SkillState | null;
  state_changed_at: number | null;
  state_changed_by: string | null;
  promoted_agreement: number | null;
  evidence_from: number | null;
}

const SELECT = `SELECT c.name, c.description, c.input_schema, c.example,
                       s.name AS skill_name, s.state, s.state_changed_at, s.state_changed_by,
                       s.promoted_agreement, s.evidence_from
                  FROM capability c LEFT JOIN skill s ON s.capability = c.name`;

const schemaObject = z.record(z.string(), z.unknown());
/** Capabilities' JSON Schemas by their text, parsed once (the dispatcher reads its capability on every run); as many as are installed. */
const parsedSchemas = new Map<string, Record<string, unknown>>();

function inputSchemaOf(row: CapabilityRow): Record<string, unknown> {
  let schema = parsedSchemas.get(row.input_schema);
  if (!schema) {
    schema = Object.freeze(parseJsonColumn(schemaObject, row.input_schema, 'capability.input_schema', row.name));
    if (parsedSchemas.size >= 256) parsedSchemas.clear();
    parsedSchemas.set(row.input_schema, schema);
  }
  return schema;
}

function toRecord(row: CapabilityRow): CapabilityRecord {
  return {
    name: row.name,
    description: row.description,
    inputSchema: inputSchemaOf(row),
    example: row.example,
    skill:
      row.skill_name === null
        ? null
        : {
            name: row.skill_name,
            state: row.state!,
            stateChangedAt: new Date(row.state_changed_at!),
            stateChangedBy: row.state_changed_by!,
            promotedAgreement: row.promoted_agreement,
            evidenceFrom: row.evidence_from ?? 0,
          },
  };
}

/** What the dispatcher reads of a capability for each run. */
export interface CapabilityForRun {
  name: string;
  description: string;
  skillState: SkillState | null;
}

/** Every SQL statement about capabilities and skills. */
export class CapabilityRepository {
  constructor(private readonly db: Db) {}

  list(): CapabilityRecord[] {
    return this.db.prepare<[], CapabilityRow>(`${SELECT} ORDER BY c.name`).all().map(toRecord);
  }

  /** Each capability's skill state (null: no skill), without the rest: what the scheduler reads on every wake. */
  skillStates(): Map<string, SkillState | null> {
    const rows = this.db
      .prepare<[], { name: string; state: SkillState | null }>('SELECT c.name, s.state FROM capability c LEFT JOIN skill s ON s.capability = c.name')
      .all();
    return new Map(rows.map((r) => [r.name, r.state]));
  }

  /**
   * What a run needs of its capability, read at dispatch (step 1 of the dispatch contract decides
   * the path from the skill's state at this moment): its name, description and skill state (null:
   * no skill); null when the capability is not installed. Leaves out the input schema and example.
   */
  forRun(name: string): CapabilityForRun | null {
    return (
      this.db
        .prepare<[string], CapabilityForRun>('SELECT c.name, c.description, s.state AS skillState FROM capability c LEFT JOIN skill s ON s.capability = c.name WHERE c.name = ?')
        .get(name) ?? null
    );
  }

  get(name: string): CapabilityRecord | null {
    const row = this.db.prepare<[string], CapabilityRow>(`${SELECT} WHERE c.name = ?`).get(name);
    return row ? toRecord(row) : null;
  }

  /**
   * Changes a skill's lifecycle state, recording who (a user id, or `auto`) and when, the mean
   * agreement it had (null: unknown) and the first comparison id that counts as evidence for the
   * new state. Returns false when the capability has no skill.
   */
  setSkillState(capability: string, state: SkillState, by: string, now: Date, evidence: { agreement: number | null; fromComparison: number }): boolean {
    const info = this.db
      .prepare('UPDATE skill SET state = ?, state_changed_by = ?, state_changed_at = ?, promoted_agreement = ?, evidence_from = ? WHERE capability = ?')
      .run(state, by, now.getTime(), evidence.agreement, evidence.fromComparison, capability);
    return info.changes === 1;
  }
}
