'use client';
import { useEffect, useMemo } from 'react';
import type { Batch, BatchItem } from './batch';

const isEvent = (v: unknown): v is { id: string; status: string; thumbnail?: string } =>
  typeof v === 'object' && v !== null && 'id' in v && 'status' in v && typeof v.id === 'string' && typeof v.status === 'string';

/**
 * One EventSource for the whole batch (GET /admin/images/events?ids=…): it follows the
 * uploaded images that are still developing and is reopened only when that set changes.
 */
export function useDevelopEvents(batch: Batch, items: BatchItem[]) {
  const ids = useMemo(
    () =>
      items
        .filter((i) => i.imageId && i.state === 'accepted' && i.develop !== 'ready' && i.develop !== 'failed')
        .map((i) => i.imageId)
        .sort()
        .join(','),
    [items],
  );
  useEffect(() => {
    if (!ids) return;
    // Give a burst of finishing uploads a moment, so one connection covers them all.
    let source: EventSource | undefined;
    const timer = setTimeout(() => {
      source = new EventSource(`/api/v1/admin/images/events?ids=${encodeURIComponent(ids)}`, { withCredentials: true });
      source.onmessage = (message: MessageEvent<string>) => {
        try {
          const data: unknown = JSON.parse(message.data);
          if (isEvent(data)) batch.developed(data.id, data.status, data.thumbnail);
        } catch {
          // a comment or keep-alive line
        }
      };
    }, 500);
    return () => {
      clearTimeout(timer);
      source?.close();
    };
  }, [batch, ids]);
}
