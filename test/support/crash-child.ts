/**
 * A Steward engine in a child process, for crash tests: creates a quick automation whose alert
 * is queued while "Discord" is down, starts three runs that hang, prints READY with the ids, and
 * waits to be killed.
 */
import { loadConfig } from '../../src/config.js';
import { Engine } from '../../src/engine.js';
import { silentLogger } from '../../src/logger.js';
import { DeliveryError } from '../../src/errors.js';

const [dbPath, okUrl, hangUrl] = process.argv.slice(2) as [string, string, string];
const config = loadConfig({ STEWARD_DB: dbPath, ALLOW_PRIVATE_URLS: 'true', RUN_TIMEOUT_SECONDS: '600' });
const engine = new Engine({
  config,
  logger: silentLogger,
  sink: {
    deliver: () => Promise.reject(new DeliveryError('discord is down')),
  },
});
const actor = { userId: 'alice', guildId: 'g1', manager: false };
const quick = engine.service.create(actor, { name: 'quick', capability: 'http_check', schedule: 'manual', inputs: { url: okUrl }, alert: 'ok == true' });
const slow = [1, 2, 3].map((i) =>
  engine.service.create(actor, { name: `slow-${i}`, capability: 'http_check', schedule: '*/15 * * * *', inputs: { url: hangUrl, timeout_seconds: 60 } }),
);
engine.notifications.start();
await engine.service.runNow(actor, quick.id);
for (const a of slow) void engine.dispatcher.dispatch(a.id, 'schedule');
while (engine.dispatcher.runningIds().length < slow.length) await new Promise((r) => setTimeout(r, 5));
console.log(`READY ${JSON.stringify({ quick: quick.id, slow: slow.map((a) => a.id) })}`);
setInterval(() => undefined, 1 << 30);
