import { actorOf, EPHEMERAL, type Subcommand } from '../../src/discord/context.js';
import { cut, discordTime, LIMITS } from '../../src/discord/limits.js';
import { md } from '../../src/discord/views.js';
import { nameOption, refOption } from './options.js';

/** `/automation resume`: says when it runs next. */
export const resume: Subcommand = {
  name: 'resume',
  define: (s) => nameOption(s.setDescription('Resume a paused automation')),
  async execute(i, ctx) {
    const a = ctx.service.resume(actorOf(i, ctx.config), refOption(i));
    const next = a.nextRunAt ? `next run ${discordTime(a.nextRunAt, 'F')} (${discordTime(a.nextRunAt, 'R')})` : 'it runs when you run it';
    await i.reply({ content: cut(`▶️ Resumed **${md(a.name)}**: ${next}.`, LIMITS.content), ...EPHEMERAL });
  },
};
