import type { StateChangeBy } from '../capabilities/evidence.js';
import type { SkillState } from '../capabilities/types.js';
import type { NewNotification, RichMessage } from '../notifications/outbox.js';
import { agreementText, percentText } from '../util/text.js';

/** The evidence a change of state (or a question about one) was made on, as stored and shown. */
export interface EvidenceSummary {
  /** Comparisons that count (scored, or the shadow skill run failed). */
  comparisons: number;
  scored: number;
  clean: number;
  skillFailed: number;
  agreement: { mean: number; low: number; high: number; n: number } | null;
  /** Runs on the skill path in this state, and how many failed. */
  skillRuns: { runs: number; failed: number };
  /** The comparisons the agreement was measured over when it is a window (demotion: the last 50). */
  window?: number;
  /** The agreement demotion compared against: the skill's at promotion, or the trust gate's when none was measured then. */
  baseline?: number;
  baselineFrom?: 'promotion' | 'gate';
}

/** Which path a state sends runs down, in words. */
function pathWords(state: SkillState): string {
  return state === 'shadow_primary' || state === 'trusted' ? 'its local skill' : 'the model';
}

/** "Promoted by <@id>" / "Promoted automatically": who or what made a change. */
export function changedByWords(verb: 'Promoted' | 'Demoted' | 'Moved', by: StateChangeBy): string {
  return by.kind === 'person' ? `${verb} by <@${by.userId}>` : `${verb} automatically`;
}

const RANK: Record<SkillState, number> = { retired: 0, sandbox: 1, shadow: 1, shadow_primary: 2, trusted: 3 };

/** Whether a move goes up (toward the skill), down, or sideways. */
export function moveVerb(from: SkillState, to: SkillState): 'Promoted' | 'Demoted' | 'Moved' {
  return RANK[to] > RANK[from] ? 'Promoted' : RANK[to] < RANK[from] ? 'Demoted' : 'Moved';
}

/** The evidence as the lines of a notice field. */
export function evidenceLines(e: EvidenceSummary): string {
  const lines: string[] = [];
  if (e.agreement) lines.push(`${agreementText(e.agreement)}${e.window ? ` (the last ${e.window})` : ''}`);
  else lines.push('no comparisons scored yet');
  if (e.comparisons > 0) lines.push(`${e.clean} of ${e.comparisons} comparisons clean${e.skillFailed ? `, ${e.skillFailed} skill runs failed` : ''}`);
  if (e.skillRuns.runs > 0) lines.push(`${e.skillRuns.runs} runs on the skill, ${e.skillRuns.failed} failed`);
  if (e.baseline !== undefined) lines.push(e.baselineFrom === 'gate' ? `compared with the ${percentText(e.baseline)} a trusted skill needs` : `compared with ${percentText(e.baseline)} at promotion`);
  return lines.join('\n');
}

/** What runs do from now on in `state`, with the share the model re-checks. */
function whatNow(state: SkillState, sample: { primary: number; trusted: number }): string {
  if (state === 'shadow_primary') return `Its runs now go through its local skill (free); the model re-checks ${percentText(sample.primary)} of them.`;
  if (state === 'trusted') return `Its runs go through its local skill (free); the model re-checks ${percentText(sample.trusted)} of them.`;
  if (state === 'retired') return 'Its runs go through the model; its local skill no longer runs.';
  return 'Its runs go through the model again; its local skill keeps running beside it to gather new evidence.';
}

/** The tasks-channel notice of a skill's change of state: who or what made it, why, and the evidence. */
export function stateChangeNotification(
  change: { capability: string; from: SkillState; to: SkillState; by: StateChangeBy; reason: string; evidence: EvidenceSummary },
  sample: { primary: number; trusted: number },
): NewNotification {
  const verb = moveVerb(change.from, change.to);
  const title = change.to === 'trusted' ? `${change.capability}'s local skill is now trusted` : `${change.capability} now runs on ${pathWords(change.to)}`;
  const description = `${changedByWords(verb, change.by)}: ${change.reason}.\n${whatNow(change.to, sample)}`;
  const embed: RichMessage = {
    title,
    description,
    fields: [
      { name: 'State', value: `\`${change.from}\` → \`${change.to}\`` },
      { name: 'Evidence', value: evidenceLines(change.evidence) },
    ],
    tone: verb === 'Demoted' ? 'bad' : verb === 'Promoted' ? 'good' : 'neutral',
    actions: [],
    automationId: null,
    runId: null,
  };
  return { type: 'skill', channel: 'tasks', content: `${title}. ${description}`, embed };
}

/** The question to a manager when a gate passes under SKILL_PROMOTION_APPROVAL=manual, with Promote / Keep buttons. */
export function proposalNotification(proposal: { id: number; capability: string; from: SkillState; to: SkillState; evidence: EvidenceSummary }, sample: { primary: number; trusted: number }): NewNotification {
  const title = `${proposal.capability}'s local skill is ready for ${proposal.to === 'trusted' ? 'trust' : 'promotion'}`;
  const description =
    `It passed its gate for \`${proposal.to}\`: promoted, its runs would go through its local skill (free) and the model would re-check ${percentText(proposal.to === 'trusted' ? sample.trusted : sample.primary)} of them.\n` +
    'A manager decides: **Promote** it, or **Keep** it as it is (you are asked again once as much new evidence is in).';
  return {
    type: 'skill',
    channel: 'tasks',
    content: `${title}. ${description}`,
    dedupeKey: `skill-proposal:${proposal.id}`,
    embed: {
      title,
      description,
      fields: [
        { name: 'State', value: `\`${proposal.from}\` → \`${proposal.to}\`?` },
        { name: 'Evidence', value: evidenceLines(proposal.evidence) },
      ],
      tone: 'neutral',
      actions: ['promote_skill', 'keep_skill'],
      automationId: null,
      runId: null,
      proposalId: proposal.id,
    },
  };
}

/** The question's message once a manager answered it: the same evidence, who decided what, no buttons. */
export function proposalAnswered(
  proposal: { capability: string; from: SkillState; to: SkillState; evidence: EvidenceSummary },
  answer: { action: 'promote' | 'keep'; userId: string },
): RichMessage {
  const promoted = answer.action === 'promote';
  return {
    title: promoted ? `${proposal.capability}'s local skill was promoted` : `${proposal.capability} stays as it is`,
    description: promoted
      ? `Promoted by <@${answer.userId}> to \`${proposal.to}\`.`
      : `Kept as \`${proposal.from}\` by <@${answer.userId}>; you are asked again once as much new evidence is in.`,
    fields: [{ name: 'Evidence', value: evidenceLines(proposal.evidence) }],
    tone: promoted ? 'good' : 'muted',
    actions: [],
    automationId: null,
    runId: null,
  };
}
