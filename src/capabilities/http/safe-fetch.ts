import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { constants as zlib, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import ipaddr from 'ipaddr.js';
import type { Agent, Dispatcher } from 'undici';
import { BlockedAddressError, FetchError } from '../../errors.js';
import { KeyedLimiter } from '../../util/keyed-limiter.js';
import type { FetchOptions, FetchPolicy, Fetcher } from './fetcher.js';

/** The bot's version as it appears in the User-Agent. */
const STEWARD_VERSION = '0.1.0';

/** The policy defaults: 15 s, 5 MB, 5 redirects, 8 requests at once per host, a User-Agent naming the bot, private addresses refused. */
export const DEFAULT_FETCH_POLICY: FetchPolicy = Object.freeze({
  allowPrivate: false,
  timeoutMs: 15_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  maxPerHost: 8,
  userAgent: `StewardBot/${STEWARD_VERSION} (+https://github.com/steward-bot)`,
});

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", incl. 0.0.0.0
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, incl. cloud metadata 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay (deprecated)
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast 255.255.255.255
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 96], // unspecified, loopback ::1, IPv4-compatible (deprecated)
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local, incl. the metadata address fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215): only ever a path to private networks
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/**
 * True for addresses a skill must not reach unless ALLOW_PRIVATE_URLS is set: loopback, private,
 * link-local (cloud metadata included), unspecified, CGNAT, multicast, broadcast and reserved
 * ranges, and IPv4-mapped IPv6 forms of those (BlockList checks `::ffff:a.b.c.d` against the IPv4
 * rules). Anything that is not an IP address counts as blocked.
 */
export function isBlockedAddress(ip: string): boolean {
  const address = ip.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, ''); // [v6] brackets, zone id
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 4) return blocked.check(address, 'ipv4');
  if (blocked.check(address, 'ipv6')) return true;
  const embedded = embeddedIPv4(address);
  return embedded !== null && blocked.check(embedded, 'ipv4');
}

/**
 * The IPv4 address an IPv6 address carries to reach it, when it is a translation or tunnel form:
 * NAT64 `64:ff9b::a.b.c.d` (RFC 6052; the local-use `64:ff9b:1::/48` is blocked outright),
 * SIIT `::ffff:0:a.b.c.d`, 6to4 `2002:AABB:CCDD::/48`, Teredo `2001:0::/32` (the client address,
 * inverted). Null for any other address.
 */
function embeddedIPv4(address: string): string | null {
  const parts = ipaddr.IPv6.parse(address).parts;
  const v4 = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  const [p0, p1, p2, p3, p4, p5, p6, p7] = parts as [number, number, number, number, number, number, number, number];
  if (p0 === 0x64 && p1 === 0xff9b && p2 === 0 && p3 === 0 && p4 === 0 && p5 === 0) return v4(p6, p7);
  if (p0 === 0 && p1 === 0 && p2 === 0 && p3 === 0 && p4 === 0xffff && p5 === 0) return v4(p6, p7);
  if (p0 === 0x2002) return v4(p1, p2);
  if (p0 === 0x2001 && p1 === 0) return v4(p6 ^ 0xffff, p7 ^ 0xffff);
  return null;
}

/** Options of createSafeFetcher. */
export interface SafeFetcherOptions {
  /** Replaces DNS resolution (node's dns.lookup signature); tests resolve made-up names with it. */
  lookup?: LookupFunction;
  /**
   * For tests only: classifies addresses instead of isBlockedAddress, so a fixture on 127.0.0.1
   * can count as public while another local address stays blocked.
   */
  isBlocked?: (ip: string) => boolean;
}

/**
 * SafeFetcherOptions' test hooks as plain data, which can cross to the fetch worker's thread
 * (functions cannot): for tests and benchmarks only.
 */
export interface FetchTestHooks {
  /** Names resolved from this table instead of DNS; any other name fails as ENOTFOUND. */
  hosts?: Record<string, string>;
  /** Subnets (`127.0.0.1/32`, `127.0.1.0/24`) that count as public though isBlockedAddress says otherwise. */
  publicSubnets?: string[];
}

