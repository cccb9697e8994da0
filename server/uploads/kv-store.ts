import { eq, lt } from 'drizzle-orm';
import type { KvStore } from '@tus/utils';
import { type Database, schema } from '../db';

const { tusUploads } = schema;

/** tus upload info in PostgreSQL (or PGlite): every replica reads the same uploads. */
export class PgKvStore<T> implements KvStore<T> {
  constructor(private readonly db: Database) {}

  async get(key: string): Promise<T | undefined> {
    const [row] = await this.db.select({ info: tusUploads.info }).from(tusUploads).where(eq(tusUploads.id, key));
    return row ? (row.info as T) : undefined;
  }

  async set(key: string, value: T): Promise<void> {
    // Round-tripped through JSON: the library's Upload is a class instance.
    const info = JSON.parse(JSON.stringify(value)) as unknown;
    await this.db.insert(tusUploads).values({ id: key, info }).onConflictDoUpdate({ target: tusUploads.id, set: { info } });
  }

  async delete(key: string): Promise<void> {
    await this.db.delete(tusUploads).where(eq(tusUploads.id, key));
  }

  async list(): Promise<string[]> {
    const rows = await this.db.select({ id: tusUploads.id }).from(tusUploads);
    return rows.map((r) => r.id);
  }

  /** Ids created before `cutoff` (candidates for expiry). */
  async olderThan(cutoff: Date): Promise<string[]> {
    const rows = await this.db.select({ id: tusUploads.id }).from(tusUploads).where(lt(tusUploads.createdAt, cutoff));
    return rows.map((r) => r.id);
  }
}
