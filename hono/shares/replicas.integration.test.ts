import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, type TestClient } from '../testing/client';

/*
 * Two replicas on one PostgreSQL database, each with its own per-process cache (CACHE_MODE
 * local): a share link revoked on A is refused by B at its very next request, because the
 * visitor routes read the link from PostgreSQL every time and never from a cache.
 */
describe('share links across replicas', () => {
  let a: TestClient;
  let b: TestClient;
  let cookie: string;
  let albumId: string;

  beforeAll(async () => {
    const env = { CACHE_MODE: 'local', PREPROCESS_TICKER_ENABLED: 'false', DARKROOM_SINGLE_INSTANCE: '1' };
    a = await createTestClient('postgres', env);
    b = await createTestClient('postgres', env, { databaseUrl: a.services.databaseUrl });
    ({ cookie } = await a.owner());
    albumId = ((await (await a.api('/admin/albums', { method: 'POST', cookie, json: { title: 'Replicated' } })).json()) as { id: string }).id;
  }, 60_000);
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('a revocation on A is a 404 on B at the next request, after B has served the link', async () => {
    const made = (await (await a.api(`/admin/albums/${albumId}/shares`, { method: 'POST', cookie, json: { label: 'r' } })).json()) as { share: { id: string }; token: string };
    expect((await b.api(`/shares/${made.token}`)).status).toBe(200);
    expect((await b.api(`/shares/${made.token}`)).status).toBe(200);
    expect((await a.api(`/admin/albums/${albumId}/shares/${made.share.id}/revoke`, { method: 'POST', cookie })).status).toBe(200);
    expect((await b.api(`/shares/${made.token}`)).status).toBe(404);
  });

  it('a password unlocked on B works on A (one secret), and a revocation on A ends it on B', async () => {
    const made = (await (await a.api(`/admin/albums/${albumId}/shares`, { method: 'POST', cookie, json: { password: 'shared secret' } })).json()) as { share: { id: string }; token: string };
    const unlock = await b.api(`/shares/${made.token}/unlock`, { method: 'POST', json: { password: 'shared secret' } });
    expect(unlock.status).toBe(204);
    const access = unlock.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect((await a.api(`/shares/${made.token}`, { cookie: access })).status).toBe(200);
    await a.api(`/admin/albums/${albumId}/shares/${made.share.id}/revoke`, { method: 'POST', cookie });
    expect((await b.api(`/shares/${made.token}`, { cookie: access })).status).toBe(404);
  });
});
