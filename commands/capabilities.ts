import { MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { NO_MENTIONS, type BotContext, type SlashCommand } from '../src/discord/context.js';
import { capabilitiesEmbed } from '../src/discord/views.js';

const listDefinition = new SlashCommandBuilder().setName('capabilities').setDescription('What Steward can automate, with the inputs each takes').setDMPermission(false);

async function list(i: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  await i.reply({ embeds: [capabilitiesEmbed(ctx.service.capabilities())], flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}

export const capabilitiesCommand: SlashCommand = { definition: listDefinition.toJSON(), execute: list };
