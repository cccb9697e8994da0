import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../../server/testing/processes';
import { formData, makeJpeg } from '../../server/testing/photos';
import { type PrivateRedis, startPrivateRedis } from '../../server/testing/redis';
import { createTestClient, type TestClient } from '../testing/client';

/** Replicas A and B (strict) and C (degraded) on one PostgreSQL database and one Redis of the test's own. */
describe('public read cache across replicas', () => {
  let redis: PrivateRedis;
  let a: TestClient;
  let b: TestClient;
  let c: TestClient;
  let cookie: string;
  let albumId: string;
  const cLogs = captureLogs('info');

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const env = { REDIS_URL: redis.url, PREPROCESS_TICKER_ENABLED: 'false', DARKROOM_SINGLE_INSTANCE: '1' };
    a = await createTestClient('postgres', { ...env, CACHE_MODE: 'strict' });
    const shared = { databaseUrl: a.services.databaseUrl };
    b = await createTestClient('postgres', { ...env, CACHE_MODE: 'strict' }, shared);
    c = await createTestClient('postgres', { ...env, CACHE_MODE: 'degraded' }, { ...shared, log: cLogs.log });
    ({ cookie } = await a.owner());
    const album = (await (await a.api('/admin/albums', { method: 'POST', cookie, json: { title: 'Cached', visibility: 'public' } })).json()) as { id: string };
    albumId = album.id;
    const upload = await a.api('/admin/images', { method: 'POST', cookie, body: formData([{ name: 'c.jpg', data: await makeJpeg({ width: 640, height: 480, seed: 700 }) }]) });
    const [image] = ((await upload.json()) as { items: { id: string }[] }).items;
    await a.tick();
    await a.api(`/admin/images/${image?.id}`, { method: 'PATCH', cookie, json: { albumId } });
  });
  afterAll(async () => {
    await Promise.all([b.close(), c.close()]);
    await a.close();
    await redis.kill();
  });

  it('serves from Redis, and an admin write on A hides the album on B and C at the next request', async () => {
    const first = await b.api('/albums/cached');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache-backend')).toBe('redis');
    expect(((await first.json()) as { album: { imageCount: number } }).album.imageCount).toBe(1);
    expect((await c.api('/albums/cached')).status).toBe(200);

    await a.api(`/admin/albums/${albumId}`, { method: 'PATCH', cookie, json: { visibility: 'private' } });
    expect((await b.api('/albums/cached')).status).toBe(404);
    expect((await c.api('/albums/cached')).status).toBe(404);
    await a.api(`/admin/albums/${albumId}`, { method: 'PATCH', cookie, json: { visibility: 'public' } });
    expect((await b.api('/albums/cached')).status).toBe(200);
  });

  it('a hit is the miss’s body byte for byte, holding only the documented fields', async () => {
    await a.api(`/admin/albums/${albumId}`, { method: 'PATCH', cookie, json: { description: 'bytes' } });
    const miss = await b.api('/albums/cached');
    const hit = await b.api('/albums/cached');
    expect(miss.headers.get('content-type')).toBe('application/json');
    expect(hit.headers.get('content-type')).toBe('application/json');
    const [missText, hitText] = [await miss.text(), await hit.text()];
    expect(hitText).toBe(missText);
    const body = JSON.parse(hitText) as { album: Record<string, unknown>; images: { items: Record<string, unknown>[] } };
    expect(Object.keys(body.album).sort()).toEqual(['createdAt', 'description', 'id', 'imageCount', 'slug', 'title']);
    expect(body.album.description).toBe('bytes');
    const image = await b.api(`/images/${String(body.images.items[0]?.id)}`);
    expect(await image.text()).toBe(await (await b.api(`/images/${String(body.images.items[0]?.id)}`)).text());
  });

  it('with Redis gone: strict reads answer from PostgreSQL uncached, limits and invalidation fail closed with 503', async () => {
    await redis.kill();
    try {
      const read = await b.api('/albums/cached');
      expect(read.status).toBe(200);
      expect(read.headers.get('x-cache-backend')).toBe('none');

      const upload = await a.api('/admin/images', { method: 'POST', cookie, body: formData([{ name: 'x.jpg', data: await makeJpeg({ seed: 701 }) }]) });
      expect(upload.status).toBe(503);
      expect((await a.tick()).status).toBe(503);
      const signIn = await a.auth('/sign-in/email', { json: { email: 'owner@example.com', password: 'owner-password' } });
      expect(signIn.status).toBe(503);
      expect(((await signIn.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');

      const write = await a.api(`/admin/albums/${albumId}`, { method: 'PATCH', cookie, json: { title: 'Renamed' } });
      expect(write.status).toBe(503);
      expect(((await write.json()) as { error: { message: string } }).error.message).toMatch(/change was saved/);

      // Degraded replica C: served from its local fallback, tagged, with one security event.
      const degraded = await c.api('/albums/cached');
      expect(degraded.status).toBe(200);
      expect(degraded.headers.get('x-cache-backend')).toBe('local-degraded');
      await c.api('/albums/cached');
      await c.api('/albums');
      const events = cLogs.lines().filter((l) => l.event === 'BACKEND_UNAVAILABLE_AT_RUNTIME');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ backend: 'redis', mode: 'degraded' });
    } finally {
      await redis.restart();
    }
  });
});
