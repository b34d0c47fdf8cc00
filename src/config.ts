import { existsSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { canonicalTimeZone } from './util/timezone.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const usd = (fallback: number) => z.coerce.number().finite().min(0).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/**
 * Every variable Steward reads, with what it accepts and its default. The README and
 * `.env.example` document the same list; `describeVariable` names what each accepts in errors.
 */
const variables = {
  STEWARD_DB: { schema: z.string().min(1).default('./data/steward.db'), accepts: 'a file path' },
  DAILY_BUDGET_USD: { schema: usd(20), accepts: 'a number of US dollars ≥ 0' },
  MONTHLY_BUDGET_USD: { schema: usd(100), accepts: 'a number of US dollars ≥ 0' },
  FAILURE_PAUSE_THRESHOLD: { schema: positiveInt(5), accepts: 'a whole number ≥ 1' },
  RUN_TIMEOUT_SECONDS: { schema: positiveInt(120), accepts: 'a whole number of seconds ≥ 1' },
  MAX_CONCURRENT_RUNS: { schema: positiveInt(4), accepts: 'a whole number ≥ 1' },
  MIN_INTERVAL_SECONDS: { schema: positiveInt(60), accepts: 'a whole number of seconds ≥ 1' },
  DEFAULT_TIMEZONE: {
    schema: z.string().refine((tz) => canonicalTimeZone(tz) !== null).default('UTC'),
    accepts: 'an IANA time zone such as UTC or Europe/Berlin',
  },
  LOG_LEVEL: { schema: z.enum(LOG_LEVELS).default('info'), accepts: LOG_LEVELS.join(', ') },
} as const;

type Variables = typeof variables;
export type Config = { [K in keyof Variables]: z.output<Variables[K]['schema']> };

/**
 * Reads the configuration from `env` (by default the process environment, after loading `.env`
 * from the working directory when one exists; real environment variables win over the file).
 * Empty values count as unset. Throws ConfigError with one line naming the first bad variable
 * and what it accepts.
 */
export function loadConfig(env: NodeJS.ProcessEnv = readProcessEnv()): Config {
  const config: Record<string, unknown> = {};
  for (const [name, { schema, accepts }] of Object.entries(variables)) {
    const raw = env[name]?.trim();
    const parsed = schema.safeParse(raw === '' ? undefined : raw);
    if (!parsed.success) {
      throw new ConfigError(name, `${name}=${JSON.stringify(raw)} is not valid: expected ${accepts}`);
    }
    config[name] = parsed.data;
  }
  return config as Config;
}

function readProcessEnv(): NodeJS.ProcessEnv {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}
