import { MessageFlags, type Interaction } from 'discord.js';
import { errorText, NO_MENTIONS, replyError, type BotContext, type SlashCommand } from './context.js';

type Components = NonNullable<SlashCommand['components']>;

/**
 * Sends each interaction to its command, button or modal handler. Refuses (ephemerally) in DMs,
 * in other guilds than GUILD_ID, and while shutting down; turns every error into an ephemeral
 * reply that says what was wrong.
 */
export class InteractionRouter {
  private readonly commands: Map<string, SlashCommand>;
  private readonly components: Map<string, Components>;
  private accepting = true;

  constructor(
    commands: readonly SlashCommand[],
    extraComponents: readonly Components[],
    private readonly ctx: BotContext,
  ) {
    this.commands = new Map(commands.map((c) => [c.definition.name, c]));
    this.components = new Map([...commands.flatMap((c) => (c.components ? [c.components] : [])), ...extraComponents].map((c) => [c.prefix, c]));
  }

  /** Stop taking commands (shutdown): each one gets a short "restarting" answer. */
  stopAccepting(): void {
    this.accepting = false;
  }

  async handle(interaction: Interaction): Promise<void> {
    const { logger, config } = this.ctx;
    try {
      if (interaction.isAutocomplete()) {
        const command = this.commands.get(interaction.commandName);
        const allowed = this.accepting && interaction.inGuild() && (!config.GUILD_ID || interaction.guildId === config.GUILD_ID);
        await (allowed && command?.autocomplete ? command.autocomplete(interaction, this.ctx) : interaction.respond([]));
        return;
      }
      if (!interaction.isChatInputCommand() && !interaction.isButton() && !interaction.isModalSubmit()) return;
      const refusal = this.refusal(interaction);
      if (refusal) {
        await interaction.reply({ content: refusal, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
        return;
      }
      logger.debug({ event: 'interaction', kind: interaction.type, user: interaction.user.id }, 'interaction');
      if (interaction.isChatInputCommand()) {
        const command = this.commands.get(interaction.commandName);
        if (!command) throw new Error(`no handler for /${interaction.commandName}`);
        await command.execute(interaction, this.ctx);
        return;
      }
      const [prefix = '', ...args] = interaction.customId.split(':');
      const handler = this.components.get(prefix);
      const run = interaction.isButton() ? handler?.button?.bind(handler, interaction) : handler?.modal?.bind(handler, interaction);
      if (!run) throw new Error(`no handler for component ${interaction.customId}`);
      await run(this.ctx, args);
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
    if (!this.accepting) return 'Steward is restarting: try again in a minute.';
    if (!interaction.inGuild()) return 'Steward works in its server, not in direct messages: use the commands there.';
    if (this.ctx.config.GUILD_ID && interaction.guildId !== this.ctx.config.GUILD_ID) return 'Steward is not set up for this server.';
    return null;
  }
}
