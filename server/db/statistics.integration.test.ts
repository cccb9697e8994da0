import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { rowsOf } from './index';
import { analyzeEmbedded } from './statistics';

describe('planner statistics on the embedded database (no autovacuum there)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
  });
  afterAll(() => database.drop());

  const reltuples = async () =>
    Number(rowsOf<{ n: number }>(await database.handle.db.execute(sql`select reltuples::float8 as n from pg_class where oid = 'tags'::regclass`))[0]?.n);

  it('ANALYZE teaches the planner how many rows a table holds', async () => {
    await database.handle.db.execute(sql`insert into tags (id, name) select 'tag-' || g, 'tag-' || g from generate_series(1, 500) g`);
    expect(await reltuples()).toBeLessThan(500);
    await analyzeEmbedded(database.handle.db);
    expect(await reltuples()).toBe(500);
  });
});
