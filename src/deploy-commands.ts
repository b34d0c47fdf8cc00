import { createSteward } from './app.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { redactSecrets, secretValues } from './redact.js';

/** `npm run commands:deploy`: registers the slash commands now, whether or not they changed. */
async function deploy(): Promise<void> {
  const config = loadConfig();
  if (!config.DISCORD_TOKEN) {
    console.error('steward: set DISCORD_TOKEN (and GUILD_ID for instant, server-only commands) to deploy the commands');
    process.exit(2);
  }
  const logger = createLogger(config.LOG_LEVEL);
  const { bot, engine } = createSteward({ ...config, TASKS_CHANNEL_ID: config.TASKS_CHANNEL_ID ?? '0' }, logger);
  try {
    await bot.login();
    await bot.registerCommands(true);
    console.log(`steward: slash commands registered ${config.GUILD_ID ? `in server ${config.GUILD_ID}` : 'globally (they can take up to an hour to appear)'}`);
  } finally {
    await bot.disconnect();
    await engine.close();
  }
}

deploy().catch((error: unknown) => {
  console.error(`steward: ${redactSecrets((error as Error).message, secretValues(process.env))}`);
  process.exit(1);
});
