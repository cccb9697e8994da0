import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { connection } from 'next/server';
import { cache } from 'react';
import { getServices } from '../../../../server/boot';
import { findShare, findSharedImage, getSharedAlbum, recordOpen, verifyShareAccess } from '../../../../server/shares';

/**
 * A share link's pages read the link from PostgreSQL on every request (never a cache), so a
 * revocation or an expiry holds at once on every replica. Memoised per request only.
 */
async function services() {
  await connection();
  return getServices();
}

export const ALBUM_PAGE_SIZE = 24;

/** The valid link and whether this visitor may see it; null when unknown, expired or revoked. */
export const loadShare = cache(async (token: string) => {
  const s = await services();
  const share = await findShare(s, token);
  if (!share) return null;
  const jar = await cookies();
  return { share, unlocked: verifyShareAccess(s.authSecret.value, share, (name) => jar.get(name)?.value) };
});

/** The album's first page; counts one open of the link (a page view, not each photo). */
export async function openSharedAlbum(share: { id: string; albumId: string }, token: string) {
  const s = await services();
  const page = await getSharedAlbum(s, share, token, { limit: ALBUM_PAGE_SIZE });
  await recordOpen(s, share.id);
  return page;
}

export const loadSharedPhoto = cache(async (share: { albumId: string }, token: string, id: string) => findSharedImage(await services(), share, token, id));

export const shareHref = (token: string) => `/s/${encodeURIComponent(token)}`;
export const sharePhotoHref = (token: string, id: string) => `${shareHref(token)}/p/${encodeURIComponent(id)}`;

/** Never indexed, and no Referer carries the token to another site. */
export const SHARE_METADATA: Metadata = { robots: { index: false, follow: false }, referrer: 'no-referrer' };
