import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FetchPolicy } from '../src/capabilities/http/fetcher.js';
import { FetchError } from '../src/errors.js';
import { createWorkerFetcher, type WorkerFetcher } from '../src/capabilities/http/fetch-worker.js';
import { until } from './support/until.js';
import { createSafeFetcher, DEFAULT_FETCH_POLICY, hookedOptions, isBlockedAddress, tableLookup, type FetchTestHooks, type SafeFetcher } from '../src/capabilities/http/safe-fetch.js';

type Route = (req: IncomingMessage, res: ServerResponse) => void;

const BIG = 5 * 1024 * 1024 + 1;
let port = 0;
const hits: string[] = [];
const server = createServer((req, res) => {
  hits.push(req.url ?? '');
  const route = routes[req.url ?? ''] ?? (/^\/r\/\d+$/.test(req.url ?? '') ? chain : undefined);
  if (route) route(req, res);
  else res.writeHead(404).end('not found');
});

/** /r/N redirects to /r/N-1, alternating relative and absolute Locations; /r/0 answers. */
const chain: Route = (req, res) => {
  const n = Number(req.url!.slice(3));
  if (n === 0) return void res.writeHead(200).end('done');
  const next = `/r/${n - 1}`;
  res.writeHead(302, { location: n % 2 ? next : `http://${req.headers.host}${next}` }).end();
};

