/**
 * The uptime burst's targets, in their own process (so serving them does not weigh on the loop
 * being measured): an HTTP server on each of 127.0.1.1 … 127.0.1.<hosts>, one port, answering
 * every request after `--delay-ms` with a small page. Prints `ready <port>` on stdout, then on
 * each line `count` read from stdin answers one JSON line: `{connections, requests}` since start,
 * and `close-idle` closes the idle kept-alive connections and answers `closed`.
 *
 *   npx tsx bench/uptime-hosts.ts --hosts 250 --delay-ms 200
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { arg } from './support.js';

const hosts = Number(arg('hosts', '250'));
const delayMs = Number(arg('delay-ms', '200'));
const BODY = Buffer.from('<!doctype html><title>up</title><p>All systems operational.</p>');

let connections = 0;
let requests = 0;
const servers: Server[] = [];
let port = 0;
for (let i = 1; i <= hosts; i++) {
  const server = createServer((_req, res) => {
    requests++;
    setTimeout(() => res.writeHead(200, { 'content-type': 'text/html', 'content-length': BODY.length }).end(BODY), delayMs);
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, `127.0.1.${i}`, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  servers.push(server);
}
process.stdout.write(`ready ${port}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'count') process.stdout.write(`${JSON.stringify({ connections, requests })}\n`);
  // Closes the kept-alive connections nobody is using, as a server whose keep-alive is shorter than a minute has by the next minute.
  if (line.trim() === 'close-idle') {
    for (const server of servers) server.closeIdleConnections();
    process.stdout.write('closed\n');
  }
});
process.stdin.on('end', () => {
  for (const server of servers) server.closeAllConnections();
  process.exit(0);
});
