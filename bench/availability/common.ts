/** What both parts of bench/availability.ts share: settings, the simulated workers, PostgreSQL's counters. */
import postgres from 'postgres';
import { APP_VERSION, type Config, loadConfig } from '../../server/config';
import { createLogger } from '../../server/log';
import { positiveFromEnv, positiveIntegerFromEnv } from '../lib/env';

export const SETTINGS = {
  workers: positiveIntegerFromEnv('BENCH_WORKERS', 50),
  /** 24 s = two whole mirror intervals at the default 12 s: no partial interval skews the rate. */
  windowSeconds: positiveFromEnv('BENCH_SECONDS', 24),
  heartbeatSeconds: positiveFromEnv('WORKER_HEARTBEAT_SECONDS', 1),
  /** Production keeps 12 heartbeats per mirror interval (5 s / 60 s); so does the bench (1 s / 12 s). */
  mirrorSeconds: positiveFromEnv('HEARTBEAT_MIRROR_INTERVAL_SECONDS', 12),
  ticks: positiveIntegerFromEnv('BENCH_TICKS', 30),
  statusSeconds: positiveFromEnv('BENCH_STATUS_SECONDS', 10),
  warmupSeconds: 2,
  connections: positiveIntegerFromEnv('BENCH_CONNECTIONS', 50),
  jobs: positiveIntegerFromEnv('BENCH_JOBS', 5000),
  rawCalls: positiveIntegerFromEnv('BENCH_RAW_CALLS', 300),
} as const;

/** Production defaults (server/config/env-schema.ts) for the projection. */
export const DEFAULTS = { heartbeatSeconds: 5, mirrorSeconds: 60, tickSeconds: 10, reseedSeconds: 300 } as const;

export const silent = createLogger({ level: 'silent' });

export const workerId = (i: number) => `bench-worker-${String(i).padStart(3, '0')}`;
export const workerSelf = (i: number) => ({ id: workerId(i), hostname: `bench-host-${i}`, version: APP_VERSION, concurrency: 1 });

export function fleetTiming(): Config['fleet'] {
  return loadConfig({
    WORKER_HEARTBEAT_SECONDS: String(SETTINGS.heartbeatSeconds),
    WORKER_STALE_SECONDS: String(SETTINGS.heartbeatSeconds * 4),
    HEARTBEAT_MIRROR_INTERVAL_SECONDS: String(SETTINGS.mirrorSeconds),
    WORKER_AUTO_OFFLINE_SWEEP_SECONDS: '30',
    AVAILABILITY_RESEED_SWEEP_SECONDS: '300',
  }).fleet;
}

/** `query` on a one-connection client of its own, closed afterwards. */
export async function withClient<T>(url: string, query: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await query(admin);
  } finally {
    await admin.end();
  }
}

interface PgStats {
  xactCommit: number;
  tupUpdated: number;
  tupInserted: number;
}

/** This database's counters; a fresh connection each time (stats are read once per transaction). */
export function pgStats(url: string): Promise<PgStats> {
  return withClient(url, async (sql) => {
    const [row] = await sql<{ xact_commit: string; tup_updated: string; tup_inserted: string }[]>`
      select xact_commit, tup_updated, tup_inserted from pg_stat_database where datname = current_database()`;
    return { xactCommit: Number(row?.xact_commit ?? 0), tupUpdated: Number(row?.tup_updated ?? 0), tupInserted: Number(row?.tup_inserted ?? 0) };
  });
}
