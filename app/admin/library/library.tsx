'use client';
import { useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { IMAGE_STATUSES, type ImageStatus } from '../../_lib/library';
import { useAlbums } from '../../_lib/use-albums';
import { ImageFeed } from './image-feed';

interface Props {
  status: ImageStatus | '';
  albumId: string;
}

/** Filters above the feed; the feed is keyed by the filters so it starts over when they change. */
export function Library({ status, albumId }: Props) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const { albums, error } = useAlbums();

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
            {albums?.map((a) => (
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
