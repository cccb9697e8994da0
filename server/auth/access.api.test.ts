import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSystemOverview } from '../system';
import { createTestServices, type TestServices } from '../testing/services';
import { createUser, setUserActive, setupOwner } from '../users';
import { AccessDeniedError, checkAccess, requireAccess } from './access';
import { signInCookie } from '../testing/auth';

let services: TestServices;
let ownerId: string;
const cookies: Record<'owner' | 'admin' | 'viewer' | 'deactivated', string> = { owner: '', admin: '', viewer: '', deactivated: '' };
const withCookie = (cookie?: string) => new Headers(cookie ? { cookie } : {});

beforeAll(async () => {
  services = await createTestServices('pglite');
  ownerId = (await setupOwner({ db: services.db }, { email: 'owner@example.com', password: 'owner-password', name: 'Owner' })).id;
  cookies.owner = await signInCookie(services, 'owner@example.com', 'owner-password');
  for (const role of ['admin', 'viewer'] as const) {
    await createUser({ db: services.db }, { email: `${role}@example.com`, password: 'password-1', name: role, role });
    cookies[role] = await signInCookie(services, `${role}@example.com`, 'password-1');
  }
  // Deactivated after signing in: the session snapshot cookie is still inside its 60 s window.
  const leaving = await createUser({ db: services.db }, { email: 'leaving@example.com', password: 'password-1', name: 'Leaving', role: 'admin' });
  cookies.deactivated = await signInCookie(services, 'leaving@example.com', 'password-1');
  await setUserActive({ db: services.db }, { id: leaving.id, active: false, actorId: ownerId });
}, 60_000); // sign-ins hash passwords: slow on a loaded machine
afterAll(() => services.close());

const FORGED_SNAPSHOT = `better-auth.session_data=${Buffer.from(
  JSON.stringify({ session: { user: { id: 'x', role: 'owner', active: true } }, expiresAt: Date.now() + 60_000, signature: 'forged' }),
).toString('base64url')}`;

describe('checkAccess from request headers', () => {
  it.each([
    ['no cookie', undefined, 'admin', 'signed-out'],
    ['a forged session token', 'better-auth.session_token=forged.c2lnbmF0dXJl', 'admin', 'signed-out'],
    ['a forged session snapshot', FORGED_SNAPSHOT, 'admin', 'signed-out'],
  ] as const)('%s → %s', async (_label, cookie, level, reason) => {
    expect(await checkAccess(services, withCookie(cookie), level)).toEqual({ granted: false, reason });
  });

  it.each([
    ['owner', 'admin', null],
    ['owner', 'owner', null],
    ['admin', 'admin', null],
    ['admin', 'owner', 'not-owner'],
    ['viewer', 'admin', 'not-admin'],
    ['deactivated', 'admin', 'deactivated'],
    ['deactivated', 'owner', 'deactivated'],
  ] as const)('%s at level %s → %s', async (who, level, reason) => {
    const access = await checkAccess(services, withCookie(cookies[who]), level);
    if (reason === null) expect(access).toMatchObject({ granted: true, user: { email: `${who}@example.com` } });
    else expect(access).toEqual({ granted: false, reason });
  });

  it('requireAccess returns the user or throws AccessDeniedError with the reason', async () => {
    await expect(requireAccess(services, withCookie(cookies.admin), 'admin')).resolves.toMatchObject({ email: 'admin@example.com' });
    await expect(requireAccess(services, withCookie(cookies.viewer), 'admin')).rejects.toMatchObject({ reason: 'not-admin' });
    await expect(requireAccess(services, withCookie(), 'admin')).rejects.toBeInstanceOf(AccessDeniedError);
  });
});

describe('getSystemOverview checks access itself', () => {
  it('answers an admin', async () => {
    const overview = await getSystemOverview(services, withCookie(cookies.admin));
    expect(overview.users).toEqual({ total: 4, active: 3 });
  });

  it.each([
    ['signed out', undefined],
    ['a viewer', 'viewer'],
    ['a deactivated admin inside the cookie window', 'deactivated'],
  ] as const)('refuses %s', async (_label, who) => {
    await expect(getSystemOverview(services, withCookie(who && cookies[who]))).rejects.toBeInstanceOf(AccessDeniedError);
  });
});
