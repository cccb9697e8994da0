import { formatShortDate } from '../../_lib/library';
import type { AvailabilityStatus } from '../../_lib/api';
import { formatAge, SOURCE_LABEL } from './display';

/** The availability beacon (GET /api/v1/status): what a client of the fleet sees. */
export function Beacon({ status, now }: { status: AvailabilityStatus; now: number }) {
  const stats = [
    { id: 'online', label: 'Workers online', value: status.workersOnline },
    { id: 'available', label: 'Available', value: status.workersAvailable },
    { id: 'free-slots', label: 'Free slots', value: status.freeSlots },
    { id: 'queued', label: 'Queued', value: status.queue.queued },
    { id: 'running', label: 'Running', value: status.queue.running },
    { id: 'failed', label: 'Failed', value: status.queue.failed },
  ];
  return (
    <section aria-labelledby="beacon-heading" className="beacon">
      <h2 id="beacon-heading" className="visually-hidden">Availability</h2>
      <div className="stats fleet-stats">
        {stats.map((s) => (
          <div className="stat" key={s.id} data-testid={`beacon-${s.id}`}>
            <div className="label">{s.label}</div>
            <div className="value">{s.value}</div>
          </div>
        ))}
      </div>
      <p className="muted small" data-testid="beacon-source">
        {SOURCE_LABEL[status.source]} · generated <time dateTime={status.generatedAt}>{formatShortDate(status.generatedAt)}</time> (
        {formatAge(now - Date.parse(status.generatedAt))})
      </p>
    </section>
  );
}
