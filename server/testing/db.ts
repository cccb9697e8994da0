import postgres from 'postgres';
import { type DatabaseHandle, type DatabaseKind, openDatabase } from '../db';
import { TEST_DATABASE_URL } from './env';

export interface TestDatabase {
  handle: DatabaseHandle;
  /** URL of the fresh database (postgres only), for child processes. */
  url?: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database per call: a new PostgreSQL database, or an in-memory PGlite. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const handle = await openDatabase({ pgliteDir: 'memory' });
    await handle.migrate();
    return { handle, drop: () => handle.close() };
  }
  const name = `darkroom_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), poolMax: 5 });
  await handle.migrate();
  return {
    handle,
    url: url.toString(),
    async drop() {
      await handle.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}
