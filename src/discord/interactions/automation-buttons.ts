import { actorOf, EPHEMERAL, type BotContext } from '../context.js';
import { cut, LIMITS } from '../limits.js';
import { askDeleteReply, detailsReply, runNowReply, showReply } from '../replies.js';
import { md } from '../views.js';
import { buttonHandler } from './handler.js';

/** The buttons on an automation's details, its notices (in DMs too) and the delete question (`a:<action>:<id>`). */
export const automationButtonsHandler = buttonHandler('a', async (i, ctx: BotContext, { action, id }) => {
  const actor = actorOf(i, ctx.config);
  // On the details message the buttons change it in place; on a notice they answer apart.
  const onDetails = i.message.embeds[0]?.footer?.text?.startsWith(`#${id} `) ?? false;
  switch (action) {
    case 'show':
      return showReply(i, ctx, id);
    case 'pause':
    case 'resume': {
      const a = action === 'pause' ? ctx.service.pause(actor, id) : ctx.service.resume(actor, id);
      if (onDetails) await i.update(detailsReply(i, ctx, id));
      else await i.reply({ content: cut(`${action === 'pause' ? '⏸️ Paused' : '▶️ Resumed'} **${md(a.name)}**.`, LIMITS.content), ...EPHEMERAL });
      return;
    }
    case 'run':
      return runNowReply(i, ctx, id);
    case 'delete':
      return askDeleteReply(i, ctx, id);
    case 'delete-yes': {
      const a = ctx.service.delete(actor, id);
      await i.update({ content: cut(`🗑️ Deleted **${md(a.name)}**.`, LIMITS.content), components: [], embeds: [] });
      return;
    }
    case 'delete-no':
      await i.update({ content: 'Kept it.', components: [], embeds: [] });
      return;
  }
}, { inDirectMessages: true });
