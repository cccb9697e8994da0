import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_IP_HEADER } from '../../server/auth';
import { formData, makeJpeg } from '../../server/testing/photos';
import { TEST_BASE_URL } from '../../server/testing/services';
import { expireShare, shareRow } from '../../server/testing/shares';
import { cookieHeader, createTestClient, type TestClient } from '../testing/client';

/* Share links end to end through app.request(): admin routes, the visitor routes and their files. */

interface Share { id: string; label: string; hasPassword: boolean; state: string; openCount: number; lastOpenedAt: string | null; expiresAt: string | null }
interface Created { share: Share; token: string; url: string }
interface Page { album: { title: string; imageCount: number }; images: { items: { id: string; exif: { gps?: unknown }; variants: { url: string }[] }[]; nextCursor: string | null } }

let t: TestClient;
let cookie: string;
let sharedAlbum: string;
let otherAlbum: string;
let otherKey: string;
let otherId: string;

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
const sharesOf = (albumId: string) => `/admin/albums/${albumId}/shares`;
async function create(json: Record<string, unknown> = {}, albumId = sharedAlbum): Promise<Created> {
  const res = await t.api(sharesOf(albumId), { method: 'POST', cookie, json });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Created;
}
async function list(albumId = sharedAlbum): Promise<Share[]> {
  return ((await (await t.api(sharesOf(albumId), { cookie })).json()) as { items: Share[] }).items;
}
const api = (url: string, init?: Parameters<TestClient['api']>[1]) => t.api(url.replace(/^\/api\/v1/, ''), init);
/** A visitor from `ip` (the client address both entry points set). */
const unlockFrom = (token: string, password: string, ip: string) =>
  t.app.request(`${TEST_BASE_URL}/api/v1/shares/${token}/unlock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CLIENT_IP_HEADER]: ip },
    body: JSON.stringify({ password }),
  });

beforeAll(async () => {
  t = await createTestClient('pglite');
  ({ cookie } = await t.owner());
  const album = async (title: string) => ((await (await t.api('/admin/albums', { method: 'POST', cookie, json: { title } })).json()) as { id: string }).id;
  sharedAlbum = await album('Family');
  otherAlbum = await album('Other');
  const upload = await t.api('/admin/images', {
    method: 'POST',
    cookie,
    body: formData([
      { name: 'a.jpg', data: await makeJpeg({ width: 400, height: 300, seed: 901 }) },
      { name: 'b.jpg', data: await makeJpeg({ width: 400, height: 300, seed: 902 }) },
    ]),
  });
  const [a, b] = ((await upload.json()) as { items: { id: string }[] }).items;
  await t.tick();
  await t.api(`/admin/images/${a?.id}`, { method: 'PATCH', cookie, json: { albumId: sharedAlbum } });
  await t.api(`/admin/images/${b?.id}`, { method: 'PATCH', cookie, json: { albumId: otherAlbum } });
  const other = (await (await t.api(`/admin/images/${b?.id}`, { cookie })).json()) as { variants: { url: string }[] };
  otherKey = other.variants[0]?.url.split('/files/')[1] ?? '';
  otherId = b?.id ?? '';
  expect(otherKey).not.toBe('');
}, 120_000);
afterAll(() => t.close());

describe('admin share routes', () => {
  it('need a session (401) and the admin role (403)', async () => {
    expect((await t.api(sharesOf(sharedAlbum))).status).toBe(401);
    expect((await t.api(sharesOf(sharedAlbum), { method: 'POST', json: {} })).status).toBe(401);
    const viewer = (await t.viewer(cookie)).cookie;
    expect((await t.api(sharesOf(sharedAlbum), { cookie: viewer })).status).toBe(403);
    expect((await t.api(sharesOf(sharedAlbum), { method: 'POST', cookie: viewer, json: {} })).status).toBe(403);
  });

  it('create shows the token once; the database keeps only its SHA-256; no list shows a secret', async () => {
    const made = await create({ label: 'Grandma', password: 'hunter22' });
    expect(made.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(made.url).toBe(`${TEST_BASE_URL}/s/${made.token}`);
    expect(made.share).toMatchObject({ label: 'Grandma', hasPassword: true, state: 'active', openCount: 0, expiresAt: null });
    expect(Object.keys(made.share)).not.toContain('passwordHash');

    const row = await shareRow(t.services.db, made.share.id);
    expect(row?.tokenHash).toBe(createHash('sha256').update(made.token).digest('hex'));
    expect(row?.passwordHash).toMatch(/^[0-9a-f]+:[0-9a-f]+$/);
    expect(row?.passwordHash).not.toContain('hunter22');

    const listed = await (await t.api(sharesOf(sharedAlbum), { cookie })).text();
    expect(listed).toContain('Grandma');
    for (const secret of [made.token, row?.tokenHash ?? '-', row?.passwordHash ?? '-', 'hunter22']) expect(listed).not.toContain(secret);
  });

  it('refuses an expiry in the past, a short password, and an unknown album', async () => {
    const past = await t.api(sharesOf(sharedAlbum), { method: 'POST', cookie, json: { expiresAt: '2001-01-01T00:00:00Z' } });
    expect(past.status).toBe(400);
    expect((await errorOf(past)).message).toMatch(/^expiresAt: must be in the future/);
    expect((await t.api(sharesOf(sharedAlbum), { method: 'POST', cookie, json: { password: 'abc' } })).status).toBe(400);
    expect((await t.api(sharesOf('no-such-album'), { method: 'POST', cookie, json: {} })).status).toBe(404);
    expect((await t.api(sharesOf('no-such-album'), { cookie })).status).toBe(404);
  });
});

describe('a link without a password', () => {
  let made: Created;
  let fileUrl: string;
  beforeAll(async () => {
    made = await create({ label: 'open' });
  });

  it('shows the album and its photos, GPS hidden, variant URLs through the link; counts one open per first page', async () => {
    const res = await t.api(`/shares/${made.token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const page = (await res.json()) as Page;
    expect(page.album).toMatchObject({ title: 'Family', imageCount: 1 });
    expect(page.images.items).toHaveLength(1);
    expect(page.images.items[0]?.exif.gps).toBeUndefined();
    fileUrl = page.images.items[0]?.variants[0]?.url ?? '';
    expect(fileUrl.startsWith(`/api/v1/shares/${made.token}/files/variants/`)).toBe(true);

    const next = await t.api(`/shares/${made.token}?limit=1&cursor=${page.images.items[0]?.id}`);
    expect(((await next.json()) as Page).images.items).toHaveLength(0);
    const share = (await list()).find((s) => s.id === made.share.id);
    expect(share).toMatchObject({ openCount: 1, lastOpenedAt: expect.any(String) });
  });

  it('serves the files privately with an ETag; the public files route still refuses the private photo', async () => {
    const file = await api(fileUrl);
    expect(file.status).toBe(200);
    expect(file.headers.get('cache-control')).toBe('private, no-cache');
    expect(file.headers.get('content-type')).toMatch(/^image\/(avif|webp)$/);
    expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const etag = file.headers.get('etag') ?? '';
    expect((await api(fileUrl, { headers: { 'if-none-match': etag } })).status).toBe(304);

    const publicUrl = fileUrl.replace(`/shares/${made.token}`, '');
    expect((await api(publicUrl)).status).toBe(404);
  });

  it('never serves a photo of another album, nor an original', async () => {
    expect((await t.api(`/shares/${made.token}/files/${otherKey}`)).status).toBe(404);
    expect((await t.api(`/shares/${made.token}/files/originals/x/original.jpg`)).status).toBe(404);
    expect((await t.api(`/shares/${made.token}/files/../../etc/passwd`)).status).toBe(404);
    for (const path of ['/shares/%E0%A4%A/files/x', '/shares/%E0%A4%A', `/shares/${'y'.repeat(200)}`]) expect((await t.api(path)).status, path).toBeLessThan(500);
  });

  it('revoked: album and files answer 404 like an unknown token', async () => {
    const other = await t.api(`${sharesOf(otherAlbum)}/${made.share.id}/revoke`, { method: 'POST', cookie });
    expect(other.status).toBe(404);
    const revoked = await t.api(`${sharesOf(sharedAlbum)}/${made.share.id}/revoke`, { method: 'POST', cookie });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ state: 'revoked', revokedAt: expect.any(String) });
    expect((await t.api(`/shares/${made.token}`)).status).toBe(404);
    expect((await api(fileUrl)).status).toBe(404);
    const unknown = await t.api(`/shares/${'x'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).message).toBe('Share link not found');
  });
});

describe('an expired link', () => {
  it('answers 404 on album and files, and lists as expired', async () => {
    const made = await create({ expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const page = (await (await t.api(`/shares/${made.token}`)).json()) as Page;
    const fileUrl = page.images.items[0]?.variants[0]?.url ?? '';
    expect((await api(fileUrl)).status).toBe(200);
    await expireShare(t.services.db, made.share.id);
    expect((await t.api(`/shares/${made.token}`)).status).toBe(404);
    expect((await api(fileUrl)).status).toBe(404);
    expect((await list()).find((s) => s.id === made.share.id)?.state).toBe('expired');
  });
});

describe('originals through a link', () => {
  it('only where the album allows downloads, only photos of that album, only while the link is valid and unlocked', async () => {
    const made = await create({ label: 'download' });
    const photo = ((await (await t.api(`/shares/${made.token}`)).json()) as Page).images.items[0]?.id ?? '';
    const original = (token: string, id: string, init?: Parameters<TestClient['api']>[1]) => t.api(`/shares/${token}/images/${id}/original`, init);
    expect((await original(made.token, photo)).status).toBe(404);

    expect((await t.api(`/admin/albums/${sharedAlbum}`, { method: 'PATCH', cookie, json: { allowDownload: true } })).status).toBe(200);
    try {
      const res = await original(made.token, photo);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${photo}.jpg"`);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect([...new Uint8Array(await res.arrayBuffer()).subarray(0, 2)]).toEqual([0xff, 0xd8]);
      expect((await original(made.token, otherId)).status).toBe(404);

      const locked = await create({ password: 'correct horse' });
      expect((await original(locked.token, photo)).status).toBe(401);
      const access = cookieHeader(await t.api(`/shares/${locked.token}/unlock`, { method: 'POST', json: { password: 'correct horse' } }));
      expect((await original(locked.token, photo, { cookie: access })).status).toBe(200);

      await t.api(`${sharesOf(sharedAlbum)}/${made.share.id}/revoke`, { method: 'POST', cookie });
      expect((await original(made.token, photo)).status).toBe(404);
    } finally {
      await t.api(`/admin/albums/${sharedAlbum}`, { method: 'PATCH', cookie, json: { allowDownload: false } });
    }
  });
});

