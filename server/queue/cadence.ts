import { sql } from 'drizzle-orm';
import { rowsOf, type Transaction } from '../db';

/**
 * Cadence of a cluster duty without a clock per replica: true for exactly one caller once
 * `intervalMs` has passed since the last true. The last run is the updated_at of the settings
 * row `sweep:<name>` (the availability sweeps keep theirs the same way). Call it under the
 * cluster lock, i.e. from a ClusterDuty.
 */
export async function isDue(tx: Transaction, name: string, intervalMs: number): Promise<boolean> {
  const ms = Math.round(intervalMs);
  const rows = rowsOf<{ key: string }>(
    await tx.execute(sql`insert into settings (key, value) values (${`sweep:${name}`}, jsonb_build_object('intervalMs', ${ms}::bigint))
      on conflict (key) do update set updated_at = now(), value = excluded.value
      where settings.updated_at <= now() - (${ms}::double precision * interval '1 millisecond')
      returning key`),
  );
  return rows.length > 0;
}
