import { eq, inArray, sql } from 'drizzle-orm';
import { schema } from '../db';
import { countJobsByStatus, countRunningByWorker } from '../queue';
import type { Fleet } from './fleet';
import { capacityKey, DRAINED, ONLINE, SEEDED, SNAPSHOT, SNAPSHOT_TTL_SECONDS, SNAPSHOT_VERSION } from './keys';
import type { AvailabilityStatus } from './types';

const { workers } = schema;
const POSTGRES_MEMO_MS = 2000;
const STORE_IF_CURRENT = `if (redis.call('GET', KEYS[2]) or '') == ARGV[3] then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end`;

interface Member {
  id: string;
  concurrency: number;
  drained: boolean;
  running: number;
}

function summarize(members: Member[], counts: Partial<Record<string, number>>, source: AvailabilityStatus['source']): AvailabilityStatus {
  const available = members.filter((m) => !m.drained);
  return {
    workersOnline: members.length,
    workersAvailable: available.length,
    freeSlots: available.reduce((sum, m) => sum + Math.max(0, m.concurrency - m.running), 0),
    queue: { queued: counts.queued ?? 0, running: counts.running ?? 0, failed: counts.failed ?? 0 },
    source,
    generatedAt: new Date().toISOString(),
  };
}

/**
 * GET /status: one snapshot shared by every replica through Redis (TTL 10 s), built from
 * the mirror; on any Redis error the same answer from PostgreSQL, labelled as such.
 */
export function createStatusReader(fleet: Fleet) {
  let memo: { at: number; value: AvailabilityStatus } | undefined;
  let rebuilding: Promise<AvailabilityStatus> | undefined;
  let querying: Promise<AvailabilityStatus> | undefined;
  const { db, redis, timing } = fleet.options;

  async function fromRedis(): Promise<AvailabilityStatus> {
    if (!redis) throw new Error('no redis');
    const [cached, seeded, version] = await redis.mget(SNAPSHOT, SEEDED, SNAPSHOT_VERSION);
    // A Redis that came back empty has not been seeded yet: its empty sets mean "unknown".
    if (!seeded) throw new Error('availability mirror not seeded yet');
    if (cached) return JSON.parse(cached) as AvailabilityStatus;
    // One rebuild per process at a time; concurrent requests share it.
    rebuilding ??= rebuildFromMirror(version ?? '').finally(() => {
      rebuilding = undefined;
    });
    return rebuilding;
  }

  async function rebuildFromMirror(version: string): Promise<AvailabilityStatus> {
    if (!redis) throw new Error('no redis');
    const [online, drained] = await Promise.all([redis.smembers(ONLINE), redis.smembers(DRAINED)]);
    const capacity = online.length ? await redis.mget(online.map(capacityKey)) : [];
    const [rows, counts] = await Promise.all([
      online.length ? db.select({ id: workers.id, concurrency: workers.concurrency }).from(workers).where(inArray(workers.id, online)) : [],
      countJobsByStatus(db).then((c) => c.counts),
    ]);
    const concurrency = new Map(rows.map((r) => [r.id, r.concurrency]));
    const drainedSet = new Set(drained);
    const members = online.map((id, i) => ({ id, concurrency: concurrency.get(id) ?? 0, drained: drainedSet.has(id), running: Number(capacity[i] ?? 0) }));
    const value = summarize(members, counts, 'redis');
    // Shared only if no mirror write invalidated the snapshot while this one was being built.
    await redis.eval(STORE_IF_CURRENT, 2, SNAPSHOT, SNAPSHOT_VERSION, JSON.stringify(value), SNAPSHOT_TTL_SECONDS, version);
    return value;
  }

  async function fromPostgres(): Promise<AvailabilityStatus> {
    if (memo && Date.now() - memo.at < POSTGRES_MEMO_MS) return memo.value;
    // Concurrent requests after the memo expires share one query instead of stampeding.
    querying ??= queryPostgres().finally(() => {
      querying = undefined;
    });
    return querying;
  }

  async function queryPostgres(): Promise<AvailabilityStatus> {
    // Without Redis, PostgreSQL heartbeats are live, so their age counts; with Redis they lag
    // by a mirror interval, so only the online flag (kept by the sweep) is trusted.
    const fresh = redis ? undefined : sql`${workers.lastHeartbeatAt} > now() - (${Math.round(timing.staleMs)} * interval '1 millisecond')`;
    const [rows, running, counts] = await Promise.all([
      db.select({ id: workers.id, concurrency: workers.concurrency, drained: workers.isDrained }).from(workers).where(fresh ? sql`${workers.isOnline} and ${fresh}` : eq(workers.isOnline, true)),
      countRunningByWorker(db),
      countJobsByStatus(db).then((c) => c.counts),
    ]);
    const value = summarize(rows.map((r) => ({ ...r, running: running.get(r.id) ?? 0 })), counts, 'postgres');
    memo = { at: Date.now(), value };
    return value;
  }

  return async function readStatus(): Promise<AvailabilityStatus> {
    if (redis) {
      try {
        return await fromRedis();
      } catch (error) {
        fleet.options.log.debug({ err: (error as Error).message }, 'status from PostgreSQL: Redis did not answer');
      }
    }
    return fromPostgres();
  };
}
