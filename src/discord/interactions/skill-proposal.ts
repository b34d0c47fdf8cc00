import { actorOf, NO_MENTIONS, type BotContext } from '../context.js';
import { notificationEmbed } from '../views.js';
import { buttonHandler } from './handler.js';

/**
 * Promote / Keep under a skill that passed its gate (`skill:<action>:<proposal>`): managers only.
 * The question's message is replaced by its answer (who decided, no buttons); a promotion is
 * announced apart, through the outbox.
 */
export const skillProposalHandler = buttonHandler('skill', async (i, ctx: BotContext, { action, proposal }) => {
  const message = ctx.service.answerSkillProposal(actorOf(i, ctx.config), proposal, action);
  await i.update({ embeds: [notificationEmbed('skill', message)], components: [], allowedMentions: NO_MENTIONS });
});
