import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeFor } from '../../server/api-keys';
import { apiKeyRow, backdateLastUse, setRole } from '../../server/testing/api-keys';
import { formData, makeJpeg } from '../../server/testing/photos';
import { captureLogs } from '../../server/testing/processes';
import { TEST_BASE_URL } from '../../server/testing/services';
import { createTestClient, type TestClient } from '../testing/client';

interface Key {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  state: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdBy: { id: string; email: string };
}
interface ErrorBody {
  error: { code: string; message: string };
}

let t: TestClient;
let owner: { cookie: string; id: string };
let admin: { cookie: string; id: string };
let viewerCookie: string;
const logs = captureLogs('info');
/** Every secret this file made, to check that none of them was logged. */
const secrets: string[] = [];

async function addUser(email: string, role: 'admin' | 'viewer') {
  const made = await t.api('/admin/users', { method: 'POST', cookie: owner.cookie, json: { email, password: 'password-1', name: role, role } });
  expect(made.status).toBe(201);
  const { id } = (await made.json()) as { id: string };
  return { id, cookie: (await t.signIn(email, 'password-1')).cookie };
}

/** Creates a key with a session cookie or with another key; returns the response. */
const create = (by: { cookie?: string; key?: string }, body: Record<string, unknown>) =>
  t.api('/admin/api-keys', { method: 'POST', cookie: by.cookie, headers: by.key ? { 'x-api-key': by.key } : {}, json: { name: 'Script', ...body } });

async function createKey(by: { cookie?: string; key?: string }, scopes: string[]) {
  const res = await create(by, { scopes });
  expect(res.status, await res.clone().text()).toBe(201);
  const created = (await res.json()) as { key: Key; secret: string };
  secrets.push(created.secret);
  return created;
}

/** A request with only the key, sent straight to the app: no cookie and no Origin. */
const withKey = (secret: string, path: string, init: RequestInit = {}, header: 'x-api-key' | 'bearer' = 'x-api-key') => {
  const headers = new Headers(init.headers);
  if (header === 'bearer') headers.set('authorization', `Bearer ${secret}`);
  else headers.set('x-api-key', secret);
  return t.app.request(`${TEST_BASE_URL}/api/v1${path}`, { ...init, headers });
};
const postJson = (secret: string, path: string, body: unknown) =>
  withKey(secret, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  t = await createTestClient('pglite', { PREPROCESS_TICKER_ENABLED: 'false', PREPROCESS_CONCURRENCY: '0', API_KEY_RATE_LIMIT_PER_MINUTE: '40' }, { log: logs.log });
  owner = await t.owner();
  admin = await addUser('admin@example.com', 'admin');
  viewerCookie = (await addUser('viewer@example.com', 'viewer')).cookie;
}, 60_000);
afterAll(() => t.close());

