import { afterAll, afterEach, beforeAll } from 'vitest';
import { FakeAnthropic, type FakeReply } from './fake-anthropic.js';
import { serve } from './http-fixture.js';

/** A changelog page for summarize_page: its description and headings are what the extractive skill reads. */
export const CHANGELOG_PAGE = `<html><head><title>Release 4.2</title><meta name="description" content="Release 4.2 adds offline sync and fixes the login bug."></head>
  <body><h1>Offline sync</h1><p>Release 4.2 adds offline sync.</p><h2>Login fix</h2><p>The login bug is fixed.</p></body></html>`;

/** What Claude answers for the changelog (1,000 input and 100 output tokens: $0.0015 on claude-haiku-4-5). */
export const CHANGELOG_SUMMARY = { summary: 'Release 4.2 adds offline sync and fixes the login bug.', key_points: ['Offline sync', 'Login fix'] };

/** A fake Messages API answer with `output` as its JSON text, costing 1,000 input and 100 output tokens. */
export const modelSays = (output: unknown): FakeReply => ({ text: JSON.stringify(output), inputTokens: 1000, outputTokens: 100 });

/**
 * For one test file: the fake Messages API and a site serving `/changelog` on 127.0.0.1, started
 * before its tests and stopped after; the API's script, requests and default answer are reset
 * after each test. Read `url` and `site` inside tests (they are set in beforeAll).
 */
export function claudeAndChangelog(): { anthropic: FakeAnthropic; readonly url: string; readonly site: Awaited<ReturnType<typeof serve>> } {
  const anthropic = new FakeAnthropic();
  let url = '';
  let site: Awaited<ReturnType<typeof serve>> | undefined;
  beforeAll(async () => {
    url = await anthropic.start();
    site = await serve({ '/changelog': (_, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(CHANGELOG_PAGE) });
  });
  afterAll(async () => {
    await anthropic.stop();
    await site?.close();
  });
  afterEach(() => {
    anthropic.script = [];
    anthropic.requests.length = 0;
    anthropic.defaultReply = { text: '{}', inputTokens: 1000, outputTokens: 100 };
  });
  return {
    anthropic,
    get url() {
      return url;
    },
    get site() {
      return site!;
    },
  };
}
