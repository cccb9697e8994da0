import { createHash, randomBytes } from 'node:crypto';

/** Every secret starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = 'drk_';
/** Characters of the secret kept in lists to recognise a key: the marker and 8 of its 43 random ones. */
const SHOWN_LENGTH = API_KEY_PREFIX.length + 8;
/** Longer values are not keys; refused without a database lookup. */
const MAX_SECRET_LENGTH = 256;

/** 32 random bytes, base64url: shown once, never stored. */
export const newApiKeySecret = () => `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
/** What api_keys.secret_hash holds: the secret's SHA-256, hex. */
export const hashApiKeySecret = (secret: string) => createHash('sha256').update(secret).digest('hex');
export const shownPrefix = (secret: string) => secret.slice(0, SHOWN_LENGTH);
export const mayBeApiKey = (secret: string) => secret.length > API_KEY_PREFIX.length && secret.length <= MAX_SECRET_LENGTH;

/**
 * The key a request presents: `x-api-key`, else `Authorization: Bearer drk_…`. Null when it
 * presents none (then the session cookie decides). Any `x-api-key` value, even empty, is a
 * key attempt and refused as one, never a fall-back to the cookie; a Bearer token without
 * our prefix is not ours (a proxy in front may send its own) and is left alone.
 */
export function apiKeyCredential(headers: Headers): string | null {
  const header = headers.get('x-api-key');
  if (header !== null) return header.trim();
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.get('authorization')?.trim() ?? '');
  return bearer?.[1]?.startsWith(API_KEY_PREFIX) ? bearer[1] : null;
}
