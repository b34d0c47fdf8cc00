import { mkdtempSync, rmSync } from 'node:fs';
import { afterEach } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ContentWorkers } from '../../src/capabilities/content/pool.js';
import type { ModelProvider } from '../../src/capabilities/model-router.js';
import type { FetchPolicy } from '../../src/capabilities/http/fetcher.js';
import { createSafeFetcher, DEFAULT_FETCH_POLICY, type SafeFetcherOptions } from '../../src/capabilities/http/safe-fetch.js';
import { singleRoute } from '../../src/capabilities/model-routes.js';
import { builtinCapabilities, CapabilityRegistry } from '../../src/capabilities/registry.js';
import type { ExecutionRequest, ExecutionResult } from '../../src/capabilities/types.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, readMigrations, type Migration } from '../../src/db/database.js';
import { Engine } from '../../src/engine.js';
import type { Actor } from '../../src/automations/access.js';
import { silentLogger } from '../../src/logger.js';
import { Store } from '../../src/store.js';
import type { Notification } from '../../src/notifications/outbox.js';
import type { NotificationFile, NotificationSink } from '../../src/notifications/service.js';
import { FakeClock } from './fake-clock.js';

/** A fresh directory for one test's database file; removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'steward-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Test capabilities, seeded through the real migration mechanism: `echo` has a trusted skill, `think` a sandbox one (so it runs claude_native until promoted). */
export const TEST_MIGRATION: Migration = {
  version: 900,
  name: 'test_capabilities',
  sql: `
    INSERT INTO capability (name, description, input_schema, created_at) VALUES
      ('echo', 'Returns what the test says', '{"type":"object"}', 0),
      ('think', 'Asks the model', '{"type":"object"}', 0);
    INSERT INTO skill (capability, name, state, state_changed_at, state_changed_by) VALUES
      ('echo', 'echo', 'trusted', 0, 'test'),
      ('think', 'think', 'sandbox', 0, 'test');`,
};

/** A sink that records what it delivered (and the files each carried) and fails while told to. */
export class RecordingSink implements NotificationSink {
  delivered: Notification[] = [];
  /** The files of each delivered notification, in the same order. */
  files: NotificationFile[][] = [];
  attempts = 0;
  failWith: Error | null = null;

  async deliver(notification: Notification, files: NotificationFile[] = []): Promise<void> {
    this.attempts++;
    if (this.failWith) throw this.failWith;
    this.delivered.push(notification);
    this.files.push(files);
  }
}

export type ModelAnswer = { text: string; inputTokens: number; outputTokens: number } | Error;

/** The provider behind the claude_native path in tests: answers from a script, records prompts. */
export class ScriptedProvider implements ModelProvider {
  readonly provider = 'scripted';
  readonly model = 'test-model';
  prompts: { system: string; user: string }[] = [];
  /** Answers one call; by default an empty object costing 1,000 input and 100 output tokens. */
  answer: (call: number, signal: AbortSignal) => Promise<ModelAnswer> | ModelAnswer = () => ({ text: '{}', inputTokens: 1000, outputTokens: 100 });

