/**
 * The validator the Discord emulator runs on every request: each deliberately invalid body is
 * refused (400 with Discord's code) for the reason it was built to break, every valid one is
 * accepted, and every limit in limits.json has a check.
 */
import { describe, expect, it } from 'vitest';
import { checkRequest, discordError, describeProblems, LIMIT_ENTRIES, UNCOVERED_LIMITS } from './support/discord-spec-validator.js';
import { INVALID_CASES, VALID_CASES } from './support/discord-spec-cases.js';

describe('the Discord spec validator', () => {
  it.each(INVALID_CASES.map((c) => [c.name, c] as const))('refuses %s', (_name, c) => {
    const verdict = checkRequest(c.request);
    expect(verdict.status, describeProblems(verdict.problems)).toBe(400);
    expect(discordError(verdict).body.code).toBe(c.code ?? 50035);
    expect(verdict.problems.map((p) => p.rule), describeProblems(verdict.problems)).toContain(c.rule);
  });

  it.each(VALID_CASES.map((c) => [c.name, c] as const))('accepts %s', (_name, c) => {
    const verdict = checkRequest(c.request);
    expect(describeProblems(verdict.problems)).toBe('');
    expect(verdict.status).toBe(200);
  });

  it('has a check for every limit in limits.json, and a refused case for every one that is not a warning', () => {
    expect(UNCOVERED_LIMITS).toEqual([]);
    const refusing = LIMIT_ENTRIES.filter((e) => e.severity !== 'warning').map((e) => e.id);
    const exercised = new Set(INVALID_CASES.map((c) => c.rule));
    expect(refusing.filter((id) => !exercised.has(id))).toEqual([]);
    expect(INVALID_CASES.length).toBeGreaterThanOrEqual(70);
  });

  it('reports deprecated and ineffective fields as warnings, not refusals', () => {
    const verdict = checkRequest({
      method: 'PUT',
      path: '/applications/1300000000000000001/commands',
      body: [{ name: 'ping', description: 'Ping', dm_permission: false, options: [{ type: 1, name: 'now', description: 'Now', required: true }] }],
      authorization: 'Bot test',
    });
    expect(verdict.status).toBe(200);
    expect(verdict.warnings.map((w) => w.rule).sort()).toEqual(['command.deprecated', 'option.required_on_subcommand']);
  });

  it('answers as Discord does: the nested errors tree of 50035, 404 and 405 for routes Discord lacks, 401 without a bot token', () => {
    const refused = checkRequest({ method: 'POST', path: '/channels/1300000000000000020/messages', body: { content: 'x'.repeat(2001), embeds: [{ title: 'x'.repeat(257) }] }, authorization: 'Bot t' });
    expect(discordError(refused)).toEqual({
      status: 400,
      body: {
        code: 50035,
        message: 'Invalid Form Body',
        errors: {
          content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] },
          embeds: { 0: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] } } },
        },
      },
    });
    expect(checkRequest({ method: 'POST', path: '/channels/1/nowhere', body: {} }).status).toBe(404);
    expect(checkRequest({ method: 'PUT', path: '/channels/1300000000000000020/messages', body: {} }).status).toBe(405);
    expect(checkRequest({ method: 'POST', path: '/channels/1300000000000000020/messages', body: { content: 'hi' }, authorization: null }).status).toBe(401);
    expect(checkRequest({ method: 'POST', path: '/interactions/1/tok/callback', body: { type: 4, data: { content: 'hi' } }, authorization: null }).status).toBe(200);
  });

  it('routes @original to its own operation, not to {message_id}', () => {
    expect(checkRequest({ method: 'PATCH', path: '/webhooks/1/tok/messages/@original', body: { content: 'hi' } }).operationId).toBe('update_original_webhook_message');
    expect(checkRequest({ method: 'PATCH', path: '/webhooks/1/tok/messages/123', body: { content: 'hi' } }).operationId).toBe('update_webhook_message');
  });
});
