/* The production entry (`npm start`): services, background and the HTTP server of http.ts. */
import { ConfigError, loadConfig, defaultToProductionEnv, maskUrlCredentials } from '../config';
import { DatabaseLockedError } from '../db/pglite-lock';
import { createAccessLog, createLogger, flushLogger } from '../log';
import { closeStatusFeed } from '../images';
import { ReplicaGuardError } from '../replica-guard';
import { createProductionServer, startNext } from './http';
import { listenMetrics } from './metrics-server';
import { ensureNextBuild } from './next-build';
import { readBuildId } from './page-cache';
import { releaseStartupGarbage } from './startup-gc';
import { startBackground } from './background';
import { createServices, setServices } from './runtime';

const HELP = `Darkroom — self-hosted photo library

Usage: npm start            build the admin UI if needed, migrate, and serve
       npm start -- --help  this text

Configuration comes from the environment; every variable is described in .env.example.
With no DATABASE_URL and no REDIS_URL, Darkroom runs on an embedded database in DATA_DIR
(default ./data). Open http://localhost:3000 and create the owner account.`;

async function main() {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  defaultToProductionEnv();
  const config = loadConfig();
  // Each line written at once, except the access log's: batched, it costs a request no write(2)
  // of its own. A replica killed with SIGKILL would lose its last second of lines if every line
  // were batched (the line saying which replica developed a photo, in the multi-replica test).
  const log = createLogger({ level: config.logLevel });
  const accessLog = createAccessLog(config.logLevel);
  const dir = process.cwd();

  // The replica guard runs inside createServices, before the (slow) first build and before listening.
  const services = await createServices(config, { log, accessLog });
  ensureNextBuild(dir, log);
  setServices(services);

  const web = await startNext({ dir, host: config.host, port: config.port });
  const http = createProductionServer(services, web.handle, { pageCache: { buildId: readBuildId(dir) } });
  http.server.on('handlerError', (error: unknown) => log.error({ err: error }, 'request handler failed'));
  const stopBackground = await startBackground(services);
  const port = await http.listen(config.port, config.host);
  log.info({ port, host: config.host, database: services.database.kind, cacheMode: config.cacheMode }, `Darkroom is serving http://localhost:${port}`);
  const metrics = await listenMetrics(config, log);
  releaseStartupGarbage();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // Open event streams never finish by themselves: end them so the server can close.
    await closeStatusFeed(services);
    await http.close();
    await metrics?.close();
    await stopBackground();
    await web.close().catch(() => {});
    await services.close();
    await flushLogger(accessLog);
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`ERROR ${error.message}\nSee .env.example for every variable and its meaning.`);
  } else if (error instanceof ReplicaGuardError || error instanceof DatabaseLockedError) {
    createLogger({ level: 'error' }).error(`Darkroom refused to start: ${error.message}`);
  } else {
    // A driver's error may quote the URL it was given; its credentials never reach the log.
    console.error('ERROR Darkroom could not start:', maskUrlCredentials(error instanceof Error ? error.message : String(error)));
    if (error instanceof Error && error.stack) console.error(maskUrlCredentials(error.stack));
  }
  process.exit(1);
});
