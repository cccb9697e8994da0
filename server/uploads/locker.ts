import { and, eq, sql } from 'drizzle-orm';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/utils';
import { type Database, rowsOf, schema } from '../db';
import type { Logger } from '../log';

const { tusUploadLocks } = schema;

/** NOTIFY channel: "let go of this upload", answered by whichever replica holds it. */
export const RELEASE_CHANNEL = 'darkroom_upload_release';

export interface LeaseLockerOptions {
  db: Database;
  log: Logger;
  /** A holder that stops renewing (its replica died) loses the lock after this long. */
  leaseMs?: number;
  /** A request that cannot take the lock within this long is refused (tus answers 500 "lock timeout"). */
  acquireTimeoutMs?: number;
  /** How often a waiting request tries again. */
  retryMs?: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * tus Locker over a lease row in PostgreSQL (or PGlite): works on every replica without Redis.
 * The holder renews its lease while it writes; a replica killed mid-chunk stops renewing and
 * the next PATCH takes over once the lease ran out. A live holder is asked to let go through
 * NOTIFY (tus's requestRelease), so a client resuming after a cut connection is not kept
 * waiting by its own stalled request.
 */
export class LeaseLocker implements Locker {
  readonly leaseMs: number;
  readonly acquireTimeoutMs: number;
  readonly retryMs: number;
  /** Locks held by this process: id → how to ask the holder to let go. */
  readonly held = new Map<string, RequestRelease>();

  constructor(readonly options: LeaseLockerOptions) {
    this.leaseMs = options.leaseMs ?? 15_000;
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 30_000;
    this.retryMs = options.retryMs ?? 100;
  }

  /** Wire to `database.listen(RELEASE_CHANNEL, …)`: a holder here is asked to let go. */
  onReleaseRequest = (id: string) => {
    const release = this.held.get(id);
    if (release) void Promise.resolve(release()).catch(() => {});
  };

  newLock(id: string): Lock {
    return new LeaseLock(this, id);
  }

  async tryTake(id: string, token: string): Promise<boolean> {
    const ms = this.leaseMs;
    const rows = rowsOf<{ id: string }>(
      await this.options.db.execute(sql`insert into tus_upload_locks (id, token, expires_at)
        values (${id}, ${token}, now() + (${ms}::double precision * interval '1 millisecond'))
        on conflict (id) do update set token = excluded.token, expires_at = excluded.expires_at
        where tus_upload_locks.expires_at < now()
        returning id`),
    );
    return rows.length > 0;
  }

  /** False when the lease is no longer ours (it ran out and someone took it). */
  async renew(id: string, token: string): Promise<boolean> {
    const ms = this.leaseMs;
    const rows = await this.options.db
      .update(tusUploadLocks)
      .set({ expiresAt: sql`now() + (${ms}::double precision * interval '1 millisecond')` })
      .where(and(eq(tusUploadLocks.id, id), eq(tusUploadLocks.token, token)))
      .returning({ id: tusUploadLocks.id });
    return rows.length > 0;
  }

  async drop(id: string, token: string): Promise<void> {
    await this.options.db.delete(tusUploadLocks).where(and(eq(tusUploadLocks.id, id), eq(tusUploadLocks.token, token)));
  }

  async askRelease(id: string): Promise<void> {
    this.onReleaseRequest(id);
    await this.options.db.execute(sql`select pg_notify(${RELEASE_CHANNEL}, ${id})`);
  }
}

class LeaseLock implements Lock {
  private readonly token = crypto.randomUUID();
  private renewal: NodeJS.Timeout | undefined;

  constructor(
    private readonly locker: LeaseLocker,
    private readonly id: string,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const deadline = Date.now() + this.locker.acquireTimeoutMs;
    let asked = false;
    while (!signal.aborted && Date.now() < deadline) {
      if (await this.locker.tryTake(this.id, this.token)) {
        this.locker.held.set(this.id, requestRelease);
        this.keepAlive(requestRelease);
        return;
      }
      if (!asked) {
        asked = true;
        await this.locker.askRelease(this.id).catch(() => {});
      }
      await sleep(this.locker.retryMs, signal);
    }
    throw ERRORS.ERR_LOCK_TIMEOUT;
  }

  private keepAlive(requestRelease: RequestRelease) {
    this.renewal = setInterval(() => {
      this.locker.renew(this.id, this.token).then(
        (ours) => {
          // Lost the lease (e.g. a long database outage): stop writing at once.
          if (!ours) {
            this.locker.options.log.warn({ uploadId: this.id }, 'upload lock lost; the write stops');
            void Promise.resolve(requestRelease()).catch(() => {});
          }
        },
        () => {},
      );
    }, Math.max(250, Math.floor(this.locker.leaseMs / 3)));
    this.renewal.unref();
  }

  async unlock(): Promise<void> {
    clearInterval(this.renewal);
    if (this.locker.held.get(this.id)) this.locker.held.delete(this.id);
    await this.locker.drop(this.id, this.token);
  }
}
