import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { type Database, schema } from '../db';
import { type ImageDto, toImageDto } from '../images/dto';

const { albums, images, imageVariants } = schema;

/** What a visitor may see: a developed, public photo in a public album (as server/images/public reads it). */
const visibleToVisitors = and(eq(images.status, 'ready'), eq(images.visibility, 'public'), eq(albums.visibility, 'public'));

/** A sitemap file holds at most 50,000 URLs; the newest photos win when a library is larger. */
export const SITEMAP_MAX_PHOTOS = 49_000;

export interface SitemapEntry {
  /** Path under the site's base URL, e.g. `/a/summer`. */
  path: string;
  lastModified: string;
}

/** Home, every public album and every photo a visitor can open, each with when it last changed. */
export async function listSitemapEntries(ctx: { db: Database }): Promise<SitemapEntry[]> {
  const albumRows = await ctx.db
    .select({
      slug: albums.slug,
      updatedAt: albums.updatedAt,
      newest: sql<string | Date | null>`(select max(i.updated_at) from images i where i.album_id = "albums"."id" and i.status = 'ready' and i.visibility = 'public')`,
    })
    .from(albums)
    .where(eq(albums.visibility, 'public'))
    .orderBy(albums.position, albums.createdAt, albums.id);
  const photoRows = await ctx.db
    .select({ id: images.id, updatedAt: images.updatedAt })
    .from(images)
    .innerJoin(albums, eq(albums.id, images.albumId))
    .where(visibleToVisitors)
    .orderBy(desc(images.createdAt), desc(images.id))
    .limit(SITEMAP_MAX_PHOTOS);

  const albumEntries = albumRows.map((row) => ({ path: `/a/${encodeURIComponent(row.slug)}`, lastModified: latest(row.updatedAt, row.newest) }));
  const photoEntries = photoRows.map((row) => ({ path: `/p/${encodeURIComponent(row.id)}`, lastModified: row.updatedAt.toISOString() }));
  const home = { path: '/', lastModified: [...albumEntries, ...photoEntries].map((e) => e.lastModified).sort().at(-1) ?? new Date(0).toISOString() };
  return [home, ...albumEntries, ...photoEntries];
}

/** The later of a timestamp and an optional SQL timestamp (text or Date, by driver), as ISO 8601. */
function latest(date: Date, other: string | Date | null): string {
  const second = other ? new Date(other) : undefined;
  return (second && second > date ? second : date).toISOString();
}

/** The newest photos a visitor can open, newest first, with their variants (never GPS). */
export async function listLatestPublicPhotos(ctx: { db: Database }, limit: number): Promise<ImageDto[]> {
  const rows = await ctx.db
    .select({ image: images })
    .from(images)
    .innerJoin(albums, eq(albums.id, images.albumId))
    .where(visibleToVisitors)
    .orderBy(desc(images.createdAt), desc(images.id))
    .limit(limit);
  if (!rows.length) return [];
  const variants = await ctx.db.select().from(imageVariants).where(inArray(imageVariants.imageId, rows.map((r) => r.image.id)));
  return rows.map((r) => toImageDto(r.image, variants, { gps: false }));
}
