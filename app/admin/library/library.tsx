'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useState, useTransition } from 'react';
import { api } from '../../_lib/api';
import { type Album, errorMessage, IMAGE_STATUSES, type ImageStatus } from '../../_lib/library';
import { ImageFeed } from './image-feed';

interface Props {
  status: ImageStatus | '';
  albumId: string;
}

/** Filters above the feed; the feed is keyed by the filters so it starts over when they change. */
export function Library({ status, albumId }: Props) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [albums, setAlbums] = useState<Album[]>([]);
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
  }, []);

  function setFilter(name: 'status' | 'album', value: string) {
    const params = new URLSearchParams();
    const next = { status, album: albumId, [name]: value };
    if (next.status) params.set('status', next.status);
    if (next.album) params.set('album', next.album);
    const query = params.toString();
    startTransition(() => router.replace(query ? `/admin/library?${query}` : '/admin/library', { scroll: false }));
  }

  return (
    <>
      <form className="row filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select value={status} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">All</option>
            {IMAGE_STATUSES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Album
          <select value={albumId} onChange={(e) => setFilter('album', e.target.value)}>
            <option value="">All albums</option>
            {albums.map((a) => (
              <option key={a.id} value={a.id}>{a.title}</option>
            ))}
          </select>
        </label>
        {pending && <span className="muted">Loading…</span>}
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      <ImageFeed key={`${status}|${albumId}`} status={status} albumId={albumId} filtered={Boolean(status || albumId)} />
    </>
  );
}
