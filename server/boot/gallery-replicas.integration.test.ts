import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { formData, makeJpeg } from '../testing/photos';
import { startServerProcess, until } from '../testing/processes';
import { freePort, type PrivateRedis, startPrivateRedis } from '../testing/redis';
import { startS3rver, type TestS3 } from '../testing/s3';
import { type AdminImage, call, diagnosticsOf, OWNER, type Replica, replicaEnv } from '../testing/deployment';
import { ensureNextBuild, NEXT_BUILD_TIMEOUT_MS } from '../testing/next-build';

/*
 * Issue 9's freshness acceptance: two production servers on one PostgreSQL, one Redis (a
 * private one, so the test can take it away) and one bucket. Admin writes go through A; the
 * gallery pages B serves (and caches) must show each of them within 1 s: with Redis up, with
 * Redis down in CACHE_MODE=strict (rendered uncached) and in CACHE_MODE=degraded (a fallback
 * that keeps pages at most 0.5 s).
 */

const FRESH_MS = 1000;

interface Deployment {
  database: TestDatabase;
  redis: PrivateRedis;
  s3: TestS3;
  A: Replica;
  B: Replica;
}

async function startDeployment(mode: 'strict' | 'degraded'): Promise<Deployment> {
  const [database, redis, s3] = await Promise.all([createTestDatabase('postgres'), startPrivateRedis(), startS3rver()]);
  if (!database.url) throw new Error('the test database has no URL');
  const shared = { ...replicaEnv(database.url, redis.url, s3), CACHE_MODE: mode };
  const ports = [await freePort(), await freePort()];
  const [a, b] = await Promise.all(ports.map((port) => startServerProcess({ ...shared, BETTER_AUTH_URL: `http://127.0.0.1:${port}` }, { port, startTimeoutMs: 180_000 })));
  if (!a || !b) throw new Error('two replicas expected');
  const A: Replica = { name: 'A', server: a, cookie: '', dead: false };
  const B: Replica = { name: 'B', server: b, cookie: '', dead: false };
  const setup = await call(A, '/api/v1/setup', { method: 'POST', json: OWNER, cookie: false });
  expect(setup.status, await setup.clone().text()).toBe(201);
  const signIn = await call(A, '/api/auth/sign-in/email', { method: 'POST', json: { email: OWNER.email, password: OWNER.password }, cookie: false });
  expect(signIn.status, await signIn.clone().text()).toBe(200);
  A.cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { database, redis, s3, A, B };
}

async function stopDeployment(d: Deployment | undefined) {
  if (!d) return;
  await Promise.all([d.A.server.stop(), d.B.server.stop()]);
  await d.redis.kill();
  await d.s3.stop();
  await d.database.drop();
}

async function json<T>(res: Response, expected: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(expected);
  return JSON.parse(text) as T;
}

/**
 * An admin write through A. With Redis away the change is saved but the invalidation cannot
 * reach Redis, which the API says with a 503; freshness then rests on the outage behaviour.
 */
async function adminWrite(A: Replica, route: string, init: { method: string; json?: unknown }, redisDown: boolean) {
  const res = await call(A, route, init);
  const text = await res.text();
  if (redisDown && res.status === 503) expect(text).toContain('The change was saved');
  else expect(res.status, `${init.method} ${route}: ${text}`).toBeLessThan(300);
}

async function page(replica: Replica, path: string) {
  const res = await call(replica, path, { cookie: false });
  return { status: res.status, body: await res.text(), cache: res.headers.get('x-cache'), backend: res.headers.get('x-cache-backend') };
}

