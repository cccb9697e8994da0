import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formData, makeJpeg } from '../../server/testing/photos';
import { createTestClient, type TestClient } from '../testing/client';

/*
 * A public album's cover is one of its own public, developed photos, or nothing: moving
 * the cover elsewhere, making it private or deleting it clears it (and the cached public
 * answer). server/images/public-cover.integration.test.ts covers inconsistent data.
 */

const TICK_SECRET = 'cover-test-tick-secret-0123456789';
type PublicAlbum = { id: string; slug: string; cover: { id: string; title: string; albumId: string | null; variants: { url: string }[] } | null };
type AdminAlbum = { id: string; coverImageId: string | null };

let t: TestClient;
let cookie: string;
let seed = 900;
let drafts: string;

beforeAll(async () => {
  t = await createTestClient('pglite', { PREPROCESS_TICKER_ENABLED: 'false', PREPROCESS_TICK_SECRET: TICK_SECRET });
  ({ cookie } = await t.owner());
  drafts = (await createAlbum('Drafts', 'private')).id;
}, 60_000);
afterAll(() => t.close());

async function createAlbum(title: string, visibility: 'public' | 'private'): Promise<AdminAlbum> {
  const res = await t.api('/admin/albums', { method: 'POST', cookie, json: { title, visibility } });
  expect(res.status).toBe(201);
  return (await res.json()) as AdminAlbum;
}

/** Uploads and develops `count` photos, each titled, all in `albumId`. */
async function photosIn(albumId: string, titles: string[]): Promise<string[]> {
  const files = await Promise.all(titles.map(async (title) => ({ name: `${title}.jpg`, data: await makeJpeg({ width: 320, height: 240, seed: seed++ }) })));
  const upload = await t.api('/admin/images', { method: 'POST', cookie, body: formData(files) });
  expect(upload.status).toBe(202);
  const ids = ((await upload.json()) as { items: { id: string }[] }).items.map((i) => i.id);
  const tick = await t.api('/preprocess-tasks/tick', { method: 'POST', headers: { 'x-preprocess-tick-secret': TICK_SECRET } });
  expect(await tick.json()).toMatchObject({ succeeded: ids.length, failed: 0 });
  for (const [i, id] of ids.entries()) {
    const res = await t.api(`/admin/images/${id}`, { method: 'PATCH', cookie, json: { albumId, title: titles[i] } });
    expect(res.status).toBe(200);
  }
  return ids;
}

const patchImage = (id: string, json: unknown) => t.api(`/admin/images/${id}`, { method: 'PATCH', cookie, json });
const setCover = (albumId: string, coverImageId: string | null) => t.api(`/admin/albums/${albumId}`, { method: 'PATCH', cookie, json: { coverImageId } });
const adminAlbum = async (id: string) => (await (await t.api(`/admin/albums/${id}`, { cookie })).json()) as AdminAlbum;

/** One album of GET /albums as an anonymous reader sees it, and its JSON text to search for leaks. */
async function publicAlbum(slug: string): Promise<{ album: PublicAlbum; text: string }> {
  const res = await t.api('/albums?limit=100');
  expect(res.status).toBe(200);
  expect(res.headers.get('x-cache-backend')).toBe('local');
  const album = ((await res.json()) as { items: PublicAlbum[] }).items.find((a) => a.slug === slug);
  if (!album) throw new Error(`album ${slug} is not in the public list`);
  return { album, text: JSON.stringify(album) };
}

/** A public album with two developed photos, the older one chosen as its cover and already in the public cache. */
async function albumWithCover(title: string) {
  const album = await createAlbum(title, 'public');
  const [cover, other] = await photosIn(album.id, [`${title} cover`, `${title} other`]);
  if (!cover || !other) throw new Error('two photos expected');
  expect((await setCover(album.id, cover)).status).toBe(200);
  const slug = title.toLowerCase();
  expect((await publicAlbum(slug)).album.cover?.id).toBe(cover);
  // Served from the cache from here on, until an admin write invalidates it.
  const hits = t.services.cache.public.stats().hits;
  expect((await publicAlbum(slug)).album.cover?.id).toBe(cover);
  expect(t.services.cache.public.stats().hits).toBe(hits + 1);
  return { album, slug, cover, other };
}

