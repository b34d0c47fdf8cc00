/**
 * vitest setup file: a test during which a Discord emulator refused a request the bot sent (as
 * Discord would refuse it) fails, naming the request and why, unless the test claimed the refusal
 * with `discord.takeRefusals()` (tests that send invalid bodies on purpose).
 */
import { afterAll, afterEach } from 'vitest';
import { claimAllRefusals, describeRefusal } from './discord-refusals.js';

function failOnRefusals(when: string): void {
  const left = claimAllRefusals();
  if (left.length === 0) return;
  throw new Error(
    `Discord would refuse ${left.length} request(s) sent ${when}:\n  ${left.map(describeRefusal).join('\n  ')}\n` +
      '(a test that sends invalid bodies on purpose takes them with discord.takeRefusals() and asserts on them)',
  );
}

afterEach(() => failOnRefusals('during this test'));
afterAll(() => failOnRefusals('after the last test of this file (by its hooks)'));
