/**
 * Drafts: an automation proposed from a person's sentence, kept in SQLite (theirs alone, for 30
 * minutes) with a preview, until they press Create, Edit or Cancel. A draft is never a saved
 * automation: Create saves exactly what the draft shows, through the same checks as
 * `/automation create`, once.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { choosePath } from '../capabilities/types.js';
import { ConflictError, FormExpiredError, ValidationError } from '../errors.js';
import type { Actor } from './access.js';
import { evaluateCondition } from './alerts/condition.js';
import { parseAlertText } from './alerts/text.js';
import { DEFAULT_SCHEDULES, draftSentence, EXAMPLE_SENTENCES } from './drafting/drafter.js';
import type { CapabilityPreview } from './preview.js';
import { nextRuns, readSchedule } from './schedule.js';
import type { AutomationService, CreateInput } from './service.js';
import type { Store } from '../store.js';
import type { Clock } from '../clock.js';
import type { ModelRouter } from '../capabilities/types.js';
import { formatUsd } from '../util/money.js';
import { withTimeLimit } from './time-limit.js';
import type { AutomationView } from './view-models.js';
import { scheduleText } from './view-models.js';
import type { ExecutionPath, JsonObject } from './types.js';
import { canonicalTimeZone } from '../util/timezone.js';

/** How long a draft waits for Create. */
export const DRAFT_TTL_MS = 30 * 60_000;
const KIND = 'draft';

/** What a draft proposes, as people read it. */
export interface DraftView {
  id: string;
  sentence: string;
  name: string;
  capability: string;
  path: ExecutionPath | null;
  inputs: JsonObject;
  /** Cron, or null for manual. */
  schedule: string | null;
  scheduleText: string;
  timezone: string;
  nextRuns: Date[];
  alertText: string;
  alertMode: 'change' | 'every';
  alertTo: 'tasks' | 'dm';
  /** Whether a Resolved notice follows when the alert's condition stops holding (mode `change`). */
  notifyResolved: boolean;
  /** What was assumed or filled in by default, in words. */
  notes: string[];
  status: 'open' | 'created' | 'cancelled';
  automationId: number | null;
  expiresAt: Date;
}

/** What the capability gave when run once on the draft's inputs. */
export interface DraftPreviewView {
  output: JsonObject | null;
  error: string | null;
  costUsd: number;
  /** Whether the draft's alert condition holds on this output (null: no condition, or no output). */
  wouldFire: boolean | null;
  /** Advice when the output shows the draft cannot work as it is. */
  hint: string | null;
}

/** The fields of a draft the Edit form changes, as typed. */
export interface DraftEdit {
  name: string;
  schedule: string;
  inputs: string;
  alert: string;
}

const draftPayload = z.object({
  sentence: z.string(),
  input: z.object({
    name: z.string(),
    capability: z.string(),
    schedule: z.string(),
    timezone: z.string(),
    inputs: z.record(z.string(), z.unknown()),
    alert: z.string(),
    alertMode: z.enum(['change', 'every']),
    alertTo: z.enum(['tasks', 'dm']),
    // Drafts kept before the option existed send the Resolved notice, as create does by default.
    notifyResolved: z.boolean().default(true),
  }),
  nameGiven: z.boolean(),
  notes: z.array(z.string()),
  status: z.enum(['open', 'created', 'cancelled']),
  automationId: z.number().nullable(),
});
type DraftPayload = z.output<typeof draftPayload>;

/** Settings a person gives `/automation new` beside the sentence (as create takes them). */
export interface DraftOptions {
  /** Send a Resolved notice when the condition stops holding (default true). */
  notifyResolved?: boolean;
}

/** The draft settings `options` set, with create's defaults. */
function settingsOf(options: DraftOptions): { notifyResolved: boolean } {
  return { notifyResolved: options.notifyResolved ?? true };
}

export interface DraftDeps {
  store: Store;
  clock: Clock;
  service: AutomationService;
  preview: CapabilityPreview;
  models: ModelRouter;
  defaultTimezone: string;
  /** The time limit of the model's drafting call (a run's). */
  runTimeoutMs: number;
}

