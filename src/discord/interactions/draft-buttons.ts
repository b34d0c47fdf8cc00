import { automationButtons, draftFormModal } from '../components.js';
import { actorOf, type BotContext } from '../context.js';
import { scheduleReadLine } from '../replies.js';
import { createdEmbed, draftEmbeds } from '../views.js';
import { buttonHandler } from './handler.js';

/** Create / Edit / Cancel under a draft: the draft's owner only (anyone else hears it expired). */
export const draftButtonsHandler = buttonHandler('draft', async (i, ctx: BotContext, { action, draft }) => {
  const actor = actorOf(i, ctx.config);
  if (action === 'create') {
    const automation = ctx.service.drafts.create(actor, draft);
    await i.update({
      content: automation.scheduleReadFrom ? scheduleReadLine(automation) : '',
      embeds: [createdEmbed(automation)],
      components: [automationButtons(automation.id, automation.status)],
    });
    return;
  }
  const shown = ctx.service.drafts.get(actor, draft);
  if (action === 'edit' && shown.status === 'open') {
    await i.showModal(draftFormModal(shown));
    return;
  }
  const after = action === 'cancel' ? ctx.service.drafts.cancel(actor, draft) : shown;
  await i.update({ content: after.status === 'cancelled' ? 'Cancelled: nothing was saved.' : '', embeds: draftEmbeds(after, null), components: [] });
});
