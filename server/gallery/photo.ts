import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { type Database, schema } from '../db';
import { toImageDto } from '../images/dto';
import { cachedRead, type GalleryContext } from './context';
import { galleryPhoto, type GalleryPhoto } from './shapes';

const { albums, images, imageVariants } = schema;
const photoOrNone = galleryPhoto.nullable();

/** A photo visitors may see: developed, public, in a public album. */
// Status and visibility as literals so the partial index images_public_album_idx applies.
const visibleIn = (albumId: string) => and(eq(images.albumId, albumId), sql`${images.status} = 'ready' and ${images.visibility} = 'public'`);

/**
 * The id next to `id` in the album's order (createdAt desc, id desc): `newer` is the previous one.
 * Compared in SQL against the stored row: a JS Date would drop the timestamp's microseconds.
 */
async function neighbour(db: Database, id: string, albumId: string, newer: boolean): Promise<string | null> {
  const self = sql`(select created_at, id from images where id = ${id})`;
  const beyond = newer ? sql`(${images.createdAt}, ${images.id}) > ${self}` : sql`(${images.createdAt}, ${images.id}) < ${self}`;
  const order = newer ? [asc(images.createdAt), asc(images.id)] : [desc(images.createdAt), desc(images.id)];
  const [hit] = await db.select({ id: images.id }).from(images).where(and(visibleIn(albumId), beyond)).orderBy(...order).limit(1);
  return hit?.id ?? null;
}

async function loadPhoto(db: Database, id: string): Promise<GalleryPhoto | null> {
  const [row] = await db
    .select({ image: images, album: albums })
    .from(images)
    .innerJoin(albums, eq(albums.id, images.albumId))
    .where(and(eq(images.id, id), eq(images.status, 'ready'), eq(images.visibility, 'public'), eq(albums.visibility, 'public')));
  if (!row) return null;
  const { image, album } = row;
  const [variants, prevId, nextId] = await Promise.all([
    db.select().from(imageVariants).where(inArray(imageVariants.imageId, [image.id])),
    neighbour(db, image.id, album.id, true),
    neighbour(db, image.id, album.id, false),
  ]);
  return galleryPhoto.parse({
    photo: toImageDto(image, variants, { gps: album.allowGps }),
    album: { slug: album.slug, title: album.title, allowGps: album.allowGps, allowDownload: album.allowDownload },
    prevId,
    nextId,
  });
}

/** A public photo with its album's permissions and its neighbours, or null when visitors may not see it. */
export async function getGalleryPhoto(ctx: GalleryContext, id: string): Promise<GalleryPhoto | null> {
  if (!id || id.length > 64) return null;
  return cachedRead(ctx, ['photo', id], photoOrNone.parse, () => loadPhoto(ctx.db, id));
}
