import { count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { requireAccess } from './auth';
import { APP_VERSION, cacheModes } from './config';
import { databaseKinds, schema } from './db';
import type { Services } from './runtime';

export { APP_VERSION };

export const systemOverview = z
  .object({
    users: z.object({ total: z.number().int(), active: z.number().int() }),
    database: z.enum(databaseKinds),
    cacheMode: z.enum(cacheModes),
    redis: z.enum(['connected', 'unreachable', 'not-configured']),
    version: z.string(),
  })
  .meta({ id: 'SystemOverview' });
export type SystemOverview = z.infer<typeof systemOverview>;

/**
 * What exists now, for the admin dashboard. `credentials` are the caller's request headers:
 * the session and role are checked here, whoever calls (AccessDeniedError otherwise).
 */
export async function getSystemOverview(services: Services, credentials: Headers): Promise<SystemOverview> {
  await requireAccess(services, credentials, 'admin');
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
