import { wilsonInterval } from '../capabilities/agreement.js';
import type { Proposal, StateChangeBy } from '../capabilities/evidence.js';
import type { CapabilityRecord, SkillState } from '../capabilities/types.js';
import type { Clock } from '../clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RichMessage } from '../notifications/outbox.js';
import type { Store } from '../store.js';
import { moveVerb, proposalAnswered, proposalNotification, stateChangeNotification, type EvidenceSummary } from './skill-notices.js';

/** The gates of issue 14, each a variable of src/config.ts. */
export interface SkillGates {
  /** SKILL_PROMOTE_MIN_RUNS: skill runs beside the model (current skill version) before sandbox → shadow_primary. */
  promoteMinRuns: number;
  /** SKILL_PROMOTE_MIN_CLEAN: the share of them that must be clean. */
  promoteMinClean: number;
  /** SKILL_TRUST_MIN_COMPARISONS: scored comparisons in shadow_primary before → trusted. */
  trustMinComparisons: number;
  /** SKILL_TRUST_MIN_AGREEMENT: their mean agreement; also the score at which a skill run counts as clean. */
  trustMinAgreement: number;
  /** SHADOW_SAMPLE_PRIMARY / SHADOW_SAMPLE_TRUSTED: the share of skill runs the model re-runs (said in notices). */
  sample: { primary: number; trusted: number };
  /** SKILL_PROMOTION_APPROVAL for the capability: `manual` asks a manager instead of promoting. */
  approval: (capability: string) => 'auto' | 'manual';
}

/** At most this share of a shadow_primary skill's runs may fail for it to become trusted. */
export const TRUST_MAX_FAILURE_RATE = 0.1;
/** Demotion looks at the last this many scored comparisons... */
export const DEMOTION_WINDOW = 50;
/** ...once there are at least this many (fewer say too little to act on). */
export const DEMOTION_MIN_COMPARISONS = 20;

/**
 * The demotion rule: with at least {@link DEMOTION_MIN_COMPARISONS} of the last
 * {@link DEMOTION_WINDOW} scores, demote when the upper end of their mean's 95% Wilson interval
 * is below `baseline` (the agreement at promotion). Returns the interval it judged, or null when
 * there are too few scores.
 */
export function demotionCheck(mean: number, n: number, baseline: number): { demote: boolean; low: number; high: number } | null {
  if (n < DEMOTION_MIN_COMPARISONS) return null;
  const interval = wilsonInterval(mean, Math.min(n, DEMOTION_WINDOW));
  return { demote: interval.high < baseline, ...interval };
}

/** A capability's evidence for its current state, for gates, notices and `/capabilities`. */
export interface SkillEvidence extends EvidenceSummary {
  state: SkillState;
  version: string;
  /** Recorded and not counted: skipped at a cap or busy lanes, malformed judgements, model failures, interrupted. */
  notCounted: number;
}

export type LifecycleStep = { kind: 'changed'; from: SkillState; to: SkillState } | { kind: 'proposed'; proposalId: number; to: SkillState } | null;

export interface SkillLifecycleDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  gates: SkillGates;
  /** The version of the capability's skill in code. */
  version: (capability: string) => string;
  /** Called after a notice was queued (to wake the notification service). */
  onNotification?: () => void;
}

const isPrimary = (state: SkillState) => state === 'shadow_primary' || state === 'trusted';
const isBesideModel = (state: SkillState) => state === 'sandbox' || state === 'shadow';

/**
 * Moves skills between states on evidence: checks the gates each time a comparison is recorded,
 * writes every change of state with its evidence and who or what made it, and announces it in the
 * tasks channel through the outbox (in the caller's transaction when there is one).
 */
export class SkillLifecycle {
  constructor(private readonly deps: SkillLifecycleDeps) {}

  /** The capability's evidence for its current state (comparisons since its last change of state, of the current skill version); null without a skill. */
  evidence(capability: string): SkillEvidence | null {
    const record = this.deps.store.capabilities.get(capability);
    return record?.skill ? this.evidenceOf(record) : null;
  }

