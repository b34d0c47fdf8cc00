import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, startBot, type BotHarness } from './support/bot-harness.js';

let h: BotHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('smoke', () => {
  it('starts, registers its commands in the guild and answers /capabilities', async () => {
    h = await startBot();
    expect(h.discord.commands(h.discord.guildId).map((c) => (c as { name: string }).name).sort()).toEqual(['automation', 'budget', 'capabilities', 'capability', 'settings']);
    const trace = await h.discord.slash(ALICE, 'capabilities');
    await trace.answered();
    expect(trace.reply()!.flags).toBe(64);
    expect(JSON.stringify(trace.reply()!.embeds)).toContain('http_check');
  });
});

describe('where commands work', () => {
  it('registers globally without GUILD_ID, and refuses commands in DMs with a pointer to the server', async () => {
    h = await startBot({ env: { GUILD_ID: '' } });
    expect(h.discord.commands('global')).toHaveLength(5);
    const trace = await h.discord.slash(ALICE, 'budget', { inDm: true });
    await trace.answered();
    expect(trace.reply()).toMatchObject({ flags: 64, content: 'Steward works in its server, not in direct messages: use the commands there.' });
  });
});
