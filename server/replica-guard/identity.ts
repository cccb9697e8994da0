import { eq, sql } from 'drizzle-orm';
import { type Fleet, keys } from '../availability';
import { schema } from '../db';
import { ReplicaGuardError } from './errors';

const { workers } = schema;

/** Two live processes with one worker id: they would share leases, fleet entry and shutdown. */
export class WorkerIdentityInUseError extends ReplicaGuardError {
  override name = 'WorkerIdentityInUseError';
}

/** The last heartbeat under this id as this replica sees it: Redis when it answers, else PostgreSQL. */
interface Beat {
  /** Time and nonce: changes with every heartbeat of a live process. */
  mark: string;
  ageMs: number;
}

async function lastBeat(fleet: Fleet): Promise<Beat | undefined> {
  const { redis, db, self } = fleet.options;
  if (redis?.status === 'ready') {
    const [beat, nonce] = await redis.mget(keys.heartbeatKey(self.id), keys.bootKey(self.id));
    if (!beat || Number.isNaN(Date.parse(beat))) return undefined;
    return { mark: `${beat} ${nonce ?? ''}`, ageMs: Date.now() - Date.parse(beat) };
  }
  // Ages from the database clock: replicas' clocks may differ from it.
  const [row] = await db
    .select({ at: workers.lastHeartbeatAt, nonce: workers.bootNonce, online: workers.isOnline, ageMs: sql<string>`extract(epoch from now() - ${workers.lastHeartbeatAt}) * 1000` })
    .from(workers)
    .where(eq(workers.id, self.id));
  if (!row?.online) return undefined;
  return { mark: `${row.at.toISOString()} ${row.nonce ?? ''}`, ageMs: Number(row.ageMs) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Before this process registers: is its worker id (DATA_DIR/worker-id) heartbeating in
 * another live process? A fresh heartbeat alone may be this instance's own previous life
 * (a crash, a SIGKILL), so it watches for two heartbeat intervals: a heartbeat that moves
 * meanwhile comes from a live process, one that stands still from a dead one.
 */
export async function checkWorkerIdentity(fleet: Fleet, dataDir: string): Promise<void> {
  const { timing, log, self, db } = fleet.options;
  const first = await lastBeat(fleet);
  if (!first || first.ageMs > timing.staleMs) return;
  // Two beats and a second: a live process busy for a moment still shows one.
  const watchMs = 2 * timing.heartbeatMs + 1000;
  log.info({ workerId: self.id, lastHeartbeatMsAgo: Math.round(first.ageMs), watchMs }, 'this worker id heartbeated recently; making sure no other process still uses it');
  for (const deadline = Date.now() + watchMs; Date.now() < deadline; ) {
    await sleep(Math.min(250, timing.heartbeatMs / 4));
    const now = await lastBeat(fleet);
    if (!now || now.mark === first.mark) continue;
    const [other] = await db.select({ hostname: workers.hostname }).from(workers).where(eq(workers.id, self.id));
    throw new WorkerIdentityInUseError(
      `worker id ${self.id} (from ${dataDir}/worker-id) is in use by another running Darkroom process` +
        `${other ? ` on ${other.hostname}` : ''}: its heartbeat moved while this one was starting. ` +
        'Two processes share one DATA_DIR. Give each replica its own DATA_DIR (only STORAGE_LOCAL_DIR may be shared between replicas), then start this one again.',
    );
  }
}
