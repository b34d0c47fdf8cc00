/**
 * Payload builders, permission arithmetic and Discord's validation rules for the Discord emulator
 * (`discord-emulator.ts`). Everything here is pure: models in, Discord JSON out.
 */
import {
  ApplicationCommandOptionType,
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  OverwriteType,
  PermissionFlagsBits,
  type APIAllowedMentions,
  type APIChannel,
  type APITextChannel,
  type ChannelFlags,
  type GuildMemberFlags,
  type RoleFlags,
  type APIEmbed,
  type APIGuildMember,
  type APIMessage,
  type APIMessageTopLevelComponent,
  type APIRole,
  type APIUser,
  type GatewayGuildCreateDispatchData,
} from 'discord.js';

// ---------------------------------------------------------------------------------------------
// JSON helpers

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The records of an array (anything else in it, or a non-array, is skipped). */
export function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

// ---------------------------------------------------------------------------------------------
// Snowflakes

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A fresh snowflake for "now" (ids sort by creation, as on Discord). */
export function snowflake(at: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

/** A random interaction token (Discord's are long opaque strings). */
export function interactionToken(): string {
  return `aW50ZXJhY3Rpb24${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

// ---------------------------------------------------------------------------------------------
// Models (the emulator's state) and permissions

export interface RoleModel {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  /** Set for the bot's own managed role. */
  botId?: string;
}

export interface MemberModel {
  user: APIUser;
  roles: string[];
  joinedAt: string;
  /** The user does not accept DMs from the bot (sending one answers 403, code 50007). */
  dmsClosed: boolean;
}

export interface OverwriteModel {
  id: string;
  type: OverwriteType;
  allow: bigint;
  deny: bigint;
}

export interface ChannelModel {
  id: string;
  type: ChannelType.GuildText | ChannelType.DM;
  name: string;
  guildId: string | null;
  position: number;
  overwrites: OverwriteModel[];
  /** For DM channels: the user on the other side. */
  recipientId?: string;
}

export interface GuildModel {
  id: string;
  name: string;
  ownerId: string;
  roles: Map<string, RoleModel>;
  members: Map<string, MemberModel>;
  channels: Map<string, ChannelModel>;
}

const P = PermissionFlagsBits;

export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** What @everyone may do in a freshly created Discord server. */
export const DEFAULT_EVERYONE_PERMISSIONS: bigint =
  P.CreateInstantInvite | P.AddReactions | P.Stream | P.ViewChannel | P.SendMessages | P.EmbedLinks | P.AttachFiles |
  P.ReadMessageHistory | P.UseExternalEmojis | P.Connect | P.Speak | P.UseVAD | P.ChangeNickname |
  P.UseApplicationCommands | P.CreatePublicThreads | P.CreatePrivateThreads | P.UseExternalStickers |
  P.SendMessagesInThreads | P.UseEmbeddedActivities | P.SendVoiceMessages | P.SendPolls | P.UseExternalApps;

/** The bot's managed role: what the invite link of a notification bot would ask for. */
export const DEFAULT_BOT_PERMISSIONS: bigint =
  P.ViewChannel | P.SendMessages | P.SendMessagesInThreads | P.EmbedLinks | P.AttachFiles | P.ReadMessageHistory |
  P.AddReactions | P.UseApplicationCommands;

/** What a bot may do in a DM channel. */
export const DM_PERMISSIONS: bigint =
  P.ViewChannel | P.SendMessages | P.EmbedLinks | P.AttachFiles | P.ReadMessageHistory | P.AddReactions |
  P.UseExternalEmojis | P.UseApplicationCommands;

/** Discord's permission algorithm: base (roles) then channel overwrites (@everyone, roles, member). */
export function permissionsIn(guild: GuildModel, userId: string, channel: ChannelModel | undefined): bigint {
  if (userId === guild.ownerId) return ALL_PERMISSIONS;
  const member = guild.members.get(userId);
  if (!member) return 0n;
  let permissions = guild.roles.get(guild.id)?.permissions ?? 0n;
  for (const roleId of member.roles) permissions |= guild.roles.get(roleId)?.permissions ?? 0n;
  if (permissions & P.Administrator) return ALL_PERMISSIONS;
  if (!channel) return permissions;
  const apply = (allow: bigint, deny: bigint): void => {
    permissions = (permissions & ~deny) | allow;
  };
  const everyone = channel.overwrites.find((o) => o.id === guild.id);
  if (everyone) apply(everyone.allow, everyone.deny);
  let allow = 0n;
  let deny = 0n;
  for (const o of channel.overwrites) {
    if (o.type === OverwriteType.Role && o.id !== guild.id && member.roles.includes(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  apply(allow, deny);
  const own = channel.overwrites.find((o) => o.type === OverwriteType.Member && o.id === userId);
  if (own) apply(own.allow, own.deny);
  return permissions;
}

// ---------------------------------------------------------------------------------------------
// Messages

export interface EmulatedAttachment {
  id: string;
  filename: string;
  size: number;
  content_type: string | null;
}

/** A message as the emulator stores it (live object: later edits show up in it). */
export interface EmulatedMessage {
  id: string;
  channel_id: string;
  guild_id: string | null;
  author: APIUser;
  content: string;
  embeds: APIEmbed[];
  components: APIMessageTopLevelComponent[];
  allowed_mentions: APIAllowedMentions | null;
  nonce: string | number | null;
  /** Message flags: 64 ephemeral, 128 loading (a deferred reply not yet edited). */
  flags: number;
  attachments: EmulatedAttachment[];
  /** Message type: 0 default, 19 reply, 20 chat input command response. */
  type: number;
  timestamp: string;
  edited_timestamp: string | null;
  /** For interaction responses and follow-ups: the interaction they answer. */
  interaction_id: string | null;
  /** Deleted messages stay listed (so tests can see it happened) with this set. */
  deleted: boolean;
}

/** The fields of a message body the emulator understands (the rest is kept but not interpreted). */
export interface MessageBody {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIMessageTopLevelComponent[];
  allowed_mentions?: APIAllowedMentions;
  flags?: number;
  nonce?: string | number;
  enforce_nonce?: boolean;
  attachments?: unknown[];
  [key: string]: unknown;
}

export const EPHEMERAL = 1 << 6;
export const LOADING = 1 << 7;

export function userPayload(id: string, username: string, bot = false): APIUser {
  return { id, username, discriminator: '0', global_name: bot ? null : username, avatar: null, bot };
}

export function messagePayload(m: EmulatedMessage, applicationId: string): APIMessage {
  const fromInteraction = m.interaction_id !== null;
  return {
    id: m.id,
    channel_id: m.channel_id,
    ...(m.guild_id ? { guild_id: m.guild_id } : {}),
    author: m.author,
    content: m.content,
    timestamp: m.timestamp,
    edited_timestamp: m.edited_timestamp,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: m.attachments.map((a) => ({
      ...a,
      content_type: a.content_type ?? undefined,
      url: `https://cdn.discordapp.com/attachments/${m.channel_id}/${a.id}/${a.filename}`,
      proxy_url: `https://media.discordapp.net/attachments/${m.channel_id}/${a.id}/${a.filename}`,
    })),
    embeds: m.embeds,
    components: m.components,
    pinned: false,
    type: m.type,
    flags: m.flags,
    ...(m.nonce !== null ? { nonce: m.nonce } : {}),
    ...(fromInteraction ? { webhook_id: applicationId, application_id: applicationId } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Guild, channels, roles, members

export function rolePayload(role: RoleModel): APIRole {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions.toString(),
    managed: role.botId !== undefined,
    mentionable: false,
    flags: 0 as RoleFlags,
    ...(role.botId ? { tags: { bot_id: role.botId } } : {}),
  };
}

