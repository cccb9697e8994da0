import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../db';

/** Database look-ups for the resumable-upload tests (hono/ tests do not query the database). */
export const uploadsProbe = (db: Database) => ({
  async count(table: 'images' | 'tus_uploads' | 'tus_upload_locks'): Promise<number> {
    return rowsOf<{ n: number }>(await db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0]?.n ?? 0;
  },
  async uploadIds(): Promise<string[]> {
    return rowsOf<{ id: string }>(await db.execute(sql`select id from tus_uploads order by id`)).map((r) => r.id);
  },
  /** The image's SHA-256 and how many develop jobs it has. */
  async image(id: string): Promise<{ sha256: string; jobs: number } | undefined> {
    return rowsOf<{ sha256: string; jobs: number }>(
      await db.execute(sql`select sha256, (select count(*)::int from preprocess_jobs where subject_id = ${id}) as jobs from images where id = ${id}`),
    )[0];
  },
  /** A lease left by a request whose replica died a minute ago. */
  async staleLock(id: string): Promise<void> {
    await db.execute(sql`insert into tus_upload_locks (id, token, expires_at) values (${id}, ${crypto.randomUUID()}, now() - interval '1 minute')`);
  },
  /** Makes an upload look created `hours` ago (its info and its row), for the expiry duty. */
  async age(id: string, hours: number): Promise<void> {
    const past = new Date(Date.now() - hours * 3_600_000).toISOString();
    await db.execute(sql`update tus_uploads set created_at = ${past}, info = jsonb_set(info, '{creation_date}', to_jsonb(${past}::text)) where id = ${id}`);
  },
});
