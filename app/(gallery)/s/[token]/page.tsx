import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { JustifiedGrid } from '../../_components/justified-grid';
import { Locked } from './locked';
import { ALBUM_PAGE_SIZE, loadShare, SHARE_METADATA, openSharedAlbum, sharePhotoHref } from './share-data';

interface Props {
  params: Promise<{ token: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const found = await loadShare((await params).token);
  return { ...SHARE_METADATA, title: found ? 'Shared album' : 'Not found' };
}

/** A share link: 404 unless valid; the password form until unlocked; then the album, counting one open. */
export default async function SharePage({ params }: Props) {
  const { token } = await params;
  const found = await loadShare(token);
  if (!found) notFound();
  if (!found.unlocked) return <Locked token={token} />;
  const { album, images } = await openSharedAlbum(found.share, token);
  return (
    <main className="g-main" data-testid="share-album">
      <header className="g-album-head">
        <h1>{album.title}</h1>
        {album.description && <p className="g-lead">{album.description}</p>}
        <p className="g-count">
          {album.imageCount} {album.imageCount === 1 ? 'photo' : 'photos'} · shared with you
        </p>
      </header>
      {images.items.length === 0 ? (
        <p className="g-empty">This album has no photos yet.</p>
      ) : (
        <JustifiedGrid
          initial={images}
          photoHrefPrefix={`${sharePhotoHref(token, '')}`}
          pageUrl={`/api/v1/shares/${encodeURIComponent(token)}?limit=${ALBUM_PAGE_SIZE}`}
          label={`Photos in ${album.title}`}
        />
      )}
    </main>
  );
}