/** The most a draft made by the model may cost. */
export const DRAFT_MAX_COST_USD = 0.05;
const DRAFTABLE = ['http_check', 'page_watch', 'feed_watch', 'summarize_page', 'ask'] as const;
/** The model work of drafting, as the router (and MODEL_ROUTE_DRAFT) names it. */
const DRAFT_TASK = { name: 'draft', description: 'Turns a sentence into a Steward automation: a capability, its inputs, a schedule and an alert condition.' };
const DRAFT_INSTRUCTIONS = [
  'Turn the sentence in the inputs into one automation for Steward. Answer with a JSON object:',
  '{"capability": one of the capabilities in the context, "inputs": an object with that capability\'s inputs,',
  '"schedule": cron with 5 fields or plain words like "every 15 minutes", "alert": a condition in Steward\'s alert',
  'language such as `price < 100`, `ok == false`, `count > 0` (empty text for none), "name": a short name}.',
  'Use only what the sentence says; do not invent URLs.',
].join(' ');
const modelDraft = z.object({
  capability: z.enum(DRAFTABLE),
  inputs: z.record(z.string(), z.unknown()),
  schedule: z.string().trim().min(1).max(120),
  alert: z.string().max(1000).default(''),
  name: z.string().trim().min(1).max(64).optional(),
});
const EXAMPLES = `Sentences that work: “${EXAMPLE_SENTENCES[0]}”, “${EXAMPLE_SENTENCES[1]}”.`;

/** The drafts of `/automation new`. Every method refuses another person's draft as expired. */
export class DraftService {
  constructor(private readonly deps: DraftDeps) {}

  /**
   * Reads a sentence into a draft and keeps it. Throws ValidationError when the sentence does not
   * say what to do or on which page (with sentences that work), when its capability needs a model
   * and none is configured, or for anything `/automation create` would refuse (a schedule below
   * the minimum interval, a URL that is not valid).
   */
  draft(actor: Actor, sentence: string, name?: string, options: DraftOptions = {}): DraftView {
    const text = sentence.trim();
    if (text.length === 0) throw new ValidationError('what', `say what to automate, e.g. “${EXAMPLE_SENTENCES[0]}”`);
    const read = draftSentence(text);
    if (read.capability === null || read.schedule === null) {
      throw new ValidationError('what', `I could not tell what to do from “${text}”: name a page to check, a price to watch, a feed, or a question. ${EXAMPLES}`, { grammarMissed: true });
    }
    if (read.missing.includes('url')) {
      throw new ValidationError('what', `which page? “${text}” reads as ${read.capability} but names no address: add its URL. ${EXAMPLES}`);
    }
    const notes = [...read.notes];
    if (read.scheduleDefault) notes.push(`schedule: ${DEFAULT_SCHEDULES[read.capability].words} (the default for ${read.capability})`);
    return this.keep(actor, text, { capability: read.capability, schedule: read.schedule, inputs: read.inputs, alert: read.alert, alertMode: read.alertMode, ...settingsOf(options) }, name ?? null, read.name, notes);
  }

  /**
   * The draft the grammar reads from the sentence ({@link draft}), or null when the grammar could
   * not tell what to do and a model is configured for drafting: then {@link draftWithModel} may.
   * Throws what {@link draft} throws otherwise.
   */
  tryDraft(actor: Actor, sentence: string, name?: string, options: DraftOptions = {}): DraftView | null {
    try {
      return this.draft(actor, sentence, name, options);
    } catch (error) {
      if (error instanceof ValidationError && error.facts.grammarMissed === true && this.deps.models.isConfigured(DRAFT_TASK.name)) return null;
      throw error;
    }
  }

  /**
   * Asks the model (Claude or the local one) for the draft the grammar could not make: a structured
   * answer checked with zod, its schedule read as /automation create reads it, its capability and
   * inputs checked as create checks them. The call is metered and budgeted like any model call and
   * may cost at most DRAFT_MAX_COST_USD; the draft says the model proposed it. Nothing is saved.
   * Throws ValidationError when the answer does not make a valid draft, BudgetPausedError while
   * spend is paused.
   */
  async draftWithModel(actor: Actor, sentence: string, name?: string, options: DraftOptions = {}): Promise<DraftView> {
    const text = sentence.trim();
    const capabilities = this.deps.store.capabilities
      .list()
      .filter((c) => (DRAFTABLE as readonly string[]).includes(c.name))
      .map((c) => ({ name: c.name, description: c.description, inputs: Object.keys((c.inputSchema.properties ?? {}) as object) }));
    const result = await withTimeLimit(this.deps.clock, this.deps.runTimeoutMs, (signal) =>
      this.deps.models.execute({
        automationId: null,
        runId: null,
        userId: actor.userId,
        capability: DRAFT_TASK,
        inputs: { sentence: text },
        priorRunEnd: null,
        state: {},
        signal,
        task: { instructions: DRAFT_INSTRUCTIONS, context: { capabilities }, output: modelDraft },
      }),
    );
    if (result.costUsd > DRAFT_MAX_COST_USD) {
      throw new ValidationError('what', `drafting “${text}” with the model cost ${formatUsd(result.costUsd)}, more than the ${formatUsd(DRAFT_MAX_COST_USD)} a draft may: say it more simply, or use \`/automation create\``);
    }
    const answer = modelDraft.safeParse(result.output);
    if (!answer.success) throw new ValidationError('what', `the model could not draft “${text}” either. ${EXAMPLES}`);
    const proposed = answer.data;
    const schedule = readSchedule(proposed.schedule, this.timezoneOf(actor)).cron;
    const notes = [`proposed by the model (${formatUsd(result.costUsd)}): capability, inputs, schedule and alert — check them before you press Create`];
    return this.keep(
      actor,
      text,
      { capability: proposed.capability, schedule, inputs: proposed.inputs, alert: proposed.alert, alertMode: proposed.capability === 'feed_watch' ? 'every' : 'change', ...settingsOf(options) },
      name ?? null,
      proposed.name ?? null,
      notes,
    );
  }

