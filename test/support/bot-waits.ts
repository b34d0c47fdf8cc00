/** Waiting on the real bot: delivery and replies go over real HTTP to the emulator, while the engine runs on a FakeClock. */
import type { Actor } from '../../src/automations/access.js';
import type { BotHarness } from './bot-harness.js';

/** Waits (real time) until `check` holds; throws naming `what` after `ms`. */
export async function until(check: () => boolean, what: string, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A moment (real time) for anything that would still arrive to arrive, before asserting nothing did. */
export const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 150));

/** Runs the automation now as `actor`, `minutes` after the last run (on the fake clock), and lets the outbox deliver. */
export async function runAfter(h: BotHarness, actor: Actor, id: number, minutes: number): Promise<void> {
  await h.clock.advance(minutes * 60_000);
  await h.steward.engine.service.runNow(actor, id);
  await h.steward.engine.notifications.idle();
}
