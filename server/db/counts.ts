import { sql } from 'drizzle-orm';
import { type Database, rowsOf, type Transaction } from './index';

/** Below this many rows a status is counted exactly; above it the planner's statistics answer. */
export const EXACT_COUNT_CAP = 10_000;

export interface StatusCounts<S extends string> {
  counts: Record<S, number>;
  /** True when at least one count is PostgreSQL's estimate rather than an exact count. */
  approximate: boolean;
}

/**
 * Rows per status of `table` without reading a large table whole: each status is counted
 * through its index up to `cap` rows; a status with more is estimated from the table's row
 * estimate (pg_class.reltuples) times the status's frequency (pg_stats). Where no statistics
 * exist yet (a table never analysed), that status is counted exactly.
 */
export async function countByStatus<S extends string>(
  db: Database | Transaction,
  table: 'images' | 'preprocess_jobs',
  statuses: readonly S[],
  cap = EXACT_COUNT_CAP,
): Promise<StatusCounts<S>> {
  const estimates = await estimateByStatus(db, table);
  // A status the statistics put far past the cap is not counted at all (counting even `cap`
  // rows of it costs more than a page); the rest are counted up to the cap.
  const estimated = statuses.filter((s) => (estimates.get(s) ?? 0) > 2 * cap);
  const counted = statuses.filter((s) => !estimated.includes(s));
  const capped = counted.map((s) => sql`(select count(*)::int from (select 1 from ${sql.identifier(table)} where status = ${s} limit ${cap + 1}) c)`);
  const [row] = capped.length ? rowsOf<{ n: number[] }>(await db.execute(sql`select array[${sql.join(capped, sql`, `)}] as n`)) : [];
  const counts = Object.fromEntries(statuses.map((s) => [s, estimates.get(s) ?? 0])) as Record<S, number>;
  let approximate = estimated.length > 0;
  for (const [i, s] of counted.entries()) {
    const n = Number(row?.n[i] ?? 0);
    const estimate = estimates.get(s);
    if (n <= cap) counts[s] = n;
    else if (estimate === undefined) counts[s] = await countExactly(db, table, s);
    else {
      counts[s] = Math.max(cap + 1, estimate);
      approximate = true;
    }
  }
  return { counts, approximate };
}

async function estimateByStatus(db: Database | Transaction, table: string): Promise<Map<string, number>> {
  const [row] = rowsOf<{ total: number | null; vals: string[] | null; freqs: number[] | null }>(
    await db.execute(sql`
      select c.reltuples::float8 as total, s.most_common_vals::text::text[] as vals, s.most_common_freqs::float8[] as freqs
      from pg_class c left join pg_stats s on s.schemaname = 'public' and s.tablename = ${table} and s.attname = 'status'
      where c.oid = to_regclass(${table})`),
  );
  const total = Number(row?.total ?? -1);
  // reltuples is -1 until the table is first analysed; no estimate then.
  if (!row || total < 0 || !row.vals || !row.freqs) return new Map();
  const freqs = row.freqs;
  return new Map(row.vals.map((v, i) => [v, Math.round(total * Number(freqs[i] ?? 0))]));
}

async function countExactly(db: Database | Transaction, table: string, status: string): Promise<number> {
  const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${sql.identifier(table)} where status = ${status}`));
  return Number(row?.n ?? 0);
}
