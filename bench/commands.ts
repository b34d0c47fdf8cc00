/**
 * Scenario 4, command latency: the real bot (discord.js client, router, commands, engine) against
 * the local Discord emulator, with `size` automations owned by one person (the worst case for
 * their list, count and name search), two past runs each and some model spend. Times from the
 * emulator dispatching INTERACTION_CREATE on the gateway to the bot's first response reaching
 * the emulator's REST side (the interaction callback), one interaction at a time:
 * `/automation list`, `/automation show name:<name>` and the `name` autocomplete while typing.
 *
 *   npx tsx bench/commands.ts --size 10000 [--runs 3] [--per-run 100]
 */
import { ALICE, startBot } from '../test/support/bot-harness.js';
import type { DiscordEmulator } from '../test/support/discord-emulator.js';
import { arg, distribution, emitResult, fillAutomations, fillRunHistory, log, medianDistribution, type Distribution } from './support.js';

export type CommandName = 'list' | 'show' | 'autocomplete';
export const COMMANDS: readonly CommandName[] = ['list', 'show', 'autocomplete'];

export interface CommandsResult {
  size: number;
  runs: number;
  perRun: number;
  /** Per command: per-field median over the runs, ms. */
  latency: Record<CommandName, Distribution>;
  runsByCommand: Record<CommandName, Distribution[]>;
}

/** What a person types into the name box, one keystroke after another ('' when the box opens). */
const TYPED = ['', 'w', 'wa', 'wat', 'watch-0', 'watch-00', '12', '123', '0042', 'watch-0001'];

function nameOf(i: number): string {
  return `watch-${String(i).padStart(6, '0')}`;
}

async function timed(discord: DiscordEmulator, command: CommandName, k: number, size: number): Promise<number> {
  const start = performance.now();
  if (command === 'autocomplete') {
    const choices = await discord.autocomplete(ALICE, 'automation', { subcommand: 'show', options: { name: TYPED[k % TYPED.length]! }, focused: 'name' });
    const elapsed = performance.now() - start;
    if (choices.length === 0) throw new Error(`autocomplete "${TYPED[k % TYPED.length]}" gave no choices`);
    return elapsed;
  }
  const options: Record<string, string> = command === 'show' ? { name: nameOf((k * 7919) % size) } : {};
  const trace = await discord.slash(ALICE, 'automation', { subcommand: command, options });
  const event = await trace.answered();
  const elapsed = performance.now() - start;
  // /automation show of an automation with a chart answers "thinking…" (5) first, then the details with the chart.
  if (event.type === 5) await trace.waitFor((e) => e.kind === 'edit', 10_000);
  const reply = trace.reply();
  if ((event.type !== 4 && event.type !== 5) || !reply?.embeds?.length) throw new Error(`/automation ${command}: unexpected answer ${JSON.stringify(reply).slice(0, 300)}`);
  return elapsed;
}

export async function measureCommands(size: number, runs: number, perRun: number): Promise<CommandsResult> {
  const harness = await startBot({ startSteward: false });
  const { discord, steward } = harness;
  const db = harness.store.db;
  const now = harness.clock.now().getTime();
  const ids = fillAutomations(db, {
    count: size,
    capability: 'http_check',
    userId: () => ALICE,
    guildId: discord.guildId,
    now,
    // Due over the coming day of the bot's (fake) clock: nothing runs during the measurement.
    nextRunAt: (i) => now + 600_000 + ((i * 7919) % 86_400) * 1000,
  });
  fillRunHistory(db, ids, 2, now);
  await steward.bot.start();
  const runsByCommand = { list: [], show: [], autocomplete: [] } as Record<CommandName, Distribution[]>;
  try {
    for (const command of COMMANDS) for (let k = 0; k < 20; k++) await timed(discord, command, k, size); // warm-up
    for (let r = 0; r < runs; r++) {
      // Commands interleaved, so a slow moment of the machine hits all three alike.
      const samples: Record<CommandName, number[]> = { list: [], show: [], autocomplete: [] };
      for (let k = 0; k < perRun; k++) for (const command of COMMANDS) samples[command].push(await timed(discord, command, r * perRun + k, size));
      for (const command of COMMANDS) runsByCommand[command].push(distribution(samples[command]));
      log(`  commands ${size}: run ${r + 1}/${runs}: ${COMMANDS.map((c) => `${c} p50 ${runsByCommand[c].at(-1)!.p50.toFixed(1)} p99 ${runsByCommand[c].at(-1)!.p99.toFixed(1)} ms`).join(', ')}`);
    }
  } finally {
    await steward.bot.stop();
    await harness.close();
  }
  return {
    size,
    runs,
    perRun,
    latency: {
      list: medianDistribution(runsByCommand.list),
      show: medianDistribution(runsByCommand.show),
      autocomplete: medianDistribution(runsByCommand.autocomplete),
    },
    runsByCommand,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  emitResult(await measureCommands(Number(arg('size', '10000')), Number(arg('runs', '3')), Number(arg('per-run', '100'))));
}
