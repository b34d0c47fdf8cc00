import { actorOf, EPHEMERAL, type Subcommand } from '../../src/discord/context.js';
import { detailsReply } from '../../src/discord/replies.js';
import { nameOption, refOption } from './options.js';

/** `/automation show`: everything about one automation, with its buttons and the chart of its recent runs. */
export const show: Subcommand = {
  name: 'show',
  define: (s) => nameOption(s.setDescription('Everything about one automation')),
  async execute(i, ctx) {
    const ref = refOption(i);
    const plan = ctx.service.chartPlan(actorOf(i, ctx.config), ref); // "not found" is said at once
    if (plan.spec === null) {
      await i.reply({ ...detailsReply(i, ctx, ref, await ctx.service.drawChart(plan)), ...EPHEMERAL });
      return;
    }
    // Drawing takes tens of milliseconds, more on a busy machine: answer "thinking…" within Discord's 3 s first.
    await i.deferReply({ flags: EPHEMERAL.flags });
    const chart = await ctx.service.drawChart(plan);
    await i.editReply(detailsReply(i, ctx, ref, chart));
  },
};
