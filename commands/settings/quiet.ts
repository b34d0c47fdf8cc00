import { actorOf, EPHEMERAL, type Subcommand } from '../../src/discord/context.js';
import { quietHoursOffText, quietHoursReplyText, quietHoursShownText } from '../../src/discord/views.js';

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
    let content: string;
    if (i.options.getBoolean('off') === true) content = quietHoursOffText(ctx.service.quietHoursOff(actor).released);
    else if (from === null && to === null) content = quietHoursShownText(ctx.service.quietHoursOf(actor.userId));
    else content = quietHoursReplyText(ctx.service.setQuietHours(actor, { from, to, urgent: i.options.getBoolean('urgent') === true }));
    await i.reply({ content, ...EPHEMERAL });
  },
};
