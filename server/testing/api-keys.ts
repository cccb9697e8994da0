import { eq } from 'drizzle-orm';
import type { UserRole } from '../../drizzle/schema/enums';
import { type Database, schema } from '../db';

/** The stored row of an API key, as the database holds it (tests check that no secret is stored). */
export async function apiKeyRow(db: Database, id: string) {
  const [row] = await db.select().from(schema.apiKeys).where(eq(schema.apiKeys.id, id));
  return row;
}

/** Moves a key's expiry into the past: the API refuses to create one like that. */
export async function expireApiKey(db: Database, id: string): Promise<void> {
  await db.update(schema.apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(schema.apiKeys.id, id));
}

/** Moves a key's last use back by `seconds`, as if that much time had passed since. */
export async function backdateLastUse(db: Database, id: string, seconds: number): Promise<void> {
  await db.update(schema.apiKeys).set({ lastUsedAt: new Date(Date.now() - seconds * 1000) }).where(eq(schema.apiKeys.id, id));
}

/** Changes a user's role in place (the API has no demotion yet; the rule must hold when one comes). */
export async function setRole(db: Database, userId: string, role: UserRole): Promise<void> {
  await db.update(schema.users).set({ role }).where(eq(schema.users.id, userId));
}
