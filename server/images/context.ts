import type { Database } from '../db';
import type { Logger } from '../log';
import type { Queue } from '../queue';
import type { Storage } from '../storage';

export const DEVELOP_JOB = 'develop-image';

export interface ImagesContext {
  db: Database;
  storage: Storage;
  queue: Queue;
  log: Logger;
  limits: { maxBytes: number; maxPixels: number };
  /** Called when what the public API shows changed (an image became ready). */
  invalidatePublic?: () => Promise<void>;
}
