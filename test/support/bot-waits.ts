/** Waiting on the real bot: delivery and replies go over real HTTP to the emulator, while the engine runs on a FakeClock. */
import type { Actor } from '../../src/automations/access.js';
import type { BotHarness } from './bot-harness.js';
import type { InteractionTrace, ReplyView } from './discord-emulator.js';
import { until } from './until.js';

export { until } from './until.js';

/** A moment (real time) for anything that would still arrive to arrive, before asserting nothing did. */
export const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 150));

/** Runs the automation now as `actor`, `minutes` after the last run (on the fake clock), and lets the outbox deliver. */
export async function runAfter(h: BotHarness, actor: Actor, id: number, minutes: number): Promise<void> {
  await h.clock.advance(minutes * 60_000);
  await h.steward.engine.service.runNow(actor, id);
  await h.steward.engine.notifications.idle();
}

/** The interaction's final reply: once answered and, when deferred ("thinking…", flag 128), once its edit is in. */
export async function finalReply(trace: InteractionTrace, what = 'the final answer'): Promise<ReplyView> {
  await trace.answered();
  await until(() => ((trace.replyMessage()?.flags ?? 128) & 128) === 0, what);
  return trace.reply()!;
}
