import { PhotoView } from '../../../_components/photo-view';
import { loadPhoto } from '../../../_lib/data';
import { publicPhotoProps } from '../../../_lib/photo-props';

/** A photo opened from a gallery page: shown over it (the dialog is the layout), so closing returns to the same scroll position. */
export default async function PhotoOverPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const data = await loadPhoto(id);
  if (!data) return null;
  return <PhotoView {...publicPhotoProps(data, 'modal')} />;
}
