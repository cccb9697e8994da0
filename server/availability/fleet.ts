import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, schema } from '../db';
import { NotFoundError } from '../errors';
import { countRunning, countRunningByWorker } from '../queue';
import { bootKey, capacityKey, DRAINED, heartbeatKey, invalidateSnapshot, ONLINE, SEEDED } from './keys';
import type { FleetOptions, WorkerView } from './types';

const { workers } = schema;

/**
 * This replica's side of the worker-fleet mirror. PostgreSQL is the truth; Redis mirrors
 * it for the hot path. Writes go to PostgreSQL first, then Redis best-effort (a failed
 * mirror write is logged and healed by the next reseed).
 */
export class Fleet {
  /** New at every process start: two live processes under one worker id carry two nonces. */
  readonly bootNonce = crypto.randomUUID();
  private sharingReported = false;

  constructor(readonly options: FleetOptions) {}

  get usesRedis(): boolean {
    return Boolean(this.options.redis);
  }

  /** A mirror write to Redis after PostgreSQL has the truth: logged on failure, never fails the caller. */
  private async writeRedisBestEffort(what: string, write: (redis: NonNullable<FleetOptions['redis']>) => Promise<unknown>): Promise<boolean> {
    const { redis, log } = this.options;
    if (!redis) return false;
    try {
      await write(redis);
      return true;
    } catch (error) {
      log.warn({ err: (error as Error).message, what }, 'redis mirror write failed; the next reseed heals it');
      return false;
    }
  }

  /** Startup: upsert this worker as online (a drained worker stays drained), then mirror it. */
  async register(): Promise<void> {
    const { db } = this.options;
    const self = this.options.self;
    const [row] = await db
      .insert(workers)
      .values({ ...self, isOnline: true, bootNonce: this.bootNonce })
      .onConflictDoUpdate({
        target: workers.id,
        set: {
          hostname: self.hostname,
          version: self.version,
          concurrency: self.concurrency,
          isOnline: true,
          startedAt: sql`now()`,
          lastHeartbeatAt: sql`now()`,
          bootNonce: this.bootNonce,
        },
      })
      .returning({ isDrained: workers.isDrained });
    const running = await countRunning(db, self.id);
    await this.writeRedisBestEffort('register', (redis) =>
      invalidateSnapshot(
        redis
          .multi()
          .sadd(ONLINE, self.id)
          .set(heartbeatKey(self.id), new Date().toISOString())
          .set(bootKey(self.id), this.bootNonce)
          .set(capacityKey(self.id), running)
          [row?.isDrained ? 'sadd' : 'srem'](DRAINED, self.id),
      ).exec(),
    );
  }

  /** Shutdown: offline in PostgreSQL, then out of the mirror. */
  async deregister(): Promise<void> {
    const id = this.options.self.id;
    await this.options.db.update(workers).set({ isOnline: false }).where(eq(workers.id, id));
    await this.writeRedisBestEffort('deregister', (redis) => invalidateSnapshot(redis.multi().srem(ONLINE, id).del(heartbeatKey(id), bootKey(id), capacityKey(id))).exec());
  }

  /**
   * The hot path: Redis only. Without Redis, PostgreSQL is the only place it can go. Each
   * beat carries this boot's nonce and reads the one it replaces.
   */
  async heartbeat(): Promise<void> {
    const { redis, db, self } = this.options;
    if (!redis) {
      const [previous] = rowsOf<{ nonce: string | null }>(
        await db.execute(sql`update workers w set last_heartbeat_at = now(), is_online = true, boot_nonce = ${this.bootNonce}
          from (select id, boot_nonce from workers where id = ${self.id} for update) prev
          where w.id = prev.id returning prev.boot_nonce as nonce`),
      );
      this.noticeSharing(previous?.nonce);
      return;
    }
    const result = await redis
      .multi()
      .get(bootKey(self.id))
      .set(heartbeatKey(self.id), new Date().toISOString())
      .set(bootKey(self.id), this.bootNonce)
      .sismember(ONLINE, self.id)
      .exec()
      .catch(() => null);
    this.noticeSharing(result?.[0]?.[1]);
    // Swept offline while alive (a partition, a lost Redis): register again, PostgreSQL first.
    if (result?.[3]?.[1] === 0) {
      this.options.log.warn('this worker was marked offline while alive; registering again');
      await this.register();
    }
  }

  /**
   * Another boot's nonce where this one's was: a second live process uses this worker id
   * (both started at once, so neither saw the other at startup). Said once, loudly.
   */
  private noticeSharing(previous: unknown): void {
    if (this.sharingReported || typeof previous !== 'string' || previous === this.bootNonce) return;
    this.sharingReported = true;
    this.options.log.error(
      { workerId: this.options.self.id },
      'another running process uses this worker id (one DATA_DIR shared by two processes): give each replica its own DATA_DIR and restart them',
    );
  }

