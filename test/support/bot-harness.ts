import { join } from 'node:path';
import { createSteward, type Steward } from '../../src/app.js';
import { createSafeFetcher, DEFAULT_FETCH_POLICY } from '../../src/capabilities/http/safe-fetch.js';
import { singleRoute } from '../../src/capabilities/model-routes.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import { Store } from '../../src/store.js';
import { DiscordEmulator, type EmulatorOptions } from './discord-emulator.js';
import { FakeClock } from './fake-clock.js';
import { ScriptedProvider, tempDir } from './harness.js';

/** People in the emulated server: two members and a manager (by role). */
export const ALICE = '1400000000000000001';
export const BOB = '1400000000000000002';
export const MIA = '1400000000000000003';
export const MANAGER_ROLE = '1400000000000000100';

export interface BotHarness {
  discord: DiscordEmulator;
  steward: Steward;
  /** The repositories over the running Steward's own connection, to look at (and arrange) what is stored. */
  store: Store;
  config: Config;
  clock: FakeClock;
  provider: ScriptedProvider;
  /** Starts another Steward on the same database (after `stopSteward`), as a restart would. */
  restart(): Promise<Steward>;
  /** Stops Steward (not the emulator). */
  stopSteward(): Promise<void>;
  /** Stops everything and removes the temp directory. */
  close(): Promise<void>;
}

/**
 * The real bot (discord.js client, router, commands, sink, engine) against the Discord emulator,
 * over a real SQLite file in a temp dir; the engine's clock is a FakeClock, model calls go to a
 * scripted provider, fetches may reach 127.0.0.1 fixtures.
 */
export async function startBot(
  options: {
    env?: Record<string, string>;
    emulator?: EmulatorOptions;
    start?: string;
    startSteward?: boolean;
    logger?: Logger;
    modelRoute?: 'configured';
    /** The engine's random source (which skill runs the model re-runs); by default 1: none. */
    random?: () => number;
  } = {},
): Promise<BotHarness> {
  const { dir, cleanup } = tempDir();
  const discord = new DiscordEmulator({
    roles: [{ id: MANAGER_ROLE, name: 'steward-managers' }],
    users: [
      { id: ALICE, username: 'alice' },
      { id: BOB, username: 'bob' },
      { id: MIA, username: 'mia', roles: [MANAGER_ROLE] },
    ],
    ...options.emulator,
  });
  await discord.start();
  const config = loadConfig({
    STEWARD_DB: join(dir, 'steward.db'),
    DISCORD_TOKEN: 'test-token',
    TASKS_CHANNEL_ID: discord.tasksChannelId,
    GUILD_ID: discord.guildId,
    DISCORD_API_URL: discord.apiUrl,
    MANAGER_ROLE_ID: MANAGER_ROLE,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const clock = new FakeClock(options.start ?? '2026-03-02T08:00:00Z');
  const provider = new ScriptedProvider();
  const fetcher = createSafeFetcher({ ...DEFAULT_FETCH_POLICY, allowPrivate: true, timeoutMs: 5_000 });
  let store: Store;
  const build = () => {
    const db = openDatabase(config.STEWARD_DB);
    store = new Store(db);
    return createSteward(config, options.logger ?? silentLogger, {
      clock,
      fetcher,
      db,
      random: options.random ?? (() => 1),
      ...(options.modelRoute === 'configured' ? {} : { modelRoute: singleRoute(provider, { inputPerMTok: 1, outputPerMTok: 10 }) }),
    });
  };
  let steward = build();
  let running = false;
  const harness: BotHarness = {
    discord,
    get steward() {
      return steward;
    },
    get store() {
      return store;
    },
    config,
    clock,
    provider,
    async restart() {
      steward = build();
      await steward.bot.start();
      running = true;
      return steward;
    },
    async stopSteward() {
      if (running) await steward.bot.stop();
      running = false;
    },
    async close() {
      await harness.stopSteward();
      store.close();
      await fetcher.close();
      await discord.stop();
      cleanup();
    },
  };
  if (options.startSteward !== false) {
    await steward.bot.start();
    running = true;
  }
  return harness;
}

export { until } from './until.js';
