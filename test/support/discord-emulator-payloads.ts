/**
 * Payload builders and permission arithmetic for the Discord emulator (`discord-emulator.ts`).
 * Everything here is pure: models in, Discord JSON out. What Discord accepts in a request body is
 * checked in one place: `discord-spec-validator.ts`.
 */
import {
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
  /** The bytes uploaded (not part of what the API answers). */
  data: Buffer;
}

/** Where Discord serves an attachment of a message in `channelId`. */
export function attachmentUrl(channelId: string, a: Pick<EmulatedAttachment, 'id' | 'filename'>): string {
  return `https://cdn.discordapp.com/attachments/${channelId}/${a.id}/${a.filename}`;
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
    attachments: m.attachments.map(({ data: _bytes, ...a }) => ({
      ...a,
      content_type: a.content_type ?? undefined,
      url: attachmentUrl(m.channel_id, a),
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
// Components

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