/** The options the hooks stand for: a lookup from the table, and isBlockedAddress except for the public subnets. */
export function hookedOptions(hooks: FetchTestHooks): SafeFetcherOptions {
  const options: SafeFetcherOptions = {};
  if (hooks.hosts) options.lookup = tableLookup(hooks.hosts);
  if (hooks.publicSubnets) {
    const pub = new BlockList();
    for (const subnet of hooks.publicSubnets) {
      const [net, prefix] = subnet.split('/') as [string, string];
      pub.addSubnet(net, Number(prefix), isIP(net) === 6 ? 'ipv6' : 'ipv4');
    }
    options.isBlocked = (ip) => !(isIP(ip) !== 0 && pub.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4')) && isBlockedAddress(ip);
  }
  return options;
}

/** Resolves names from a fixed table (never DNS); any other name fails as ENOTFOUND. */
export function tableLookup(table: Readonly<Record<string, string>>): LookupFunction {
  return (hostname, options, callback) => {
    const address = table[hostname];
    if (!address) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
    const family = address.includes(':') ? 6 : 4;
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

/**
 * A Fetcher that also owns its connection pool (`close()` ends its connections), says up front
 * why it would refuse a URL (`refusal`: a literal private address; null when it would try; an
 * address a name resolves to is only known at connect time).
 */
export type SafeFetcher = Fetcher & { close(): Promise<void>; refusal(url: string): string | null };

/** Wraps a lookup so connections never go to blocked addresses, whatever DNS answers at connect time. */
function guardLookup(lookup: LookupFunction, isBlocked: (ip: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const all = typeof address === 'string' ? [{ address, family: family ?? isIP(address) }] : address;
      const allowed = all.filter((a) => !isBlocked(a.address));
      const first = allowed[0];
      if (!first) return callback(new BlockedAddressError(hostname, all[0]?.address ?? '?'), '', 0);
      if (options.all) callback(null, allowed);
      else callback(null, first.address, first.family);
    });
  };
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const PRIVATE_HINT = 'a private or local address (set ALLOW_PRIVATE_URLS=true to allow)';

/**
 * A Fetcher enforcing the policy: http(s) only, GET, one deadline for redirects and body,
 * redirects followed (and re-checked) by hand, a byte cap counted while streaming, and, unless
 * `allowPrivate`, no connection to a blocked address, checked both for literal IPs and for the
 * address a name resolves to at connect time (which is what defeats DNS rebinding). At most
 * `maxPerHost` requests go to one host name at once; the others wait their turn (bounded by the
 * caller's signal: the run's time limit), and the request's own time limit starts when it may go.
 */
export function createSafeFetcher(policy: FetchPolicy, options: SafeFetcherOptions = {}): SafeFetcher {
  const isBlocked = options.isBlocked ?? isBlockedAddress;
  const baseLookup = options.lookup;
  const lookup = policy.allowPrivate ? baseLookup : guardLookup(baseLookup ?? dnsLookup, isBlocked);
  const perHost = policy.maxPerHost ?? DEFAULT_FETCH_POLICY.maxPerHost!;
  // Keep-alive connections per origin, at most the per-host limit of them: a request whose host
  // slot came free takes the connection the last one left instead of opening another.
  // undici (~110 ms to load) is loaded with the first request, not at start-up.
  let agent: Promise<Agent> | null = null;
  const agentOf = (): Promise<Agent> => (agent ??= import('undici').then(({ Agent }) => new Agent({ connections: perHost, ...(lookup ? { connect: { lookup } } : {}) })));
  const hosts = new KeyedLimiter(perHost);
  /** A turn at the URL's host; throws an aborted FetchError when the caller gives up waiting. */
  const turnAt = async (target: URL, signal: AbortSignal | undefined): Promise<() => void> => {
    try {
      return await hosts.acquire(hostKey(target), signal);
    } catch {
      throw aborted(target.href, signal!);
    }
  };

  /** Throws unless `url` may be requested at all; returns it parsed. */
  function check(url: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new FetchError('invalid_url', url, `${JSON.stringify(url)} is not a valid URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new FetchError('invalid_url', url, `${url} is not an http(s) URL`);
    }
    if (parsed.username || parsed.password) {
      parsed.username = parsed.password = '';
      throw new FetchError('invalid_url', parsed.href, `${parsed.href} was given with a user name or password, which are not sent`);
    }
    if (policy.allowPrivate) return parsed;
    const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
    if (host === 'localhost' || host.endsWith('.localhost')) {
      throw new FetchError('blocked', url, `GET ${url} refused: ${host} is ${PRIVATE_HINT}`);
    }
    if (isIP(host) && isBlocked(host)) {
      throw new FetchError('blocked', url, `GET ${url} refused: ${host} is ${PRIVATE_HINT}`);
    }
    return parsed;
  }

  const fetcher: Fetcher = async (url, fetchOptions: FetchOptions = {}) => {
    const limitMs = fetchOptions.timeoutMs ?? policy.timeoutMs;
    const callerSignal = fetchOptions.signal;
    // Waiting for a turn at a busy host is not the host being slow: the deadline and the latency
    // start once the first request may go.
    let release: (() => void) | null = await turnAt(check(url), callerSignal);
    const started = performance.now();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timed out'));
    }, limitMs);
    const onAbort = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', onAbort, { once: true });

    let current = url;
    const redirects: string[] = [];
    try {
      for (;;) {
        if (callerSignal?.aborted) throw aborted(url, callerSignal);
        const target = check(current);
        release ??= await turnAt(target, controller.signal);
        let response: Dispatcher.ResponseData;
        try {
          // undici's own request (not its fetch, which costs ~0.45 ms more per request in
          // WHATWG streams and Request/Response objects): the Agent keeps a keep-alive pool per
          // origin, and a new connection is made only through the guarded lookup above.
          response = await (await agentOf()).request({
            origin: target.origin,
            path: `${target.pathname}${target.search}`,
            method: 'GET',
            signal: controller.signal,
            headers: {
              'user-agent': policy.userAgent,
              'accept-encoding': 'gzip, deflate, br',
              accept: fetchOptions.accept ?? '*/*',
            },
          });
        } catch (error) {
          throw failure(error, current);
        }
        // A body given up (cut, refused, timed out) ends with an abort error nobody needs to hear.
        response.body.on('error', ignore);
        const location = headerOf(response.headers, 'location');
        if (REDIRECT_STATUSES.has(response.statusCode) && location !== undefined) {
          await response.body.dump().catch(ignore); // a short redirect body is read, so its connection is reused
          release();
          release = null;
          if (redirects.length >= policy.maxRedirects) {
            throw new FetchError('too_many_redirects', url, `GET ${url} redirected more than ${policy.maxRedirects} times`);
          }
          redirects.push(current);
          current = resolveLocation(location, current);
          continue;
        }
        const { body, truncated } = await readBody(response, current, policy.maxBytes, fetchOptions.truncate === true).catch(
          (error: unknown) => {
            throw failure(error, current);
          },
        );
        return {
          url: current,
          status: response.statusCode,
          headers: plainHeaders(response.headers),
          body,
          truncated,
          latencyMs: Math.round(performance.now() - started),
          redirects,
        };
      }
    } catch (error) {
      if (timedOut) throw new FetchError('timeout', url, `GET ${url} timed out after ${limitMs / 1000} s`);
      if (callerSignal?.aborted) throw aborted(url, callerSignal);
      throw error;
    } finally {
      release?.();
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
    }
  };

  const refusal = (url: string): string | null => {
    try {
      check(url);
      return null;
    } catch (error) {
      return error instanceof FetchError && error.kind === 'blocked' ? error.message : null;
    }
  };
  const close = async (): Promise<void> => {
    if (agent) await (await agent).close();
  };
  return Object.assign(fetcher, { close, refusal });
}

/** What the per-host limit counts by: the host name (any port), lower-cased. */
function hostKey(url: URL): string {
  return url.hostname.toLowerCase();
}

function resolveLocation(location: string, base: string): string {
  try {
    return new URL(location, base).href;
  } catch {
    throw new FetchError('invalid_url', base, `GET ${base} redirected to ${JSON.stringify(location)}, which is not a valid URL`);
  }
}

/** The error of a request its caller's signal aborted (the reason as its cause). */
export function aborted(url: string, signal: AbortSignal): FetchError {
  const error = new FetchError('aborted', url, `GET ${url} was aborted`);
  error.cause = signal.reason;
  return error;
}

/** Turns what fetch or the body stream threw into a FetchError naming `url` (timeouts are decided by the caller). */
function failure(error: unknown, url: string): unknown {
  if (error instanceof FetchError) return error;
  let cause: unknown = error;
  while (cause instanceof Error && !(cause instanceof BlockedAddressError) && cause.cause !== undefined) cause = cause.cause;
  if (cause instanceof BlockedAddressError) {
    return new FetchError('blocked', url, `GET ${url} refused: ${cause.hostname} resolves to ${cause.address}, ${PRIVATE_HINT}`);
  }
  const detail = errorCode(cause) ?? (cause instanceof Error ? cause.message : String(cause));
  return new FetchError('network', url, `GET ${url} failed: ${detail}`);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ('code' in error && typeof error.code === 'string') return error.code;
  if (error instanceof AggregateError) return errorCode(error.errors[0]); // happy eyeballs: all attempts failed
  return undefined;
}

type ResponseHeaders = Dispatcher.ResponseData['headers'];

const ignore = (): void => undefined;

/** One header's value (several joined with ", "), or undefined. */
function headerOf(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The headers as name → value (lower-cased names; repeated headers joined with ", "). */
function plainHeaders(headers: ResponseHeaders): Record<string, string> {
  const plain: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headerOf(headers, name);
    if (value !== undefined) plain[name] = value;
  }
  return plain;
}

/** zlib streams undoing the Content-Encoding, outermost first; unknown codings are left as they are (as fetch does). */
function decoders(contentEncoding: string | undefined): Transform[] {
  // Lenient like browsers: a body cut short still gives what arrived.
  const lenient = { flush: zlib.Z_SYNC_FLUSH, finishFlush: zlib.Z_SYNC_FLUSH };
  const codings = (contentEncoding ?? '').toLowerCase().split(',').map((c) => c.trim()).filter((c) => c !== '' && c !== 'identity');
  const streams: Transform[] = [];
  for (const coding of codings.reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') streams.push(createGunzip(lenient));
    else if (coding === 'deflate') streams.push(createInflate(lenient));
    else if (coding === 'br') streams.push(createBrotliDecompress({ flush: zlib.BROTLI_OPERATION_FLUSH, finishFlush: zlib.BROTLI_OPERATION_FLUSH }));
    else return []; // a coding we cannot undo: the body as sent
  }
  return streams;
}

/** Reads the (decompressed) body, counting bytes; refuses or cuts it past `maxBytes`. */
async function readBody(response: Dispatcher.ResponseData, url: string, maxBytes: number, truncate: boolean): Promise<{ body: Buffer; truncated: boolean }> {
  const tooLarge = () => new FetchError('too_large', url, `GET ${url} is larger than ${formatBytes(maxBytes)}`);
  const declared = Number(headerOf(response.headers, 'content-length') ?? NaN);
  if (!truncate && declared > maxBytes) {
    response.body.destroy();
    throw tooLarge();
  }
  const decoding = decoders(headerOf(response.headers, 'content-encoding'));
  const source: Readable = decoding.length === 0 ? response.body : (pipeline([response.body, ...decoding], ignore) as unknown as Readable);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (size + chunk.byteLength > maxBytes) {
        if (!truncate) throw tooLarge();
        chunks.push(chunk.subarray(0, maxBytes - size));
        return { body: Buffer.concat(chunks, maxBytes), truncated: true };
      }
      chunks.push(chunk);
      size += chunk.byteLength;
    }
    return { body: Buffer.concat(chunks, size), truncated: false };
  } finally {
    // Leaving the loop early (cut, refused, failed) ends the response: its connection is not reused.
    if (!source.readableEnded) {
      source.destroy();
      response.body.destroy();
    }
  }
}

/** 5242880 → "5 MB", 1000 → "1000 bytes", 1536 → "1.5 KB". */
function formatBytes(bytes: number): string {
  const trim = (n: number) => String(Number(n.toFixed(1)));
  if (bytes >= 1024 * 1024) return `${trim(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${trim(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
