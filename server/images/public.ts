import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { type Database, schema } from '../db';
import { NotFoundError } from '../errors';
import { type ImageDto, toImageDto } from './dto';

const { albums, images, imageVariants } = schema;
// Correlated subqueries name the outer table literally: drizzle renders a column inside a
// select-field sql`` without its table, which would bind to the inner table instead.

export interface PublicAlbumDto {
  id: string;
  slug: string;
  title: string;
  description: string;
  imageCount: number;
  cover: ImageDto | null;
  createdAt: string;
}

/** Public means: the album is public, the image is public and developed. */
const publicImage = and(eq(images.status, 'ready'), eq(images.visibility, 'public'));

async function withVariants(db: Database, rows: (typeof images.$inferSelect)[], gps: (row: typeof images.$inferSelect) => boolean) {
  if (!rows.length) return [];
  const variants = await db.select().from(imageVariants).where(inArray(imageVariants.imageId, rows.map((r) => r.id)));
  return rows.map((row) => toImageDto(row, variants, { gps: gps(row) }));
}

export async function listPublicAlbums(ctx: { db: Database }, input: { cursor?: string; limit: number }) {
  const after = input.cursor
    ? sql`(${albums.position}, ${albums.createdAt}, ${albums.id}) > (select position, created_at, id from albums where id = ${input.cursor})`
    : undefined;
  const rows = await ctx.db
    .select({
      album: albums,
      n: sql<number>`(select count(*)::int from images i where i.album_id = "albums"."id" and i.status = 'ready' and i.visibility = 'public')`,
      // The chosen cover only while it is a public, developed photo of this very album, whatever
      // albums.cover_image_id says (defence in depth: it must never show another album's photo).
      coverId: sql<string | null>`coalesce(
        (select i.id from images i where i.id = "albums"."cover_image_id" and i.album_id = "albums"."id" and i.status = 'ready' and i.visibility = 'public'),
        (select i.id from images i where i.album_id = "albums"."id" and i.status = 'ready' and i.visibility = 'public' order by i.created_at desc limit 1))`,
    })
    .from(albums)
    .where(and(eq(albums.visibility, 'public'), after))
    .orderBy(asc(albums.position), asc(albums.createdAt), asc(albums.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const coverIds = page.flatMap((r) => (r.coverId ? [r.coverId] : []));
  const coverRows = coverIds.length ? await ctx.db.select().from(images).where(inArray(images.id, coverIds)) : [];
  const covers = await withVariants(ctx.db, coverRows, () => false);
  const items: PublicAlbumDto[] = page.map((r) => ({
    id: r.album.id,
    slug: r.album.slug,
    title: r.album.title,
    description: r.album.description,
    imageCount: Number(r.n),
    cover: covers.find((c) => c.id === r.coverId) ?? null,
    createdAt: r.album.createdAt.toISOString(),
  }));
  return { items, nextCursor: rows.length > input.limit ? (page.at(-1)?.album.id ?? null) : null };
}

export async function getPublicAlbum(ctx: { db: Database }, slug: string, input: { cursor?: string; limit: number }) {
  const [album] = await ctx.db.select().from(albums).where(and(eq(albums.slug, slug), eq(albums.visibility, 'public')));
  if (!album) throw new NotFoundError('Album not found');
  const after = input.cursor ? sql`(${images.createdAt}, ${images.id}) < (select created_at, id from images where id = ${input.cursor})` : undefined;
  const rows = await ctx.db
    .select()
    .from(images)
    .where(and(eq(images.albumId, album.id), publicImage, after))
    .orderBy(desc(images.createdAt), desc(images.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const [n] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(images).where(and(eq(images.albumId, album.id), publicImage));
  return {
    album: { id: album.id, slug: album.slug, title: album.title, description: album.description, imageCount: Number(n?.n ?? 0), createdAt: album.createdAt.toISOString() },
    images: { items: await withVariants(ctx.db, page, () => album.allowGps), nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null },
  };
}

export async function getPublicImage(ctx: { db: Database }, id: string): Promise<ImageDto> {
  const [row] = await ctx.db
    .select({ image: images, allowGps: albums.allowGps })
    .from(images)
    .innerJoin(albums, eq(albums.id, images.albumId))
    .where(and(eq(images.id, id), publicImage, eq(albums.visibility, 'public')));
  if (!row) throw new NotFoundError('Image not found');
  const [dto] = await withVariants(ctx.db, [row.image], () => row.allowGps);
  if (!dto) throw new NotFoundError('Image not found');
  return dto;
}

/** Who may read a stored variant: everyone when its image is public, else only admins. */
export async function resolveVariantFile(ctx: { db: Database }, key: string): Promise<{ key: string; public: boolean; format: string } | undefined> {
  const [row] = await ctx.db
    .select({ key: imageVariants.key, format: imageVariants.format, status: images.status, visibility: images.visibility, albumVisibility: albums.visibility })
    .from(imageVariants)
    .innerJoin(images, eq(images.id, imageVariants.imageId))
    .leftJoin(albums, eq(albums.id, images.albumId))
    .where(eq(imageVariants.key, key));
  if (!row) return undefined;
  return { key: row.key, format: row.format, public: row.status === 'ready' && row.visibility === 'public' && row.albumVisibility === 'public' };
}
