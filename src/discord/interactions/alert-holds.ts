import { actorOf, EPHEMERAL, type BotContext } from '../context.js';
import { cut, LIMITS } from '../limits.js';
import { holdReplyText } from '../views.js';
import { buttonHandler } from './handler.js';

const HOUR_MS = 3_600_000;
const SNOOZE_MS = { 'snooze-hour': HOUR_MS, 'snooze-day': 24 * HOUR_MS } as const;

/**
 * Snooze 1 h / Snooze 1 day / Mute until resolved under an alert (`hold:<action>:<id>`), in the
 * tasks channel or a DM: the owner and managers only (anyone else hears "not found"). The alert
 * message is edited (through the outbox) to say so; the presser gets a reply only they see.
 */
export const alertHoldsHandler = buttonHandler(
  'hold',
  async (i, ctx: BotContext, { action, id }) => {
    const actor = actorOf(i, ctx.config);
    const view = action === 'mute' ? ctx.service.mute(actor, id, i.message.id) : ctx.service.snooze(actor, id, SNOOZE_MS[action], i.message.id);
    await i.reply({ content: cut(holdReplyText(view), LIMITS.content), ...EPHEMERAL });
  },
  { inDirectMessages: true },
);
