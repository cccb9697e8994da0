/*
 * A replica that only develops photos (`npm run worker`): the same background drivers as
 * `npm start` without HTTP. Needs DATABASE_URL: the embedded database belongs to one process.
 */
import { ConfigError, loadConfig, maskUrlCredentials } from '../config';
import { DatabaseLockedError } from '../db/pglite-lock';
import { createLogger } from '../log';
import { ReplicaGuardError } from '../replica-guard';
import { startBackground } from './background';
import { listenMetrics } from './metrics-server';
import { createCoreServices } from './core-services';
import { releaseStartupGarbage } from './startup-gc';

async function main() {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log('Usage: npm run worker\n\nDevelops queued photos without serving HTTP. Reads the same environment as npm start (see .env.example).');
    return;
  }
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel });
  // Core services only: a worker authenticates no one, so better-auth is never loaded.
  const services = await createCoreServices(config, { log });
  const stopBackground = await startBackground(services);
  // A worker serves no HTTP, so its job and develop metrics are only on METRICS_PORT.
  const metrics = await listenMetrics(config, log);
  // The background's timers are unref'd; a registered worker with nothing to develop
  // (PREPROCESS_CONCURRENCY=0, no ticker) must still live, and heartbeat, until a signal.
  const alive = setInterval(() => {}, 60_000);
  log.info({ workerId: services.workerId, concurrency: config.preprocess.concurrency }, 'worker started');
  releaseStartupGarbage();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(alive);
    log.info({ signal }, 'worker shutting down');
    await metrics?.close();
    await stopBackground();
    await services.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ReplicaGuardError || error instanceof DatabaseLockedError) {
    createLogger({ level: 'error' }).error(`Darkroom worker refused to start: ${error.message}`);
    process.exit(1);
  }
  const message = error instanceof ConfigError ? error.message : `the worker could not start: ${error instanceof Error ? error.message : String(error)}`;
  console.error(`ERROR ${maskUrlCredentials(message)}`);
  process.exit(1);
});