/** Polls B's page from the moment the write returned; fails once FRESH_MS have passed. */
async function freshWithin(replica: Replica, path: string, what: string, ok: (p: Awaited<ReturnType<typeof page>>) => boolean): Promise<number> {
  const start = Date.now();
  let last: Awaited<ReturnType<typeof page>> | undefined;
  for (;;) {
    last = await page(replica, path);
    const elapsed = Date.now() - start;
    if (ok(last)) return elapsed;
    if (elapsed > FRESH_MS) {
      throw new Error(`${what}: ${replica.name}'s ${path} still stale after ${elapsed} ms (status ${last.status}, X-Cache ${last.cache}, backend ${last.backend})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

async function seed(d: Deployment, tag: string) {
  const { A } = d;
  const albumX = await json<{ id: string; slug: string }>(
    await call(A, '/api/v1/admin/albums', { method: 'POST', json: { title: `Harbour ${tag}`, slug: `harbour-${tag}`, visibility: 'public', position: 0 } }),
    201,
  );
  const albumY = await json<{ id: string; slug: string }>(
    await call(A, '/api/v1/admin/albums', { method: 'POST', json: { title: `Meadow ${tag}`, slug: `meadow-${tag}`, visibility: 'public', position: 1 } }),
    201,
  );
  const albumZ = await json<{ id: string; slug: string }>(
    await call(A, '/api/v1/admin/albums', { method: 'POST', json: { title: `Private ${tag}`, slug: `private-${tag}`, visibility: 'private' } }),
    201,
  );
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const data = await makeJpeg({ width: 800, height: 600, seed: (tag === 'strict' ? 500 : 600) + i });
    const upload = await json<{ items: { id: string }[] }>(
      await call(A, '/api/v1/admin/images', { method: 'POST', body: formData([{ name: `p${i}.jpg`, data, type: 'image/jpeg' }]) }),
      202,
    );
    const id = upload.items[0]?.id;
    if (!id) throw new Error('upload answered no item');
    ids.push(id);
    await json(await call(A, `/api/v1/admin/images/${id}`, { method: 'PATCH', json: { albumId: i < 3 ? albumX.id : albumZ.id } }), 200);
  }
  const developed = await until(
    'the photos to be developed',
    async () => {
      const list = await json<{ items: AdminImage[] }>(await call(A, '/api/v1/admin/images?limit=100'), 200);
      return ids.every((id) => list.items.some((i) => i.id === id && i.status === 'ready')) && list.items;
    },
    { timeoutMs: 90_000, intervalMs: 250, diagnostics: () => diagnosticsOf([d.A, d.B]) },
  );
  const privateUrl = developed.find((i) => i.id === ids[3])?.variants[0]?.url;
  if (!privateUrl) throw new Error('the private photo has no variant');
  const share = async () => {
    const made = await json<{ share: { id: string }; token: string }>(await call(A, `/api/v1/admin/albums/${albumZ.id}/shares`, { method: 'POST', json: {} }), 201);
    return { id: made.share.id, page: `/s/${made.token}`, file: `/api/v1/shares/${made.token}/files/${privateUrl.slice('/api/v1/files/'.length)}` };
  };
  return { albumX, albumY, albumZ, ids: ids.slice(0, 3), share };
}

type Share = Awaited<ReturnType<Awaited<ReturnType<typeof seed>>['share']>>;

/** Revokes through A; B's share page and the file through the link are 404 within 1 s. */
async function revokeAndCheck(A: Replica, B: Replica, albumId: string, share: Share, redisDown: boolean, label: string, timings: string[]) {
  expect((await page(B, share.page)).status, `${label}: share page before the revoke`).toBe(200);
  expect((await page(B, share.file)).status, `${label}: shared file before the revoke`).toBe(200);
  await adminWrite(A, `/api/v1/admin/albums/${albumId}/shares/${share.id}/revoke`, { method: 'POST' }, redisDown);
  timings.push(`${label}, share revoked (page): ${await freshWithin(B, share.page, `revoke ${label}`, (p) => p.status === 404)}`);
  timings.push(`${label}, share revoked (file): ${await freshWithin(B, share.file, `revoke ${label} (file)`, (p) => p.status === 404)}`);
}

/** Loads the pages on B until B answers them from its cache, so a stale answer is possible. */
async function warm(B: Replica, paths: string[], backend: string) {
  for (const path of paths) {
    await page(B, path);
    const again = await page(B, path);
    expect(again.status, path).toBe(200);
    expect({ path, cache: again.cache, backend: again.backend }).toEqual({ path, cache: 'HIT', backend });
  }
}

describe('gallery pages on two production servers: every admin write through A shows on B within 1 s', () => {
  let strict: Deployment | undefined;
  let degraded: Deployment | undefined;
  const timings: string[] = [];

  beforeAll(async () => {
    await ensureNextBuild();
  }, NEXT_BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await stopDeployment(strict);
    await stopDeployment(degraded);
    console.info(['gallery freshness on B (ms after the write returned on A):', ...timings].join('\n'));
  }, 90_000);

  it(
    'CACHE_MODE=strict: with Redis up (cached pages) and with Redis down (rendered uncached, still fresh)',
    async () => {
      strict = await startDeployment('strict');
      const { A, B } = strict;
      const { albumX, albumY, albumZ, ids, share } = await seed(strict, 'strict');
      const [shareUp, shareDown] = [await share(), await share()];
      const [first, second, third] = ids;
      if (!first || !second || !third) throw new Error('three photos expected');
      const albumPath = `/a/${albumX.slug}`;

      // --- Redis up: B caches both pages in Redis, A's writes invalidate them.
      await warm(B, [albumPath, '/'], 'redis');
      await adminWrite(A, `/api/v1/admin/albums/${albumX.id}`, { method: 'PATCH', json: { title: 'Harbour renamed' } }, false);
      timings.push(`strict, Redis up, rename on the album page: ${await freshWithin(B, albumPath, 'rename', (p) => p.body.includes('Harbour renamed'))}`);
      timings.push(`strict, Redis up, rename on the home page: ${await freshWithin(B, '/', 'rename', (p) => p.body.includes('Harbour renamed'))}`);

      await warm(B, ['/'], 'redis');
      const ordered = (p: { body: string }) => p.body.indexOf(`Meadow strict`) >= 0 && p.body.indexOf('Meadow strict') < p.body.indexOf('Harbour renamed');
      expect(ordered(await page(B, '/'))).toBe(false);
      await adminWrite(A, `/api/v1/admin/albums/${albumX.id}`, { method: 'PATCH', json: { position: 5 } }, false);
      timings.push(`strict, Redis up, album order on the home page: ${await freshWithin(B, '/', 'order', ordered)}`);

      await warm(B, ['/'], 'redis');
      const before = await page(B, '/');
      const cover = ids.find((id) => id !== first) ?? second;
      await adminWrite(A, `/api/v1/admin/albums/${albumX.id}`, { method: 'PATCH', json: { coverImageId: cover } }, false);
      timings.push(
        `strict, Redis up, cover on the home page: ${await freshWithin(B, '/', 'cover', (p) => p.body !== before.body && count(p.body, cover) > count(before.body, cover))}`,
      );

      await warm(B, [albumPath], 'redis');
      expect((await page(B, albumPath)).body).toContain(third);
      await adminWrite(A, `/api/v1/admin/images/${third}`, { method: 'DELETE' }, false);
      timings.push(`strict, Redis up, photo deleted: ${await freshWithin(B, albumPath, 'delete', (p) => p.status === 200 && !p.body.includes(third))}`);

      await warm(B, [albumPath, `/p/${first}`], 'redis');
      await adminWrite(A, `/api/v1/admin/albums/${albumX.id}`, { method: 'PATCH', json: { visibility: 'private' } }, false);
      timings.push(`strict, Redis up, album hidden: ${await freshWithin(B, albumPath, 'hide', (p) => p.status === 404)}`);
      timings.push(`strict, Redis up, its photo hidden: ${await freshWithin(B, `/p/${first}`, 'hide photo', (p) => p.status === 404)}`);
      await adminWrite(A, `/api/v1/admin/albums/${albumX.id}`, { method: 'PATCH', json: { visibility: 'public' } }, false);
      await freshWithin(B, albumPath, 'public again', (p) => p.status === 200);
      await revokeAndCheck(A, B, albumZ.id, shareUp, false, 'strict, Redis up', timings);

      // --- Redis down: strict renders every page uncached, so B is exactly as fresh as PostgreSQL.
      await strict.redis.kill();
      const down = await page(B, albumPath);
      expect({ status: down.status, cache: down.cache, backend: down.backend }).toEqual({ status: 200, cache: 'MISS', backend: 'none' });
      await adminWrite(A, `/api/v1/admin/albums/${albumX.id}`, { method: 'PATCH', json: { title: 'Harbour offline' } }, true);
      timings.push(`strict, Redis down, rename: ${await freshWithin(B, albumPath, 'rename (Redis down)', (p) => p.body.includes('Harbour offline') && p.backend === 'none')}`);
      await adminWrite(A, `/api/v1/admin/images/${second}`, { method: 'DELETE' }, true);
      timings.push(`strict, Redis down, photo deleted: ${await freshWithin(B, albumPath, 'delete (Redis down)', (p) => p.status === 200 && !p.body.includes(second))}`);
      await adminWrite(A, `/api/v1/admin/albums/${albumY.id}`, { method: 'PATCH', json: { visibility: 'private' } }, true);
      timings.push(`strict, Redis down, album hidden: ${await freshWithin(B, `/a/${albumY.slug}`, 'hide (Redis down)', (p) => p.status === 404)}`);
      const home = await page(B, '/');
      expect(home.body).not.toContain('Meadow strict');
      expect(home.backend).toBe('none');
      await revokeAndCheck(A, B, albumZ.id, shareDown, true, 'strict, Redis down', timings);
    },
    300_000,
  );

  it(
    'CACHE_MODE=degraded with Redis down: B serves from its fallback, still fresh within 1 s',
    async () => {
      degraded = await startDeployment('degraded');
      const { A, B } = degraded;
      const { albumX, albumZ, ids, share } = await seed(degraded, 'degraded');
      const link = await share();
      const [first, second] = ids;
      if (!first || !second) throw new Error('photos expected');
      const albumPath = `/a/${albumX.slug}`;
      await warm(B, [albumPath, '/'], 'redis');

      await degraded.redis.kill();
      // The fallback takes over; what it stores lives 0.5 s, so these are the hits it can serve.
      const fallback = await until('B to serve from its fallback', async () => {
        const p = await page(B, albumPath);
        return p.backend === 'local-degraded' && p;
      });
      expect(fallback.status).toBe(200);
      await adminWrite(A, `/api/v1/admin/albums/${albumX.id}`, { method: 'PATCH', json: { title: 'Harbour degraded' } }, true);
      timings.push(`degraded, Redis down, rename: ${await freshWithin(B, albumPath, 'rename (degraded)', (p) => p.body.includes('Harbour degraded'))}`);
      await page(B, '/');
      await adminWrite(A, `/api/v1/admin/images/${second}`, { method: 'DELETE' }, true);
      timings.push(`degraded, Redis down, photo deleted: ${await freshWithin(B, albumPath, 'delete (degraded)', (p) => p.status === 200 && !p.body.includes(second))}`);
      await adminWrite(A, `/api/v1/admin/albums/${albumX.id}`, { method: 'PATCH', json: { visibility: 'private' } }, true);
      timings.push(`degraded, Redis down, album hidden: ${await freshWithin(B, albumPath, 'hide (degraded)', (p) => p.status === 404)}`);
      timings.push(`degraded, Redis down, home without it: ${await freshWithin(B, '/', 'hide on home (degraded)', (p) => !p.body.includes('Harbour degraded'))}`);
      await revokeAndCheck(A, B, albumZ.id, link, true, 'degraded, Redis down', timings);
    },
    300_000,
  );
});
