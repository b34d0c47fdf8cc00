import { randomUUID } from 'node:crypto';
import { distance } from 'fastest-levenshtein';
import { z } from 'zod';
import type { BudgetGuard } from '../budget/guard.js';
import { periodBounds } from '../budget/periods.js';
import { choosePath, SKILL_STATES, type SkillState } from '../capabilities/types.js';
import type { CapabilityRegistry } from '../capabilities/registry.js';
import type { Clock } from '../clock.js';
import { ConflictError, FormExpiredError, NotFoundError, QuotaExceededError, RateLimitedError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DeadLetters } from '../notifications/outbox.js';
import { redactSecrets } from '../redact.js';
import type { Store } from '../store.js';
import { evaluateCondition, type Condition } from './alerts/condition.js';
import { parseAlertText } from './alerts/text.js';
import { SlidingWindowLimiter } from '../util/sliding-window.js';
import { canSee, exemptFromQuotas, listScope, requireManager, type Actor } from './access.js';
import type { Dispatcher } from './dispatcher.js';
import { parseInputsText } from './inputs-text.js';
import { nextSlot } from './next-slot.js';
import type { AutomationSettings } from './repository.js';
import { nextRuns, readSchedule, shortestGapSeconds, validateTimezone } from './schedule.js';
import { canonicalTimeZone } from '../util/timezone.js';
import type { AlertHold, Automation, AutomationStatus, JsonObject } from './types.js';
import { DraftService } from './drafts.js';
import type { CapabilityPreview } from './preview.js';
import type { SkillLifecycle } from './skill-lifecycle.js';
import { moveVerb } from './skill-notices.js';
import type { RichMessage } from '../notifications/outbox.js';
import type { ModelRouter } from '../capabilities/types.js';
import { checkQuietHours, parseTimeOfDay, quietHoursZone } from '../settings/quiet-hours.js';
import { holdEdit } from './notices.js';
import {
  alertHoldView,
  automationView,
  capabilityView,
  quietHoursView,
  runView,
  type AlertHoldResultView,
  type QuietHoursView,
  type AutomationDetailsView,
  type AutomationView,
  type BudgetView,
  type ChartView,
  type CapabilityView,
  type RunOutputView,
  type RunReportView,
  type RunView,
} from './view-models.js';
import { readOutput, type Reading } from '../capabilities/reading.js';
import { formatCondition } from './alerts/text.js';
import type { AutomationCharts } from '../charts/charts.js';
import type { ChartPlan } from '../charts/series.js';

/** Automations are named by id or by their owner's name for them. */
export type AutomationRef = number | string;

export const MANUAL_SCHEDULE = 'manual';
const NAME_MAX = 64;

