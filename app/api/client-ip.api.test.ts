import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setApp } from '../../hono';
import { createTestClient, type TestClient } from '../../hono/testing/client';
import { rowsOf } from '../../server/db';
import { setServices } from '../../server/boot';
import { TEST_BASE_URL } from '../../server/testing/services';
import * as authRoute from './auth/[...all]/route';
import * as apiRoute from './v1/[[...route]]/route';

// The Next-mounted entry path (`next dev`, Vercel): the route adapters called directly with
// Request objects, as Next calls them. There is no socket here.

async function mount(env: Record<string, string>) {
  const t = await createTestClient('pglite', { AUTH_SIGN_IN_LIMIT_PER_MINUTE: '3', TICK_RATE_LIMIT_PER_MINUTE: '2', PREPROCESS_TICKER_ENABLED: 'false', ...env });
  setServices(t.services);
  setApp(t.app);
  await t.owner();
  return t;
}

const signIn = (headers: Record<string, string>, password = 'wrong-password') =>
  authRoute.POST(
    new Request(`${TEST_BASE_URL}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_BASE_URL, ...headers },
      body: JSON.stringify({ email: 'owner@example.com', password }),
    }),
  );
const tick = (t: TestClient, headers: Record<string, string>) =>
  apiRoute.POST(
    new Request(`${TEST_BASE_URL}/api/v1/preprocess-tasks/tick`, {
      method: 'POST',
      headers: { 'x-preprocess-tick-secret': t.services.config.preprocess.tickSecret ?? '', ...headers },
    }),
  );
const rotating = (i: number) => ({ 'x-darkroom-client-ip': `198.51.100.${i}`, 'x-forwarded-for': `203.0.113.${i}`, 'x-real-ip': `192.0.2.${i}` });
const sessionIps = async (t: TestClient) =>
  rowsOf<{ ip_address: string | null }>(await t.services.db.execute('select ip_address from sessions order by created_at')).map((r) => r.ip_address);

describe('the Next route adapters without TRUSTED_PROXIES (next dev, next start)', () => {
  let t: TestClient;
  beforeAll(async () => {
    t = await mount({});
  });
  afterAll(() => t.close());

  it('rotating x-darkroom-client-ip / X-Forwarded-For does not reset the sign-in limit', async () => {
    const statuses = [];
    for (let i = 1; i <= 5; i++) statuses.push((await signIn(rotating(i))).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('rotating them does not reset the tick limit either', async () => {
    const statuses = [];
    for (let i = 1; i <= 4; i++) statuses.push((await tick(t, rotating(i))).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
  });

  it('never records a client-sent address as the session IP', async () => {
    const fresh = await createTestClient('pglite', { PREPROCESS_TICKER_ENABLED: 'false' });
    try {
      setServices(fresh.services);
      await fresh.owner();
      const res = await signIn(rotating(9), 'owner-password');
      expect(res.status).toBe(200);
      const ips = await sessionIps(fresh);
      for (const forged of Object.values(rotating(9))) expect(ips).not.toContain(forged);
    } finally {
      setServices(t.services);
      await fresh.close();
    }
  });
});

describe('the Next route adapters behind TRUSTED_PROXIES', () => {
  let t: TestClient;
  beforeAll(async () => {
    t = await mount({ TRUSTED_PROXIES: '10.0.0.0/8' });
  });
  afterAll(() => t.close());

  it('take the nearest untrusted X-Forwarded-For hop: one limit per client, a forged left part and header change nothing', async () => {
    const a = { 'x-forwarded-for': '198.51.100.30, 10.0.0.5' };
    for (let i = 0; i < 3; i++) expect((await signIn(a)).status).toBe(401);
    expect((await signIn({ 'x-forwarded-for': '203.0.113.1, 198.51.100.30, 10.0.0.5', 'x-darkroom-client-ip': '203.0.113.2' })).status).toBe(429);
    expect((await signIn({ 'x-forwarded-for': '198.51.100.31, 10.0.0.5' })).status).toBe(401);
    const ok = await signIn({ 'x-forwarded-for': '198.51.100.32, 10.0.0.5' }, 'owner-password');
    expect(ok.status).toBe(200);
    expect((await sessionIps(t)).at(-1)).toBe('198.51.100.32');
  });
});

describe('the Next route adapters on Vercel (VERCEL set)', () => {
  let t: TestClient;
  beforeAll(async () => {
    t = await mount({ VERCEL: '1', DARKROOM_SINGLE_INSTANCE: '1' });
  });
  afterAll(() => t.close());

  it("believe only the platform's x-vercel-forwarded-for", async () => {
    for (let i = 1; i <= 3; i++) expect((await signIn({ ...rotating(i), 'x-vercel-forwarded-for': '198.51.100.40' })).status).toBe(401);
    expect((await signIn({ ...rotating(4), 'x-vercel-forwarded-for': '198.51.100.40' })).status).toBe(429);
    const ok = await signIn({ ...rotating(5), 'x-vercel-forwarded-for': '198.51.100.41' }, 'owner-password');
    expect(ok.status).toBe(200);
    expect((await sessionIps(t)).at(-1)).toBe('198.51.100.41');
  });
});
