import { existsSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { isSecretName, redactSecrets, redactUrl } from './redact.js';
import { canonicalTimeZone } from './util/timezone.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const usd = (fallback: number) => z.coerce.number().finite().min(0).default(fallback);
const httpUrl = z.string().url().refine((u) => /^https?:\/\//i.test(u));
const snowflake = z.string().regex(/^\d{15,22}$/);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .default(fallback);

const priceTable = z.record(z.string(), z.tuple([z.number().min(0), z.number().min(0)]));
function parsePrices(text: string, ctx: z.RefinementCtx): Record<string, { inputPerMTok: number; outputPerMTok: number }> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not JSON' });
    return z.NEVER;
  }
  const parsed = priceTable.safeParse(json);
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: 'not a price table' });
    return z.NEVER;
  }
  return Object.fromEntries(Object.entries(parsed.data).map(([model, [input, output]]) => [model, { inputPerMTok: input, outputPerMTok: output }]));
}
const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);
const fraction = (fallback: number) => z.coerce.number().finite().min(0).max(1).default(fallback);

/**
 * Every variable Steward reads, with what it accepts and its default. The README and
 * `.env.example` document the same list; `describeVariable` names what each accepts in errors.
 */
const variables = {
  STEWARD_DB: { schema: z.string().min(1).default('./data/steward.db'), accepts: 'a file path' },
  DAILY_BUDGET_USD: { schema: usd(20), accepts: 'a number of US dollars ≥ 0' },
  MONTHLY_BUDGET_USD: { schema: usd(100), accepts: 'a number of US dollars ≥ 0' },
  USER_DAILY_BUDGET_USD: { schema: z.coerce.number().finite().min(0).optional(), accepts: 'a number of US dollars ≥ 0 (unset: no per-person cap)' },
  FAILURE_PAUSE_THRESHOLD: { schema: positiveInt(5), accepts: 'a whole number ≥ 1' },
  RUN_TIMEOUT_SECONDS: { schema: positiveInt(120), accepts: 'a whole number of seconds ≥ 1' },
  MAX_CONCURRENT_RUNS: { schema: positiveInt(1024), accepts: 'a whole number ≥ 1' },
  MAX_CONCURRENT_MODEL_RUNS: { schema: positiveInt(4), accepts: 'a whole number ≥ 1' },
  MAX_RUNS_IN_FLIGHT_PER_USER: { schema: z.coerce.number().int().min(1).optional(), accepts: 'a whole number ≥ 1 (unset: a quarter of each lane)' },
  MAX_CONCURRENT_PER_HOST: { schema: positiveInt(8), accepts: 'a whole number ≥ 1' },
  MAX_AUTOMATIONS_PER_USER: { schema: positiveInt(100), accepts: 'a whole number ≥ 1' },
  RUN_NOW_PER_MINUTE: { schema: positiveInt(10), accepts: 'a whole number ≥ 1' },
  MIN_INTERVAL_SECONDS: { schema: positiveInt(60), accepts: 'a whole number of seconds ≥ 1' },
  DEFAULT_TIMEZONE: {
    schema: z.string().refine((tz) => canonicalTimeZone(tz) !== null).default('UTC'),
    accepts: 'an IANA time zone such as UTC or Europe/Berlin',
  },
  LOG_LEVEL: { schema: z.enum(LOG_LEVELS).default('info'), accepts: LOG_LEVELS.join(', ') },
  ANTHROPIC_API_KEY: { schema: z.string().optional(), accepts: 'an Anthropic API key', secret: true },
  ANTHROPIC_MODEL: { schema: z.string().regex(/^[\w.:-]+$/).default('claude-haiku-4-5'), accepts: 'a Claude model id such as claude-haiku-4-5' },
  ANTHROPIC_BASE_URL: { schema: httpUrl.optional(), accepts: 'an http(s) URL' },
  LOCAL_MODEL_URL: { schema: httpUrl.refine((u) => !new URL(u).username && !new URL(u).password).optional(), accepts: 'the http(s) base URL of an OpenAI-compatible API (no user:password in it), e.g. http://127.0.0.1:11434/v1' },
  LOCAL_MODEL: { schema: z.string().optional(), accepts: 'a model name such as llama3.1' },
  MODEL_PRICES: { schema: z.string().transform(parsePrices).optional(), accepts: 'JSON like {"claude-haiku-4-5": [1, 5]}: USD per million input and output tokens' },
  MODEL_MAX_TOKENS: { schema: positiveInt(1024), accepts: 'a whole number of tokens ≥ 1' },
  ALLOW_PRIVATE_URLS: { schema: flag(false), accepts: 'true or false' },
  FETCH_TIMEOUT_SECONDS: { schema: positiveInt(15), accepts: 'a whole number of seconds ≥ 1' },
  CONTENT_WORKERS: { schema: positiveInt(2), accepts: 'a whole number ≥ 1' },
  DISCORD_TOKEN: { schema: z.string().optional(), accepts: "the bot's token from the Discord developer portal", secret: true },
  TASKS_CHANNEL_ID: { schema: snowflake.optional(), accepts: 'a channel id (a number such as 1234567890123456789)' },
  GUILD_ID: { schema: snowflake.optional(), accepts: 'a server (guild) id' },
  DISCORD_API_URL: { schema: httpUrl.default('https://discord.com/api'), accepts: 'an http(s) URL such as https://discord.com/api' },
  MANAGER_ROLE_ID: { schema: snowflake.optional(), accepts: 'a role id' },
  OWNER_IDS: {
    schema: z
      .string()
      .transform((v) => v.split(',').map((id) => id.trim()).filter(Boolean))
      .pipe(z.array(snowflake))
      .default([]),
    accepts: 'user ids separated by commas',
  },
  SHUTDOWN_GRACE_SECONDS: { schema: positiveInt(30), accepts: 'a whole number of seconds ≥ 1' },
  OUTBOX_MAX_PER_CHANNEL: { schema: positiveInt(50), accepts: 'a whole number ≥ 1' },
  RUN_RETENTION_DAYS: { schema: z.coerce.number().int().min(0).default(90), accepts: 'a whole number of days ≥ 0 (0 keeps every run)' },
  RUN_RETENTION_MIN_RUNS: { schema: z.coerce.number().int().min(0).default(20), accepts: 'a whole number ≥ 0' },
  SHADOW_RUNS: { schema: flag(true), accepts: 'true or false' },
  SHADOW_SAMPLE_PRIMARY: { schema: fraction(0.2), accepts: 'a fraction from 0 to 1, such as 0.2' },
  SHADOW_SAMPLE_TRUSTED: { schema: fraction(0.05), accepts: 'a fraction from 0 to 1, such as 0.05' },
  SHADOW_JUDGE: { schema: z.enum(['model', 'similarity']).default('model'), accepts: 'model or similarity' },
  SKILL_PROMOTE_MIN_RUNS: { schema: positiveInt(20), accepts: 'a whole number ≥ 1' },
  SKILL_PROMOTE_MIN_CLEAN: { schema: fraction(0.9), accepts: 'a fraction from 0 to 1, such as 0.9' },
  SKILL_TRUST_MIN_COMPARISONS: { schema: positiveInt(100), accepts: 'a whole number ≥ 1' },
  SKILL_TRUST_MIN_AGREEMENT: { schema: fraction(0.85), accepts: 'a fraction from 0 to 1, such as 0.85' },
  SKILL_PROMOTION_APPROVAL: {
    schema: z.enum(['auto', 'manual']).optional(),
    accepts: 'auto or manual (unset: manual for capabilities people read as text, such as summarize_page; auto for the rest)',
  },
} as const;

