import { inArray, sql } from 'drizzle-orm';
import { rowsOf, schema, type Transaction } from '../db';
import type { Queue } from '../queue';
import type { Fleet } from './fleet';
import { capacityKey, heartbeatKey, invalidateSnapshot, ONLINE } from './keys';

const { workers } = schema;

/**
 * Cluster-wide cadence without clocks per replica: the last run of each sweep is the
 * updated_at of a settings row, advanced only when its interval has passed. One statement
 * per tick for all sweeps; returns the names that are due now.
 */
async function dueSweeps(tx: Transaction, intervals: Record<string, number>): Promise<Set<string>> {
  const entries = Object.entries(intervals);
  if (!entries.length) return new Set();
  const rows = rowsOf<{ key: string }>(
    await tx.execute(sql`insert into settings (key, value)
      select 'sweep:' || v.name, jsonb_build_object('intervalMs', v.ms)
      from unnest(string_to_array(${entries.map(([name]) => name).join(',')}, ','), string_to_array(${entries.map(([, ms]) => String(Math.round(ms))).join(',')}, ',')::int[]) as v(name, ms)
      on conflict (key) do update set updated_at = now(), value = excluded.value
      where settings.updated_at <= now() - ((excluded.value->>'intervalMs')::int * interval '1 millisecond')
      returning key`),
  );
  return new Set(rows.map((r) => r.key.slice('sweep:'.length)));
}

/**
 * Stale heartbeat → offline, leases released. Reads heartbeats from Redis; on any Redis
 * error it aborts entirely: PostgreSQL's copies lag by a mirror interval, and trusting
 * them would mass-offline a healthy fleet.
 */
export async function autoOffline(tx: Transaction, fleet: Fleet, queue: Queue): Promise<(() => Promise<void>) | void> {
  const { redis, timing, log } = fleet.options;
  let stale: string[];
  if (redis) {
    try {
      const online = await redis.smembers(ONLINE);
      const beats = online.length ? await redis.mget(online.map(heartbeatKey)) : [];
      const cutoff = Date.now() - timing.staleMs;
      stale = online.filter((_, i) => {
        const beat = beats[i];
        return !beat || Date.parse(beat) < cutoff;
      });
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'auto-offline sweep aborted: Redis did not answer');
      return;
    }
  } else {
    const rows = await tx
      .select({ id: workers.id })
      .from(workers)
      .where(sql`${workers.isOnline} and ${workers.lastHeartbeatAt} < now() - (${Math.round(timing.staleMs)} * interval '1 millisecond')`);
    stale = rows.map((r) => r.id);
  }
  if (!stale.length) return;
  await tx.update(workers).set({ isOnline: false }).where(inArray(workers.id, stale));
  const released = await queue.releaseWorkerLeases(tx, stale);
  log.warn({ workers: stale, releasedJobs: released }, 'workers with a stale heartbeat marked offline');
  return async () => {
    if (redis) await invalidateSnapshot(redis.multi().srem(ONLINE, ...stale).del(...stale.map(capacityKey))).exec();
  };
}

/** All Redis heartbeats into PostgreSQL in one UNNEST statement per interval. */
export async function mirrorHeartbeats(tx: Transaction, fleet: Fleet): Promise<number> {
  const { redis, log } = fleet.options;
  if (!redis) return 0;
  let pairs: [string, string][];
  try {
    const online = await redis.smembers(ONLINE);
    const beats = online.length ? await redis.mget(online.map(heartbeatKey)) : [];
    pairs = online.flatMap((id, i) => {
      const beat = beats[i];
      return beat && !Number.isNaN(Date.parse(beat)) ? [[id, new Date(beat).toISOString()] as [string, string]] : [];
    });
  } catch (error) {
    log.warn({ err: (error as Error).message }, 'heartbeat mirror skipped: Redis did not answer');
    return 0;
  }
  if (!pairs.length) return 0;
  // Worker ids are [a-z0-9-] (worker-id.ts) and ISO times have no commas, so one
  // delimited text parameter per column keeps this a single statement on both drivers.
  const rows = rowsOf<{ id: string }>(
    await tx.execute(sql`update workers w set last_heartbeat_at = v.hb
      from unnest(string_to_array(${pairs.map((p) => p[0]).join(',')}, ','), string_to_array(${pairs.map((p) => p[1]).join(',')}, ',')::timestamptz[]) as v(id, hb)
      where w.id = v.id and v.hb > w.last_heartbeat_at
      returning w.id`),
  );
  return rows.length;
}

/** The availability sweeps as one cluster duty (run under the queue's advisory lock). */
export function fleetSweeps(fleet: Fleet, queue: Queue) {
  return async (tx: Transaction): Promise<(() => Promise<void>) | void> => {
    const { timing, redis } = fleet.options;
    const followUps: (() => Promise<void>)[] = [];
    const due = await dueSweeps(tx, {
      'auto-offline': timing.autoOfflineSweepMs,
      ...(redis ? { 'heartbeat-mirror': timing.heartbeatMirrorMs, reseed: timing.reseedSweepMs } : {}),
    });
    if (due.has('auto-offline')) {
      const then = await autoOffline(tx, fleet, queue);
      if (then) followUps.push(then);
    }
    if (due.has('heartbeat-mirror')) await mirrorHeartbeats(tx, fleet);
    if (due.has('reseed')) followUps.push(async () => void (await fleet.seed()));
    if (!followUps.length) return;
    return async () => {
      for (const then of followUps) await then();
    };
  };
}
