import { actorOf, EPHEMERAL, guildCommand, type SlashCommand } from '../src/discord/context.js';
import { budgetEmbed } from '../src/discord/views.js';

/** `/budget`: LLM spend against the caps. */
export const budgetCommand: SlashCommand = {
  definition: guildCommand('budget', 'LLM spend today and this month against the caps').toJSON(),
  async execute(i, ctx) {
    await i.reply({ embeds: [budgetEmbed(ctx.service.budget(actorOf(i, ctx.config)))], ...EPHEMERAL });
  },
};
