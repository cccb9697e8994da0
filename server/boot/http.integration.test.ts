import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../db';
import { rawRequest, requestHead } from '../testing/raw-http';
import { createTestServices, TEST_BASE_URL } from '../testing/services';
import { createProductionServer } from './http';

// The production server's own path (node:http → Hono / better-auth) over real sockets; only
// Next is left out (a stub answers everything else), so no build is needed.

const MiB = 1024 * 1024;

async function serve(env: Record<string, string> = {}) {
  const services = await createTestServices('postgres', { PREPROCESS_TICKER_ENABLED: 'false', ...env });
  const http = createProductionServer(services, (_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const port = await http.listen(0, '127.0.0.1');
  return {
    services,
    url: `http://127.0.0.1:${port}`,
    port,
    async close() {
      await http.close(100);
      await services.close();
    },
  };
}
type Served = Awaited<ReturnType<typeof serve>>;

describe('the production server refuses oversized and stalled bodies while they stream', () => {
  let s: Served;
  let cookie: string;
  beforeAll(async () => {
    s = await serve({ UPLOAD_MAX_BYTES: String(MiB), UPLOAD_IDLE_TIMEOUT_SECONDS: '1' });
  });
  afterAll(() => s.close());

  it.each([
    ['POST /api/v1/setup, 300 MB declared', '/api/v1/setup', { 'content-length': String(300 * MiB) }, false],
    ['POST /api/v1/setup, chunked', '/api/v1/setup', { 'transfer-encoding': 'chunked' }, true],
    ['POST /api/auth/sign-in/email, 300 MB declared', '/api/auth/sign-in/email', { 'content-length': String(300 * MiB) }, false],
    ['POST /api/auth/sign-in/email, chunked', '/api/auth/sign-in/email', { 'transfer-encoding': 'chunked' }, true],
  ])('%s: 413 long before the client has sent it all', async (_label, target, headers, chunked) => {
    const head = requestHead('POST', target, { 'content-type': 'application/json', origin: TEST_BASE_URL, ...headers });
    const answer = await rawRequest(s.port, head, { total: 300 * MiB, chunked, first: Buffer.from('{"email":"a@example.com","password":"') });
    expect(answer.status).toBe(413);
    expect(answer.sentBeforeAnswer).toBeLessThan(300 * MiB);
    await answer.closed; // and the rest is not read: the server hangs up
  });

  it('a multipart upload that stops sending is cut off after UPLOAD_IDLE_TIMEOUT_SECONDS; its temp file is removed', async () => {
    const setup = await fetch(`${s.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', password: 'owner-password', name: 'Owner' }),
    });
    expect(setup.status).toBe(201);
    const signIn = await fetch(`${s.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_BASE_URL },
      body: JSON.stringify({ email: 'owner@example.com', password: 'owner-password' }),
    });
    cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const boundary = 'stall-boundary';
    const partHead = `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="slow.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
    const head = requestHead('POST', '/api/v1/admin/images', {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(5 * MiB),
      cookie,
      origin: TEST_BASE_URL,
    });
    const tmp = path.join(s.services.dataDir, 'tmp');
    const answer = await rawRequest(s.port, head, { total: 5 * MiB, stallAfter: 200 * 1024, first: Buffer.from(partHead) });
    expect(answer.status).toBe(408);
    await answer.closed;
    expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
  });
});

const signInAs = (s: Served, headers: Record<string, string>, password = 'wrong-password') =>
  fetch(`${s.url}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: TEST_BASE_URL, ...headers },
    body: JSON.stringify({ email: 'owner@example.com', password }),
  });

async function createOwner(s: Served) {
  const res = await fetch(`${s.url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'owner@example.com', password: 'owner-password', name: 'Owner' }),
  });
  expect(res.status).toBe(201);
}

async function sessionIps(s: Served): Promise<string[]> {
  return rowsOf<{ ip_address: string | null }>(await s.services.db.execute('select ip_address from sessions order by created_at')).map((r) => String(r.ip_address));
}

describe('the client address on the production server, without TRUSTED_PROXIES', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ AUTH_SIGN_IN_LIMIT_PER_MINUTE: '3' });
    await createOwner(s);
  });
  afterAll(() => s.close());

  it('is the socket address: rotating x-darkroom-client-ip or X-Forwarded-For does not reset the sign-in limit', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const res = await signInAs(s, { 'x-darkroom-client-ip': `198.51.100.${i}`, 'x-forwarded-for': `203.0.113.${i}` });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
  });

  it('records the socket address as the session IP, not a forged header', async () => {
    const fresh = await serve();
    try {
      await createOwner(fresh);
      const res = await signInAs(fresh, { 'x-forwarded-for': '203.0.113.50', 'x-darkroom-client-ip': '198.51.100.50' }, 'owner-password');
      expect(res.status).toBe(200);
      expect(await sessionIps(fresh)).toEqual(['127.0.0.1']);
    } finally {
      await fresh.close();
    }
  });
});

describe('the client address on the production server behind a trusted proxy (TRUSTED_PROXIES=127.0.0.0/8)', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ AUTH_SIGN_IN_LIMIT_PER_MINUTE: '3', TRUSTED_PROXIES: '127.0.0.0/8, ::1/128' });
    await createOwner(s);
  });
  afterAll(() => s.close());

  it('is the nearest untrusted X-Forwarded-For hop: each client has its own limit, a forged left part changes nothing', async () => {
    const a = '198.51.100.10';
    for (let i = 0; i < 3; i++) expect((await signInAs(s, { 'x-forwarded-for': a })).status).toBe(401);
    expect((await signInAs(s, { 'x-forwarded-for': a })).status).toBe(429);
    // The client prepends addresses of its own; the proxy appended the real one last.
    expect((await signInAs(s, { 'x-forwarded-for': `203.0.113.77, ${a}` })).status).toBe(429);
    expect((await signInAs(s, { 'x-forwarded-for': a, 'x-darkroom-client-ip': '203.0.113.78' })).status).toBe(429);
    // Another client behind the same proxy is not affected.
    expect((await signInAs(s, { 'x-forwarded-for': '198.51.100.11' })).status).toBe(401);
  });

  it('records that address as the session IP', async () => {
    const res = await signInAs(s, { 'x-forwarded-for': '203.0.113.1, 198.51.100.20' }, 'owner-password');
    expect(res.status).toBe(200);
    expect(await sessionIps(s)).toEqual(['198.51.100.20']);
  });
});

describe('request ids on the production server', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve();
  });
  afterAll(() => s.close());

  it('answers every request with an X-Request-Id: a new UUID, or the caller’s own when it is short and plain', async () => {
    const fresh = await fetch(`${s.url}/api/v1/health`);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const again = await fetch(`${s.url}/api/v1/health`);
    expect(again.headers.get('x-request-id')).not.toBe(fresh.headers.get('x-request-id'));

    const traced = await fetch(`${s.url}/api/v1/health`, { headers: { 'x-request-id': 'trace-42' } });
    expect(traced.headers.get('x-request-id')).toBe('trace-42');

    for (const hostile of ['has spaces', 'a'.repeat(129), 'semi;colon']) {
      const res = await fetch(`${s.url}/api/v1/health`, { headers: { 'x-request-id': hostile } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('an error body names the same id as the header, exactly once in the header', async () => {
    const answer = await rawRequest(s.port, requestHead('GET', '/api/v1/nope', { 'x-request-id': 'trace-404' }), { total: 0 });
    expect(answer.status).toBe(404);
    expect(answer.head.toLowerCase().split('x-request-id:').length - 1).toBe(1);
    const res = await fetch(`${s.url}/api/v1/nope`, { headers: { 'x-request-id': 'trace-404' } });
    expect(res.headers.get('x-request-id')).toBe('trace-404');
    expect(((await res.json()) as { error: { requestId: string } }).error.requestId).toBe('trace-404');
  });
});
