'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type PointerEvent, type ReactNode, useEffect, useRef } from 'react';
import { altText, type GalleryImage } from '../_lib/present';
import { ExifPanel } from './exif-panel';
import { GalleryPicture } from './gallery-picture';

export interface PhotoViewProps {
  photo: GalleryImage;
  /** The album the photo belongs to: its title and where "back" leads on the full page. */
  album: { title: string; href: string };
  prevHref: string | null;
  nextHref: string | null;
  /** The original's URL, only where the album allows downloads. */
  downloadHref: string | null;
  /** page: a full page (back is a link); modal: over the album (back is history.back()). */
  mode: 'page' | 'modal';
}

const SWIPE_PX = 50;

/** One photo at the largest fitting size, with prev/next by button, ←/→ and swipe, and its EXIF panel. */
export function PhotoView({ photo, album, prevHref, nextHref, downloadHref, mode }: PhotoViewProps) {
  const router = useRouter();
  const start = useRef<{ x: number; y: number } | null>(null);
  // Inside the modal the history keeps one entry, so closing returns to the album at once. On the
  // full page a document load: a soft navigation to a photo would be intercepted into the modal.
  const go = (href: string | null) => href && (mode === 'modal' ? router.replace(href, { scroll: false }) : window.location.assign(href));

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      const href = event.key === 'ArrowLeft' ? prevHref : event.key === 'ArrowRight' ? nextHref : null;
      if (!href) return;
      event.preventDefault();
      if (mode === 'modal') router.replace(href, { scroll: false });
      else window.location.assign(href);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [prevHref, nextHref, mode, router]);

  const onPointerDown = (event: PointerEvent) => {
    start.current = { x: event.clientX, y: event.clientY };
  };
  const onPointerUp = (event: PointerEvent) => {
    const from = start.current;
    start.current = null;
    if (!from) return;
    const dx = event.clientX - from.x;
    if (Math.abs(dx) < SWIPE_PX || Math.abs(dx) < Math.abs(event.clientY - from.y)) return;
    go(dx > 0 ? prevHref : nextHref);
  };

  const title = altText(photo);
  return (
    <article className={`g-photo g-photo-${mode}`} data-testid="photo-view" data-photo-id={photo.id}>
      <header className="g-photo-bar">
        {mode === 'modal' ? (
          <button type="button" className="g-button" onClick={() => router.back()} aria-label={`Close, back to ${album.title}`}>
            ✕ Close
          </button>
        ) : (
          <Link href={album.href} className="g-back">
            ← {album.title}
          </Link>
        )}
        <h1 className="g-photo-title">{title}</h1>
        <nav className="g-photo-nav" aria-label="Photos in this album">
          <StepLink href={prevHref} rel="prev" mode={mode}>
            ← Previous
          </StepLink>
          <StepLink href={nextHref} rel="next" mode={mode}>
            Next →
          </StepLink>
        </nav>
      </header>
      <div
        className="g-stage"
        onPointerDown={onPointerDown}
        onPointerUp={onPointerUp}
        onPointerCancel={() => (start.current = null)}
        onDragStart={(event) => event.preventDefault()} // a mouse swipe, not an image drag
      >
        <GalleryPicture key={photo.id} image={photo} sizes="100vw" eager priority className="g-stage-picture" />
      </div>
      <footer className="g-photo-info">
        <ExifPanel image={photo} />
        {downloadHref && (
          <a href={downloadHref} className="g-button" download data-testid="download-original">
            Download original
          </a>
        )}
      </footer>
    </article>
  );
}

/** Prev/next: a soft, history-replacing step inside the modal; a plain link (document load) on the page. */
function StepLink({ href, rel, mode, children }: { href: string | null; rel: 'prev' | 'next'; mode: PhotoViewProps['mode']; children: ReactNode }) {
  if (!href)
    return (
      <span className="g-button" aria-disabled="true">
        {children}
      </span>
    );
  if (mode === 'page')
    return (
      <a href={href} className="g-button" rel={rel}>
        {children}
      </a>
    );
  return (
    <Link href={href} replace scroll={false} className="g-button" rel={rel}>
      {children}
    </Link>
  );
}
