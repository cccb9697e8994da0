import { eq } from 'drizzle-orm';
import { type Database, schema } from '../db';

/** The stored row of a share link, as the database holds it (tests check what is and is not stored). */
export async function shareRow(db: Database, id: string) {
  const [row] = await db.select().from(schema.shareLinks).where(eq(schema.shareLinks.id, id));
  return row;
}

/** Moves a link's expiry into the past: the API refuses to create one like that. */
export async function expireShare(db: Database, id: string): Promise<void> {
  await db.update(schema.shareLinks).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(schema.shareLinks.id, id));
}
