import { actorOf, EPHEMERAL, type Subcommand } from '../../src/discord/context.js';
import { runsEmbed } from '../../src/discord/views.js';
import { nameOption, refOption } from './options.js';

/** `/automation runs`: the recent runs of one automation. */
export const runs: Subcommand = {
  name: 'runs',
  define: (s) =>
    nameOption(s.setDescription('Recent runs of an automation')).addIntegerOption((o) =>
      o.setName('limit').setDescription('How many (default 10)').setMinValue(1).setMaxValue(25),
    ),
  async execute(i, ctx) {
    const { automation, runs: recent } = ctx.service.recentRuns(actorOf(i, ctx.config), refOption(i), i.options.getInteger('limit') ?? 10);
    await i.reply({ embeds: [runsEmbed(automation, recent)], ...EPHEMERAL });
  },
};
