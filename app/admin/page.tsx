import { headers } from 'next/headers';
import Link from 'next/link';
import { requireAdmin } from '../_lib/access';
import { getServices } from '../../server/boot';
import { getSystemOverview } from '../../server/system';

const DATABASE_LABEL = { postgres: 'PostgreSQL', pglite: 'Embedded (PGlite)' } as const;
const REDIS_LABEL = { connected: 'connected', unreachable: 'unreachable', 'not-configured': 'not configured' } as const;

/** Large libraries are counted from PostgreSQL's statistics: say so rather than pretend to the last photo. */
const photoCount = (n: number, approximate: boolean) => `${approximate && n > 10_000 ? '≈ ' : ''}${n.toLocaleString('en-US')}`;

interface Stat {
  label: string;
  value: string;
  id: string;
}

function StatGrid({ stats, className }: { stats: Stat[]; className?: string }) {
  return (
    <div className={className ? `stats ${className}` : 'stats'}>
      {stats.map((s) => (
        <div className="stat" key={s.id} data-testid={`stat-${s.id}`}>
          <div className="label">{s.label}</div>
          <div className="value">{s.value}</div>
        </div>
      ))}
    </div>
  );
}

export default async function Dashboard() {
  await requireAdmin();
  const services = await getServices();
  // The same snapshot GET /api/v1/status serves; the dashboard still renders if it fails.
  const [overview, status] = await Promise.all([getSystemOverview(services, await headers()), services.readStatus().catch(() => null)]);
  const stats = [
    { label: 'Users', value: `${overview.users.active} active / ${overview.users.total}`, id: 'users' },
    { label: 'Photos', value: photoCount(overview.images.total, overview.images.approximate), id: 'photos' },
    { label: 'Developing', value: photoCount(overview.images.byStatus.pending + overview.images.byStatus.processing, overview.images.approximate), id: 'developing' },
    { label: 'Failed photos', value: photoCount(overview.images.byStatus.failed, overview.images.approximate), id: 'failed-photos' },
    { label: 'Database', value: DATABASE_LABEL[overview.database], id: 'database' },
    { label: 'Cache mode', value: overview.cacheMode, id: 'cache-mode' },
    { label: 'Redis', value: REDIS_LABEL[overview.redis], id: 'redis' },
  ];
  const fleet = status && [
    { label: 'Workers', value: `${status.workersAvailable} available / ${status.workersOnline} online`, id: 'workers' },
    { label: 'Free slots', value: String(status.freeSlots), id: 'free-slots' },
    { label: 'Queue', value: `${status.queue.queued} queued · ${status.queue.running} running`, id: 'queue' },
    { label: 'Failed jobs', value: String(status.queue.failed), id: 'failed' },
  ];
  return (
    <>
      <h1>Dashboard</h1>
      <StatGrid stats={stats} />
      <h2>Fleet and queue</h2>
      {fleet ? <StatGrid stats={fleet} /> : <p className="error" role="alert">The fleet status is unavailable.</p>}
      <p className="small"><Link href="/admin/fleet">Workers, heartbeats and draining →</Link></p>
      <p style={{ color: 'var(--muted)', marginTop: '2rem' }}>Darkroom {overview.version}</p>
    </>
  );
}
