import { MessageFlags, SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { actorOf, NO_MENTIONS, type BotContext, type SlashCommand } from '../src/discord/context.js';
import { timezoneChoices } from '../src/discord/timezones.js';

const definition = new SlashCommandBuilder()
  .setName('settings')
  .setDescription('Your own settings')
  .setDMPermission(false)
  .addSubcommand((s) =>
    s
      .setName('timezone')
      .setDescription('Your default time zone for new automations')
      .addStringOption((o) => o.setName('zone').setDescription('IANA time zone, e.g. Europe/Berlin').setRequired(true).setAutocomplete(true)),
  );

async function execute(i: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const zone = ctx.service.setTimezone(actorOf(i, ctx.config), i.options.getString('zone', true));
  await i.reply({
    content: `🕘 Your time zone is now **${zone}**: automations you create without a time zone use it. (Discord shows times in your own clock anyway.)`,
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_MENTIONS,
  });
}

async function autocomplete(i: AutocompleteInteraction): Promise<void> {
  await i.respond(timezoneChoices(String(i.options.getFocused())));
}

export const settingsCommand: SlashCommand = { definition: definition.toJSON(), execute, autocomplete };
