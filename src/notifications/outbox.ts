import { z } from 'zod';
import type { Db } from '../db/database.js';
import { parseJsonColumn } from '../db/json-column.js';

/**
 * What a notification is: an alert, the Resolved notice at an incident's end, a pause or budget
 * notice, an `edit` of a message already delivered (the outbox row `editOf` names), or a `skill`
 * notice (a capability's skill changed state, or a manager is asked whether it should).
 */
export type NotificationType = 'alert' | 'resolved' | 'edit' | 'pause' | 'budget_paused' | 'budget_warning' | 'digest' | 'skill';

/**
 * Priorities of the dispatch contract: alerts 3, pause notices 4, budget notices 4, warnings 2.
 * Resolved notices and edits go with alerts (3), so in a channel they follow the alert they concern;
 * so does the digest of what quiet hours held.
 */
export const PRIORITY: Record<NotificationType, number> = { alert: 3, resolved: 3, edit: 3, pause: 4, budget_paused: 4, budget_warning: 2, digest: 3, skill: 2 };

/**
 * Buttons the front end may attach to a notification: show the automation, resume or pause it,
 * show the run's raw output, snooze its alerts for an hour or a day, mute them until resolved, or
 * answer a skill proposal (Promote / Keep, on the proposal `proposalId` names).
 */
export const NOTIFICATION_ACTIONS = ['show', 'resume', 'output', 'pause', 'snooze_hour', 'snooze_day', 'mute', 'promote_skill', 'keep_skill'] as const;
export type NotificationAction = (typeof NOTIFICATION_ACTIONS)[number];

/**
 * A rich message, neutral of Discord: the sink renders it (an embed, buttons for `actions`).
 * Fields are short name/value pairs. `tone` picks its colour (good news, bad news, neither); rows
 * written before tones existed have none, and are coloured by their type.
 */
export const richMessageSchema = z.object({
  title: z.string(),
  /** Where the title links to (http(s)). */
  url: z.string().nullable().optional(),
  description: z.string(),
  fields: z.array(z.object({ name: z.string(), value: z.string() })),
  /** An image shown beside it (http(s)). */
  thumbnail: z.string().nullable().optional(),
  /** Good news, bad news, neither, or a matter closed (an alert whose incident resolved). */
  tone: z.enum(['good', 'bad', 'neutral', 'muted']).optional(),
  actions: z.array(z.enum(NOTIFICATION_ACTIONS)),
  automationId: z.number().int().nullable(),
  runId: z.number().int().nullable(),
  /** The skill proposal its Promote / Keep buttons answer. */
  proposalId: z.number().int().nullable().optional(),
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
  /** For an `edit`: the outbox row whose delivered message it changes. */
  editOf?: number | null;
  /** Held for quiet hours until this instant (the end of the window of `heldFor`), then sent in one digest. */
  heldUntil?: Date | null;
  /** Whose quiet hours hold it (a user id). */
  heldFor?: string | null;
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
  /** Older undelivered alerts of the same automation folded into this one (they were never sent). */
  coalesced: number;
  /** Older undelivered alerts of other automations folded into this one at the channel's cap (never sent). */
  dropped: number;
  /** Discord refused it once: the next attempt sends it as plain text, the last one before giving up. */
  plainText: boolean;
  /** The id the chat gave the delivered message (to edit it later); null before delivery or when the sink gave none. */
  messageId: string | null;
}

/** A notification held for quiet hours, as a digest lists it. */
export type HeldNotification = Notification & { heldUntil: Date; heldFor: string };

/** The message an `edit` changes: delivered (with its id), still to be delivered, or never to be (folded, given up, deleted). */
export type EditTarget = { state: 'delivered'; messageId: string; channel: Channel } | { state: 'pending' } | { state: 'held' } | { state: 'gone'; reason: string };

/** Default of OUTBOX_MAX_PER_CHANNEL: undelivered alerts kept per channel. */
export const DEFAULT_MAX_ALERTS_PER_CHANNEL = 50;

export interface OutboxOptions {
  /**
   * Undelivered alerts kept per channel (OUTBOX_MAX_PER_CHANNEL). Past it, the oldest are folded
   * into the newest with a count. Pause and budget notices never count and are never folded.
   */
  maxAlertsPerChannel?: number;
}

/** Notice undelivered notifications of one automation: how many Discord refused for good, and the last refusal. */
export interface DeadLetters {
  count: number;
  lastError: string | null;
  lastAt: Date | null;
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
  coalesced: number;
  dropped: number;
  plain_text: number;
  message_id: string | null;
  edit_of: number | null;
  held_until: number | null;
  held_for: string | null;
}

/** Not delivered, not given up, not folded into a newer notification. */
const PENDING = 'delivered_at IS NULL AND failed_at IS NULL AND superseded_by IS NULL';
/** Pending and not held for quiet hours: what may be sent now (when due). */
const DELIVERABLE = `${PENDING} AND held_until IS NULL`;

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
    coalesced: row.coalesced,
    dropped: row.dropped,
    plainText: row.plain_text !== 0,
    messageId: row.message_id,
    editOf: row.edit_of,
    heldUntil: row.held_until === null ? null : new Date(row.held_until),
    heldFor: row.held_for,
  };
}

