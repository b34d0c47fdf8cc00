import {
  ActionRowBuilder,
  InteractionContextType,
  type ButtonBuilder,
  MessageFlags,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type ModalSubmitInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type SlashCommandSubcommandBuilder,
} from 'discord.js';
import { actorFrom, type Actor } from '../automations/access.js';
import type { AutomationRef, AutomationService } from '../automations/service.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { StewardError } from '../errors.js';
import type { Logger } from '../logger.js';
import { cut, LIMITS } from './limits.js';

/** What every command and component handler gets. */
export interface BotContext {
  service: AutomationService;
  config: Config;
  logger: Logger;
  clock: Clock;
}

export type RepliableInteraction = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

/** One slash command: its definition and its handlers. */
export interface SlashCommand {
  definition: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
}

/** One subcommand, in its own file: its part of the definition and what it does. */
export interface Subcommand {
  name: string;
  define(builder: SlashCommandSubcommandBuilder): SlashCommandSubcommandBuilder;
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
}

/** A slash command only usable in servers (never in DMs). */
export function guildCommand(name: string, description: string): SlashCommandBuilder {
  return new SlashCommandBuilder().setName(name).setDescription(description).setContexts(InteractionContextType.Guild);
}

/** A command made of subcommands: the definition put together from them, and execute dispatching to the one invoked. */
export function commandOf(
  builder: SlashCommandBuilder,
  subcommands: readonly Subcommand[],
  autocomplete?: SlashCommand['autocomplete'],
): SlashCommand {
  const byName = new Map(subcommands.map((s) => [s.name, s]));
  for (const s of subcommands) builder.addSubcommand((b) => s.define(b.setName(s.name)));
  return {
    definition: builder.toJSON(),
    execute: async (i, ctx) => {
      const sub = byName.get(i.options.getSubcommand());
      if (!sub) throw new Error(`no handler for /${i.commandName} ${i.options.getSubcommand()}`);
      await sub.execute(i, ctx);
    },
    ...(autocomplete ? { autocomplete } : {}),
  };
}

/** Nobody is mentioned by what the bot writes: alert text and names cannot ping anyone. */
export const NO_MENTIONS = { parse: [] as never[] };

/** Reply options of an answer only the person sees. */
export const EPHEMERAL = { flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS } as const;

/** The person behind an interaction, as the access rules see them. */
export function actorOf(interaction: Interaction, config: Config): Actor {
  const roles = interaction.member?.roles;
  const roleIds = Array.isArray(roles) ? roles : roles ? [...roles.cache.keys()] : [];
  return actorFrom(
    { userId: interaction.user.id, guildId: interaction.guildId, roleIds, guildOwnerId: interaction.guild?.ownerId ?? null },
    { ownerIds: config.OWNER_IDS, managerRoleId: config.MANAGER_ROLE_ID },
  );
}

/** An automation named in an option: `#12` (what autocomplete fills in) is an id, anything else a name. */
export function parseRef(value: string): AutomationRef {
  const id = /^#(\d+)$/.exec(value.trim());
  return id ? Number(id[1]) : value.trim();
}

/** A StewardError's message, or a generic line (the details go to the log, not to the person). */
export function errorText(error: unknown, ctx: BotContext, where: string): string {
  if (error instanceof StewardError) return error.message;
  ctx.logger.error({ event: 'interaction_failed', where, err: error }, 'interaction handler failed');
  return 'Something went wrong on our side; it is logged. Try again in a moment.';
}

/** Answers with an ephemeral error, whatever state the interaction is in; `components` (e.g. "Edit again") go under it. */
export async function replyError(interaction: RepliableInteraction, message: string, components: ActionRowBuilder<ButtonBuilder>[] = []): Promise<void> {
  const content = cut(`❌ ${message}`, LIMITS.content);
  if (interaction.deferred || interaction.replied) {
    await interaction.editReply({ content, embeds: [], components });
  } else {
    await interaction.reply({ content, components, ...EPHEMERAL });
  }
}
