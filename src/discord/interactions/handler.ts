import type { ButtonInteraction, ModalSubmitInteraction } from 'discord.js';
import type { BotContext } from '../context.js';
import { parseCustomId, type ComponentArgs, type ComponentPrefix } from './custom-id.js';

/**
 * What handles the components of one prefix: `parse` reads the custom id (zod; a stale or forged
 * id throws StaleComponentError) and `run` acts on what it parsed. `inDirectMessages`: its buttons
 * also sit on Steward's messages in DMs (alerts, pause notices), and work there with the same
 * owner check (the router skips its server check for them).
 */
export type ComponentHandler =
  | { kind: 'button'; prefix: ComponentPrefix; inDirectMessages?: boolean; handle(interaction: ButtonInteraction, ctx: BotContext): Promise<void> }
  | { kind: 'modal'; prefix: ComponentPrefix; inDirectMessages?: boolean; handle(interaction: ModalSubmitInteraction, ctx: BotContext): Promise<void> };

/** A button handler for `prefix`: its id parsed, then `run`; `options.inDirectMessages` lets it work in DMs too. */
export function buttonHandler<P extends ComponentPrefix>(
  prefix: P,
  run: (interaction: ButtonInteraction, ctx: BotContext, args: ComponentArgs<P>) => Promise<void>,
  options: { inDirectMessages?: boolean } = {},
): ComponentHandler {
  return { kind: 'button', prefix, ...options, handle: (i, ctx) => run(i, ctx, parseCustomId(prefix, i.customId)) };
}

/** A form (modal) handler for `prefix`: its id parsed, then `run`. */
export function modalHandler<P extends ComponentPrefix>(
  prefix: P,
  run: (interaction: ModalSubmitInteraction, ctx: BotContext, args: ComponentArgs<P>) => Promise<void>,
): ComponentHandler {
  return { kind: 'modal', prefix, handle: (i, ctx) => run(i, ctx, parseCustomId(prefix, i.customId)) };
}
