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

export interface AvailabilityStatus {
  workersOnline: number;
  workersAvailable: number;
  freeSlots: number;
  queue: { queued: number; running: number; failed: number };
  source: 'redis' | 'postgres';
  generatedAt: string;
}

export interface WorkerView {
  id: string;
  hostname: string;
  version: string;
  concurrency: number;
  isOnline: boolean;
  isDrained: boolean;
  running: number;
  startedAt: string;
  lastHeartbeatAt: string;
}
