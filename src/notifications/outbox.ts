import { z } from 'zod';
import type { Db } from '../db/database.js';
import { parseJsonColumn } from '../db/json-column.js';

export type NotificationType = 'alert' | 'pause' | 'budget_paused' | 'budget_warning';

/** Priorities of the dispatch contract: alerts 3, pause notices 4, budget notices 4, warnings 2. */
export const PRIORITY: Record<NotificationType, number> = { alert: 3, pause: 4, budget_paused: 4, budget_warning: 2 };

/**
 * A rich message, neutral of Discord: the sink renders it (an embed, buttons for `actions`).
 * Fields are short name/value pairs.
 */
export const richMessageSchema = z.object({
  title: z.string(),
  description: z.string(),
  fields: z.array(z.object({ name: z.string(), value: z.string() })),
  /** Buttons the front end may attach: show the automation, resume it. */
  actions: z.array(z.enum(['show', 'resume'])),
  automationId: z.number().int().nullable(),
  runId: z.number().int().nullable(),
});
export type RichMessage = z.infer<typeof richMessageSchema>;

/** A channel: the tasks channel or a direct message to a user. */
export type Channel = 'tasks' | `dm:${string}`;

export interface NewNotification {
  type: NotificationType;
  channel: Channel;
  content: string;
  embed: RichMessage | null;
  /** At most one notification ever exists per key (e.g. the budget notice of one day). */
  dedupeKey?: string;
  automationId?: number | null;
  runId?: number | null;
}

export interface Notification extends Required<Omit<NewNotification, 'dedupeKey'>> {
  id: number;
  priority: number;
  dedupeKey: string | null;
  createdAt: Date;
  attempts: number;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  failedAt: Date | null;
  lastError: string | null;
}

interface NotificationRow {
  id: number;
  type: NotificationType;
  channel: Channel;
  priority: number;
  content: string;
  embed: string | null;
  dedupe_key: string | null;
  automation_id: number | null;
  run_id: number | null;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  delivered_at: number | null;
  failed_at: number | null;
  last_error: string | null;
}

function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    type: row.type,
    channel: row.channel,
    priority: row.priority,
    content: row.content,
    embed: row.embed === null ? null : parseJsonColumn(richMessageSchema, row.embed, 'notification.embed', row.id),
    dedupeKey: row.dedupe_key,
    automationId: row.automation_id,
    runId: row.run_id,
    createdAt: new Date(row.created_at),
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at),
    deliveredAt: row.delivered_at === null ? null : new Date(row.delivered_at),
    failedAt: row.failed_at === null ? null : new Date(row.failed_at),
    lastError: row.last_error,
  };
}

/** Every SQL statement about the outbox. */
export class OutboxRepository {
  constructor(private readonly db: Db) {}

  /** Queues a notification for delivery now. Returns its id, or null when its dedupe key was used before. */
  enqueue(n: NewNotification, now: Date): number | null {
    const info = this.db
      .prepare(
        `INSERT OR IGNORE INTO notification (type, channel, priority, content, embed, dedupe_key, automation_id, run_id, created_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        n.type,
        n.channel,
        PRIORITY[n.type],
        n.content,
        n.embed === null ? null : JSON.stringify(n.embed),
        n.dedupeKey ?? null,
        n.automationId ?? null,
        n.runId ?? null,
        now.getTime(),
        now.getTime(),
      );
    return info.changes === 1 ? Number(info.lastInsertRowid) : null;
  }

  /**
   * The oldest undelivered notification of each channel (delivery is in order per channel),
   * whether or not its next attempt is due.
   */
  channelHeads(): Notification[] {
    return this.db
      .prepare<[], NotificationRow>(
        `SELECT n.* FROM notification n
           JOIN (SELECT MIN(id) AS id FROM notification WHERE delivered_at IS NULL AND failed_at IS NULL GROUP BY channel) h
             ON h.id = n.id
          ORDER BY n.id`,
      )
      .all()
      .map(toNotification);
  }

  markDelivered(id: number, now: Date): void {
    this.db
      .prepare('UPDATE notification SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?')
      .run(now.getTime(), id);
  }

  markRetry(id: number, error: string, nextAttemptAt: Date): void {
    this.db
      .prepare('UPDATE notification SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?')
      .run(error, nextAttemptAt.getTime(), id);
  }

  markFailed(id: number, error: string, now: Date): void {
    this.db
      .prepare('UPDATE notification SET attempts = attempts + 1, last_error = ?, failed_at = ? WHERE id = ?')
      .run(error, now.getTime(), id);
  }

  get(id: number): Notification | null {
    const row = this.db.prepare<[number], NotificationRow>('SELECT * FROM notification WHERE id = ?').get(id);
    return row ? toNotification(row) : null;
  }

  /** All notifications in creation order (inspection and tests). */
  all(): Notification[] {
    return this.db.prepare<[], NotificationRow>('SELECT * FROM notification ORDER BY id').all().map(toNotification);
  }
}
