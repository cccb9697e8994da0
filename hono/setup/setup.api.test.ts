import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, type TestClient } from '../testing/client';

let t: TestClient;
beforeAll(async () => {
  t = await createTestClient('pglite');
});
afterAll(() => t.close());

describe('owner setup', () => {
  it('is open on a fresh install and validates its input', async () => {
    expect(await (await t.api('/setup')).json()).toEqual({ needed: true });
    const bad = await t.api('/setup', { method: 'POST', json: { email: 'x', password: '1', name: '' } });
    expect(bad.status).toBe(400);
  });

  it('creates the owner once, then is refused server-side', async () => {
    const created = await t.api('/setup', { method: 'POST', json: { email: 'first@example.com', password: 'password-1', name: 'First' } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ role: 'owner', email: 'first@example.com' });
    expect(await (await t.api('/setup')).json()).toEqual({ needed: false });

    const again = await t.api('/setup', { method: 'POST', json: { email: 'second@example.com', password: 'password-1', name: 'Second' } });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('CONFLICT');
    const signIn = await t.signIn('second@example.com', 'password-1');
    expect(signIn.response.status).toBe(401);
  });
});

describe('headless owner from ADMIN_EMAIL/ADMIN_PASSWORD', () => {
  it('creates the owner at startup and leaves an existing install alone', async () => {
    const env = { ADMIN_EMAIL: 'Boot@Example.com', ADMIN_PASSWORD: 'boot-password' };
    const headless = await createTestClient('pglite', env);
    try {
      expect(await (await headless.api('/setup')).json()).toEqual({ needed: false });
      const { cookie } = await headless.signIn('boot@example.com', 'boot-password');
      const me = await headless.api('/admin/me', { cookie });
      expect(await me.json()).toMatchObject({ email: 'boot@example.com', role: 'owner' });
    } finally {
      await headless.close();
    }
  });
});