describe('creating a key', () => {
  it('shows the secret once; lists and the stored row never hold it', async () => {
    const { key, secret } = await createKey({ cookie: owner.cookie }, ['images.read', 'images.read', 'albums.write']);
    expect(secret).toMatch(/^drk_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ name: 'Script', prefix: secret.slice(0, 12), scopes: ['images.read', 'albums.write'], state: 'active', lastUsedAt: null, createdBy: { id: owner.id } });

    const listed = await t.api('/admin/api-keys', { cookie: owner.cookie });
    const text = await listed.text();
    expect(text).toContain(key.id);
    expect(text).not.toContain(secret);

    const row = await apiKeyRow(t.services.db, key.id);
    expect(row?.secretHash).toBe(createHash('sha256').update(secret).digest('hex'));
    const random = secret.slice(key.prefix.length);
    for (const [column, value] of Object.entries(row ?? {})) {
      expect(JSON.stringify(value) ?? '', column).not.toContain(secret);
      expect(JSON.stringify(value) ?? '', column).not.toContain(random);
    }
  });

  it('refuses an expiry in the past, no scopes and unknown scopes', async () => {
    expect((await create({ cookie: owner.cookie }, { scopes: ['all'], expiresAt: '2001-01-01T00:00:00Z' })).status).toBe(400);
    expect((await create({ cookie: owner.cookie }, { scopes: [] })).status).toBe(400);
    expect((await create({ cookie: owner.cookie }, { scopes: ['images.delete'] })).status).toBe(400);
  });

  it('is for owners and admins: a viewer’s session gets 403 on every API key route', async () => {
    expect((await create({ cookie: viewerCookie }, { scopes: ['images.read'] })).status).toBe(403);
    expect((await t.api('/admin/api-keys', { cookie: viewerCookie })).status).toBe(403);
  });

  it('never goes beyond the creator’s role: an admin cannot grant users.*', async () => {
    const res = await create({ cookie: admin.cookie }, { scopes: ['images.read', 'users.read'] });
    expect(res.status).toBe(403);
    expect(((await res.json()) as ErrorBody).error.message).toBe('A new key cannot have more access than your role: users.read not allowed');
    expect((await create({ cookie: admin.cookie }, { scopes: ['all'] })).status).toBe(201);
  });

  it('with a key: never wider than that key', async () => {
    const { secret } = await createKey({ cookie: owner.cookie }, ['keys.write', 'images.read']);
    for (const scopes of [['images.write'], ['all'], ['images.read', 'users.read']]) {
      const res = await postJson(secret, '/admin/api-keys', { name: 'wider', scopes });
      expect(res.status, scopes.join()).toBe(403);
      expect(((await res.json()) as ErrorBody).error.message).toContain('than the key making this request');
    }
    const narrower = await postJson(secret, '/admin/api-keys', { name: 'narrower', scopes: ['images.read'] });
    expect(narrower.status).toBe(201);
    const made = (await narrower.json()) as { key: Key; secret: string };
    expect(made.key.createdBy.id).toBe(owner.id);
    expect((await withKey(made.secret, '/admin/images')).status).toBe(200);

    // An admin's `all` key mints `all`, still within the admin's role.
    const { secret: adminAll } = await createKey({ cookie: admin.cookie }, ['all']);
    expect((await postJson(adminAll, '/admin/api-keys', { name: 'all again', scopes: ['all'] })).status).toBe(201);
    expect((await postJson(adminAll, '/admin/api-keys', { name: 'users', scopes: ['users.write'] })).status).toBe(403);
  });
});

