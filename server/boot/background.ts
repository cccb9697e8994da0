import { configureSharp } from '../images';
import { startTicker, startWorker } from '../queue';
import { checkWorkerIdentity } from '../replica-guard';
import type { CoreServices } from './core-services';

/**
 * This replica's background: make sure no other live process uses this worker id, seed
 * the mirror, register the worker, heartbeat, then the worker loop
 * (PREPROCESS_CONCURRENCY > 0) and the ticker (PREPROCESS_TICKER_ENABLED).
 * Returns the stop function: stop claiming, finish or release leases, go offline.
 */
export async function startBackground(services: CoreServices): Promise<() => Promise<void>> {
  const { config, queue, database, log, fleet } = services;
  // The embedded database is locked to one process already.
  if (database.kind === 'postgres') await checkWorkerIdentity(fleet, config.dataDir);
  await fleet.seed().catch((error: unknown) => log.warn({ err: error }, 'initial mirror seed failed; the reseed sweep retries'));
  await fleet.register();
  const beat = setInterval(() => void fleet.heartbeat().catch((error: unknown) => log.warn({ err: error }, 'heartbeat failed')), config.fleet.heartbeatMs);
  beat.unref();

  const concurrency = config.preprocess.concurrency;
  configureSharp(Math.max(1, concurrency), config.cores);
  const worker =
    concurrency > 0
      ? await startWorker({ queue, database, log: log.child({ module: 'worker' }), concurrency, pollMs: config.preprocess.pollMs })
      : undefined;
  const ticker = config.preprocess.tickerEnabled
    ? startTicker({ queue, log: log.child({ module: 'ticker' }), intervalMs: config.preprocess.tickIntervalMs, budgetMs: config.preprocess.tickBudgetMs, develop: !worker })
    : undefined;
  return async () => {
    await ticker?.stop();
    await worker?.stop();
    clearInterval(beat);
    await fleet.deregister().catch((error: unknown) => log.warn({ err: error }, 'could not mark this worker offline'));
  };
}
