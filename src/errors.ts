import { redactSecrets, redactUrl } from './redact.js';
import { formatUsd } from './util/money.js';
import { cutText } from './util/text.js';

/** How a fetch failed without a response. */
export type FetchErrorKind = 'timeout' | 'blocked' | 'network' | 'too_large' | 'too_many_redirects' | 'invalid_url' | 'aborted';

/** Every code a StewardError may carry; logs and the front end may branch on them. */
export type ErrorCode =
  | 'invalid_input'
  | 'alert_condition'
  | 'not_found'
  | 'conflict'
  | 'budget_paused'
  | 'user_budget_paused'
  | 'quota_exceeded'
  | 'rate_limited'
  | 'lane_busy'
  | 'shadow_skipped'
  | 'config'
  | 'database'
  | 'startup'
  | 'delivery'
  | 'run_timeout'
  | 'no_model'
  | 'model_call'
  | 'model_answer'
  | 'model_answer_cut'
  | 'prompt_too_large'
  | 'http_status'
  | 'not_a_feed'
  | 'blocked_address'
  | 'element_cap'
  | 'depth_cap'
  | 'content_error'
  | 'forbidden'
  | 'form_expired'
  | 'stale_component'
  | `fetch_${FetchErrorKind}`;

/**
 * Errors that carry structured facts (which automation, which field, what was expected) and a
 * message a person can act on. The front end turns `message` into a reply; the log keeps `facts`.
 */
export class StewardError extends Error {
  /** Stable, machine-readable code (`invalid_input`, `not_found`, `budget_paused`…). */
  readonly code: ErrorCode;
  /** Structured details for logs; never contains secrets. */
  readonly facts: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, facts: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.facts = facts;
  }
}

/** Input that a person (or a config file) gave and that cannot be accepted. */
export class ValidationError extends StewardError {
  readonly field: string;
  constructor(field: string, message: string, facts: Record<string, unknown> = {}) {
    super('invalid_input', message, { field, ...facts });
    this.field = field;
  }
}

/** A cron expression or time zone that cannot be used. */
export class ScheduleError extends ValidationError {
  constructor(message: string, facts: Record<string, unknown> = {}, field: 'schedule' | 'timezone' = 'schedule') {
    super(field, message, facts);
  }
}

/** Alert text that does not parse; `column` is 1-based. */
export class AlertSyntaxError extends ValidationError {
  readonly column: number;
  readonly expected: string;
  constructor(message: string, column: number, expected: string) {
    super('alert', message, { column, expected });
    this.column = column;
    this.expected = expected;
  }
}

/** An alert condition whose JSON shape or operator is unknown. */
export class AlertConditionError extends StewardError {
  constructor(message: string, facts: Record<string, unknown> = {}) {
    super('alert_condition', message, facts);
  }
}

