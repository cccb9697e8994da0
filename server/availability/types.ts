import { z } from 'zod';
import type { Config } from '../config';
import type { Database } from '../db';
import type { Logger } from '../log';
import type { Redis } from '../redis';

export interface FleetOptions {
  db: Database;
  /** Absent: the same module runs on PostgreSQL alone. */
  redis?: Redis;
  log: Logger;
  self: { id: string; hostname: string; version: string; concurrency: number };
  timing: Config['fleet'];
}

const count = () => z.number().int();

/** GET /status: the beacon every replica serves from one shared snapshot. */
export const availabilityStatus = z
  .object({
    workersOnline: count(),
    workersAvailable: count(),
    freeSlots: count(),
    queue: z.object({ queued: count(), running: count(), failed: count() }),
    source: z.enum(['redis', 'postgres']),
    generatedAt: z.string(),
  })
  .meta({ id: 'AvailabilityStatus' });
export type AvailabilityStatus = z.infer<typeof availabilityStatus>;

export const workerView = z
  .object({
    id: z.string(),
    hostname: z.string(),
    version: z.string(),
    concurrency: count(),
    isOnline: z.boolean(),
    isDrained: z.boolean(),
    running: count(),
    startedAt: z.string(),
    lastHeartbeatAt: z.string(),
  })
  .meta({ id: 'Worker' });
export type WorkerView = z.infer<typeof workerView>;