describe('using a key', () => {
  it('works as x-api-key and as Authorization: Bearer', async () => {
    const { secret } = await createKey({ cookie: owner.cookie }, ['images.read']);
    expect((await withKey(secret, '/admin/images')).status).toBe(200);
    expect((await withKey(secret, '/admin/images', {}, 'bearer')).status).toBe(200);
    expect((await withKey(secret, '/admin/albums', {}, 'bearer')).status).toBe(403);
  });

  it('writes without an Origin header, where a cookie’s form post is refused', async () => {
    const { secret } = await createKey({ cookie: owner.cookie }, ['albums.write', 'images.write', 'settings.write']);
    expect((await postJson(secret, '/admin/albums', { title: 'From a script' })).status).toBe(201);
    const put = await withKey(secret, '/admin/settings', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Scripted', description: '' }) });
    expect(put.status).toBe(200);
    const jpeg = await makeJpeg({ width: 120, height: 90, seed: 5 });
    const photo = () => formData([{ name: 'a.jpg', data: jpeg }]);
    expect((await withKey(secret, '/admin/images', { method: 'POST', body: photo() })).status).toBe(202);
    const cookieOnly = await t.app.request(`${TEST_BASE_URL}/api/v1/admin/images`, { method: 'POST', headers: { cookie: owner.cookie }, body: photo() });
    expect(cookieOnly.status).toBe(403);
  });

  it('reads the files of a photo that is not public with images.read, as a signed-in admin does', async () => {
    expect((await t.tick()).status).toBe(200); // develops the photo the test above uploaded
    const { secret } = await createKey({ cookie: owner.cookie }, ['images.read']);
    const page = (await (await withKey(secret, '/admin/images?status=ready&limit=1')).json()) as { items: { variants: { url: string }[] }[] };
    const path = page.items[0]?.variants[0]?.url.replace('/api/v1', '') ?? '';
    expect(path).toMatch(/^\/files\/variants\//);
    expect((await t.app.request(`${TEST_BASE_URL}/api/v1${path}`)).status).toBe(404);
    expect((await withKey(secret, path)).status).toBe(200);
    const { secret: albumsOnly } = await createKey({ cookie: owner.cookie }, ['albums.read']);
    expect((await withKey(albumsOnly, path)).status).toBe(404);
  });

  it('is judged alone: a bad key next to a valid session cookie is still 401', async () => {
    const res = await t.app.request(`${TEST_BASE_URL}/api/v1/admin/me`, { headers: { cookie: owner.cookie, 'x-api-key': 'drk_nope' } });
    expect(res.status).toBe(401);
    // A Bearer token that is not a Darkroom key (a proxy's own) leaves the session in charge.
    expect((await t.api('/admin/me', { cookie: owner.cookie, headers: { authorization: 'Bearer eyJhbGciOi.proxy.token' } })).status).toBe(200);
  });

  it('stops writing as soon as its creator is demoted to viewer (reads stay within the viewer role)', async () => {
    const demoted = await addUser('demoted@example.com', 'admin');
    const { secret } = await createKey({ cookie: demoted.cookie }, ['albums.read', 'albums.write', 'keys.write']);
    expect((await postJson(secret, '/admin/albums', { title: 'Before' })).status).toBe(201);
    await setRole(t.services.db, demoted.id, 'viewer');
    const refused = await postJson(secret, '/admin/albums', { title: 'After' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error.message).toContain('albums.write');
    expect((await postJson(secret, '/admin/api-keys', { name: 'escape', scopes: ['albums.read'] })).status).toBe(403);
    expect((await withKey(secret, '/admin/albums')).status).toBe(200);
  });

  it('stops working while its creator is deactivated', async () => {
    const paused = await addUser('paused@example.com', 'admin');
    const { secret } = await createKey({ cookie: paused.cookie }, ['images.read']);
    expect((await withKey(secret, '/admin/images')).status).toBe(200);
    expect((await t.api(`/admin/users/${paused.id}/deactivate`, { method: 'POST', cookie: owner.cookie })).status).toBe(200);
    const refused = await withKey(secret, '/admin/images');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error.message).toBe('The account that created this API key is deactivated');
    expect((await t.api(`/admin/users/${paused.id}/activate`, { method: 'POST', cookie: owner.cookie })).status).toBe(200);
    expect((await withKey(secret, '/admin/images')).status).toBe(200);
  });

  it('records its last use at most once a minute', async () => {
    const { key, secret } = await createKey({ cookie: owner.cookie }, ['images.read']);
    await withKey(secret, '/admin/images');
    const first = (await apiKeyRow(t.services.db, key.id))?.lastUsedAt;
    expect(first).toBeInstanceOf(Date);
    await withKey(secret, '/admin/images');
    expect((await apiKeyRow(t.services.db, key.id))?.lastUsedAt).toEqual(first);
    await backdateLastUse(t.services.db, key.id, 61);
    const backdated = (await apiKeyRow(t.services.db, key.id))?.lastUsedAt;
    await withKey(secret, '/admin/images');
    expect((await apiKeyRow(t.services.db, key.id))?.lastUsedAt?.getTime()).toBeGreaterThan(backdated?.getTime() ?? Infinity);
  });

  it('is rate-limited per key (API_KEY_RATE_LIMIT_PER_MINUTE): 429 with Retry-After, other keys unaffected', async () => {
    const { secret: busy } = await createKey({ cookie: owner.cookie }, ['images.read']);
    const { secret: calm } = await createKey({ cookie: owner.cookie }, ['images.read']);
    for (let i = 0; i < 40; i++) expect((await withKey(busy, '/admin/images')).status).toBe(200);
    const limited = await withKey(busy, '/admin/images');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await withKey(calm, '/admin/images')).status).toBe(200);
  });
});

