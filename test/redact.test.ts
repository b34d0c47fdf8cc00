import { describe, expect, it } from 'vitest';
import { isSecretName, redactSecrets, redactUrl, secretValues } from '../src/redact.js';

describe('redactUrl', () => {
  it.each([
    ['https://user:PASSWORD@api.example.com/v1', 'https://[redacted]@api.example.com/v1'],
    ['https://api.example.com/v1?key=abc&x=1', 'https://api.example.com/v1?[redacted]'],
    ['http://bob@host:8080/p?token=t#access_token=s', 'http://[redacted]@host:8080/p?[redacted]#[redacted]'],
    // what config errors show: values that do not even parse as URLs
    ['https://user:PASSWORD@host:99999', 'https://[redacted]@host:99999'],
    ['user:PASSWORD@host/v1', '[redacted]@host/v1'],
    ['https://a:b@c@host', 'https://[redacted]@host'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('leaves a URL without user info, query or fragment exactly as written', () => {
    for (const url of ['https://example.com', 'http://127.0.0.1:11434/v1', 'https://example.com/users/@alice/feed']) expect(redactUrl(url)).toBe(url);
  });
});

describe('redactSecrets', () => {
  it('redacts every URL in a sentence and keeps the punctuation around it', () => {
    expect(redactSecrets('GET https://shop.test/item?session=s3cr3t failed (see https://u:p@status.test/x).')).toBe(
      'GET https://shop.test/item?[redacted] failed (see https://[redacted]@status.test/x).',
    );
    expect(redactSecrets('ANTHROPIC_BASE_URL="https://user:PASSWORD@host:99999" is not valid')).toBe(
      'ANTHROPIC_BASE_URL="https://[redacted]@host:99999" is not valid',
    );
  });

  it('removes known secret values wherever they appear, ignoring empty and very short ones', () => {
    expect(redactSecrets('login with MTQw.token-value refused; key sk-ant-123456 rejected', ['MTQw.token-value', 'sk-ant-123456', '', undefined, 'ok'])).toBe(
      'login with [redacted] refused; key [redacted] rejected',
    );
  });

  it('changes nothing when run twice', () => {
    const once = redactSecrets('see https://u:p@host/x?k=v#f and [https://host/a?b]');
    expect(once).toBe('see https://[redacted]@host/x?[redacted]#[redacted] and [https://host/a?[redacted]]');
    expect(redactSecrets(once)).toBe(once);
  });

  it('leaves text without secrets alone', () => {
    const text = 'the tasks channel 123 cannot be found: check TASKS_CHANNEL_ID and the bot\'s access';
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('secret variables', () => {
  it('are told by their names', () => {
    for (const name of ['DISCORD_TOKEN', 'ANTHROPIC_API_KEY', 'LOCAL_MODEL_API_KEY', 'WEBHOOK_SECRET', 'DB_PASSWORD']) expect(isSecretName(name), name).toBe(true);
    for (const name of ['ANTHROPIC_BASE_URL', 'MODEL_MAX_TOKENS_X', 'TASKS_CHANNEL_ID', 'LOG_LEVEL']) expect(isSecretName(name), name).toBe(false);
  });

  it('give up their values for redaction', () => {
    expect(secretValues({ DISCORD_TOKEN: ' tok-123456 ', ANTHROPIC_API_KEY: '', LOG_LEVEL: 'info' })).toEqual(['tok-123456']);
  });
});
