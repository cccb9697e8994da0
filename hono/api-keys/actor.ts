import type { Context } from 'hono';
import type { ApiKeyActor } from '../../server/api-keys';
import type { AppEnv } from '../env';

/** The user the guard admitted and, for a key request, the key's scopes (they bound what it may grant). */
export function actorOf(c: Context<AppEnv>): ApiKeyActor {
  const key = c.get('apiKey');
  return { user: c.get('user'), ...(key ? { keyScopes: key.scopes } : {}) };
}
