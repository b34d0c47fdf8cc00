import { PermissionFlagsBits, type AutocompleteInteraction } from 'discord.js';
import { commandOf, guildCommand, type BotContext, type SlashCommand } from '../../src/discord/context.js';
import { LIMITS } from '../../src/discord/limits.js';
import { demote } from './demote.js';
import { promote } from './promote.js';

async function autocomplete(i: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const text = String(i.options.getFocused()).toLowerCase();
  await i.respond(
    ctx.service
      .capabilities()
      .filter((c) => c.skill && c.name.includes(text))
      .slice(0, LIMITS.choices)
      .map((c) => ({ name: `${c.name} (${c.skill!.state})`, value: c.name })),
  );
}

/**
 * `/capability`, for managers only: Discord hides it from members without Manage Server (a
 * server admin can allow it for the manager role under Integrations), and Steward refuses anyone
 * else who reaches it.
 */
export const capabilityCommand: SlashCommand = commandOf(
  guildCommand('capability', 'Managers: move a capability between its local skill and the model').setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild),
  [promote, demote],
  autocomplete,
);
