'use client';
import { useState } from 'react';
import { api, call } from './api';
import { type Album, errorMessage } from './library';
import { useLoad } from './use-load';

/**
 * The admin album list, loaded again whenever `version` changes. `setAlbums` lets a page
 * show a change (a reorder) before the reload; `setError` lets it report its own failures.
 */
export function useAlbums(version = 0) {
  const [albums, setAlbums] = useState<Album[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useLoad(() => call(api.admin.albums.$get()), {
    key: String(version),
    onLoad: (page) => setAlbums(page.items),
    onError: (e) => setError(errorMessage(e, 'Could not load the albums')),
  });
  return { albums, setAlbums, error, setError };
}
