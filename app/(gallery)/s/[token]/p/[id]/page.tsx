import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { shareOriginalUrl } from '../../../../../../server/shares';
import { PhotoView } from '../../../../_components/photo-view';
import { altText } from '../../../../_lib/present';
import { Locked } from '../../locked';
import { loadShare, loadSharedPhoto, SHARE_METADATA, shareHref, sharePhotoHref } from '../../share-data';

interface Props {
  params: Promise<{ token: string; id: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { token, id } = await params;
  const found = await loadShare(token);
  if (!found?.unlocked) return { ...SHARE_METADATA, title: found ? 'Shared album' : 'Not found' };
  const data = await loadSharedPhoto(found.share, token, id);
  return { ...SHARE_METADATA, title: data ? altText(data.image) : 'Not found' };
}

/** One photo of a share link: the large variant, previous/next within the album, EXIF (GPS only where the album allows it). */
export default async function SharePhotoPage({ params }: Props) {
  const { token, id } = await params;
  const found = await loadShare(token);
  if (!found) notFound();
  if (!found.unlocked) return <Locked token={token} />;
  const data = await loadSharedPhoto(found.share, token, id);
  if (!data) notFound();
  return (
    <main className="g-main g-main-photo">
      <PhotoView
        photo={data.image}
        album={{ title: data.album.title, href: shareHref(token) }}
        prevHref={data.previousId ? sharePhotoHref(token, data.previousId) : null}
        nextHref={data.nextId ? sharePhotoHref(token, data.nextId) : null}
        downloadHref={data.album.allowDownload ? shareOriginalUrl(token, data.image.id) : null}
        mode="page"
      />
    </main>
  );
}
