import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  HTTPError,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  RateLimitError,
  SlashCommandBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ClientOptions,
  type Interaction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type TextChannel,
} from 'discord.js';
import { DiscordEmulator, type EmulatorOptions } from './support/discord-emulator.js';

const ADA = '2000000000000000001';
const BOB = '2000000000000000002';
const MANAGER_ROLE = '2000000000000000100';

const COMMANDS: RESTPostAPIChatInputApplicationCommandsJSONBody[] = [
  new SlashCommandBuilder().setName('ping').setDescription('Ping').toJSON(),
  new SlashCommandBuilder().setName('feedback').setDescription('Opens a modal').toJSON(),
  new SlashCommandBuilder()
    .setName('automation')
    .setDescription('Automations')
    .addSubcommand((s) => s.setName('list').setDescription('List them'))
    .addSubcommand((s) =>
      s
        .setName('create')
        .setDescription('Create one')
        .addStringOption((o) => o.setName('name').setDescription('Name').setRequired(true))
        .addStringOption((o) => o.setName('capability').setDescription('What it does').setAutocomplete(true))
        .addNumberOption((o) => o.setName('max_cost').setDescription('USD per run'))
        .addIntegerOption((o) => o.setName('retries').setDescription('Retries'))
        .addBooleanOption((o) => o.setName('enabled').setDescription('Enabled')),
    )
    .toJSON(),
];

let discord: DiscordEmulator | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.destroy();
  await discord?.stop();
  discord = undefined;
});

/** Starts an emulator and a logged-in client (ready), with the commands registered for the guild. */
async function connect(options: EmulatorOptions = {}, clientOptions: Partial<ClientOptions> = {}): Promise<{ discord: DiscordEmulator; client: Client<true> }> {
  const emulator = new DiscordEmulator({
    roles: [{ id: MANAGER_ROLE, name: 'Managers' }],
    users: [
      { id: ADA, username: 'ada', roles: [MANAGER_ROLE] },
      { id: BOB, username: 'bob' },
    ],
    ...options,
  });
  discord = emulator;
  await emulator.start();
  const client = new Client({ intents: [GatewayIntentBits.Guilds], ...clientOptions, rest: { api: emulator.apiUrl, ...clientOptions.rest } });
  clients.push(client);
  const ready = once(client, Events.ClientReady);
  await client.login('test-token');
  await ready;
  if (!client.isReady()) throw new Error('client not ready');
  await client.application.commands.set(COMMANDS, emulator.guildId);
  return { discord: emulator, client };
}

function onInteraction(client: Client, handler: (interaction: Interaction) => Promise<unknown>): void {
  client.on(Events.InteractionCreate, (interaction) => void handler(interaction).catch((error: unknown) => console.error('handler failed', error)));
}

async function tasksChannel(client: Client, emulator: DiscordEmulator): Promise<TextChannel> {
  const channel = await client.channels.fetch(emulator.tasksChannelId);
  if (!channel?.isTextBased() || channel.isDMBased() || channel.isThread() || channel.isVoiceBased()) throw new Error('tasks channel is not a text channel');
  return channel as TextChannel;
}