  /** Asked before every claim. A drained worker must never claim because Redis is away. */
  async isDrained(): Promise<boolean> {
    const { redis, db, self } = this.options;
    if (redis) {
      try {
        const replies = await redis.multi().sismember(DRAINED, self.id).sismember(ONLINE, self.id).exec();
        const [drained, online] = (replies ?? []).map(([error, value]) => (error ? undefined : value));
        // A mirror that does not list this worker as online has lost its data (restart, flush,
        // failover) or swept it: only PostgreSQL can say whether it is drained.
        if (online === 1) return drained === 1;
      } catch {
        // fall through to the truth
      }
    }
    const [row] = await db.select({ isDrained: workers.isDrained }).from(workers).where(eq(workers.id, self.id));
    return row?.isDrained ?? false;
  }

  /** After every lease change: derived from PostgreSQL, never INCR/DECR. */
  async refreshCapacity(): Promise<void> {
    if (!this.options.redis) return;
    const running = await countRunning(this.options.db, this.options.self.id);
    await this.writeRedisBestEffort('capacity', (redis) => redis.set(capacityKey(this.options.self.id), running));
  }

  async setDrained(workerId: string, drained: boolean): Promise<WorkerView> {
    const rows = await this.options.db.update(workers).set({ isDrained: drained }).where(eq(workers.id, workerId)).returning({ id: workers.id });
    if (!rows.length) throw new NotFoundError('Worker not found');
    await this.writeRedisBestEffort('drain', (redis) => invalidateSnapshot(redis.multi()[drained ? 'sadd' : 'srem'](DRAINED, workerId)).exec());
    const view = (await this.listWorkers()).find((w) => w.id === workerId);
    if (!view) throw new NotFoundError('Worker not found');
    return view;
  }

  /** Every known worker: rows from PostgreSQL, live heartbeat and capacity from Redis when it answers. */
  async listWorkers(): Promise<WorkerView[]> {
    const { db, redis } = this.options;
    const rows = await db.select().from(workers).orderBy(sql`${workers.isOnline} desc`, workers.hostname, workers.id);
    let live: { heartbeats: (string | null)[]; capacity: (string | null)[] } | undefined;
    if (redis && rows.length) {
      try {
        const [heartbeats, capacity] = await Promise.all([redis.mget(rows.map((r) => heartbeatKey(r.id))), redis.mget(rows.map((r) => capacityKey(r.id)))]);
        live = { heartbeats, capacity };
      } catch {
        live = undefined;
      }
    }
    const running = live ? undefined : await countRunningByWorker(db);
    return rows.map((row, i) => {
      const beat = live?.heartbeats[i];
      const last = beat && Date.parse(beat) > row.lastHeartbeatAt.getTime() ? beat : row.lastHeartbeatAt.toISOString();
      return {
        id: row.id,
        hostname: row.hostname,
        version: row.version,
        concurrency: row.concurrency,
        isOnline: row.isOnline,
        isDrained: row.isDrained,
        running: live ? Number(live.capacity[i] ?? 0) : (running?.get(row.id) ?? 0),
        startedAt: row.startedAt.toISOString(),
        lastHeartbeatAt: last,
      };
    });
  }

  /**
   * Rebuilds the mirror from PostgreSQL: at startup, on every Redis reconnect, and periodically.
   * Two passes: the first replaces the sets, the second only adds. A replica that registers
   * (or a drain that commits) while the first pass is between its PostgreSQL read and its
   * Redis write could have its own mirror write wiped by the first pass; it is committed
   * before the second read, so the second pass restores it.
   */
  async seed(): Promise<boolean> {
    if (!this.options.redis) return false;
    return (await this.seedPass(true)) && (await this.seedPass(false));
  }

  private async seedPass(replace: boolean): Promise<boolean> {
    const { db } = this.options;
    const [online, drained, running] = await Promise.all([
      db.select({ id: workers.id }).from(workers).where(eq(workers.isOnline, true)),
      db.select({ id: workers.id }).from(workers).where(eq(workers.isDrained, true)),
      countRunningByWorker(db),
    ]);
    return this.writeRedisBestEffort('seed', (redis) => {
      const tx = redis.multi();
      if (replace) tx.del(ONLINE, DRAINED);
      invalidateSnapshot(tx);
      if (online.length) tx.sadd(ONLINE, ...online.map((w) => w.id));
      if (drained.length) tx.sadd(DRAINED, ...drained.map((w) => w.id));
      const now = new Date().toISOString();
      for (const w of online) {
        tx.set(capacityKey(w.id), running.get(w.id) ?? 0);
        // NX keeps live heartbeats. A lost key gets "now": PostgreSQL's copy lags by a mirror
        // interval, so using it would let the next sweep offline a healthy worker.
        tx.set(heartbeatKey(w.id), now, 'NX');
      }
      tx.set(SEEDED, now);
      return tx.exec();
    });
  }

  /** Used by the drain check and the guard: is this id a registered, online worker? */
  async isOnline(workerId: string): Promise<boolean> {
    const [row] = await this.options.db.select({ id: workers.id }).from(workers).where(and(eq(workers.id, workerId), eq(workers.isOnline, true)));
    return Boolean(row);
  }

}
