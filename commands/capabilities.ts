import { EPHEMERAL, guildCommand, type SlashCommand } from '../src/discord/context.js';
import { capabilitiesEmbed } from '../src/discord/views.js';

/** `/capabilities`: what can be automated, with the inputs each takes and the evidence behind each skill's state. */
export const capabilitiesCommand: SlashCommand = {
  definition: guildCommand('capabilities', 'What Steward can automate, with the inputs each takes').toJSON(),
  async execute(i, ctx) {
    await i.reply({ embeds: [capabilitiesEmbed(ctx.service.capabilityReport())], ...EPHEMERAL });
  },
};
