import type { ChatInputCommandInteraction, SlashCommandSubcommandBuilder } from 'discord.js';
import { SKILL_STATES, type SkillState } from '../../src/capabilities/types.js';
import { actorOf, EPHEMERAL, type BotContext } from '../../src/discord/context.js';

const STATE_CHOICES = SKILL_STATES.map((s) => ({ name: s, value: s }));

/** The options promote and demote share: which capability, and the state (default `fallback`). */
export function skillStateOptions(s: SlashCommandSubcommandBuilder, fallback: SkillState): SlashCommandSubcommandBuilder {
  return s
    .addStringOption((o) => o.setName('name').setDescription('Capability').setRequired(true).setAutocomplete(true))
    .addStringOption((o) => o.setName('state').setDescription(`Default: ${fallback}`).addChoices(...STATE_CHOICES));
}

/** Moves the capability's skill to the state given (or `fallback`) and says which path its runs take now. */
export async function changeSkillState(i: ChatInputCommandInteraction, ctx: BotContext, fallback: SkillState): Promise<void> {
  const state = SKILL_STATES.find((s) => s === i.options.getString('state')) ?? fallback;
  const record = ctx.service.setSkillState(actorOf(i, ctx.config), i.options.getString('name', true), state);
  await i.reply({
    content: `**${record.name}**'s skill is now \`${state}\`: from its next run it goes ${record.path === 'skill' ? 'through the local skill' : 'through the model'}.`,
    ...EPHEMERAL,
  });
}
