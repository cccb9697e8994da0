/** What this installation runs on, for the admin dashboard (GET /admin/system and the dashboard page). */
import { type AccessContext, requireAccess } from '../auth';
import { z } from 'zod';
import { APP_VERSION, cacheModes, type Config } from '../config';
import { databaseKinds, type DatabaseHandle } from '../db';
import type { Redis } from '../redis';
import { countUsers } from '../users';
import { imageStatuses } from '../../drizzle/schema';
import { countByStatus } from '../db/counts';

export const systemOverview = z
  .object({
    users: z.object({ total: z.number().int(), active: z.number().int() }),
    images: z.object({
      total: z.number().int(),
      byStatus: z.record(z.enum(imageStatuses), z.number().int()),
      approximate: z.boolean().meta({ description: 'A status with more than 10,000 photos is counted from PostgreSQL statistics, not exactly' }),
    }),
    database: z.enum(databaseKinds),
    cacheMode: z.enum(cacheModes),
    redis: z.enum(['connected', 'unreachable', 'not-configured']),
    version: z.string(),
  })
  .meta({ id: 'SystemOverview' });
export type SystemOverview = z.infer<typeof systemOverview>;

export interface SystemContext extends AccessContext {
  database: Pick<DatabaseHandle, 'kind'>;
  config: Pick<Config, 'cacheMode' | 'redisUrl'>;
  redis?: Pick<Redis, 'status'>;
}

/**
 * What exists now, for the admin dashboard. `credentials` are the caller's request headers:
 * the session and role (or an API key with system.read) are checked here, whoever calls
 * (AccessDeniedError otherwise).
 */
export async function getSystemOverview(ctx: SystemContext, credentials: Headers): Promise<SystemOverview> {
  await requireAccess(ctx, credentials, 'admin', 'system.read');
  const { db, database, config, redis } = ctx;
  // Photos per status without count(*) over the library: exact up to 10,000 per status, estimated past it.
  const [total, active, photos] = await Promise.all([countUsers({ db }), countUsers({ db }, { active: true }), countByStatus(db, 'images', imageStatuses)]);
  return {
    users: { total, active },
    images: { total: Object.values(photos.counts).reduce((a, b) => a + b, 0), byStatus: photos.counts, approximate: photos.approximate },
    database: database.kind,
    cacheMode: config.cacheMode,
    redis: !config.redisUrl ? 'not-configured' : redis?.status === 'ready' ? 'connected' : 'unreachable',
    version: APP_VERSION,
  };
}
