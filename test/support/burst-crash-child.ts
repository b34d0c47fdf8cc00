/**
 * A Steward engine in a child process, for the crash test of a burst: 60 checks due at the same
 * instant, started by the scheduler (whose run rows of one wake commit together), half of them
 * answered at once and half hanging; prints READY with the ids once the first half is recorded
 * and the other half is running, and waits to be killed.
 */
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config.js';
import { Engine } from '../../src/engine.js';
import { silentLogger } from '../../src/logger.js';

const [dbPath, okUrl, hangUrl] = process.argv.slice(2) as [string, string, string];
const config = loadConfig({ STEWARD_DB: dbPath, ALLOW_PRIVATE_URLS: 'true', RUN_TIMEOUT_SECONDS: '600', MAX_CONCURRENT_PER_HOST: '64' });
const engine = new Engine({ config, logger: silentLogger, sink: { deliver: () => Promise.resolve() } });
const actor = { userId: 'alice', guildId: 'g1', manager: false };
const create = (name: string, url: string) =>
  engine.service.create(actor, { name, capability: 'http_check', schedule: '0 0 1 1 *', inputs: { url, timeout_seconds: 60 } }).id; // yearly: none due again when the test restarts it
const quick = Array.from({ length: 30 }, (_, i) => create(`quick-${i}`, okUrl));
const slow = Array.from({ length: 30 }, (_, i) => create(`slow-${i}`, hangUrl));
engine.start();
// All due at the same instant, just ahead (written through another connection; then the wake the service gives after an edit).
const other = new Database(dbPath);
other.prepare('UPDATE automation SET next_run_at = ?').run(Date.now() + 100);
other.close();
engine.scheduler.wake();
const count = new Database(dbPath, { readonly: true });
const statuses = count.prepare<[], { succeeded: number; running: number }>(
  "SELECT sum(status = 'succeeded') AS succeeded, sum(status = 'running') AS running FROM automation_run",
);
for (;;) {
  const now = statuses.get()!;
  if (now.succeeded === quick.length && now.running === slow.length) break;
  await new Promise((r) => setTimeout(r, 5));
}
console.log(`READY ${JSON.stringify({ quick, slow })}`);
setInterval(() => undefined, 1 << 30);
