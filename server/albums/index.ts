import { asc, count, eq, sql } from 'drizzle-orm';
import { type Database, schema, type Transaction } from '../db';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { type AlbumDto, type CreateAlbumInput, createAlbumInput, type UpdateAlbumInput, updateAlbumInput } from './schema';

export * from './schema';

const { albums, images } = schema;

type AlbumRow = typeof albums.$inferSelect;
const toDto = (row: AlbumRow, imageCount: number): AlbumDto => ({
  id: row.id,
  slug: row.slug,
  title: row.title,
  description: row.description,
  visibility: row.visibility,
  allowGps: row.allowGps,
  allowDownload: row.allowDownload,
  coverImageId: row.coverImageId,
  position: row.position,
  imageCount,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const slugify = (title: string) =>
  title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80) || 'album';

const isUnique = (e: unknown): boolean => typeof e === 'object' && e !== null && (('code' in e && e.code === '23505') || ('cause' in e && isUnique(e.cause)));

async function imageCount(db: Database | Transaction, albumId: string) {
  const [row] = await db.select({ n: count() }).from(images).where(eq(images.albumId, albumId));
  return row?.n ?? 0;
}

export async function listAlbums(ctx: { db: Database }): Promise<AlbumDto[]> {
  const rows = await ctx.db
    .select({ album: albums, n: sql<number>`(select count(*)::int from images i where i.album_id = "albums"."id")` })
    .from(albums)
    .orderBy(asc(albums.position), asc(albums.createdAt));
  return rows.map((r) => toDto(r.album, Number(r.n)));
}

export async function getAlbum(ctx: { db: Database }, id: string): Promise<AlbumDto> {
  const [row] = await ctx.db.select().from(albums).where(eq(albums.id, id));
  if (!row) throw new NotFoundError('Album not found');
  return toDto(row, await imageCount(ctx.db, id));
}

export async function createAlbum(ctx: { db: Database }, input: CreateAlbumInput): Promise<AlbumDto> {
  const data = createAlbumInput.parse(input);
  const [last] = await ctx.db.select({ max: sql<number>`coalesce(max(${albums.position}), -1)::int` }).from(albums);
  try {
    const [row] = await ctx.db
      .insert(albums)
      .values({ ...data, id: crypto.randomUUID(), slug: data.slug ?? slugify(data.title), position: data.position ?? Number(last?.max ?? -1) + 1 })
      .returning();
    if (!row) throw new Error('insert returned no row');
    return toDto(row, 0);
  } catch (error) {
    if (isUnique(error)) throw new ConflictError(`An album with the slug "${data.slug ?? slugify(data.title)}" already exists; choose another slug`);
    throw error;
  }
}

/**
 * A cover is a public, developed photo of the album itself. The photo's row stays locked
 * until the album is written, so a concurrent move or change of visibility (which clears
 * covers) cannot slip in between the check and the write.
 */
async function checkCover(tx: Transaction, albumId: string, imageId: string) {
  const [cover] = await tx.select({ albumId: images.albumId, visibility: images.visibility, status: images.status }).from(images).where(eq(images.id, imageId)).for('share');
  if (!cover) throw new ValidationError('coverImageId: no such photo');
  if (cover.albumId !== albumId) throw new ValidationError('coverImageId: the cover must be a photo of this album');
  if (cover.visibility !== 'public') throw new ValidationError('coverImageId: the cover must be public; make the photo public first');
  if (cover.status !== 'ready') throw new ValidationError(`coverImageId: this photo is not developed yet (${cover.status}); choose a developed photo as the cover`);
}

export async function updateAlbum(ctx: { db: Database }, id: string, input: UpdateAlbumInput): Promise<AlbumDto> {
  const data = updateAlbumInput.parse(input);
  try {
    return await ctx.db.transaction(async (tx) => {
      if (data.coverImageId) await checkCover(tx, id, data.coverImageId);
      const [row] = Object.keys(data).length
        ? await tx.update(albums).set(data).where(eq(albums.id, id)).returning()
        : await tx.select().from(albums).where(eq(albums.id, id));
      if (!row) throw new NotFoundError('Album not found');
      return toDto(row, await imageCount(tx, id));
    });
  } catch (error) {
    if (isUnique(error)) throw new ConflictError(`An album with the slug "${data.slug ?? ''}" already exists; choose another slug`);
    throw error;
  }
}

/** The album goes; its images stay in the library, without an album. */
export async function deleteAlbum(ctx: { db: Database }, id: string): Promise<void> {
  const rows = await ctx.db.delete(albums).where(eq(albums.id, id)).returning({ id: albums.id });
  if (!rows.length) throw new NotFoundError('Album not found');
}
