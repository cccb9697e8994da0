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
  const capped = sql.join(
    statuses.map((s) => sql`(select count(*)::int from (select 1 from ${sql.identifier(table)} where status = ${s} limit ${cap + 1}) c)`),
    sql`, `,
  );
  const [row] = rowsOf<{ n: number[] }>(await db.execute(sql`select array[${capped}] as n`));
  const counts = Object.fromEntries(statuses.map((s, i) => [s, Number(row?.n[i] ?? 0)])) as Record<S, number>;
  const large = statuses.filter((s) => counts[s] > cap);
  if (!large.length) return { counts, approximate: false };
  const estimates = await estimateByStatus(db, table);
  for (const s of large) {
    const estimate = estimates.get(s);
    counts[s] = estimate === undefined ? await countExactly(db, table, s) : Math.max(cap + 1, estimate);
  }
  return { counts, approximate: large.some((s) => estimates.has(s)) };
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
