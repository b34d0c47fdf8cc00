import type { AutocompleteInteraction } from 'discord.js';
import { commandOf, guildCommand, type SlashCommand } from '../../src/discord/context.js';
import { timezoneChoices } from '../../src/discord/timezones.js';
import { quiet } from './quiet.js';
import { timezone } from './timezone.js';

async function autocomplete(i: AutocompleteInteraction): Promise<void> {
  await i.respond(timezoneChoices(String(i.options.getFocused())));
}

/** `/settings`: a person's own settings. */
export const settingsCommand: SlashCommand = commandOf(guildCommand('settings', 'Your own settings'), [timezone, quiet], autocomplete);
