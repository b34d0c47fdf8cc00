import { actorOf, EPHEMERAL, type Subcommand } from '../../src/discord/context.js';

/** `/settings timezone`: the person's default time zone for what they create. */
export const timezone: Subcommand = {
  name: 'timezone',
  define: (s) =>
    s
      .setDescription('Your default time zone for new automations')
      .addStringOption((o) => o.setName('zone').setDescription('IANA time zone, e.g. Europe/Berlin').setRequired(true).setAutocomplete(true)),
  async execute(i, ctx) {
    const zone = ctx.service.setTimezone(actorOf(i, ctx.config), i.options.getString('zone', true));
    await i.reply({
      content: `🕘 Your time zone is now **${zone}**: automations you create without a time zone use it. (Discord shows times in your own clock anyway.)`,
      ...EPHEMERAL,
    });
  },
};
