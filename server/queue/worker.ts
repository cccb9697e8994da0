import type { DatabaseHandle } from '../db';
import type { Logger } from '../log';
import type { Queue } from './queue';
import { CANCEL_CHANNEL, JOBS_CHANNEL } from './leases';

export interface WorkerOptions {
  queue: Queue;
  database: DatabaseHandle;
  log: Logger;
  concurrency: number;
  /** Polling backstop for missed notifications. */
  pollMs: number;
}

export interface Worker {
  /** Wakes the loop now (a notification arrived, or a job finished). */
  wake(): void;
  /** Stops claiming, waits up to `graceMs` for running jobs, then releases the rest. */
  stop(graceMs?: number): Promise<void>;
}

/** The per-replica loop: woken by LISTEN/NOTIFY, polling as a backstop. */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { queue, database, log, concurrency, pollMs } = options;
  const inFlight = new Set<Promise<unknown>>();
  let stopping = false;
  let wakeUp: (() => void) | undefined;
  // A wake that arrives while the loop is claiming, not sleeping, must not be lost.
  let woken = false;
  const wake = () => {
    woken = true;
    wakeUp?.();
  };

  const unlistenJobs = await database.listen(JOBS_CHANNEL, wake);
  const unlistenCancel = await database.listen(CANCEL_CHANNEL, (jobId) => queue.abortLocal(jobId));

  const loop = (async () => {
    while (!stopping) {
      woken = false;
      const free = concurrency - inFlight.size;
      let claimed = 0;
      try {
        if (free > 0) {
          const jobs = await queue.claim(free);
          claimed = jobs.length;
          for (const job of jobs) {
            const run = queue.run(job).finally(() => {
              inFlight.delete(run);
              wake();
            });
            inFlight.add(run);
          }
        }
      } catch (error) {
        log.error({ err: error }, 'claiming jobs failed; retrying after the poll interval');
      }
      if (stopping) break;
      // Claimed a full batch: look again at once. Otherwise sleep until woken or polled.
      if ((claimed > 0 && claimed === free) || woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
    }
  })();

  log.info({ concurrency }, 'worker loop started');
  return {
    wake,
    async stop(graceMs = 25_000) {
      stopping = true;
      wake();
      await loop;
      await Promise.all([unlistenJobs(), unlistenCancel()]).catch(() => {});
      if (inFlight.size) {
        log.info({ running: inFlight.size }, 'waiting for running jobs before shutdown');
        const grace = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
        await Promise.race([Promise.all(inFlight), grace]);
        queue.abortAllForShutdown();
        await Promise.all(inFlight);
      }
    },
  };
}
