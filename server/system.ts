import { count, eq } from 'drizzle-orm';
import { APP_VERSION } from './config';
import { schema } from './db';

export { APP_VERSION };
import type { Services } from './runtime';

export interface SystemOverview {
  users: { total: number; active: number };
  database: 'postgres' | 'pglite';
  cacheMode: 'strict' | 'degraded' | 'local';
  redis: 'connected' | 'unreachable' | 'not-configured';
  version: string;
}


/** What exists now, for the admin dashboard. */
export async function getSystemOverview(services: Services): Promise<SystemOverview> {
  const { db, database, config, redis } = services;
  const [[total], [active]] = await Promise.all([
    db.select({ n: count() }).from(schema.users),
    db.select({ n: count() }).from(schema.users).where(eq(schema.users.active, true)),
  ]);
  return {
    users: { total: total?.n ?? 0, active: active?.n ?? 0 },
    database: database.kind,
    cacheMode: config.cacheMode,
    redis: !config.redisUrl ? 'not-configured' : redis?.status === 'ready' ? 'connected' : 'unreachable',
    version: APP_VERSION,
  };
}
