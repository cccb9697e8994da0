'use client';
import Link from 'next/link';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, call } from '../../_lib/api';
import { type AdminImage, errorMessage, type ImageStatus, isDeveloping, isNotFound } from '../../_lib/library';
import { useLoad } from '../../_lib/use-load';
import { usePolling } from '../../_lib/use-polling';
import { ImageTile } from './image-tile';

const PAGE = 40;
/** At most this many developing images are re-fetched per 2 s tick. */
const POLL_MAX = 40;

interface Props {
  status: ImageStatus | '';
  albumId: string;
  filtered: boolean;
}

const loadPage = (status: ImageStatus | '', albumId: string, cursor?: string) =>
  call(api.admin.images.$get({ query: { limit: PAGE, status: status || undefined, albumId: albumId || undefined, cursor } }));

/** Newest first, a page at a time as the sentinel scrolls into view. */
export function ImageFeed({ status, albumId, filtered }: Props) {
  const [items, setItems] = useState<AdminImage[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const loading = useRef(false);

  useLoad(() => loadPage(status, albumId), {
    key: `${status}:${albumId}`,
    onLoad: (page) => {
      setItems(page.items);
      setCursor(page.nextCursor);
    },
    onError: (e) => setError(errorMessage(e, 'Could not load the library')),
  });

  const loadMore = useCallback(() => {
    if (!cursor || loading.current) return;
    loading.current = true;
    setLoadingMore(true);
    loadPage(status, albumId, cursor)
      .then((page) => {
        setItems((prev) => {
          const seen = new Set(prev?.map((i) => i.id));
          return [...(prev ?? []), ...page.items.filter((i) => !seen.has(i.id))];
        });
        setCursor(page.nextCursor);
      })
      .catch((e: unknown) => setError(errorMessage(e, 'Could not load more photos')))
      .finally(() => {
        loading.current = false;
        setLoadingMore(false);
      });
  }, [cursor, status, albumId]);

  // Re-created whenever the cursor moves, so a sentinel still in view asks for the next page.
  useEffect(() => {
    const target = sentinel.current;
    if (!target || !cursor) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) loadMore();
    }, { rootMargin: '600px 0px' });
    observer.observe(target);
    return () => observer.disconnect();
  }, [cursor, loadMore]);

  const developing = (items ?? []).filter((i) => isDeveloping(i.status)).slice(0, POLL_MAX).map((i) => i.id);
  usePolling(
    async (signal) => {
      const fresh = await Promise.all(
        developing.map((id) =>
          call(api.admin.images[':id'].$get({ param: { id } })).catch((e: unknown) => (isNotFound(e) ? id : null)),
        ),
      );
      if (signal.aborted) return;
      const updated = new Map<string, AdminImage | string>();
      for (const entry of fresh) if (entry) updated.set(typeof entry === 'string' ? entry : entry.id, entry);
      setItems((prev) =>
        prev?.flatMap((image) => {
          const next = updated.get(image.id);
          if (next === undefined) return [image];
          return typeof next === 'string' ? [] : [next]; // a string: it was deleted meanwhile
        }) ?? prev,
      );
    },
    2000,
    developing.length > 0,
    developing.join(','),
  );

  if (items === null) return error ? <p className="error" role="alert">{error}</p> : <p className="muted">Loading…</p>;
  return (
    <>
      {items.length === 0 &&
        (filtered ? (
          <p className="empty">No photos match these filters.</p>
        ) : (
          <p className="empty">
            No photos yet — <Link href="/admin/upload">upload some</Link>
          </p>
        ))}
      <ul className="grid" aria-label="Photos">
        {items.map((image) => (
          <li key={image.id}>
            <ImageTile image={image} />
          </li>
        ))}
      </ul>
      {error && <p className="error" role="alert">{error}</p>}
      <div ref={sentinel} className="sentinel" aria-hidden="true" />
      {loadingMore && <p className="muted">Loading more…</p>}
      {cursor && !loadingMore && (
        <button type="button" className="secondary" onClick={loadMore}>
          Load more
        </button>
      )}
    </>
  );
}
