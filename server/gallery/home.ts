import { and, desc, eq, inArray } from 'drizzle-orm';
import { type Database, schema } from '../db';
import { listPublicAlbums } from '../images';
import { toImageDto } from '../images/dto';
import { getSiteSettings } from '../settings';
import { cachedRead, type GalleryContext } from './context';
import { galleryHome, type GalleryHome } from './shapes';

const { albums, images, imageVariants } = schema;

/** Albums shown on the home page; beyond this a visitor still reaches them by link. */
export const HOME_ALBUM_LIMIT = 100;
export const HOME_LATEST_LIMIT = 12;

/** The newest developed public photos of public albums (GPS never: the home page shows no map). */
async function latestPublicImages(db: Database, limit: number) {
  const rows = await db
    .select({ image: images })
    .from(images)
    .innerJoin(albums, eq(albums.id, images.albumId))
    .where(and(eq(images.status, 'ready'), eq(images.visibility, 'public'), eq(albums.visibility, 'public')))
    .orderBy(desc(images.createdAt), desc(images.id))
    .limit(limit);
  if (!rows.length) return [];
  const variants = await db.select().from(imageVariants).where(inArray(imageVariants.imageId, rows.map((r) => r.image.id)));
  return rows.map((r) => toImageDto(r.image, variants, { gps: false }));
}

export async function getGalleryHome(ctx: GalleryContext): Promise<GalleryHome> {
  return cachedRead(ctx, ['home'], galleryHome.parse, async () => {
    const [site, list, latest] = await Promise.all([
      getSiteSettings(ctx),
      listPublicAlbums(ctx, { limit: HOME_ALBUM_LIMIT }),
      latestPublicImages(ctx.db, HOME_LATEST_LIMIT),
    ]);
    return galleryHome.parse({ site, albums: list.items, latest });
  });
}

/** Site title and description alone, for the <title> template and link previews. */
export async function getGallerySite(ctx: GalleryContext) {
  return (await getGalleryHome(ctx)).site;
}