/** Ids handed to the sink and not yet marked, per database: every repository over one connection sees the same ones. */
const inFlightByDb = new WeakMap<Db, Set<number>>();

/**
 * Every SQL statement about the outbox. It stays bounded: per automation only the newest
 * undelivered alert is kept (older ones are folded into it and counted), and a channel keeps at
 * most `maxAlertsPerChannel` undelivered alerts (the oldest are folded into the newest and
 * counted). Pause and budget notices are never folded. A message being sent is never folded.
 */
export class OutboxRepository {
  /** Undelivered alerts kept per channel. */
  readonly maxAlertsPerChannel: number;
  /** Notifications handed to the sink and not yet marked: never folded while in flight. */
  private readonly inFlight: Set<number>;

  constructor(
    private readonly db: Db,
    options: OutboxOptions = {},
  ) {
    this.maxAlertsPerChannel = Math.max(1, options.maxAlertsPerChannel ?? DEFAULT_MAX_ALERTS_PER_CHANNEL);
    let inFlight = inFlightByDb.get(db);
    if (!inFlight) inFlightByDb.set(db, (inFlight = new Set()));
    this.inFlight = inFlight;
  }

  /**
   * Queues a notification for delivery now. Returns its id, or null when its dedupe key was used
   * before. An alert of an automation folds that automation's undelivered alerts of the same
   * channel into itself (`coalesced`); past the channel's cap the oldest undelivered alerts of the
   * channel are folded into it too (`dropped`). A notification held for quiet hours (`heldUntil`)
   * folds nothing and is folded into nothing: the digest lists it. Call it inside the caller's
   * transaction: its writes are several statements.
   */
  enqueue(n: NewNotification, now: Date): number | null {
    const heldUntil = n.heldUntil ?? null;
    const info = this.db
      .prepare(
        `INSERT OR IGNORE INTO notification (type, channel, priority, content, embed, dedupe_key, automation_id, run_id, edit_of, created_at, next_attempt_at, held_until, held_for)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        n.editOf ?? null,
        now.getTime(),
        (heldUntil ?? now).getTime(),
        heldUntil === null ? null : heldUntil.getTime(),
        heldUntil === null ? null : (n.heldFor ?? null),
      );
    if (info.changes !== 1) return null;
    const id = Number(info.lastInsertRowid);
    if (n.type === 'alert' && heldUntil === null) this.foldBacklog(id, n.channel, n.automationId ?? null);
    return id;
  }

  private foldBacklog(id: number, channel: Channel, automationId: number | null): void {
    const inFlight = JSON.stringify([...this.inFlight]);
    const older =
      automationId === null
        ? []
        : this.db
            .prepare<[number, string, number, string], { id: number; coalesced: number; dropped: number }>(
              `SELECT id, coalesced, dropped FROM notification
                WHERE automation_id = ? AND ${DELIVERABLE} AND channel = ? AND type = 'alert' AND id <> ?
                  AND id NOT IN (SELECT value FROM json_each(?))`,
            )
            .all(automationId, channel, id, inFlight);
    let coalesced = older.reduce((sum, o) => sum + 1 + o.coalesced, 0);
    let dropped = older.reduce((sum, o) => sum + o.dropped, 0);
    this.supersede(older.map((o) => o.id), id);

    const waiting = this.db
      .prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM notification WHERE channel = ? AND ${DELIVERABLE} AND type = 'alert'`)
      .get(channel)!.n;
    if (waiting > this.maxAlertsPerChannel) {
      const oldest = this.db
        .prepare<[string, number, string, number], { id: number; automation_id: number | null; coalesced: number; dropped: number }>(
          `SELECT id, automation_id, coalesced, dropped FROM notification
            WHERE channel = ? AND ${DELIVERABLE} AND type = 'alert' AND id <> ? AND id NOT IN (SELECT value FROM json_each(?))
            ORDER BY id LIMIT ?`,
        )
        .all(channel, id, inFlight, waiting - this.maxAlertsPerChannel);
      for (const o of oldest) {
        if (o.automation_id === automationId && automationId !== null) coalesced += 1 + o.coalesced;
        else dropped += 1 + o.coalesced;
        dropped += o.dropped;
      }
      this.supersede(oldest.map((o) => o.id), id);
    }
    if (coalesced > 0 || dropped > 0) {
      this.db.prepare('UPDATE notification SET coalesced = ?, dropped = ? WHERE id = ?').run(coalesced, dropped, id);
    }
  }

