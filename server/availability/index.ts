/**
 * The worker-fleet availability mirror (DESIGN.md "Availability mirror"): PostgreSQL is
 * the truth, Redis mirrors it for the hot path (heartbeats, drain checks, /status).
 */
export { Fleet } from './fleet';
export * as keys from './keys';
export { createStatusReader } from './status';
export { autoOffline, fleetSweeps, mirrorHeartbeats } from './sweeps';
export { availabilityStatus, workerView, type AvailabilityStatus, type FleetOptions, type WorkerView } from './types';
export { workerIdentity } from './worker-id';