function expectNoTraceOf(text: string, imageId: string, title: string) {
  expect(text).not.toContain(imageId);
  expect(text).not.toContain(title);
  expect(text).not.toContain(drafts);
}

describe('public album covers', () => {
  it('moving the cover into a private album: GET /albums no longer shows it, the cover is cleared', async () => {
    const { album, slug, cover, other } = await albumWithCover('Harbour');
    expect((await patchImage(cover, { albumId: drafts })).status).toBe(200);

    const { album: listed, text } = await publicAlbum(slug);
    expect(listed.cover?.id).toBe(other);
    expectNoTraceOf(text, cover, 'Harbour cover');
    expect((await adminAlbum(album.id)).coverImageId).toBeNull();
  });

  it('moving the cover out of every album clears it', async () => {
    const { album, slug, cover, other } = await albumWithCover('Quay');
    expect((await patchImage(cover, { albumId: null })).status).toBe(200);
    const { album: listed, text } = await publicAlbum(slug);
    expect(listed.cover?.id).toBe(other);
    expectNoTraceOf(text, cover, 'Quay cover');
    expect((await adminAlbum(album.id)).coverImageId).toBeNull();
  });

  it('making the cover private clears it', async () => {
    const { album, slug, cover, other } = await albumWithCover('Lighthouse');
    expect((await patchImage(cover, { visibility: 'private' })).status).toBe(200);
    const { album: listed, text } = await publicAlbum(slug);
    expect(listed.cover?.id).toBe(other);
    expectNoTraceOf(text, cover, 'Lighthouse cover');
    expect((await adminAlbum(album.id)).coverImageId).toBeNull();
  });

  it('deleting the cover clears it', async () => {
    const { album, slug, cover, other } = await albumWithCover('Pier');
    expect((await t.api(`/admin/images/${cover}`, { method: 'DELETE', cookie })).status).toBe(204);
    const { album: listed, text } = await publicAlbum(slug);
    expect(listed.cover?.id).toBe(other);
    expectNoTraceOf(text, cover, 'Pier cover');
    expect((await adminAlbum(album.id)).coverImageId).toBeNull();
  });

  it('a title edit keeps the cover', async () => {
    const { album, slug, cover } = await albumWithCover('Dunes');
    expect((await patchImage(cover, { title: 'Dunes at noon' })).status).toBe(200);
    expect((await publicAlbum(slug)).album.cover?.title).toBe('Dunes at noon');
    expect((await adminAlbum(album.id)).coverImageId).toBe(cover);
  });

  it('refuses a cover that is another album’s, private or not developed', async () => {
    const album = await createAlbum('Bay', 'public');
    const [ownPhoto, privatePhoto] = await photosIn(album.id, ['Bay one', 'Bay two']);
    const [elsewhere] = await photosIn(drafts, ['Bay elsewhere']);
    if (!ownPhoto || !privatePhoto || !elsewhere) throw new Error('photos expected');
    await patchImage(privatePhoto, { visibility: 'private' });
    const pending = await t.api('/admin/images', { method: 'POST', cookie, body: formData([{ name: 'p.jpg', data: await makeJpeg({ width: 200, height: 150, seed: seed++ }) }]) });
    const [undeveloped] = ((await pending.json()) as { items: { id: string }[] }).items;
    if (!undeveloped) throw new Error('an upload expected');
    await patchImage(undeveloped.id, { albumId: album.id });

    const refusal = async (id: string) => {
      const res = await setCover(album.id, id);
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: { message: string } }).error.message;
    };
    expect(await refusal(elsewhere)).toMatch(/must be a photo of this album/);
    expect(await refusal(privatePhoto)).toMatch(/must be public/);
    expect(await refusal(undeveloped.id)).toMatch(/not developed yet/);
    expect((await adminAlbum(album.id)).coverImageId).toBeNull();
    expect((await setCover(album.id, ownPhoto)).status).toBe(200);
    expect((await setCover(album.id, null)).status).toBe(200);
  });
});