describe('a password link', () => {
  let made: Created;
  let fileUrl: string;
  beforeAll(async () => {
    made = await create({ password: 'correct horse' });
  });

  it('answers 401 on album and files until unlocked; a wrong password is 401', async () => {
    const locked = await t.api(`/shares/${made.token}`);
    expect(locked.status).toBe(401);
    expect((await errorOf(locked)).code).toBe('UNAUTHORIZED');
    const wrong = await t.api(`/shares/${made.token}/unlock`, { method: 'POST', json: { password: 'wrong' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    expect((await t.api(`/shares/${made.token}`, { cookie: 'darkroom_share_x=y' })).status).toBe(401);
  });

  it('the right password sets an HttpOnly, SameSite=Lax cookie that opens album and files', async () => {
    const res = await t.api(`/shares/${made.token}/unlock`, { method: 'POST', json: { password: 'correct horse' } });
    expect(res.status).toBe(204);
    const [setCookie] = res.headers.getSetCookie();
    expect(setCookie).toMatch(new RegExp(`^darkroom_share_${made.share.id}=`));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/); // the test base URL is http
    const access = cookieHeader(res);
    const page = await t.api(`/shares/${made.token}`, { cookie: access });
    expect(page.status).toBe(200);
    fileUrl = ((await page.json()) as Page).images.items[0]?.variants[0]?.url ?? '';
    expect((await api(fileUrl)).status).toBe(401);
    expect((await api(fileUrl, { cookie: access })).status).toBe(200);

    // The cookie of one link opens no other password link.
    const second = await create({ password: 'correct horse' });
    const forged = access.replace(made.share.id, second.share.id);
    expect((await t.api(`/shares/${second.token}`, { cookie: forged })).status).toBe(401);

    await t.api(`${sharesOf(sharedAlbum)}/${made.share.id}/revoke`, { method: 'POST', cookie });
    expect((await t.api(`/shares/${made.token}`, { cookie: access })).status).toBe(404);
    expect((await api(fileUrl, { cookie: access })).status).toBe(404);
  });
});

describe('password guesses', () => {
  it('are limited per address (10 per 15 min) and per link (50 per 15 min): 429 with Retry-After', async () => {
    const made = await create({ password: 'the right one' });
    for (let i = 0; i < 10; i++) expect((await unlockFrom(made.token, `guess ${i}`, '198.51.100.1')).status).toBe(401);
    const refused = await unlockFrom(made.token, 'the right one', '198.51.100.1');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await errorOf(refused)).code).toBe('TOO_MANY_REQUESTS');
    // Another address still gets in with the right password.
    expect((await unlockFrom(made.token, 'the right one', '198.51.100.2')).status).toBe(204);

    // 50 guesses on this link in all (11 above), from many addresses: then the link itself is shut.
    for (let i = 0; i < 39; i++) await unlockFrom(made.token, `guess ${i}`, `198.51.101.${i}`);
    const linkShut = await unlockFrom(made.token, 'the right one', '198.51.102.1');
    expect(linkShut.status).toBe(429);
    expect(linkShut.headers.get('retry-after')).not.toBeNull();
  });
});

describe('the OpenAPI document', () => {
  it('describes the admin and visitor share routes', async () => {
    const doc = (await (await t.api('/openapi.json')).json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    for (const path of ['/api/v1/admin/albums/{id}/shares', '/api/v1/admin/albums/{id}/shares/{shareId}/revoke', '/api/v1/shares/{token}', '/api/v1/shares/{token}/unlock', '/api/v1/shares/{token}/files/{key}', '/api/v1/shares/{token}/images/{id}/original']) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    for (const name of ['Share', 'CreateShare', 'CreatedShare', 'SharedAlbumPage', 'UnlockShare']) expect(doc.components.schemas).toHaveProperty([name]);
  });
});
