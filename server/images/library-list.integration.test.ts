import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageStatuses } from '../../drizzle/schema';
import { type Database, schema } from '../db';
import { countByStatus } from '../db/counts';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { type ListImagesInput, listImages } from './admin';

const { albums, images, imageTags, tags } = schema;

/** Twelve photos, one minute apart (p01 oldest), taken one day apart (p01 earliest); p12 untaken. */
async function seed(db: Database) {
  await db.insert(albums).values([{ id: 'a', slug: 'a', title: 'A' }, { id: 'b', slug: 'b', title: 'B' }]);
  const titles = ['Sunset at the harbour', 'Harbour at night', '50% off sale', 'snake_case', 'Back\\slash', 'Mountain', 'Sunset again', 'x', 'y', 'z', 'w', 'v'];
  await db.insert(images).values(
    titles.map((title, i) => {
      const n = String(i + 1).padStart(2, '0');
      return {
        id: `p${n}`,
        albumId: i % 2 ? 'b' : 'a',
        title,
        originalKey: `originals/p${n}`,
        originalName: `p${n}.jpg`,
        mime: 'image/jpeg',
        bytes: 1,
        sha256: `p${n}`,
        status: i < 3 ? ('failed' as const) : ('ready' as const),
        createdAt: new Date(Date.UTC(2024, 0, 1, 0, i)),
        takenAt: i === 11 ? null : new Date(Date.UTC(2020, 0, 1 + i)),
      };
    }),
  );
  await db.insert(tags).values({ id: 't', name: 'sea' });
  // Tagged the way updateImage tags: the image's created_at goes with it.
  await db.insert(imageTags).values(['p01', 'p02', 'p07'].map((imageId) => ({ imageId, tagId: 't', imageCreatedAt: sql`(select created_at from images where id = ${imageId})` })));
}

