import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissions, scopeFor, type Permission } from '../../server/api-keys';
import { expireApiKey } from '../../server/testing/api-keys';
import { adminRoutes, createTestClient, type TestClient } from '../testing/client';

/*
 * Every admin route × every kind of key (issue 11's acceptance): no key, a wrong, revoked or
 * expired key → 401; a key lacking the route's scope → 403; a key with it → through the guard.
 */

let t: TestClient;
let cookie: string;
const keys: { revoked: string; expired: string; only: Map<Permission, string>; allBut: Map<Permission, string> } = {
  revoked: '',
  expired: '',
  only: new Map(),
  allBut: new Map(),
};

async function createKey(scopes: string[], expiresAt?: string) {
  const res = await t.api('/admin/api-keys', { method: 'POST', cookie, json: { name: `k ${scopes.join(' ')}`.slice(0, 100), scopes, ...(expiresAt ? { expiresAt } : {}) } });
  expect(res.status).toBe(201);
  return (await res.json()) as { key: { id: string }; secret: string };
}

beforeAll(async () => {
  t = await createTestClient('pglite', { PREPROCESS_TICKER_ENABLED: 'false', PREPROCESS_CONCURRENCY: '0' });
  ({ cookie } = await t.owner());
  const revoked = await createKey(['all']);
  expect((await t.api(`/admin/api-keys/${revoked.key.id}/revoke`, { method: 'POST', cookie })).status).toBe(200);
  keys.revoked = revoked.secret;
  const expired = await createKey(['all'], new Date(Date.now() + 3_600_000).toISOString());
  await expireApiKey(t.services.db, expired.key.id);
  keys.expired = expired.secret;
  for (const scope of permissions) {
    keys.only.set(scope, (await createKey([scope])).secret);
    keys.allBut.set(scope, (await createKey(permissions.filter((p) => p !== scope))).secret);
  }
}, 120_000);
afterAll(() => t.close());

/** A request with only the key (no cookie); writes send an empty JSON body. */
const send = (route: { method: string; path: string }, key?: string) =>
  t.api(route.path.replace('/api/v1', ''), {
    method: route.method,
    headers: key === undefined ? {} : { 'x-api-key': key },
    ...(route.method === 'GET' || route.method === 'OPTIONS' ? {} : { json: {} }),
  });

/**
 * GET routes without a path parameter succeed outright with the scope. Routes naming an id
 * (some-id exists nowhere) answer 404, and writes with an empty body 4xx validation: either
 * proves the guard let the request through, so those are checked as "neither 401 nor 403".
 */
const succeedsOutright = (route: { method: string; path: string }) =>
  route.method === 'GET' && !route.path.includes('some-id') && !route.path.endsWith('/events');

describe('API keys on every admin route', () => {
  it('walks the routes, API keys included, and every one has a scope', () => {
    const routes = adminRoutes(t.app);
    expect(routes.length).toBeGreaterThanOrEqual(30);
    expect(routes).toContainEqual({ method: 'POST', path: '/api/v1/admin/api-keys' });
    for (const route of routes) expect(scopeFor(route.method, route.path), `${route.method} ${route.path}`).not.toBeNull();
  });

  it.each([
    ['no key', undefined],
    ['a wrong key', `drk_${'A'.repeat(43)}`],
    ['an empty key', ''],
    ['a revoked key', 'revoked'],
    ['an expired key', 'expired'],
  ] as const)('answers 401 with %s', async (_label, which) => {
    const key = which === 'revoked' || which === 'expired' ? keys[which] : which;
    for (const route of adminRoutes(t.app)) {
      const res = await send(route, key);
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toBe('UNAUTHORIZED');
    }
  });

  it('answers 403 to a key holding every scope but the route’s, and names the scope it needs', async () => {
    for (const route of adminRoutes(t.app)) {
      const scope = scopeFor(route.method, route.path);
      if (!scope) throw new Error(`no scope for ${route.method} ${route.path}`);
      const res = await send(route, keys.allBut.get(scope));
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error).toMatchObject({ code: 'FORBIDDEN', message: `This API key does not allow this request: it needs the scope ${scope}` });
    }
  });

  it('lets a key holding only the route’s scope through', async () => {
    for (const route of adminRoutes(t.app)) {
      const scope = scopeFor(route.method, route.path);
      if (!scope) throw new Error(`no scope for ${route.method} ${route.path}`);
      const res = await send(route, keys.only.get(scope));
      const label = `${route.method} ${route.path}: ${res.status}`;
      if (succeedsOutright(route)) expect(res.status, label).toBe(200);
      else {
        expect([401, 403], label).not.toContain(res.status);
        expect(res.status, label).toBeLessThan(500);
      }
    }
  });
});
