import { createSteward } from './app.js';
import { loadConfig, type Config } from './config.js';
import { StewardError } from './errors.js';
import { createLogger } from './logger.js';
import { redactSecrets, secretValues } from './redact.js';

/**
 * Starts Steward: the Discord bot hosting the engine. Exits non-zero with one line when it cannot;
 * that line (and the log event) never carries a token, an API key, or a URL's user info or query.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(`steward: ${redactSecrets((error as Error).message, secretValues(process.env))}`);
    process.exit(2);
  }
  if (!config.DISCORD_TOKEN || !config.TASKS_CHANNEL_ID) {
    console.error('steward: set DISCORD_TOKEN and TASKS_CHANNEL_ID (see README: Setting up the bot), or run `npm run demo` to try it against a local Discord emulator');
    process.exit(2);
  }
  const logger = createLogger(config.LOG_LEVEL);
  let steward;
  try {
    steward = createSteward(config, logger);
    await steward.bot.start();
  } catch (error) {
    const secrets = [config.DISCORD_TOKEN, config.ANTHROPIC_API_KEY, ...secretValues(process.env)];
    const message = redactSecrets(error instanceof StewardError ? error.message : String(error), secrets);
    const stack = error instanceof Error && error.stack ? redactSecrets(error.stack, secrets) : undefined;
    logger.fatal({ event: 'startup_failed', code: error instanceof StewardError ? error.code : undefined, error: { name: error instanceof Error ? error.name : typeof error, message, stack } }, message);
    console.error(`steward: ${message}`);
    await steward?.bot.stop().catch(() => undefined);
    process.exit(1);
  }
  logger.info({ event: 'steward_started' }, 'Steward is running; Ctrl+C stops it');
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'shutdown', signal }, 'shutting down');
    steward.bot.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ event: 'shutdown_failed', err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