  async complete(prompt: { system: string; user: string }, signal: AbortSignal) {
    this.prompts.push(prompt);
    const answer = await this.answer(this.prompts.length, signal);
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

export interface Harness {
  engine: Engine;
  /** The repositories over the engine's own connection, to look at (and arrange) what is stored. */
  store: Store;
  clock: FakeClock;
  sink: RecordingSink;
  provider: ScriptedProvider;
  config: Config;
  /** The content worker pool the built-in skills read pages in (shared by a test file's harnesses unless the test sets CONTENT_WORKERS). */
  workers: ContentWorkers;
  dbPath: string;
  /** What the local skills of `echo` and `think` do; set per test. */
  skill: (request: ExecutionRequest) => Promise<ExecutionResult> | ExecutionResult;
  skillCalls: ExecutionRequest[];
  /**
   * The engine's random source, deciding which skill runs the model re-runs (under the sample
   * rate): by default 1, so none is; a test sets it to sample exactly the runs it means to.
   */
  random: () => number;
  alice: Actor;
  bob: Actor;
  manager: Actor;
  /**
   * Simulates a restart: closes the database and builds a new engine over the same file, with
   * the same clock, sink, provider and capabilities (not started). `h.engine` becomes the new one.
   */
  restart: () => Engine;
  /** Closes the engine's database and removes the temp directory. */
  close: () => void;
}

const loose = z.record(z.string(), z.unknown());
let sharedWorkers: ContentWorkers | undefined;

/**
 * A real engine over a real SQLite file in a temp dir, a fake clock, a recording sink and a
 * scripted model provider (priced at $1 per million input and $10 per million output tokens:
 * the default answer costs $0.002).
 */
export interface HarnessOptions {
  env?: Record<string, string>;
  start?: string;
  migrations?: Migration[];
  /** Route model work as the configuration says (ANTHROPIC_*, LOCAL_MODEL_*) instead of to the scripted provider. */
  configuredModels?: boolean;
  /** The fetch policy (default: private addresses allowed, as fixtures live on 127.0.0.1). */
  fetchPolicy?: Partial<FetchPolicy>;
  fetcherOptions?: SafeFetcherOptions;
  /** The content worker pool (a test that breaks workers on purpose brings its own; the test closes it). */
  contentWorkers?: ContentWorkers;
}

export function makeHarness(options: HarnessOptions = {}): Harness {
  const { dir, cleanup } = tempDir();
  const dbPath = join(dir, 'steward.db');
  // Run retention (an hourly timer) is off unless a test asks for it: tests that count the clock's timers see only their own.
  const config = loadConfig({ STEWARD_DB: dbPath, RUN_RETENTION_DAYS: '0', ...options.env });
  const clock = new FakeClock(options.start ?? '2026-03-02T08:00:00Z');
  const sink = new RecordingSink();
  const provider = new ScriptedProvider();
  const harness = {} as Harness;
  const runSkill = (request: ExecutionRequest) => {
    harness.skillCalls.push(request);
    return Promise.resolve(harness.skill(request));
  };
  // The real safe fetcher; fixtures are served on 127.0.0.1, so private addresses are allowed here.
  const fetcher = createSafeFetcher({ ...DEFAULT_FETCH_POLICY, allowPrivate: true, timeoutMs: 5_000, ...options.fetchPolicy }, options.fetcherOptions);
  // One pool for every harness of a test file (a worker takes about a second to start under
  // tsx); a test that sets CONTENT_WORKERS gets a pool of its own.
  const ownWorkers = options.env?.CONTENT_WORKERS ? new ContentWorkers({ size: config.CONTENT_WORKERS }) : null;
  const workers = options.contentWorkers ?? ownWorkers ?? (sharedWorkers ??= new ContentWorkers({ size: config.CONTENT_WORKERS }));
  const registry = new CapabilityRegistry([
    ...builtinCapabilities({ fetcher, workers }),
    { name: 'echo', description: 'Returns what the test says', inputs: loose, example: '', skill: runSkill },
    // The generic prompt is think's model path: the model can re-run its skill's runs.
    { name: 'think', description: 'Asks the model', inputs: loose, example: '', skill: runSkill, modelCanRun: true },
  ]);
  const migrations = options.migrations ?? [...readMigrations(), TEST_MIGRATION];
  let store: Store;
  const build = () => {
    const db = openDatabase(config.STEWARD_DB, migrations);
    store = new Store(db);
    return new Engine({
      config,
      logger: silentLogger,
      sink,
      clock,
      db,
      registry,
      fetcher,
      contentWorkers: workers,
      random: () => harness.random(),
      ...(options.configuredModels ? {} : { modelRoute: singleRoute(provider, { inputPerMTok: 1, outputPerMTok: 10 }) }),
    });
  };
  Object.defineProperty(harness, 'store', { get: () => store });
  Object.assign(harness, {
    engine: build(),
    clock,
    sink,
    provider,
    config,
    workers,
    dbPath: config.STEWARD_DB,
    skill: () => ({ output: { ok: true }, costUsd: 0 }),
    skillCalls: [],
    random: () => 1,
    alice: { userId: 'alice', guildId: 'g1', manager: false },
    bob: { userId: 'bob', guildId: 'g1', manager: false },
    manager: { userId: 'mia', guildId: 'g1', manager: true },
    restart: () => {
      store.close();
      harness.engine = build();
      return harness.engine;
    },
    close: () => {
      store.close();
      void fetcher.close();
      void ownWorkers?.close();
      cleanup();
    },
  });
  return harness;
}

/** A harness maker for a test file: each harness it makes is closed after the test that made it. */
export function harnessPerTest(): (options?: HarnessOptions) => Harness {
  const made: Harness[] = [];
  afterEach(() => {
    for (const h of made.splice(0)) h.close();
  });
  return (options = {}) => {
    const h = makeHarness(options);
    made.push(h);
    return h;
  };
}
