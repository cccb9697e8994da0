import { sql } from 'drizzle-orm';
import type { Database } from './index';

/** How often the embedded database refreshes its planner statistics (PostgreSQL's autovacuum does this itself). */
export const EMBEDDED_ANALYZE_INTERVAL_MS = 10 * 60_000;

/**
 * PGlite runs no autovacuum, so without this its planner never learns how big the library is:
 * at 100,000 photos it chose a sequential scan of image_tags for every library page (96 ms).
 */
export async function analyzeEmbedded(db: Database): Promise<void> {
  await db.execute(sql`analyze`);
}
