'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { IMAGE_STATUSES, type ImageStatus } from '../../_lib/library';
import { useAlbums } from '../../_lib/use-albums';
import { ImageGrid } from './image-grid';
import type { LibraryQuery } from './use-image-pages';

/** The page's filters as they stand in the URL: dates as the inputs give them (YYYY-MM-DD, YYYY-MM). */
export interface LibraryParams {
  status: ImageStatus | '';
  album: string;
  q: string;
  from: string;
  to: string;
  at: string;
}
type Name = keyof LibraryParams;

/** Local midnight at the start of a day, or the last millisecond of a day or month, as ISO. */
const startOfDay = (day: string) => (day ? new Date(`${day}T00:00:00`).toISOString() : '');
const endOfDay = (day: string) => (day ? new Date(new Date(`${day}T00:00:00`).getTime() + 86_400_000 - 1).toISOString() : '');
function endOfMonth(month: string): string {
  if (!month) return '';
  const [year, m] = month.split('-').map(Number);
  return new Date(new Date(year ?? 0, m ?? 1, 1).getTime() - 1).toISOString();
}

const toQuery = (p: LibraryParams): LibraryQuery => ({
  status: p.status,
  albumId: p.album,
  q: p.q,
  takenFrom: startOfDay(p.from),
  takenTo: endOfDay(p.to),
  before: endOfMonth(p.at),
});

/** Filters and the date jump above the grid; all in the URL, so they survive opening a photo and coming back. */
export function Library(params: LibraryParams) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const { albums, error } = useAlbums();
  const [search, setSearch] = useState(params.q);
  const [month, setMonth] = useState(params.at);
  const byTaken = Boolean(params.from || params.to);
  const orderName = byTaken ? 'date taken' : 'upload date';

  function navigate(changes: Partial<LibraryParams>) {
    // The search box's text goes along: a filter picked right after typing keeps it.
    const next = { ...params, q: search.trim(), ...changes };
    if (changes.at === '') setMonth('');
    const query = new URLSearchParams(Object.entries(next).filter(([, v]) => v) as [Name, string][]).toString();
    // Every change starts the grid over, at the top.
    startTransition(() => router.replace(query ? `/admin/library?${query}` : '/admin/library'));
  }

  return (
    <>
      <form className="row filters" aria-label="Filters" onSubmit={(e) => { e.preventDefault(); navigate({ q: search.trim() }); }}>
        <label>
          Title
          <input type="search" value={search} maxLength={100} placeholder="Search titles" onChange={(e) => setSearch(e.target.value)} onBlur={() => search.trim() !== params.q && navigate({ q: search.trim() })} />
        </label>
        <label>
          Status
          <select value={params.status} onChange={(e) => navigate({ status: e.target.value as ImageStatus | '' })}>
            <option value="">All</option>
            {IMAGE_STATUSES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Album
          <select value={params.album} onChange={(e) => navigate({ album: e.target.value })}>
            <option value="">All albums</option>
            {albums?.map((a) => (
              <option key={a.id} value={a.id}>{a.title}</option>
            ))}
          </select>
        </label>
        <label>
          Taken from
          <input type="date" value={params.from} onChange={(e) => navigate({ from: e.target.value, at: '' })} />
        </label>
        <label>
          Taken to
          <input type="date" value={params.to} onChange={(e) => navigate({ to: e.target.value, at: '' })} />
        </label>
        {pending && <span className="muted">Loading…</span>}
      </form>
      <form className="row filters jump" aria-label="Jump by date" onSubmit={(e) => { e.preventDefault(); navigate({ at: month }); }}>
        <p className="small muted order-note">Newest first by {orderName}.</p>
        <label>
          Jump to month ({orderName})
          <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} />
        </label>
        <button type="submit" className="secondary" disabled={!month}>Jump</button>
        {/* Back to newest rather than a backward cursor: a jump starts a new window, and what
            is newer than it is one click (or another jump) away, with the scrollbar meaning
            "from this month back" and no rows shifting in above the one being looked at. */}
        {params.at && (
          <button type="button" className="secondary" onClick={() => navigate({ at: '' })}>
            Back to newest
          </button>
        )}
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      <ImageGrid key={JSON.stringify(params)} query={toQuery(params)} filtered={Boolean(params.status || params.album || params.q || byTaken || params.at)} />
    </>
  );
}
