/** The bench's own connection to the library: drizzle with a query log (for EXPLAIN), raw SQL, reopen. */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger as DrizzleLogger } from 'drizzle-orm';
import { type Database, schema } from '../../server/db';

export interface Captured {
  sql: string;
  params: unknown[];
}

export interface LibraryDb {
  kind: 'postgres' | 'pglite';
  db: Database;
  /** Runs one statement (no parameters) and returns its rows. */
  exec(text: string): Promise<Record<string, unknown>[]>;
  /** EXPLAIN (ANALYZE, BUFFERS) of a captured statement, inside a transaction that is rolled back. */
  explain(query: Captured): Promise<string>;
  /** Statements the drizzle queries ran while `fn` ran. */
  capture(fn: () => Promise<unknown>): Promise<Captured[]>;
  close(): Promise<void>;
}

class Rollback extends Error {}

function capturingLogger() {
  const state: { log?: Captured[] } = {};
  const logger: DrizzleLogger = { logQuery: (sql, params) => void state.log?.push({ sql, params }) };
  const capture = async (fn: () => Promise<unknown>) => {
    state.log = [];
    try {
      await fn();
      return state.log;
    } finally {
      state.log = undefined;
    }
  };
  return { logger, capture };
}

export async function openPostgres(url: string): Promise<LibraryDb> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = postgres(url, { max: 4, onnotice: () => {} });
  const { logger, capture } = capturingLogger();
  const db = drizzle(client, { schema, logger }) as unknown as Database;
  return {
    kind: 'postgres',
    db,
    exec: async (text) => [...(await client.unsafe(text))],
    async explain(query) {
      let plan = '';
      await client
        .begin(async (tx) => {
          const rows = await tx.unsafe(`explain (analyze, buffers) ${query.sql}`, query.params as never[]);
          plan = rows.map((r) => String(r['QUERY PLAN'])).join('\n');
          throw new Rollback();
        })
        .catch((error: unknown) => {
          if (!(error instanceof Rollback)) throw error;
        });
      return plan;
    },
    capture,
    close: () => client.end({ timeout: 5 }),
  };
}

/** An embedded library in `dir` (created on first open); opened again, it is a restarted PGlite. */
export async function openPglite(dir: string): Promise<LibraryDb> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { PrivateNodeFS } = await import('../../server/db/pglite-fs');
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const client = new PGlite({ fs: new PrivateNodeFS(dir), extensions: { pg_trgm } });
  await client.waitReady;
  const { logger, capture } = capturingLogger();
  const db = drizzle(client, { schema, logger }) as unknown as Database;
  return {
    kind: 'pglite',
    db,
    async exec(text) {
      const results = await client.exec(text);
      return (results.at(-1)?.rows ?? []) as Record<string, unknown>[];
    },
    async explain(query) {
      let plan = '';
      await client.transaction(async (tx) => {
        const result = await tx.query<Record<string, unknown>>(`explain (analyze, buffers) ${query.sql}`, query.params);
        plan = result.rows.map((r) => String(r['QUERY PLAN'])).join('\n');
        await tx.rollback();
      });
      return plan;
    },
    capture,
    close: () => client.close(),
  };
}

export async function migratePglite(dir: string): Promise<void> {
  const { openDatabase } = await import('../../server/db');
  const handle = await openDatabase({ pgliteDir: dir });
  await handle.migrate();
  await handle.close();
}
