'use client';
import Link from 'next/link';
import { type CSSProperties, useCallback, useEffect, useRef, useState } from 'react';
import { aspectRatio, type GalleryImage, tileSizes } from '../_lib/present';
import { GalleryPicture } from './gallery-picture';

export interface PhotoPage {
  items: GalleryImage[];
  nextCursor: string | null;
}

export interface JustifiedGridProps {
  /** The first page, rendered on the server. */
  initial: PhotoPage;
  /** Where a photo opens: `photoHrefPrefix + encodeURIComponent(id)` (e.g. "/p/"). */
  photoHrefPrefix: string;
  /**
   * A JSON endpoint answering `{ items, nextCursor }` or `{ images: { items, nextCursor } }`;
   * `cursor=<nextCursor>` is appended. Without it the grid shows `initial` only.
   */
  pageUrl?: string;
  /** The grid's accessible name. */
  label: string;
  /** Photos loaded at once (about the first row); the first also gets fetchpriority high. */
  eagerCount?: number;
}

function pageOf(body: unknown): PhotoPage | null {
  const page = body && typeof body === 'object' && 'images' in body ? body.images : body;
  if (!page || typeof page !== 'object' || !('items' in page) || !Array.isArray(page.items)) return null;
  const next = 'nextCursor' in page && typeof page.nextCursor === 'string' ? page.nextCursor : null;
  return { items: page.items as GalleryImage[], nextCursor: next };
}

/**
 * Justified rows: each tile's flex-grow and basis are its aspect ratio (gallery.css), so every
 * row fills the width at one height, with no script and no layout shift. Further pages come
 * by keyset cursor when the sentinel nears the viewport (or the button is pressed).
 */
export function JustifiedGrid({ initial, photoHrefPrefix, pageUrl, label, eagerCount = 4 }: JustifiedGridProps) {
  const [items, setItems] = useState(initial.items);
  const [cursor, setCursor] = useState(initial.nextCursor);
  const [state, setState] = useState<'idle' | 'loading' | 'failed'>('idle');
  const sentinel = useRef<HTMLDivElement>(null);
  // The cursor being (or last) fetched: an observer callback still holding the previous
  // render's cursor can fire after a page arrived and before React re-rendered.
  const requested = useRef<string | null>(null);

  const loadMore = useCallback(async () => {
    if (!pageUrl || !cursor || requested.current === cursor) return;
    requested.current = cursor;
    setState('loading');
    try {
      const url = `${pageUrl}${pageUrl.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;
      const res = await fetch(url, { headers: { accept: 'application/json' } });
      const page = res.ok ? pageOf(await res.json()) : null;
      if (!page) throw new Error(`page ${res.status}`);
      setItems((known) => {
        const ids = new Set(known.map((i) => i.id));
        return [...known, ...page.items.filter((i) => !ids.has(i.id))];
      });
      setCursor(page.nextCursor);
      setState('idle');
    } catch {
      requested.current = null; // the button tries this cursor again
      setState('failed');
    }
  }, [cursor, pageUrl]);

  useEffect(() => {
    const target = sentinel.current;
    if (!target || !cursor || !pageUrl || state === 'failed') return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && void loadMore(), { rootMargin: '1200px 0px' });
    observer.observe(target);
    return () => observer.disconnect();
  }, [cursor, pageUrl, loadMore, state]);

  return (
    <>
      <ul className="g-grid" aria-label={label} data-testid="justified-grid">
        {items.map((image, index) => {
          const ratio = aspectRatio(image);
          return (
            <li key={image.id} className="g-tile" style={{ '--ar': ratio } as CSSProperties} data-testid={`tile-${image.id}`}>
              <Link href={`${photoHrefPrefix}${encodeURIComponent(image.id)}`} scroll={false} className="g-tile-link">
                <GalleryPicture image={image} sizes={tileSizes(ratio)} eager={index < eagerCount} priority={index === 0} />
              </Link>
            </li>
          );
        })}
      </ul>
      {pageUrl && cursor && (
        <div ref={sentinel} className="g-more">
          <button type="button" className="g-button" onClick={() => void loadMore()} disabled={state === 'loading'}>
            {state === 'loading' ? 'Loading…' : state === 'failed' ? 'Could not load more photos — try again' : 'More photos'}
          </button>
        </div>
      )}
    </>
  );
}
