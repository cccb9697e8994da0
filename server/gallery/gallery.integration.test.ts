import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, schema } from '../db';
import { createTestServices, type TestServices } from '../testing/services';
import { getPublicAlbum } from '../images';
import { originalKey } from '../images/keys';
import { ALBUM_PAGE_SIZE, getGalleryAlbum, getGalleryHome, getGalleryPhoto } from '.';

const { albums, images, imageVariants } = schema;
const BIG = ALBUM_PAGE_SIZE + 5;

async function album(db: Database, id: string, fields: Partial<typeof albums.$inferInsert> = {}) {
  await db.insert(albums).values({ id, slug: id, title: `Album ${id}`, visibility: 'public', ...fields });
}

/** A developed photo row as the develop step leaves it, with one WebP variant. */
async function photo(db: Database, id: string, albumId: string | null, fields: Partial<typeof images.$inferInsert> = {}) {
  await db.insert(images).values({
    id,
    albumId,
    title: `title of ${id}`,
    originalKey: originalKey(id, 'jpg'),
    originalName: `${id}.jpg`,
    mime: 'image/jpeg',
    bytes: 3,
    sha256: id,
    status: 'ready',
    visibility: 'public',
    width: 1200,
    height: 800,
    gpsLatitude: 48.85,
    gpsLongitude: 2.29,
    ...fields,
  });
  await db.insert(imageVariants).values({ imageId: id, width: 640, height: 427, format: 'webp', bytes: 10, key: `variants/${id}/640.webp` });
}

describe.each(['pglite', 'postgres'] as const)('gallery reads on %s', (kind) => {
  let services: TestServices;
  let db: Database;
  const ctx = () => services;

  beforeAll(async () => {
    services = await createTestServices(kind, { PREPROCESS_TICKER_ENABLED: 'false', PREPROCESS_CONCURRENCY: '0' });
    db = services.db;
    await album(db, 'open', { allowGps: false, allowDownload: true, position: 1 });
    await album(db, 'maps', { allowGps: true, position: 0 });
    await album(db, 'closed', { visibility: 'private' });
    // Same second for b1/b2/b3: the id breaks the tie, as in the JSON API.
    const t = (s: string) => new Date(`2024-03-01T10:00:${s}Z`);
    await photo(db, 'a1', 'open', { createdAt: t('01') });
    await photo(db, 'b1', 'open', { createdAt: t('05') });
    await photo(db, 'b3', 'open', { createdAt: t('05') });
    await photo(db, 'b2', 'open', { createdAt: t('05') });
    await photo(db, 'c1', 'open', { createdAt: t('09') });
    await photo(db, 'hidden', 'open', { visibility: 'private', createdAt: t('07') });
    await photo(db, 'raw', 'open', { status: 'pending', createdAt: t('08') });
    await photo(db, 'm1', 'maps', { createdAt: t('02') });
    await photo(db, 'secret', 'closed', { createdAt: t('30') });
    for (let i = 0; i < BIG; i++) await photo(db, `big-${String(i).padStart(3, '0')}`, 'maps', { createdAt: new Date(Date.UTC(2020, 0, 1, 0, 0, i)) });
  });
  afterAll(() => services.close());

  it('hides private albums, private or undeveloped photos and photos of private albums', async () => {
    expect(await getGalleryAlbum(ctx(), 'closed')).toBeNull();
    expect(await getGalleryAlbum(ctx(), 'nope')).toBeNull();
    for (const id of ['secret', 'hidden', 'raw', 'missing']) expect(await getGalleryPhoto(ctx(), id), id).toBeNull();
    const home = await getGalleryHome(ctx());
    expect(home.albums.map((a) => a.slug)).toEqual(['maps', 'open']); // the owner's order
    const text = JSON.stringify(home);
    for (const word of ['closed', 'secret', 'hidden', '"raw"']) expect(text).not.toContain(word);
    expect(home.latest[0]?.id).toBe('c1');
    expect(home.site.title).toBe('Darkroom');
  });

  it('strips GPS unless the album allows it', async () => {
    expect((await getGalleryPhoto(ctx(), 'a1'))?.photo.exif.gps).toBeUndefined();
    expect((await getGalleryPhoto(ctx(), 'm1'))?.photo.exif.gps).toEqual({ latitude: 48.85, longitude: 2.29 });
    const open = await getGalleryAlbum(ctx(), 'open');
    expect(open?.images.items.some((i) => i.exif.gps)).toBe(false);
    expect((await getGalleryHome(ctx())).latest.some((i) => i.exif.gps)).toBe(false);
  });

  it('walks prev/next in the JSON API order (createdAt desc, id desc), skipping what visitors may not see', async () => {
    const api = await getPublicAlbum(ctx(), 'open', { limit: 100 });
    const order = api.images.items.map((i) => i.id);
    expect(order).toEqual(['c1', 'b3', 'b2', 'b1', 'a1']);
    let id: string | null = order[0] ?? null;
    const walked: string[] = [];
    while (id) {
      const data = await getGalleryPhoto(ctx(), id);
      walked.push(id);
      expect(data?.prevId ?? null).toBe(walked.at(-2) ?? null);
      id = data?.nextId ?? null;
    }
    expect(walked).toEqual(order);
    expect(await getGalleryPhoto(ctx(), 'b2')).toMatchObject({ album: { slug: 'open', allowDownload: true, allowGps: false } });
  });

  it('pages an album by keyset cursor, the same pages as the JSON API', async () => {
    const first = await getGalleryAlbum(ctx(), 'maps');
    expect(first?.album.imageCount).toBe(BIG + 1);
    expect(first?.images.items).toHaveLength(ALBUM_PAGE_SIZE);
    const cursor = first?.images.nextCursor ?? undefined;
    expect(cursor).toBeTruthy();
    const second = await getGalleryAlbum(ctx(), 'maps', cursor);
    expect(second?.images.items).toHaveLength(BIG + 1 - ALBUM_PAGE_SIZE);
    expect(second?.images.nextCursor).toBeNull();
    const ids = [...(first?.images.items ?? []), ...(second?.images.items ?? [])].map((i) => i.id);
    expect(new Set(ids).size).toBe(BIG + 1);
    const api = await getPublicAlbum(ctx(), 'maps', { limit: 100 });
    expect(ids).toEqual(api.images.items.map((i) => i.id));
  });

  it('reads through the public cache, so an admin write (which invalidates it) shows at once', async () => {
    expect((await getGalleryAlbum(ctx(), 'open'))?.album.title).toBe('Album open');
    await db.update(albums).set({ title: 'Renamed' }).where(eq(albums.id, 'open'));
    expect((await getGalleryAlbum(ctx(), 'open'))?.album.title).toBe('Album open'); // cached
    await services.invalidatePublic();
    expect((await getGalleryAlbum(ctx(), 'open'))?.album.title).toBe('Renamed');
    expect((await getGalleryPhoto(ctx(), 'a1'))?.album.title).toBe('Renamed');
  });
});
