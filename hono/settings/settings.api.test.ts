import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SITE } from '../../server/settings';
import { readAtomFeed, readSiteSettings } from '../../server/site';
import { createTestClient, type TestClient } from '../testing/client';

let t: TestClient;
let owner: Awaited<ReturnType<TestClient['owner']>>;
beforeAll(async () => {
  t = await createTestClient('pglite');
  owner = await t.owner();
}, 60_000);
afterAll(() => t.close());

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

async function signedIn(role: 'admin' | 'viewer', email: string) {
  const res = await t.api('/admin/users', { method: 'POST', cookie: owner.cookie, json: { email, password: 'password-1', name: email, role } });
  expect(res.status).toBe(201);
  return (await t.signIn(email, 'password-1')).cookie;
}

describe('GET/PUT /admin/settings', () => {
  it('answers the defaults before anything is saved, then what an admin saved (trimmed)', async () => {
    const before = await t.api('/admin/settings', { cookie: owner.cookie });
    expect(before.status).toBe(200);
    expect(await before.json()).toEqual(DEFAULT_SITE);

    const cookie = await signedIn('admin', 'editor@example.com');
    const put = await t.api('/admin/settings', { method: 'PUT', cookie, json: { title: '  North Light ', description: 'Coast and fog' } });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ title: 'North Light', description: 'Coast and fog' });
    expect(await (await t.api('/admin/settings', { cookie: owner.cookie })).json()).toEqual({ title: 'North Light', description: 'Coast and fog' });
  });

  it('refuses an empty title, a missing field or control characters in the error envelope, and keeps the saved value', async () => {
    const saved = await (await t.api('/admin/settings', { cookie: owner.cookie })).json();
    const empty = await t.api('/admin/settings', { method: 'PUT', cookie: owner.cookie, json: { title: '   ', description: '' } });
    expect(empty.status).toBe(400);
    expect(await errorOf(empty)).toMatchObject({ code: 'VALIDATION_FAILED', message: 'title: Title is required' });
    const missing = await t.api('/admin/settings', { method: 'PUT', cookie: owner.cookie, json: { title: 'Only a title' } });
    expect(missing.status).toBe(400);
    const control = await t.api('/admin/settings', { method: 'PUT', cookie: owner.cookie, json: { title: 'Night\u0000\u001b[31m', description: '' } });
    expect(control.status).toBe(400);
    expect((await errorOf(control)).code).toBe('VALIDATION_FAILED');
    expect(await (await t.api('/admin/settings', { cookie: owner.cookie })).json()).toEqual(saved);
  });

  it('is refused signed out (401) and to a viewer (403), for reading and for writing', async () => {
    const viewer = await signedIn('viewer', 'looker@example.com');
    expect((await t.api('/admin/settings')).status).toBe(401);
    expect((await t.api('/admin/settings', { method: 'PUT', json: { title: 'Hijacked', description: '' } })).status).toBe(401);
    expect((await t.api('/admin/settings', { cookie: viewer })).status).toBe(403);
    expect((await t.api('/admin/settings', { method: 'PUT', cookie: viewer, json: { title: 'Hijacked', description: '' } })).status).toBe(403);
    expect(((await (await t.api('/admin/settings', { cookie: owner.cookie })).json()) as { title: string }).title).not.toBe('Hijacked');
  });

  it('a saved change drops the public cache on every replica; a refused one does not', async () => {
    const marker = ['settings-test'];
    await t.services.cache.public.set(marker, 'cached', 300);
    await t.api('/admin/settings', { method: 'PUT', cookie: owner.cookie, json: { title: '', description: '' } });
    expect((await t.services.cache.public.get(marker)).value).toBe('cached');

    await t.api('/admin/settings', { method: 'PUT', cookie: owner.cookie, json: { title: 'Fresh', description: '' } });
    expect((await t.services.cache.public.get(marker)).value).toBeUndefined();
  });

  it('the page metadata and the feed show a saved change at the next read, though both were cached', async () => {
    await readSiteSettings(t.services);
    await readAtomFeed(t.services);
    await t.api('/admin/settings', { method: 'PUT', cookie: owner.cookie, json: { title: 'Salt & Light', description: 'Harbour' } });
    expect(await readSiteSettings(t.services)).toEqual({ title: 'Salt & Light', description: 'Harbour' });
    expect((await readAtomFeed(t.services)).value).toContain('<title>Salt &amp; Light</title>');
  });

  it('is documented in the OpenAPI document with the SiteSettings shape', async () => {
    const doc = (await (await t.api('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths['/api/v1/admin/settings'] ?? {}).sort()).toEqual(['get', 'put']);
    expect(doc.components.schemas.SiteSettings).toMatchObject({ properties: { title: { maxLength: 120 } } });
  });
});
