import { MessageFlags, SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { SKILL_STATES, type SkillState } from '../src/capabilities/types.js';
import { actorOf, NO_MENTIONS, type BotContext, type SlashCommand } from '../src/discord/context.js';

const STATE_CHOICES = SKILL_STATES.map((s) => ({ name: s, value: s }));

const manageDefinition = new SlashCommandBuilder()
  .setName('capability')
  .setDescription('Managers: move a capability between its local skill and the model')
  .setDMPermission(false)
  .addSubcommand((s) =>
    s
      .setName('promote')
      .setDescription('Run it with its local skill from the next run on')
      .addStringOption((o) => o.setName('name').setDescription('Capability').setRequired(true).setAutocomplete(true))
      .addStringOption((o) => o.setName('state').setDescription('Default: trusted').addChoices(...STATE_CHOICES)),
  )
  .addSubcommand((s) =>
    s
      .setName('demote')
      .setDescription('Run it through the model from the next run on')
      .addStringOption((o) => o.setName('name').setDescription('Capability').setRequired(true).setAutocomplete(true))
      .addStringOption((o) => o.setName('state').setDescription('Default: sandbox').addChoices(...STATE_CHOICES)),
  );

async function manage(i: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const promote = i.options.getSubcommand() === 'promote';
  const state = (i.options.getString('state') ?? (promote ? 'trusted' : 'sandbox')) as SkillState;
  const record = ctx.service.setSkillState(actorOf(i, ctx.config), i.options.getString('name', true), state);
  await i.reply({
    content: `**${record.name}**'s skill is now \`${state}\`: from its next run it goes ${state === 'trusted' || state === 'shadow_primary' ? 'through the local skill' : 'through the model'}.`,
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_MENTIONS,
  });
}

async function autocomplete(i: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const text = String(i.options.getFocused()).toLowerCase();
  await i.respond(
    ctx.service
      .capabilities()
      .filter((c) => c.skill && c.name.includes(text))
      .slice(0, 25)
      .map((c) => ({ name: `${c.name} (${c.skill!.state})`, value: c.name })),
  );
}

export const capabilityCommand: SlashCommand = { definition: manageDefinition.toJSON(), execute: manage, autocomplete };
