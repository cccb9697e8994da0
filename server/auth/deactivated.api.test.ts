import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../db';
import { createTestServices, type TestServices } from '../testing/services';
import { countSessions, createUser, setUserActive, setupOwner } from '../users';
import { authRequest, signInCookie } from '../testing/auth';

let services: TestServices;
let ownerId: string;
beforeAll(async () => {
  services = await createTestServices('pglite');
  ownerId = (await setupOwner({ db: services.db }, { email: 'owner@example.com', password: 'owner-password', name: 'Owner' })).id;
}, 60_000); // sign-ins hash passwords: slow on a loaded machine
afterAll(() => services.close());

const nameOf = async (id: string) =>
  (await services.db.select({ name: schema.users.name }).from(schema.users).where(eq(schema.users.id, id)))[0]?.name;

/** A signed-in user who is then deactivated: their cookies still hold a valid 60 s session snapshot. */
async function deactivatedWithCookie(email: string) {
  const user = await createUser({ db: services.db }, { email, password: 'password-1', name: 'Before', role: 'admin' });
  const cookie = await signInCookie(services, email, 'password-1');
  expect(cookie).toContain('better-auth.session_token=');
  expect(cookie).toContain('better-auth.session_data=');
  await setUserActive({ db: services.db }, { id: user.id, active: false, actorId: ownerId });
  expect(await countSessions({ db: services.db }, user.id)).toBe(0);
  return { user, cookie };
}

describe('better-auth self-service for a deactivated user', () => {
  it('an active user may rename themselves (the request shape works)', async () => {
    const user = await createUser({ db: services.db }, { email: 'active@example.com', password: 'password-1', name: 'Before', role: 'viewer' });
    const cookie = await signInCookie(services, 'active@example.com', 'password-1');
    const res = await authRequest(services, '/update-user', { cookie, json: { name: 'After' } });
    expect(res.status).toBe(200);
    expect(await nameOf(user.id)).toBe('After');
  });

  it('update-user inside the cookie-cache window is refused with 403 and changes nothing', async () => {
    const { user, cookie } = await deactivatedWithCookie('renamer@example.com');
    const res = await authRequest(services, '/update-user', { cookie, json: { name: 'Renamed while deactivated' } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ message: expect.stringContaining('deactivated') });
    expect(await nameOf(user.id)).toBe('Before');
  });

  it.each([
    ['/update-session', {}],
    ['/change-password', { currentPassword: 'password-1', newPassword: 'password-2' }],
    ['/change-email', { newEmail: 'elsewhere@example.com' }],
    ['/revoke-other-sessions', {}],
    ['/delete-user', {}],
    ['/list-sessions', undefined],
    ['/list-accounts', undefined],
  ])('%s inside the window is refused with 403', async (path, json) => {
    const { cookie } = await deactivatedWithCookie(`svc${path.replaceAll('/', '-')}@example.com`);
    const res = await authRequest(services, path, json === undefined ? { cookie, method: 'GET' } : { cookie, json });
    expect(res.status).toBe(403);
  });

  it('get-session still answers from the snapshot inside the window, and sign-out still works', async () => {
    const { user, cookie } = await deactivatedWithCookie('leaving@example.com');
    const session = await authRequest(services, '/get-session', { cookie, method: 'GET' });
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ user: { id: user.id } });
    const out = await authRequest(services, '/sign-out', { cookie, json: {} });
    expect(out.status).toBe(200);
  });
});
