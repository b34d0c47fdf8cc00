import {
  AttachmentBuilder,
  ButtonBuilder,
  DiscordAPIError,
  HTTPError,
  RateLimitError,
  type Client,
  type MessageCreateOptions,
  type MessageEditOptions,
  type SendableChannels,
} from 'discord.js';
import type { Notification } from '../notifications/outbox.js';
import { DeliveryError } from '../errors.js';
import type { Delivered, NotificationFile, NotificationSink } from '../notifications/service.js';
import { automationButton, buttonRows, holdButton, outputButton, skillProposalButton } from './components.js';
import { NO_MENTIONS } from './context.js';
import { cut, LIMITS } from './limits.js';
import { notificationEmbed } from './views.js';

/** Discord error codes after which a message can never be delivered (retrying cannot help). */
const PERMANENT_CODES = new Set([
  50007, // cannot send messages to this user (DMs closed)
  50035, // invalid form body
  10013, // unknown user
]);
/** Discord's "Unknown Message": the message to edit was deleted. */
const UNKNOWN_MESSAGE = 10008;

const HOLDS = { snooze_hour: 'snooze-hour', snooze_day: 'snooze-day', mute: 'mute' } as const;

/**
 * A notification's buttons: Show / Pause / Resume act on its automation, the snoozes and mute hold
 * its alerts, Output shows its run's raw output, Promote / Keep answer a skill proposal.
 */
function buttonsOf(n: Notification): ButtonBuilder[] {
  return (n.embed?.actions ?? []).flatMap((action) => {
    if (action === 'output') return n.embed?.runId != null ? [outputButton(n.embed.runId)] : [];
    if (action === 'promote_skill' || action === 'keep_skill') {
      return n.embed?.proposalId != null ? [skillProposalButton(action === 'promote_skill' ? 'promote' : 'keep', n.embed.proposalId)] : [];
    }
    if (n.automationId === null) return [];
    return action === 'snooze_hour' || action === 'snooze_day' || action === 'mute' ? [holdButton(HOLDS[action], n.automationId)] : [automationButton(action, n.automationId)];
  });
}

/** Files as discord.js uploads them (multipart `files[n]`). */
function attachmentsOf(files: readonly NotificationFile[]): AttachmentBuilder[] {
  return files.map((f) => new AttachmentBuilder(Buffer.from(f.data), { name: f.name, description: f.description }));
}

/**
 * A notification's body: its embed with buttons (the first file as the embed's image), or its text;
 * mentions locked down. With files, they replace the message's attachments.
 */
function notificationBody(n: Notification, files: readonly NotificationFile[] = []): MessageEditOptions {
  const buttons = buttonsOf(n);
  const image = n.embed && files[0] ? `attachment://${files[0].name}` : undefined;
  return {
    ...(n.embed ? { embeds: [notificationEmbed(n.type, n.embed, image)], content: '' } : { content: cut(n.content, LIMITS.content), embeds: [] }),
    components: buttonRows(buttons),
    allowedMentions: NO_MENTIONS,
    ...(files.length ? { files: attachmentsOf(files), attachments: [] } : {}),
  };
}

/** The Discord message for a notification: its embed with buttons (and files), mentions locked down, and a nonce that Discord dedupes on. */
export function notificationMessage(n: Notification, files: readonly NotificationFile[] = []): MessageCreateOptions {
  const body = notificationBody(n, files);
  return {
    ...(n.embed ? { embeds: body.embeds! } : { content: body.content! }),
    ...(files.length ? { files: attachmentsOf(files) } : {}),
    components: body.components!,
    allowedMentions: NO_MENTIONS,
    // Discord keeps one message per nonce for a few minutes: a retry after a lost answer is not a second message.
    nonce: `steward-${n.id}`,
    enforceNonce: true,
  };
}

/**
 * Delivers outbox notifications to the tasks channel or a person's DMs. Failures become
 * DeliveryErrors: a rate limit carries its retry_after, errors that retrying cannot fix are
 * permanent, everything else (5xx, Discord unreachable, not connected yet) is retried.
 */
export class DiscordSink implements NotificationSink {
  constructor(
    private readonly client: Client,
    private readonly tasksChannelId: string,
  ) {}

  /** Sends the notification; resolves with the id of the message Discord made. */
  async deliver(notification: Notification, files: NotificationFile[] = []): Promise<Delivered> {
    if (!this.client.isReady()) throw new DeliveryError('not connected to Discord yet');
    try {
      const channel = await this.channelFor(notification);
      const message = await channel.send(notificationMessage(notification, files));
      return { messageId: message.id };
    } catch (error) {
      throw toDeliveryError(error);
    }
  }

  /** Edits message `messageId` (in the notification's channel) to say what the notification says; false when it was deleted. */
  async edit(notification: Notification, messageId: string, files: NotificationFile[] = []): Promise<boolean> {
    if (!this.client.isReady()) throw new DeliveryError('not connected to Discord yet');
    try {
      const channel = await this.channelFor(notification);
      await channel.messages.edit(messageId, notificationBody(notification, files));
      return true;
    } catch (error) {
      if (error instanceof DiscordAPIError && Number(error.code) === UNKNOWN_MESSAGE) return false;
      throw toDeliveryError(error);
    }
  }

  private async channelFor(n: Notification): Promise<SendableChannels> {
    if (n.channel.startsWith('dm:')) return this.client.users.createDM(n.channel.slice(3));
    const channel = await this.client.channels.fetch(this.tasksChannelId);
    if (!channel?.isSendable()) throw new DeliveryError(`the tasks channel ${this.tasksChannelId} cannot take messages`);
    return channel;
  }
}

function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof RateLimitError) return new DeliveryError(`rate limited by Discord for ${error.retryAfter} ms`, { retryAfterMs: error.retryAfter });
  if (error instanceof DiscordAPIError) {
    return new DeliveryError(`Discord answered ${error.status} (${error.code}): ${error.message}`, { permanent: PERMANENT_CODES.has(Number(error.code)) });
  }
  if (error instanceof HTTPError) return new DeliveryError(`Discord answered ${error.status}`);
  return new DeliveryError(`Discord could not be reached: ${(error as Error).message}`);
}
