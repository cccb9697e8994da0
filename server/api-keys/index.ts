import { and, desc, eq, sql } from 'drizzle-orm';
import { type ApiKeyScope, apiKeyScopes } from '../../drizzle/schema/enums';
import { type Database, schema } from '../db';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { paginate } from '../shapes';
import { userDto, type UserDto } from '../users';
import { type ApiKeyDto, type ApiKeyState, apiKeyDto, type CreateApiKeyInput, createApiKeyInput, type ListApiKeysInput, listApiKeysInput } from './schema';
import { canCreateKeys, effectivePermissions, grantableScopes, type Permission } from './scopes';
import { hashApiKeySecret, mayBeApiKey, newApiKeySecret, shownPrefix } from './secret';

/**
 * API keys: made by owners and admins, shown once, stored as a SHA-256 only, scoped
 * `resource.action`, and never able to do more than their creator's current role. Every
 * request reads its key from PostgreSQL, so revocation holds on every replica at once.
 */
export * from './schema';
export { canCreateKeys, effectivePermissions, grantableScopes, permissions, roleCeiling, scopeFor, type Permission } from './scopes';
export { API_KEY_PREFIX, apiKeyCredential } from './secret';

export interface ApiKeysContext {
  db: Database;
}

/** Who is asking: a signed-in user, or a key of theirs (whose scopes then bound what it may grant). */
export interface ApiKeyActor {
  user: Pick<UserDto, 'id' | 'role'>;
  keyScopes?: readonly string[];
}

/** last_used_at is written at most this often per key, never once per request. */
export const LAST_USED_RESOLUTION_SECONDS = 60;

const { apiKeys, users } = schema;
type KeyRow = typeof apiKeys.$inferSelect;
type Creator = Pick<typeof users.$inferSelect, 'id' | 'name' | 'email'>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

function stateOf(row: Pick<KeyRow, 'revokedAt' | 'expiresAt'>, now: Date): ApiKeyState {
  if (row.revokedAt) return 'revoked';
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

const toDto = (row: KeyRow, creator: Creator, now: Date): ApiKeyDto =>
  apiKeyDto.parse({
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.filter((s): s is ApiKeyScope => (apiKeyScopes as readonly string[]).includes(s)),
    state: stateOf(row, now),
    expiresAt: iso(row.expiresAt),
    lastUsedAt: iso(row.lastUsedAt),
    createdAt: row.createdAt.toISOString(),
    revokedAt: iso(row.revokedAt),
    createdBy: { id: creator.id, name: creator.name, email: creator.email },
  });

const creatorColumns = { id: users.id, name: users.name, email: users.email };

export async function createApiKey(ctx: ApiKeysContext & { now?: Date }, input: CreateApiKeyInput, actor: ApiKeyActor) {
  const data = createApiKeyInput.parse(input);
  const now = ctx.now ?? new Date();
  if (!canCreateKeys(actor.user.role)) throw new ForbiddenError('Only owners and admins can create API keys');
  const scopes = [...new Set(data.scopes)];
  const grantable = grantableScopes(actor.user.role, actor.keyScopes);
  const wider = scopes.filter((s) => !grantable.has(s));
  if (wider.length) {
    const who = actor.keyScopes ? 'the key making this request' : 'your role';
    throw new ForbiddenError(`A new key cannot have more access than ${who}: ${wider.join(', ')} not allowed`);
  }
  const expiresAt = data.expiresAt ? new Date(data.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= now.getTime()) throw new ValidationError('expiresAt: must be in the future');
  const secret = newApiKeySecret();
  const [row] = await ctx.db
    .insert(apiKeys)
    .values({ id: crypto.randomUUID(), userId: actor.user.id, name: data.name, prefix: shownPrefix(secret), secretHash: hashApiKeySecret(secret), scopes, expiresAt })
    .returning();
  if (!row) throw new Error('insert returned no row');
  const [creator] = await ctx.db.select(creatorColumns).from(users).where(eq(users.id, actor.user.id));
  if (!creator) throw new NotFoundError('User not found');
  return { key: toDto(row, creator, now), secret };
}

/** Newest first. The owner sees every key; anyone else only their own. */
export async function listApiKeys(ctx: ApiKeysContext, input: ListApiKeysInput, actor: ApiKeyActor) {
  const { cursor, limit } = listApiKeysInput.parse(input);
  const mine = actor.user.role === 'owner' ? undefined : eq(apiKeys.userId, actor.user.id);
  let before;
  if (cursor) {
    const [anchor] = await ctx.db.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.id, cursor), mine));
    if (!anchor) throw new ValidationError('Unknown cursor');
    // Compared in SQL: timestamps keep microseconds there, JS dates only milliseconds.
    before = sql`(${apiKeys.createdAt}, ${apiKeys.id}) < (select created_at, id from api_keys where id = ${cursor})`;
  }
  const rows = await ctx.db
    .select({ key: apiKeys, creator: creatorColumns })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(mine, before))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(limit + 1);
  const page = paginate(rows, limit, (row) => row.key.id);
  const now = new Date();
  return { items: page.items.map((row) => toDto(row.key, row.creator, now)), nextCursor: page.nextCursor };
}

