/*
 * The deployment the multi-replica test runs: production servers sharing one PostgreSQL,
 * one Redis and one S3 bucket, how to talk to them, and the external cron calling tick.
 */
import type { AvailabilityStatus } from '../availability';
import type { ServerProcess } from './processes';
import { s3Env, type TestS3 } from './s3';

export const TICK_SECRET = 'multi-replica-tick-secret-5c1e9a';
export const OWNER = { email: 'owner@example.com', password: 'owner-password', name: 'Owner' };

export type StatusBody = AvailabilityStatus;

export interface Replica {
  name: 'A' | 'B' | 'C';
  server: ServerProcess;
  cookie: string;
  /** Set just before the SIGKILL: the tick loop stops choosing it. */
  dead: boolean;
}

export interface TickRecord {
  at: number;
  replica: string;
  status: number | 'network';
  detail?: string;
  succeeded?: number;
}

export interface AdminImage {
  id: string;
  status: string;
  variants: { width: number; format: string; url: string }[];
}

export interface AdminJob {
  id: string;
  subjectId: string;
  status: string;
  attempts: number;
  leasedBy: string | null;
  lastError: string | null;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));


/** variants/<imageId>/<token>/<width>.<format> (server/images/keys.ts variantKey). */
export const tokenOf = (key: string) => key.split('/')[2];

/** What every replica shares: fast leases, heartbeats and sweeps so the scenario fits in a minute. */
export function replicaEnv(databaseUrl: string, redisUrl: string, s3: TestS3): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    CACHE_MODE: 'strict',
    BETTER_AUTH_SECRET: 'multi-replica-secret-multi-replica-secret',
    ...s3Env(s3),
    LOG_LEVEL: 'info',
    PREPROCESS_CONCURRENCY: '1',
    PREPROCESS_LEASE_SECONDS: '3',
    PREPROCESS_RETRY_BASE_SECONDS: '1',
    PREPROCESS_POLL_SECONDS: '1',
    PREPROCESS_TICK_INTERVAL_SECONDS: '1',
    // A tick request develops jobs for at most this long, so the cron keeps rotating.
    PREPROCESS_TICK_BUDGET_SECONDS: '2',
    PREPROCESS_TICK_SECRET: TICK_SECRET,
    // The cron calls ~2 ticks/s from one IP; the default 120/min would answer 429 at times.
    TICK_RATE_LIMIT_PER_MINUTE: '600',
    WORKER_HEARTBEAT_SECONDS: '1',
    WORKER_STALE_SECONDS: '4',
    WORKER_AUTO_OFFLINE_SWEEP_SECONDS: '2',
    HEARTBEAT_MIRROR_INTERVAL_SECONDS: '2',
    NEXT_TELEMETRY_DISABLED: '1',
  };
}

/** fetch against one replica, as a browser on that replica's origin would send it. */
export function call(replica: Replica, route: string, init: RequestInit & { json?: unknown; cookie?: boolean } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('origin', replica.server.url);
  if (init.cookie !== false && replica.cookie) headers.set('cookie', replica.cookie);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  return fetch(`${replica.server.url}${route}`, {
    ...init,
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    signal: init.signal ?? AbortSignal.timeout(30_000),
  });
}

export async function status(replica: Replica): Promise<{ code: number; body: StatusBody }> {
  const res = await call(replica, '/api/v1/status', { cookie: false });
  return { code: res.status, body: (await res.json()) as StatusBody };
}

/** Per replica: its last log lines other than the request log (which would drown them), and stderr. */
export function diagnosticsOf(replicas: Replica[]): string {
  return replicas
    .map((r) => {
      const lines = r.server
        .lines()
        .filter((l) => l.msg !== 'request')
        .slice(-40)
        .map((l) => JSON.stringify(l));
      const stderr = r.server.output().split('--- stderr ---')[1] ?? '';
      return `== replica ${r.name} (pid ${r.server.pid}, worker ${r.server.workerId}, ${r.server.alive() ? 'alive' : 'dead'})\n${lines.join('\n')}\n-- stderr --${stderr.slice(-1500)}`;
    })
    .join('\n');
}

/** The external cron: the tick endpoint on the live replicas in turn, every ~500 ms, until stopped. */
export function startTickLoop(replicas: Replica[]): { ticks: TickRecord[]; stop(): Promise<void> } {
  const ticks: TickRecord[] = [];
  let ticking = true;
  const loop = (async () => {
    for (let i = 0; ticking; i++) {
      const alive = replicas.filter((r) => !r.dead);
      const replica = alive[i % alive.length];
      if (!replica) break;
      const at = Date.now();
      try {
        const res = await call(replica, '/api/v1/preprocess-tasks/tick', { method: 'POST', headers: { 'x-preprocess-tick-secret': TICK_SECRET }, cookie: false });
        const text = await res.text();
        const record: TickRecord = { at, replica: replica.name, status: res.status };
        if (res.status === 200) record.succeeded = (JSON.parse(text) as { succeeded: number }).succeeded;
        else record.detail = text.slice(0, 300);
        ticks.push(record);
      } catch (error) {
        ticks.push({ at, replica: replica.name, status: 'network', detail: error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error) });
      }
      await sleep(500); // the cron's pace, not a wait for a state
    }
  })();
  return {
    ticks,
    async stop() {
      ticking = false;
      await loop;
    },
  };
}