const nameSchema = z
  .string()
  .trim()
  .min(1, 'name must not be empty')
  .max(NAME_MAX, `name must be at most ${NAME_MAX} characters`)
  .refine((n) => !/[\p{Cc}\p{Cf}]/u.test(n), 'name must not contain control characters')
  .refine((n) => !/\p{Cs}/u.test(n), 'name must be valid text (it has a broken character)')
  // Shows blank in Discord: only fillers (U+3164, U+115F, U+1160, U+FFA0), U+2800, combining marks, spaces, invisibles.
  .refine((n) => /[^\p{White_Space}\p{M}\p{Default_Ignorable_Code_Point}\u2800]/u.test(n), 'name must have a visible character (it would show blank)')
  .refine((n) => !/^#?\d+$/.test(n), 'name must not be a number like 12 or #12 (those refer to automation ids)');

/** Most runs in a row `confirm_after` may ask for. */
export const MAX_CONFIRM_AFTER = 20;

const settingsSchema = z.object({
  name: nameSchema,
  description: z
    .string()
    .trim()
    .max(1000, 'description must be at most 1000 characters')
    .refine((d) => !/\p{Cs}/u.test(d), 'description must be valid text (it has a broken character)')
    .default(''),
  capability: z.string().trim().min(1, 'capability must not be empty'),
  inputs: z.union([z.string(), z.record(z.string(), z.unknown())]).default({}),
  schedule: z.string().trim().min(1, `schedule must not be empty: give a cron expression, a nickname such as @daily, or "${MANUAL_SCHEDULE}"`),
  timezone: z.string().trim().min(1).optional(),
  alert: z.string().max(2000, 'alert must be at most 2000 characters').default(''),
  alertMode: z.enum(['change', 'every'], 'alert mode must be "change" or "every"').default('change'),
  repeatAfterSeconds: z.number().int().min(60, 'repeat_after must be at least 60 seconds').nullable().default(null),
  maxCostUsd: z.number().finite().min(0, 'max_cost must be 0 or more (USD per run)').nullable().default(null),
  minIntervalSeconds: z.number().int().min(1).nullable().default(null),
  alertTo: z.enum(['tasks', 'dm'], 'alert_to must be "tasks" or "dm"').default('tasks'),
  catchUp: z.enum(['once', 'skip'], 'catch_up must be "once" or "skip"').default('once'),
  confirmAfter: z
    .number()
    .int('confirm_after must be a whole number of runs')
    .min(1, 'confirm_after must be at least 1 (alert on the first run the condition holds)')
    .max(MAX_CONFIRM_AFTER, `confirm_after must be at most ${MAX_CONFIRM_AFTER} runs`)
    .default(1),
  notifyResolved: z.boolean('notify_resolved must be true or false').default(true),
});

/** How long an open form keeps what a person started. */
export const FORM_TTL_MS = 15 * 60_000;

/** An open create form's stored payload: the settings given as options, and what was typed in the form last. */
const createFormPayload = z.object({
  input: z.looseObject({ name: z.string(), capability: z.string() }),
  typed: z.string().nullable(),
});

/** What a person gives to create an automation (text fields as typed). */
export type CreateInput = z.input<typeof settingsSchema> & { createdVia?: string };
/** What a person may change; absent fields keep their value. */
export type EditInput = Partial<z.input<typeof settingsSchema>>;

export interface ServiceConfig {
  defaultTimezone: string;
  minIntervalSeconds: number;
  /** MAX_AUTOMATIONS_PER_USER: automations (not deleted) one person may have; managers are exempt. Unset: no cap. */
  maxAutomationsPerUser?: number;
  /** RUN_NOW_PER_MINUTE: run nows one person may ask for in any 60 s. Unset: no cap. */
  runNowPerMinute?: number;
  /** RUN_TIMEOUT_SECONDS in ms: the time limit of the model's drafting call. */
  runTimeoutMs?: number;
}

const MINUTE_MS = 60_000;

export interface AutomationServiceDeps {
  store: Store;
  registry: CapabilityRegistry;
  dispatcher: Dispatcher;
  budget: BudgetGuard;
  clock: Clock;
  logger: Logger;
  config: ServiceConfig;
  /** Why the fetch policy would refuse a URL (a private address without ALLOW_PRIVATE_URLS…), or null. */
  urlRefusal?: (url: string) => string | null;
  /** Runs a capability once for a draft's preview. */
  preview: CapabilityPreview;
  /** Whether a model is configured for a capability. */
  models: ModelRouter;
  /** Called after anything that moves a schedule (the scheduler re-arms). */
  onScheduleChange?: () => void;
  /** Called after notifications were queued or released (the outbox delivers). */
  onNotification?: () => void;
  /** Skill states on evidence: overrides and managers' answers go through it, so they are recorded and announced. */
  lifecycle: SkillLifecycle;
  /** Draws the charts of `/automation show`; without it, no chart is shown. */
  charts?: AutomationCharts;
}

/** The use cases the front end calls. Every refusal is a StewardError with a message to show; a refused call writes nothing. */
export class AutomationService {
  private readonly runNows: SlidingWindowLimiter | null;
  /** The drafts of `/automation new`. */
  readonly drafts: DraftService;

  constructor(private readonly deps: AutomationServiceDeps) {
    this.runNows = deps.config.runNowPerMinute ? new SlidingWindowLimiter(deps.config.runNowPerMinute, MINUTE_MS) : null;
    this.drafts = new DraftService({ store: deps.store, clock: deps.clock, service: this, preview: deps.preview, models: deps.models, defaultTimezone: deps.config.defaultTimezone, runTimeoutMs: deps.config.runTimeoutMs ?? 120_000 });
  }

  /**
   * Creates an automation. Throws QuotaExceededError (the person has MAX_AUTOMATIONS_PER_USER
   * already), ValidationError (bad name, capability, inputs, schedule, time zone, alert) or
   * ConflictError (name taken).
   */
  create(actor: Actor, input: CreateInput): AutomationView {
    const { store, clock, logger } = this.deps;
    const { settings, scheduleReadFrom } = this.prepareCreate(actor, input, true);
    const now = clock.now();
    const automation = store.automations.insert(
      { ...settings, userId: actor.userId, guildId: actor.guildId, nextRunAt: nextSlot(settings, now), createdVia: input.createdVia ?? 'service' },
      now,
    );
    logger.info({ event: 'automation_created', automationId: automation.id, userId: actor.userId, capability: automation.capability }, 'automation created');
    this.deps.onScheduleChange?.();
    return { ...this.view(automation, true, true), scheduleReadFrom };
  }

  /**
   * Checks everything about a create except its inputs (which a person is about to type in a
   * form), so they hear about a bad schedule or a taken name first. Throws what create throws.
   */
  checkCreate(actor: Actor, input: CreateInput, withInputs = false): void {
    this.prepareCreate(actor, input, withInputs);
  }

  /** Inputs as a person typed them (JSON or key=value pairs), checked against the capability. Throws ValidationError naming what is wrong. */
  parseInputs(capability: string, text: string): JsonObject {
    return this.deps.registry.parseInputs(capability, parseInputsText(text));
  }

  private prepareCreate(actor: Actor, input: CreateInput, checkInputs: boolean): Validated {
    const { store } = this.deps;
    this.checkAutomationQuota(actor);
    const timezone = input.timezone ?? store.settings.userTimezone(actor.userId) ?? undefined;
    const validated = this.validate(parseSettings({ ...input, ...(timezone ? { timezone } : {}) }), checkInputs);
    const { name } = validated.settings;
    if (store.automations.findByName(actor.userId, name)) {
      throw new ConflictError(`you already have an automation named "${name}": pick another name or edit that one`, { name });
    }
    return validated;
  }

  /**
   * Keeps a create's settings while the person types its inputs in a form: checks them as
   * {@link checkCreate} does, stores them (theirs alone, for {@link FORM_TTL_MS}) and returns the
   * form's id.
   */
  openCreateForm(actor: Actor, input: Omit<CreateInput, 'inputs'>): string {
    this.checkCreate(actor, input);
    const id = randomUUID().replace(/-/g, '').slice(0, 16);
    const now = this.deps.clock.now();
    this.deps.store.forms.insert({ id, userId: actor.userId, kind: 'create', payload: JSON.stringify({ input, typed: null }), expiresAt: new Date(now.getTime() + FORM_TTL_MS) }, now);
    return id;
  }

  /**
   * What the person last typed into their open create form (null before a first submit). Throws
   * FormExpiredError when the form is not theirs, unknown, or expired.
   */
  createFormText(actor: Actor, formId: string): { name: string; capability: string; typed: string | null } {
    const form = this.openForm(actor, formId);
    return { name: form.input.name, capability: form.input.capability, typed: form.typed };
  }

  /**
   * Creates the automation of an open create form with the inputs typed in it; the form closes.
   * A refused create (what {@link create} throws) keeps the form open with what was typed, so the
   * person can edit it again. Throws FormExpiredError when the form is not theirs, unknown, or expired.
   */
  submitCreateForm(actor: Actor, formId: string, inputs: string): AutomationView {
    const form = this.openForm(actor, formId);
    try {
      const created = this.create(actor, { ...form.input, inputs });
      this.deps.store.forms.delete(formId);
      return created;
    } catch (error) {
      this.deps.store.forms.updatePayload(formId, JSON.stringify({ input: form.input, typed: inputs }));
      throw error;
    }
  }

  /** Throws QuotaExceededError when the actor already has their MAX_AUTOMATIONS_PER_USER (managers are exempt). */
  private checkAutomationQuota(actor: Actor): void {
    const cap = this.deps.config.maxAutomationsPerUser;
    if (cap === undefined || exemptFromQuotas(actor)) return;
    const count = this.deps.store.automations.count({ userId: actor.userId });
    if (count < cap) return;
    throw new QuotaExceededError(
      'automations',
      cap,
      `you have ${count} automations, the most one person may have (${cap}): delete one you no longer need with \`/automation delete\`, or ask a manager to raise MAX_AUTOMATIONS_PER_USER`,
      { userId: actor.userId, count },
    );
  }

  private openForm(actor: Actor, formId: string): { input: Omit<CreateInput, 'inputs'>; typed: string | null } {
    const form = this.deps.store.forms.get(formId, actor.userId, 'create', this.deps.clock.now());
    const parsed = form ? createFormPayload.safeParse(JSON.parse(form.payload)) : null;
    if (!parsed?.success) throw new FormExpiredError(FORM_TTL_MS / 60_000, 'automation create');
    return parsed.data as { input: Omit<CreateInput, 'inputs'>; typed: string | null };
  }

  /** Changes any settings. The next slot is recomputed when the schedule or time zone changed. Same refusals as create. */
  edit(actor: Actor, ref: AutomationRef, patch: EditInput): AutomationView {
    const { store, clock, logger } = this.deps;
    const current = this.visible(actor, ref);
    const merged = parseSettings({ ...currentAsInput(current), ...definedOnly(patch) });
    const { settings, scheduleReadFrom } = this.validate(merged);
    // The stored condition is kept as it is unless a new one is given (its text form is not re-checked).
    if (patch.alert === undefined) settings.alertConditions = current.alertConditions;
    const clash = store.automations.findByName(current.userId, settings.name);
    if (clash && clash.id !== current.id) {
      throw new ConflictError(`there is already an automation named "${settings.name}": pick another name`, { name: settings.name });
    }
    const now = clock.now();
    const scheduleMoved = settings.schedule !== current.schedule || settings.timezone !== current.timezone || settings.triggerType !== current.triggerType;
    const nextRunAt = current.status !== 'active' ? current.nextRunAt : scheduleMoved ? nextSlot(settings, now) : current.nextRunAt;
    // A new condition or mode starts without memory: its first true result is news.
    const alertChanged =
      JSON.stringify(settings.alertConditions) !== JSON.stringify(current.alertConditions) || settings.alertMode !== current.alertMode;
    // New inputs or a new capability: what the last run remembered (a page, the feed items seen) no longer applies.
    const workChanged = settings.capability !== current.capability || JSON.stringify(settings.inputs) !== JSON.stringify(current.inputs);
    store.automations.updateSettings(current.id, settings, nextRunAt, now, { resetAlertMemory: alertChanged, resetState: workChanged });
    logger.info({ event: 'automation_edited', automationId: current.id, userId: actor.userId, fields: Object.keys(definedOnly(patch)) }, 'automation edited');
    this.deps.onScheduleChange?.();
    const edited = store.automations.get(current.id)!;
    return { ...this.view(edited, true), scheduleReadFrom };
  }

  /** Pauses an active automation (a person's pause: runs finishing later leave it paused). */
  pause(actor: Actor, ref: AutomationRef): AutomationView {
    const current = this.visible(actor, ref);
    if (current.status === 'paused') throw new ConflictError(`"${current.name}" is already paused`);
    this.deps.store.automations.setStatus(current.id, { status: 'paused', pausedReason: 'user', nextRunAt: null }, this.deps.clock.now());
    this.deps.logger.info({ event: 'automation_paused_by_user', automationId: current.id, userId: actor.userId }, 'automation paused');
    this.deps.onScheduleChange?.();
    return this.view(this.deps.store.automations.get(current.id)!);
  }

  /** Resumes a paused automation: the next slot is computed from now and the failure count cleared. */
  resume(actor: Actor, ref: AutomationRef): AutomationView {
    const current = this.visible(actor, ref);
    if (current.status === 'active') throw new ConflictError(`"${current.name}" is not paused`);
    const now = this.deps.clock.now();
    this.deps.store.automations.setStatus(current.id, { status: 'active', pausedReason: null, nextRunAt: nextSlot(current, now), resetFailures: true }, now);
    this.deps.logger.info({ event: 'automation_resumed', automationId: current.id, userId: actor.userId }, 'automation resumed');
    this.deps.onScheduleChange?.();
    return this.view(this.deps.store.automations.get(current.id)!);
  }

  /** Deletes an automation (its runs and spend stay on record); its name becomes free again. */
  delete(actor: Actor, ref: AutomationRef): AutomationView {
    const current = this.visible(actor, ref);
    this.deps.store.automations.setStatus(current.id, { status: 'deleted', pausedReason: null, nextRunAt: null }, this.deps.clock.now());
    this.deps.logger.info({ event: 'automation_deleted', automationId: current.id, userId: actor.userId }, 'automation deleted');
    this.deps.onScheduleChange?.();
    return this.view(this.deps.store.automations.get(current.id)!);
  }

  /**
   * Runs the automation now through the dispatcher and reports what happened. The budget and the
   * lanes apply as to scheduled runs (it waits for a free slot in its lane and its owner's share,
   * up to the run time limit); min interval does not. Throws ConflictError when it is running,
   * RateLimitedError (saying when to try again) past RUN_NOW_PER_MINUTE for the actor.
   */
  async runNow(actor: Actor, ref: AutomationRef): Promise<RunReportView> {
    const current = this.visible(actor, ref);
    if (this.deps.dispatcher.isRunning(current.id)) throw new ConflictError(`"${current.name}" is running right now: wait for it to finish`);
    this.countRunNow(actor);
    const report = await this.deps.dispatcher.dispatch(current.id, 'manual');
    this.deps.onScheduleChange?.();
    const run = report.runId === null ? null : this.deps.store.runs.get(report.runId);
    const after = this.deps.store.automations.get(current.id) ?? current;
    return { ...report, automation: this.view(after), run: run ? runView(run) : null, reading: run?.output ? this.reading(after, run.id, run.output) : null };
  }

  /**
   * A run's raw output, for its owner and the managers of its server. Throws NotFoundError for a
   * run that does not exist or whose automation the actor may not see (no hint that it exists).
   */
  runOutput(actor: Actor, runId: number): RunOutputView {
    const run = this.deps.store.runs.get(runId);
    if (!run) throw new NotFoundError('run', runId);
    const automation = this.deps.store.automations.get(run.automationId);
    if (!automation || !canSee(actor, automation)) throw new NotFoundError('run', runId);
    return { automation: this.view(automation), run: runView(run) };
  }

  /** An output as the automation's capability reads it (the generic reading when it has no reader or the output surprises it). */
  private reading(a: Automation, runId: number, output: JsonObject): Reading {
    return readOutput(this.deps.registry.reader(a.capability), output, {
      name: a.name,
      inputs: a.inputs,
      previous: this.safePreviousOutput(a.id, runId),
      condition: a.alertConditionsError ? '' : formatCondition(a.alertConditions),
      since: a.alertLastResult === true ? a.alertIncident.incidentStartedAt : null,
      now: this.deps.clock.now(),
    });
  }

  private safePreviousOutput(automationId: number, runId: number): JsonObject | null {
    try {
      return this.deps.store.runs.previousOutput(automationId, runId);
    } catch {
      return null;
    }
  }

  /**
   * The caller's automations, or with `all` everyone's in the server (managers; for anyone else
   * `all` narrows to their own and `narrowed` says so); filtered by status, paged.
   */
  list(
    actor: Actor,
    options: { all?: boolean; status?: AutomationStatus; limit?: number; offset?: number } = {},
  ): { automations: AutomationView[]; total: number; everyone: boolean; narrowed: boolean } {
    const { scope, everyone, narrowed } = listScope(actor, options.all === true);
    const filter = { ...scope, ...(options.status ? { status: options.status } : {}) };
    const limit = Math.min(Math.max(options.limit ?? 25, 1), 100);
    const capabilities = new Map(this.deps.store.capabilities.list().map((c) => [c.name, c]));
    return {
      automations: this.deps.store.automations
        .list({ ...filter, limit, offset: Math.max(options.offset ?? 0, 0) })
        .map((a) => automationView(a, capabilities.get(a.capability) ?? null)),
      total: this.deps.store.automations.count(filter),
      everyone,
      narrowed,
    };
  }

  /** One automation with its schedule in words, next slots, recent runs and spend today and this month. */
  inspect(actor: Actor, ref: AutomationRef, options: { runs?: number } = {}): AutomationDetailsView {
    const automation = this.visible(actor, ref);
    const now = this.deps.clock.now();
    const day = periodBounds('daily', now);
    const month = periodBounds('monthly', now);
    const recent = this.deps.store.runs.recent(automation.id, options.runs ?? 5);
    const last = recent.find((r) => r.status === 'succeeded' && r.output !== null);
    return {
      automation: this.view(automation, true),
      recentRuns: recent.map(runView),
      lastReading: last?.output ? { runId: last.id, reading: this.reading(automation, last.id, last.output) } : null,
      spend: {
        todayUsd: this.deps.store.ledger.automationSpendBetween(automation.id, day.start, day.end),
        monthUsd: this.deps.store.ledger.automationSpendBetween(automation.id, month.start, month.end),
      },
      undeliveredNotices: undeliveredNotices(this.deps.store.outbox.deadLetters(automation.id)),
      alertHold: alertHoldView(automation.alertHold, now),
      quietHours: this.quietHoursOf(automation.userId),
    };
  }

  /**
   * Snoozes the automation's alerts for `durationMs` from now (replacing a snooze or mute before):
   * until then no alert and no Resolved notice of it is sent. The alert message the button was
   * pressed on (`messageId`, when it is one of this automation's alerts) is edited to say who
   * snoozed it until when. Throws NotFoundError when the actor may not see the automation.
   */
  snooze(actor: Actor, ref: AutomationRef, durationMs: number, messageId: string | null): AlertHoldResultView {
    const current = this.visible(actor, ref);
    const now = this.deps.clock.now();
    return this.hold(current, { kind: 'snoozed', until: new Date(now.getTime() + durationMs), by: actor.userId, at: now }, messageId);
  }

  /**
   * Mutes the automation's alerts until its condition turns false (the incident resolves; the
   * Resolved notice then goes out as usual). Throws ConflictError when no alert of it is open
   * (nothing to mute until resolved), NotFoundError when the actor may not see it.
   */
  mute(actor: Actor, ref: AutomationRef, messageId: string | null): AlertHoldResultView {
    const current = this.visible(actor, ref);
    if (current.alertLastResult !== true) throw new ConflictError(`"${current.name}" has no open alert: its condition is not true now, so there is nothing to mute until resolved`);
    return this.hold(current, { kind: 'muted', by: actor.userId, at: this.deps.clock.now() }, messageId);
  }

  private hold(current: Automation, hold: AlertHold, messageId: string | null): AlertHoldResultView {
    const { store, clock, logger } = this.deps;
    const pressed = messageId === null ? null : store.outbox.byMessageId(messageId);
    store.transaction(() => {
      store.automations.setAlertHold(current.id, hold);
      if (pressed && pressed.automationId === current.id && pressed.type === 'alert') store.outbox.enqueue(holdEdit(current, pressed, hold), clock.now());
    });
    logger.info({ event: hold.kind === 'snoozed' ? 'alerts_snoozed' : 'alerts_muted', automationId: current.id, userId: hold.by, ...(hold.kind === 'snoozed' ? { until: hold.until.toISOString() } : {}) }, 'alerts held');
    this.deps.onNotification?.();
    const after = store.automations.get(current.id)!;
    return { automation: this.view(after), hold: alertHoldView(after.alertHold, clock.now())! };
  }

  /** A person's quiet hours (in their time zone), or null when they have none. */
  quietHoursOf(userId: string): QuietHoursView | null {
    const quiet = this.deps.store.settings.quietHours(userId);
    if (!quiet) return null;
    return quietHoursView(quiet, quietHoursZone(this.deps.store.settings.userTimezone(userId), this.deps.config.defaultTimezone), this.deps.clock.now());
  }

  /**
   * Sets the actor's quiet hours (`from` and `to` as 24-hour times in their time zone; `urgent`:
   * pause notices are not held). Throws ValidationError when one is missing or is not a time, or from = to.
   */
  setQuietHours(actor: Actor, input: { from: string | null; to: string | null; urgent?: boolean }): QuietHoursView {
    if (input.from === null || input.to === null) throw new ValidationError(input.from === null ? 'from' : 'to', 'give both from and to, e.g. `/settings quiet from:22:00 to:07:00`');
    const quiet = checkQuietHours({ from: parseTimeOfDay(input.from, 'from'), to: parseTimeOfDay(input.to, 'to'), urgent: input.urgent === true });
    this.deps.store.settings.setQuietHours(actor.userId, quiet, this.deps.clock.now());
    this.deps.logger.info({ event: 'quiet_hours_set', userId: actor.userId, from: quiet.from, to: quiet.to, urgent: quiet.urgent }, 'quiet hours set');
    return this.quietHoursOf(actor.userId)!;
  }

  /** Turns the actor's quiet hours off; what they held is sent now, in one digest. Returns how many notices were held. */
  quietHoursOff(actor: Actor): { released: number } {
    const now = this.deps.clock.now();
    const released = this.deps.store.transaction(() => {
      this.deps.store.settings.setQuietHours(actor.userId, null, now);
      return this.deps.store.outbox.releaseHeldFor(actor.userId, now);
    });
    this.deps.logger.info({ event: 'quiet_hours_off', userId: actor.userId, released }, 'quiet hours off');
    if (released > 0) this.deps.onNotification?.();
    return { released };
  }

  /**
   * The chart of the automation's recent runs, planned but not drawn (reads SQLite only): what to
   * draw, or why there is none; times in the actor's time zone when they set one. Throws
   * NotFoundError as {@link inspect} does.
   */
  chartPlan(actor: Actor, ref: AutomationRef): ChartPlan {
    const automation = this.visible(actor, ref);
    return this.deps.charts ? this.deps.charts.plan(automation, null, actor.userId) : { spec: null, reason: null };
  }

  /** Draws a planned chart off the main thread (tens of milliseconds); one that cannot be drawn gives a note instead, and is logged. */
  async drawChart(plan: ChartPlan): Promise<ChartView> {
    if (plan.spec === null || !this.deps.charts) return { image: null, note: plan.reason };
    try {
      return { image: await this.deps.charts.draw(plan.spec), note: null };
    } catch (error) {
      this.deps.logger.warn({ event: 'chart_failed', err: error }, 'the chart could not be drawn');
      return { image: null, note: 'The chart could not be drawn just now; try again in a moment.' };
    }
  }

  /** The automation's most recent runs, newest first. */
  recentRuns(actor: Actor, ref: AutomationRef, limit = 10): { automation: AutomationView; runs: RunView[] } {
    const automation = this.visible(actor, ref);
    return { automation: this.view(automation), runs: this.deps.store.runs.recent(automation.id, Math.min(Math.max(limit, 1), 50)).map(runView) };
  }

  /** Names the actor may pick (their own; a manager's server's too), matching `text`: for autocomplete. */
  suggestNames(actor: Actor, text: string, limit = 25): { id: number; name: string; userId: string }[] {
    const own = this.deps.store.automations.searchNames({ userId: actor.userId }, text.trim(), limit);
    const { scope, everyone } = listScope(actor, true);
    if (!everyone || own.length >= limit) return own;
    const others = this.deps.store.automations.searchNames(scope, text.trim(), limit).filter((a) => a.userId !== actor.userId);
    return [...own, ...others].slice(0, limit);
  }

  /** A person's default time zone for what they create; null when they never set one. */
  timezoneOf(userId: string): string | null {
    const stored = this.deps.store.settings.userTimezone(userId);
    return stored === null ? null : (canonicalTimeZone(stored) ?? stored);
  }

  /** Sets the actor's default time zone. Throws ScheduleError (field timezone) for an unknown zone. */
  setTimezone(actor: Actor, timezone: string): string {
    const canonical = validateTimezone(timezone);
    this.deps.store.settings.setUserTimezone(actor.userId, canonical, this.deps.clock.now());
    this.deps.logger.info({ event: 'user_timezone_set', userId: actor.userId, timezone: canonical }, 'time zone set');
    return canonical;
  }

  /** Spend today and this month against the caps, whether model work is paused, and the automations (the actor may see) that spent most this month. */
  budget(actor: Actor): BudgetView {
    const { daily, monthly } = this.deps.budget.spend();
    const month = periodBounds('monthly', this.deps.clock.now());
    return {
      daily,
      monthly,
      paused: this.deps.budget.pausedBy(),
      top: this.deps.store.ledger.topAutomations(month.start, month.end, listScope(actor, true).scope, 5),
      byKind: this.deps.store.ledger.spendByKindBetween(month.start, month.end),
    };
  }

  /** Tries alert text against the automation's last `limit` succeeded outputs: on which runs it would have fired. */
  testAlert(actor: Actor, ref: AutomationRef, alert: string, limit = 20): { condition: Condition | null; tried: number; matched: RunView[] } {
    const automation = this.visible(actor, ref);
    const condition = parseAlertText(alert);
    const runs = this.deps.store.runs.recent(automation.id, limit * 5).filter((r) => r.status === 'succeeded' && r.output).slice(0, limit);
    const matched = runs.filter((r) => {
      try {
        return evaluateCondition(condition, r.output!);
      } catch {
        return false;
      }
    });
    return { condition, tried: runs.length, matched: matched.map(runView) };
  }

  /** The capabilities that can be automated. */
  capabilities(): CapabilityView[] {
    return this.deps.store.capabilities.list().map((c) => capabilityView(c));
  }

  /**
   * `/capabilities`: each capability with its skill's evidence for its current state (skill runs,
   * comparisons, agreement and its interval), who or what made the last change of state, and the
   * spend its local path saved this month (estimated from what its model runs cost).
   */
  capabilityReport(): CapabilityView[] {
    const { store, clock, lifecycle } = this.deps;
    const month = periodBounds('monthly', clock.now());
    return store.capabilities.list().map((c) => {
      const evidence = c.skill ? lifecycle.evidence(c.name) : null;
      if (!c.skill || !evidence) return capabilityView(c);
      return capabilityView(c, {
        evidence,
        lastChange: store.evidence.stateChanges(c.name, 1)[0] ?? null,
        skillRunsThisMonth: store.evidence.skillRunsBetween(c.name, month.start, month.end),
        modelRunCost: store.evidence.modelRunCost(c.name),
        openProposal: store.evidence.openProposalOf(c.name) !== null,
        modelChecks: this.deps.registry.modelCanRun(c.name),
      });
    });
  }

  /**
   * Changes a capability's skill state (`/capability promote|demote`): recorded as made by the
   * actor, with the evidence at that moment, and announced in the tasks channel. Throws
   * ForbiddenError for anyone but a manager, NotFoundError for an unknown capability.
   */
  setSkillState(actor: Actor, capability: string, state: SkillState): CapabilityView {
    requireManager(actor, 'promote or demote a capability');
    if (!SKILL_STATES.includes(state)) throw new ValidationError('state', `state must be one of ${SKILL_STATES.join(', ')}`);
    const before = this.deps.store.capabilities.get(capability)?.skill?.state;
    const verb = before && moveVerb(before, state) === 'Demoted' ? 'demote' : 'promote';
    return capabilityView(this.deps.lifecycle.setState(capability, state, { kind: 'person', userId: actor.userId }, `set with /capability ${verb}`));
  }

  /**
   * A manager's Promote / Keep on a skill that passed its gate. Promote changes the state,
   * recorded as made by the actor and announced. Throws ForbiddenError for anyone but a manager,
   * ConflictError for a question answered already or overtaken. Returns the question's message
   * as it reads now (who decided, no buttons).
   */
  answerSkillProposal(actor: Actor, proposalId: number, action: 'promote' | 'keep'): RichMessage {
    requireManager(actor, 'promote a capability or keep it as it is');
    return this.deps.lifecycle.answer(proposalId, actor.userId, action).message;
  }

  /** The automation the actor may see, by id or name; NotFoundError otherwise (no hint that someone else's exists). */
  find(actor: Actor, ref: AutomationRef): AutomationView {
    return this.view(this.visible(actor, ref));
  }

  /** The hash of the slash command definitions last registered for `scope` (a server id or "global"), or null. */
  registeredCommands(scope: string): string | null {
    return this.deps.store.settings.botState(`commands:${scope}`);
  }

  /** Records that the slash commands with this definitions hash are registered for `scope`. */
  recordRegisteredCommands(scope: string, hash: string): void {
    this.deps.store.settings.setBotState(`commands:${scope}`, hash, this.deps.clock.now());
  }

  /**
   * Counts one run the actor asked for (Run now, a draft's preview) against RUN_NOW_PER_MINUTE.
   * Throws RateLimitedError, saying when to try again, past it.
   */
  countRunNow(actor: Actor): void {
    const waitMs = this.runNows?.take(actor.userId, this.deps.clock.now()) ?? 0;
    if (waitMs > 0) throw new RateLimitedError('Run now', this.runNows!.limit, MINUTE_MS / 1000, waitMs);
  }

  private visible(actor: Actor, ref: AutomationRef): Automation {
    const { automations } = this.deps.store;
    let found = typeof ref === 'number' ? automations.get(ref) : automations.findByName(actor.userId, ref.trim());
    if (!found && typeof ref === 'string' && actor.manager && actor.guildId !== null) {
      // A manager may name someone else's automation when the name is unambiguous in the server.
      const matches = automations.findByNameInGuild(actor.guildId, ref.trim());
      if (matches.length === 1) found = matches[0]!;
    }
    if (!found || !canSee(actor, found)) throw new NotFoundError('automation', ref);
    return found;
  }

  /** The automation as a view; with `slots`, its next three runs too; with `reveal`, its inputs unmasked (the create that typed them). */
  private view(a: Automation, slots = false, reveal = false): AutomationView {
    const next = slots && a.status === 'active' && a.schedule ? safeNextRuns(a.schedule, a.timezone, this.deps.clock.now(), 3) : [];
    return automationView(a, this.deps.store.capabilities.get(a.capability), next, reveal);
  }

  /** Checks settings against the registry, croner and the alert grammar; returns them ready to store. */
  private validate(s: ParsedSettings, checkInputs = true): Validated {
    const { registry, config, clock } = this.deps;
    if (!registry.get(s.capability) || !this.deps.store.capabilities.get(s.capability)) {
      const known = this.deps.store.capabilities.list().map((c) => c.name);
      throw new ValidationError('capability', `unknown capability "${s.capability}": ${didYouMean(s.capability, known)}choose one of ${known.join(', ')}`);
    }
    const record = this.deps.store.capabilities.get(s.capability)!;
    if (choosePath(record) === 'claude_native' && !this.deps.models.isConfigured(s.capability)) {
      throw new ValidationError(
        'capability',
        `${s.capability} runs through a model and none is configured: set ANTHROPIC_API_KEY for Claude, or LOCAL_MODEL_URL and LOCAL_MODEL for a local model`,
      );
    }
    const inputs = checkInputs ? registry.parseInputs(s.capability, typeof s.inputs === 'string' ? parseInputsText(s.inputs) : s.inputs) : {};
    const refused = typeof inputs.url === 'string' ? this.deps.urlRefusal?.(inputs.url) : null;
    if (refused) throw new ValidationError('inputs', `inputs for ${s.capability} are not valid: url: ${refused}`, { url: inputs.url });
    const timezone = validateTimezone(s.timezone ?? config.defaultTimezone);
    const minIntervalSeconds = Math.max(s.minIntervalSeconds ?? config.minIntervalSeconds, config.minIntervalSeconds);
    let schedule: string | null = null;
    let scheduleReadFrom: string | null = null;
    if (s.schedule.toLowerCase() !== MANUAL_SCHEDULE) {
      ({ cron: schedule, fromWords: scheduleReadFrom } = readSchedule(s.schedule, timezone));
      const gap = shortestGapSeconds(schedule, timezone, clock.now());
      if (gap !== null && gap < minIntervalSeconds) {
        throw new ValidationError(
          'schedule',
          `\`${schedule}\` can run ${formatSeconds(gap)} apart, more often than the minimum interval of ${formatSeconds(minIntervalSeconds)}: choose a slower schedule`,
          { gapSeconds: gap, minIntervalSeconds },
        );
      }
    }
    const settings: AutomationSettings = {
      name: s.name,
      description: s.description,
      capability: s.capability,
      inputs,
      triggerType: schedule === null ? 'on_manual' : 'on_schedule',
      schedule,
      timezone,
      catchUp: s.catchUp,
      alertConditions: parseAlertText(s.alert),
      alertMode: s.alertMode,
      alertRepeatAfterSeconds: s.repeatAfterSeconds,
      alertTo: s.alertTo,
      maxCostPerRunUsd: s.maxCostUsd,
      minIntervalSeconds,
      confirmAfter: s.confirmAfter,
      notifyResolved: s.notifyResolved,
    };
    return { settings, scheduleReadFrom };
  }
}

type ParsedSettings = z.output<typeof settingsSchema>;

/** Settings checked and ready to store, and the words their schedule was read from ("every 15 minutes"), if it was. */
interface Validated {
  settings: AutomationSettings;
  scheduleReadFrom: string | null;
}

/** The names people type for settings (the slash command options). */
const OPTION_NAMES: Record<string, string> = {
  alertMode: 'alert_mode',
  repeatAfterSeconds: 'repeat_after',
  maxCostUsd: 'max_cost',
  minIntervalSeconds: 'min_interval',
  alertTo: 'alert_to',
  catchUp: 'catch_up',
  confirmAfter: 'confirm_after',
  notifyResolved: 'notify_resolved',
};

/**
 * Parses settings with zod; the first problem becomes a ValidationError naming the field. The
 * schema's own messages already name the option; zod's generic ones get the option name in front.
 */
function parseSettings(input: unknown): ParsedSettings {
  const parsed = settingsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0] ?? 'input');
  const option = OPTION_NAMES[field] ?? field;
  const ownMessage = issue.message.startsWith(option.replace('_', ' ')) || issue.message.startsWith(option);
  throw new ValidationError(field, ownMessage ? issue.message : `${option}: ${issue.message}`);
}

