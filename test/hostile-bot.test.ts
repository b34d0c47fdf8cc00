/**
 * A hostile page through the real bot: while one person's page_watch parses a page that takes
 * seconds (in a content worker), another person's command is answered, and the run ends `failed`
 * with `timeout` when its time limit passes, said in the first person's reply.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, startBot, type BotHarness } from './support/bot-harness.js';
import { serve } from './support/http-fixture.js';
import { SLOW_PAGE } from './support/skills.js';


describe('a hostile page does not stall the bot', () => {
  let h: BotHarness;
  let site: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    site = await serve({ '/slow': (_: unknown, res: ServerResponse) => void res.writeHead(200, { 'content-type': 'text/html' }).end(SLOW_PAGE) });
    h = await startBot({ env: { RUN_TIMEOUT_SECONDS: '2' } });
  });
  afterAll(async () => {
    await h?.close();
    await site?.close();
  });

  it("another person's /automation list is answered while it parses; the run ends failed: timeout", { timeout: 60_000 }, async () => {
    const hostile = h.steward.engine.service.create(
      { userId: ALICE, guildId: h.discord.guildId, manager: false },
      { name: 'hostile', capability: 'page_watch', schedule: 'manual', inputs: { url: site.url('/slow'), selector: 'div' } },
    );
    h.steward.engine.service.create({ userId: BOB, guildId: h.discord.guildId, manager: false }, { name: 'bobs', capability: 'http_check', schedule: 'manual', inputs: { url: site.url('/slow') } });
    const run = await h.discord.slash(ALICE, 'automation', { subcommand: 'run', options: { name: 'hostile' } });
    await run.answered();
    const started = Date.now();
    while (h.store.runs.recent(hostile.id, 1)[0]?.status !== 'running') {
      if (Date.now() - started > 10_000) throw new Error('the hostile run never started');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 300)); // the page is fetched and its parse under way

    const list = await h.discord.slash(BOB, 'automation', { subcommand: 'list' });
    await list.answered(); // within Discord's 3 s, or the emulator refuses it
    expect(list.rejections).toEqual([]);
    expect(JSON.stringify(list.reply()?.embeds)).toContain('**bobs**');
    expect(h.store.runs.recent(hostile.id, 1)[0]!.status, 'the hostile run is still going').toBe('running');

    await h.clock.advance(2_000);
    await run.waitFor((e) => e.kind === 'edit', 10_000);
    expect(JSON.stringify(run.reply()?.embeds)).toContain('hostile: failed');
    expect(h.store.runs.recent(hostile.id, 1)[0]).toMatchObject({ status: 'failed', error: 'timeout' });
  });
});
