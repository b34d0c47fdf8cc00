import { InstantTimer, type Clock, type TimerHandle } from '../clock.js';
import { DeliveryError } from '../errors.js';
import type { Logger } from '../logger.js';
import { DIGEST_MAX_LINES, digestNotification } from './digest.js';
import { backlogNote, type Notification, type OutboxRepository } from './outbox.js';

/** What a delivery gave back: the id of the message made, when the sink knows it (an edit needs it later). */
export interface Delivered {
  messageId: string;
}

/** A file a notification carries (an alert's chart): its name, bytes and a description for screen readers. */
export interface NotificationFile {
  name: string;
  data: Uint8Array;
  description: string;
}

/**
 * Delivers one notification (the Discord bot supplies the real one). Throw DeliveryError to
 * explain a failure. `edit` changes a message delivered before (its id, in `channel`) to say what
 * `notification` says; it resolves false when that message no longer exists (deleted by a
 * person), which is no failure. A sink without `edit` leaves delivered messages as they are.
 * `files` (none by default) go with the message, the first shown as its embed's image; an edit
 * with files replaces the message's files with them.
 */
export interface NotificationSink {
  deliver(notification: Notification, files?: NotificationFile[]): Promise<Delivered | void>;
  edit?(notification: Notification, messageId: string, files?: NotificationFile[]): Promise<boolean>;
}

/** Backoff before retry number `attempts` (1-based): 5 s, 10 s, 20 s… up to 10 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 10 * 60_000);
}

export interface NotificationServiceDeps {
  outbox: OutboxRepository;
  sink: NotificationSink;
  clock: Clock;
  logger: Logger;
  /** A delivery still pending after this long counts as failed and is retried (default 30 s). */
  deliveryTimeoutMs?: number;
  /**
   * The files a notification carries, made at each delivery attempt (an alert's chart, drawn from
   * the run history, so the outbox keeps none). Must not throw: a file it cannot make is left out.
   */
  files?: (notification: Notification) => Promise<NotificationFile[]>;
}

/**
 * Delivers the outbox through the sink, per channel by priority (pause and budget notices before
 * alerts) and then oldest first: a channel whose next message fails waits (with backoff) before
 * anything after it is tried. Messages are retried until delivered. A message the sink refuses
 * for good (DeliveryError `permanent`, e.g. Discord's 50035 invalid form body) is tried once more
 * at once as plain text; refused again, it is kept as a dead letter (logged, and counted by
 * `OutboxRepository.deadLetters` for `/automation show`). Nothing is dropped without a trace.
 * Notices held for a person's quiet hours wait in the outbox until their window ends; each pass
 * first folds the ones whose window has ended into one digest per person and channel.
 */
