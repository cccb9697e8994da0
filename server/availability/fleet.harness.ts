/** Shared setup and helpers of the fleet integration tests (`fleet-*.integration.test.ts`). */
import { eq, sql } from 'drizzle-orm';
import { Redis as RedisClient } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { loadConfig } from '../config';
import { type Database, schema } from '../db';
import { createLogger, type Logger } from '../log';
import { Queue } from '../queue';
import { connectRedis, type Redis } from '../redis';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { until } from '../testing/processes';
import { type PrivateRedis, startPrivateRedis } from '../testing/redis';
import { Fleet } from '.';

export const { workers, preprocessJobs, settings } = schema;
export const KIND = 'fleet-test';
export const silent = createLogger({ level: 'silent' });
/** The documented defaults: heartbeat 5 s, stale 20 s, auto-offline every 30 s, mirror 60 s, reseed 300 s. */
export const timing = loadConfig({}).fleet;
export const ago = (ms: number) => new Date(Date.now() - ms);

// ---------------------------------------------------------------------------------------------
// One PostgreSQL database and one private redis-server for the file (never the shared 6379:
// the fleet keys are global). Every test starts from empty tables and an empty Redis.
// ---------------------------------------------------------------------------------------------
export let database: TestDatabase;
export let db: Database;
export let redisServer: PrivateRedis;
/** Plain client for the assertions (reconnects by itself after a restart). */
export let direct: RedisClient;
/** Clients made like the runtime makes them (connectRedis: no offline queue), closed after each test. */
export const clients: Redis[] = [];
let redisDown = false;

/** Registers the file's hooks: one database and one private redis-server, emptied before each test. */
export function setUpFleetHarness(): void {
  beforeAll(async () => {
    [database, redisServer] = await Promise.all([createTestDatabase('postgres'), startPrivateRedis()]);
    db = database.handle.db;
    direct = new RedisClient(redisServer.url);
    direct.on('error', () => {}); // refused while a test's own outage lasts
  });
  afterAll(async () => {
    direct.disconnect();
    await redisServer.kill();
    await database.drop();
  });
  beforeEach(async () => {
    await db.execute(sql`delete from preprocess_jobs`);
    await db.execute(sql`delete from workers`);
    await db.execute(sql`delete from settings where key like 'sweep:%'`);
    await direct.flushall();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    if (redisDown) await restartRedis();
  });
}

export async function fleetRedis(): Promise<Redis> {
  const client = await connectRedis(redisServer.url, silent, { required: true });
  clients.push(client);
  return client;
}

export function makeFleet(id: string, redis: Redis | undefined, options: { concurrency?: number; log?: Logger; on?: Database } = {}): Fleet {
  return new Fleet({
    db: options.on ?? db,
    redis,
    log: options.log ?? silent,
    self: { id, hostname: `host-${id}`, version: 'test', concurrency: options.concurrency ?? 2 },
    timing,
  });
}

/** The queue of a replica, wired to its fleet exactly like server/boot/runtime.ts wires it. */
export function makeQueue(fleet: Fleet, options: { on?: Database } = {}): Queue {
  const queue = new Queue({ db: options.on ?? db, log: silent, workerId: fleet.options.self.id, leaseMs: 60_000, maxAttempts: 3, retryBaseMs: 10 });
  queue.register(KIND, { run: async () => {} });
  queue.useFleet({
    canClaim: async () => !(await fleet.isDrained()),
    onLeaseChange: () => void fleet.refreshCapacity().catch(() => {}),
  });
  return queue;
}

/** An outage: SIGKILL the private redis-server and wait until the fleet's clients have noticed. */
export async function killRedis(...watching: Redis[]): Promise<void> {
  redisDown = true;
  await redisServer.kill();
  await until('the fleet clients to notice the outage', () => watching.every((c) => c.status !== 'ready'));
}

/** Back on the same port, empty, without waiting for any client: the test watches them itself. */
export async function bringRedisBack(): Promise<void> {
  await redisServer.restart();
  redisDown = false;
}

/** Back on the same port, empty (no persistence), and every client reconnected. */
export async function restartRedis(): Promise<void> {
  await redisServer.restart();
  redisDown = false;
  await until('the clients to reconnect', () => [direct, ...clients].every((c) => c.status === 'ready' || c.status === 'end'), { timeoutMs: 15_000 });
}

export async function insertWorker(row: { id: string; online?: boolean; drained?: boolean; concurrency?: number; heartbeat?: Date }) {
  await db.insert(workers).values({
    id: row.id,
    hostname: `host-${row.id}`,
    version: 'test',
    concurrency: row.concurrency ?? 2,
    isOnline: row.online ?? true,
    isDrained: row.drained ?? false,
    lastHeartbeatAt: row.heartbeat ?? new Date(),
  });
}

export async function insertJob(status: 'queued' | 'running' | 'succeeded' | 'failed', leasedBy?: string): Promise<string> {
  const id = crypto.randomUUID();
  await db.insert(preprocessJobs).values({
    id,
    kind: KIND,
    subjectId: id,
    status,
    attempts: status === 'queued' ? 0 : 1,
    leasedBy,
    leaseToken: status === 'running' ? crypto.randomUUID() : undefined,
    leaseExpiresAt: status === 'running' ? new Date(Date.now() + 60_000) : undefined,
  });
  return id;
}

export async function workerRow(id: string) {
  const [row] = await db.select().from(workers).where(eq(workers.id, id));
  if (!row) throw new Error(`no workers row ${id}`);
  return row;
}

export async function jobRow(id: string) {
  const [row] = await db.select().from(preprocessJobs).where(eq(preprocessJobs.id, id));
  if (!row) throw new Error(`no job ${id}`);
  return row;
}

export const members = async (key: string) => (await direct.smembers(key)).sort();

/** Runs the fleet's side of one Redis MULTI only after `probe` has looked at PostgreSQL. */
export function probeBeforeMulti(redis: Redis, probe: () => Promise<void>): Redis {
  return new Proxy(redis, {
    get(target, property) {
      if (property === 'multi') {
        return () => {
          const tx = target.multi();
          const exec = tx.exec.bind(tx);
          tx.exec = async () => {
            await probe();
            return exec();
          };
          return tx;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
