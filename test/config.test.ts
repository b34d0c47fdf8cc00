import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { createLogger } from '../src/logger.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      STEWARD_DB: './data/steward.db',
      DAILY_BUDGET_USD: 20,
      MONTHLY_BUDGET_USD: 100,
      USER_DAILY_BUDGET_USD: undefined,
      FAILURE_PAUSE_THRESHOLD: 5,
      RUN_TIMEOUT_SECONDS: 120,
      MAX_CONCURRENT_RUNS: 1024,
      MAX_CONCURRENT_MODEL_RUNS: 4,
      MAX_RUNS_IN_FLIGHT_PER_USER: undefined,
      MAX_CONCURRENT_PER_HOST: 8,
      MAX_AUTOMATIONS_PER_USER: 100,
      RUN_NOW_PER_MINUTE: 10,
      MIN_INTERVAL_SECONDS: 60,
      DEFAULT_TIMEZONE: 'UTC',
      LOG_LEVEL: 'info',
      ANTHROPIC_API_KEY: undefined,
      ANTHROPIC_MODEL: 'claude-haiku-4-5',
      ANTHROPIC_BASE_URL: undefined,
      LOCAL_MODEL_URL: undefined,
      LOCAL_MODEL: undefined,
      MODEL_PRICES: undefined,
      MODEL_MAX_TOKENS: 1024,
      ALLOW_PRIVATE_URLS: false,
      FETCH_TIMEOUT_SECONDS: 15,
      CONTENT_WORKERS: 2,
      DISCORD_TOKEN: undefined,
      TASKS_CHANNEL_ID: undefined,
      GUILD_ID: undefined,
      DISCORD_API_URL: 'https://discord.com/api',
      MANAGER_ROLE_ID: undefined,
      OWNER_IDS: [],
      SHUTDOWN_GRACE_SECONDS: 30,
      OUTBOX_MAX_PER_CHANNEL: 50,
      RUN_RETENTION_DAYS: 90,
      RUN_RETENTION_MIN_RUNS: 20,
      SHADOW_RUNS: true,
      SHADOW_SAMPLE_PRIMARY: 0.2,
      SHADOW_SAMPLE_TRUSTED: 0.05,
      SHADOW_JUDGE: 'model',
      SKILL_PROMOTE_MIN_RUNS: 20,
      SKILL_PROMOTE_MIN_CLEAN: 0.9,
      SKILL_TRUST_MIN_COMPARISONS: 100,
      SKILL_TRUST_MIN_AGREEMENT: 0.85,
      SKILL_PROMOTION_APPROVAL: undefined,
      MODEL_ROUTES: {},
    });
  });

  it('reads values and treats empty ones as unset', () => {
    const config = loadConfig({ DAILY_BUDGET_USD: '2.5', MAX_CONCURRENT_RUNS: ' 8 ', DEFAULT_TIMEZONE: 'Europe/Berlin', LOG_LEVEL: '' });
    expect(config).toMatchObject({ DAILY_BUDGET_USD: 2.5, MAX_CONCURRENT_RUNS: 8, DEFAULT_TIMEZONE: 'Europe/Berlin', LOG_LEVEL: 'info' });
  });

  it.each([
    ['DAILY_BUDGET_USD', 'twenty', 'DAILY_BUDGET_USD="twenty" is not valid: expected a number of US dollars ≥ 0'],
    ['MONTHLY_BUDGET_USD', '-1', 'MONTHLY_BUDGET_USD="-1" is not valid: expected a number of US dollars ≥ 0'],
    ['MAX_CONCURRENT_RUNS', '0', 'MAX_CONCURRENT_RUNS="0" is not valid: expected a whole number ≥ 1'],
    ['RUN_TIMEOUT_SECONDS', '1.5', 'RUN_TIMEOUT_SECONDS="1.5" is not valid: expected a whole number of seconds ≥ 1'],
    ['DEFAULT_TIMEZONE', 'Mars/Olympus', 'DEFAULT_TIMEZONE="Mars/Olympus" is not valid: expected an IANA time zone such as UTC or Europe/Berlin'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL="loud" is not valid: expected fatal, error, warn, info, debug, trace, silent'],
    ['ALLOW_PRIVATE_URLS', 'maybe', 'ALLOW_PRIVATE_URLS="maybe" is not valid: expected true or false'],
    ['LOCAL_MODEL_URL', 'ftp://x', 'LOCAL_MODEL_URL="ftp://x" is not valid: expected the http(s) base URL of an OpenAI-compatible API (no user:password in it), e.g. http://127.0.0.1:11434/v1'],
    ['MODEL_PRICES', '{"m": 3}', 'MODEL_PRICES="{\\"m\\": 3}" is not valid: expected JSON like {"claude-haiku-4-5": [1, 5]}: USD per million input and output tokens'],
    ['TASKS_CHANNEL_ID', '#tasks', 'TASKS_CHANNEL_ID="#tasks" is not valid: expected a channel id (a number such as 1234567890123456789)'],
    ['OWNER_IDS', '123456789012345678, bob', 'OWNER_IDS="123456789012345678, bob" is not valid: expected user ids separated by commas'],
    ['RUN_RETENTION_DAYS', '-3', 'RUN_RETENTION_DAYS="-3" is not valid: expected a whole number of days ≥ 0 (0 keeps every run)'],
    ['OUTBOX_MAX_PER_CHANNEL', '0', 'OUTBOX_MAX_PER_CHANNEL="0" is not valid: expected a whole number ≥ 1'],
    ['MODEL_ROUTE_ASK', 'gpt', 'MODEL_ROUTE_ASK="gpt" is not valid: expected claude or local'],
  ])('refuses %s=%s in one line naming the variable', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(message);
    expect((error as ConfigError).facts).toEqual({ variable: name });
  });
});

