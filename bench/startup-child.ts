/**
 * Scenario 3's measured process: starts as `npm start` would (node on the compiled dist/; or, as it
 * did before, node + tsx on the sources), opens the database given,
 * builds and starts the Engine as production wires it (built-in capabilities, default registry,
 * safe fetcher, model routes from the configuration; no Discord bot), and reports when the
 * scheduler is armed, with the process's memory. Times are milliseconds since the process started
 * (performance.timeOrigin). The modules are imported dynamically so their loading is timed apart.
 *
 *   node dist/bench/startup-child.js --db /path/steward.db
 *   node --import tsx bench/startup-child.ts --db /path/steward.db
 */
const entered = performance.now();
const dbPath = process.argv[process.argv.indexOf('--db') + 1]!;

const [{ loadConfig }, { Engine }, { silentLogger }, { openDatabase }, support] = await Promise.all([
  import('../src/config.js'),
  import('../src/engine.js'),
  import('../src/logger.js'),
  import('../src/db/database.js'),
  import('./support.js'),
]);
const imported = performance.now();

const config = loadConfig({ STEWARD_DB: dbPath, LOG_LEVEL: 'silent' });
const db = openDatabase(config.STEWARD_DB);
const opened = performance.now();

const engine = new Engine({ config, logger: silentLogger, sink: support.nullSink, db });
const constructed = performance.now();

engine.start();
const armed = performance.now();
const armedAtEpoch = Date.now();
if (!engine.scheduler.armedFor) throw new Error('the scheduler is not armed after start()');
const memory = process.memoryUsage();
const cpu = process.cpuUsage();

support.emitResult({
  entered,
  imported,
  opened,
  constructed,
  armed,
  armedAtEpoch,
  cpuMs: (cpu.user + cpu.system) / 1000,
  armedFor: engine.scheduler.armedFor.toISOString(),
  rssMB: support.mb(memory.rss),
  heapUsedMB: support.mb(memory.heapUsed),
});
await engine.stop(1_000);
