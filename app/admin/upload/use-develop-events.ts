'use client';
import { useEffect, useMemo, useRef } from 'react';
import type { Batch, BatchItem } from './batch';

// The server watches at most 200 ids per stream (server/images/status-feed.ts MAX_WATCHED).
const MAX_WATCHED = 200;

const isEvent = (v: unknown): v is { id: string; status: string; thumbnail?: string } =>
  typeof v === 'object' && v !== null && 'id' in v && 'status' in v && typeof v.id === 'string' && typeof v.status === 'string';

/**
 * One EventSource for the whole batch (GET /admin/images/events?ids=…, `status` events)
 * following the uploaded images still developing. It is reopened only when an image joins
 * that it does not cover yet; images that finish simply stop mattering, and it closes when none is left.
 */
export function useDevelopEvents(batch: Batch, items: BatchItem[]) {
  // A string, so the effect below runs when the set changes, not on every progress frame.
  const key = useMemo(
    () => items.flatMap((i) => (i.imageId && i.state === 'accepted' && i.develop !== 'ready' && i.develop !== 'failed' ? [i.imageId] : [])).slice(0, MAX_WATCHED).join(','),
    [items],
  );
  const watched = useRef<{ ids: Set<string>; source: EventSource } | undefined>(undefined);

  useEffect(() => {
    const current = watched.current;
    const developing = key ? key.split(',') : [];
    if (developing.length === 0) {
      current?.source.close();
      watched.current = undefined;
      return;
    }
    if (current && developing.every((id) => current.ids.has(id))) return;
    // Give a burst of finishing uploads a moment, so one connection covers them all.
    const timer = setTimeout(() => {
      watched.current?.source.close();
      const source = new EventSource(`/api/v1/admin/images/events?ids=${encodeURIComponent(key)}`, { withCredentials: true });
      source.addEventListener('status', (message: MessageEvent<string>) => {
        try {
          const data: unknown = JSON.parse(message.data);
          if (isEvent(data)) batch.developed(data.id, data.status, data.thumbnail);
        } catch {
          // not JSON: ignore
        }
      });
      watched.current = { ids: new Set(developing), source };
    }, 300);
    return () => clearTimeout(timer);
  }, [batch, key]);

  useEffect(() => () => watched.current?.source.close(), []);
}
