/** Redis keys of the availability mirror (DESIGN.md "Availability mirror"); all derivable from PostgreSQL. */
export const ONLINE = 'workers:online';
export const DRAINED = 'workers:drained';
export const SNAPSHOT = 'availability:snapshot';
export const SNAPSHOT_TTL_SECONDS = 10;
/** Set by every seed: an empty Redis (restarted, flushed) is "not seeded", never "no workers". */
export const SEEDED = 'availability:seeded';
/** Bumped with every snapshot invalidation, so a rebuild that raced a change never stores its stale view. */
export const SNAPSHOT_VERSION = 'availability:snapshot:version';
export const capacityKey = (workerId: string) => `worker:capacity:${workerId}`;
export const heartbeatKey = (workerId: string) => `worker:heartbeat:${workerId}`;
/** The per-boot nonce of the process heartbeating under this id, written with every heartbeat. */
export const bootKey = (workerId: string) => `worker:boot:${workerId}`;

/** Drops the shared /status snapshot inside a mirror write's MULTI. */
export function invalidateSnapshot<T extends { del(key: string): T; incr(key: string): T }>(tx: T): T {
  return tx.del(SNAPSHOT).incr(SNAPSHOT_VERSION);
}
