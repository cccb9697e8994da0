import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { setupNeeded } from '../_lib/session';
import { GalleryPicture } from './_components/gallery-picture';
import { JustifiedGrid } from './_components/justified-grid';
import { albumHref, loadHome } from './_lib/data';

export async function generateMetadata(): Promise<Metadata> {
  const { site } = await loadHome();
  return { title: { absolute: site.title }, description: site.description, openGraph: { type: 'website', title: site.title, description: site.description } };
}

/** The gallery home: site title, public albums in the owner's order, the latest photos. Setup first while no user exists. */
export default async function GalleryHome() {
  if (await setupNeeded()) redirect('/setup');
  const { site, albums, latest } = await loadHome();
  return (
    <main className="g-main">
      <header className="g-site">
        <h1>{site.title}</h1>
        {site.description && <p className="g-lead">{site.description}</p>}
      </header>
      <section aria-labelledby="albums-heading">
        <h2 id="albums-heading">Albums</h2>
        {albums.length === 0 ? (
          <p className="g-empty">No public albums yet.</p>
        ) : (
          <ul className="g-albums">
            {albums.map((album, index) => (
              <li key={album.id}>
                <Link href={albumHref(album.slug)} className="g-album-card" data-testid={`album-card-${album.slug}`}>
                  {album.cover ? (
                    <GalleryPicture image={album.cover} sizes="(max-width: 640px) 100vw, 360px" eager={index < 3} priority={index === 0} className="g-cover" />
                  ) : (
                    <span className="g-picture g-cover g-cover-empty" aria-hidden="true" />
                  )}
                  <span className="g-album-title">{album.title}</span>
                  <span className="g-album-count">
                    {album.imageCount} {album.imageCount === 1 ? 'photo' : 'photos'}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      {latest.length > 0 && (
        <section aria-labelledby="latest-heading">
          <h2 id="latest-heading">Latest photos</h2>
          <JustifiedGrid initial={{ items: latest, nextCursor: null }} photoHrefPrefix="/p/" label="Latest photos" eagerCount={0} />
        </section>
      )}
    </main>
  );
}
