import type { MiddlewareHandler } from 'hono';
import { checkAccess, type Refusal } from '../../server/auth';
import type { AppEnv } from '../env';
import { type ErrorCode, errorJson } from '../errors';

const REFUSALS: Record<Refusal, [ErrorCode, string]> = {
  'signed-out': ['UNAUTHORIZED', 'Sign in to use the admin API'],
  deactivated: ['FORBIDDEN', 'This account is deactivated'],
  'not-admin': ['FORBIDDEN', 'Admin access required'],
  'not-owner': ['FORBIDDEN', 'Only the owner can do this'],
};

/**
 * Guards /api/v1/admin/*: 401 without a valid session, 403 for a viewer or a deactivated
 * user. The rule is the one every admin page uses (server/auth checkAccess): role and active
 * flag read fresh, so deactivation is immediate even inside the 60 s session-cookie window.
 */
export const adminGuard = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const access = await checkAccess(c.get('services'), c.req.raw.headers, 'admin');
  if (!access.granted) return errorJson(c, ...REFUSALS[access.reason]);
  c.set('user', access.user);
  await next();
};
