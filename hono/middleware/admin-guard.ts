import type { MiddlewareHandler } from 'hono';
import { type AccessLevel, checkAccess, type Refusal } from '../../server/auth';
import type { AppEnv } from '../env';
import { type ErrorCode, errorJson } from '../errors';

const REFUSALS: Record<Refusal, [ErrorCode, string]> = {
  'signed-out': ['UNAUTHORIZED', 'Sign in to use the admin API'],
  deactivated: ['FORBIDDEN', 'This account is deactivated'],
  'not-admin': ['FORBIDDEN', 'Admin access required'],
  'not-owner': ['FORBIDDEN', 'Only the owner can do this'],
};

/**
 * Guards /api/v1/admin/* (and, at level 'owner', user management): 401 without a valid
 * session, 403 for a viewer, a deactivated user or a missing role. The rule is the one every admin page uses (server/auth checkAccess): role and active
 * flag read fresh, so deactivation is immediate even inside the 60 s session-cookie window.
 */
export const adminGuard = (level: AccessLevel = 'admin'): MiddlewareHandler<AppEnv> => async (c, next) => {
  const access = await checkAccess(c.get('services'), c.req.raw.headers, level);
  if (!access.granted) return errorJson(c, ...REFUSALS[access.reason]);
  c.set('user', access.user);
  await next();
};
