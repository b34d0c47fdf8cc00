/**
 * A fake Discord on 127.0.0.1 that the real discord.js client connects to: REST under /api/v10 and
 * the gateway (WebSocket) on the same port. It keeps one guild with a tasks channel, roles and
 * members, lets a test act as a member (slash commands, autocomplete, buttons, modals), records
 * everything the bot sends, and injects faults (5xx, 429, refused connections, dropped gateway).
 *
 *   const discord = new DiscordEmulator({ users: [{ id: '42', username: 'ada' }] });
 *   await discord.start();
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl } });
 *   await client.login('any-token');
 *   const trace = await discord.slash('42', 'automation', { subcommand: 'list' });
 *   await trace.answered();
 *
 * Interaction responses (replies, follow-ups) are kept on the interaction's trace, not in
 * `channelMessages()`, which holds what the bot posted with `POST /channels/:id/messages`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  ApplicationCommandOptionType,
  ChannelType,
  ComponentType,
  GatewayDispatchEvents,
  GatewayOpcodes,
  InteractionResponseType,
  InteractionType,
  MessageType,
  OverwriteType,
  PermissionFlagsBits,
  type APIEmbed,
  type APIUser,
  type ApplicationFlags,
  type GatewayReadyDispatchData,
} from 'discord.js';
import { checkRequest, discordError, type FormError, type SpecRequest } from './discord-spec-validator.js';
import { claimRefusals, noteRefusal, type SpecRefusal } from './discord-refusals.js';
import {
  DEFAULT_BOT_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  DM_PERMISSIONS,
  EPHEMERAL,
  attachmentUrl,
  LOADING,
  channelPayload,
  customIds,
  findComponent,
  guildCreatePayload,
  interactionToken,
  isRecord,
  memberPayload,
  messagePayload,
  permissionsIn,
  records,
  rolePayload,
  snowflake,
  textInputsOf,
  userPayload,
  type ChannelModel,
  type CommandOptionDef,
  type EmulatedAttachment,
  type EmulatedMessage,
  type GuildModel,
  type Json,
  type MemberModel,
  type MessageBody,
  type StoredCommand,
} from './discord-emulator-payloads.js';

import { invalidFormBody, type DiscordErrorBody } from './discord-spec-validator.js';
import { checkAttachments, resolveAttachmentUrls, type AttachmentVerdict, type UploadedFile } from './discord-attachments.js';

export type { EmulatedAttachment, EmulatedMessage, StoredCommand } from './discord-emulator-payloads.js';
export type { SpecRefusal } from './discord-refusals.js';

// ---------------------------------------------------------------------------------------------
// Public types

/** A guild member a test can act as. */
export interface EmulatedUser {
  id: string;
  username: string;
  /** Role ids in the guild (besides @everyone). */
  roles?: string[];
  /** The user does not accept DMs: sending one answers 403 (code 50007). */
  dmsClosed?: boolean;
}

export interface EmulatorOptions {
  applicationId?: string;
  /** Defaults to the application id (as for every bot created since 2016). */
  botUserId?: string;
  botUsername?: string;
  guildId?: string;
  guildName?: string;
  /** A text channel created in the guild (besides #general). */
  tasksChannelId?: string;
  /** Default true: an overwrite lets the bot view/send/embed in the tasks channel; false: it denies SendMessages. */
  botCanPostInTasks?: boolean;
  /** Roles besides @everyone (id = guildId) and the bot's managed role; `permissions` is a bitfield string. */
  roles?: { id: string; name: string; permissions?: string }[];
  /** Guild members besides the bot and the owner. */
  users?: EmulatedUser[];
  /** The guild owner (a member with every permission); defaults to a separate 'server-owner' user. */
  ownerId?: string;
  /** When set, REST and IDENTIFY refuse any other bot token (401 / close 4004). */
  token?: string;
  /** HELLO's heartbeat interval (default 41250 ms, as Discord). */
  heartbeatIntervalMs?: number;
}

/** One REST request the bot made. */
export interface RecordedRequest {
  method: string;
  /** Without /api/v10, URL-decoded (`/webhooks/1/tok/messages/@original`). */
  path: string;
  query: Record<string, string>;
  /** The JSON body (for multipart: payload_json parsed); null without one. */
  body: unknown;
  /** Files of a multipart request: form field, filename, content type and bytes. */
  files: UploadedFile[];
  /** Size of the request body in bytes. */
  bytes: number;
  authorization: string | null;
  /** The status answered; 0 when the connection was destroyed without an answer (refuseRest). */
  status: number;
  /** Why Discord would refuse it (checked against test/support/discord-spec); empty when accepted. */
  problems: FormError[];
  /** Deprecated or ineffective fields Discord accepts (limits.json warnings). */
  warnings: FormError[];
  /** Milliseconds since the emulator was created. */
  at: number;
}

/** Something the bot did for an interaction. */
export interface TraceEvent {
  kind: 'callback' | 'followup' | 'edit' | 'delete';
  /** Callback type: 4 reply, 5 deferred reply, 6 deferred update, 7 update message, 8 autocomplete result, 9 modal. */
  type?: number;
  /** The message created or changed (absent for callbacks 8 and 9). */
  messageId?: string;
  /** Whether the event concerns the original response. */
  original: boolean;
  /** The body: a callback's `data`, a follow-up's or edit's JSON; null for delete. */
  data: MessageBody | null;
  /** Milliseconds after the interaction was dispatched. */
  afterMs: number;
}

/** A request for an interaction that the emulator refused, as Discord would have. */
export interface TraceRejection {
  kind: TraceEvent['kind'];
  type?: number;
  status: number;
  error: DiscordErrorBody;
}

export interface ReplyView {
  content?: string;
  embeds?: unknown[];
  components?: unknown[];
  flags?: number;
}

export interface ModalView {
  custom_id: string;
  title: string;
  components: unknown[];
}

export interface Choice {
  name: string;
  value: string | number;
}

/** One interaction dispatched by the emulator and everything the bot did about it. */
export interface InteractionTrace {
  id: string;
  token: string;
  readonly kind: 'command' | 'autocomplete' | 'component' | 'modal';
  /** Human-readable: `/automation create`, `button a:show:3`, `modal edit-inputs`. */
  readonly label: string;
  /** The INTERACTION_CREATE payload as dispatched. */
  readonly payload: Json;
  /** Every interaction callback, follow-up, edit and delete in order. */
  readonly events: TraceEvent[];
  /** Requests for this interaction the emulator refused (validation, wrong callback type, too late…). */
  readonly rejections: TraceRejection[];
  /** Resolves once the bot has answered the interaction (its first callback), or rejects after `ms` (default 3000, Discord's limit) counted from the dispatch. */
  answered(ms?: number): Promise<TraceEvent>;
  /** Resolves when some event (past or future) satisfies the predicate; rejects after `ms` (default 3000). */
  waitFor(predicate: (e: TraceEvent) => boolean, ms?: number): Promise<TraceEvent>;
  /** What the user sees now as the original response (after edits; flags 64 = ephemeral, 128 = still loading); null before any reply or after deletion. */
  reply(): ReplyView | null;
  /** The original response as a stored message (to `click()` on it, or read everything). */
  replyMessage(): EmulatedMessage | null;
  /** The modal the bot showed (callback type 9), if any. */
  modal(): ModalView | null;
  /** The choices of an autocomplete answer (callback type 8). */
  choices(): Choice[] | null;
  /** Follow-up messages (not counting the one that replaced a deferred reply). */
  followups(): EmulatedMessage[];
}

/** A fault for the next matching REST requests. */
export interface RestFault {
  /** 400: Discord refuses the body (code 50035 Invalid Form Body unless `code` says otherwise). */
  status: 500 | 502 | 503 | 429 | 400;
  /** For 400: the error code in the answer. Default 50035. */
  code?: number;
  /** For 429: seconds (may be fractional) in the body's retry_after and the Retry-After header. Default 1. */
  retryAfterSeconds?: number;
  /** For 429: a global rate limit (X-RateLimit-Global, scope global). */
  global?: boolean;
  /** Handle the request first (e.g. create the message), then answer with the fault: an answer lost on the way. */
  afterHandling?: boolean;
}

/** One gateway frame, either way. */
export interface GatewayFrameRecord {
  direction: 'received' | 'sent';
  /** Which WebSocket connection (1-based, in the order they were opened). */
  connection: number;
  op: number;
  t: string | null;
  s: number | null;
  d: unknown;
  at: number;
}

