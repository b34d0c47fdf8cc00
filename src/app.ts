import { COMMANDS } from '../commands/index.js';
import type { Config } from './config.js';
import { StewardBot, createDiscordClient } from './discord/bot.js';
import { COMPONENT_HANDLERS } from './discord/interactions/index.js';
import { DiscordSink } from './discord/sink.js';
import { Engine, type EngineOptions } from './engine.js';
import type { Logger } from './logger.js';

/** The whole bot: a discord.js client, the engine delivering through it, and the bot that ties them. */
export interface Steward {
  bot: StewardBot;
  engine: Engine;
}

/**
 * Builds Steward from its configuration (DISCORD_TOKEN and TASKS_CHANNEL_ID must be set). Engine
 * options (a clock, a database, a fetcher, model routes) may be replaced, as tests and the demo do.
 */
export function createSteward(config: Config, logger: Logger, engineOptions: Partial<Omit<EngineOptions, 'config' | 'logger' | 'sink'>> = {}): Steward {
  const client = createDiscordClient(config);
  const engine = new Engine({ ...engineOptions, config, logger, sink: new DiscordSink(client, config.TASKS_CHANNEL_ID!) });
  const bot = new StewardBot({ config, logger, client, engine, commands: COMMANDS, components: COMPONENT_HANDLERS });
  return { bot, engine };
}
