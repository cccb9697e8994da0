import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Database, schema } from '../db';
import { NotFoundError } from '../errors';
import { pageOf, pageQuery, paginate } from '../shapes';
import { exampleImage, type ImageDto, imageDto, toImageDto } from './dto';

const { albums, images, imageVariants } = schema;
// Correlated subqueries name the outer table literally: drizzle renders a column inside a
// select-field sql`` without its table, which would bind to the inner table instead.

export const publicAlbumDto = z
  .object({ id: z.string(), slug: z.string(), title: z.string(), description: z.string(), imageCount: z.number().int(), cover: imageDto.nullable(), createdAt: z.string() })
  .meta({
    id: 'PublicAlbum',
    example: {
      id: exampleImage.albumId,
      slug: 'summer-2024',
      title: 'Summer 2024',
      description: 'Two weeks on the coast.',
      imageCount: 48,
      cover: exampleImage,
      createdAt: '2024-07-20T17:30:00.000Z',
    },
  });
export type PublicAlbumDto = z.infer<typeof publicAlbumDto>;
export const publicAlbumPage = z
  .object({ album: publicAlbumDto.omit({ cover: true }), images: pageOf(imageDto) })
  .meta({ id: 'PublicAlbumPage' });
export const publicAlbumList = pageOf(publicAlbumDto);
export const publicPageQuery = pageQuery(24);
export const publicSlugParam = z.object({ slug: z.string().min(1).max(80) });
type PublicPageQuery = z.output<typeof publicPageQuery>;

/** Public means: the album is public, the image is public and developed. */
// Literals, not parameters: a prepared statement's generic plan can use the partial index
// images_public_album_idx only when its predicate is spelled out.
const publicImage = sql`${images.status} = 'ready' and ${images.visibility} = 'public'`;

async function withVariants(db: Database, rows: (typeof images.$inferSelect)[], gps: (row: typeof images.$inferSelect) => boolean) {
  if (!rows.length) return [];
  const variants = await db.select().from(imageVariants).where(inArray(imageVariants.imageId, rows.map((r) => r.id)));
  return rows.map((row) => toImageDto(row, variants, { gps: gps(row) }));
}

export async function listPublicAlbums(ctx: { db: Database }, input: PublicPageQuery) {
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
  const { items: page, nextCursor } = paginate(rows, input.limit, (r) => r.album.id);
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
  return { items, nextCursor };
}

export async function getPublicAlbum(ctx: { db: Database }, slug: string, input: PublicPageQuery) {
  const [album] = await ctx.db.select().from(albums).where(and(eq(albums.slug, slug), eq(albums.visibility, 'public')));
  if (!album) throw new NotFoundError('Album not found');
  const after = input.cursor ? sql`(${images.createdAt}, ${images.id}) < (select created_at, id from images where id = ${input.cursor})` : undefined;
  const rows = await ctx.db
    .select()
    .from(images)
    .where(and(eq(images.albumId, album.id), publicImage, after))
    .orderBy(desc(images.createdAt), desc(images.id))
    .limit(input.limit + 1);
  const page = paginate(rows, input.limit, (row) => row.id);
  const [n] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(images).where(and(eq(images.albumId, album.id), publicImage));
  return {
    album: { id: album.id, slug: album.slug, title: album.title, description: album.description, imageCount: Number(n?.n ?? 0), createdAt: album.createdAt.toISOString() },
    images: { items: await withVariants(ctx.db, page.items, () => album.allowGps), nextCursor: page.nextCursor },
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
