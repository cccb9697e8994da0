import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { type Database, schema } from '../db';
import { NotFoundError } from '../errors';
import { FILES_PATH, type ImageDto, toImageDto } from '../images';
import { paginate } from '../shapes';
import type { SharedAlbumPage } from './schema';
import { shareFileUrl } from './tokens';

const { albums, images, imageVariants } = schema;
type ImageRow = typeof images.$inferSelect;

/** Every developed photo of the album, whatever its own visibility: the link shares the album. */
const inAlbum = (albumId: string) => and(eq(images.albumId, albumId), eq(images.status, 'ready'));

async function albumOf(db: Database, albumId: string) {
  const [album] = await db.select().from(albums).where(eq(albums.id, albumId));
  if (!album) throw new NotFoundError('Share link not found');
  return album;
}

/** Image DTOs whose variant URLs go through the share's files route (a private variant's public URL answers 404). */
async function sharedImages(db: Database, token: string, rows: ImageRow[], gps: boolean): Promise<ImageDto[]> {
  if (!rows.length) return [];
  const variants = await db.select().from(imageVariants).where(inArray(imageVariants.imageId, rows.map((r) => r.id)));
  const viaShare = (url: string) => (url.startsWith(FILES_PATH) ? shareFileUrl(token, url.slice(FILES_PATH.length)) : url);
  return rows.map((row) => {
    const dto = toImageDto(row, variants, { gps });
    return { ...dto, variants: dto.variants.map((v) => ({ ...v, url: viaShare(v.url) })) };
  });
}

export async function getSharedAlbum(ctx: { db: Database }, share: { albumId: string }, token: string, input: { cursor?: string; limit: number }): Promise<SharedAlbumPage> {
  const album = await albumOf(ctx.db, share.albumId);
  const after = input.cursor ? sql`(${images.createdAt}, ${images.id}) < (select created_at, id from images where id = ${input.cursor})` : undefined;
  const rows = await ctx.db
    .select()
    .from(images)
    .where(and(inAlbum(album.id), after))
    .orderBy(desc(images.createdAt), desc(images.id))
    .limit(input.limit + 1);
  const page = paginate(rows, input.limit, (row) => row.id);
  const [n] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(images).where(inAlbum(album.id));
  return {
    album: { id: album.id, title: album.title, description: album.description, imageCount: Number(n?.n ?? 0), allowDownload: album.allowDownload },
    images: { items: await sharedImages(ctx.db, token, page.items, album.allowGps), nextCursor: page.nextCursor },
  };
}

/** One photo of the shared album with its neighbours in the album's order (newest first). */
export async function getSharedImage(ctx: { db: Database }, share: { albumId: string }, token: string, imageId: string) {
  const album = await albumOf(ctx.db, share.albumId);
  const [row] = await ctx.db.select().from(images).where(and(inAlbum(album.id), eq(images.id, imageId)));
  if (!row) throw new NotFoundError('Image not found');
  const here = sql`(select created_at, id from images where id = ${row.id})`;
  const [newer] = await ctx.db
    .select({ id: images.id })
    .from(images)
    .where(and(inAlbum(album.id), sql`(${images.createdAt}, ${images.id}) > ${here}`))
    .orderBy(asc(images.createdAt), asc(images.id))
    .limit(1);
  const [older] = await ctx.db
    .select({ id: images.id })
    .from(images)
    .where(and(inAlbum(album.id), sql`(${images.createdAt}, ${images.id}) < ${here}`))
    .orderBy(desc(images.createdAt), desc(images.id))
    .limit(1);
  const [image] = await sharedImages(ctx.db, token, [row], album.allowGps);
  if (!image) throw new NotFoundError('Image not found');
  return { album: { id: album.id, title: album.title, allowDownload: album.allowDownload }, image, previousId: newer?.id ?? null, nextId: older?.id ?? null };
}

/** A variant the link may serve: a key of a developed photo of the shared album, else undefined. */
export async function resolveSharedFile(ctx: { db: Database }, share: { albumId: string }, key: string): Promise<{ key: string; format: string } | undefined> {
  const [row] = await ctx.db
    .select({ key: imageVariants.key, format: imageVariants.format })
    .from(imageVariants)
    .innerJoin(images, eq(images.id, imageVariants.imageId))
    .where(and(eq(imageVariants.key, key), inAlbum(share.albumId)));
  return row;
}

/** For pages: the photo, or null when it is not a developed photo of the shared album (a 404). */
export async function findSharedImage(...args: Parameters<typeof getSharedImage>) {
  return getSharedImage(...args).catch((error: unknown) => {
    if (error instanceof NotFoundError) return null;
    throw error;
  });
}
