import type { GalleryPhoto } from '../../../server/gallery';
import type { PhotoViewProps } from '../_components/photo-view';
import { albumHref, originalHref, photoHref } from './data';

/** The photo view's props for the public gallery's own URLs (a share view builds its own). */
export function publicPhotoProps({ photo, album, prevId, nextId }: GalleryPhoto, mode: PhotoViewProps['mode']): PhotoViewProps {
  return {
    photo,
    album: { title: album.title, href: albumHref(album.slug) },
    prevHref: prevId ? photoHref(prevId) : null,
    nextHref: nextId ? photoHref(nextId) : null,
    downloadHref: album.allowDownload ? originalHref(photo.id) : null,
    mode,
  };
}