  private evidenceOf(record: CapabilityRecord, window?: number): SkillEvidence {
    const { store, gates } = this.deps;
    const skill = record.skill!;
    const version = this.deps.version(record.name);
    const counts = store.evidence.counts(record.name, version, skill.evidenceFrom, gates.trustMinAgreement, isBesideModel(skill.state) ? 'skill_beside_model' : undefined);
    const skillRuns = store.evidence.skillRunFailures(record.name, skill.stateChangedAt);
    let agreement = counts.scored > 0 ? { mean: counts.meanScore, n: counts.scored } : null;
    if (window !== undefined) {
      const scores = store.evidence.lastScores(record.name, version, skill.evidenceFrom, window);
      agreement = scores.length ? { mean: scores.reduce((a, b) => a + b, 0) / scores.length, n: scores.length } : null;
    }
    return {
      state: skill.state,
      version,
      comparisons: counts.counted,
      scored: counts.scored,
      clean: counts.clean,
      skillFailed: counts.skillFailed,
      notCounted: counts.notCounted,
      agreement: agreement ? { ...agreement, ...wilsonInterval(agreement.mean, agreement.n) } : null,
      skillRuns,
      ...(window !== undefined ? { window } : {}),
    };
  }

  /**
   * Checks the capability's gates after a comparison was recorded: a passed promotion gate
   * promotes (auto) or asks a manager (manual, once per question); agreement falling below what
   * it had at promotion demotes to sandbox (always automatically). Call it inside the
   * transaction that recorded the comparison. Returns what it did.
   */
  check(capability: string): LifecycleStep {
    const record = this.deps.store.capabilities.get(capability);
    const skill = record?.skill;
    if (!record || !skill) return null;
    const { gates } = this.deps;
    if (isPrimary(skill.state)) {
      const windowed = this.evidenceOf(record, DEMOTION_WINDOW);
      // A skill promoted on evidence is held to the agreement it had then; one set by hand or at install, to the trust gate's.
      const baseline = skill.promotedAgreement ?? gates.trustMinAgreement;
      if (windowed.agreement && demotionCheck(windowed.agreement.mean, windowed.agreement.n, baseline)?.demote) {
        const against = skill.promotedAgreement === null ? `the ${Math.round(baseline * 100)}% a trusted skill needs` : `the ${Math.round(baseline * 100)}% it had when promoted`;
        const reason = `its agreement over the last ${windowed.agreement.n} comparisons fell below ${against} (the upper end of its 95% interval is ${Math.round(windowed.agreement.high * 100)}%)`;
        this.change(record, 'sandbox', { kind: 'auto' }, reason, { ...windowed, baseline, baselineFrom: skill.promotedAgreement === null ? 'gate' : 'promotion' });
        return { kind: 'changed', from: skill.state, to: 'sandbox' };
      }
    }
    const evidence = this.evidenceOf(record);
    let to: SkillState | null = null;
    let reason = '';
    let size = 0;
    if (isBesideModel(skill.state) && evidence.comparisons >= gates.promoteMinRuns && evidence.clean / evidence.comparisons >= gates.promoteMinClean) {
      to = 'shadow_primary';
      size = evidence.comparisons;
      reason = `${evidence.clean} of ${evidence.comparisons} skill runs beside the model were clean (at least ${Math.round(gates.promoteMinClean * 100)}% of ${gates.promoteMinRuns} needed)`;
    } else if (
      skill.state === 'shadow_primary' &&
      evidence.agreement &&
      evidence.scored >= gates.trustMinComparisons &&
      evidence.agreement.mean >= gates.trustMinAgreement &&
      (evidence.skillRuns.runs === 0 || evidence.skillRuns.failed / evidence.skillRuns.runs <= TRUST_MAX_FAILURE_RATE)
    ) {
      to = 'trusted';
      size = evidence.scored;
      reason = `mean agreement ${Math.round(evidence.agreement.mean * 100)}% over ${evidence.scored} comparisons (at least ${Math.round(gates.trustMinAgreement * 100)}% over ${gates.trustMinComparisons} needed), ${evidence.skillRuns.failed} of ${evidence.skillRuns.runs} skill runs failed`;
    }
    if (!to) return null;
    if (gates.approval(capability) === 'auto') {
      this.change(record, to, { kind: 'auto' }, `its gate passed (${reason})`, evidence);
      return { kind: 'changed', from: skill.state, to };
    }
    return this.propose(record, to, evidence, size);
  }

