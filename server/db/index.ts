import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import * as schema from '../../drizzle/schema';
import { initPgliteDir } from './pglite-initdb';
import { lockPgliteDir } from './pglite-lock';

export { schema };
export type Schema = typeof schema;
/** Either driver: postgres-js or PGlite expose the same drizzle surface. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export const databaseKinds = ['postgres', 'pglite'] as const;
export type DatabaseKind = (typeof databaseKinds)[number];

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent the embedded PGlite is used. */
  url?: string;
  /** Directory of the embedded database; `memory` keeps it in memory (tests). */
  pgliteDir?: string | 'memory';
  poolMax?: number;
  migrationsDir?: string;
}

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  /** Applies the journaled migrations in drizzle/migrations (serialised across replicas). */
  migrate(): Promise<void>;
  ping(): Promise<void>;
  /** LISTEN on a channel (a dedicated connection on PostgreSQL); resolves to the unlisten function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Rows of a raw `db.execute()`: postgres-js returns an array, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

// Any constant works; it only has to be the same in every replica.
const MIGRATION_LOCK_KEY = 0x6461726b;

const defaultMigrationsDir = () => path.join(process.cwd(), 'drizzle', 'migrations');

/**
 * The embedded database runs inside the server's process, where Postgres' 128 MB default
 * shared_buffers is resident memory from the start; a one-box library's working set fits in
 * far less, and the OS page cache still holds the files.
 */
const PGLITE_SETTINGS = ['shared_buffers=16MB'];

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const migrationsFolder = options.migrationsDir ?? defaultMigrationsDir();
  if (options.url) {
    const url = options.url;
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const client = postgres(url, { max: options.poolMax ?? 10, onnotice: () => {} });
    const db = drizzle(client, { schema }) as unknown as Database;
    return {
      db,
      kind: 'postgres',
      async migrate() {
        // One connection, so the advisory lock and the migration share a session.
        const pinned = postgres(url, { max: 1, onnotice: () => {} });
        try {
          await pinned`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
          const { migrate } = await import('drizzle-orm/postgres-js/migrator');
          await migrate(drizzle(pinned), { migrationsFolder });
          await pinned`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
        } finally {
          await pinned.end();
        }
      },
      async ping() {
        await db.execute(sql`select 1`);
      },
      async listen(channel, onNotify) {
        const request = await client.listen(channel, onNotify);
        return () => request.unlisten();
      },
      async close() {
        await client.end({ timeout: 5 });
      },
    };
  }

  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { PrivateNodeFS } = await import('./pglite-fs');
  // Title search's trigram index (migration 0006) needs pg_trgm, which PGlite ships as an extension.
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const dir = options.pgliteDir ?? 'memory';
  const release = dir === 'memory' ? () => {} : lockPgliteDir(dir);
  try {
    const startParams = [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ['-c', setting])];
    if (dir !== 'memory') await initPgliteDir(dir, startParams);
    const extensions = { pg_trgm };
    const client = dir === 'memory' ? new PGlite({ startParams, extensions }) : new PGlite({ fs: new PrivateNodeFS(dir), startParams, extensions });
    await client.waitReady;
    const db = drizzle(client, { schema }) as unknown as Database;
    return {
      db,
      kind: 'pglite',
      async migrate() {
        const { migrate } = await import('drizzle-orm/pglite/migrator');
        await migrate(drizzle(client), { migrationsFolder });
      },
      async ping() {
        await db.execute(sql`select 1`);
      },
      async listen(channel, onNotify) {
        const unlisten = await client.listen(channel, onNotify);
        return () => unlisten();
      },
      async close() {
        await client.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
