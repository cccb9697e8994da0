import { describe, expect, it } from 'vitest';
import { accessCookieMatches, accessCookieMaxAge, accessCookieName, accessCookieValue, hashShareToken, newShareToken, shareState } from './tokens';

describe('share tokens', () => {
  it('are 32 random bytes in base64url, and the stored hash is their SHA-256 in hex', () => {
    const token = newShareToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(newShareToken()).not.toBe(token);
    expect(hashShareToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('shareState', () => {
  const now = new Date('2030-01-01T12:00:00Z');
  it('revoked wins over expired; an expiry at or before now is expired', () => {
    expect(shareState({ revokedAt: null, expiresAt: null }, now)).toBe('active');
    expect(shareState({ revokedAt: null, expiresAt: new Date('2030-01-01T12:00:01Z') }, now)).toBe('active');
    expect(shareState({ revokedAt: null, expiresAt: now }, now)).toBe('expired');
    expect(shareState({ revokedAt: now, expiresAt: new Date('2029-01-01T00:00:00Z') }, now)).toBe('revoked');
  });
});

describe('the access cookie', () => {
  const share = { id: 'share-1', passwordHash: 'salt:hash' };
  const value = accessCookieValue('secret', share.id, share.passwordHash);

  it('matches only for the same secret, link and password hash', () => {
    expect(accessCookieMatches('secret', share, value)).toBe(true);
    expect(accessCookieMatches('other secret', share, value)).toBe(false);
    expect(accessCookieMatches('secret', { ...share, passwordHash: 'salt2:hash2' }, value)).toBe(false);
    expect(accessCookieMatches('secret', { ...share, id: 'share-2' }, value)).toBe(false);
    expect(accessCookieMatches('secret', share, undefined)).toBe(false);
    expect(accessCookieMatches('secret', share, `${value}x`)).toBe(false);
  });

  it('is not needed for a link without a password', () => {
    expect(accessCookieMatches('secret', { id: 'x', passwordHash: null }, undefined)).toBe(true);
  });

  it('is named after the link, with nothing a cookie name cannot hold', () => {
    expect(accessCookieName('0b6c-41;=x')).toBe('darkroom_share_0b6c-41x');
  });

  it('lives 30 days, or until the link expires', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    expect(accessCookieMaxAge(null, now)).toBe(30 * 24 * 3600);
    expect(accessCookieMaxAge(new Date('2030-01-01T01:00:00Z'), now)).toBe(3600);
    expect(accessCookieMaxAge(new Date('2031-01-01T00:00:00Z'), now)).toBe(30 * 24 * 3600);
  });
});
