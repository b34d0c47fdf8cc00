import { StewardError } from '../../errors.js';
import { createFormModal, editAgainButton } from '../components.js';
import { actorOf, replyError, type BotContext } from '../context.js';
import { createdReply } from '../replies.js';
import { buttonHandler, modalHandler } from './handler.js';

/** The form with a create's inputs: submitting it creates; a refusal keeps what was typed behind "Edit again". */
export const createFormHandler = modalHandler('create', async (i, ctx, { form }) => {
  const actor = actorOf(i, ctx.config);
  try {
    const automation = ctx.service.submitCreateForm(actor, form, i.fields.getTextInputValue('inputs'));
    await i.reply(createdReply(automation));
  } catch (error) {
    if (!(error instanceof StewardError) || error.code === 'form_expired') throw error;
    await replyError(i, error.message, [editAgainButton(form)]);
  }
});

/** "Edit again": reopens the create form with what the person typed last. */
export const createAgainHandler = buttonHandler('create-again', async (i, ctx: BotContext, { form }) => {
  const pending = ctx.service.createFormText(actorOf(i, ctx.config), form);
  await i.showModal(createFormModal(form, pending.name, pending.capability, exampleFor(ctx, pending.capability), pending.typed));
});

/** The example inputs shown in the form's placeholder. */
export function exampleFor(ctx: BotContext, capability: string): string {
  return ctx.service.capabilities().find((c) => c.name === capability)?.exampleInputs ?? '{"url": "https://example.com"}';
}