export interface SlashOptions {
  subcommand?: string;
  group?: string;
  options?: Record<string, string | number | boolean>;
  /** Default #general (in the emulated guild). */
  channelId?: string;
  /** Run it in the user's DM with the bot. */
  inDm?: boolean;
  /** Run it in another guild (one the bot does not know). */
  guildId?: string;
}

// ---------------------------------------------------------------------------------------------
// Internals

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface RestContext {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  files: RecordedRequest['files'];
}

interface Route {
  method: string;
  pattern: RegExp;
  auth: boolean;
  handle: (ctx: RestContext, params: string[]) => Answer;
}

interface FaultRule {
  method?: string;
  path: RegExp;
  fault: RestFault;
  remaining: number;
}

interface GatewayFrame {
  op: number;
  d?: unknown;
  s?: number | null;
  t?: string | null;
}

interface GatewaySession {
  id: string;
  seq: number;
  resumable: boolean;
  buffer: GatewayFrame[];
}

/** Where an interaction happens and who does it. */
interface Place {
  guildId: string | null;
  channelId: string;
  channel: Json;
  member: MemberModel;
  permissions: bigint;
  appPermissions: bigint;
}

interface Waiter {
  predicate: (e: TraceEvent) => boolean;
  resolve: (e: TraceEvent) => void;
  timer: NodeJS.Timeout;
}

const ok = (body: unknown): Answer => ({ status: 200, body });
const noContent = (): Answer => ({ status: 204 });
const fail = (status: number, code: number, message: string): Answer => ({ status, body: { message, code } });
const formError = (problems: FormError[]): Answer => ({ status: 400, body: invalidFormBody(problems) });
const unknownInteraction = (): Answer => fail(404, 10062, 'Unknown interaction');
const unknownWebhook = (): Answer => fail(404, 10015, 'Unknown Webhook');
const unknownMessage = (): Answer => fail(404, 10008, 'Unknown Message');
const NONCE_WINDOW_MS = 5 * 60_000;
const INTERACTION_DEADLINE_MS = 3000;

function messageBody(value: unknown): MessageBody {
  return isRecord(value) ? (value as MessageBody) : {};
}

class Trace implements InteractionTrace {
  readonly events: TraceEvent[] = [];
  readonly rejections: TraceRejection[] = [];
  acknowledged = false;
  original: EmulatedMessage | null = null;
  modalShown: ModalView | null = null;
  choicesGiven: Choice[] | null = null;
  readonly followupMessages: EmulatedMessage[] = [];
  private readonly waiters = new Set<Waiter>();

  constructor(
    readonly id: string,
    readonly token: string,
    readonly kind: InteractionTrace['kind'],
    readonly label: string,
    readonly payload: Json,
    readonly place: Place,
    /** The message a component was on (component interactions, modal submits from a component). */
    readonly sourceMessage: EmulatedMessage | null,
    readonly createdAt: number,
  ) {}

  get user(): APIUser {
    return this.place.member.user;
  }

  answered(ms = INTERACTION_DEADLINE_MS): Promise<TraceEvent> {
    const left = this.createdAt + ms - performance.now();
    return this.wait((e) => e.kind === 'callback', left, () => `Interaction ${this.id} (${this.label} by user ${this.user.id}) was not answered within ${ms} ms (Discord gives up after 3 s); ${this.describe()}`);
  }

  waitFor(predicate: (e: TraceEvent) => boolean, ms = INTERACTION_DEADLINE_MS): Promise<TraceEvent> {
    return this.wait(predicate, ms, () => `Interaction ${this.id} (${this.label}): no event matched within ${ms} ms; ${this.describe()}`);
  }

  reply(): ReplyView | null {
    const m = this.replyMessage();
    return m && { content: m.content, embeds: m.embeds, components: m.components, flags: m.flags };
  }

  replyMessage(): EmulatedMessage | null {
    return this.original && !this.original.deleted ? this.original : null;
  }

  modal(): ModalView | null {
    return this.modalShown;
  }

  choices(): Choice[] | null {
    return this.choicesGiven;
  }

  followups(): EmulatedMessage[] {
    return [...this.followupMessages];
  }

  record(event: Omit<TraceEvent, 'afterMs'>): void {
    const full = { ...event, afterMs: Math.round(performance.now() - this.createdAt) };
    this.events.push(full);
    for (const waiter of this.waiters) {
      if (!waiter.predicate(full)) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(full);
    }
  }

  reject(rejection: TraceRejection): void {
    this.rejections.push(rejection);
  }

  cancelWaiters(): void {
    for (const waiter of this.waiters) clearTimeout(waiter.timer);
    this.waiters.clear();
  }

  private wait(predicate: (e: TraceEvent) => boolean, ms: number, message: () => string): Promise<TraceEvent> {
    const found = this.events.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(message()));
        }, Math.max(0, ms)),
      };
      this.waiters.add(waiter);
    });
  }

  private describe(): string {
    const events = this.events.map((e) => `${e.kind}${e.type ? ` type ${e.type}` : ''}${e.original ? ' @original' : ''} at ${e.afterMs} ms`);
    const refused = this.rejections.map((r) => `${r.kind}${r.type ? ` type ${r.type}` : ''} → ${r.status} ${r.error.code} ${r.error.message}${r.error.errors ? ` ${JSON.stringify(r.error.errors)}` : ''}`);
    return [
      events.length ? `events so far: ${events.join(', ')}` : 'the bot sent nothing for it',
      ...(refused.length ? [`refused: ${refused.join('; ')}`] : []),
    ].join('; ');
  }
}

// ---------------------------------------------------------------------------------------------

/** The fake Discord. One guild, one bot; see the module comment. */
export class DiscordEmulator {
  readonly applicationId: string;
  readonly botUserId: string;
  readonly guildId: string;
  readonly tasksChannelId: string;
  /** Where slash commands run by default. */
  readonly generalChannelId: string;
  /** The bot's managed role. */
  readonly botRoleId: string;
  readonly ownerId: string;
  /** Every REST request the bot made, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Every gateway frame, both ways, in order. */
  readonly gatewayLog: GatewayFrameRecord[] = [];
  /**
   * Every request refused because Discord would refuse it (invalid body, unknown route or method,
   * no bot token), in order. Each also fails the test that sent it (see discord-refusal-guard.ts)
   * unless the test takes it with `takeRefusals()`.
   */
  readonly refusals: SpecRefusal[] = [];

