import { MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { actorOf, NO_MENTIONS, type BotContext, type SlashCommand } from '../src/discord/context.js';
import { budgetEmbed } from '../src/discord/views.js';

const definition = new SlashCommandBuilder().setName('budget').setDescription('LLM spend today and this month against the caps').setDMPermission(false);

async function execute(i: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  await i.reply({ embeds: [budgetEmbed(ctx.service.budget(actorOf(i, ctx.config)))], flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}

export const budgetCommand: SlashCommand = { definition: definition.toJSON(), execute };
