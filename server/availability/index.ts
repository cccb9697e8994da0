/**
 * The worker-fleet availability mirror (DESIGN.md "Availability mirror"): PostgreSQL is
 * the truth, Redis mirrors it for the hot path (heartbeats, drain checks, /status).
 */
export { Fleet } from './fleet';
export * as keys from './keys';
export { createStatusReader } from './status';
export { autoOffline, fleetSweeps, mirrorHeartbeats } from './sweeps';
export type { AvailabilityStatus, FleetOptions, WorkerView } from './types';
export { workerIdentity } from './worker-id';
