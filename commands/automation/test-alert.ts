import { actorOf, EPHEMERAL, type Subcommand } from '../../src/discord/context.js';
import { cut, discordTime, LIMITS } from '../../src/discord/limits.js';
import { nameOption, refOption } from './options.js';

/** `/automation test-alert`: on which of the last 20 outputs a condition would have fired. */
export const testAlert: Subcommand = {
  name: 'test-alert',
  define: (s) =>
    nameOption(s.setDescription('Try an alert condition on the last 20 outputs')).addStringOption((o) =>
      o.setName('alert').setDescription('The condition to try, e.g. price < 100').setRequired(true).setMaxLength(1000),
    ),
  async execute(i, ctx) {
    const result = ctx.service.testAlert(actorOf(i, ctx.config), refOption(i), i.options.getString('alert', true));
    const which = result.matched.map((r) => `#${r.id} ${discordTime(r.startedAt, 'f')}`).join(', ');
    const text =
      result.tried === 0
        ? 'No succeeded runs to try it on yet: run the automation first (`/automation run`).'
        : `It would have fired on **${result.matched.length} of the last ${result.tried}** runs${which ? `: ${which}` : '.'}`;
    await i.reply({ content: cut(text, LIMITS.content), ...EPHEMERAL });
  },
};
