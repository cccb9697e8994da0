'use client';
import { useCallback, useRef, useState } from 'react';
import { api, call } from '../../_lib/api';
import { type AdminImage, errorMessage, type ImageStatus, isDeveloping, isNotFound } from '../../_lib/library';
import { useLoad } from '../../_lib/use-load';
import { usePolling } from '../../_lib/use-polling';

/** One request's worth: the API's maximum, so a long scroll makes as few requests as it can. */
export const PAGE = 100;
/** At most this many developing images are re-fetched per 2 s tick. */
const POLL_MAX = 40;

/** What the grid shows: the filters and, when jumping by date, where the window starts. */
export interface LibraryQuery {
  status: ImageStatus | '';
  albumId: string;
  q: string;
  /** ISO times; a date range orders the list by time taken. */
  takenFrom: string;
  takenTo: string;
  /** Jump by date: the window starts at photos from this time or earlier (ISO). */
  before: string;
}

const loadPage = (query: LibraryQuery, cursor?: string) =>
  call(
    api.admin.images.$get({
      query: {
        limit: PAGE,
        status: query.status || undefined,
        albumId: query.albumId || undefined,
        q: query.q || undefined,
        takenFrom: query.takenFrom || undefined,
        takenTo: query.takenTo || undefined,
        before: query.before || undefined,
        cursor,
      },
    }),
  );

/**
 * The filtered library a keyset page at a time: `loadMore` asks for the page after the last one
 * (never an offset, never the whole list). Developing photos are re-fetched until they settle.
 */
export function useImagePages(query: LibraryQuery) {
  const [items, setItems] = useState<AdminImage[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(false);

  useLoad(() => loadPage(query), {
    key: JSON.stringify(query),
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
    loadPage(query, cursor)
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
  }, [cursor, query]);

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

  return { items, hasMore: cursor !== null, loadingMore, error, loadMore };
}
