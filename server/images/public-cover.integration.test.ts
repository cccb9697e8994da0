import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { updateAlbum } from '../albums';
import { type Database, rowsOf, schema } from '../db';
import { ValidationError } from '../errors';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { until } from '../testing/processes';
import { listPublicAlbums } from './public';

const { albums, images } = schema;

async function album(db: Database, id: string, visibility: 'public' | 'private') {
  await db.insert(albums).values({ id, slug: id, title: id, visibility });
}

/** A developed photo row, as the develop step leaves it (variants are not needed here). */
async function photo(db: Database, id: string, albumId: string, fields: Partial<typeof images.$inferInsert> = {}) {
  await db.insert(images).values({ id, albumId, title: `title of ${id}`, originalKey: `originals/${id}`, originalName: `${id}.jpg`, mime: 'image/jpeg', bytes: 1, sha256: id, status: 'ready', visibility: 'public', ...fields });
}

describe.each(['pglite', 'postgres'] as const)('public album covers on %s', (kind) => {
  let database: TestDatabase;
  let db: Database;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
    db = database.handle.db;
    await album(db, 'open', 'public');
    await album(db, 'closed', 'private');
    await photo(db, 'own-old', 'open', { createdAt: new Date('2024-01-01T00:00:00Z') });
    await photo(db, 'own-new', 'open', { createdAt: new Date('2024-02-01T00:00:00Z') });
  });
  afterEach(() => database.drop());

  const coverOf = async () => (await listPublicAlbums({ db }, { limit: 10 })).items.find((a) => a.id === 'open')?.cover?.id ?? null;

  it('shows the chosen cover while it is a public, developed photo of the album', async () => {
    await db.update(albums).set({ coverImageId: 'own-old' }).where(eq(albums.id, 'open'));
    expect(await coverOf()).toBe('own-old');
  });

  it.each([
    ['a photo of a private album', { albumId: 'closed' }],
    ['a photo of no album', { albumId: null }],
    ['a private photo of the album', { visibility: 'private' as const }],
    ['a photo of the album not developed', { status: 'pending' as const }],
  ])('never shows %s as the cover, whatever cover_image_id says', async (_label, fields) => {
    await photo(db, 'stray', 'open', { ...fields, createdAt: new Date('2023-01-01T00:00:00Z') });
    await db.update(albums).set({ coverImageId: 'stray' }).where(eq(albums.id, 'open'));
    const page = await listPublicAlbums({ db }, { limit: 10 });
    expect(page.items.find((a) => a.id === 'open')?.cover?.id).toBe('own-new');
    expect(JSON.stringify(page)).not.toContain('stray');
    expect(JSON.stringify(page)).not.toContain('closed');
  });
});

describe('choosing a cover while the photo is being moved (PostgreSQL row locks)', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase('postgres');
    await album(database.handle.db, 'open', 'public');
    await album(database.handle.db, 'closed', 'private');
    await photo(database.handle.db, 'moving', 'open');
  });
  afterEach(() => database.drop());

  it('waits for the move to commit, then refuses the photo that is no longer in the album', async () => {
    const { db } = database.handle;
    let commit = () => {};
    const committed = new Promise<void>((resolve) => (commit = resolve));
    let moved = () => {};
    const movedSignal = new Promise<void>((resolve) => (moved = resolve));
    // The move as updateImage makes it: row lock, new album, then commit later.
    const move = db.transaction(async (tx) => {
      await tx.select({ id: images.id }).from(images).where(eq(images.id, 'moving')).for('update');
      await tx.update(images).set({ albumId: 'closed' }).where(eq(images.id, 'moving'));
      moved();
      await committed;
    });
    await movedSignal;
    const choose = updateAlbum({ db }, 'open', { coverImageId: 'moving' }).then(
      () => 'accepted',
      (error: unknown) => error,
    );
    await until('the cover choice to wait for the photo row', async () => {
      const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`));
      return Number(row?.n) > 0;
    });
    commit();
    await move;
    const outcome = await choose;
    expect(outcome).toBeInstanceOf(ValidationError);
    expect(String(outcome)).toMatch(/must be a photo of this album/);
    const [row] = await db.select({ cover: albums.coverImageId }).from(albums).where(eq(albums.id, 'open'));
    expect(row?.cover).toBeNull();
  });
});
