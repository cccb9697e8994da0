/*
 * The server bench/gallery.ts loads: what `npm start` runs (services, background, Next, the
 * production HTTP server of server/boot/http.ts), listening twice in one process on one
 * database: PORT with the gallery page cache, PORT_UNCACHED without it. Before listening it
 * seeds one public album of BENCH_PHOTOS developed photos (seed.ts).
 *
 *   node node_modules/tsx/dist/cli.mjs bench/gallery/serve.ts   (env: DATA_DIR, PORT, PORT_UNCACHED, HOST, BENCH_PHOTOS)
 */
import fs from 'node:fs';
import path from 'node:path';
import { defaultToProductionEnv, loadConfig } from '../../server/config';
import { createServices, setServices, startBackground } from '../../server/boot';
import { createProductionServer, startNext } from '../../server/boot/http';
import { readBuildId } from '../../server/boot/page-cache';
import { seedAlbum } from './seed';

async function main() {
  defaultToProductionEnv();
  const config = loadConfig();
  const uncachedPort = Number(process.argv[2]);
  const photos = Number(process.argv[3]);
  if (!Number.isInteger(uncachedPort) || !Number.isInteger(photos)) throw new Error('usage: serve.ts <uncached port> <photos>');
  const services = await createServices(config);
  setServices(services);
  const seeded = await seedAlbum(services, photos);

  const dir = process.cwd();
  const web = await startNext({ dir, host: config.host, port: config.port });
  const cached = createProductionServer(services, web.handle, { pageCache: { buildId: readBuildId(dir) } });
  const uncached = createProductionServer(services, web.handle);
  await startBackground(services);
  await cached.listen(config.port, config.host);
  await uncached.listen(uncachedPort, config.host);
  // The bench waits for this file rather than parsing a log it does not control.
  fs.writeFileSync(path.join(config.dataDir, 'bench-ready.json'), JSON.stringify(seeded));
  const stop = () => void Promise.all([cached.close(100), uncached.close(100)]).finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