/** The thing asked for does not exist (or is not visible to the caller). */
export class NotFoundError extends StewardError {
  constructor(what: string, key: string | number) {
    super('not_found', `${what} ${typeof key === 'number' ? `#${key}` : `"${key}"`} not found`, { what, key });
  }
}

/** The request conflicts with the current state (a duplicate name, a run already going). */
export class ConflictError extends StewardError {
  constructor(message: string, facts: Record<string, unknown> = {}) {
    super('conflict', message, facts);
  }
}

export type BudgetPeriod = 'daily' | 'monthly';

/** Spend reached a cap: no new model work until `resumesAt`. A {@link UserBudgetPausedError} is one person's own cap. */
export class BudgetPausedError extends StewardError {
  readonly period: BudgetPeriod;
  readonly spentUsd: number;
  readonly limitUsd: number;
  readonly resumesAt: Date;
  constructor(period: BudgetPeriod, spentUsd: number, limitUsd: number, resumesAt: Date, owner?: { userId: string }) {
    super(
      owner ? 'user_budget_paused' : 'budget_paused',
      owner
        ? `your daily LLM budget is reached: ${formatUsd(spentUsd)} of ${formatUsd(limitUsd)} spent today (USER_DAILY_BUDGET_USD); your model work resumes ${resumesAt.toISOString()}`
        : `${period} LLM budget reached: ${formatUsd(spentUsd)} of ${formatUsd(limitUsd)} spent; model work resumes ${resumesAt.toISOString()}`,
      { period, spentUsd, limitUsd, resumesAt: resumesAt.toISOString(), ...(owner ? { userId: owner.userId } : {}) },
    );
    this.period = period;
    this.spentUsd = spentUsd;
    this.limitUsd = limitUsd;
    this.resumesAt = resumesAt;
  }
}

/**
 * One person's model spend today reached USER_DAILY_BUDGET_USD: their model runs are skipped
 * until the UTC day ends; everyone else's go on. A BudgetPausedError, so it skips like one.
 */
export class UserBudgetPausedError extends BudgetPausedError {
  readonly userId: string;
  constructor(userId: string, spentUsd: number, limitUsd: number, resumesAt: Date) {
    super('daily', spentUsd, limitUsd, resumesAt, { userId });
    this.userId = userId;
  }
}

/** A per-person cap (MAX_AUTOMATIONS_PER_USER…) is reached; the message names the cap and what to do. */
export class QuotaExceededError extends StewardError {
  readonly quota: string;
  readonly limit: number;
  constructor(quota: string, limit: number, message: string, facts: Record<string, unknown> = {}) {
    super('quota_exceeded', message, { quota, limit, ...facts });
    this.quota = quota;
    this.limit = limit;
  }
}

/** Too many of one action in a short time (RUN_NOW_PER_MINUTE…); `retryAfterMs` says when it is allowed again. */
export class RateLimitedError extends StewardError {
  readonly retryAfterMs: number;
  constructor(action: string, limit: number, windowSeconds: number, retryAfterMs: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(
      'rate_limited',
      `you used ${action} ${limit} times in the last ${windowSeconds} s, the most allowed: try again in ${seconds} s`,
      { action, limit, windowSeconds, retryAfterMs },
    );
    this.retryAfterMs = retryAfterMs;
  }
}

/** No run slot came free in time (every slot of the lane, or the owner's share of it, stayed busy). */
export class LaneBusyError extends StewardError {
  constructor(lane: string, waitedMs: number, facts: Record<string, unknown> = {}) {
    super(
      'lane_busy',
      `every ${lane} run slot you may use stayed busy for ${Math.round(waitedMs / 1000)} s: try again when some of your runs have finished`,
      { lane, waitedMs, ...facts },
    );
  }
}

/**
 * A shadow or judge call was not made: it could have pushed spend past `cap` (the daily or monthly
 * budget, the person's daily budget, or the automation's per-run cost cap). Recorded, never raised
 * into a run.
 */
export class ShadowSkippedError extends StewardError {
  readonly cap: string;
  constructor(cap: string, wouldBeUsd: number, limitUsd: number) {
    super('shadow_skipped', `skipped: up to ${formatUsd(wouldBeUsd)} would pass ${cap} of ${formatUsd(limitUsd)}`, { cap, wouldBeUsd, limitUsd });
    this.cap = cap;
  }
}

/** Configuration that stops start-up; the message is one line naming the variable. */
export class ConfigError extends StewardError {
  constructor(variable: string, message: string) {
    super('config', message, { variable });
  }
}

/** The database cannot be used as it is (newer than this code, unreadable, read-only…). */
export class DatabaseError extends StewardError {
  constructor(message: string, facts: Record<string, unknown> = {}) {
    super('database', message, facts);
  }
}

/** Start-up cannot go on (no access to the tasks channel, login refused…); the message says what to fix. */
export class StartupError extends StewardError {
  constructor(message: string, facts: Record<string, unknown> = {}) {
    super('startup', message, facts);
  }
}

/** A failed delivery: `retryAfterMs` honours the other side's rate limit; `permanent` gives up on the message. */
export class DeliveryError extends StewardError {
  readonly options: { retryAfterMs?: number; permanent?: boolean };
  constructor(message: string, options: { retryAfterMs?: number; permanent?: boolean } = {}) {
    super('delivery', message, { ...options });
    this.options = options;
  }
}

/** Internal: the reason a run's signal aborts when RUN_TIMEOUT_SECONDS passes; the run's error text is `message`. */
export class RunTimeoutError extends StewardError {
  constructor(message: string, limitMs: number) {
    super('run_timeout', message, { limitMs });
  }
}

/** No model route for the capability: neither Claude nor a local model is configured for it. */
export class NoModelConfiguredError extends StewardError {
  constructor() {
    super('no_model', 'no model configured: set ANTHROPIC_API_KEY (or LOCAL_MODEL_URL)');
  }
}

/** A Claude (or local model) error with the status and type named and no secrets (the SDK's own message may quote the request). */
export class ModelCallError extends StewardError {
  constructor(provider: string, message: string, facts: Record<string, unknown> = {}) {
    super('model_call', `${provider}: ${message}`, facts);
  }
}

/** A model answer that is not the JSON object asked for; the message quotes its first 120 characters. */
export class ModelAnswerError extends StewardError {
  constructor(problem: string, text: string) {
    const start = cutText(text, 121);
    super('model_answer', `${problem}; it began: ${JSON.stringify(start)}`, { length: text.length });
  }
}

/** A model answer that stopped at the output token limit (Anthropic `max_tokens`, OpenAI-compatible `length`) before it was complete. */
export class ModelAnswerCutError extends StewardError {
  readonly maxTokens: number;
  constructor(maxTokens: number, facts: { outputTokens: number; length: number }) {
    super(
      'model_answer_cut',
      `the model's answer was cut at MODEL_MAX_TOKENS=${maxTokens} tokens before it was complete: raise MODEL_MAX_TOKENS to let it finish`,
      { maxTokens, ...facts },
    );
    this.maxTokens = maxTokens;
  }
}

/** A prompt still over its size cap after its gathered context was cut: no model call is made (nothing is spent). */
export class PromptTooLargeError extends StewardError {
  constructor(chars: number, limitChars: number) {
    super('prompt_too_large', `the prompt is ${chars.toLocaleString('en-US')} characters, over the cap of ${limitChars.toLocaleString('en-US')}: shorten the inputs`, { chars, limitChars });
  }
}

/**
 * A request that did not produce a response; the message reads like "GET https://… timed out
 * after 15 s". The message, the `url` fact and `url` keep the URL without user info, query or
 * fragment (where tokens ride along): it becomes a run's error text, a notice and a log line.
 */
export class FetchError extends StewardError {
  readonly kind: FetchErrorKind;
  readonly url: string;
  constructor(kind: FetchErrorKind, url: string, message: string) {
    super(`fetch_${kind}`, redactSecrets(message), { kind, url: redactUrl(url) });
    this.kind = kind;
    this.url = redactUrl(url);
  }
}

/** Internal: thrown from the safe fetcher's guarded DNS lookup, turned into a 'blocked' FetchError by the fetcher. */
export class BlockedAddressError extends StewardError {
  readonly hostname: string;
  readonly address: string;
  constructor(hostname: string, address: string) {
    super('blocked_address', `${hostname} resolves to ${address}`, { hostname, address });
    this.hostname = hostname;
    this.address = address;
  }
}

/** The actor may not do this (a manager-only command); the message says so, naming the action. */
export class ForbiddenError extends StewardError {
  constructor(action: string) {
    super('forbidden', `only managers can ${action}`, { action });
  }
}

/** A form (or its button) outlived its time or is not the person's own: start again with the command. */
export class FormExpiredError extends StewardError {
  constructor(minutes: number, command: string, what: 'form' | 'draft' = 'form') {
    super('form_expired', `This ${what} expired (${minutes} minutes): run \`/${command}\` again.`, { minutes, command, what });
  }
}

/** A button or form whose id this version does not know (made by an older Steward, or forged). */
export class StaleComponentError extends StewardError {
  constructor(customId: string) {
    super('stale_component', 'That button is from an older version of Steward; run the command again.', { customId });
  }
}

/** The text of any thrown value, for a run's or a preview's `error`: its message, never a stack, URLs in it without user info or query. */
export function errorText(error: unknown): string {
  return redactSecrets(error instanceof Error ? error.message || error.name : String(error));
}
