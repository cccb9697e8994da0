import type { AvailabilityStatus, Worker } from '../../_lib/api';

export const SOURCE_LABEL: Record<AvailabilityStatus['source'], string> = {
  redis: 'via Redis mirror',
  postgres: 'from PostgreSQL (no Redis, or Redis unreachable)',
};

/** Milliseconds → "3 s ago", "4 min ago", "2 h ago", "5 d ago"; a clock running behind reads as "0 s ago". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** Online workers first; the API's order (hostname, id) is kept within each group. */
export const onlineFirst = (workers: Worker[]) => [...workers.filter((w) => w.isOnline), ...workers.filter((w) => !w.isOnline)];