  /** Checks a draft's settings as /automation create would, and keeps it for {@link DRAFT_TTL_MS}. */
  private keep(
    actor: Actor,
    sentence: string,
    settings: Pick<DraftPayload['input'], 'capability' | 'schedule' | 'inputs' | 'alert' | 'alertMode' | 'notifyResolved'>,
    givenName: string | null,
    suggestedName: string | null,
    notes: string[],
  ): DraftView {
    const capability = this.deps.store.capabilities.get(settings.capability);
    if (capability && choosePath(capability) === 'claude_native' && !this.deps.models.isConfigured(settings.capability)) {
      throw new ValidationError(
        'what',
        `“${sentence}” needs a model (${settings.capability}) and none is configured: set ANTHROPIC_API_KEY for Claude, or LOCAL_MODEL_URL and LOCAL_MODEL for a local model`,
      );
    }
    const input: DraftPayload['input'] = {
      ...settings,
      name: givenName?.trim() || this.uniqueName(actor, suggestedName ?? settings.capability),
      timezone: this.timezoneOf(actor),
      alertTo: 'tasks',
    };
    this.deps.service.checkCreate(actor, { ...input } as CreateInput, true);
    const id = randomUUID().replace(/-/g, '').slice(0, 16);
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + DRAFT_TTL_MS);
    const payload: DraftPayload = { sentence, input, nameGiven: Boolean(givenName?.trim()), notes, status: 'open', automationId: null };
    this.deps.store.forms.insert({ id, userId: actor.userId, kind: KIND, payload: JSON.stringify(payload), expiresAt }, now);
    return this.view(id, payload, expiresAt);
  }

  private timezoneOf(actor: Actor): string {
    const stored = this.deps.store.settings.userTimezone(actor.userId) ?? this.deps.defaultTimezone;
    return canonicalTimeZone(stored) ?? stored;
  }

  /**
   * Runs the draft's capability once on its inputs (no run row, no alert; a model call is metered
   * and refused while the budget is paused; it counts as a Run now and waits for a slot in its
   * lane like one) and says whether its condition would fire. A draft
   * without a name of its own is named after the product's title when the page has one.
   */
  async preview(actor: Actor, id: string): Promise<{ draft: DraftView; preview: DraftPreviewView }> {
    const { payload, expiresAt } = this.load(actor, id);
    const capability = this.deps.store.capabilities.get(payload.input.capability);
    if (!capability) throw new ValidationError('capability', `unknown capability "${payload.input.capability}"`);
    this.deps.service.countRunNow(actor);
    const result = await this.deps.preview.run(actor.userId, capability, payload.input.inputs);
    let wouldFire: boolean | null = null;
    if (result.output && payload.input.alert) {
      try {
        wouldFire = evaluateCondition(parseAlertText(payload.input.alert), result.output);
      } catch {
        wouldFire = null;
      }
    }
    const current = this.load(actor, id).payload; // the person may have pressed something meanwhile
    if (!current.nameGiven && current.status === 'open' && payload.input.capability === 'page_watch' && typeof result.output?.title === 'string' && result.output.title.trim()) {
      current.input.name = this.uniqueName(actor, result.output.title);
      this.save(id, current);
    }
    return { draft: this.view(id, current, expiresAt), preview: { output: result.output, error: result.error, costUsd: result.costUsd, wouldFire, hint: hintFor(payload.input.capability, result.output) } };
  }

  /**
   * Saves the draft as an automation, exactly as shown, as `/automation create` would. Pressed
   * again, it creates nothing and says so (ConflictError naming the automation).
   */
  create(actor: Actor, id: string): AutomationView {
    const { store } = this.deps;
    return store.transaction(() => {
      const { payload } = this.load(actor, id);
      if (payload.status === 'created') throw new ConflictError(`this draft is already saved as "${payload.input.name}" (#${payload.automationId}): see \`/automation show\``);
      if (payload.status === 'cancelled') throw new ConflictError('this draft was cancelled: run `/automation new` again');
      const created = this.deps.service.create(actor, { ...payload.input, createdVia: 'draft' });
      this.save(id, { ...payload, status: 'created', automationId: created.id });
      return created;
    });
  }

  /** Changes the draft's name, schedule, inputs and alert from the Edit form, checked as create checks them. */
  edit(actor: Actor, id: string, edit: DraftEdit): DraftView {
    const { payload, expiresAt } = this.load(actor, id);
    if (payload.status !== 'open') throw new ConflictError('this draft is no longer open: run `/automation new` again');
    const schedule = readSchedule(edit.schedule, payload.input.timezone).cron;
    const input = { ...payload.input, name: edit.name.trim(), schedule, alert: edit.alert.trim() };
    const inputs = this.deps.service.parseInputs(input.capability, edit.inputs);
    this.deps.service.checkCreate(actor, { ...input, inputs } as CreateInput, true);
    const next: DraftPayload = { ...payload, input: { ...input, inputs }, nameGiven: true };
    this.save(id, next);
    return this.view(id, next, expiresAt);
  }

  /** Drops the draft: nothing is saved. */
  cancel(actor: Actor, id: string): DraftView {
    const { payload, expiresAt } = this.load(actor, id);
    if (payload.status === 'created') throw new ConflictError(`this draft is already saved as "${payload.input.name}": delete it with \`/automation delete\``);
    const next: DraftPayload = { ...payload, status: 'cancelled' };
    this.save(id, next);
    return this.view(id, next, expiresAt);
  }

  /** The draft as it is now. */
  get(actor: Actor, id: string): DraftView {
    const { payload, expiresAt } = this.load(actor, id);
    return this.view(id, payload, expiresAt);
  }

  private load(actor: Actor, id: string): { payload: DraftPayload; expiresAt: Date } {
    const form = this.deps.store.forms.get(id, actor.userId, KIND, this.deps.clock.now());
    const parsed = form ? draftPayload.safeParse(JSON.parse(form.payload)) : null;
    if (!form || !parsed?.success) throw new FormExpiredError(DRAFT_TTL_MS / 60_000, 'automation new', 'draft');
    return { payload: parsed.data, expiresAt: form.expiresAt };
  }

  private save(id: string, payload: DraftPayload): void {
    this.deps.store.forms.updatePayload(id, JSON.stringify(payload));
  }

  /** `base`, or `base 2`, `base 3`… whichever the person does not have yet (cut to fit a name). */
  private uniqueName(actor: Actor, base: string): string {
    const clean = base.replace(/[\p{Cc}\p{Cf}]/gu, '').replace(/\s+/g, ' ').trim().slice(0, 60) || 'automation';
    const stem = /^#?\d+$/.test(clean) ? `automation ${clean}` : clean;
    for (let n = 1; ; n++) {
      const name = n === 1 ? stem : `${stem.slice(0, 60)} ${n}`;
      if (!this.deps.store.automations.findByName(actor.userId, name)) return name;
    }
  }

  private view(id: string, p: DraftPayload, expiresAt: Date): DraftView {
    const capability = this.deps.store.capabilities.get(p.input.capability);
    const schedule = p.input.schedule.toLowerCase() === 'manual' ? null : p.input.schedule;
    return {
      id,
      sentence: p.sentence,
      name: p.input.name,
      capability: p.input.capability,
      path: capability ? choosePath(capability) : null,
      inputs: p.input.inputs,
      schedule,
      scheduleText: scheduleText({ schedule, timezone: p.input.timezone }),
      timezone: p.input.timezone,
      nextRuns: schedule ? nextRuns(schedule, p.input.timezone, this.deps.clock.now(), 3) : [],
      alertText: p.input.alert,
      alertMode: p.input.alertMode,
      alertTo: p.input.alertTo,
      notifyResolved: p.input.notifyResolved,
      notes: p.notes,
      status: p.status,
      automationId: p.automationId,
      expiresAt,
    };
  }
}

/** What to tell a person whose preview shows the draft cannot work as it is. */
function hintFor(capability: string, output: JsonObject | null): string | null {
  if (!output) return null;
  if (capability === 'page_watch' && output.price === null && output.in_stock === null) {
    return 'The page shows no price or stock that Steward can read: Edit the inputs and add `selector` with the CSS selector of the price, e.g. `selector=.price`.';
  }
  return null;
}
