import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ALBUM_PAGE_SIZE } from '../../../../server/gallery';
import { JustifiedGrid } from '../../_components/justified-grid';
import { albumHref, loadAlbum, loadBaseUrl } from '../../_lib/data';
import { previewMetadata } from '../../_lib/metadata';

interface Props {
  params: Promise<{ slug: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  const [page, baseUrl] = await Promise.all([loadAlbum(slug), loadBaseUrl()]);
  if (!page) return { title: 'Not found' };
  const { album, images } = page;
  const count = `${album.imageCount} ${album.imageCount === 1 ? 'photo' : 'photos'}`;
  return previewMetadata({ title: album.title, description: album.description || count, path: albumHref(album.slug), image: images.items[0], baseUrl });
}

/** A public album: justified rows, the first page from the server, the rest by keyset cursor from the JSON API. */
export default async function AlbumPage({ params }: Props) {
  const { slug } = await params;
  const page = await loadAlbum(slug);
  if (!page) notFound();
  const { album, images } = page;
  return (
    <main className="g-main">
      <header className="g-album-head">
        <Link href="/" className="g-back">
          ← All albums
        </Link>
        <h1>{album.title}</h1>
        {album.description && <p className="g-lead">{album.description}</p>}
        <p className="g-count">
          {album.imageCount} {album.imageCount === 1 ? 'photo' : 'photos'}
        </p>
      </header>
      {images.items.length === 0 ? (
        <p className="g-empty">This album has no photos yet.</p>
      ) : (
        <JustifiedGrid
          key={album.slug}
          initial={images}
          photoHrefPrefix="/p/"
          pageUrl={`/api/v1/albums/${encodeURIComponent(album.slug)}?limit=${ALBUM_PAGE_SIZE}`}
          label={`Photos in ${album.title}`}
        />
      )}
    </main>
  );
}
