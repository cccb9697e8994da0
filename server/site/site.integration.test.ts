import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../db';
import { updateSiteSettings } from '../settings';
import { type PrivateRedis, startPrivateRedis } from '../testing/redis';
import { createTestServices, type TestServices } from '../testing/services';
import { FEED_SIZE, readAtomFeed, readSitemap, readSiteSettings } from '.';

const { albums, images, imageVariants } = schema;
type Image = typeof images.$inferInsert;

/** Rows as the develop step leaves them; the files themselves are not needed here. */
async function seed(services: TestServices) {
  const db = services.db;
  await db.insert(albums).values([
    { id: 'al-open', slug: 'open-coast', title: 'Open coast', visibility: 'public', allowGps: true },
    { id: 'al-closed', slug: 'closed-room', title: 'Closed room', visibility: 'private' },
  ]);
  const photo = (id: string, albumId: string | null, fields: Partial<Image> = {}): Image => ({
    id, albumId, title: `title of ${id}`, originalKey: `originals/${id}/original.jpg`, originalName: `${id}.jpg`, mime: 'image/jpeg',
    bytes: 1, sha256: id, status: 'ready', visibility: 'public', width: 2560, height: 1707, gpsLatitude: 48.85, gpsLongitude: 2.35, ...fields,
  });
  await db.insert(images).values([
    photo('ph-shown', 'al-open', { title: 'Fog & <rocks> "at" dawn ]]>', takenAt: new Date('2024-06-01T12:30:00Z'), createdAt: new Date('2024-07-01T00:00:00Z') }),
    photo('ph-newer', 'al-open', { title: '', createdAt: new Date('2024-08-01T00:00:00Z') }),
    photo('ph-private-photo', 'al-open', { visibility: 'private' }),
    photo('ph-pending', 'al-open', { status: 'pending' }),
    photo('ph-in-private-album', 'al-closed'),
    photo('ph-no-album', null),
  ]);
  const variants = ['ph-shown', 'ph-newer', 'ph-in-private-album'].flatMap((imageId) =>
    [640, 1280, 2560].flatMap((width) =>
      (['avif', 'webp'] as const).map((format) => ({ imageId, width, height: Math.round(width / 1.5), format, bytes: 100, key: `variants/${imageId}/tok/${width}.${format}` })),
    ),
  );
  await db.insert(imageVariants).values(variants);
}

const HIDDEN = ['ph-private-photo', 'ph-pending', 'ph-in-private-album', 'ph-no-album', 'closed-room'];

describe.each(['pglite', 'postgres'] as const)('sitemap and Atom feed on %s', (kind) => {
  let services: TestServices;
  beforeAll(async () => {
    services = await createTestServices(kind);
    await seed(services);
  });
  afterAll(() => services.close());

  it('the sitemap lists home, the public album and its visible photos, absolute, with when they changed', async () => {
    const entries = await readSitemap(services);
    expect(entries.map((e) => e.path).sort()).toEqual(['/', '/a/open-coast', '/p/ph-newer', '/p/ph-shown']);
    for (const entry of entries) expect(Number.isNaN(Date.parse(entry.lastModified)), entry.path).toBe(false);
    const home = entries.find((e) => e.path === '/');
    expect(home?.lastModified).toBe(entries.map((e) => e.lastModified).sort().at(-1));
    expect(JSON.stringify(entries)).not.toMatch(new RegExp(HIDDEN.join('|')));
  });

  it('the feed is well-formed Atom of the visible photos only, newest first, with escaped titles and absolute URLs', async () => {
    const { value: xml } = await readAtomFeed(services);
    expect(XMLValidator.validate(xml)).toBe(true);
    for (const hidden of HIDDEN) expect(xml).not.toContain(hidden);
    expect(xml).not.toMatch(/48\.85|gps/i);

    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['entry', 'link'].includes(name) }).parse(xml);
    const feed = parsed.feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.title).toBe('Darkroom');
    expect(feed.link.map((l: { '@href': string }) => l['@href'])).toEqual(['http://localhost:3000/feed.xml', 'http://localhost:3000/']);
    const entries: { id: string; title: string; updated: string; link: { '@href': string }[]; content: { div: { a: { '@href': string; img: Record<string, string> } } } }[] = feed.entry;
    expect(entries.map((e) => e.id)).toEqual(['http://localhost:3000/p/ph-newer', 'http://localhost:3000/p/ph-shown']);
    const shown = entries[1];
    expect(shown?.title).toBe('Fog & <rocks> "at" dawn ]]>'); // the parser unescapes what the builder escaped
    expect(shown?.updated).toBe('2024-07-01T00:00:00.000Z');
    expect(shown?.content.div.a['@href']).toBe('http://localhost:3000/p/ph-shown');
    expect(shown?.content.div.a.img).toMatchObject({
      '@src': 'http://localhost:3000/api/v1/files/variants/ph-shown/tok/1280.webp',
      '@width': '1280',
      '@alt': 'Fog & <rocks> "at" dawn ]]>',
    });
    expect(entries[0]?.title).toBe('Untitled photo');
  });

  it('keeps at most the latest FEED_SIZE photos', async () => {
    const many = Array.from({ length: FEED_SIZE + 2 }, (_, i) => ({
      id: `ph-bulk-${i}`, albumId: 'al-open', title: `bulk ${i}`, originalKey: `originals/b${i}/original.jpg`, originalName: 'b.jpg', mime: 'image/jpeg',
      bytes: 1, sha256: `bulk-${i}`, status: 'ready' as const, visibility: 'public' as const, createdAt: new Date(Date.UTC(2025, 0, 1, 0, i)),
    }));
    await services.db.insert(images).values(many);
    await services.invalidatePublic();
    const { value: xml } = await readAtomFeed(services);
    const ids = [...xml.matchAll(/<entry><id>[^<]*\/p\/([^<]+)<\/id>/g)].map((m) => m[1]);
    expect(ids).toHaveLength(FEED_SIZE);
    expect(ids[0]).toBe(`ph-bulk-${FEED_SIZE + 1}`);
    expect(ids).not.toContain('ph-bulk-0');
  });

  it('a settings change, once the public cache is dropped as every admin write does, reaches the feed and the metadata', async () => {
    await readAtomFeed(services); // cached now
    await updateSiteSettings(services, { title: 'North & South', description: 'Coast <and> fog' });
    await services.invalidatePublic();
    expect(await readSiteSettings(services)).toEqual({ title: 'North & South', description: 'Coast <and> fog' });
    const { value: xml } = await readAtomFeed(services);
    expect(xml).toContain('<title>North &amp; South</title>');
    expect(xml).toContain('<subtitle>Coast &lt;and&gt; fog</subtitle>');
  });
});

describe('the feed with CACHE_MODE=strict', () => {
  let redis: PrivateRedis;
  let services: TestServices;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    services = await createTestServices('postgres', { REDIS_URL: redis.url, CACHE_MODE: 'strict', PREPROCESS_TICKER_ENABLED: 'false' });
    await seed(services);
  });
  afterAll(async () => {
    await services.close();
    await redis.kill();
  });

  it('is shared through Redis while it is up, and read fresh (uncached, never stale) while it is down', async () => {
    expect((await readAtomFeed(services)).backend).toBe('redis');
    expect((await readAtomFeed(services)).hit).toBe(true);

    await redis.kill();
    await updateSiteSettings(services, { title: 'Written while Redis was away', description: '' }); // no invalidation can reach anyone
    const down = await readAtomFeed(services);
    expect(down.backend).toBe('none');
    expect(down.value).toContain('<title>Written while Redis was away</title>');
  });
});
