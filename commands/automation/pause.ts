import { actorOf, EPHEMERAL, type Subcommand } from '../../src/discord/context.js';
import { cut, LIMITS } from '../../src/discord/limits.js';
import { md } from '../../src/discord/views.js';
import { nameOption, refOption } from './options.js';

/** `/automation pause`. */
export const pause: Subcommand = {
  name: 'pause',
  define: (s) => nameOption(s.setDescription('Pause an automation')),
  async execute(i, ctx) {
    const a = ctx.service.pause(actorOf(i, ctx.config), refOption(i));
    await i.reply({ content: cut(`⏸️ Paused **${md(a.name)}**. \`/automation resume\` starts it again.`, LIMITS.content), ...EPHEMERAL });
  },
};
