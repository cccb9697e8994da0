/** What this installation runs on, for the admin dashboard (GET /admin/system and the dashboard page). */
import { type AccessContext, requireAccess } from '../auth';
import { APP_VERSION, type Config } from '../config';
import type { DatabaseHandle } from '../db';
import type { Redis } from '../redis';
import { countUsers } from '../users';

export interface SystemOverview {
  users: { total: number; active: number };
  database: 'postgres' | 'pglite';
  cacheMode: 'strict' | 'degraded' | 'local';
  redis: 'connected' | 'unreachable' | 'not-configured';
  version: string;
}

export interface SystemContext extends AccessContext {
  database: Pick<DatabaseHandle, 'kind'>;
  config: Pick<Config, 'cacheMode' | 'redisUrl'>;
  redis?: Pick<Redis, 'status'>;
}

/**
 * What exists now, for the admin dashboard. `credentials` are the caller's request headers:
 * the session and role are checked here, whoever calls (AccessDeniedError otherwise).
 */
export async function getSystemOverview(ctx: SystemContext, credentials: Headers): Promise<SystemOverview> {
  await requireAccess(ctx, credentials, 'admin');
  const { db, database, config, redis } = ctx;
  const [total, active] = await Promise.all([countUsers({ db }), countUsers({ db }, { active: true })]);
  return {
    users: { total, active },
    database: database.kind,
    cacheMode: config.cacheMode,
    redis: !config.redisUrl ? 'not-configured' : redis?.status === 'ready' ? 'connected' : 'unreachable',
    version: APP_VERSION,
  };
}