  /** Asks a manager (once per question; after a Keep, again once as much new evidence is in). */
  private propose(record: CapabilityRecord, to: SkillState, evidence: SkillEvidence, size: number): LifecycleStep {
    const { store, clock, logger } = this.deps;
    const from = record.skill!.state;
    if (store.evidence.openProposalOf(record.name)) return null;
    const kept = store.evidence.lastKeptSize(record.name, from, to, record.skill!.stateChangedAt);
    if (kept > 0 && size < kept * 2) return null;
    const now = clock.now();
    const id = store.evidence.openProposal({ capability: record.name, from, to, evidence: { ...evidence }, evidenceSize: size }, now);
    if (id === null) return null;
    store.outbox.enqueue(proposalNotification({ id, capability: record.name, from, to, evidence }, this.deps.gates.sample), now);
    logger.info({ event: 'skill_promotion_proposed', capability: record.name, from, to, proposalId: id, comparisons: evidence.comparisons }, 'skill passed its gate; a manager is asked');
    this.deps.onNotification?.();
    return { kind: 'proposed', proposalId: id, to };
  }

  /**
   * Changes the capability's skill state, by a person (`/capability promote|demote`, Promote) or
   * automatically, writing the change with its evidence and announcing it in the tasks channel;
   * an open question about the skill is closed as stale. Throws NotFoundError / ValidationError
   * for a capability that does not exist or has no skill. Returns the record after the change.
   */
  setState(capability: string, to: SkillState, by: StateChangeBy, reason: string): CapabilityRecord {
    const record = this.deps.store.capabilities.get(capability);
    if (!record) throw new NotFoundError('capability', capability);
    if (!record.skill) throw new ValidationError('capability', `${capability} has no local skill: it always runs through the model`);
    return this.deps.store.transaction(() => this.change(record, to, by, reason, this.evidenceOf(record)));
  }

  private change(record: CapabilityRecord, to: SkillState, by: StateChangeBy, reason: string, evidence: EvidenceSummary): CapabilityRecord {
    const { store, clock, logger } = this.deps;
    const now = clock.now();
    const from = record.skill!.state;
    const promoted = moveVerb(from, to) === 'Promoted';
    store.capabilities.setSkillState(record.name, to, by.kind === 'person' ? by.userId : 'auto', now, {
      agreement: promoted ? (evidence.agreement?.mean ?? null) : null,
      fromComparison: store.evidence.nextId(),
    });
    store.evidence.recordStateChange({ capability: record.name, from, to, by, reason, evidence: { ...evidence }, at: now });
    const open = store.evidence.openProposalOf(record.name);
    if (open) store.evidence.closeProposal(open.id, 'stale', null, now);
    store.outbox.enqueue(stateChangeNotification({ capability: record.name, from, to, by, reason, evidence }, this.deps.gates.sample), now);
    logger.info({ event: 'skill_state_changed', capability: record.name, from, to, by: by.kind === 'person' ? by.userId : 'auto', reason }, 'skill state changed');
    this.deps.onNotification?.();
    return store.capabilities.get(record.name)!;
  }

  /**
   * A manager's answer to a question: `promote` makes the change (recorded as made by them),
   * `keep` leaves the state and remembers how much evidence was seen. Throws NotFoundError for an
   * unknown question, ConflictError for one answered already or overtaken (the state moved).
   * Returns the question's message as it reads now (to replace the one with the buttons).
   */
  answer(proposalId: number, userId: string, action: 'promote' | 'keep'): { proposal: Proposal; message: RichMessage } {
    const { store, clock, logger } = this.deps;
    return store.transaction(() => {
      const proposal = store.evidence.proposal(proposalId);
      if (!proposal) throw new NotFoundError('skill proposal', proposalId);
      const record = store.capabilities.get(proposal.capability);
      if (proposal.status !== 'open') {
        throw new ConflictError(`this question was answered already (${proposal.status}${proposal.decidedBy ? ` by <@${proposal.decidedBy}>` : ''}): see /capabilities`, { proposalId });
      }
      if (!record?.skill || record.skill.state !== proposal.from) {
        store.evidence.closeProposal(proposalId, 'stale', null, clock.now());
        throw new ConflictError(`${proposal.capability}'s skill is \`${record?.skill?.state ?? 'gone'}\` now, not \`${proposal.from}\`: see /capabilities`, { proposalId });
      }
      const evidence = this.evidenceOf(record);
      store.evidence.closeProposal(proposalId, action === 'promote' ? 'promoted' : 'kept', userId, clock.now());
      if (action === 'promote') this.change(record, proposal.to, { kind: 'person', userId }, 'it passed its gate, and Promote was pressed', evidence);
      else logger.info({ event: 'skill_promotion_kept', capability: proposal.capability, proposalId, by: userId }, 'a manager kept the skill as it is');
      return { proposal: store.evidence.proposal(proposalId)!, message: proposalAnswered({ ...proposal, evidence }, { action, userId }) };
    });
  }
}