describe('refusals never show secrets', () => {
  const refusal = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      return (error as ConfigError).message;
    }
    throw new Error('the configuration was accepted');
  };

  it('shows a refused URL without its user info or query', () => {
    expect(refusal({ ANTHROPIC_BASE_URL: 'https://user:PASSWORD@llm.example:99999/v1?key=abc' })).toBe(
      'ANTHROPIC_BASE_URL="https://[redacted]@llm.example:99999/v1?[redacted]" is not valid: expected an http(s) URL',
    );
    expect(refusal({ LOCAL_MODEL_URL: 'http://me:PASSWORD@127.0.0.1:11434/v1', LOCAL_MODEL: 'llama3.1' })).toBe(
      'LOCAL_MODEL_URL="http://[redacted]@127.0.0.1:11434/v1" is not valid: expected the http(s) base URL of an OpenAI-compatible API (no user:password in it), e.g. http://127.0.0.1:11434/v1',
    );
    expect(refusal({ DISCORD_API_URL: 'discord.com/api?token=MTQw.secret' })).toBe(
      'DISCORD_API_URL="discord.com/api?[redacted]" is not valid: expected an http(s) URL such as https://discord.com/api',
    );
  });

  it('redacts a URL given where something else was expected', () => {
    expect(refusal({ MODEL_ROUTE_ASK: 'https://u:PASSWORD@llm.example/' })).toBe('MODEL_ROUTE_ASK="https://[redacted]@llm.example/" is not valid: expected claude or local');
  });
});

describe('model settings', () => {
  it('reads model routes per capability, prices, and flags', () => {
    const config = loadConfig({
      MODEL_ROUTE_summarize_page: 'local',
      MODEL_ROUTE_ASK: 'Claude',
      LOCAL_MODEL_URL: 'http://127.0.0.1:11434/v1',
      LOCAL_MODEL: 'llama3.1',
      MODEL_PRICES: '{"claude-next": [2, 10]}',
      ALLOW_PRIVATE_URLS: 'yes',
    });
    expect(config.MODEL_ROUTES).toEqual({ summarize_page: 'local', ask: 'claude' });
    expect(config.MODEL_PRICES).toEqual({ 'claude-next': { inputPerMTok: 2, outputPerMTok: 10 } });
    expect(config.ALLOW_PRIVATE_URLS).toBe(true);
  });

  it('needs LOCAL_MODEL with LOCAL_MODEL_URL', () => {
    expect(() => loadConfig({ LOCAL_MODEL_URL: 'http://127.0.0.1:11434/v1' })).toThrow(
      'LOCAL_MODEL is not set: LOCAL_MODEL_URL needs the name of the model to use, such as llama3.1',
    );
  });
});

describe('logging', () => {
  it('writes one JSON event per line with secrets redacted', () => {
    const lines: string[] = [];
    const out = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('info', out);
    logger.info({ event: 'discord_login', token: 'Bot abc.def', request: { headers: { authorization: 'Bearer sk-ant-123' } }, ANTHROPIC_API_KEY: 'sk-ant-xyz' }, 'hello');
    expect(lines).toHaveLength(1);
    const event = JSON.parse(lines[0]!);
    expect(event).toMatchObject({ event: 'discord_login', msg: 'hello', token: '[redacted]', ANTHROPIC_API_KEY: '[redacted]' });
    expect(lines[0]).not.toContain('abc.def');
    expect(lines[0]).not.toContain('sk-ant');
  });
});