describe('listing and revoking', () => {
  it('an admin sees and revokes only their own keys; the owner sees and revokes all', async () => {
    const mine = await createKey({ cookie: admin.cookie }, ['jobs.read']);
    const owners = await createKey({ cookie: owner.cookie }, ['jobs.read']);
    const adminList = (await (await t.api('/admin/api-keys?limit=100', { cookie: admin.cookie })).json()) as { items: Key[] };
    expect(adminList.items.map((k) => k.id)).toContain(mine.key.id);
    expect(adminList.items.every((k) => k.createdBy.id === admin.id)).toBe(true);
    const ownerList = (await (await t.api('/admin/api-keys?limit=100', { cookie: owner.cookie })).json()) as { items: Key[] };
    expect(ownerList.items.map((k) => k.id)).toEqual(expect.arrayContaining([mine.key.id, owners.key.id]));

    expect((await t.api(`/admin/api-keys/${owners.key.id}/revoke`, { method: 'POST', cookie: admin.cookie })).status).toBe(404);
    expect((await withKey(owners.secret, '/admin/jobs')).status).toBe(200);

    const revoked = await t.api(`/admin/api-keys/${mine.key.id}/revoke`, { method: 'POST', cookie: owner.cookie });
    expect(revoked.status).toBe(200);
    const first = (await revoked.json()) as Key;
    expect(first.state).toBe('revoked');
    const again = (await (await t.api(`/admin/api-keys/${mine.key.id}/revoke`, { method: 'POST', cookie: admin.cookie })).json()) as Key;
    expect(again.revokedAt).toBe(first.revokedAt);
    const res = await withKey(mine.secret, '/admin/jobs');
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorBody).error.message).toBe('This API key has been revoked');
  });

  it('pages newest first with a cursor', async () => {
    const first = (await (await t.api('/admin/api-keys?limit=2', { cookie: owner.cookie })).json()) as { items: Key[]; nextCursor: string | null };
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBe(first.items[1]?.id);
    const second = (await (await t.api(`/admin/api-keys?limit=2&cursor=${first.nextCursor}`, { cookie: owner.cookie })).json()) as { items: Key[] };
    expect(second.items.map((k) => k.id)).not.toContain(first.items[0]?.id);
  });
});

describe('the OpenAPI document', () => {
  it('names the key schemes and, on every admin operation, the scope the guard enforces', async () => {
    const doc = (await (await t.api('/openapi.json')).json()) as {
      components: { securitySchemes: Record<string, { type: string; in?: string; name?: string; scheme?: string }> };
      paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
    };
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-api-key' });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    let operations = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/v1/admin')) continue;
      for (const [method, operation] of Object.entries(item)) {
        const scope = scopeFor(method, path);
        expect(scope, `${method} ${path}`).not.toBeNull();
        expect(operation.security, `${method} ${path}`).toEqual([{ session: [] }, { apiKey: [scope] }, { bearer: [scope] }]);
        operations++;
      }
    }
    expect(operations).toBeGreaterThanOrEqual(30);
    expect(doc.paths['/api/v1/albums']?.get?.security).toBeUndefined();
  });
});

describe('logs', () => {
  it('never hold a secret, whether the key was accepted, refused or revoked', () => {
    expect(logs.lines().some((line) => line.msg === 'api key created')).toBe(true);
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(logs.text()).not.toContain(secret.slice(12));
  });
});