type Variables = typeof variables;
export type Config = { [K in keyof Variables]: z.output<Variables[K]['schema']> } & {
  /** MODEL_ROUTE_<capability>=claude|local: where that capability's model work goes. */
  MODEL_ROUTES: Record<string, 'claude' | 'local'>;
};

/**
 * Reads the configuration from `env` (by default the process environment, after loading `.env`
 * from the working directory when one exists; real environment variables win over the file).
 * Empty values count as unset. Throws ConfigError with one line naming the first bad variable
 * and what it accepts.
 */
export function loadConfig(env: NodeJS.ProcessEnv = readProcessEnv()): Config {
  const config: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(variables)) {
    const raw = env[name]?.trim();
    const parsed = (variable.schema as z.ZodType).safeParse(raw === '' ? undefined : raw);
    if (!parsed.success) {
      throw new ConfigError(name, `${name}=${shownValue(name, raw, 'secret' in variable)} is not valid: expected ${variable.accepts}`);
    }
    config[name] = parsed.data;
  }
  if (config.LOCAL_MODEL_URL && !config.LOCAL_MODEL) {
    throw new ConfigError('LOCAL_MODEL', 'LOCAL_MODEL is not set: LOCAL_MODEL_URL needs the name of the model to use, such as llama3.1');
  }
  config.MODEL_ROUTES = readModelRoutes(env);
  return config as Config;
}

const ROUTE_PREFIX = 'MODEL_ROUTE_';

function readModelRoutes(env: NodeJS.ProcessEnv): Record<string, 'claude' | 'local'> {
  const routes: Record<string, 'claude' | 'local'> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ROUTE_PREFIX) || !value?.trim()) continue;
    const route = value.trim().toLowerCase();
    if (route !== 'claude' && route !== 'local') {
      throw new ConfigError(name, `${name}=${shownValue(name, value, false)} is not valid: expected claude or local`);
    }
    routes[name.slice(ROUTE_PREFIX.length).toLowerCase()] = route;
  }
  return routes;
}

/**
 * A refused value as a config message shows it: never the value of a secret (by its flag or its
 * name: …TOKEN, …KEY…), a URL variable's (…_URL) without user info, query or fragment, and any URL
 * inside other values likewise.
 */
function shownValue(name: string, raw: string | undefined, secret: boolean): string {
  if (secret || isSecretName(name)) return 'the value given';
  if (raw === undefined) return 'nothing';
  return JSON.stringify(name.endsWith('_URL') ? redactUrl(raw) : redactSecrets(raw));
}

function readProcessEnv(): NodeJS.ProcessEnv {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}
