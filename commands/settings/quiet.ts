import { ValidationError } from '../../src/errors.js';
import { actorOf, EPHEMERAL, type Subcommand } from '../../src/discord/context.js';
import { quietHoursReplyText, quietHoursText } from '../../src/discord/views.js';

/** `/settings quiet`: the person's quiet hours (`from`/`to` in their time zone, `urgent`), `off:true` to end them, nothing to see them. */
export const quiet: Subcommand = {
  name: 'quiet',
  define: (s) =>
    s
      .setDescription('Quiet hours: your alerts wait and arrive as one digest when they end')
      .addStringOption((o) => o.setName('from').setDescription('Start, 24-hour clock in your time zone, e.g. 22:00').setMaxLength(10))
      .addStringOption((o) => o.setName('to').setDescription('End, e.g. 07:00').setMaxLength(10))
      .addBooleanOption((o) => o.setName('urgent').setDescription('Pause notices go out at once (default: they wait too)'))
      .addBooleanOption((o) => o.setName('off').setDescription('Turn quiet hours off (what they held arrives now)')),
  async execute(i, ctx) {
    const actor = actorOf(i, ctx.config);
    const from = i.options.getString('from');
    const to = i.options.getString('to');
    if (i.options.getBoolean('off') === true) {
      const { released } = ctx.service.quietHoursOff(actor);
      const held = released > 0 ? ` The ${released === 1 ? 'notice' : `${released} notices`} they held ${released === 1 ? 'arrives' : 'arrive'} now, in one digest.` : '';
      await i.reply({ content: `🔔 Quiet hours are off: alerts arrive as they happen.${held}`, ...EPHEMERAL });
      return;
    }
    if (from === null && to === null) {
      const current = ctx.service.quietHoursOf(actor.userId);
      await i.reply({ content: current ? `Your quiet hours: ${quietHoursText(current)}. \`/settings quiet off:true\` ends them.` : 'You have no quiet hours. Set them with `/settings quiet from:22:00 to:07:00`.', ...EPHEMERAL });
      return;
    }
    if (from === null || to === null) throw new ValidationError(from === null ? 'from' : 'to', 'give both from and to, e.g. `/settings quiet from:22:00 to:07:00`');
    const set = ctx.service.setQuietHours(actor, { from, to, urgent: i.options.getBoolean('urgent') === true });
    await i.reply({ content: quietHoursReplyText(set), ...EPHEMERAL });
  },
};