  private supersede(ids: number[], by: number): void {
    if (ids.length === 0) return;
    this.db
      .prepare('UPDATE notification SET superseded_by = ? WHERE id IN (SELECT value FROM json_each(?))')
      .run(by, JSON.stringify(ids));
  }

  /**
   * The next undelivered notification of each channel, whether or not its next attempt is due:
   * the highest priority first (pause and budget notices before alerts), then the oldest.
   * Channels are listed in that same order. Notices held for quiet hours are not among them.
   */
  channelHeads(): Notification[] {
    return this.db
      .prepare<[], NotificationRow>(
        `SELECT * FROM (
           SELECT n.*, ROW_NUMBER() OVER (PARTITION BY channel ORDER BY priority DESC, id) AS head_rank
             FROM notification n WHERE ${DELIVERABLE}
         ) WHERE head_rank = 1
         ORDER BY priority DESC, id`,
      )
      .all()
      .map(toNotification);
  }

  /** Marks a notification as handed to the sink: it is not folded into a newer one until marked delivered, retried or failed. */
  markSending(id: number): void {
    this.inFlight.add(id);
  }

  /** Marks a notification delivered, keeping the id the chat gave its message (null when none, e.g. an edit). */
  markDelivered(id: number, now: Date, messageId: string | null = null): void {
    this.inFlight.delete(id);
    this.db
      .prepare('UPDATE notification SET delivered_at = ?, attempts = attempts + 1, last_error = NULL, message_id = COALESCE(?, message_id) WHERE id = ?')
      .run(now.getTime(), messageId, id);
  }

  /**
   * The notification that stands for `id` now: `id` itself, or the newer alert it was folded
   * into (following the chain); null when the row is gone.
   */
  standingFor(id: number): Notification | null {
    let current = this.get(id);
    for (let hops = 0; current && hops < 1000; hops++) {
      const by = this.db.prepare<[number], { superseded_by: number | null }>('SELECT superseded_by FROM notification WHERE id = ?').get(current.id)?.superseded_by ?? null;
      if (by === null) return current;
      current = this.get(by);
    }
    return current;
  }

  /** The message an edit of row `id` changes (see {@link EditTarget}). */
  editTarget(id: number): EditTarget {
    const row = this.db
      .prepare<[number], { delivered_at: number | null; failed_at: number | null; superseded_by: number | null; message_id: string | null; channel: Channel; held_until: number | null }>(
        'SELECT delivered_at, failed_at, superseded_by, message_id, channel, held_until FROM notification WHERE id = ?',
      )
      .get(id);
    if (!row) return { state: 'gone', reason: 'the message is no longer in the outbox' };
    if (row.superseded_by !== null) return { state: 'gone', reason: 'the message was folded into a newer one and never sent' };
    if (row.failed_at !== null) return { state: 'gone', reason: 'the message could not be delivered' };
    if (row.delivered_at === null && row.held_until !== null) return { state: 'held' };
    if (row.delivered_at === null) return { state: 'pending' };
    if (row.message_id === null) return { state: 'gone', reason: 'the message id was not recorded' };
    return { state: 'delivered', messageId: row.message_id, channel: row.channel };
  }

  /** Changes what a notice held for quiet hours says (an edit that came before it was sent): the digest lists it as it is now. */
  rewriteHeld(id: number, content: string, embed: RichMessage | null): void {
    this.db
      .prepare(`UPDATE notification SET content = ?, embed = ? WHERE id = ? AND held_until IS NOT NULL AND ${PENDING}`)
      .run(content, embed === null ? null : JSON.stringify(embed), id);
  }

  /** The people and channels whose held notices' window has ended by `now`: how many each holds. */
  heldDueGroups(now: Date): { heldFor: string; channel: Channel; count: number }[] {
    return this.db
      .prepare<[number], { held_for: string; channel: Channel; n: number }>(
        `SELECT held_for, channel, COUNT(*) AS n FROM notification WHERE held_until IS NOT NULL AND held_until <= ? AND ${PENDING}
          GROUP BY held_for, channel ORDER BY MIN(id)`,
      )
      .all(now.getTime())
      .map((r) => ({ heldFor: r.held_for, channel: r.channel, count: r.n }));
  }

  /** The oldest `limit` of one person's held notices in `channel` whose window has ended by `now`. */
  heldDue(heldFor: string, channel: Channel, now: Date, limit: number): HeldNotification[] {
    return this.db
      .prepare<[string, string, number, number], NotificationRow>(
        `SELECT * FROM notification WHERE held_for = ? AND channel = ? AND held_until IS NOT NULL AND held_until <= ? AND ${PENDING} ORDER BY id LIMIT ?`,
      )
      .all(heldFor, channel, now.getTime(), limit)
      .map((row) => toNotification(row) as HeldNotification);
  }

