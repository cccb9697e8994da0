/** Redis keys of the availability mirror (DESIGN.md "Availability mirror"); all derivable from PostgreSQL. */
export const ONLINE = 'workers:online';
export const DRAINED = 'workers:drained';
export const SNAPSHOT = 'availability:snapshot';
export const SNAPSHOT_TTL_SECONDS = 10;
export const capacityKey = (workerId: string) => `worker:capacity:${workerId}`;
export const heartbeatKey = (workerId: string) => `worker:heartbeat:${workerId}`;
