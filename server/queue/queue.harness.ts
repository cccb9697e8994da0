/** Shared setup and helpers of the queue integration tests (`queue-*.integration.test.ts`). */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { type Database, type DatabaseHandle, openDatabase, rowsOf, schema } from '../db';
import { createLogger } from '../log';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { until } from '../testing/processes';
import { type JobHandler, type JobRunContext, type LeasedJob, Queue, type QueueOptions } from '.';

export const KIND = 'test-job';
export const jobs = schema.preprocessJobs;
export const silent = createLogger({ level: 'silent' });

/** A promise the test opens when it wants the handler to go on (or the handler, to say it started). */
export function gate() {
  let open = () => {};
  let opened = false;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    promise,
    open: () => {
      opened = true;
      open();
    },
    /** Poll this rather than awaiting `promise`, so a handler that never starts fails the test with a message. */
    isOpen: () => opened,
  };
}

/** Settles when the job's signal aborts, with its reason (what a well-behaved handler does). */
export const untilAborted = (ctx: JobRunContext) =>
  new Promise<never>((_, reject) => {
    if (ctx.signal.aborted) reject(ctx.signal.reason);
    ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
  });

export interface Harness {
  handle: DatabaseHandle;
  db: Database;
  /** Another replica's connection pool on the same database (PGlite has only one). */
  replica(): Promise<Database>;
  queue(workerId: string, run: JobHandler['run'], options?: Partial<QueueOptions> & { db?: Database }): Queue;
  /** Enqueued through `via` (its maxAttempts is the job's max_attempts), or a default queue. */
  enqueue(subjectId: string, via?: Queue): Promise<string>;
  row(id: string): Promise<typeof jobs.$inferSelect>;
  /** What handlers wrote through complete(tx => …): the "result" the fence protects. */
  results(): Promise<{ job_id: string; worker: string }[]>;
  expireLease(id: string): Promise<void>;
  /** Expires a running job's lease and has `queue` re-queue it; retried if its keeper renewed in between. */
  expireAndSweep(queue: Queue, id: string): Promise<void>;
}

export function harness(database: () => TestDatabase, replicas: DatabaseHandle[]): Harness {
  const h: Harness = {
    get handle() {
      return database().handle;
    },
    get db() {
      return database().handle.db;
    },
    async replica() {
      const { url } = database();
      if (!url) return h.db;
      const handle = await openDatabase({ url, poolMax: 3 });
      replicas.push(handle);
      return handle.db;
    },
    queue(workerId, run, options = {}) {
      const queue = new Queue({ db: h.db, log: silent, workerId, leaseMs: 60_000, maxAttempts: 3, retryBaseMs: 10, ...options });
      queue.register(KIND, { run });
      return queue;
    },
    async enqueue(subjectId, via) {
      const queue = via ?? new Queue({ db: h.db, log: silent, workerId: 'enqueuer', leaseMs: 60_000, maxAttempts: 3, retryBaseMs: 10 });
      const id = await queue.enqueue(h.db, { kind: KIND, subjectId });
      if (!id) throw new Error(`no job enqueued for ${subjectId}`);
      return id;
    },
    async row(id) {
      const [row] = await h.db.select().from(jobs).where(eq(jobs.id, id));
      if (!row) throw new Error(`job ${id} not found`);
      return row;
    },
    async results() {
      return rowsOf<{ job_id: string; worker: string }>(await h.db.execute(sql`select job_id, worker from queue_test_results order by worker`));
    },
    async expireLease(id) {
      await h.db.execute(sql`update preprocess_jobs set lease_expires_at = now() - interval '1 second' where id = ${id}`);
    },
    async expireAndSweep(queue, id) {
      await until(`the expired lease of ${id} to be re-queued`, async () => {
        await h.expireLease(id);
        const result = await queue.runClusterDuties();
        expect(result.requeued).toBeLessThanOrEqual(1);
        return result.requeued === 1;
      });
    },
  };
  return h;
}

/** A handler writing its worker's name as the job's result. */
export const writeResult = (worker: string) => (job: LeasedJob, ctx: JobRunContext) =>
  ctx.complete(async (tx) => {
    await tx.execute(sql`insert into queue_test_results (job_id, worker) values (${job.id}, ${worker})`);
  });

export function useDatabase(kind: 'postgres' | 'pglite') {
  let database: TestDatabase | undefined;
  const replicas: DatabaseHandle[] = [];
  const current = () => {
    if (!database) throw new Error('database not ready');
    return database;
  };
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await database.handle.db.execute(sql`create table queue_test_results (job_id text not null, worker text not null)`);
  });
  afterAll(async () => {
    await Promise.all(replicas.splice(0).map((r) => r.close()));
    await database?.drop();
  });
  beforeEach(async () => {
    await current().handle.db.execute(sql`delete from preprocess_jobs`);
    await current().handle.db.execute(sql`delete from queue_test_results`);
  });
  return harness(current, replicas);
}
