import { describe, expect, it } from 'vitest';
import { effectivePermissions, grantableScopes, permissions, roleCeiling, scopeFor } from './scopes';
import { apiKeyCredential, hashApiKeySecret, mayBeApiKey, newApiKeySecret, shownPrefix } from './secret';

describe('scopeFor: one mapping from an admin request to its scope', () => {
  it.each([
    ['GET', '/api/v1/admin/images', 'images.read'],
    ['HEAD', '/api/v1/admin/uploads/abc', 'images.read'],
    ['OPTIONS', '/api/v1/admin/uploads', 'images.read'],
    ['PATCH', '/api/v1/admin/uploads/abc', 'images.write'],
    ['POST', '/api/v1/admin/images/check', 'images.write'],
    ['delete', '/api/v1/admin/tags/{id}', 'images.write'],
    ['POST', '/api/v1/admin/albums/{id}/shares', 'albums.write'],
    ['GET', '/api/v1/admin/jobs', 'jobs.read'],
    ['POST', '/api/v1/admin/workers/w1/drain', 'workers.write'],
    ['POST', '/api/v1/admin/users', 'users.write'],
    ['PUT', '/api/v1/admin/settings', 'settings.write'],
    ['GET', '/api/v1/admin', 'system.read'],
    ['GET', '/api/v1/admin/me', 'system.read'],
    ['GET', '/admin/system', 'system.read'],
    ['POST', '/api/v1/admin/api-keys', 'keys.write'],
    ['GET', '/api/v1/admin/api-keys', 'keys.read'],
  ])('%s %s → %s', (method, path, scope) => {
    expect(scopeFor(method, path)).toBe(scope);
  });

  it.each([
    ['GET', '/api/v1/albums'],
    ['GET', '/api/v1/administrator'],
    ['GET', '/api/v1/admin/unknown'],
    ['GET', '/api/v1/admin/constructor'],
    ['POST', '/api/v1/admin/me'],
  ])('%s %s needs a scope no key has (null: keys refused)', (method, path) => {
    expect(scopeFor(method, path)).toBeNull();
  });
});

describe('role ceilings and effective permissions', () => {
  it('the owner may have every scope, an admin all but users, a viewer reading all but users', () => {
    expect([...roleCeiling('owner')]).toEqual(permissions);
    expect([...roleCeiling('admin')].some((p) => p.startsWith('users.'))).toBe(false);
    expect(roleCeiling('admin').has('keys.write')).toBe(true);
    expect([...roleCeiling('viewer')].sort()).toEqual(['albums.read', 'images.read', 'jobs.read', 'keys.read', 'settings.read', 'system.read', 'workers.read']);
  });

  it('a key does its scopes within its creator’s current role; `all` is that whole role', () => {
    expect(effectivePermissions(['images.write', 'images.read'], 'viewer')).toEqual(new Set(['images.read']));
    expect(effectivePermissions(['users.read'], 'admin')).toEqual(new Set());
    expect(effectivePermissions(['all'], 'admin')).toEqual(roleCeiling('admin'));
    expect(effectivePermissions(['all', 'bogus'], 'owner')).toEqual(new Set(permissions));
  });

  it('a new key stays within the role and within the key that makes it', () => {
    expect(grantableScopes('viewer').size).toBe(0);
    expect(grantableScopes('admin').has('users.read')).toBe(false);
    expect(grantableScopes('admin').has('all')).toBe(true);
    expect(grantableScopes('owner', ['keys.write', 'images.read'])).toEqual(new Set(['keys.write', 'images.read']));
    expect(grantableScopes('owner', ['all']).has('users.write')).toBe(true);
    expect(grantableScopes('admin', ['all', 'users.write']).has('users.write')).toBe(false);
  });
});

describe('secrets', () => {
  it('are drk_ and 32 random bytes (base64url), hashed as SHA-256 hex, shown by a short prefix', () => {
    const secret = newApiKeySecret();
    expect(secret).toMatch(/^drk_[A-Za-z0-9_-]{43}$/);
    expect(newApiKeySecret()).not.toBe(secret);
    expect(hashApiKeySecret(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(shownPrefix(secret)).toBe(secret.slice(0, 12));
    expect(mayBeApiKey(secret)).toBe(true);
    expect(mayBeApiKey('x'.repeat(300))).toBe(false);
  });

  it('are read from x-api-key or Authorization: Bearer drk_…; an empty x-api-key is still an attempt', () => {
    expect(apiKeyCredential(new Headers({ 'x-api-key': ' drk_a ' }))).toBe('drk_a');
    expect(apiKeyCredential(new Headers({ authorization: 'Bearer drk_b' }))).toBe('drk_b');
    expect(apiKeyCredential(new Headers({ authorization: 'bearer  drk_c ' }))).toBe('drk_c');
    expect(apiKeyCredential(new Headers({ 'x-api-key': '' }))).toBe('');
    // A proxy's own token (oauth2-proxy and the like) is not a key: the session decides.
    expect(apiKeyCredential(new Headers({ authorization: 'Bearer eyJhbGciOi.x.y' }))).toBeNull();
    expect(apiKeyCredential(new Headers({ authorization: 'Bearer' }))).toBeNull();
    expect(apiKeyCredential(new Headers({ authorization: 'Basic dXNlcjpwYXNz' }))).toBeNull();
    expect(apiKeyCredential(new Headers({ cookie: 'a=b' }))).toBeNull();
  });
});
