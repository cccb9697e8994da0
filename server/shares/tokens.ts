import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { API_BASE } from '../http/paths';

/*
 * The pure parts of a share link: its token, the hash the database keeps, its state, and
 * the access cookie a password unlock yields. No I/O here, so all of it is unit-tested.
 */

/** 32 random bytes, base64url (43 characters): shown once, never stored. */
export const newShareToken = () => randomBytes(32).toString('base64url');
/** What share_links.token_hash holds: the token's SHA-256, hex. */
export const hashShareToken = (token: string) => createHash('sha256').update(token).digest('hex');
/** The visitor page of a token. */
export const sharePath = (token: string) => `/s/${token}`;

export type ShareState = 'active' | 'expired' | 'revoked';
export function shareState(row: { revokedAt: Date | null; expiresAt: Date | null }, now: Date): ShareState {
  if (row.revokedAt) return 'revoked';
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

export const accessCookieName = (shareId: string) => `darkroom_share_${shareId.replace(/[^A-Za-z0-9_-]/g, '')}`;

/**
 * HMAC over the share id and its password hash: a new password (new salt, new hash) makes
 * every earlier cookie worthless, and a revoked link fails before the cookie is looked at.
 */
export const accessCookieValue = (secret: string, shareId: string, passwordHash: string) =>
  createHmac('sha256', secret).update(`${shareId}\n${passwordHash}`).digest('base64url');

export function accessCookieMatches(secret: string, share: { id: string; passwordHash: string | null }, value: string | undefined): boolean {
  if (!share.passwordHash) return true;
  if (!value) return false;
  const expected = Buffer.from(accessCookieValue(secret, share.id, share.passwordHash));
  const given = Buffer.from(value);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Seconds the access cookie lives: 30 days, or less when the link expires sooner. */
export function accessCookieMaxAge(expiresAt: Date | null, now: Date): number {
  const month = 30 * 24 * 3600;
  if (!expiresAt) return month;
  return Math.max(1, Math.min(month, Math.floor((expiresAt.getTime() - now.getTime()) / 1000)));
}

/** A variant URL of the share: the files route that checks the link on every request. */
export const shareFileUrl = (token: string, variantKey: string) => `${API_BASE}/shares/${token}/files/${variantKey}`;
/** Where a visitor of a link downloads an original (the route answers 404 unless the album allows it). */
export const shareOriginalUrl = (token: string, imageId: string) => `${API_BASE}/shares/${encodeURIComponent(token)}/images/${encodeURIComponent(imageId)}/original`;
