import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formData, makeJpeg } from '../../server/testing/photos';
import { createTestClient, type TestClient } from '../testing/client';

describe('GET /images/{id}/original', () => {
  let client: TestClient;
  let cookie: string;
  const ids: Record<string, string> = {};
  const albumIds: Record<string, string> = {};
  const bytes: Record<string, Buffer> = {};

  beforeAll(async () => {
    client = await createTestClient('pglite', { PREPROCESS_TICKER_ENABLED: 'false', PREPROCESS_CONCURRENCY: '0' });
    ({ cookie } = await client.owner());
    const albums = { open: { visibility: 'public', allowDownload: true }, nodl: { visibility: 'public', allowDownload: false }, closed: { visibility: 'private', allowDownload: true } };
    for (const [slug, fields] of Object.entries(albums)) {
      const res = await client.api('/admin/albums', { method: 'POST', cookie, json: { title: slug, slug, ...fields } });
      expect(res.status, await res.clone().text()).toBe(201);
      albumIds[slug] = ((await res.json()) as { id: string }).id;
    }
    for (const [index, slug] of Object.keys(albums).entries()) {
      bytes[slug] = await makeJpeg({ width: 64, height: 48, seed: 900 + index });
      const upload = await client.api('/admin/images', { method: 'POST', cookie, body: formData([{ name: `${slug}.jpg`, data: bytes[slug] }]) });
      const [image] = ((await upload.json()) as { items: { id: string }[] }).items;
      ids[slug] = image?.id ?? '';
    }
    await client.tick();
    for (const slug of Object.keys(albums)) {
      const res = await client.api(`/admin/images/${ids[slug]}`, { method: 'PATCH', cookie, json: { albumId: albumIds[slug], visibility: 'public' } });
      expect(res.status, await res.text()).toBe(200);
    }
  });
  afterAll(() => client.close());

  it('serves the original as an attachment named by its id where the album allows downloads', async () => {
    const res = await client.api(`/images/${ids.open}/original`);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${ids.open}.jpg"`);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes.open ?? Buffer.alloc(0))).toBe(true);
  });

  it('answers 404 where downloads are not allowed, the album is private or the photo is unknown', async () => {
    for (const id of [ids.nodl, ids.closed, 'no-such-image']) {
      const res = await client.api(`/images/${id}/original`);
      expect(res.status, id).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
  });

  it('stops at once when the owner withdraws the permission', async () => {
    await client.api(`/admin/albums/${albumIds.open}`, { method: 'PATCH', cookie, json: { allowDownload: false } });
    expect((await client.api(`/images/${ids.open}/original`)).status).toBe(404);
  });
});