function currentAsInput(a: Automation): z.input<typeof settingsSchema> {
  return {
    name: a.name,
    description: a.description,
    capability: a.capability,
    inputs: a.inputs,
    schedule: a.schedule ?? MANUAL_SCHEDULE,
    timezone: a.timezone,
    alertMode: a.alertMode,
    repeatAfterSeconds: a.alertRepeatAfterSeconds,
    maxCostUsd: a.maxCostPerRunUsd,
    minIntervalSeconds: a.minIntervalSeconds,
    alertTo: a.alertTo,
    catchUp: a.catchUp,
    confirmAfter: a.confirmAfter,
    notifyResolved: a.notifyResolved,
  };
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** "did you mean `http_check`? " for a name one or two edits from a known one (case, `-` for `_`), else ''. */
function didYouMean(name: string, known: readonly string[]): string {
  const typed = name.trim().toLowerCase().replace(/[-\s]/g, '_');
  const best = known.map((k) => ({ k, d: distance(typed, k) })).sort((a, b) => a.d - b.d)[0];
  return best && best.d <= Math.max(2, Math.floor(best.k.length / 4)) ? `did you mean \`${best.k}\`? ` : '';
}

function safeNextRuns(schedule: string, timezone: string, after: Date, count: number): Date[] {
  try {
    return nextRuns(schedule, timezone, after, count);
  } catch {
    return [];
  }
}

function formatSeconds(s: number): string {
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

/** Dead letters as `/automation show` tells them: the refusal's text without secrets. */
function undeliveredNotices(dead: DeadLetters): { count: number; lastError: string | null } {
  return { count: dead.count, lastError: dead.lastError === null ? null : redactSecrets(dead.lastError) };
}
