'use client';
import { useEffect, useState } from 'react';
import { api } from './api';
import { type Album, errorMessage } from './library';

/**
 * The admin album list, loaded again whenever `version` changes. `setAlbums` lets a page
 * show a change (a reorder) before the reload; `setError` lets it report its own failures.
 */
export function useAlbums(version = 0) {
  const [albums, setAlbums] = useState<Album[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    api<{ items: Album[] }>('/admin/albums')
      .then((page) => {
        if (!cancelled) setAlbums(page.items);
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(errorMessage(e, 'Could not load the albums'));
      });
    return () => {
      cancelled = true;
    };
  }, [version]);
  return { albums, setAlbums, error, setError };
}
