import { formatUsd } from './util/money.js';

/**
 * Errors that carry structured facts (which automation, which field, what was expected) and a
 * message a person can act on. The front end turns `message` into a reply; the log keeps `facts`.
 */
export class StewardError extends Error {
  /** Stable, machine-readable code (`invalid_input`, `not_found`, `budget_paused`…). */
  readonly code: string;
  /** Structured details for logs; never contains secrets. */
  readonly facts: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, facts: Record<string, unknown> = {}) {
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

/** Spend reached a cap: no new model work until `resumesAt`. */
export class BudgetPausedError extends StewardError {
  readonly period: BudgetPeriod;
  readonly spentUsd: number;
  readonly limitUsd: number;
  readonly resumesAt: Date;
  constructor(period: BudgetPeriod, spentUsd: number, limitUsd: number, resumesAt: Date) {
    super(
      'budget_paused',
      `${period} LLM budget reached: ${formatUsd(spentUsd)} of ${formatUsd(limitUsd)} spent; model work resumes ${resumesAt.toISOString()}`,
      { period, spentUsd, limitUsd, resumesAt: resumesAt.toISOString() },
    );
    this.period = period;
    this.spentUsd = spentUsd;
    this.limitUsd = limitUsd;
    this.resumesAt = resumesAt;
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

/** The actor may not do this (a manager-only command); the message says so, naming the action. */
export class ForbiddenError extends StewardError {
  constructor(action: string) {
    super('forbidden', `only managers can ${action}`, { action });
  }
}

/** A form (or its button) outlived its time or is not the person's own: start again with the command. */
export class FormExpiredError extends StewardError {
  constructor(minutes: number, command: string) {
    super('form_expired', `This form expired (${minutes} minutes): run \`/${command}\` again.`, { minutes, command });
  }
}

/** A button or form whose id this version does not know (made by an older Steward, or forged). */
export class StaleComponentError extends StewardError {
  constructor(customId: string) {
    super('stale_component', 'That button is from an older version of Steward; run the command again.', { customId });
  }
}