export class NotificationService {
  private readonly timer: InstantTimer;
  private pass: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private lastPass: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: NotificationServiceDeps) {
    this.timer = new InstantTimer(deps.clock, () => this.kick());
  }

  /** Starts delivering: at once, then whenever kicked or a retry comes due. */
  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** Stops arming timers; resolves when a pass in progress has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer.clear();
    await this.pass;
  }

  /** Asks for a delivery pass soon (new messages were queued). */
  kick(): void {
    if (this.stopped) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = this.deliverDue()
      .then(
        () => undefined,
        (error: unknown) => this.deps.logger.error({ event: 'notification_pass_failed', err: error }, 'delivery pass failed'),
      )
      .finally(() => {
      this.pass = null;
      if (this.again) {
        this.again = false;
        this.kick();
      } else {
        this.arm();
      }
    });
  }

  /** Resolves when no pass is running (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.pass) await this.pass;
  }

  /**
   * One pass: each channel's due messages in order until one fails. Returns how many were
   * delivered and how many failed in this pass.
   */
  deliverDue(): Promise<{ delivered: number; failed: number }> {
    // Passes take turns: two at once would both send a message before either marks it delivered.
    const pass = this.lastPass.then(() => this.deliverOnce());
    this.lastPass = pass.catch(() => undefined);
    return pass;
  }

  private async deliverOnce(): Promise<{ delivered: number; failed: number }> {
    const { outbox, clock, logger } = this.deps;
    this.releaseHeld();
    let delivered = 0;
    let failed = 0;
    const blocked = new Set<string>();
    for (;;) {
      const head = outbox.channelHeads().find((n) => !blocked.has(n.channel) && n.nextAttemptAt <= clock.now());
      if (!head) break;
      try {
        outbox.markSending(head.id);
        if (head.type === 'edit') {
          if (!(await this.editWithin(head))) {
            blocked.add(head.channel);
            continue;
          }
        } else {
          const notification = presented(head, outbox.maxAlertsPerChannel);
          const receipt = await this.deliverWithin(notification, await this.filesOf(notification));
          outbox.markDelivered(head.id, clock.now(), receipt ? receipt.messageId : null);
        }
        delivered++;
        logger.info(
          { event: 'notification_delivered', id: head.id, type: head.type, channel: head.channel, ...(head.plainText ? { plainText: true } : {}), ...(head.coalesced || head.dropped ? { coalesced: head.coalesced, dropped: head.dropped } : {}) },
          'notification delivered',
        );
      } catch (error) {
        failed++;
        const message = error instanceof Error ? error.message : String(error);
        const options = error instanceof DeliveryError ? error.options : {};
        if (options.permanent && !head.plainText) {
          // Refused as it is (an invalid embed, a lone surrogate): the next try, right away, is plain text.
          outbox.markPlainTextRetry(head.id, message, clock.now());
          logger.warn({ event: 'notification_refused', id: head.id, type: head.type, channel: head.channel, error: message }, 'notification refused; trying once more as plain text');
        } else if (options.permanent) {
          outbox.markFailed(head.id, message, clock.now());
          logger.error(
            { event: 'notification_dead_letter', id: head.id, type: head.type, channel: head.channel, automationId: head.automationId, error: message },
            'notification refused twice (also as plain text); kept as undelivered',
          );
        } else {
          blocked.add(head.channel);
          const wait = Math.max(options.retryAfterMs ?? 0, backoffMs(head.attempts + 1));
          outbox.markRetry(head.id, message, new Date(clock.now().getTime() + wait));
          logger.warn({ event: 'notification_retry', id: head.id, type: head.type, attempts: head.attempts + 1, retryInMs: wait, error: message }, 'notification delivery failed; will retry');
        }
      }
    }
    return { delivered, failed };
  }

  /**
   * Folds the notices whose quiet hours have ended into one digest per person and channel. Only
   * the oldest that can fit one message are read; the rest are counted and folded by SQL.
   */
  private releaseHeld(): void {
    const { outbox, clock, logger } = this.deps;
    const now = clock.now();
    for (const group of outbox.heldDueGroups(now)) {
      const shown = outbox.heldDue(group.heldFor, group.channel, now, DIGEST_MAX_LINES);
      if (shown.length === 0) continue;
      const id = outbox.foldIntoDigest(group.heldFor, digestNotification(shown, group.count), now);
      logger.info({ event: 'quiet_hours_digest', id, userId: group.heldFor, channel: group.channel, notices: group.count }, 'quiet hours over: digest queued');
    }
  }

  /**
   * Delivers an edit: changes the message its target became, once that one is delivered. Returns
   * false when it waits (the target is not delivered yet: retried later, the channel waits);
   * an edit whose message is gone (folded, undeliverable, deleted) is marked delivered with nothing
   * to change, and logged. An edit of a notice held for quiet hours changes what the digest will
   * say. Throws what the sink throws.
   */
  private async editWithin(head: Notification): Promise<boolean> {
    const { outbox, clock, logger, sink } = this.deps;
    const target = head.editOf === null ? ({ state: 'gone', reason: 'no message to edit was named' } as const) : outbox.editTarget(head.editOf);
    if (target.state === 'held') {
      outbox.rewriteHeld(head.editOf!, head.content, head.embed);
      outbox.markDelivered(head.id, clock.now());
      return true;
    }
    if (target.state === 'pending') {
      outbox.markRetry(head.id, 'the message to edit is not delivered yet', new Date(clock.now().getTime() + backoffMs(head.attempts + 1)));
      return false;
    }
    let changed = false;
    if (target.state === 'delivered' && sink.edit) {
      const notification = presented(head, outbox.maxAlertsPerChannel);
      changed = await this.within(sink.edit(notification, target.messageId, await this.filesOf(notification)));
    }
    outbox.markDelivered(head.id, clock.now());
    if (!changed) {
      const reason = target.state === 'gone' ? target.reason : sink.edit ? 'the message was deleted' : 'the sink cannot edit messages';
      logger.info({ event: 'notification_edit_skipped', id: head.id, editOf: head.editOf, reason }, 'nothing to edit');
    }
    return true;
  }

  /** The sink's delivery, failed with a DeliveryError when it hangs (a hung request must not block every channel). */
  private deliverWithin(notification: Notification, files: NotificationFile[]): Promise<Delivered | void> {
    return this.within(this.deps.sink.deliver(notification, files));
  }

  /** The files of a notification as presented (none once it is plain text). */
  private async filesOf(notification: Notification): Promise<NotificationFile[]> {
    if (!this.deps.files || notification.plainText) return [];
    return this.deps.files(notification);
  }

  /** `work`, failed with a DeliveryError when it takes longer than the delivery timeout. */
  private within<T>(work: Promise<T>): Promise<T> {
    const { clock } = this.deps;
    const limitMs = this.deps.deliveryTimeoutMs ?? 30_000;
    let timer: TimerHandle | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = clock.setTimer(() => reject(new DeliveryError(`delivery timed out after ${limitMs / 1000} s`)), limitMs);
    });
    return Promise.race([work, timeout]).finally(() => clock.clearTimer(timer!));
  }

  private arm(): void {
    if (this.stopped) {
      this.timer.clear();
      return;
    }
    try {
      const heads = this.deps.outbox.channelHeads();
      const times = heads.map((n) => n.nextAttemptAt.getTime());
      const release = this.deps.outbox.nextHeldRelease();
      if (release) times.push(release.getTime());
      this.timer.armAt(times.length ? new Date(Math.min(...times)) : null);
    } catch (error) {
      this.deps.logger.error({ event: 'notification_pass_failed', err: error }, 'cannot read the outbox; trying again in a minute');
      this.timer.armAt(new Date(this.deps.clock.now().getTime() + 60_000));
    }
  }
}

/**
 * The notification as the sink gets it: the note on alerts folded into it added to its text, and,
 * after a refusal, as plain text only (no embed, no buttons, lone surrogates replaced).
 */
export function presented(n: Notification, cap: number): Notification {
  const note = backlogNote(n, cap);
  const embed = n.embed && note ? { ...n.embed, description: `${n.embed.description}\n(${note})` } : n.embed;
  const content = note ? `${n.content} (${note})` : n.content;
  if (!n.plainText) return { ...n, content, embed };
  const lines = embed ? [embed.title, embed.description, ...embed.fields.map((f) => `${f.name}: ${f.value}`)] : [content];
  return { ...n, content: wellFormed(lines.join('\n')), embed: null };
}

/** `text` with every lone surrogate (half an emoji, which Discord refuses) replaced by U+FFFD. */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
