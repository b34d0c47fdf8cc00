import {
  ActionRowBuilder,
  ButtonBuilder,
  DiscordAPIError,
  HTTPError,
  RateLimitError,
  type Client,
  type MessageCreateOptions,
  type SendableChannels,
} from 'discord.js';
import type { Notification } from '../notifications/outbox.js';
import { DeliveryError } from '../errors.js';
import type { NotificationSink } from '../notifications/service.js';
import { automationButton } from './components.js';
import { NO_MENTIONS } from './context.js';
import { cut, LIMITS } from './limits.js';
import { notificationEmbed } from './views.js';

/** Discord error codes after which a message can never be delivered (retrying cannot help). */
const PERMANENT_CODES = new Set([
  50007, // cannot send messages to this user (DMs closed)
  50035, // invalid form body
  10013, // unknown user
]);

/** The Discord message for a notification: its embed with buttons, mentions locked down, and a nonce that Discord dedupes on. */
export function notificationMessage(n: Notification): MessageCreateOptions {
  const buttons = n.automationId === null ? [] : (n.embed?.actions ?? []).map((action) => automationButton(action, n.automationId!));
  return {
    ...(n.embed ? { embeds: [notificationEmbed(n.type, n.embed)] } : { content: cut(n.content, LIMITS.content) }),
    components: buttons.length ? [new ActionRowBuilder<ButtonBuilder>().addComponents(...buttons)] : [],
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

  async deliver(notification: Notification): Promise<void> {
    if (!this.client.isReady()) throw new DeliveryError('not connected to Discord yet');
    try {
      const channel = await this.channelFor(notification);
      await channel.send(notificationMessage(notification));
    } catch (error) {
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
