'use client';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import Link from 'next/link';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { AdminImage } from '../../_lib/library';
import { ImageTile } from './image-tile';
import { type LibraryQuery, PAGE, useImagePages } from './use-image-pages';

/** Cells are squares of at least this width plus a title line of fixed height: nothing moves when a thumbnail arrives. */
const MIN_CELL = 170;
const GAP = 12;
const TITLE = 32;
/** Rows kept in the DOM above and below the viewport. */
const OVERSCAN = 3;

const monthFormat = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric' });
/** The date the list is ordered by: time taken under a date range, else upload time. */
export const orderDate = (image: AdminImage, byTaken: boolean) => (byTaken ? image.takenAt : image.createdAt);

interface Props {
  query: LibraryQuery;
  filtered: boolean;
}

/** Width of the grid's box, and its distance from the top of the page (the window scrolls, not the grid). */
function useBox() {
  const ref = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState({ width: 0, top: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const rect = el.getBoundingClientRect();
      const next = { width: Math.floor(rect.width), top: Math.round(rect.top + window.scrollY) };
      setBox((prev) => (prev.width === next.width && prev.top === next.top ? prev : next));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, []);
  return [ref, box] as const;
}

/**
 * The library as a virtualised grid: only the rows near the viewport are in the DOM, pages are
 * fetched by keyset cursor as the end comes near, and the next page's cells stand as
 * placeholders until it arrives.
 */
export function ImageGrid({ query, filtered }: Props) {
  const { items, hasMore, loadingMore, error, loadMore } = useImagePages(query);
  const [boxRef, box] = useBox();
  const columns = Math.max(2, Math.floor((box.width + GAP) / (MIN_CELL + GAP)));
  const cell = box.width ? (box.width - GAP * (columns - 1)) / columns : MIN_CELL;
  const rowHeight = Math.round(cell) + TITLE + GAP;
  const loadedRows = Math.ceil((items?.length ?? 0) / columns);
  const rows = loadedRows + (hasMore ? Math.ceil(PAGE / columns) : 0);

  const virtualizer = useWindowVirtualizer({ count: rows, estimateSize: () => rowHeight, overscan: OVERSCAN, scrollMargin: box.top });
  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);
  const virtualRows = virtualizer.getVirtualItems();
  const lastRow = virtualRows.at(-1)?.index ?? 0;
  // Near the end of what is loaded (or on placeholders already): the next page.
  useEffect(() => {
    if (hasMore && !loadingMore && lastRow >= loadedRows - OVERSCAN) loadMore();
  }, [hasMore, loadingMore, lastRow, loadedRows, loadMore]);

  const byTaken = Boolean(query.takenFrom || query.takenTo);
  const topRow = Math.max(0, Math.floor(((virtualizer.scrollOffset ?? 0) - box.top) / rowHeight));
  const topImage = items?.[Math.min(topRow * columns, items.length - 1)];
  const topDate = topImage && orderDate(topImage, byTaken);

  const shown = items ?? [];
  return (
    <>
      <div className="grid-position small muted">
        <span data-testid="grid-position">{shown.length === 0 ? '' : topDate ? `${byTaken ? 'Taken' : 'Uploaded'} ${monthFormat.format(new Date(topDate))}` : 'No date taken'}</span>
        {/* Up here, not under the grid: a line below a growing grid would move at every page. */}
        <span role="status">{loadingMore ? 'Loading more…' : ''}</span>
      </div>
      {items === null && !error && <p className="muted">Loading…</p>}
      {items?.length === 0 &&
        (filtered ? (
          <p className="empty">No photos match these filters.</p>
        ) : (
          <p className="empty">
            No photos yet — <Link href="/admin/upload">upload some</Link>
          </p>
        ))}
      <div ref={boxRef}>
        <ul className="vgrid" aria-label="Photos" style={{ height: virtualizer.getTotalSize() }} data-columns={columns}>
          {virtualRows.flatMap((row) =>
            Array.from({ length: columns }, (_, column) => {
              const index = row.index * columns + column;
              const image = shown[index];
              if (!image && (row.index < loadedRows || !hasMore)) return [];
              const style = { width: cell, height: cell + TITLE, transform: `translate(${column * (cell + GAP)}px, ${row.start - box.top}px)` };
              return image ? (
                <li key={image.id} style={style}>
                  <ImageTile image={image} />
                </li>
              ) : (
                <li key={`placeholder-${index}`} style={style} className="tile-placeholder" aria-hidden="true" />
              );
            }),
          )}
        </ul>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {!hasMore && shown.length > 0 && (
        <p className="muted small grid-end" role="status">
          End of the list: {shown.length.toLocaleString('en-US')} photos shown
        </p>
      )}
    </>
  );
}
