import type { MiddlewareHandler } from 'hono';
import { NotFoundError } from '../../server/errors';
import { getUser } from '../../server/users';
import type { AppEnv } from '../env';
import { errorJson } from '../errors';

const ADMIN_ROLES = new Set(['owner', 'admin']);

/**
 * Guards /api/v1/admin/*: 401 without a valid session, 403 for a viewer or a deactivated
 * user. Role and active flag are read fresh, so deactivation is immediate on every replica
 * even while a session snapshot cookie is still inside its 60 s window.
 */
export const adminGuard = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const { auth, db } = c.get('services');
  const session = await auth.api.getSession({ headers: c.req.raw.headers }).catch(() => null);
  if (!session) return errorJson(c, 'UNAUTHORIZED', 'Sign in to use the admin API');
  let user;
  try {
    user = await getUser({ db }, session.user.id);
  } catch (error) {
    if (error instanceof NotFoundError) return errorJson(c, 'UNAUTHORIZED', 'Sign in to use the admin API');
    throw error;
  }
  if (!user.active) return errorJson(c, 'FORBIDDEN', 'This account is deactivated');
  if (!ADMIN_ROLES.has(user.role)) return errorJson(c, 'FORBIDDEN', 'Admin access required');
  c.set('user', user);
  await next();
};
