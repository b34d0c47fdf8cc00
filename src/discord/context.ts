import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type ModalSubmitInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Actor, AutomationRef, AutomationService } from '../automations/service.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { StewardError } from '../errors.js';
import type { Logger } from '../logger.js';
import { cut, LIMITS } from './limits.js';

/** What every command handler gets. */
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
  /** Buttons and modals whose custom id starts with `<prefix>:`. */
  components?: {
    prefix: string;
    button?(interaction: ButtonInteraction, ctx: BotContext, args: string[]): Promise<void>;
    modal?(interaction: ModalSubmitInteraction, ctx: BotContext, args: string[]): Promise<void>;
  };
}

/** Nobody is mentioned by what the bot writes: alert text and names cannot ping anyone. */
export const NO_MENTIONS = { parse: [] as never[] };

/** The person behind an interaction: a manager when they hold MANAGER_ROLE_ID or are in OWNER_IDS. */
export function actorOf(interaction: Interaction, config: Config): Actor {
  const userId = interaction.user.id;
  const roles = interaction.member?.roles;
  const roleIds = Array.isArray(roles) ? roles : roles ? [...roles.cache.keys()] : [];
  const manager = config.OWNER_IDS.includes(userId) || (config.MANAGER_ROLE_ID !== undefined && roleIds.includes(config.MANAGER_ROLE_ID));
  return { userId, guildId: interaction.guildId, manager };
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

/** Answers with an ephemeral error, whatever state the interaction is in. */
export async function replyError(interaction: RepliableInteraction, message: string): Promise<void> {
  const content = cut(`❌ ${message}`, LIMITS.content);
  if (interaction.deferred || interaction.replied) {
    await interaction.editReply({ content, embeds: [], components: [] });
  } else {
    await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
  }
}

const AUTOMATION_BUTTONS = {
  show: ['Show', ButtonStyle.Secondary],
  pause: ['Pause', ButtonStyle.Secondary],
  resume: ['Resume', ButtonStyle.Success],
  run: ['Run now', ButtonStyle.Primary],
  delete: ['Delete', ButtonStyle.Danger],
} as const;

/** A button acting on one automation; its custom id (`a:<action>:<id>`) is what commands/automation.ts handles. */
export function automationButton(action: keyof typeof AUTOMATION_BUTTONS, id: number): ButtonBuilder {
  const [label, style] = AUTOMATION_BUTTONS[action];
  return new ButtonBuilder().setCustomId(`a:${action}:${id}`).setLabel(label).setStyle(style);
}

/** The buttons under an automation's details. */
export function automationButtons(id: number, status: string): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    automationButton(status === 'paused' ? 'resume' : 'pause', id),
    automationButton('run', id),
    automationButton('delete', id),
  );
}