  private readonly origin = performance.now();
  private readonly botUser: APIUser;
  private readonly guild: GuildModel;
  private readonly dmChannels = new Map<string, ChannelModel>(); // by user id
  private readonly messages = new Map<string, EmulatedMessage[]>(); // by channel id
  private readonly nonces = new Map<string, { message: EmulatedMessage; at: number }>();
  private readonly commandScopes = new Map<string, { commands: StoredCommand[]; puts: number }>();
  private readonly traces = new Map<string, Trace>(); // by token
  private readonly faults: FaultRule[] = [];
  private readonly heartbeatIntervalMs: number;
  private readonly expectedToken: string | null;
  private refusing = false;
  private port = 0;
  private connections = 0;
  private session: GatewaySession | null = null;
  private botSocket: { ws: WebSocket; connection: number } | null = null;
  private readonly server = createServer((req, res) => void this.onRequest(req, res));
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(options: EmulatorOptions = {}) {
    this.applicationId = options.applicationId ?? '1300000000000000001';
    this.botUserId = options.botUserId ?? this.applicationId;
    this.guildId = options.guildId ?? '1300000000000000010';
    this.tasksChannelId = options.tasksChannelId ?? '1300000000000000020';
    this.generalChannelId = '1300000000000000021';
    this.botRoleId = '1300000000000000030';
    this.ownerId = options.ownerId ?? '1300000000000000040';
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
    this.expectedToken = options.token ?? null;
    this.botUser = userPayload(this.botUserId, options.botUsername ?? 'Steward', true);

    const joinedAt = new Date().toISOString();
    this.guild = { id: this.guildId, name: options.guildName ?? 'Steward Test Server', ownerId: this.ownerId, roles: new Map(), members: new Map(), channels: new Map() };
    this.guild.roles.set(this.guildId, { id: this.guildId, name: '@everyone', permissions: DEFAULT_EVERYONE_PERMISSIONS, position: 0 });
    this.guild.roles.set(this.botRoleId, { id: this.botRoleId, name: this.botUser.username, permissions: DEFAULT_BOT_PERMISSIONS, position: 1, botId: this.botUserId });
    (options.roles ?? []).forEach((role, i) => {
      this.guild.roles.set(role.id, { id: role.id, name: role.name, permissions: BigInt(role.permissions ?? '0'), position: i + 2 });
    });
    this.guild.members.set(this.botUserId, { user: this.botUser, roles: [this.botRoleId], joinedAt, dmsClosed: true });
    this.guild.members.set(this.ownerId, { user: userPayload(this.ownerId, 'server-owner'), roles: [], joinedAt, dmsClosed: false });
    for (const user of options.users ?? []) this.addUser(user);

    const P = PermissionFlagsBits;
    const canPost = options.botCanPostInTasks ?? true;
    this.guild.channels.set(this.generalChannelId, { id: this.generalChannelId, type: ChannelType.GuildText, name: 'general', guildId: this.guildId, position: 0, overwrites: [] });
    this.guild.channels.set(this.tasksChannelId, {
      id: this.tasksChannelId,
      type: ChannelType.GuildText,
      name: 'tasks',
      guildId: this.guildId,
      position: 1,
      overwrites: [
        canPost
          ? { id: this.botUserId, type: OverwriteType.Member, allow: P.ViewChannel | P.SendMessages | P.EmbedLinks, deny: 0n }
          : { id: this.botUserId, type: OverwriteType.Member, allow: 0n, deny: P.SendMessages },
      ],
    });

    this.server.on('upgrade', (req, socket, head) => {
      if (!(req.url ?? '').startsWith('/gateway')) return void socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onGatewayConnection(ws));
    });
  }

  // ----- lifecycle -----

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Closes every connection (gateway and REST) and the server; pending waits are dropped. */
  async stop(): Promise<void> {
    for (const trace of this.traces.values()) trace.cancelWaiters();
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** What discord.js's `rest.api` takes: 'http://127.0.0.1:PORT/api' (the client adds /v10). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.requirePort()}/api`;
  }

  /** The gateway URL handed out by GET /gateway/bot (no query: the client adds ?v=10&encoding=json). */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.requirePort()}/gateway`;
  }

  // ----- what the bot did -----

  /** Messages the bot created in a channel (guild text or DM), in order, as stored (edits show; deleted ones stay, flagged). */
  channelMessages(channelId: string): EmulatedMessage[] {
    return [...(this.messages.get(channelId) ?? [])];
  }

  /** Messages sent to a user's DM channel. */
  dms(userId: string): EmulatedMessage[] {
    const channel = this.dmChannels.get(userId);
    return channel ? this.channelMessages(channel.id) : [];
  }

  /** Commands registered for a scope: 'global' or a guild id. */
  commands(scope: 'global' | string): StoredCommand[] {
    return [...(this.commandScopes.get(scope)?.commands ?? [])];
  }

  /** How many times the bot bulk-overwrote (PUT) the commands of a scope. */
  commandPuts(scope: 'global' | string): number {
    return this.commandScopes.get(scope)?.puts ?? 0;
  }

  /**
   * The refusals not taken yet, now taken: a test that sends invalid bodies on purpose asserts on
   * what this returns; a refusal nobody takes fails the test during which it happened.
   */
  takeRefusals(): SpecRefusal[] {
    return claimRefusals(this);
  }

  /** How many gateway WebSocket connections were opened so far (a resume or re-identify opens a new one). */
  gatewayConnections(): number {
    return this.connections;
  }

  /** The ops the bot sent on the gateway (1 heartbeat, 2 identify, 6 resume…), in order. */
  gatewayOpsReceived(): number[] {
    return this.gatewayLog.filter((f) => f.direction === 'received').map((f) => f.op);
  }

  // ----- acting as users -----

  /** Adds a guild member (or replaces one with the same id, e.g. to change roles). */
  addUser(user: EmulatedUser): void {
    for (const role of user.roles ?? []) {
      if (!this.guild.roles.has(role)) throw new Error(`addUser(${user.id}): unknown role ${role}; known: ${[...this.guild.roles.keys()].join(', ')}`);
    }
    const existing = this.guild.members.get(user.id);
    this.guild.members.set(user.id, {
      user: userPayload(user.id, user.username),
      roles: [...(user.roles ?? [])],
      joinedAt: existing?.joinedAt ?? new Date().toISOString(),
      dmsClosed: user.dmsClosed ?? false,
    });
  }

  /** A user runs a slash command (it must be registered, guild or global). Options are checked against the definition as the Discord client would. */
  async slash(user: string, command: string, options: SlashOptions = {}): Promise<InteractionTrace> {
    const place = this.place(user, options);
    const def = this.findCommand(command, place.guildId);
    const label = `/${[command, options.group, options.subcommand].filter(Boolean).join(' ')}`;
    const data = this.commandData(def, options, null, label);
    return this.dispatchInteraction(InteractionType.ApplicationCommand, 'command', label, data, place, null);
  }

  /** A user types in an autocompleted option; resolves with the choices the bot answered. */
  async autocomplete(user: string, command: string, options: SlashOptions & { focused: string }): Promise<Choice[]> {
    const place = this.place(user, options);
    const def = this.findCommand(command, place.guildId);
    const label = `autocomplete /${[command, options.group, options.subcommand].filter(Boolean).join(' ')} ${options.focused}`;
    const data = this.commandData(def, options, options.focused, label);
    const trace = this.dispatchInteraction(InteractionType.ApplicationCommandAutocomplete, 'autocomplete', label, data, place, null);
    const answer = await trace.answered();
    if (answer.type !== InteractionResponseType.ApplicationCommandAutocompleteResult) throw new Error(`${label}: the bot answered with callback type ${answer.type}, not 8`);
    return trace.choices() ?? [];
  }

  /**
   * A user clicks a button (or picks `values` in a select menu) on a message: one from
   * `channelMessages()`/`dms()`, or the original reply of an interaction trace.
   */
  async click(user: string, target: EmulatedMessage | InteractionTrace, customId: string, values?: string[]): Promise<InteractionTrace> {
    const trace = 'events' in target ? this.traceOf(target) : null;
    const message = trace ? trace.replyMessage() : target as EmulatedMessage;
    if (!message || message.deleted) throw new Error(`click(${customId}): ${trace ? `interaction ${trace.label} has no reply to click on` : 'the message was deleted'}`);
    const component = findComponent(message.components, customId);
    if (!component) throw new Error(`click(${customId}): no component with that custom_id on message ${message.id}; it has: ${customIds(message.components).join(', ') || 'none'}`);
    if (component.disabled === true) throw new Error(`click(${customId}): the component is disabled`);
    if (trace && message.flags & EPHEMERAL && trace.user.id !== user) throw new Error(`click(${customId}): only ${trace.user.id} can see that ephemeral reply`);
    let place: Place;
    if (message.guild_id) {
      place = this.place(user, { channelId: message.channel_id, ...(message.guild_id !== this.guildId ? { guildId: message.guild_id } : {}) });
    } else {
      place = trace ? trace.place : this.place(user, { inDm: true });
      if (place.channelId !== message.channel_id || place.member.user.id !== user) throw new Error(`click(${customId}): message ${message.id} is in a DM of another user`);
    }
    const type = typeof component.type === 'number' ? component.type : ComponentType.Button;
    const data: Json = { custom_id: customId, component_type: type, ...(type === ComponentType.Button ? {} : { values: values ?? [] }) };
    return this.dispatchInteraction(InteractionType.MessageComponent, 'component', `${type === ComponentType.Button ? 'button' : 'select'} ${customId}`, data, place, message);
  }

  /** The user submits the modal the bot showed on `trace`, with values by text input custom_id. */
  async submitModal(user: string, trace: InteractionTrace, values: Record<string, string>): Promise<InteractionTrace> {
    const shownOn = this.traceOf(trace);
    const modal = shownOn.modal();
    if (!modal) throw new Error(`submitModal: interaction ${shownOn.label} showed no modal; ${shownOn.events.length} events`);
    if (shownOn.user.id !== user) throw new Error(`submitModal: the modal was shown to ${shownOn.user.id}, not ${user}`);
    const known = new Set<string>();
    const components = records(modal.components).flatMap((row): Json[] => {
      const inputs = textInputsOf(row).map((input) => {
        const id = String(input.custom_id);
        known.add(id);
        const value = values[id] ?? '';
        if (value === '' && input.required !== false) throw new Error(`submitModal: text input "${id}" is required`);
        if (typeof input.max_length === 'number' && value.length > input.max_length) throw new Error(`submitModal: "${id}" is longer than ${input.max_length}`);
        if (typeof input.min_length === 'number' && value !== '' && value.length < input.min_length) throw new Error(`submitModal: "${id}" is shorter than ${input.min_length}`);
        return { type: ComponentType.TextInput, ...(input.id !== undefined ? { id: input.id } : {}), custom_id: id, value };
      });
      if (row.type === ComponentType.Label && inputs[0]) return [{ type: row.type, ...(row.id !== undefined ? { id: row.id } : {}), component: inputs[0] }];
      return inputs.length ? [{ type: ComponentType.ActionRow, ...(row.id !== undefined ? { id: row.id } : {}), components: inputs }] : [];
    });
    const unknown = Object.keys(values).filter((id) => !known.has(id));
    if (unknown.length) throw new Error(`submitModal: the modal has no text input ${unknown.join(', ')}; it has ${[...known].join(', ')}`);
    const data: Json = { custom_id: modal.custom_id, components };
    return this.dispatchInteraction(InteractionType.ModalSubmit, 'modal', `modal ${modal.custom_id}`, data, shownOn.place, shownOn.sourceMessage);
  }

  // ----- faults -----

  /** The next `times` requests matching `match` (path as in `requests`) are answered with `fault`. */
  failNext(match: { method?: string; path: RegExp }, fault: RestFault, times = 1): void {
    this.faults.push({ ...(match.method ? { method: match.method.toUpperCase() } : {}), path: match.path, fault, remaining: times });
  }

  /** While on, REST connections are destroyed without an answer (recorded with status 0). */
  refuseRest(on: boolean): void {
    this.refusing = on;
  }

  /**
   * Closes the bot's gateway socket abruptly (no close frame: the client sees 1006 and resumes).
   * Dispatches until then are replayed on RESUME. With `resumable: false` the RESUME is refused
   * (op 9 invalid session), so the client identifies again and gets a new session.
   */
  dropGateway(options: { resumable?: boolean } = {}): void {
    if (this.session && options.resumable === false) this.session.resumable = false;
    this.botSocket?.ws.terminate();
    this.botSocket = null;
  }

  // ----- REST -----

  private readonly routes: Route[] = [
    this.route('GET', /^\/gateway\/bot$/, true, () => ok({ url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 } })),
    this.route('GET', /^\/gateway$/, false, () => ok({ url: this.gatewayUrl })),
    this.route('GET', /^\/users\/@me$/, true, () => ok({ ...this.botUser, verified: true, mfa_enabled: false })),
    this.route('GET', /^\/users\/(\d+)$/, true, (_, [id]) => {
      const member = this.guild.members.get(id ?? '');
      return member ? ok(member.user) : fail(404, 10013, 'Unknown User');
    }),
    this.route('GET', /^\/applications\/@me$/, true, () => ok({ id: this.applicationId, name: this.botUser.username, icon: null, description: '', bot_public: true, bot_require_code_grant: false, verify_key: 'emulated', flags: 0, team: null, owner: userPayload(this.ownerId, 'server-owner'), bot: this.botUser })),
    this.route('GET', /^\/applications\/(\d+)\/commands$/, true, (_, [app]) => this.listCommands(app, 'global')),
    this.route('PUT', /^\/applications\/(\d+)\/commands$/, true, (ctx, [app]) => this.putCommands(ctx, app, 'global')),
    this.route('GET', /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/, true, (_, [app, guild]) => this.listCommands(app, guild)),
    this.route('PUT', /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/, true, (ctx, [app, guild]) => this.putCommands(ctx, app, guild)),
    this.route('GET', /^\/guilds\/(\d+)$/, true, (_, [id]) => (id === this.guildId ? ok(guildCreatePayload(this.guild)) : fail(404, 10004, 'Unknown Guild'))),
    this.route('GET', /^\/guilds\/(\d+)\/roles$/, true, (_, [id]) => (id === this.guildId ? ok([...this.guild.roles.values()].map(rolePayload)) : fail(404, 10004, 'Unknown Guild'))),
    this.route('GET', /^\/guilds\/(\d+)\/channels$/, true, (_, [id]) => (id === this.guildId ? ok([...this.guild.channels.values()].map((c) => channelPayload(c))) : fail(404, 10004, 'Unknown Guild'))),
    this.route('GET', /^\/guilds\/(\d+)\/members\/(\d+)$/, true, (_, [id, userId]) => {
      const member = id === this.guildId ? this.guild.members.get(userId ?? '') : undefined;
      return member ? ok(memberPayload(member)) : fail(404, 10007, 'Unknown Member');
    }),
    this.route('GET', /^\/channels\/(\d+)$/, true, (_, [id]) => this.getChannel(id ?? '')),
    this.route('POST', /^\/channels\/(\d+)\/messages$/, true, (ctx, [id]) => this.createChannelMessage(ctx, id ?? '')),
    this.route('GET', /^\/channels\/(\d+)\/messages\/(\d+)$/, true, (_, [id, mid]) => this.withChannelMessage(id, mid, (m) => ok(messagePayload(m, this.applicationId)))),
    this.route('PATCH', /^\/channels\/(\d+)\/messages\/(\d+)$/, true, (ctx, [id, mid]) => this.withChannelMessage(id, mid, (m) => this.editMessage(m, ctx))),
    this.route('DELETE', /^\/channels\/(\d+)\/messages\/(\d+)$/, true, (_, [id, mid]) => this.withChannelMessage(id, mid, (m) => ((m.deleted = true), noContent()))),
    this.route('POST', /^\/users\/@me\/channels$/, true, (ctx) => this.openDm(ctx)),
    this.route('POST', /^\/interactions\/(\d+)\/([^/]+)\/callback$/, false, (ctx, [id, token]) => this.interactionCallback(ctx, id ?? '', token ?? '')),
    this.route('POST', /^\/webhooks\/(\d+)\/([^/]+)$/, false, (ctx, [app, token]) => this.followUp(ctx, app, token)),
    this.route('GET', /^\/webhooks\/(\d+)\/([^/]+)\/messages\/([^/]+)$/, false, (_, [app, token, mid]) => this.withWebhookMessage(app, token, mid, (m) => ok(messagePayload(m, this.applicationId)))),
    this.route('PATCH', /^\/webhooks\/(\d+)\/([^/]+)\/messages\/([^/]+)$/, false, (ctx, [app, token, mid]) => this.withWebhookMessage(app, token, mid, (m, t) => this.editWebhookMessage(ctx, t, m))),
    this.route('DELETE', /^\/webhooks\/(\d+)\/([^/]+)\/messages\/([^/]+)$/, false, (_, [app, token, mid]) =>
      this.withWebhookMessage(app, token, mid, (m, t) => {
        m.deleted = true;
        t.record({ kind: 'delete', messageId: m.id, original: m === t.original, data: null });
        return noContent();
      }),
    ),
  ];

  private route(method: string, pattern: RegExp, auth: boolean, handle: Route['handle']): Route {
    return { method, pattern, auth, handle };
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const versioned = url.pathname.startsWith('/api/v10/');
    const path = decodeURIComponent(versioned ? url.pathname.slice('/api/v10'.length) : url.pathname);
    const parsed = await parseBody(Buffer.concat(chunks), req.headers['content-type'] ?? '');
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body: parsed.body,
      files: parsed.files,
      bytes: parsed.bytes,
      authorization: req.headers.authorization ?? null,
      status: 0,
      problems: [],
      warnings: [],
      at: this.now(),
    };
    this.requests.push(record);
    if (this.refusing) return void req.socket.destroy();

    const fault = this.takeFault(method, path);
    let answer: Answer;
    if (fault && !fault.afterHandling) answer = faultAnswer(fault);
    else if (!versioned) answer = fail(404, 0, '404: Not Found');
    else if (parsed.invalid) answer = fail(400, 50109, 'The request body contains invalid JSON.');
    else answer = this.refuseInvalid(record, parsed.multipart) ?? this.handle({ method, path, query: record.query, body: parsed.body, files: parsed.files }, req.headers.authorization);
    if (fault?.afterHandling) answer = faultAnswer(fault);

    record.status = answer.status;
    const headers = { ...(answer.body === undefined ? {} : { 'content-type': 'application/json' }), ...answer.headers };
    res.writeHead(answer.status, headers).end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
  }

  private handle(ctx: RestContext, authorization: string | undefined): Answer {
    const matching = this.routes.filter((r) => r.pattern.test(ctx.path));
    const route = matching.find((r) => r.method === ctx.method);
    if (!route) return matching.length ? fail(405, 0, '405: Method Not Allowed') : fail(404, 0, '404: Not Found');
    if (route.auth) {
      const token = /^Bot (.+)$/.exec(authorization ?? '')?.[1];
      if (!token || (this.expectedToken !== null && token !== this.expectedToken)) return fail(401, 0, '401: Unauthorized');
    }
    const params = (route.pattern.exec(ctx.path) ?? []).slice(1);
    return route.handle(ctx, params);
  }

  /**
   * Checks the request against Discord's spec (route, token, schema, documented limits, well-formed
   * strings); a request Discord would refuse is answered as Discord answers it, recorded in
   * `refusals` (and on its interaction's trace) and left for the guard.
   */
  private refuseInvalid(record: RecordedRequest, multipart: boolean): Answer | null {
    const request: SpecRequest = {
      method: record.method,
      path: record.path,
      query: record.query,
      body: record.body,
      multipart,
      hasFiles: record.files.length > 0,
      authorization: record.authorization,
    };
    const callback = /^\/interactions\/[^/]+\/([^/]+)\/callback$/.exec(record.path);
    const webhook = /^\/webhooks\/[^/]+\/([^/]+)(\/messages\/[^/]+)?$/.exec(record.path);
    const trace = this.traces.get(callback?.[1] ?? webhook?.[1] ?? '') ?? null;
    if (callback && trace) {
      request.interactionType = Number(trace.payload.type);
      request.modalFromComponent = trace.kind === 'modal' && trace.sourceMessage !== null;
    }
    if (webhook) request.interactionToken = trace !== null;
    const verdict = checkRequest(request);
    record.problems = verdict.problems;
    record.warnings = verdict.warnings;
    let status: number;
    let body: DiscordErrorBody;
    if (verdict.status === 200) {
      const files = this.checkFiles(record, trace);
      if (files.status === 200) return null;
      record.problems = files.problems;
      ({ status, body } = files.status === 413 ? { status: 413, body: { message: 'Request entity too large', code: 40005 } } : { status: 400, body: invalidFormBody(files.problems) });
    } else {
      ({ status, body } = discordError(verdict));
    }
    const refusal: SpecRefusal = { method: record.method, path: record.path, operationId: verdict.operationId, status, code: body.code, problems: record.problems, body: record.body, ...(trace ? { interaction: trace.label } : {}) };
    this.refusals.push(refusal);
    noteRefusal(this, refusal);
    if (trace) {
      const kind: TraceEvent['kind'] = callback ? 'callback' : record.method === 'POST' ? 'followup' : record.method === 'DELETE' ? 'delete' : 'edit';
      const type = isRecord(record.body) && typeof record.body.type === 'number' ? record.body.type : undefined;
      trace.reject({ kind, ...(callback && type !== undefined ? { type } : {}), status, error: body });
    }
    return { status, body };
  }

  /**
   * The files of a message body (a new message, an edit, or a callback's message), checked against
   * what was uploaded and, for an edit, the attachments the message has (see discord-attachments.ts).
   */
  private checkFiles(record: RecordedRequest, trace: Trace | null): AttachmentVerdict {
    const { method, path, body } = record;
    let message: unknown = body;
    let at = '';
    let existing: EmulatedAttachment[] = [];
    const channelEdit = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path);
    const webhookEdit = /^\/webhooks\/[^/]+\/[^/]+\/messages\/([^/]+)$/.exec(path);
    if (method === 'POST' && /^\/interactions\/[^/]+\/[^/]+\/callback$/.test(path)) {
      const type = isRecord(body) ? body.type : undefined;
      if (type !== InteractionResponseType.ChannelMessageWithSource && type !== InteractionResponseType.UpdateMessage) return record.files.length ? { status: 400, problems: [{ path: 'files', code: 'FILES_NOT_ALLOWED', message: `A callback of type ${String(type)} carries no files`, rule: 'upload.callback' }] } : { status: 200 };
      message = isRecord(body) ? body.data : undefined;
      at = 'data.';
      if (type === InteractionResponseType.UpdateMessage) existing = trace?.sourceMessage?.attachments ?? [];
    } else if (method === 'PATCH' && channelEdit) {
      existing = this.messages.get(channelEdit[1]!)?.find((m) => m.id === channelEdit[2])?.attachments ?? [];
    } else if (method === 'PATCH' && webhookEdit && trace) {
      const target = webhookEdit[1] === '@original' ? trace.original : [trace.original, ...trace.followupMessages].find((m) => m?.id === webhookEdit[1]);
      existing = target?.attachments ?? [];
    } else if (!(method === 'POST' && (/^\/channels\/\d+\/messages$/.test(path) || /^\/webhooks\/[^/]+\/[^/]+$/.test(path)))) {
      return { status: 200 };
    }
    return checkAttachments(message, record.files, existing, record.bytes, at);
  }

  private takeFault(method: string, path: string): RestFault | null {
    const rule = this.faults.find((f) => f.remaining > 0 && (!f.method || f.method === method) && f.path.test(path));
    if (!rule) return null;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.faults.splice(this.faults.indexOf(rule), 1);
    return rule.fault;
  }

  // ----- REST: commands -----

  private commandScope(scope: string): { commands: StoredCommand[]; puts: number } {
    let entry = this.commandScopes.get(scope);
    if (!entry) this.commandScopes.set(scope, (entry = { commands: [], puts: 0 }));
    return entry;
  }

  private listCommands(app: string | undefined, scope: string | undefined): Answer {
    if (app !== this.applicationId) return fail(403, 20012, 'You are not authorized to perform this action on this application');
    if (scope !== 'global' && scope !== this.guildId) return fail(403, 50001, 'Missing Access');
    return ok(this.commands(scope));
  }

  private putCommands(ctx: RestContext, app: string | undefined, scope: string | undefined): Answer {
    const refused = this.listCommands(app, scope);
    if (refused.status !== 200 || scope === undefined) return refused;
    const entry = this.commandScope(scope);
    const previous = entry.commands;
    entry.commands = records(ctx.body).map((def) => {
      const type = typeof def.type === 'number' ? def.type : 1;
      const name = String(def.name);
      const kept = previous.find((c) => c.name === name && c.type === type);
      return {
        ...def,
        id: kept?.id ?? snowflake(),
        application_id: this.applicationId,
        ...(scope === 'global' ? {} : { guild_id: scope }),
        version: snowflake(),
        type,
        name,
        description: typeof def.description === 'string' ? def.description : '',
        // Discord takes the bit set as an integer and answers it as a string.
        default_member_permissions: def.default_member_permissions === undefined || def.default_member_permissions === null ? null : String(def.default_member_permissions),
        nsfw: def.nsfw === true,
        ...(Array.isArray(def.options) ? { options: def.options as CommandOptionDef[] } : {}),
      };
    });
    entry.puts += 1;
    return ok(entry.commands);
  }

  // ----- REST: channels and messages -----

  private channel(id: string): ChannelModel | undefined {
    return this.guild.channels.get(id) ?? [...this.dmChannels.values()].find((c) => c.id === id);
  }

  private getChannel(id: string): Answer {
    const channel = this.channel(id);
    if (!channel) return fail(404, 10003, 'Unknown Channel');
    if (channel.guildId && !(permissionsIn(this.guild, this.botUserId, channel) & PermissionFlagsBits.ViewChannel)) return fail(403, 50001, 'Missing Access');
    return ok(channelPayload(channel, channel.recipientId ? this.guild.members.get(channel.recipientId)?.user : undefined));
  }

  private createChannelMessage(ctx: RestContext, channelId: string): Answer {
    const channel = this.channel(channelId);
    if (!channel) return fail(404, 10003, 'Unknown Channel');
    const body = messageBody(ctx.body);
    if (channel.guildId) {
      const P = PermissionFlagsBits;
      const permissions = permissionsIn(this.guild, this.botUserId, channel);
      if (!(permissions & P.ViewChannel)) return fail(403, 50001, 'Missing Access');
      if (!(permissions & P.SendMessages)) return fail(403, 50013, 'Missing Permissions');
      if (records(body.embeds).length && !(permissions & P.EmbedLinks)) return fail(403, 50013, 'Missing Permissions');
    } else if (this.guild.members.get(channel.recipientId ?? '')?.dmsClosed) {
      return fail(403, 50007, 'Cannot send messages to this user');
    }
    const nonceKey = body.nonce !== undefined && body.enforce_nonce === true ? `${channelId}:${String(body.nonce)}` : null;
    const seen = nonceKey ? this.nonces.get(nonceKey) : undefined;
    if (seen && Date.now() - seen.at < NONCE_WINDOW_MS) return ok(messagePayload(seen.message, this.applicationId));
    const message = this.storeMessage(channelId, channel.guildId, body, ctx.files, { type: MessageType.Default, interactionId: null, flags: body.flags ?? 0 });
    if (nonceKey) this.nonces.set(nonceKey, { message, at: Date.now() });
    return ok(messagePayload(message, this.applicationId));
  }

  private withChannelMessage(channelId: string | undefined, messageId: string | undefined, then: (m: EmulatedMessage) => Answer): Answer {
    if (!this.channel(channelId ?? '')) return fail(404, 10003, 'Unknown Channel');
    const message = this.messages.get(channelId ?? '')?.find((m) => m.id === messageId && !m.deleted);
    return message ? then(message) : unknownMessage();
  }

  private editMessage(message: EmulatedMessage, ctx: RestContext): Answer {
    const body = messageBody(ctx.body);
    applyEdit(message, body, ctx.files);
    return ok(messagePayload(message, this.applicationId));
  }

  private openDm(ctx: RestContext): Answer {
    const recipient = isRecord(ctx.body) ? String(ctx.body.recipient_id) : '';
    const member = this.guild.members.get(recipient);
    if (!member || recipient === this.botUserId) return fail(400, 50033, 'Invalid Recipient(s)');
    return ok(channelPayload(this.dmChannel(recipient), member.user));
  }

  private dmChannel(userId: string): ChannelModel {
    let channel = this.dmChannels.get(userId);
    if (!channel) this.dmChannels.set(userId, (channel = { id: snowflake(), type: ChannelType.DM, name: '', guildId: null, position: 0, overwrites: [], recipientId: userId }));
    return channel;
  }

  private storeMessage(
    channelId: string,
    guildId: string | null,
    body: MessageBody,
    files: RecordedRequest['files'],
    meta: { type: number; interactionId: string | null; flags: number },
    keep = true,
  ): EmulatedMessage {
    const message: EmulatedMessage = {
      id: snowflake(),
      channel_id: channelId,
      guild_id: guildId,
      author: this.botUser,
      content: body.content ?? '',
      embeds: [],
      components: body.components ?? [],
      allowed_mentions: body.allowed_mentions ?? null,
      nonce: body.nonce ?? null,
      flags: meta.flags,
      attachments: files.map(attachmentOf),
      type: meta.type,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      interaction_id: meta.interactionId,
      deleted: false,
    };
    message.embeds = withAttachmentUrls(message, body.embeds ?? []);
    if (keep) {
      const list = this.messages.get(channelId) ?? [];
      list.push(message);
      this.messages.set(channelId, list);
    }
    return message;
  }

  // ----- REST: interactions -----

  private traceOf(trace: InteractionTrace): Trace {
    const found = this.traces.get(trace.token);
    if (!found) throw new Error(`interaction ${trace.id} was not dispatched by this emulator`);
    return found;
  }

  private interactionCallback(ctx: RestContext, id: string, token: string): Answer {
    const trace = this.traces.get(token);
    if (!trace || trace.id !== id) return unknownInteraction();
    const body = isRecord(ctx.body) ? ctx.body : {};
    const type = typeof body.type === 'number' ? body.type : -1;
    const data = messageBody(body.data);
    const refuse = (answer: Answer): Answer => {
      trace.reject({ kind: 'callback', type, status: answer.status, error: answer.body as DiscordErrorBody });
      return answer;
    };
    if (performance.now() - trace.createdAt > INTERACTION_DEADLINE_MS) return refuse(unknownInteraction());
    if (trace.acknowledged) return refuse(fail(400, 40060, 'Interaction has already been acknowledged.'));
    const wrongType = (): Answer => refuse(formError([{ path: 'type', code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: `Callback type ${type} is not valid for a ${trace.kind} interaction` }]));
    if (trace.kind === 'autocomplete' && type !== InteractionResponseType.ApplicationCommandAutocompleteResult) return wrongType();
    const R = InteractionResponseType;
    switch (type) {
      case R.ChannelMessageWithSource: {
        trace.original = this.interactionMessage(trace, data, ctx.files, data.flags ?? 0);
        break;
      }
      case R.DeferredChannelMessageWithSource:
        trace.original = this.interactionMessage(trace, {}, [], ((data.flags ?? 0) & EPHEMERAL) | LOADING);
        break;
      case R.DeferredMessageUpdate:
      case R.UpdateMessage: {
        if (!trace.sourceMessage) return wrongType();
        if (type === R.UpdateMessage) applyEdit(trace.sourceMessage, data, ctx.files);
        trace.original = trace.sourceMessage;
        break;
      }
      case R.ApplicationCommandAutocompleteResult: {
        if (trace.kind !== 'autocomplete') return wrongType();
        trace.choicesGiven = records(data.choices).map((c) => ({ name: String(c.name), value: typeof c.value === 'number' ? c.value : String(c.value) }));
        break;
      }
      case R.Modal: {
        if (trace.kind === 'modal') return wrongType();
        trace.modalShown = { custom_id: String(data.custom_id), title: String(data.title), components: records(data.components) };
        break;
      }
      default:
        return wrongType();
    }
    trace.acknowledged = true;
    trace.record({ kind: 'callback', type, ...(trace.original && type <= R.UpdateMessage ? { messageId: trace.original.id } : {}), original: type <= R.UpdateMessage, data });
    if (ctx.query.with_response !== 'true') return noContent();
    const message = type <= R.UpdateMessage ? trace.original : null;
    return ok({
      interaction: {
        id: trace.id,
        type: trace.payload.type,
        ...(message ? { response_message_id: message.id, response_message_loading: (message.flags & LOADING) !== 0, response_message_ephemeral: (message.flags & EPHEMERAL) !== 0 } : {}),
      },
      resource: { type, ...(message ? { message: messagePayload(message, this.applicationId) } : {}) },
    });
  }

  private interactionMessage(trace: Trace, body: MessageBody, files: RecordedRequest['files'], flags: number): EmulatedMessage {
    const type = trace.kind === 'command' ? MessageType.ChatInputCommand : MessageType.Default;
    return this.storeMessage(trace.place.channelId, trace.place.guildId, body, files, { type, interactionId: trace.id, flags }, false);
  }

  private webhookTrace(app: string | undefined, token: string | undefined): Trace | null {
    const trace = this.traces.get(token ?? '');
    return app === this.applicationId && trace ? trace : null;
  }

  private followUp(ctx: RestContext, app: string | undefined, token: string | undefined): Answer {
    const trace = this.webhookTrace(app, token);
    if (!trace || !trace.acknowledged) return unknownWebhook();
    const data = messageBody(ctx.body);
    const original = trace.original;
    if (original && original.flags & LOADING && original.interaction_id === trace.id) {
      // Discord: the first follow-up after a deferred reply replaces the "thinking…" message.
      applyEdit(original, data, ctx.files);
      trace.record({ kind: 'followup', messageId: original.id, original: true, data });
      return ok(messagePayload(original, this.applicationId));
    }
    const message = this.interactionMessage(trace, data, ctx.files, data.flags ?? 0);
    trace.followupMessages.push(message);
    trace.record({ kind: 'followup', messageId: message.id, original: false, data });
    return ok(messagePayload(message, this.applicationId));
  }

  private withWebhookMessage(app: string | undefined, token: string | undefined, messageId: string | undefined, then: (m: EmulatedMessage, t: Trace) => Answer): Answer {
    const trace = this.webhookTrace(app, token);
    if (!trace) return unknownWebhook();
    const message = messageId === '@original' ? trace.original : [trace.original, ...trace.followupMessages].find((m) => m?.id === messageId);
    return message && !message.deleted ? then(message, trace) : unknownMessage();
  }

  private editWebhookMessage(ctx: RestContext, trace: Trace, message: EmulatedMessage): Answer {
    const answer = this.editMessage(message, ctx);
    if (answer.status !== 200) trace.reject({ kind: 'edit', status: answer.status, error: answer.body as DiscordErrorBody });
    else trace.record({ kind: 'edit', messageId: message.id, original: message === trace.original, data: messageBody(ctx.body) });
    return answer;
  }

  // ----- interactions: building and dispatching -----

  private place(userId: string, where: Pick<SlashOptions, 'channelId' | 'inDm' | 'guildId'>): Place {
    const member = this.guild.members.get(userId);
    if (!member) throw new Error(`unknown user ${userId}: pass it in options.users or addUser() it first`);
    if (where.inDm) {
      const dm = this.dmChannel(userId);
      return { guildId: null, channelId: dm.id, channel: channelPayload(dm, member.user) as unknown as Json, member, permissions: DM_PERMISSIONS, appPermissions: DM_PERMISSIONS };
    }
    if (where.guildId && where.guildId !== this.guildId) {
      const channelId = where.channelId ?? snowflake();
      const channel: Json = { id: channelId, type: ChannelType.GuildText, guild_id: where.guildId, name: 'elsewhere', position: 0, nsfw: false, parent_id: null, topic: null, last_message_id: null, rate_limit_per_user: 0, flags: 0 };
      return { guildId: where.guildId, channelId, channel, member, permissions: DEFAULT_EVERYONE_PERMISSIONS, appPermissions: DEFAULT_BOT_PERMISSIONS };
    }
    const channel = this.guild.channels.get(where.channelId ?? this.generalChannelId);
    if (!channel) throw new Error(`unknown channel ${where.channelId}; the guild has ${[...this.guild.channels.keys()].join(', ')}`);
    const permissions = permissionsIn(this.guild, userId, channel);
    return { guildId: this.guildId, channelId: channel.id, channel: channelPayload(channel) as unknown as Json, member, permissions, appPermissions: permissionsIn(this.guild, this.botUserId, channel) };
  }

  private findCommand(name: string, guildId: string | null): StoredCommand {
    const isChatInput = (c: StoredCommand): boolean => c.name === name && c.type === 1;
    const found = (guildId ? this.commands(guildId).find(isChatInput) : undefined) ?? this.commands('global').find(isChatInput);
    if (found) return found;
    const known = [...this.commandScopes.entries()].map(([scope, e]) => `${scope}: ${e.commands.map((c) => c.name).join(', ') || 'none'}`);
    throw new Error(`/${name} is not registered (${guildId ? `neither for guild ${guildId} nor globally` : 'globally'}); registered: ${known.join('; ') || 'nothing'}`);
  }

  /** The `data` of a command or autocomplete interaction, with options typed from the definition. */
  private commandData(def: StoredCommand, args: SlashOptions, focused: string | null, label: string): Json {
    let level: CommandOptionDef[] = def.options ?? [];
    const pick = (type: number, name: string): CommandOptionDef => {
      const found = level.find((o) => o.type === type && o.name === name);
      if (!found) throw new Error(`${label}: /${def.name} has no ${type === 1 ? 'subcommand' : 'group'} "${name}"; it has ${level.map((o) => o.name).join(', ') || 'none'}`);
      return found;
    };
    const group = args.group ? pick(ApplicationCommandOptionType.SubcommandGroup, args.group) : null;
    if (group) level = group.options ?? [];
    const sub = args.subcommand ? pick(ApplicationCommandOptionType.Subcommand, args.subcommand) : null;
    if (sub) level = sub.options ?? [];
    if (level.some((o) => o.type === 1 || o.type === 2)) throw new Error(`${label}: a subcommand is needed: ${level.map((o) => o.name).join(', ')}`);

    const resolved: { users?: Json; members?: Json; roles?: Json; channels?: Json } = {};
    const given = Object.entries(args.options ?? {});
    if (focused !== null && !given.some(([name]) => name === focused)) given.push([focused, '']);
    const options = given.map(([name, value]) => {
      const def = level.find((o) => o.name === name);
      if (!def) throw new Error(`${label}: no option "${name}"; options are ${level.map((o) => o.name).join(', ') || 'none'}`);
      if (name === focused) return { name, type: def.type, value, focused: true };
      this.checkOptionValue(label, def, value, resolved);
      return { name, type: def.type, value };
    });
    if (focused === null) {
      const missing = level.filter((o) => o.required && !given.some(([name]) => name === o.name)).map((o) => o.name);
      if (missing.length) throw new Error(`${label}: required option(s) missing: ${missing.join(', ')}`);
    }
    let tree: Json[] = options;
    if (sub) tree = [{ type: ApplicationCommandOptionType.Subcommand, name: sub.name, options: tree }];
    if (group) tree = [{ type: ApplicationCommandOptionType.SubcommandGroup, name: group.name, options: tree }];
    return {
      id: def.id,
      name: def.name,
      type: 1,
      ...(def.guild_id ? { guild_id: def.guild_id } : {}),
      ...(tree.length ? { options: tree } : {}),
      ...(Object.keys(resolved).length ? { resolved } : {}),
    };
  }

  /** Refuses what the Discord client would not let a user send; fills `resolved` for users, roles, channels. */
  private checkOptionValue(label: string, def: CommandOptionDef, value: string | number | boolean, resolved: { users?: Json; members?: Json; roles?: Json; channels?: Json }): void {
    const T = ApplicationCommandOptionType;
    const bad = (why: string): never => {
      throw new Error(`${label}: option "${def.name}" ${why}`);
    };
    const expected: Record<number, string> = { [T.String]: 'string', [T.Integer]: 'number', [T.Number]: 'number', [T.Boolean]: 'boolean' };
    const kind = expected[def.type] ?? 'string';
    if (typeof value !== kind) bad(`takes a ${kind}, got ${JSON.stringify(value)}`);
    if (def.type === T.Integer && !Number.isInteger(value)) bad(`takes an integer, got ${String(value)}`);
    if (def.choices?.length && !def.choices.some((c) => c.value === value)) bad(`must be one of ${def.choices.map((c) => JSON.stringify(c.value)).join(', ')}`);
    if (typeof value === 'number' && ((def.min_value !== undefined && value < def.min_value) || (def.max_value !== undefined && value > def.max_value))) bad(`is out of range: ${value}`);
    if (typeof value === 'string' && ((def.min_length !== undefined && value.length < def.min_length) || (def.max_length !== undefined && value.length > def.max_length))) bad(`has a bad length: ${value.length}`);
    const id = String(value);
    if (def.type === T.User || def.type === T.Mentionable) {
      const member = this.guild.members.get(id);
      if (member) {
        (resolved.users ??= {})[id] = member.user;
        const { user: _user, ...rest } = memberPayload(member);
        (resolved.members ??= {})[id] = { ...rest, permissions: permissionsIn(this.guild, id, undefined).toString() };
        return;
      }
      if (def.type === T.User) bad(`names unknown user ${id}`);
    }
    if (def.type === T.Role || def.type === T.Mentionable) {
      const role = this.guild.roles.get(id);
      if (!role) bad(`names unknown role ${id}`);
      else (resolved.roles ??= {})[id] = rolePayload(role);
    }
    if (def.type === T.Channel) {
      const channel = this.guild.channels.get(id);
      if (!channel) bad(`names unknown channel ${id}`);
      else (resolved.channels ??= {})[id] = { id, name: channel.name, type: channel.type, permissions: permissionsIn(this.guild, this.botUserId, channel).toString() };
    }
    if (def.type === T.Attachment) bad('is an attachment, which the emulator does not support');
  }

  private dispatchInteraction(type: InteractionType, kind: InteractionTrace['kind'], label: string, data: Json, place: Place, sourceMessage: EmulatedMessage | null): Trace {
    if (!this.session) throw new Error(`${label}: no bot session on the gateway yet (wait for Events.ClientReady)`);
    const id = snowflake();
    const token = interactionToken();
    const inGuild = place.guildId !== null;
    const payload: Json = {
      id,
      application_id: this.applicationId,
      type,
      data,
      token,
      version: 1,
      channel: { ...place.channel, ...(inGuild ? { permissions: place.permissions.toString() } : {}) },
      channel_id: place.channelId,
      ...(inGuild
        ? {
            guild_id: place.guildId,
            guild: { id: place.guildId, locale: 'en-US', features: [] },
            guild_locale: 'en-US',
            member: { ...memberPayload(place.member), permissions: place.permissions.toString() },
          }
        : { user: place.member.user }),
      app_permissions: place.appPermissions.toString(),
      locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: inGuild ? { '0': place.guildId } : {},
      context: inGuild ? 0 : 1,
      attachment_size_limit: 10_485_760,
      ...(sourceMessage ? { message: messagePayload(sourceMessage, this.applicationId) } : {}),
    };
    const trace = new Trace(id, token, kind, label, payload, place, sourceMessage, performance.now());
    this.traces.set(token, trace);
    this.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    return trace;
  }

  // ----- gateway -----

  private onGatewayConnection(ws: WebSocket): void {
    const connection = ++this.connections;
    ws.on('message', (raw) => this.onGatewayFrame(ws, connection, raw));
    ws.on('close', () => {
      if (this.botSocket?.ws === ws) this.botSocket = null;
    });
    ws.on('error', () => undefined);
    this.send(ws, connection, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.heartbeatIntervalMs } });
  }

  private onGatewayFrame(ws: WebSocket, connection: number, raw: RawData): void {
    let frame: GatewayFrame;
    try {
      const parsed: unknown = JSON.parse(rawText(raw));
      if (!isRecord(parsed) || typeof parsed.op !== 'number') throw new Error('no op');
      frame = { op: parsed.op, d: parsed.d };
    } catch {
      return void ws.close(4002, 'Error while decoding payload.');
    }
    this.gatewayLog.push({ direction: 'received', connection, op: frame.op, t: null, s: null, d: frame.d, at: this.now() });
    const d = isRecord(frame.d) ? frame.d : {};
    switch (frame.op) {
      case GatewayOpcodes.Heartbeat:
        return this.send(ws, connection, { op: GatewayOpcodes.HeartbeatAck });
      case GatewayOpcodes.Identify: {
        if (this.expectedToken !== null && d.token !== this.expectedToken) return void ws.close(4004, 'Authentication failed.');
        this.session = { id: randomBytes(16).toString('hex'), seq: 0, resumable: true, buffer: [] };
        this.botSocket = { ws, connection };
        const ready: GatewayReadyDispatchData = {
          v: 10,
          user: this.botUser,
          guilds: [{ id: this.guildId, unavailable: true }],
          session_id: this.session.id,
          resume_gateway_url: this.gatewayUrl,
          shard: [0, 1],
          application: { id: this.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
        };
        this.dispatch(GatewayDispatchEvents.Ready, ready);
        return this.dispatch(GatewayDispatchEvents.GuildCreate, guildCreatePayload(this.guild));
      }
      case GatewayOpcodes.Resume: {
        const session = this.session;
        if (!session || !session.resumable || d.session_id !== session.id || (this.expectedToken !== null && d.token !== this.expectedToken)) {
          return this.send(ws, connection, { op: GatewayOpcodes.InvalidSession, d: false });
        }
        this.botSocket = { ws, connection };
        const after = typeof d.seq === 'number' ? d.seq : 0;
        for (const missed of session.buffer.filter((f) => (f.s ?? 0) > after)) this.send(ws, connection, missed);
        return this.dispatch(GatewayDispatchEvents.Resumed, {});
      }
      case GatewayOpcodes.RequestGuildMembers: {
        const ids = Array.isArray(d.user_ids) ? d.user_ids.map(String) : typeof d.user_ids === 'string' ? [d.user_ids] : null;
        const query = typeof d.query === 'string' ? d.query.toLowerCase() : '';
        const members = [...this.guild.members.values()].filter((m) => (ids ? ids.includes(m.user.id) : m.user.username.toLowerCase().startsWith(query)));
        return this.dispatch(GatewayDispatchEvents.GuildMembersChunk, {
          guild_id: this.guildId,
          members: members.map(memberPayload),
          chunk_index: 0,
          chunk_count: 1,
          not_found: ids ? ids.filter((id) => !this.guild.members.has(id)) : [],
          ...(d.nonce !== undefined ? { nonce: d.nonce } : {}),
        });
      }
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
        return;
      default:
        return void ws.close(4001, 'Unknown opcode.');
    }
  }

  /** Sends a dispatch (op 0) on the bot's session; while the socket is down it is only kept for replay on RESUME. */
  private dispatch(t: GatewayDispatchEvents, d: unknown): void {
    const session = this.session;
    if (!session) throw new Error(`cannot dispatch ${t}: no gateway session`);
    const frame: GatewayFrame = { op: GatewayOpcodes.Dispatch, t, s: ++session.seq, d };
    session.buffer.push(frame);
    if (session.buffer.length > 1000) session.buffer.shift();
    if (this.botSocket) this.send(this.botSocket.ws, this.botSocket.connection, frame);
  }

  private send(ws: WebSocket, connection: number, frame: GatewayFrame): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    this.gatewayLog.push({ direction: 'sent', connection, op: frame.op, t: frame.t ?? null, s: frame.s ?? null, d: frame.d ?? null, at: this.now() });
    ws.send(JSON.stringify(frame));
  }

  // ----- small helpers -----

  private now(): number {
    return Math.round((performance.now() - this.origin) * 10) / 10;
  }

  private requirePort(): number {
    if (!this.port) throw new Error('DiscordEmulator: call start() first');
    return this.port;
  }
}

/** Applies an edit (PATCH body, or an update callback's data) to a stored message. */
function applyEdit(message: EmulatedMessage, body: MessageBody, files: RecordedRequest['files']): void {
  const wasLoading = (message.flags & LOADING) !== 0;
  if (body.content !== undefined) message.content = body.content ?? '';
  if (body.embeds !== undefined) message.embeds = body.embeds ?? [];
  if (body.components !== undefined) message.components = body.components ?? [];
  if (body.allowed_mentions !== undefined) message.allowed_mentions = body.allowed_mentions;
  if (body.attachments !== undefined) {
    const keep = new Set(records(body.attachments).map((a) => String(a.id)));
    message.attachments = message.attachments.filter((a) => keep.has(a.id));
  }
  message.attachments.push(...files.map(attachmentOf));
  if (body.embeds !== undefined) message.embeds = withAttachmentUrls(message, message.embeds);
  const fixed = message.flags & EPHEMERAL;
  const rest = body.flags !== undefined ? body.flags : message.flags;
  message.flags = fixed | (rest & ~(EPHEMERAL | LOADING));
  if (!wasLoading) message.edited_timestamp = new Date().toISOString();
}

/** An uploaded file as the message's attachment (bytes kept for tests). */
function attachmentOf(f: UploadedFile): EmulatedAttachment {
  return { id: snowflake(), filename: f.filename, size: f.size, content_type: f.contentType, data: f.data };
}

/** The embeds with `attachment://name` turned into the URL of the message's attachment of that name, as Discord stores them. */
function withAttachmentUrls(message: EmulatedMessage, embeds: APIEmbed[]): APIEmbed[] {
  return embeds.map((e) =>
    resolveAttachmentUrls(e, (name) => {
      const a = [...message.attachments].reverse().find((x) => x.filename === name);
      return a ? attachmentUrl(message.channel_id, a) : null;
    }),
  );
}

