import { PendingFormRepository } from './automations/pending-forms.js';
import { AutomationRepository, RunRepository } from './automations/repository.js';
import { LedgerRepository } from './budget/ledger.js';
import { CapabilityRepository } from './capabilities/repository.js';
import { SkillEvidenceRepository } from './capabilities/evidence.js';
import type { Db } from './db/database.js';
import { OutboxRepository, type OutboxOptions } from './notifications/outbox.js';
import { SettingsRepository } from './settings/repository.js';

/** The repositories over one connection, and a way to make several of their writes one transaction. */
export class Store {
  readonly automations: AutomationRepository;
  readonly runs: RunRepository;
  readonly ledger: LedgerRepository;
  readonly capabilities: CapabilityRepository;
  readonly outbox: OutboxRepository;
  readonly settings: SettingsRepository;
  readonly forms: PendingFormRepository;
  readonly evidence: SkillEvidenceRepository;
  /**
   * One transaction function for every call: better-sqlite3's `db.transaction(fn)` builds four
   * wrapped functions per call (~8 µs), more than an empty BEGIN/COMMIT costs; this one takes the
   * work as its argument. Nested calls become savepoints, as with `db.transaction`.
   */
  private readonly inTransaction: <T>(work: () => T) => T;

  constructor(
    readonly db: Db,
    options: { outbox?: OutboxOptions } = {},
  ) {
    this.automations = new AutomationRepository(db);
    this.runs = new RunRepository(db);
    this.ledger = new LedgerRepository(db);
    this.capabilities = new CapabilityRepository(db);
    this.outbox = new OutboxRepository(db, options.outbox);
    this.settings = new SettingsRepository(db);
    this.forms = new PendingFormRepository(db);
    this.evidence = new SkillEvidenceRepository(db);
    const run = db.transaction((work: () => unknown) => work());
    this.inTransaction = <T>(work: () => T) => run(work) as T;
  }

  /** Runs `work` in one transaction: all its writes land, or none do. */
  transaction<T>(work: () => T): T {
    return this.inTransaction(work);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
