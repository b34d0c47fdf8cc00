import { actorOf, EPHEMERAL, type BotContext } from '../context.js';
import { rawOutputText } from '../views.js';
import { buttonHandler } from './handler.js';

/** "Output" under an alert or a run (`out:<run id>`): the run's raw output, to its owner and managers only, seen by them alone (in DMs too). */
export const runOutputHandler = buttonHandler('out', async (i, ctx: BotContext, { run }) => {
  const view = ctx.service.runOutput(actorOf(i, ctx.config), run);
  await i.reply({ content: rawOutputText(view), ...EPHEMERAL });
}, { inDirectMessages: true });
