import type { Interaction } from 'discord.js';
import { placeRefusal } from '../automations/access.js';
import { StaleComponentError } from '../errors.js';
import { EPHEMERAL, errorText, replyError, type BotContext, type SlashCommand } from './context.js';
import { prefixOf } from './interactions/custom-id.js';
import type { ComponentHandler } from './interactions/handler.js';

/**
 * Sends each interaction to its command, button or form handler. Refuses (ephemerally) in DMs
 * (except the buttons of Steward's messages there), in other servers than GUILD_ID, and while shutting down; turns every error into an ephemeral
 * reply that says what was wrong.
 */
export class InteractionRouter {
  private readonly commands: Map<string, SlashCommand>;
  private readonly components: Map<string, ComponentHandler>;
  private accepting = true;

  constructor(
    commands: readonly SlashCommand[],
    components: readonly ComponentHandler[],
    private readonly ctx: BotContext,
  ) {
    this.commands = new Map(commands.map((c) => [c.definition.name, c]));
    this.components = new Map(components.map((c) => [`${c.kind}:${c.prefix}`, c]));
  }

  /** Stop taking commands (shutdown): each one gets a short "restarting" answer. */
  stopAccepting(): void {
    this.accepting = false;
  }

  async handle(interaction: Interaction): Promise<void> {
    const { logger } = this.ctx;
    try {
      if (interaction.isAutocomplete()) {
        const command = this.commands.get(interaction.commandName);
        const allowed = this.accepting && this.refusal(interaction) === null;
        await (allowed && command?.autocomplete ? command.autocomplete(interaction, this.ctx) : interaction.respond([]));
        return;
      }
      if (!interaction.isChatInputCommand() && !interaction.isButton() && !interaction.isModalSubmit()) return;
      const handler = interaction.isChatInputCommand() ? undefined : this.components.get(`${interaction.isButton() ? 'button' : 'modal'}:${prefixOf(interaction.customId)}`);
      // Buttons on Steward's own messages in DMs (alerts, pause notices) work there; the service checks the owner as anywhere.
      const inDm = !interaction.inGuild() && handler?.inDirectMessages === true;
      const refusal = !this.accepting ? 'Steward is restarting: try again in a minute.' : inDm ? null : this.refusal(interaction);
      if (refusal) {
        await interaction.reply({ content: refusal, ...EPHEMERAL });
        return;
      }
      logger.debug({ event: 'interaction', kind: interaction.type, user: interaction.user.id }, 'interaction');
      if (interaction.isChatInputCommand()) {
        const command = this.commands.get(interaction.commandName);
        if (!command) throw new Error(`no handler for /${interaction.commandName}`);
        await command.execute(interaction, this.ctx);
        return;
      }
      if (!handler) throw new StaleComponentError(interaction.customId);
      if (handler.kind === 'button' && interaction.isButton()) await handler.handle(interaction, this.ctx);
      else if (handler.kind === 'modal' && interaction.isModalSubmit()) await handler.handle(interaction, this.ctx);
    } catch (error) {
      if (interaction.isAutocomplete()) {
        logger.warn({ event: 'autocomplete_failed', err: error }, 'autocomplete failed');
        if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
        return;
      }
      if (interaction.isChatInputCommand() || interaction.isButton() || interaction.isModalSubmit()) {
        await replyError(interaction, errorText(error, this.ctx, interaction.isChatInputCommand() ? `/${interaction.commandName}` : interaction.customId)).catch(
          (again: unknown) => logger.error({ event: 'reply_failed', err: again }, 'could not answer an interaction'),
        );
      }
    }
  }

  private refusal(interaction: Interaction): string | null {
    return placeRefusal(interaction.inGuild() ? interaction.guildId : null, this.ctx.config.GUILD_ID);
  }
}