function faultAnswer(fault: RestFault): Answer {
  if (fault.status === 400) return fail(400, fault.code ?? 50035, 'Invalid Form Body');
  if (fault.status !== 429) return fail(fault.status, 0, `${fault.status}: emulated server error`);
  const seconds = fault.retryAfterSeconds ?? 1;
  const scope = fault.global ? 'global' : 'user';
  return {
    status: 429,
    body: { message: 'You are being rate limited.', retry_after: seconds, global: fault.global === true, code: fault.global ? 0 : 20028 },
    headers: {
      'retry-after': String(seconds),
      'x-ratelimit-scope': scope,
      ...(fault.global ? { 'x-ratelimit-global': 'true' } : { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': String(seconds), 'x-ratelimit-reset': String(Date.now() / 1000 + seconds) }),
    },
  };
}

async function parseBody(raw: Buffer, contentType: string): Promise<{ body: unknown; files: UploadedFile[]; bytes: number; invalid: boolean; multipart: boolean }> {
  const multipart = contentType.includes('multipart/form-data');
  const bytes = raw.length;
  if (raw.length === 0) return { body: null, files: [], bytes, invalid: false, multipart };
  try {
    if (contentType.includes('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
      const files: UploadedFile[] = [];
      let body: unknown = null;
      for (const [field, value] of form.entries()) {
        if (typeof value !== 'string') files.push({ field, filename: value.name, contentType: value.type || null, size: value.size, data: Buffer.from(await value.arrayBuffer()) });
        else if (field === 'payload_json') body = JSON.parse(value);
      }
      return { body, files, bytes, invalid: false, multipart };
    }
    return { body: JSON.parse(raw.toString('utf8')), files: [], bytes, invalid: false, multipart };
  } catch {
    return { body: raw.toString('utf8'), files: [], bytes, invalid: true, multipart };
  }
}

function rawText(raw: RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw instanceof ArrayBuffer ? new Uint8Array(raw) : raw).toString('utf8');
}