/** Revoking twice keeps the first time. The owner may revoke any key, anyone else only their own (else 404). */
export async function revokeApiKey(ctx: ApiKeysContext, id: string, actor: ApiKeyActor): Promise<ApiKeyDto> {
  const mine = actor.user.role === 'owner' ? undefined : eq(apiKeys.userId, actor.user.id);
  const [row] = await ctx.db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(and(eq(apiKeys.id, id), mine))
    .returning();
  if (!row) throw new NotFoundError('API key not found');
  const [creator] = await ctx.db.select(creatorColumns).from(users).where(eq(users.id, row.userId));
  if (!creator) throw new NotFoundError('API key not found');
  return toDto(row, creator, new Date());
}

export type KeyRefusal = 'key-invalid' | 'key-revoked' | 'key-expired' | 'creator-deactivated';
export type KeyAuthentication =
  | { granted: true; user: UserDto; key: { id: string; scopes: string[]; permissions: ReadonlySet<Permission> } }
  | { granted: false; reason: KeyRefusal };

/**
 * The user and permissions of a presented secret: one unique-index lookup in PostgreSQL
 * (never a cache), with the creator's role and active flag as they are now. Times are
 * compared by the database, so every replica agrees on expiry and on the last-use write.
 */
export async function authenticateKey(ctx: ApiKeysContext, secret: string): Promise<KeyAuthentication> {
  if (!mayBeApiKey(secret)) return { granted: false, reason: 'key-invalid' };
  const [row] = await ctx.db
    .select({
      id: apiKeys.id,
      scopes: apiKeys.scopes,
      revoked: sql<boolean>`${apiKeys.revokedAt} is not null`,
      expired: sql<boolean>`coalesce(${apiKeys.expiresAt} <= now(), false)`,
      stale: sql<boolean>`coalesce(${apiKeys.lastUsedAt} < now() - make_interval(secs => ${LAST_USED_RESOLUTION_SECONDS}), true)`,
      user: users,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.secretHash, hashApiKeySecret(secret)));
  if (!row) return { granted: false, reason: 'key-invalid' };
  if (row.revoked) return { granted: false, reason: 'key-revoked' };
  if (row.expired) return { granted: false, reason: 'key-expired' };
  if (!row.user.active) return { granted: false, reason: 'creator-deactivated' };
  if (row.stale) await touchKey(ctx, row.id);
  const user = userDto.parse({ ...row.user, createdAt: row.user.createdAt.toISOString() });
  return { granted: true, user, key: { id: row.id, scopes: row.scopes, permissions: effectivePermissions(row.scopes, user.role) } };
}

/** The conditional update makes it one write per key per minute even when replicas race. */
async function touchKey(ctx: ApiKeysContext, id: string): Promise<void> {
  await ctx.db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeys.id, id), sql`(${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < now() - make_interval(secs => ${LAST_USED_RESOLUTION_SECONDS}))`));
}