async function until(condition: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('DiscordEmulator with the real discord.js client', () => {
  it('gets a client from login to ClientReady quickly, with the guild, channels and application', async () => {
    const emulator = new DiscordEmulator();
    discord = emulator;
    await emulator.start();
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emulator.apiUrl } });
    clients.push(client);
    const started = performance.now();
    const ready = once(client, Events.ClientReady);
    await client.login('test-token');
    await ready;
    expect(performance.now() - started).toBeLessThan(2000);

    expect(client.application?.id).toBe(emulator.applicationId);
    expect(client.user?.id).toBe(emulator.botUserId);
    const guild = client.guilds.cache.get(emulator.guildId);
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.get(emulator.tasksChannelId)?.name).toBe('tasks');
    expect(emulator.requests[0]).toMatchObject({ method: 'GET', path: '/gateway/bot', authorization: 'Bot test-token', status: 200 });
    expect(emulator.gatewayOpsReceived()).toEqual([2]);
  });

  it('acknowledges heartbeats (op 1 → op 11)', async () => {
    const { discord, client } = await connect({ heartbeatIntervalMs: 40 });
    await until(() => discord.gatewayLog.some((f) => f.direction === 'sent' && f.op === 11));
    await until(() => client.ws.ping >= 0);
    expect(discord.gatewayOpsReceived()).toContain(1);
  });

  it('lands commands.set(defs, guildId) in commands(guildId), keeping ids across PUTs and refusing bad definitions', async () => {
    const { discord, client } = await connect();
    const registered = discord.commands(discord.guildId);
    expect(registered.map((c) => c.name)).toEqual(['ping', 'feedback', 'automation']);
    expect(discord.commandPuts(discord.guildId)).toBe(1);
    expect(discord.commands('global')).toEqual([]);
    const put = discord.requests.find((r) => r.method === 'PUT');
    expect(put?.path).toBe(`/applications/${discord.applicationId}/guilds/${discord.guildId}/commands`);

    const again = await client.application.commands.set(COMMANDS, discord.guildId);
    expect(discord.commandPuts(discord.guildId)).toBe(2);
    expect([...again.keys()].sort()).toEqual(registered.map((c) => c.id).sort());

    const bad = client.application.commands.set([{ name: 'Bad Name', description: 'x' }], discord.guildId);
    await expect(bad).rejects.toMatchObject({ name: 'DiscordAPIError[50035]', status: 400 });
    expect(discord.commandPuts(discord.guildId)).toBe(2);
    expect(discord.takeRefusals()).toMatchObject([{ operationId: 'bulk_set_guild_application_commands', status: 400, code: 50035, problems: [{ path: '0.name', rule: 'command.name' }, { path: '0.name', rule: 'command.name' }] }]);
  });

  it('delivers a slash command with typed options and records an ephemeral reply', async () => {
    const { discord, client } = await connect();
    onInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return;
      const o = i.options;
      const manager = i.inCachedGuild() && i.member.roles.cache.has(MANAGER_ROLE);
      const text = `${o.getSubcommand()} ${o.getString('name', true)} ${o.getNumber('max_cost')} ${o.getInteger('retries')} ${o.getBoolean('enabled')} ${manager} ${i.channelId}`;
      await i.reply({ content: text, flags: MessageFlags.Ephemeral });
    });

    const trace = await discord.slash(ADA, 'automation', { subcommand: 'create', options: { name: 'watch', max_cost: 0.5, retries: 3, enabled: true } });
    const answer = await trace.answered();
    expect(answer).toMatchObject({ kind: 'callback', type: 4, original: true });
    expect(trace.reply()).toMatchObject({ content: `create watch 0.5 3 true true ${discord.generalChannelId}`, flags: 64 });
    const callback = discord.requests.find((r) => r.path.endsWith('/callback'));
    expect(callback).toMatchObject({ method: 'POST', authorization: null, status: 204, query: { with_response: 'false' } });
    expect(trace.payload).toMatchObject({ type: 2, data: { type: 1, options: [{ type: 1, name: 'create', options: [{ type: 3 }, { type: 10 }, { type: 4 }, { type: 5 }] }] } });

    // What the Discord client would not let a user send is refused up front.
    await expect(discord.slash(ADA, 'automation', { subcommand: 'create', options: {} })).rejects.toThrow(/required option\(s\) missing: name/);
    await expect(discord.slash(ADA, 'automation', { subcommand: 'create', options: { name: 'x', retries: 1.5 } })).rejects.toThrow(/integer/);
    await expect(discord.slash(ADA, 'nope')).rejects.toThrow(/\/nope is not registered/);
  });

  it('runs global commands in a DM and in a guild the bot does not know (guild commands exist only in their guild)', async () => {
    const { discord, client } = await connect();
    await expect(discord.slash(BOB, 'ping', { inDm: true })).rejects.toThrow(/\/ping is not registered \(globally\)/);
    await client.application.commands.set(COMMANDS);
    expect(discord.commandPuts('global')).toBe(1);
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand()) await i.reply({ content: `guild=${i.guildId} dm=${!i.inGuild()} user=${i.user.id}`, flags: MessageFlags.Ephemeral });
    });
    const dm = await discord.slash(BOB, 'ping', { inDm: true });
    await dm.answered();
    expect(dm.reply()?.content).toBe(`guild=null dm=true user=${BOB}`);
    expect(dm.payload).toMatchObject({ user: { id: BOB }, context: 1, channel: { type: 1 } });

    const elsewhere = await discord.slash(ADA, 'ping', { guildId: '3000000000000000001' });
    await elsewhere.answered();
    expect(elsewhere.reply()?.content).toBe(`guild=3000000000000000001 dm=false user=${ADA}`);
  });

  it('handles deferReply + editReply, and a follow-up', async () => {
    const { discord, client } = await connect();
    onInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await new Promise((resolve) => setTimeout(resolve, 30));
      const edited = await i.editReply({ content: 'done', embeds: [new EmbedBuilder().setTitle('Run 7').setDescription('ok')] });
      if (edited.content !== 'done') throw new Error('editReply did not return the message');
      await i.followUp({ content: 'one more thing', flags: MessageFlags.Ephemeral });
    });

    const trace = await discord.slash(BOB, 'ping');
    expect(await trace.answered()).toMatchObject({ type: 5 });
    expect((trace.reply()?.flags ?? 0) & MessageFlags.Loading).toBe(MessageFlags.Loading);
    await trace.waitFor((e) => e.kind === 'followup');
    expect(trace.events.map((e) => e.kind)).toEqual(['callback', 'edit', 'followup']);
    expect(trace.reply()).toMatchObject({ content: 'done', flags: 64, embeds: [{ title: 'Run 7', description: 'ok' }] });
    expect(trace.followups().map((m) => m.content)).toEqual(['one more thing']);
    expect(discord.requests.some((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original') && r.status === 200)).toBe(true);
  });

  it('answers a button click on a reply with interaction.update', async () => {
    const { discord, client } = await connect();
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand()) {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('count:1').setLabel('+1').setStyle(ButtonStyle.Primary));
        await i.reply({ content: 'count 1', components: [row], flags: MessageFlags.Ephemeral });
      } else if (i.isButton()) {
        await i.update({ content: `clicked ${i.customId} on ${i.message.id}`, components: [] });
      }
    });

    const trace = await discord.slash(ADA, 'ping');
    await trace.answered();
    const messageId = trace.replyMessage()?.id;
    const click = await discord.click(ADA, trace, 'count:1');
    expect(await click.answered()).toMatchObject({ type: 7 });
    expect(trace.reply()).toMatchObject({ content: `clicked count:1 on ${messageId}`, components: [], flags: 64 });
    expect(click.payload).toMatchObject({ type: 3, data: { custom_id: 'count:1', component_type: 2 }, message: { id: messageId, flags: 64 } });
    await expect(discord.click(ADA, trace, 'count:1')).rejects.toThrow(/no component with that custom_id/);
  });

  it('shows a modal and delivers its submission', async () => {
    const { discord, client } = await connect();
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand()) {
        const input = new TextInputBuilder().setCustomId('inputs').setStyle(TextInputStyle.Paragraph);
        await i.showModal(new ModalBuilder().setCustomId('edit-inputs').setTitle('Inputs').addLabelComponents(new LabelBuilder().setLabel('JSON').setTextInputComponent(input)));
      } else if (i.isModalSubmit()) {
        await i.reply({ content: `got ${i.fields.getTextInputValue('inputs')} from ${i.customId}`, flags: MessageFlags.Ephemeral });
      }
    });

    const trace = await discord.slash(ADA, 'feedback');
    expect(await trace.answered()).toMatchObject({ type: 9 });
    expect(trace.modal()).toMatchObject({ custom_id: 'edit-inputs', title: 'Inputs' });
    expect(trace.reply()).toBeNull();
    await expect(discord.submitModal(ADA, trace, {})).rejects.toThrow(/"inputs" is required/);
    const submitted = await discord.submitModal(ADA, trace, { inputs: '{"url":"https://example.org"}' });
    await submitted.answered();
    expect(submitted.reply()?.content).toBe('got {"url":"https://example.org"} from edit-inputs');
  });

  it('refuses a body Discord would refuse (a modal title cut inside an emoji) with 400 / 50035, on the trace and in refusals', async () => {
    const { discord, client } = await connect();
    const failures: unknown[] = [];
    onInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return;
      const input = new TextInputBuilder().setCustomId('inputs').setStyle(TextInputStyle.Paragraph);
      const title = `Inputs for x${'😀'.repeat(20)}`.slice(0, 45); // 45 UTF-16 units: the last emoji cut in half
      await i.showModal(new ModalBuilder().setCustomId('cut').setTitle(title).addLabelComponents(new LabelBuilder().setLabel('JSON').setTextInputComponent(input))).catch((e: unknown) => failures.push(e));
    });
    const trace = await discord.slash(ADA, 'feedback');
    await until(() => trace.rejections.length === 1);
    expect(trace.rejections[0]).toMatchObject({ kind: 'callback', type: 9, status: 400, error: { code: 50035, message: 'Invalid Form Body', errors: { data: { title: { _errors: [{ code: 'STRING_TYPE_INVALID_UNICODE' }] } } } } });
    expect(trace.modal()).toBeNull();
    await until(() => failures.length === 1);
    expect(failures[0]).toMatchObject({ code: 50035, status: 400 });
    const [refusal, ...more] = discord.takeRefusals();
    expect(more).toEqual([]);
    expect(refusal).toMatchObject({ operationId: 'create_interaction_response', interaction: '/feedback', problems: [{ path: 'data.title', rule: 'strings.well_formed' }] });
    expect(discord.takeRefusals()).toEqual([]);
  });

  it('returns autocomplete choices from respond()', async () => {
    const { discord, client } = await connect();
    onInteraction(client, async (i) => {
      if (!i.isAutocomplete()) return;
      const typed = String(i.options.getFocused());
      const all = ['http_check', 'page_watch', 'feed_watch'];
      await i.respond(all.filter((c) => c.includes(typed)).map((c) => ({ name: c, value: c })));
    });

    const choices = await discord.autocomplete(ADA, 'automation', { subcommand: 'create', options: { name: 'x', capability: 'watch' }, focused: 'capability' });
    expect(choices).toEqual([
      { name: 'page_watch', value: 'page_watch' },
      { name: 'feed_watch', value: 'feed_watch' },
    ]);
  });

  it('stores channel.send with an embed and a button, and a click on it can update it', async () => {
    const { discord, client } = await connect();
    onInteraction(client, async (i) => {
      if (i.isButton()) await i.update({ content: 'resumed', components: [] });
    });
    const channel = await tasksChannel(client, discord);
    const sent = await channel.send({
      embeds: [new EmbedBuilder().setTitle('Alert: prices').addFields({ name: 'price', value: '12' })],
      components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('a:resume:4').setLabel('Resume').setStyle(ButtonStyle.Success))],
    });
    const [stored] = discord.channelMessages(discord.tasksChannelId);
    expect(stored).toMatchObject({ id: sent.id, embeds: [{ title: 'Alert: prices', fields: [{ name: 'price', value: '12' }] }], components: [{ type: 1, components: [{ type: 2, custom_id: 'a:resume:4' }] }] });
    expect(discord.requests.at(-1)).toMatchObject({ method: 'POST', path: `/channels/${discord.tasksChannelId}/messages`, authorization: 'Bot test-token' });

    if (!stored) throw new Error('no message');
    const click = await discord.click(BOB, stored, 'a:resume:4');
    await click.answered();
    expect(discord.channelMessages(discord.tasksChannelId)[0]).toMatchObject({ content: 'resumed', components: [] });

    await expect(channel.send({ content: 'x'.repeat(2001) })).rejects.toMatchObject({ code: 50035, message: expect.stringContaining('content[BASE_TYPE_MAX_LENGTH]') });
    expect(discord.takeRefusals()).toMatchObject([{ operationId: 'create_message', code: 50035, problems: [{ path: 'content', rule: 'message.content' }] }]);
  });

  it('lets permissionsFor see whether the bot can post in the tasks channel', async () => {
    const { discord, client } = await connect();
    const channel = await tasksChannel(client, discord);
    expect(channel.permissionsFor(client.user)?.has([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks])).toBe(true);
    await client.destroy();
    await discord.stop();

    const denied = await connect({ botCanPostInTasks: false });
    const closed = await tasksChannel(denied.client, denied.discord);
    expect(closed.permissionsFor(denied.client.user)?.has(PermissionFlagsBits.ViewChannel)).toBe(true);
    expect(closed.permissionsFor(denied.client.user)?.has(PermissionFlagsBits.SendMessages)).toBe(false);
    await expect(closed.send('hello')).rejects.toMatchObject({ code: 50013, status: 403 });
    expect(denied.discord.channelMessages(denied.discord.tasksChannelId)).toEqual([]);
  });

  it('delivers a DM through user.send, and refuses one to a user with closed DMs', async () => {
    const { discord, client } = await connect({ users: [{ id: ADA, username: 'ada' }, { id: BOB, username: 'bob', dmsClosed: true }] });
    const ada = await client.users.fetch(ADA);
    await ada.send('your automation paused');
    expect(discord.dms(ADA).map((m) => m.content)).toEqual(['your automation paused']);
    expect(discord.requests.some((r) => r.method === 'POST' && r.path === '/users/@me/channels')).toBe(true);

    const bob = await client.users.fetch(BOB);
    await expect(bob.send('hi')).rejects.toMatchObject({ code: 50007, status: 403 });
  });

  it('injects 5xx: discord.js retries them itself (3 retries, no delay), then throws HTTPError', async () => {
    const { discord, client } = await connect();
    const channel = await tasksChannel(client, discord);
    const messages = /^\/channels\/\d+\/messages$/;
    const statuses = (): number[] => discord.requests.filter((r) => messages.test(r.path)).map((r) => r.status);

    discord.failNext({ method: 'POST', path: messages }, { status: 500 });
    await channel.send('first');
    expect(statuses()).toEqual([500, 200]);

    discord.failNext({ method: 'POST', path: messages }, { status: 502 }, 4);
    const error = await channel.send('second').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 502 });
    expect(statuses()).toEqual([500, 200, 502, 502, 502, 502]);
    expect(discord.channelMessages(discord.tasksChannelId).map((m) => m.content)).toEqual(['first']);

    // An answer lost after the message was created: the automatic retry re-sends the same body,
    // and enforce_nonce keeps it to one message.
    discord.failNext({ method: 'POST', path: messages }, { status: 500, afterHandling: true });
    const third = await channel.send({ content: 'third', nonce: 'n-3', enforceNonce: true });
    expect(discord.channelMessages(discord.tasksChannelId).map((m) => m.content)).toEqual(['first', 'third']);
    expect(third.id).toBe(discord.channelMessages(discord.tasksChannelId)[1]?.id);
  });

  it('answers 429 with retry_after, which discord.js waits out before retrying (or rejects with rejectOnRateLimit)', async () => {
    const { discord, client } = await connect();
    const channel = await tasksChannel(client, discord);
    const messages = /^\/channels\/\d+\/messages$/;
    discord.failNext({ method: 'POST', path: messages }, { status: 429, retryAfterSeconds: 0.2 });
    const started = performance.now();
    await channel.send('after the limit');
    const elapsed = performance.now() - started;
    const [limited, retried] = discord.requests.filter((r) => messages.test(r.path));
    expect(limited?.status).toBe(429);
    expect(retried?.status).toBe(200);
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(200);
    expect(elapsed).toBeLessThan(1000);

    // With rejectOnRateLimit (what Steward's sink uses), the 429 surfaces at once with retryAfter in ms (+50 ms offset).
    const strict = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl, rejectOnRateLimit: () => true } });
    clients.push(strict);
    strict.rest.setToken('test-token');
    discord.failNext({ method: 'POST', path: messages }, { status: 429, retryAfterSeconds: 0.3, global: true });
    const error = await strict.rest.post(`/channels/${discord.tasksChannelId}/messages`, { body: { content: 'x' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfter: 350, global: true });
  });

  it('dedupes on nonce with enforce_nonce, and only then', async () => {
    const { discord, client } = await connect();
    const channel = await tasksChannel(client, discord);
    const a = await channel.send({ content: 'alert 9', nonce: 'steward-9', enforceNonce: true });
    const b = await channel.send({ content: 'alert 9', nonce: 'steward-9', enforceNonce: true });
    expect(b.id).toBe(a.id);
    expect(discord.channelMessages(discord.tasksChannelId)).toHaveLength(1);
    await channel.send({ content: 'alert 9', nonce: 'steward-9', enforceNonce: false });
    expect(discord.channelMessages(discord.tasksChannelId)).toHaveLength(2);
  });

  it('survives dropGateway: the client resumes (events missed meanwhile are replayed) or re-identifies', async () => {
    // @discordjs/ws spaces IDENTIFYs 5 s (+ up to 1.5 s jitter) apart; a no-op throttler keeps the re-identify fast.
    const { discord, client } = await connect({}, { ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => undefined }) } });
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand()) await i.reply({ content: 'still here' });
    });
    const resumed = once(client, Events.ShardResume);
    discord.dropGateway();
    const missed = await discord.slash(ADA, 'ping'); // dispatched while disconnected: replayed on RESUME
    await resumed;
    expect(discord.gatewayConnections()).toBe(2);
    expect(discord.gatewayOpsReceived().filter((op) => op === 6)).toHaveLength(1);
    await missed.answered();
    expect(missed.reply()?.content).toBe('still here');

    discord.dropGateway({ resumable: false });
    await until(() => discord.gatewayOpsReceived().filter((op) => op === 2).length === 2);
    await until(() => discord.gatewayLog.filter((f) => f.t === 'GUILD_CREATE').length === 2);
    expect(discord.gatewayConnections()).toBe(4); // failed resume, then a fresh identify
    const after = await discord.slash(BOB, 'ping');
    await after.answered();
    expect(after.reply()?.content).toBe('still here');
  });

  it('fails answered() with a message naming the interaction when the bot stays silent', async () => {
    const { discord } = await connect();
    const trace = await discord.slash(ADA, 'automation', { subcommand: 'list' });
    await expect(trace.answered(200)).rejects.toThrow(new RegExp(`Interaction ${trace.id} \\(/automation list by user ${ADA}\\) was not answered within 200 ms.*sent nothing`));
  });

  it('refuses REST connections while refuseRest is on', async () => {
    const { discord, client } = await connect();
    const channel = await tasksChannel(client, discord);
    discord.refuseRest(true);
    const error = await channel.send('lost').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(DiscordAPIError);
    expect(discord.requests.at(-1)).toMatchObject({ path: `/channels/${discord.tasksChannelId}/messages`, status: 0 });
    discord.refuseRest(false);
    await channel.send('delivered');
    expect(discord.channelMessages(discord.tasksChannelId).map((m) => m.content)).toEqual(['delivered']);
  });
});