export function memberPayload(member: MemberModel): APIGuildMember {
  return {
    user: member.user,
    nick: null,
    avatar: null,
    banner: null,
    roles: [...member.roles],
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

/** The channel as GET /channels/:id describes it. */
export function channelPayload(channel: ChannelModel, recipient?: APIUser): APIChannel {
  if (channel.type === ChannelType.DM) {
    return { id: channel.id, type: ChannelType.DM, name: null, last_message_id: null, flags: 0 as ChannelFlags, recipients: recipient ? [recipient] : [] };
  }
  return textChannelPayload(channel);
}

/** A guild text channel as GUILD_CREATE and GET /channels/:id describe it. */
export function textChannelPayload(channel: ChannelModel): APITextChannel {
  return {
    id: channel.id,
    type: ChannelType.GuildText,
    guild_id: channel.guildId ?? undefined,
    name: channel.name,
    position: channel.position,
    permission_overwrites: channel.overwrites.map((o) => ({ id: o.id, type: o.type, allow: o.allow.toString(), deny: o.deny.toString() })),
    parent_id: null,
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0 as ChannelFlags,
  };
}

export function guildCreatePayload(guild: GuildModel): GatewayGuildCreateDispatchData {
  const now = new Date().toISOString();
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: [...guild.roles.values()].map(rolePayload),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    max_members: 500_000,
    max_video_channel_users: 25,
    joined_at: now,
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: [],
    members: [...guild.members.values()].map(memberPayload),
    channels: [...guild.channels.values()].map(textChannelPayload),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Discord's errors and limits

/** One problem in a request body, at a dotted path (`embeds.0.description`). */
export interface FormError {
  path: string;
  code: string;
  message: string;
}

export interface DiscordErrorBody {
  message: string;
  code: number;
  errors?: Json;
}

/** Discord's 400 "Invalid Form Body" (code 50035) with its nested `_errors` tree. */
export function invalidFormBody(problems: FormError[]): DiscordErrorBody {
  const errors: Json = {};
  for (const problem of problems) {
    let node = errors;
    for (const key of problem.path.split('.')) {
      const next = node[key];
      node = isRecord(next) ? next : (node[key] = {}) as Json;
    }
    const list = Array.isArray(node._errors) ? node._errors : (node._errors = []);
    list.push({ code: problem.code, message: problem.message });
  }
  return { message: 'Invalid Form Body', code: 50035, errors };
}

function tooLong(path: string, value: unknown, max: number, min = 0): FormError[] {
  if (value === undefined || value === null) return min > 0 ? [{ path, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] : [];
  const length = String(value).length;
  if (length > max) return [{ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` }];
  if (length < min) return [{ path, code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${min} or more in length.` }];
  return [];
}

/** Discord's embed limits (title 256, description 4096, 25 fields of 256/1024, footer 2048, author 256, 6000 in all). */
function validateEmbeds(embeds: unknown, prefix: string): FormError[] {
  const list = records(embeds);
  const problems: FormError[] = [];
  if (list.length > 10) problems.push({ path: `${prefix}embeds`, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' });
  let total = 0;
  list.forEach((embed, i) => {
    const at = `${prefix}embeds.${i}`;
    const fields = records(embed.fields);
    const footer = isRecord(embed.footer) ? embed.footer.text : undefined;
    const author = isRecord(embed.author) ? embed.author.name : undefined;
    problems.push(...tooLong(`${at}.title`, embed.title, 256), ...tooLong(`${at}.description`, embed.description, 4096));
    problems.push(...tooLong(`${at}.footer.text`, footer, 2048), ...tooLong(`${at}.author.name`, author, 256));
    if (fields.length > 25) problems.push({ path: `${at}.fields`, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
    fields.forEach((field, j) => {
      problems.push(...tooLong(`${at}.fields.${j}.name`, field.name, 256, 1), ...tooLong(`${at}.fields.${j}.value`, field.value, 1024, 1));
      total += String(field.name ?? '').length + String(field.value ?? '').length;
    });
    total += [embed.title, embed.description, footer, author].reduce<number>((n, s) => n + (typeof s === 'string' ? s.length : 0), 0);
  });
  if (total > 6000) problems.push({ path: `${prefix}embeds`, code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' });
  return problems;
}

/** Action rows (at most 5, each with at most 5 buttons or one select), labels 80, custom ids 100. */
function validateComponents(components: unknown, prefix: string): FormError[] {
  const rows = records(components);
  const problems: FormError[] = [];
  if (rows.length > 5) problems.push({ path: `${prefix}components`, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 5 or fewer in length.' });
  rows.forEach((row, i) => {
    if (row.type !== 1) return; // components v2 layouts are not checked
    const children = records(row.components);
    const at = `${prefix}components.${i}.components`;
    if (children.length === 0 || children.length > 5) problems.push({ path: at, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 5 in length.' });
    children.forEach((c, j) => {
      problems.push(...tooLong(`${at}.${j}.label`, c.label, 80));
      if (c.type === 2 && c.style !== 5 && c.style !== 6) problems.push(...tooLong(`${at}.${j}.custom_id`, c.custom_id, 100, 1));
      if (c.type === 2 && c.style === 5) problems.push(...tooLong(`${at}.${j}.url`, c.url, 512, 1));
    });
  });
  return problems;
}

/** Problems of a message body against Discord's limits (`prefix` is 'data.' for interaction callbacks). */
export function validateMessage(body: MessageBody, prefix = ''): FormError[] {
  return [...tooLong(`${prefix}content`, body.content, 2000), ...validateEmbeds(body.embeds, prefix), ...validateComponents(body.components, prefix)];
}

/** Whether a new message would be empty (Discord answers 400, code 50006). */
export function isEmptyMessage(body: MessageBody, hasFiles: boolean): boolean {
  return !body.content && records(body.embeds).length === 0 && records(body.components).length === 0 && !hasFiles && !body.sticker_ids && !body.poll;
}

/** Autocomplete answers: at most 25 choices, names 1–100, string values up to 100. */
export function validateChoices(choices: unknown): FormError[] {
  const list = records(choices);
  const problems: FormError[] = [];
  if (!Array.isArray(choices)) problems.push({ path: 'data.choices', code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  if (list.length > 25) problems.push({ path: 'data.choices', code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
  list.forEach((c, i) => {
    problems.push(...tooLong(`data.choices.${i}.name`, c.name, 100, 1));
    if (typeof c.value === 'string') problems.push(...tooLong(`data.choices.${i}.value`, c.value, 100));
  });
  return problems;
}

/** Modals: title 1–45, custom id 1–100, 1–5 rows; text inputs: label 45, value 4000, placeholder 100. */
export function validateModal(data: Json): FormError[] {
  const problems = [...tooLong('data.title', data.title, 45, 1), ...tooLong('data.custom_id', data.custom_id, 100, 1)];
  const rows = records(data.components);
  if (rows.length === 0 || rows.length > 5) problems.push({ path: 'data.components', code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 5 in length.' });
  rows.forEach((row, i) => {
    for (const [j, input] of textInputsOf(row).entries()) {
      const at = `data.components.${i}.components.${j}`;
      problems.push(...tooLong(`${at}.custom_id`, input.custom_id, 100, 1), ...tooLong(`${at}.label`, input.label, 45));
      problems.push(...tooLong(`${at}.value`, input.value, 4000), ...tooLong(`${at}.placeholder`, input.placeholder, 100));
    }
  });
  return problems;
}

/** The text inputs (type 4) inside a modal row (action row type 1 or label type 18). */
export function textInputsOf(row: Json): Json[] {
  const inner = [...records(row.components), ...(isRecord(row.component) ? [row.component] : [])];
  return inner.filter((c) => c.type === 4);
}

/** Finds a component by custom id anywhere in a message's components. */
export function findComponent(components: unknown, customId: string): Json | null {
  for (const c of records(components)) {
    if (c.custom_id === customId) return c;
    const inner = findComponent([...records(c.components), ...(isRecord(c.component) ? [c.component] : []), ...(isRecord(c.accessory) ? [c.accessory] : [])], customId);
    if (inner) return inner;
  }
  return null;
}

/** Every custom id in a message's components (for error messages). */
export function customIds(components: unknown): string[] {
  return records(components).flatMap((c) => [
    ...(typeof c.custom_id === 'string' ? [c.custom_id] : []),
    ...customIds([...records(c.components), ...(isRecord(c.component) ? [c.component] : []), ...(isRecord(c.accessory) ? [c.accessory] : [])]),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Application commands

/** An option of a registered command definition (as the bot PUT it). */
export interface CommandOptionDef {
  type: number;
  name: string;
  description?: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: { name: string; value: string | number }[];
  options?: CommandOptionDef[];
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
}

/** A registered command: the bot's definition plus what Discord adds (id, application_id, version…). */
export interface StoredCommand {
  id: string;
  application_id: string;
  guild_id?: string;
  version: string;
  type: number;
  name: string;
  description: string;
  options?: CommandOptionDef[];
  [key: string]: unknown;
}

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateName(path: string, name: unknown, lowercase: boolean): FormError[] {
  if (typeof name !== 'string' || !NAME.test(name)) return [{ path, code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' }];
  if (lowercase && name !== name.toLowerCase()) return [{ path, code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' }];
  return [];
}

function validateOptions(options: unknown, path: string, depth: number): FormError[] {
  const list = records(options);
  const problems: FormError[] = [];
  if (list.length > 25) problems.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
  let optionalSeen = false;
  const names = new Set<string>();
  list.forEach((o, i) => {
    const at = `${path}.${i}`;
    problems.push(...validateName(`${at}.name`, o.name, true), ...tooLong(`${at}.description`, o.description, 100, 1));
    if (typeof o.name === 'string') {
      if (names.has(o.name)) problems.push({ path: `${at}.name`, code: 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS', message: 'Option names must be unique' });
      names.add(o.name);
    }
    const nested = o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup;
    if (typeof o.type !== 'number' || o.type < 1 || o.type > 11) problems.push({ path: `${at}.type`, code: 'BASE_TYPE_CHOICES', message: 'Value must be one of 1–11.' });
    if (nested && depth >= 2) problems.push({ path: `${at}.type`, code: 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', message: 'Subcommands cannot nest this deep' });
    if (nested) problems.push(...validateOptions(o.options, `${at}.options`, depth + 1));
    if (o.required === true && optionalSeen) problems.push({ path: `${at}`, code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', message: 'Required options must be placed before non-required options' });
    if (!nested && o.required !== true) optionalSeen = true;
    const choices = records(o.choices);
    if (choices.length > 25) problems.push({ path: `${at}.choices`, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
    choices.forEach((c, j) => problems.push(...tooLong(`${at}.choices.${j}.name`, c.name, 100, 1)));
    if (o.autocomplete === true && choices.length > 0) problems.push({ path: `${at}.autocomplete`, code: 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID', message: 'Autocomplete cannot be set with choices' });
  });
  return problems;
}

/** Discord's rules for a bulk overwrite of commands (names, descriptions, option order, choices). */
export function validateCommands(body: unknown): FormError[] {
  if (!Array.isArray(body)) return [{ path: '_root', code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }];
  const problems: FormError[] = [];
  const seen = new Set<string>();
  records(body).forEach((c, i) => {
    const type = typeof c.type === 'number' ? c.type : 1;
    problems.push(...validateName(`${i}.name`, c.name, type === 1));
    if (type === 1) problems.push(...tooLong(`${i}.description`, c.description, 100, 1));
    problems.push(...validateOptions(c.options, `${i}.options`, 0));
    const key = `${type}:${String(c.name)}`;
    if (seen.has(key)) problems.push({ path: `${i}.name`, code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: 'Application command names must be unique' });
    seen.add(key);
  });
  return problems;
}
