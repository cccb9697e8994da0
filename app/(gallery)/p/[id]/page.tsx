import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PhotoView } from '../../_components/photo-view';
import { loadBaseUrl, loadPhoto, photoHref } from '../../_lib/data';
import { previewMetadata } from '../../_lib/metadata';
import { publicPhotoProps } from '../../_lib/photo-props';
import { altText } from '../../_lib/present';

interface Props {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  const [data, baseUrl] = await Promise.all([loadPhoto(id), loadBaseUrl()]);
  if (!data) return { title: 'Not found' };
  return previewMetadata({ title: altText(data.photo), description: data.album.title, path: photoHref(data.photo.id), image: data.photo, baseUrl });
}

/** A photo on its own page (a direct load or a shared link); opened from an album it shows as a modal instead. */
export default async function PhotoPage({ params }: Props) {
  const { id } = await params;
  const data = await loadPhoto(id);
  if (!data) notFound();
  return (
    <main className="g-main g-main-photo">
      <PhotoView {...publicPhotoProps(data, 'page')} />
    </main>
  );
}
