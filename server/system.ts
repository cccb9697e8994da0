import { requireAccess } from './auth';
import { APP_VERSION } from './config';
import type { Services } from './boot';
import { countUsers } from './users';

export { APP_VERSION };

export interface SystemOverview {
  users: { total: number; active: number };
  database: 'postgres' | 'pglite';
  cacheMode: 'strict' | 'degraded' | 'local';
  redis: 'connected' | 'unreachable' | 'not-configured';
  version: string;
}

/**
 * What exists now, for the admin dashboard. `credentials` are the caller's request headers:
 * the session and role are checked here, whoever calls (AccessDeniedError otherwise).
 */
export async function getSystemOverview(services: Services, credentials: Headers): Promise<SystemOverview> {
  await requireAccess(services, credentials, 'admin');
  const { db, database, config, redis } = services;
  const [total, active] = await Promise.all([countUsers({ db }), countUsers({ db }, { active: true })]);
  return {
    users: { total, active },
    database: database.kind,
    cacheMode: config.cacheMode,
    redis: !config.redisUrl ? 'not-configured' : redis?.status === 'ready' ? 'connected' : 'unreachable',
    version: APP_VERSION,
  };
}
