import { createHash } from 'node:crypto';
import { Client, Events, GatewayIntentBits, PermissionFlagsBits, Routes, type RateLimitData, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Config } from '../config.js';
import type { Engine } from '../engine.js';
import { StartupError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SlashCommand } from './context.js';
import type { ComponentHandler } from './interactions/handler.js';
import { InteractionRouter } from './router.js';

/**
 * The discord.js client Steward uses: REST (and so the gateway it discovers) at DISCORD_API_URL,
 * no mentions unless a message asks, and channel-message rate limits reported to the outbox
 * (which retries after retry_after) instead of waited out inside discord.js.
 */
export function createDiscordClient(config: Config): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [], repliedUser: false },
    rest: {
      api: config.DISCORD_API_URL.replace(/\/+$/, ''),
      rejectOnRateLimit: (data: RateLimitData) => data.method.toUpperCase() === 'POST' && /\/channels\/\d+\/messages$/.test(new URL(data.url).pathname),
    },
  });
}

export interface StewardBotOptions {
  config: Config;
  logger: Logger;
  client: Client;
  engine: Engine;
  commands: readonly SlashCommand[];
  components: readonly ComponentHandler[];
}

/** The bot: hosts the engine, answers interactions, keeps its slash commands registered. */
export class StewardBot {
  private readonly router: InteractionRouter;

  constructor(private readonly options: StewardBotOptions) {
    const { config, logger, engine } = options;
    this.router = new InteractionRouter(options.commands, options.components, { service: engine.service, config, logger, clock: engine.clock });
  }

  /**
   * Logs in, checks the tasks channel, registers the commands when they changed, then starts the
   * engine. Throws StartupError (nothing started) when Discord refuses or the channel is unusable.
   */
  async start(): Promise<void> {
    const { client, logger, engine } = this.options;
    client.on(Events.Error, (error) => logger.error({ event: 'discord_error', err: error }, 'discord client error'));
    client.on(Events.ShardDisconnect, () => logger.warn({ event: 'discord_disconnected' }, 'gateway disconnected; reconnecting'));
    client.on(Events.ShardResume, () => logger.info({ event: 'discord_resumed' }, 'gateway resumed'));
    await this.login();
    await this.checkTasksChannel();
    await this.registerCommands(false);
    // Interactions only after the engine started: its start-up recovery closes runs a crash left
    // open, and must not close a "run now" that a person started meanwhile.
    engine.start();
    client.on(Events.InteractionCreate, (interaction) => void this.router.handle(interaction));
  }

  /** Connects to Discord and waits until the client is ready. Throws StartupError when Discord refuses. */
  async login(): Promise<void> {
    const { client, config, logger } = this.options;
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    try {
      await client.login(config.DISCORD_TOKEN);
    } catch (error) {
      throw new StartupError(`Discord refused to log in: ${(error as Error).message} (check DISCORD_TOKEN)`);
    }
    await ready;
    logger.info({ event: 'discord_ready', user: client.user?.tag, guilds: client.guilds.cache.size }, 'connected to Discord');
  }

  /** Closes the connection to Discord (the engine is left alone). */
  async disconnect(): Promise<void> {
    await this.options.client.destroy();
  }

  /** Stops taking commands, lets runs finish (bounded), flushes the outbox, closes the database and the connection. */
  async stop(): Promise<void> {
    this.router.stopAccepting();
    await this.options.engine.stop(this.options.config.SHUTDOWN_GRACE_SECONDS * 1000);
    await this.disconnect();
  }

  /** Throws StartupError unless the bot can see the tasks channel and post embeds in it. */
  private async checkTasksChannel(): Promise<void> {
    const { client, config, logger } = this.options;
    const id = config.TASKS_CHANNEL_ID!;
    const channel = await client.channels.fetch(id).catch(() => null);
    if (!channel || !channel.isTextBased() || channel.isDMBased()) {
      throw new StartupError(`the tasks channel ${id} cannot be found or is not a text channel the bot can see: check TASKS_CHANNEL_ID and the bot's access`, { channelId: id });
    }
    const permissions = channel.permissionsFor(client.user!);
    const needed = { ViewChannel: PermissionFlagsBits.ViewChannel, SendMessages: PermissionFlagsBits.SendMessages, EmbedLinks: PermissionFlagsBits.EmbedLinks };
    const missing = Object.entries(needed).filter(([, flag]) => !permissions?.has(flag)).map(([name]) => name);
    if (missing.length > 0) {
      throw new StartupError(`the bot cannot post in the tasks channel #${channel.name}: it lacks ${missing.join(', ')} there`, { channelId: id, missing });
    }
    logger.info({ event: 'tasks_channel_ok', channelId: id, channel: channel.name }, 'tasks channel is writable');
  }

  /**
   * Registers the slash commands (to GUILD_ID when set, else globally) when their definitions
   * changed since the last registration, or always with `force`. Returns whether it sent them.
   */
  async registerCommands(force: boolean): Promise<boolean> {
    const { client, config, logger, engine, commands } = this.options;
    const definitions = commands.map((c) => c.definition);
    const scope = config.GUILD_ID ?? 'global';
    const hash = createHash('sha256').update(JSON.stringify(definitions)).digest('hex');
    if (!force && engine.service.registeredCommands(scope) === hash) {
      logger.info({ event: 'commands_unchanged', scope }, 'slash commands unchanged');
      return false;
    }
    // Straight to REST: commands.set() turns default_member_permissions into a string, and Discord's
    // request schema takes an integer.
    const appId = client.application!.id;
    const route = config.GUILD_ID ? Routes.applicationGuildCommands(appId, config.GUILD_ID) : Routes.applicationCommands(appId);
    await client.rest.put(route, { body: definitions.map(withIntegerPermissions) });
    engine.service.recordRegisteredCommands(scope, hash);
    logger.info({ event: 'commands_registered', scope, count: definitions.length }, 'slash commands registered');
    return true;
  }
}

/** The definition as Discord's request schema wants it: default_member_permissions an integer bit set, not a string. */
function withIntegerPermissions(definition: RESTPostAPIChatInputApplicationCommandsJSONBody): Record<string, unknown> {
  const permissions = definition.default_member_permissions;
  return typeof permissions === 'string' ? { ...definition, default_member_permissions: Number(BigInt(permissions)) } : { ...definition };
}
