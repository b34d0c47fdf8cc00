import { pino, type Logger } from 'pino';
import { redactSecrets } from './redact.js';

export type { Logger };

/** Paths whose values never reach a log line, wherever they appear in an event. */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'DISCORD_TOKEN',
  'ANTHROPIC_API_KEY',
  '*.DISCORD_TOKEN',
  '*.ANTHROPIC_API_KEY',
];

/**
 * A pino logger writing one JSON event per line. Events carry a stable `event` name
 * (`automation_paused`, `run_finished`…); secrets under the redacted paths print as "[redacted]",
 * and every URL in any string of an event (errors included: message, stack, facts) loses its user
 * info, query string and fragment, where tokens ride along.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'steward' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { log: (event) => redactEvent(event) as Record<string, unknown> },
      serializers: { msg: (msg: unknown) => (typeof msg === 'string' ? redactSecrets(msg) : msg) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

const MAX_REDACT_DEPTH = 8;

/** A log event with URLs in its strings redacted; errors become pino's plain error objects first. */
function redactEvent(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value === null || typeof value !== 'object' || depth > MAX_REDACT_DEPTH) return value;
  if (seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Error) return redactEvent(pino.stdSerializers.err(value), depth + 1, seen);
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map((item) => redactEvent(item, depth + 1, seen));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactEvent(item, depth + 1, seen)]));
}

/** A logger that writes nothing (tests, benchmarks). */
export const silentLogger: Logger = pino({ level: 'silent' });
