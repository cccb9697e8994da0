import net from 'node:net';
import { parseCidr } from '../config/cidr';

/** What the client address is decided from: TRUSTED_PROXIES and, on Vercel, the platform's header. */
export interface ClientIpPolicy {
  trustedProxies: string[];
  onVercel: boolean;
}

/** When no trustworthy address is known; rate limits then share one bucket. */
export const UNKNOWN_CLIENT = 'unknown';

/** `::ffff:10.0.0.1` → `10.0.0.1`; an address with a port (`1.2.3.4:567`, `[::1]:80`) loses it; else undefined. */
function normalise(raw: string): string | undefined {
  let address = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed?.[1]) address = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  if (!net.isIP(address)) return undefined;
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(address);
  return mapped?.[1] ?? address.toLowerCase();
}

/** A test for "is this address one of TRUSTED_PROXIES" (node's BlockList; IPv4-mapped IPv6 matches IPv4 ranges). */
export function proxyMatcher(trustedProxies: string[]): (address: string) => boolean {
  // The default (no TRUSTED_PROXIES) costs nothing per request.
  if (trustedProxies.length === 0) return () => false;
  const list = new net.BlockList();
  for (const entry of trustedProxies) {
    const cidr = parseCidr(entry);
    if (!cidr) throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return (address) => {
    const version = net.isIP(address);
    return version !== 0 && list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * Walks the hops nearest first and returns the first one that is not a trusted proxy.
 * Each trusted proxy appended the address it saw, so everything left of the first
 * untrusted hop is the client's own claim. A malformed hop ends the walk at the last
 * good one; if every hop is trusted, the farthest is the client.
 */
function firstUntrusted(hops: string[], trusted: (address: string) => boolean): string | undefined {
  let last: string | undefined;
  for (const hop of hops) {
    const address = normalise(hop);
    if (!address) return last;
    if (!trusted(address)) return address;
    last = address;
  }
  return last;
}

const forwardedHops = (header: string | string[] | null | undefined) =>
  (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .reverse();

/**
 * The production server: the socket address, unless the socket is a trusted proxy; then
 * X-Forwarded-For is walked from the right, skipping trusted hops.
 */
export function clientIpFromSocket(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trusted: (address: string) => boolean): string {
  const socket = socketAddress ? normalise(socketAddress) : undefined;
  if (!socket) return UNKNOWN_CLIENT;
  if (!trusted(socket)) return socket;
  return firstUntrusted([socket, ...forwardedHops(forwardedFor)], trusted) ?? socket;
}

/**
 * The Next-mounted API (`next dev`, `next start`, Vercel), which sees no socket. On Vercel
 * the platform's own header names the client (Vercel overwrites it). Elsewhere Next adds
 * X-Forwarded-For only when the client sent none, so the header is believed only through
 * TRUSTED_PROXIES (which then must be the only way in); without them the client is unknown.
 */
export function clientIpWithoutSocket(headers: Headers, policy: ClientIpPolicy, trusted: (address: string) => boolean): string {
  if (policy.onVercel) return normalise(headers.get('x-vercel-forwarded-for')?.split(',')[0] ?? '') ?? UNKNOWN_CLIENT;
  if (policy.trustedProxies.length === 0) return UNKNOWN_CLIENT;
  return firstUntrusted(forwardedHops(headers.get('x-forwarded-for')), trusted) ?? UNKNOWN_CLIENT;
}

/** Set by the HTTP edges from the decided client address; whatever a client sends under this name is replaced. */
export const CLIENT_IP_HEADER = 'x-darkroom-client-ip';

const matchers = new WeakMap<string[], (address: string) => boolean>();
const matcherFor = (trustedProxies: string[]) => {
  let matcher = matchers.get(trustedProxies);
  if (!matcher) matchers.set(trustedProxies, (matcher = proxyMatcher(trustedProxies)));
  return matcher;
};

/** For the Next route adapters: the request with CLIENT_IP_HEADER decided here, never passed through from the client. */
export function nextMountedRequest(request: Request, policy: ClientIpPolicy): Request {
  const headers = new Headers(request.headers);
  headers.set(CLIENT_IP_HEADER, clientIpWithoutSocket(request.headers, policy, matcherFor(policy.trustedProxies)));
  // Next compresses whatever a route answers: a body the API compressed would arrive gzipped twice.
  headers.delete('accept-encoding');
  // Rebuilt from its parts: under `next dev` on Node 24, `new Request(request, …)` refuses the
  // request Next hands in ("Cannot read private member #state").
  const body = request.method === 'GET' || request.method === 'HEAD' ? null : request.body;
  const init: RequestInit & { duplex: 'half' } = { method: request.method, headers, body, signal: request.signal, duplex: 'half' };
  return new Request(request.url, init);
}

/** For the production server: decides the client address of a node:http request (socket + TRUSTED_PROXIES). */
export function socketClientIp(policy: ClientIpPolicy) {
  const trusted = matcherFor(policy.trustedProxies);
  return (socketAddress: string | undefined, forwardedFor: string | string[] | undefined) => clientIpFromSocket(socketAddress, forwardedFor, trusted);
}
