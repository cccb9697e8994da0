import { type z } from 'zod';
import { NotFoundError } from '../errors';
import { getPublicAlbum, publicAlbumPage, publicPageQuery } from '../images';
import { cachedRead, type GalleryContext } from './context';

/** Photos per album page: the first server-rendered page and each infinite-scroll page. */
export const ALBUM_PAGE_SIZE = 30;

const albumPageOrNone = publicAlbumPage.nullable();
export type GalleryAlbumPage = z.infer<typeof publicAlbumPage>;

/**
 * A public album and one keyset page of its photos (the JSON API's order and query), or null
 * when there is no such public album. "Not found" is cached too: an admin write drops it.
 */
export async function getGalleryAlbum(ctx: GalleryContext, slug: string, cursor?: string): Promise<GalleryAlbumPage | null> {
  const query = publicPageQuery.safeParse({ cursor, limit: ALBUM_PAGE_SIZE });
  if (!query.success || slug.length > 80) return null;
  return cachedRead(ctx, ['album', slug, query.data.cursor ?? '', query.data.limit], albumPageOrNone.parse, async () => {
    try {
      return await getPublicAlbum(ctx, slug, query.data);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  });
}
