import { loadConfig } from './config.js';
import { Engine } from './engine.js';
import { StewardError } from './errors.js';
import { createLogger } from './logger.js';
import type { NotificationSink } from './notifications/service.js';

/**
 * Starts Steward. Until the Discord front end lands, this runs the engine alone: scheduler,
 * dispatcher and outbox, with notifications written to the log.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(`steward: ${(error as Error).message}`);
    process.exit(2);
  }
  const logger = createLogger(config.LOG_LEVEL);
  const logSink: NotificationSink = {
    async deliver(n) {
      logger.info({ event: 'notification_logged', id: n.id, type: n.type, channel: n.channel, content: n.content }, 'notification (no Discord front end yet)');
    },
  };
  let engine: Engine;
  try {
    engine = new Engine({ config, logger, sink: logSink });
    engine.start();
  } catch (error) {
    const message = error instanceof StewardError ? error.message : String(error);
    logger.fatal({ event: 'startup_failed', err: error }, message);
    console.error(`steward: ${message}`);
    process.exit(1);
  }
  logger.info({ event: 'engine_only', db: config.STEWARD_DB }, 'Steward engine running without the Discord front end (coming in the Discord issue); Ctrl+C stops it');
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'shutdown', signal }, 'shutting down');
    engine.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ event: 'shutdown_failed', err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Keep the process alive while the engine waits for its next slot.
  setInterval(() => undefined, 1 << 30);
}

void main();