const routes: Record<string, Route> = {
  '/ok': (_, res) => res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Custom': 'Yes' }).end('hello'),
  '/echo': (req, res) => res.writeHead(200).end(JSON.stringify({ ua: req.headers['user-agent'], accept: req.headers.accept })),
  '/big': (_, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' }); // chunked: no Content-Length
    res.end(Buffer.alloc(BIG, 'a'));
  },
  '/exact': (_, res) => res.writeHead(200).end(Buffer.alloc(1000, 'b')),
  '/declared': (_, res) => {
    res.writeHead(200, { 'content-length': String(BIG) });
    res.write('a little, then nothing'); // hangs: only an early refusal answers quickly
  },
  '/gzip': (_, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('zipped '.repeat(100))),
  '/hang': () => undefined,
  '/hang-body': (_, res) => {
    res.writeHead(200);
    res.write('partial');
  },
  '/to-metadata': (_, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end(),
  '/to-local-name': (_, res) => res.writeHead(301, { location: `http://rebound.test:${port}/ok` }).end(),
  '/to-public': (_, res) => res.writeHead(307, { location: `http://public.test:${port}/ok` }).end(),
  '/to-file': (_, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
};

const local = (path: string) => `http://127.0.0.1:${port}${path}`;
const pub = (path: string) => `http://public.test:${port}${path}`;

/** Made-up names (never the real DNS): the table the fetchers resolve from (any other name fails as ENOTFOUND). */
const HOSTS = { 'public.test': '127.0.0.1', 'rebound.test': '127.0.0.2', 'metadata.test': '169.254.169.254', 'loopback.test': '127.0.0.1', localhost: '127.0.0.1' };
/** The test fixture on 127.0.0.1 counts as public; every other local address stays blocked. */
const FIXTURE_PUBLIC = ['127.0.0.1/32'];
const fixtureIsPublic = (ip: string) => ip !== '127.0.0.1' && isBlockedAddress(ip);

const open: SafeFetcher[] = [];
const track = (f: SafeFetcher) => {
  open.push(f);
  return f;
};
/** Makes a safe fetcher: on this thread, or in the fetch worker's thread (the engine's), the same policy and hooks. */
type Make = (policy: Partial<FetchPolicy>, hooks: FetchTestHooks) => SafeFetcher;
const inThisThread: Make = (policy, hooks) => track(createSafeFetcher({ ...DEFAULT_FETCH_POLICY, ...policy }, hookedOptions(hooks)));
const inFetchWorker: Make = (policy, hooks) => track(createWorkerFetcher({ ...DEFAULT_FETCH_POLICY, ...policy }, { hooks }));

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
  hits.length = 0;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

describe('DEFAULT_FETCH_POLICY', () => {
  it('is 15 s, 5 MB, 5 redirects, 8 at once per host, a bot User-Agent, private refused', () => {
    expect(DEFAULT_FETCH_POLICY).toEqual({
      allowPrivate: false,
      timeoutMs: 15_000,
      maxBytes: 5 * 1024 * 1024,
      maxRedirects: 5,
      maxPerHost: 8,
      userAgent: expect.stringMatching(/^StewardBot\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\/steward-bot\)$/),
    });
  });
});

describe.each([
  ['on this thread', inThisThread],
  ['in the fetch worker', inFetchWorker],
] as const)('the safe fetcher %s', (_where, make) => {
  const fetcher = (policy: Partial<FetchPolicy> = {}, hooks: FetchTestHooks = { hosts: HOSTS }) => make(policy, hooks);
  const allowed = (policy: Partial<FetchPolicy> = {}) => fetcher({ allowPrivate: true, ...policy });
  const guarded = (policy: Partial<FetchPolicy> = {}) => fetcher(policy, { hosts: HOSTS, publicSubnets: FIXTURE_PUBLIC });

  describe('fetching', () => {
    it('returns status, lower-cased headers, body, latency and sends the User-Agent and Accept', async () => {
      const f = allowed();
      const res = await f(local('/ok'));
      expect(res).toMatchObject({ url: local('/ok'), status: 200, truncated: false, redirects: [] });
      expect(res.headers).toMatchObject({ 'content-type': 'text/plain', 'x-custom': 'Yes' });
      expect(res.body.toString()).toBe('hello');
      expect(res.latencyMs).toBeGreaterThanOrEqual(0);

      const echo = JSON.parse((await f(local('/echo'), { accept: 'application/json' })).body.toString());
      expect(echo).toEqual({ ua: DEFAULT_FETCH_POLICY.userAgent, accept: 'application/json' });
    });

    it('an HTTP error status is a response, not an error', async () => {
      expect((await allowed()(local('/missing'))).status).toBe(404);
    });

    it('follows 5 redirects, relative and absolute, and lists them', async () => {
      const res = await allowed()(local('/r/5'));
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('done');
      expect(res.url).toBe(local('/r/0'));
      expect(res.redirects).toEqual([5, 4, 3, 2, 1].map((n) => local(`/r/${n}`)));
    });

    it('refuses a 6th redirect', async () => {
      const error = await failure(allowed()(local('/r/6')));
      expect(error.kind).toBe('too_many_redirects');
      expect(error.message).toBe(`GET ${local('/r/6')} redirected more than 5 times`);
      expect(hits).toHaveLength(6); // the 7th URL is never requested
    });

    it('decompresses a gzip body', async () => {
      const res = await allowed()(local('/gzip'));
      expect(res.body.toString()).toBe('zipped '.repeat(100));
    });

    it('refuses a body over the cap while streaming', async () => {
      const error = await failure(allowed()(local('/big')));
      expect(error.kind).toBe('too_large');
      expect(error.message).toBe(`GET ${local('/big')} is larger than 5 MB`);
      expect((await failure(allowed({ maxBytes: 1000 })(local('/big')))).message).toBe(`GET ${local('/big')} is larger than 1000 bytes`);
    });

    it('cuts the body at the cap with truncate', async () => {
      const f = allowed({ maxBytes: 1000 });
      const res = await f(local('/big'), { truncate: true });
      expect(res).toMatchObject({ status: 200, truncated: true });
      expect(res.body).toEqual(Buffer.alloc(1000, 'a'));
      const exact = await f(local('/exact'));
      expect(exact).toMatchObject({ truncated: false });
      expect(exact.body.length).toBe(1000);
    });

    it('refuses early on a Content-Length over the cap', async () => {
      const started = Date.now();
      const error = await failure(allowed({ timeoutMs: 2000 })(local('/declared')));
      expect(error.kind).toBe('too_large');
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('one deadline covers the whole request, with an exact message', async () => {
      const f = allowed({ timeoutMs: 300 });
      const error = await failure(f(local('/hang')));
      expect(error.kind).toBe('timeout');
      expect(error.message).toBe(`GET ${local('/hang')} timed out after 0.3 s`);
      expect((await failure(f(local('/hang-body')))).kind).toBe('timeout'); // reading the body counts
      expect((await failure(allowed()(local('/hang'), { timeoutMs: 250 }))).message).toMatch(/timed out after 0\.25 s$/);
    });

    it("the caller's signal aborts as 'aborted', its reason as the cause", async () => {
      const controller = new AbortController();
      const reason = new Error('the run hit its own limit');
      setTimeout(() => controller.abort(reason), 50);
      const error = await failure(allowed()(local('/hang'), { signal: controller.signal }));
      expect(error.kind).toBe('aborted');
      expect(error.cause).toBe(reason);
      const already = await failure(allowed()(local('/ok'), { signal: AbortSignal.abort(reason) }));
      expect(already.kind).toBe('aborted');
    });

    it('a refused connection is a network error naming the code', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const deadPort = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const error = await failure(allowed()(`http://127.0.0.1:${deadPort}/`));
      expect(error.kind).toBe('network');
      expect(error.message).toBe(`GET http://127.0.0.1:${deadPort}/ failed: ECONNREFUSED`);
      expect((await failure(allowed()('http://nowhere.test/'))).message).toBe('GET http://nowhere.test/ failed: ENOTFOUND');
    });
  });

  describe('URLs', () => {
    it('refuses anything but http(s)', async () => {
      for (const url of ['ftp://x.test/file', 'file:///etc/passwd', 'javascript:alert(1)']) {
        const error = await failure(allowed()(url));
        expect(error.kind).toBe('invalid_url');
        expect(error.message).toBe(`${url} is not an http(s) URL`);
      }
      expect((await failure(allowed()('not a url'))).kind).toBe('invalid_url');
      expect((await failure(allowed()(local('/to-file')))).kind).toBe('invalid_url'); // also after a redirect
    });

    it('refuses credentials in the URL without repeating them', async () => {
      const error = await failure(allowed()(`http://user:s3cret@127.0.0.1:${port}/ok`));
      expect(error.kind).toBe('invalid_url');
      expect(error.message).not.toContain('s3cret');
      expect(hits).toHaveLength(0);
    });
  });

  describe('the address guard (on)', () => {
    const blocked = async (promise: Promise<unknown>) => {
      const error = await failure(promise);
      expect(error.kind).toBe('blocked');
      expect(error.message).toContain('(set ALLOW_PRIVATE_URLS=true to allow)');
      return error;
    };

    it('refuses a literal private IP before connecting', async () => {
      const error = await blocked(fetcher()(local('/ok')));
      expect(error.message).toBe(`GET ${local('/ok')} refused: 127.0.0.1 is a private or local address (set ALLOW_PRIVATE_URLS=true to allow)`);
      expect(hits).toHaveLength(0);
    });

    it('refuses localhost and *.localhost by name', async () => {
      await blocked(fetcher()(`http://localhost:${port}/ok`));
      await blocked(fetcher()(`http://api.localhost:${port}/ok`));
      await blocked(guarded()(`http://LOCALHOST.:${port}/ok`)); // even where 127.0.0.1 counts as public
      expect(hits).toHaveLength(0);
    });

    it('refuses an IPv4-mapped IPv6 literal', async () => {
      await blocked(fetcher()(`http://[::ffff:127.0.0.1]:${port}/ok`));
      await blocked(fetcher()('http://[::1]/'));
      expect(hits).toHaveLength(0);
    });

    it('refuses a name that resolves to a private address, at connect time', async () => {
      const error = await blocked(fetcher()('http://metadata.test/'));
      expect(error.message).toBe(
        'GET http://metadata.test/ refused: metadata.test resolves to 169.254.169.254, a private or local address (set ALLOW_PRIVATE_URLS=true to allow)',
      );
      expect((await blocked(fetcher()(`http://loopback.test:${port}/ok`))).message).toContain('loopback.test resolves to 127.0.0.1');
      expect(hits).toHaveLength(0);
    });

    it('reaches a public server, and follows its redirect to another public one', async () => {
      const res = await guarded()(pub('/to-public'));
      expect(res.body.toString()).toBe('hello');
      expect(res.redirects).toEqual([pub('/to-public')]);
    });

    it('refuses a redirect from a public server to the metadata address, before connecting', async () => {
      const error = await blocked(guarded()(pub('/to-metadata')));
      expect(error.message).toBe(
        'GET http://169.254.169.254/latest/meta-data refused: 169.254.169.254 is a private or local address (set ALLOW_PRIVATE_URLS=true to allow)',
      );
      expect(hits).toEqual(['/to-metadata']);
    });

    it('refuses a redirect to a name that resolves to a private address', async () => {
      const error = await blocked(guarded()(pub('/to-local-name')));
      expect(error.message).toContain('rebound.test resolves to 127.0.0.2');
      expect(hits).toEqual(['/to-local-name']);
    });
  });

  describe('the address guard (off: ALLOW_PRIVATE_URLS)', () => {
    it('the same local URLs work', async () => {
      const f = allowed();
      expect((await f(local('/ok'))).status).toBe(200);
      expect((await f(`http://localhost:${port}/ok`)).status).toBe(200);
      expect((await f(`http://loopback.test:${port}/ok`)).status).toBe(200);
      expect((await f(`http://[::ffff:127.0.0.1]:${port}/ok`)).status).toBe(200);
      expect(hits).toHaveLength(4);
    });
  });
});

describe('connections (keep-alive per host, the address checked per connection)', () => {
  /** A server that counts the TCP connections it accepted; `/close` answers and closes its connection. */
  async function countingServer() {
    let connections = 0;
    const seen: string[] = [];
    const srv = createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('slow'), 50);
      res.writeHead(200, req.url === '/close' ? { connection: 'close' } : {}).end('ok');
    });
    srv.on('connection', () => connections++);
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    return {
      port: (srv.address() as AddressInfo).port,
      connections: () => connections,
      seen,
      close: () => new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
    };
  }
  /** The fake DNS, counting its answers; `table` can be changed between requests (rebinding). */
  function countingLookup(table: Record<string, string>) {
    let lookups = 0;
    const inner = tableLookup(table);
    const lookup: LookupFunction = (hostname, options, callback) => {
      lookups++;
      inner(hostname, options, callback);
    };
    return { lookup, lookups: () => lookups };
  }

  /** A turn of the event loop: undici puts a connection back in its pool just after the body ends. */
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('20 requests one after another to a host go over one connection, after one lookup', async () => {
    const target = await countingServer();
    const dns = countingLookup({ 'site.test': '127.0.0.1' });
    const f = track(createSafeFetcher(DEFAULT_FETCH_POLICY, { lookup: dns.lookup, isBlocked: fixtureIsPublic }));
    for (let i = 0; i < 20; i++) {
      expect((await f(`http://site.test:${target.port}/n${i}`)).status).toBe(200);
      await turn();
    }
    expect(target.seen).toHaveLength(20);
    expect(target.connections()).toBe(1);
    expect(dns.lookups()).toBe(1);
    await target.close();
  });

  const both = [
    ['on this thread', inThisThread],
    ['in the fetch worker', inFetchWorker],
  ] as const;

  it.each(both)('%s: 20 requests one after another to a host go over one connection', async (_where, make) => {
    const target = await countingServer();
    const f = make({}, { hosts: { 'site.test': '127.0.0.1' }, publicSubnets: FIXTURE_PUBLIC });
    for (let i = 0; i < 20; i++) {
      expect((await f(`http://site.test:${target.port}/n${i}`)).status).toBe(200);
      await turn();
    }
    expect(target.seen).toHaveLength(20);
    expect(target.connections()).toBe(1);
    await target.close();
  });

  it.each(both)('%s: 24 at once to one host: at most MAX_CONCURRENT_PER_HOST connections, reused for the rest', async (_where, make) => {
    const target = await countingServer();
    const f = make({ maxPerHost: 8 }, { hosts: HOSTS, publicSubnets: FIXTURE_PUBLIC });
    const answers = await Promise.all(Array.from({ length: 24 }, () => f(`http://public.test:${target.port}/slow`)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(target.seen).toHaveLength(24);
    expect(target.connections()).toBe(8);
    await target.close();
  });

  it('a new connection looks the name up again: rebound to a private address, it is refused and nothing reaches it', async () => {
    const target = await countingServer();
    const table: Record<string, string> = { 'rebind.test': '127.0.0.1' };
    const dns = countingLookup(table);
    const f = track(createSafeFetcher(DEFAULT_FETCH_POLICY, { lookup: dns.lookup, isBlocked: fixtureIsPublic }));
    expect((await f(`http://rebind.test:${target.port}/first`)).status).toBe(200);
    await turn();
    // The kept-alive connection goes on to the address it was checked for…
    table['rebind.test'] = '127.0.0.2';
    expect((await f(`http://rebind.test:${target.port}/close`)).status).toBe(200);
    await turn();
    expect(dns.lookups()).toBe(1);
    // …and the next connection is made only to what the name resolves to now: refused.
    const error = await failure(f(`http://rebind.test:${target.port}/after`));
    expect(error.kind).toBe('blocked');
    expect(error.message).toContain('rebind.test resolves to 127.0.0.2');
    expect(dns.lookups()).toBe(2);
    expect(target.seen).toEqual(['/first', '/close']);
    expect(target.connections()).toBe(1);
    await target.close();
  });

  it.each(both)('%s: a body cut at the cap or refused does not leave its connection to the next request', async (_where, make) => {
    const f = make({ allowPrivate: true, maxBytes: 1000 }, { hosts: HOSTS });
    expect((await f(local('/big'), { truncate: true })).truncated).toBe(true);
    expect((await failure(f(local('/big')))).kind).toBe('too_large');
    expect((await f(local('/ok'))).body.toString()).toBe('hello');
    expect(hits).toEqual(['/big', '/big', '/ok']);
  });
});

describe('the fetch worker', () => {
  it.each([
    ['on this thread', inThisThread],
    ['in the fetch worker', inFetchWorker],
  ] as const)('%s: an aborted request gives its turn at the host back at once', async (_where, make) => {
    const f = make({ allowPrivate: true, maxPerHost: 1 }, {});
    const controller = new AbortController();
    const hanging = failure(f(local('/hang'), { signal: controller.signal }));
    await until(() => hits.includes('/hang'), 'the request to reach the server');
    controller.abort(new Error('the run hit its limit'));
    expect((await hanging).kind).toBe('aborted');
    // With one request at a time per host, this one goes only once the hanging one is given up.
    expect((await f(local('/ok'), { timeoutMs: 2_000 })).body.toString()).toBe('hello');
  });

  it('a thread that dies fails its requests as Steward\'s failure, not the site\'s, and the next request starts another', async () => {
    const stopped: Error[] = [];
    const f = track(createWorkerFetcher({ ...DEFAULT_FETCH_POLICY, allowPrivate: true }, { onError: (error) => stopped.push(error) })) as WorkerFetcher;
    expect((await f(local('/ok'))).status).toBe(200);
    const first = f.thread()!;
    const hanging = failure(f(local('/hang')));
    await until(() => hits.includes('/hang'), 'the request to reach the server');
    await first.terminate();
    const error = await hanging;
    expect(error.kind).toBe('aborted'); // not 'network' or 'timeout': an uptime check does not call its site down for it
    expect(error.message).toBe(`GET ${local('/hang')} failed: the fetch worker stopped (exit code 1)`);
    expect(stopped).toHaveLength(1);
    expect((await f(local('/ok'))).body.toString()).toBe('hello');
    expect(f.thread()).not.toBe(first);
  });

  it('a burst of answers is handed over a few per turn of the loop: a timer gets in between', async () => {
    // 200 requests held by the server until the last one arrives, then answered together.
    const held: ServerResponse[] = [];
    const burst = createServer((_req, res) => {
      held.push(res);
      if (held.length === 200) for (const r of held) r.writeHead(200).end('up');
    });
    await new Promise<void>((resolve) => burst.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(burst.address() as AddressInfo).port}/`;
    const f = inFetchWorker({ allowPrivate: true, maxPerHost: 200 }, {});
    // Each answer's caller counts how many answers it has seen since the loop last had a turn.
    let sinceTurn = 0;
    let most = 0;
    let done = false;
    const turn = () => {
      sinceTurn = 0;
      if (!done) setImmediate(turn);
    };
    turn();
    await Promise.all(
      Array.from({ length: 200 }, () =>
        f(url).then(() => {
          most = Math.max(most, ++sinceTurn);
        }),
      ),
    );
    done = true;
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(32);
    burst.closeAllConnections();
    await new Promise((resolve) => burst.close(resolve));
  });

  it('close() leaves the requests in flight unanswered (their runs are recorded as interrupted at the next start) and refuses later ones', async () => {
    const f = inFetchWorker({ allowPrivate: true }, {});
    let settled = false;
    void f(local('/hang')).then(
      () => (settled = true),
      () => (settled = true),
    );
    await until(() => hits.includes('/hang'), 'the request to reach the server');
    await f.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    const later = await failure(f(local('/ok')));
    expect(later.kind).toBe('aborted');
    expect(later.message).toBe(`GET ${local('/ok')} failed: Steward is stopping`);
  });
});

describe('isBlockedAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['100.128.0.1', false],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['255.255.255.255', true],
    ['240.0.0.1', true],
    ['::1', true],
    ['::', true],
    ['[::1]', true],
    ['fc00::1', true],
    ['fd00:ec2::254', true],
    ['fe80::1', true],
    ['fe80::1%eth0', true],
    ['ff02::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:169.254.169.254', true],
    ['::ffff:8.8.8.8', false],
    ['8.8.8.8', false],
    ['1.1.1.1', false],
    ['93.184.216.34', false],
    ['2606:4700::1111', false],
    ['2001:4860:4860::8888', false],
    ['not-an-ip', true],
    // IPv6 forms that carry an IPv4 address: refused when that address is private.
    ['64:ff9b::127.0.0.1', true], // NAT64 (RFC 6052)
    ['64:ff9b::a9fe:a9fe', true], // NAT64 of 169.254.169.254, written in hex
    ['64:ff9b::8.8.8.8', false],
    ['64:ff9b:1::a00:1', true], // local-use NAT64 (RFC 8215)
    ['::ffff:0:10.0.0.1', true], // SIIT
    ['::ffff:0:8.8.8.8', false],
    ['2002:7f00:1::', true], // 6to4 of 127.0.0.1
    ['2002:c0a8:101::1', true], // 6to4 of 192.168.1.1
    ['2002:808:808::1', false], // 6to4 of 8.8.8.8
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', true], // Teredo, client 127.0.0.1 (inverted)
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', false], // Teredo, client 8.8.8.8
  ])('%s → %s', (ip, expected) => {
    expect(isBlockedAddress(ip)).toBe(expected);
  });
});
