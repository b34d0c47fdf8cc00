/**
 * Every custom id Steward puts on a button or a form, built and parsed here and nowhere else.
 * An id is `s<version>:<prefix>:<args…>`; a click on a component from another version (or a
 * forged id) parses to a StaleComponentError, whose message asks to run the command again.
 */
import { z } from 'zod';
import { StaleComponentError } from '../../errors.js';

/** Bumped when the shape of any id changes: older buttons then say "run the command again". */
const VERSION = 's2';

const automationId = z.coerce.number().int().positive();
const formId = z.string().regex(/^[0-9a-f]{16}$/);

export const AUTOMATION_ACTIONS = ['show', 'pause', 'resume', 'run', 'delete', 'delete-yes', 'delete-no'] as const;
export type AutomationAction = (typeof AUTOMATION_ACTIONS)[number];
/** What the buttons under an alert hold its automation's alerts for: an hour, a day, or until the incident resolves. */
export const HOLD_ACTIONS = ['snooze-hour', 'snooze-day', 'mute'] as const;
export type HoldAction = (typeof HOLD_ACTIONS)[number];
export const DRAFT_ACTIONS = ['create', 'edit', 'cancel'] as const;
export type DraftAction = (typeof DRAFT_ACTIONS)[number];
export const PROPOSAL_ACTIONS = ['promote', 'keep'] as const;
export type ProposalAction = (typeof PROPOSAL_ACTIONS)[number];

/** The arguments each prefix carries, as zod parses them from the id's parts. */
const ARGS = {
  /** A button acting on one automation. */
  a: z.tuple([z.enum(AUTOMATION_ACTIONS), automationId]).transform(([action, id]) => ({ action, id })),
  /** Snooze 1 h / Snooze 1 day / Mute until resolved under an alert. */
  hold: z.tuple([z.enum(HOLD_ACTIONS), automationId]).transform(([action, id]) => ({ action, id })),
  /** A page of `/automation list`. */
  list: z
    .tuple([z.coerce.number().int().min(0), z.enum(['0', '1']), z.enum(['', 'active', 'paused'])])
    .transform(([page, all, status]) => ({ page, all: all === '1', status: status === '' ? undefined : status })),
  /** The form with a create's inputs. */
  create: z.tuple([formId]).transform(([form]) => ({ form })),
  /** "Edit again": reopens a refused create form with what was typed. */
  'create-again': z.tuple([formId]).transform(([form]) => ({ form })),
  /** Create / Edit / Cancel under a draft of `/automation new`. */
  draft: z.tuple([z.enum(DRAFT_ACTIONS), formId]).transform(([action, draft]) => ({ action, draft })),
  /** The form that edits a draft. */
  'draft-form': z.tuple([formId]).transform(([draft]) => ({ draft })),
  /** "Output" under an alert or a run: the run's raw output. */
  out: z.tuple([z.coerce.number().int().positive()]).transform(([run]) => ({ run })),
  /** Promote / Keep under a skill that passed its gate (a manager's answer to the proposal). */
  skill: z.tuple([z.enum(PROPOSAL_ACTIONS), z.coerce.number().int().positive()]).transform(([action, proposal]) => ({ action, proposal })),
} as const;

export type ComponentPrefix = keyof typeof ARGS;
export type ComponentArgs<P extends ComponentPrefix> = z.output<(typeof ARGS)[P]>;

function build(prefix: ComponentPrefix, parts: (string | number)[]): string {
  return [VERSION, prefix, ...parts].join(':');
}

/** The ids Steward's components carry. */
export const customId = {
  automation: (action: AutomationAction, id: number): string => build('a', [action, id]),
  hold: (action: HoldAction, id: number): string => build('hold', [action, id]),
  listPage: (page: number, all: boolean, status: 'active' | 'paused' | undefined): string => build('list', [page, all ? 1 : 0, status ?? '']),
  createForm: (form: string): string => build('create', [form]),
  createAgain: (form: string): string => build('create-again', [form]),
  draft: (action: DraftAction, draft: string): string => build('draft', [action, draft]),
  draftForm: (draft: string): string => build('draft-form', [draft]),
  runOutput: (run: number): string => build('out', [run]),
  skillProposal: (action: ProposalAction, proposal: number): string => build('skill', [action, proposal]),
};

/** The prefix of a custom id of this version, or null for an id from another version or not Steward's. */
export function prefixOf(raw: string): ComponentPrefix | null {
  const [version, prefix] = raw.split(':');
  return version === VERSION && prefix !== undefined && Object.hasOwn(ARGS, prefix) ? (prefix as ComponentPrefix) : null;
}

/** Parses the arguments of a custom id with `prefix`. Throws StaleComponentError when it does not fit. */
export function parseCustomId<P extends ComponentPrefix>(prefix: P, raw: string): ComponentArgs<P> {
  if (prefixOf(raw) !== prefix) throw new StaleComponentError(raw);
  const parsed = ARGS[prefix].safeParse(raw.split(':').slice(2));
  if (!parsed.success) throw new StaleComponentError(raw);
  return parsed.data as ComponentArgs<P>;
}
