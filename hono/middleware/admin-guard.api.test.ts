import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRoutes, createTestClient, type TestClient } from '../testing/client';

let t: TestClient;
beforeAll(async () => {
  t = await createTestClient('pglite');
  await t.owner();
});
afterAll(() => t.close());

const FORGED = [
  ['no cookie', undefined],
  ['a forged session token', 'better-auth.session_token=forged.c2lnbmF0dXJl'],
  [
    'a forged session-data snapshot',
    `better-auth.session_data=${Buffer.from(JSON.stringify({ session: { user: { id: 'x', role: 'owner', active: true } }, expiresAt: Date.now() + 60_000, signature: 'forged' })).toString('base64url')}`,
  ],
] as const;

describe('admin guard', () => {
  it('finds the admin routes to walk', () => {
    const routes = adminRoutes(t.app);
    expect(routes.length).toBeGreaterThanOrEqual(5);
    expect(routes).toContainEqual({ method: 'POST', path: '/api/v1/admin/users/some-id/deactivate' });
  });

  it.each(FORGED)('answers 401 on every admin route with %s', async (_label, cookie) => {
    for (const route of adminRoutes(t.app)) {
      const res = await t.api(route.path.replace('/api/v1', ''), {
        method: route.method,
        cookie,
        ...(route.method === 'GET' ? {} : { json: {} }),
      });
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
      const body = (await res.json()) as { error: { code: string; requestId: string } };
      expect(body.error.code).toBe('UNAUTHORIZED');
      expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
    }
  });

  it('answers 403 to a signed-in viewer and 200 to an admin', async () => {
    const { cookie: ownerCookie } = await t.signIn('owner@example.com', 'owner-password');
    for (const role of ['viewer', 'admin'] as const) {
      const email = `${role}@example.com`;
      const created = await t.api('/admin/users', { method: 'POST', cookie: ownerCookie, json: { email, password: 'password-1', name: role, role } });
      expect(created.status).toBe(201);
      const { cookie } = await t.signIn(email, 'password-1');
      const res = await t.api('/admin/me', { cookie });
      expect(res.status).toBe(role === 'viewer' ? 403 : 200);
    }
  });
});
