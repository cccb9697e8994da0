import { hashPassword, verifyPassword } from 'better-auth/crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { RateLimiter } from '../cache';
import { type Database, schema } from '../db';
import { NotFoundError, TooManyRequestsError, UnauthorizedError, ValidationError } from '../errors';
import { type CreateShareInput, createShareInput, type ShareDto } from './schema';
import { accessCookieMatches, accessCookieMaxAge, accessCookieName, accessCookieValue, hashShareToken, newShareToken, sharePath, shareState } from './tokens';

/** Share links: an album that is not public, opened by whoever holds the link (and its password). */
export * from './schema';
export { accessCookieName, shareFileUrl, shareOriginalUrl, sharePath, shareState, type ShareState } from './tokens';
export { findSharedImage, getSharedAlbum, getSharedImage, resolveSharedFile } from './album';

const { albums, shareLinks } = schema;
type ShareRow = typeof shareLinks.$inferSelect;
/** A link that is valid right now (resolveShare): what the visitor routes work with. */
export type ResolvedShare = Pick<ShareRow, 'id' | 'albumId' | 'label' | 'passwordHash' | 'expiresAt'>;

const toDto = (row: ShareRow, now: Date): ShareDto => ({
  id: row.id,
  albumId: row.albumId,
  label: row.label,
  hasPassword: row.passwordHash !== null,
  expiresAt: row.expiresAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
  openCount: row.openCount,
  lastOpenedAt: row.lastOpenedAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
  state: shareState(row, now),
});

async function assertAlbum(db: Database, albumId: string) {
  const [album] = await db.select({ id: albums.id }).from(albums).where(eq(albums.id, albumId));
  if (!album) throw new NotFoundError('Album not found');
}

export async function createShare(ctx: { db: Database; baseUrl: string; now?: Date }, albumId: string, input: CreateShareInput, createdBy: string | null) {
  const data = createShareInput.parse(input);
  const now = ctx.now ?? new Date();
  const expiresAt = data.expiresAt ? new Date(data.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= now.getTime()) throw new ValidationError('expiresAt: must be in the future');
  await assertAlbum(ctx.db, albumId);
  const token = newShareToken();
  const [row] = await ctx.db
    .insert(shareLinks)
    .values({
      id: crypto.randomUUID(),
      albumId,
      tokenHash: hashShareToken(token),
      label: data.label,
      passwordHash: data.password ? await hashPassword(data.password) : null,
      expiresAt,
      createdBy,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return { share: toDto(row, now), token, url: new URL(sharePath(token), ctx.baseUrl).toString() };
}

export async function listShares(ctx: { db: Database }, albumId: string): Promise<ShareDto[]> {
  await assertAlbum(ctx.db, albumId);
  const rows = await ctx.db.select().from(shareLinks).where(eq(shareLinks.albumId, albumId)).orderBy(desc(shareLinks.createdAt), desc(shareLinks.id));
  const now = new Date();
  return rows.map((row) => toDto(row, now));
}

/** Revoking twice keeps the first revocation time. */
export async function revokeShare(ctx: { db: Database }, albumId: string, shareId: string): Promise<ShareDto> {
  const where = and(eq(shareLinks.id, shareId), eq(shareLinks.albumId, albumId));
  const [row] = await ctx.db.update(shareLinks).set({ revokedAt: sql`coalesce(${shareLinks.revokedAt}, now())` }).where(where).returning();
  if (!row) throw new NotFoundError('Share link not found');
  return toDto(row, new Date());
}

/**
 * The link of a token while it is valid. Unknown, expired and revoked all throw the same
 * NotFoundError. Always read from PostgreSQL (one unique-index lookup), never a cache, so a
 * revocation holds on every replica at the next request.
 */
export async function resolveShare(ctx: { db: Database }, token: string): Promise<ResolvedShare> {
  const [row] = await ctx.db
    .select({ id: shareLinks.id, albumId: shareLinks.albumId, label: shareLinks.label, passwordHash: shareLinks.passwordHash, expiresAt: shareLinks.expiresAt })
    .from(shareLinks)
    .where(and(eq(shareLinks.tokenHash, hashShareToken(token)), sql`${shareLinks.revokedAt} is null`, sql`(${shareLinks.expiresAt} is null or ${shareLinks.expiresAt} > now())`));
  if (!row) throw new NotFoundError('Share link not found');
  return row;
}

/** For pages: the valid link of a token, or null when it is unknown, expired or revoked (a 404). */
export async function findShare(ctx: { db: Database }, token: string): Promise<ResolvedShare | null> {
  return resolveShare(ctx, token).catch((error: unknown) => {
    if (error instanceof NotFoundError) return null;
    throw error;
  });
}

export async function recordOpen(ctx: { db: Database }, shareId: string): Promise<void> {
  await ctx.db.update(shareLinks).set({ openCount: sql`${shareLinks.openCount} + 1`, lastOpenedAt: sql`now()` }).where(eq(shareLinks.id, shareId));
}

/** True when the link has no password, or the request carries its valid access cookie. */
export function verifyShareAccess(secret: string, share: ResolvedShare, cookies: (name: string) => string | undefined): boolean {
  return accessCookieMatches(secret, share, cookies(accessCookieName(share.id)));
}

export function assertShareAccess(secret: string, share: ResolvedShare, cookies: (name: string) => string | undefined): void {
  if (!verifyShareAccess(secret, share, cookies)) throw new UnauthorizedError('This link is protected by a password');
}

export interface UnlockContext {
  db: Database;
  secret: string;
  limits: { perLink: RateLimiter; perAddress: RateLimiter };
}

/**
 * A password guess. Every guess counts against the link and the client address before the
 * hash is checked, so parallel guesses cannot outrun the limit. Returns the access cookie.
 */
export async function unlockShare(ctx: UnlockContext, token: string, password: string, clientIp: string) {
  const share = await resolveShare(ctx, token);
  const cookie = (hash: string) => ({ name: accessCookieName(share.id), value: accessCookieValue(ctx.secret, share.id, hash), maxAge: accessCookieMaxAge(share.expiresAt, new Date()) });
  if (!share.passwordHash) return null;
  for (const [limiter, key] of [[ctx.limits.perAddress, ['share-unlock-ip', clientIp]], [ctx.limits.perLink, ['share-unlock-link', share.id]]] as const) {
    const result = await limiter.consume([...key]);
    if (!result.allowed) {
      const retry = result.retryAfterSeconds ?? 60;
      throw new TooManyRequestsError(`Too many password attempts; try again in ${Math.ceil(retry / 60)} minute${retry > 60 ? 's' : ''}`, retry);
    }
  }
  if (!(await verifyPassword({ hash: share.passwordHash, password }))) throw new UnauthorizedError('Wrong password');
  return cookie(share.passwordHash);
}
