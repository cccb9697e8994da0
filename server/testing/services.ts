import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config';
import { type DatabaseKind, openDatabase } from '../db';
import { createLogger, type Logger } from '../log';
import { createServices, type Services } from '../boot';
import { createTestDatabase } from './db';

export const TEST_BASE_URL = 'http://localhost:3000';
/** Every test install has the tick endpoint enabled with this secret (pass PREPROCESS_TICK_SECRET: '' to disable it). */
export const TEST_TICK_SECRET = 'test-tick-secret-0123456789';

export interface TestServices extends Services {
  dataDir: string;
  /** URL of the fresh PostgreSQL database, for child processes (undefined on PGlite). */
  databaseUrl?: string;
}

/** Services on a fresh database with a private DATA_DIR; `env` overrides any variable, `log` captures the logs. */
export async function createTestServices(
  kind: DatabaseKind = 'pglite',
  env: Record<string, string> = {},
  overrides: { log?: Logger; /** join this PostgreSQL database (another replica) instead of a fresh one */ databaseUrl?: string } = {},
): Promise<TestServices> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    BETTER_AUTH_URL: TEST_BASE_URL,
    BETTER_AUTH_SECRET: 'test-secret-test-secret-test-secret-0123',
    PREPROCESS_TICK_SECRET: TEST_TICK_SECRET,
    ...env,
  });
  const database = overrides.databaseUrl
    ? await openDatabase({ url: overrides.databaseUrl, poolMax: 5 }).then((handle) => ({ handle, url: overrides.databaseUrl, drop: () => handle.close() }))
    : await createTestDatabase(kind);
  const services = await createServices(config, {
    database: database.handle,
    log: overrides.log ?? createLogger({ level: config.logLevel }),
  });
  return {
    ...services,
    dataDir,
    databaseUrl: database.url,
    async close() {
      await services.close();
      await database.drop().catch(() => {});
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
