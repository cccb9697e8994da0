import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { CLIENT_IP_HEADER, clientIpFromSocket, clientIpWithoutSocket, nextMountedRequest, proxyMatcher, UNKNOWN_CLIENT } from './client-ip';

const trusted = proxyMatcher(['10.0.0.0/8', '127.0.0.1', '2001:db8::/32']);

describe('the client address from the socket (production server)', () => {
  it.each([
    ['an untrusted socket: X-Forwarded-For is ignored', '203.0.113.5', '198.51.100.1', '203.0.113.5'],
    ['a trusted proxy: the hop it saw', '10.0.0.2', '198.51.100.1', '198.51.100.1'],
    ['a forged left part is skipped', '10.0.0.2', '6.6.6.6, 198.51.100.1', '198.51.100.1'],
    ['two trusted hops', '10.0.0.2', '198.51.100.1, 10.0.0.1', '198.51.100.1'],
    ['every hop trusted: the farthest', '10.0.0.2', '10.0.0.9, 10.0.0.1', '10.0.0.9'],
    ['a trusted proxy with no header', '10.0.0.2', undefined, '10.0.0.2'],
    ['a malformed hop stops the walk at the last good one', '10.0.0.2', 'junk, 10.0.0.7', '10.0.0.7'],
    ['an IPv4-mapped socket matches an IPv4 range', '::ffff:127.0.0.1', '198.51.100.3', '198.51.100.3'],
    ['an IPv4-mapped address is reported as IPv4', '::ffff:203.0.113.9', undefined, '203.0.113.9'],
    ['IPv6 ranges', '2001:db8::1', '2001:db9::5', '2001:db9::5'],
    ['hops with ports', '10.0.0.2', '198.51.100.4:5123', '198.51.100.4'],
    ['bracketed IPv6 with a port', '10.0.0.2', '[2001:db9::7]:443', '2001:db9::7'],
  ])('%s', (_label, socket, xff, expected) => {
    expect(clientIpFromSocket(socket, xff, trusted)).toBe(expected);
  });

  it('is unknown without a socket address', () => {
    expect(clientIpFromSocket(undefined, '198.51.100.1', trusted)).toBe(UNKNOWN_CLIENT);
  });

  it('trusts nothing with an empty TRUSTED_PROXIES', () => {
    expect(clientIpFromSocket('127.0.0.1', '198.51.100.1', proxyMatcher([]))).toBe('127.0.0.1');
  });
});

describe('the client address on the Next-mounted API (no socket)', () => {
  const headers = (h: Record<string, string>) => new Headers(h);
  const none = { trustedProxies: [], onVercel: false };

  it('is unknown without TRUSTED_PROXIES or Vercel, whatever the client sends', () => {
    const forged = headers({ [CLIENT_IP_HEADER]: '198.51.100.1', 'x-forwarded-for': '198.51.100.2', 'x-real-ip': '198.51.100.3' });
    expect(clientIpWithoutSocket(forged, none, proxyMatcher([]))).toBe(UNKNOWN_CLIENT);
  });

  it("on Vercel is the platform's x-vercel-forwarded-for", () => {
    const vercel = { trustedProxies: [], onVercel: true };
    expect(clientIpWithoutSocket(headers({ 'x-vercel-forwarded-for': '198.51.100.8', [CLIENT_IP_HEADER]: '1.1.1.1' }), vercel, proxyMatcher([]))).toBe('198.51.100.8');
    expect(clientIpWithoutSocket(headers({ 'x-forwarded-for': '198.51.100.8' }), vercel, proxyMatcher([]))).toBe(UNKNOWN_CLIENT);
  });

  it('behind TRUSTED_PROXIES walks X-Forwarded-For from the right', () => {
    const policy = { trustedProxies: ['10.0.0.0/8'], onVercel: false };
    const walk = (xff: string) => clientIpWithoutSocket(headers({ 'x-forwarded-for': xff }), policy, proxyMatcher(policy.trustedProxies));
    expect(walk('6.6.6.6, 198.51.100.1, 10.0.0.3')).toBe('198.51.100.1');
    expect(walk('198.51.100.1')).toBe('198.51.100.1');
  });

  it('replaces a client-sent CLIENT_IP_HEADER in the request it hands on, keeping the body', async () => {
    const request = new Request('http://localhost/api/auth/sign-in/email', {
      method: 'POST',
      headers: { [CLIENT_IP_HEADER]: '198.51.100.1', 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    const handed = nextMountedRequest(request, none);
    expect(handed.headers.get(CLIENT_IP_HEADER)).toBe(UNKNOWN_CLIENT);
    expect(handed.method).toBe('POST');
    expect(handed.headers.get('content-type')).toBe('application/json');
    expect(await handed.text()).toBe('{"a":1}');
  });

  it('hands on a GET without a body and without accept-encoding (Next compresses the answer itself)', () => {
    const request = new Request('http://localhost/api/v1/docs?x=1', { headers: { 'accept-encoding': 'gzip, br', accept: 'text/html' } });
    const handed = nextMountedRequest(request, none);
    expect(handed.url).toBe('http://localhost/api/v1/docs?x=1');
    expect(handed.method).toBe('GET');
    expect(handed.body).toBeNull();
    expect(handed.headers.get('accept-encoding')).toBeNull();
    expect(handed.headers.get('accept')).toBe('text/html');
  });
});

describe('TRUSTED_PROXIES in the configuration', () => {
  it('accepts IPv4 and IPv6 addresses and ranges', () => {
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.10,::1/128, fd00::/8' }).trustedProxies).toEqual(['10.0.0.0/8', '192.168.1.10', '::1/128', 'fd00::/8']);
    expect(loadConfig({}).trustedProxies).toEqual([]);
  });

  it.each(['10.0.0.0/33', '10.0.0', 'proxy.internal', '::1/129', '10.0.0.0/8/1', '10.0.0.0/x'])('refuses %s naming the variable and the entry', (entry) => {
    expect(() => loadConfig({ TRUSTED_PROXIES: `127.0.0.1, ${entry}` })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUSTED_PROXIES: `127.0.0.1, ${entry}` })).toThrow(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
  });
});
