import { connection } from 'next/server';
import { cache } from 'react';
import { getServices } from '../../../server/boot';
import { getGalleryAlbum, getGalleryHome, getGalleryPhoto } from '../../../server/gallery';

/**
 * The gallery's server-side reads, memoised per request (React cache) so a page and its
 * generateMetadata share one read. connection() first: these pages are rendered per request,
 * never at build time (the shared cache keeps them cheap and fresh on every replica).
 */
async function services() {
  await connection();
  return getServices();
}

export const loadHome = cache(async () => getGalleryHome(await services()));
export const loadAlbum = cache(async (slug: string) => getGalleryAlbum(await services(), slug));
export const loadPhoto = cache(async (id: string) => getGalleryPhoto(await services(), id));
/** The public base URL (BETTER_AUTH_URL), for absolute link-preview URLs. */
export const loadBaseUrl = cache(async () => (await services()).config.auth.baseUrl);

export const photoHref = (id: string) => `/p/${encodeURIComponent(id)}`;
export const albumHref = (slug: string) => `/a/${encodeURIComponent(slug)}`;
export const originalHref = (id: string) => `/api/v1/images/${encodeURIComponent(id)}/original`;
