import { StewardError } from '../../errors.js';
import { draftButtons } from '../components.js';
import { actorOf, EPHEMERAL } from '../context.js';
import { cut, LIMITS } from '../limits.js';
import { draftEmbeds } from '../views.js';
import { modalHandler } from './handler.js';

/** The Edit form of a draft: checks what was typed, updates the draft and shows it again with a fresh preview. */
export const draftFormHandler = modalHandler('draft-form', async (i, ctx, { draft }) => {
  const actor = actorOf(i, ctx.config);
  const typed = { name: i.fields.getTextInputValue('name'), schedule: i.fields.getTextInputValue('schedule'), inputs: i.fields.getTextInputValue('inputs'), alert: i.fields.getTextInputValue('alert') };
  try {
    ctx.service.drafts.edit(actor, draft, typed);
  } catch (error) {
    if (!(error instanceof StewardError) || error.code === 'form_expired') throw error;
    // The draft stays as it was; the refusal says why, and Edit is still there to try again.
    await i.reply({ content: cut(`❌ ${error.message}`, LIMITS.content), ...EPHEMERAL });
    return;
  }
  await i.deferUpdate();
  const { draft: shown, preview } = await ctx.service.drafts.preview(actor, draft);
  await i.editReply({ content: '', embeds: draftEmbeds(shown, preview), components: [draftButtons(shown.id)], allowedMentions: EPHEMERAL.allowedMentions });
});
