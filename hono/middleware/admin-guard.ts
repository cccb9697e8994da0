import type { MiddlewareHandler } from 'hono';
import { scopeFor } from '../../server/api-keys';
import { checkAccess, levelFor, type Refusal } from '../../server/auth';
import type { AppEnv } from '../env';
import { type ErrorCode, errorJson } from '../errors';
import { refuseOverLimit } from './rate-limit';

const REFUSALS: Record<Refusal, [ErrorCode, string]> = {
  'signed-out': ['UNAUTHORIZED', 'Sign in to use the admin API'],
  deactivated: ['FORBIDDEN', 'This account is deactivated'],
  'not-admin': ['FORBIDDEN', 'Admin access required'],
  'not-owner': ['FORBIDDEN', 'Only the owner can do this'],
  'key-invalid': ['UNAUTHORIZED', 'This API key is not valid'],
  'key-revoked': ['UNAUTHORIZED', 'This API key has been revoked'],
  'key-expired': ['UNAUTHORIZED', 'This API key has expired'],
  'creator-deactivated': ['FORBIDDEN', 'The account that created this API key is deactivated'],
  'missing-scope': ['FORBIDDEN', 'This API key does not allow this request'],
};

/**
 * Guards /api/v1/admin/*: 401 without valid credentials, 403 for a viewer, a deactivated
 * user, a non-owner on user management, or a key without the route's scope (scopeFor, the
 * mapping the OpenAPI document shows). The rule is the one every admin page uses (server/auth
 * checkAccess): role and active flag read fresh, so deactivation and demotion are immediate.
 * Key requests count against the key's own rate limit.
 */
export const adminGuard = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const services = c.get('services');
  const scope = scopeFor(c.req.method, c.req.path);
  const access = await checkAccess(services, c.req.raw.headers, levelFor(scope), scope);
  if (!access.granted) {
    const [code, message] = REFUSALS[access.reason];
    return errorJson(c, code, access.reason === 'missing-scope' && scope ? `${message}: it needs the scope ${scope}` : message);
  }
  c.set('user', access.user);
  if (access.key) {
    c.set('apiKey', access.key);
    const refused = await refuseOverLimit(c, services.cache.limits.apiKey, `api-key:${access.key.id}`);
    if (refused) return refused;
  }
  await next();
};