  /** When the earliest quiet window holding a notice ends; null when none is held. */
  nextHeldRelease(): Date | null {
    const row = this.db.prepare<[], { at: number | null }>(`SELECT MIN(held_until) AS at FROM notification WHERE held_until IS NOT NULL AND ${PENDING}`).get();
    return row?.at == null ? null : new Date(row.at);
  }

  /** Ends the hold on a person's notices now (they turned quiet hours off): the next pass sends their digest. */
  releaseHeldFor(userId: string, now: Date): number {
    return this.db
      .prepare(`UPDATE notification SET held_until = ? WHERE held_for = ? AND held_until > ? AND ${PENDING}`)
      .run(now.getTime(), userId, now.getTime()).changes;
  }

  /**
   * Queues `digest` and folds into it every held notice of `heldFor` in its channel whose window
   * has ended by `now`, in one transaction; returns the digest's id.
   */
  foldIntoDigest(heldFor: string, digest: NewNotification, now: Date): number {
    return this.db.transaction(() => {
      const id = this.enqueue({ ...digest, heldUntil: null }, now)!;
      this.db
        .prepare(`UPDATE notification SET superseded_by = ? WHERE held_for = ? AND channel = ? AND held_until IS NOT NULL AND held_until <= ? AND ${PENDING} AND id <> ?`)
        .run(id, heldFor, digest.channel, now.getTime(), id);
      return id;
    })();
  }

  /** The delivered notification whose message has the chat's id `messageId` (a button was pressed on it); null when none. */
  byMessageId(messageId: string): Notification | null {
    const row = this.db.prepare<[string], NotificationRow>('SELECT * FROM notification WHERE message_id = ? ORDER BY id LIMIT 1').get(messageId);
    return row ? toNotification(row) : null;
  }

  markRetry(id: number, error: string, nextAttemptAt: Date): void {
    this.inFlight.delete(id);
    this.db
      .prepare('UPDATE notification SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?')
      .run(error, nextAttemptAt.getTime(), id);
  }

  /** Discord refused the message: its next attempt, due now, sends it as plain text. */
  markPlainTextRetry(id: number, error: string, now: Date): void {
    this.inFlight.delete(id);
    this.db
      .prepare('UPDATE notification SET attempts = attempts + 1, last_error = ?, plain_text = 1, next_attempt_at = ? WHERE id = ?')
      .run(error, now.getTime(), id);
  }

  /** Gives up on a notification: it stays as a dead letter (failed_at, last_error) that `deadLetters` reports. */
  markFailed(id: number, error: string, now: Date): void {
    this.inFlight.delete(id);
    this.db
      .prepare('UPDATE notification SET attempts = attempts + 1, last_error = ?, failed_at = ? WHERE id = ?')
      .run(error, now.getTime(), id);
  }

  /** The automation's notifications that could not be delivered: how many, and the most recent refusal. */
  deadLetters(automationId: number): DeadLetters {
    const row = this.db
      .prepare<[number, number], { n: number; last_error: string | null; failed_at: number | null }>(
        `SELECT (SELECT COUNT(*) FROM notification WHERE automation_id = ? AND failed_at IS NOT NULL) AS n, last_error, failed_at
           FROM notification WHERE automation_id = ? AND failed_at IS NOT NULL ORDER BY failed_at DESC, id DESC LIMIT 1`,
      )
      .get(automationId, automationId);
    return row ? { count: row.n, lastError: row.last_error, lastAt: new Date(row.failed_at!) } : { count: 0, lastError: null, lastAt: null };
  }

  /** How many notifications wait for delivery (not delivered, not given up, not folded). */
  pendingCount(): number {
    return this.db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM notification WHERE ${PENDING}`).get()!.n;
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

/**
 * What a notification says about the alerts folded into it ("and 12 more while Discord was
 * unreachable"), or null when none were. `cap` is the channel cap, named when alerts were dropped.
 */
export function backlogNote(n: Pick<Notification, 'coalesced' | 'dropped'>, cap: number): string | null {
  const parts: string[] = [];
  if (n.coalesced > 0) parts.push(`and ${n.coalesced} more while Discord was unreachable`);
  if (n.dropped > 0) {
    parts.push(`${n.dropped} older ${n.dropped === 1 ? 'alert' : 'alerts'} of other automations not sent: more than ${cap} were waiting for this channel (OUTBOX_MAX_PER_CHANNEL)`);
  }
  return parts.length ? parts.join('; ') : null;
}
