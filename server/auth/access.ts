import type { Auth } from '.';
import { apiKeyCredential, authenticateKey, type KeyRefusal, type Permission } from '../api-keys';
import type { Database } from '../db';
import { ForbiddenError, NotFoundError } from '../errors';
import { getUser, type UserDto } from '../users';

/**
 * Who may use the admin: the one rule behind the API guard, every admin page and every
 * data function that reads private data. The session only says who is asking; role and
 * active flag are read fresh, so a session snapshot inside its 60 s window grants nothing.
 * An API key instead of a session is held to the scope the caller names (see checkAccess).
 */
export type AccessLevel = 'admin' | 'owner';
export type Refusal = 'signed-out' | 'deactivated' | 'not-admin' | 'not-owner' | KeyRefusal | 'missing-scope';
/** `key` is set when an API key, not a session, was presented: its id and stored scopes. */
export type Access<U = UserDto> = { granted: true; user: U; key?: { id: string; scopes: string[] } } | { granted: false; reason: Refusal };

export interface AccessContext {
  auth: Auth;
  db: Database;
}

/** The rule on a user as the database has it now (null: no such user). */
export function accessFor<U extends Pick<UserDto, 'role' | 'active'>>(user: U | null, level: AccessLevel): Access<U> {
  if (!user) return { granted: false, reason: 'signed-out' };
  if (!user.active) return { granted: false, reason: 'deactivated' };
  if (level === 'owner' && user.role !== 'owner') return { granted: false, reason: 'not-owner' };
  if (user.role !== 'owner' && user.role !== 'admin') return { granted: false, reason: 'not-admin' };
  return { granted: true, user };
}

export const isActiveAdmin = (user: Pick<UserDto, 'role' | 'active'> | null) => accessFor(user, 'admin').granted;

/** The signed-in user's id from request headers (cookie), or null; a forged cookie is no session. */
async function sessionUserId(auth: Auth, headers: Headers): Promise<string | null> {
  const session = await auth.api.getSession({ headers }).catch(() => null);
  return session?.user.id ?? null;
}

/** The session level a request of this scope needs: user management is the owner's. */
export const levelFor = (scope: Permission | null): AccessLevel => (scope?.startsWith('users.') ? 'owner' : 'admin');

/**
 * Access of whoever sent these request headers. A session is held to `level`; an API key
 * (x-api-key or Bearer) to `scope`, within its creator's current role, and a request that
 * presents a key is judged by the key alone (null: no scope allows it, refused). Without a
 * `scope` (admin pages) keys are not taken and the session alone decides.
 */
export async function checkAccess(ctx: AccessContext, headers: Headers, level: AccessLevel, scope?: Permission | null): Promise<Access> {
  const secret = scope === undefined ? null : apiKeyCredential(headers);
  if (secret !== null) {
    const key = await authenticateKey(ctx, secret);
    if (!key.granted) return key;
    if (!scope || !key.key.permissions.has(scope)) return { granted: false, reason: 'missing-scope' };
    return { granted: true, user: key.user, key: { id: key.key.id, scopes: key.key.scopes } };
  }
  const userId = await sessionUserId(ctx.auth, headers);
  if (!userId) return { granted: false, reason: 'signed-out' };
  const user = await getUser({ db: ctx.db }, userId).catch((error: unknown) => {
    if (error instanceof NotFoundError) return null;
    throw error;
  });
  return accessFor(user, level);
}

export const DEACTIVATED_MESSAGE = 'This account is deactivated. Ask the owner to reactivate it.';

const REFUSAL_MESSAGE: Record<Refusal, string> = {
  'signed-out': 'Sign in to continue',
  deactivated: DEACTIVATED_MESSAGE,
  'not-admin': 'Admin access required',
  'not-owner': 'Only the owner can do this',
  'key-invalid': 'This API key is not valid',
  'key-revoked': 'This API key has been revoked',
  'key-expired': 'This API key has expired',
  'creator-deactivated': 'The account that created this API key is deactivated',
  'missing-scope': 'This API key does not allow this request',
};

/** Thrown by requireAccess; `reason` lets a caller tell "sign in" from "not allowed". */
export class AccessDeniedError extends ForbiddenError {
  constructor(readonly reason: Refusal) {
    super(REFUSAL_MESSAGE[reason]);
  }
}

/** For data functions: the caller's user, or AccessDeniedError. */
export async function requireAccess(ctx: AccessContext, headers: Headers, level: AccessLevel, scope?: Permission): Promise<UserDto> {
  const access = await checkAccess(ctx, headers, level, scope);
  if (!access.granted) throw new AccessDeniedError(access.reason);
  return access.user;
}
