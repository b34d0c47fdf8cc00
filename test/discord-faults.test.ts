import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/automations/access.js';
import { ALICE, startBot, type BotHarness } from './support/bot-harness.js';
import { serve } from './support/http-fixture.js';
import { until } from './support/until.js';

let site: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  site = await serve({ '/down': (_, res) => res.writeHead(503).end('down'), '/gone': (_, res) => res.writeHead(404).end('gone') });
});
afterAll(() => site.close());

describe('Discord down while automations fire', () => {
  let h: BotHarness;
  afterAll(() => h.close());

  it('refused connections, then 500s, then a 429 storm: every notice arrives exactly once, in order, and the gateway comes back', async () => {
    // Run now fires the automations here, 22 in a minute: RUN_NOW_PER_MINUTE is not what this tests.
    h = await startBot({ env: { FAILURE_PAUSE_THRESHOLD: '2', RUN_NOW_PER_MINUTE: '100' } });
    const alice: Actor = { userId: ALICE, guildId: h.discord.guildId, manager: false };
    const service = h.steward.engine.service;
    const tasksPath = new RegExp(`/channels/${h.discord.tasksChannelId}/messages$`);
    const NOTICES = 20;

    // Phase 1: Discord unreachable and the gateway dropped while 15 alerts and a pause notice are queued.
    h.discord.refuseRest(true);
    h.discord.dropGateway();
    for (let i = 0; i < 15; i++) {
      const a = service.create(alice, { name: `down-${i}`, capability: 'http_check', schedule: 'manual', inputs: { url: site.url('/down') }, alert: 'ok == false' });
      await service.runNow(alice, a.id);
    }
    const broken = service.create(alice, { name: 'broken', capability: 'page_watch', schedule: '@hourly', inputs: { url: site.url('/gone') } });
    await service.runNow(alice, broken.id);
    await service.runNow(alice, broken.id); // paused: a pause notice

    // Phase 2: Discord answers again but with 500s (each attempt is 4 requests inside discord.js).
    h.discord.refuseRest(false);
    h.discord.failNext({ method: 'POST', path: tasksPath }, { status: 500 }, 8);
    for (let i = 15; i < NOTICES - 1; i++) {
      const a = service.create(alice, { name: `down-${i}`, capability: 'http_check', schedule: 'manual', inputs: { url: site.url('/down') }, alert: 'ok == false' });
      await service.runNow(alice, a.id);
    }
    // Phase 3: a 429 storm, some answers lost after Discord created the message.
    h.discord.failNext({ method: 'POST', path: tasksPath }, { status: 429, retryAfterSeconds: 0.05 }, 5);
    h.discord.failNext({ method: 'POST', path: tasksPath }, { status: 500, afterHandling: true }, 2);

    const queued = h.store.outbox.all();
    expect(queued).toHaveLength(NOTICES);
    const delivered = () => h.store.outbox.all().filter((n) => n.deliveredAt !== null).length;
    for (let round = 0; round < 40 && delivered() < NOTICES; round++) {
      await new Promise((r) => setTimeout(r, 60)); // discord.js's own rate-limit bucket resets in real time
      await h.clock.advance(10 * 60_000); // the outbox's longest backoff
    }
    await until(() => delivered() === NOTICES, 'every notice');

    const posted = h.discord.channelMessages(h.discord.tasksChannelId).filter((m) => !m.deleted);
    expect(posted).toHaveLength(NOTICES); // none lost, none twice
    // By priority (the pause notice first, though queued after 15 alerts), then in creation order.
    const order = [...queued].sort((a, b) => b.priority - a.priority || a.id - b.id);
    expect(order[0]!.type).toBe('pause');
    expect(posted.map((m) => m.nonce)).toEqual(order.map((n) => `steward-${n.id}`));
    expect(posted.filter((m) => m.embeds[0]?.title === 'Paused: broken')).toHaveLength(1);
    const attempts = h.store.outbox.all().reduce((sum, n) => sum + n.attempts, 0);
    const faults = h.discord.requests.filter((r) => r.path.endsWith(`/channels/${h.discord.tasksChannelId}/messages`) && r.status !== 200).length;
    console.log(`discord faults: ${NOTICES} notices, ${attempts} delivery attempts, ${faults} failed channel requests seen by the emulator, ${posted.length} delivered, 0 lost, 0 twice`);

    // The gateway came back by itself: commands are answered.
    const trace = await h.discord.slash(ALICE, 'budget');
    await trace.answered();
  }, 30_000);
});
