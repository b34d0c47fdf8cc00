import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { AttachmentBuilder, Client, DiscordAPIError, Events, GatewayIntentBits, MessageFlags, SlashCommandBuilder, type MessageCreateOptions, type TextChannel } from 'discord.js';
import { UPLOAD_LIMITS } from './support/discord-attachments.js';
import { DiscordEmulator } from './support/discord-emulator.js';

let discord: DiscordEmulator | undefined;
let client: Client | undefined;

afterEach(async () => {
  await client?.destroy();
  await discord?.stop();
  client = discord = undefined;
});

const ADA = '2000000000000000001';

async function connect(): Promise<{ discord: DiscordEmulator; channel: TextChannel; client: Client<true> }> {
  discord = new DiscordEmulator({ users: [{ id: ADA, username: 'ada' }] });
  await discord.start();
  const c = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl, retries: 0 } });
  client = c;
  const ready = once(c, Events.ClientReady);
  await c.login('test-token');
  await ready;
  if (!c.isReady()) throw new Error('client not ready');
  await c.application.commands.set([new SlashCommandBuilder().setName('chart').setDescription('Replies with a chart').toJSON()], discord.guildId);
  return { discord, channel: (await c.channels.fetch(discord.tasksChannelId)) as TextChannel, client: c };
}

const png = (name: string, bytes = 64) => new AttachmentBuilder(Buffer.alloc(bytes, 7), { name });

/** What a rejected send threw, as Discord's error. */
async function refused(work: Promise<unknown>): Promise<DiscordAPIError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof DiscordAPIError)) throw new Error(`expected Discord to refuse, got ${String(error)}`);
  return error;
}