describe.each(['pglite', 'postgres'] as const)('the admin library list on %s', (kind) => {
  let database: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    db = database.handle.db;
    await seed(db);
  });
  afterAll(() => database.drop());

  /** Every page of a query by its cursors, as ids. */
  async function allPages(input: ListImagesInput, limit: number) {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await listImages({ db }, { ...input, limit, cursor });
      pages.push(page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && pages.length < 20);
    return pages;
  }

  it('pages the whole library newest first, each photo once, by cursor', async () => {
    expect(await allPages({}, 5)).toEqual([
      ['p12', 'p11', 'p10', 'p09', 'p08'],
      ['p07', 'p06', 'p05', 'p04', 'p03'],
      ['p02', 'p01'],
    ]);
  });

  it('filters by album, status and tag, and pages each filter by cursor', async () => {
    expect((await allPages({ albumId: 'a' }, 4)).flat()).toEqual(['p11', 'p09', 'p07', 'p05', 'p03', 'p01']);
    expect(await allPages({ status: 'failed' }, 2)).toEqual([['p03', 'p02'], ['p01']]);
    expect(await allPages({ tag: 'sea' }, 2)).toEqual([['p07', 'p02'], ['p01']]);
  });

  it('searches titles for the text anywhere, ignoring case; % _ and \\ match themselves', async () => {
    expect((await allPages({ q: 'HARBOUR' }, 1)).flat()).toEqual(['p02', 'p01']);
    expect((await allPages({ q: 'sunset' }, 10)).flat()).toEqual(['p07', 'p01']);
    expect((await allPages({ q: '%' }, 10)).flat()).toEqual(['p03']);
    expect((await allPages({ q: '_' }, 10)).flat()).toEqual(['p04']);
    expect((await allPages({ q: '\\' }, 10)).flat()).toEqual(['p05']);
    expect((await listImages({ db }, { q: 'nothing like this' })).items).toEqual([]);
  });

  it('a date range keeps photos taken within it (bounds included), newest taken first, by cursor', async () => {
    const range = { takenFrom: '2020-01-03T00:00:00Z', takenTo: '2020-01-07T00:00:00Z' };
    expect(await allPages(range, 2)).toEqual([['p07', 'p06'], ['p05', 'p04'], ['p03']]);
    // An open range: photos without a taken-at time are never in a date range.
    expect((await allPages({ takenFrom: '2020-01-10T00:00:00+00:00' }, 10)).flat()).toEqual(['p11', 'p10']);
    // Taken order differs from upload order: a photo uploaded last but taken first comes last.
    await db.update(images).set({ takenAt: new Date(Date.UTC(2019, 5, 1)) }).where(eq(images.id, 'p12'));
    expect((await allPages({ takenTo: '2020-01-02T00:00:00Z' }, 1)).flat()).toEqual(['p02', 'p01', 'p12']);
    await db.update(images).set({ takenAt: null }).where(eq(images.id, 'p12'));
  });

  it('jumps by date: `before` starts the list at that time in its order and pages on by cursor', async () => {
    // Upload order: p05 was uploaded at 00:04, so the list starts there, not at the newest.
    expect(await allPages({ before: '2024-01-01T00:04:30Z' }, 2)).toEqual([['p05', 'p04'], ['p03', 'p02'], ['p01']]);
    // With a date range the order is time taken, and so is the jump.
    expect((await allPages({ takenFrom: '2020-01-01T00:00:00Z', before: '2020-01-03T12:00:00Z' }, 10)).flat()).toEqual(['p03', 'p02', 'p01']);
    // Combined with a filter; bound included.
    expect((await allPages({ status: 'failed', before: '2024-01-01T00:01:00Z' }, 10)).flat()).toEqual(['p02', 'p01']);
    expect(await allPages({ before: '2023-12-31T00:00:00Z' }, 10)).toEqual([[]]);
  });

  it('combines filters', async () => {
    expect((await listImages({ db }, { albumId: 'a', q: 'sunset', status: 'ready' })).items.map((i) => i.id)).toEqual(['p07']);
  });

  it('refuses a date that is not an ISO time', async () => {
    await expect(listImages({ db }, { takenFrom: 'yesterday' })).rejects.toThrow();
  });

  it('counts photos per status exactly while each status is small', async () => {
    expect(await countByStatus(db, 'images', imageStatuses)).toEqual({ counts: { pending: 0, processing: 0, ready: 9, failed: 3 }, approximate: false });
  });

  it('past the cap, a status is estimated from statistics and labelled approximate; below it stays exact', async () => {
    await db.execute(sql`analyze images`);
    const { counts, approximate } = await countByStatus(db, 'images', imageStatuses, 5);
    expect(approximate).toBe(true);
    expect(counts.failed).toBe(3);
    expect(counts.pending).toBe(0);
    // The estimate is reltuples × the status's frequency: after ANALYZE of a small table, exact.
    expect(counts.ready).toBe(9);
  });

  it('a status the statistics put far past the cap is taken from them without counting', async () => {
    await db.execute(sql`analyze images`);
    // Rows added since ANALYZE are not in the estimate: proof that ready was not counted.
    await db.insert(images).values({ id: 'late', title: 'late', originalKey: 'originals/late', originalName: 'late.jpg', mime: 'image/jpeg', bytes: 1, sha256: 'late', status: 'ready' });
    const { counts, approximate } = await countByStatus(db, 'images', imageStatuses, 2);
    expect(approximate).toBe(true);
    expect(counts.ready).toBe(9);
    expect(counts.pending).toBe(0);
    await db.delete(images).where(eq(images.id, 'late'));
  });
});

describe('counting a status that was never analysed', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await seed(database.handle.db);
  });
  afterAll(() => database.drop());

  it('counts it exactly (no statistics to estimate from) and does not call it approximate', async () => {
    const result = await countByStatus(database.handle.db, 'images', imageStatuses, 5);
    expect(result).toEqual({ counts: { pending: 0, processing: 0, ready: 9, failed: 3 }, approximate: false });
  });
});
