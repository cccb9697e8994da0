import { PhotoModal } from '../../../_components/photo-modal';
import { PhotoView } from '../../../_components/photo-view';
import { loadPhoto } from '../../../_lib/data';
import { publicPhotoProps } from '../../../_lib/photo-props';
import { altText } from '../../../_lib/present';

/** A photo opened from a gallery page: shown over it, so closing returns to the same scroll position. */
export default async function PhotoOverPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const data = await loadPhoto(id);
  if (!data) return null;
  return (
    <PhotoModal pathPrefix="/p/" label={altText(data.photo)}>
      <PhotoView {...publicPhotoProps(data, 'modal')} />
    </PhotoModal>
  );
}