describe('the Discord emulator takes files as Discord does (multipart: payload_json + files[n])', () => {
  it('records the attachments of a message (filename, content type, bytes) and points the embed at the uploaded file', async () => {
    const { discord, channel } = await connect();
    // A 1 × 1 PNG: discord.js names its content type from the bytes, as Discord does.
    const bytes = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await channel.send({ embeds: [{ title: 'Price', image: { url: 'attachment://price.png' } }], files: [new AttachmentBuilder(bytes, { name: 'price.png' })] });
    const [message] = discord.channelMessages(discord.tasksChannelId);
    expect(message!.attachments).toHaveLength(1);
    expect(message!.attachments[0]).toMatchObject({ filename: 'price.png', content_type: 'image/png', size: bytes.length });
    expect(message!.attachments[0]!.data.equals(bytes)).toBe(true);
    // Discord stores the embed's image as the attachment's own URL.
    expect(message!.embeds[0]!.image!.url).toBe(`https://cdn.discordapp.com/attachments/${discord.tasksChannelId}/${message!.attachments[0]!.id}/price.png`);
    const request = discord.requests.find((r) => r.method === 'POST' && r.path.endsWith('/messages'))!;
    expect(request.files.map((f) => f.field)).toEqual(['files[0]']);
    expect(request.body).toMatchObject({ attachments: [{ id: '0' }] });
  });

  it('refuses an embed whose attachment:// names no uploaded file', async () => {
    const { discord, channel } = await connect();
    const error = await refused(channel.send({ embeds: [{ title: 'Price', image: { url: 'attachment://chart.png' } }], files: [png('price.png')] }));
    expect(error.code).toBe(50035);
    expect(discord.takeRefusals()).toMatchObject([{ operationId: 'create_message', problems: [{ path: 'embeds.0.image.url', code: 'EMBED_ATTACHMENT_NOT_FOUND' }] }]);
    expect(discord.channelMessages(discord.tasksChannelId)).toEqual([]);
  });

  it('refuses more than 10 files, and an attachments entry naming a file that was not uploaded', async () => {
    const { discord, channel } = await connect();
    const eleven = Array.from({ length: 11 }, (_, i) => png(`f${i}.png`));
    expect((await refused(channel.send({ content: 'many', files: eleven }))).code).toBe(50035);
    const [tooMany] = discord.takeRefusals();
    expect(tooMany!.problems.map((p) => p.code)).toContain('BASE_TYPE_MAX_LENGTH');

    expect((await refused(channel.send({ content: 'x', files: [png('a.png')], attachments: [{ id: '3' }] } as MessageCreateOptions))).code).toBe(50035);
    expect(discord.takeRefusals()).toMatchObject([{ problems: expect.arrayContaining([expect.objectContaining({ code: 'ATTACHMENT_NOT_FOUND' })]) }]);
    expect(discord.channelMessages(discord.tasksChannelId)).toEqual([]);
  });

  it('refuses a file over the upload limit with 413 / 40005', async () => {
    const { discord, channel } = await connect();
    const error = await refused(channel.send({ content: 'big', files: [png('big.png', UPLOAD_LIMITS.maxFileBytes + 1)] }));
    expect(error.status).toBe(413);
    expect(error.code).toBe(40005);
    expect(discord.takeRefusals()).toMatchObject([{ status: 413, code: 40005 }]);
  });

  it('refuses files in a part not named files[n] (checked on the raw form, as discord.js always names them so)', async () => {
    const { discord } = await connect();
    const form = new FormData();
    form.append('payload_json', JSON.stringify({ content: 'x' }));
    form.append('file', new Blob([Buffer.alloc(4)], { type: 'image/png' }), 'a.png');
    const answer = await fetch(`${discord.apiUrl}/v10/channels/${discord.tasksChannelId}/messages`, { method: 'POST', headers: { authorization: 'Bot test-token' }, body: form });
    expect(answer.status).toBe(400);
    expect(discord.takeRefusals()).toMatchObject([{ problems: [{ path: 'file', code: 'UNKNOWN_FILE_FIELD' }] }]);
  });

  it('in an edit, keeps the attachments unless `attachments` drops them, and then refuses an embed still pointing at one', async () => {
    const { discord, channel } = await connect();
    const sent = await channel.send({ embeds: [{ title: 'Price', image: { url: 'attachment://price.png' } }], files: [png('price.png')] });
    // No attachments list: the file stays, and the embed may still name it.
    await channel.messages.edit(sent.id, { embeds: [{ title: 'Price (resolved)', image: { url: 'attachment://price.png' } }] });
    const [message] = discord.channelMessages(discord.tasksChannelId);
    expect(message!.attachments.map((a) => a.filename)).toEqual(['price.png']);
    expect(message!.embeds[0]!.title).toBe('Price (resolved)');
    // Replacing the file: the new one is there, the old one gone.
    await channel.messages.edit(sent.id, { embeds: [{ title: 'Price', image: { url: 'attachment://price.png' } }], files: [png('price.png', 99)], attachments: [] });
    expect(message!.attachments.map((a) => a.size)).toEqual([99]);
    // Dropping every attachment while the embed still names one is refused.
    expect((await refused(channel.messages.edit(sent.id, { embeds: [{ title: 'P', image: { url: 'attachment://price.png' } }], attachments: [] }))).code).toBe(50035);
    expect(discord.takeRefusals()).toMatchObject([{ operationId: 'update_message', problems: [{ path: 'embeds.0.image.url' }] }]);
    // An attachment of another message is not this one's.
    expect((await refused(channel.messages.edit(sent.id, { attachments: [{ id: '1234567890123456789' } as never] }))).code).toBe(50035);
    expect(discord.takeRefusals()).toMatchObject([{ problems: [{ code: 'ATTACHMENT_NOT_FOUND' }] }]);
  });

  it('takes files on an interaction reply and on the edit of a deferred one, and refuses a reply whose embed names no file (data.embeds…)', async () => {
    const { discord, client } = await connect();
    let mode: 'reply' | 'deferred' | 'wrong' = 'reply';
    const failures: unknown[] = [];
    client.on(Events.InteractionCreate, (i) => {
      if (!i.isChatInputCommand()) return;
      const embed = { title: 'Chart', image: { url: `attachment://${mode === 'wrong' ? 'other.png' : 'chart.png'}` } };
      const work =
        mode === 'deferred'
          ? i.deferReply({ flags: MessageFlags.Ephemeral }).then(() => i.editReply({ embeds: [embed], files: [png('chart.png')] }))
          : i.reply({ embeds: [embed], files: [png('chart.png')], flags: MessageFlags.Ephemeral });
      void work.catch((e: unknown) => failures.push(e));
    });
    const replied = await discord.slash(ADA, 'chart');
    await replied.answered();
    expect(replied.replyMessage()!.attachments.map((a) => a.filename)).toEqual(['chart.png']);
    expect(replied.replyMessage()!.embeds[0]!.image!.url).toMatch(/\/attachments\/\d+\/\d+\/chart\.png$/);

    mode = 'deferred';
    const deferred = await discord.slash(ADA, 'chart');
    await deferred.waitFor((e) => e.kind === 'edit');
    expect(deferred.replyMessage()!.attachments.map((a) => a.filename)).toEqual(['chart.png']);

    mode = 'wrong';
    const wrong = await discord.slash(ADA, 'chart');
    await wrong.answered().catch(() => undefined);
    expect(wrong.rejections).toMatchObject([{ kind: 'callback', status: 400, error: { code: 50035 } }]);
    expect(discord.takeRefusals()).toMatchObject([{ operationId: 'create_interaction_response', problems: [{ path: 'data.embeds.0.image.url', code: 'EMBED_ATTACHMENT_NOT_FOUND' }] }]);
    expect(failures).toHaveLength(1);
  });
});
