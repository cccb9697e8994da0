import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { loadBaseUrl, loadHome } from './_lib/data';
import './gallery.css';

export async function generateMetadata(): Promise<Metadata> {
  const [{ site }, baseUrl] = await Promise.all([loadHome(), loadBaseUrl()]);
  return {
    metadataBase: new URL(baseUrl),
    title: { default: site.title, template: `%s · ${site.title}` },
    description: site.description,
    openGraph: { siteName: site.title },
  };
}

/** The visitors' gallery; `modal` shows a photo over the page it was opened from (@modal/(.)p). */
export default function GalleryLayout({ children, modal }: { children: ReactNode; modal: ReactNode }) {
  return (
    <div className="gallery">
      {children}
      {modal}
      {/* The same for every visitor (pages are cached whole): /admin sends the signed-out to sign-in. */}
      <footer className="g-footer">
        <a href="/feed.xml">Feed</a>
        <a href="/admin">Admin</a>
      </footer>
    </div>
  );
}
