import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { countSessions } from '../../server/users';
import { createTestClient, type TestClient } from '../testing/client';

let t: TestClient;
let owner: Awaited<ReturnType<TestClient['owner']>>;
beforeAll(async () => {
  t = await createTestClient('pglite');
  owner = await t.owner();
});
afterAll(() => t.close());
afterEach(() => {
  vi.useRealTimers();
});

async function createUser(role: 'admin' | 'viewer', email: string) {
  const res = await t.api('/admin/users', { method: 'POST', cookie: owner.cookie, json: { email, password: 'password-1', name: email, role } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; email: string; role: string; active: boolean };
}

describe('session cookie cache', () => {
  it('is 60 seconds', async () => {
    const { response } = await t.signIn(owner.email, owner.password);
    const sessionData = response.headers.getSetCookie().find((c) => c.startsWith('better-auth.session_data='));
    expect(sessionData).toMatch(/Max-Age=60(;|$)/);
    expect(sessionData).toMatch(/HttpOnly/);
  });

  it('after deactivation: sessions are gone, 403 at once, 401 once the cache window has passed', async () => {
    const user = await createUser('admin', 'leaving@example.com');
    const { cookie } = await t.signIn('leaving@example.com', 'password-1');
    expect((await t.api('/admin/me', { cookie })).status).toBe(200);
    expect(await countSessions({ db: t.services.db }, user.id)).toBe(1);

    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const res = await t.api(`/admin/users/${user.id}/deactivate`, { method: 'POST', cookie: owner.cookie });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: user.id, active: false });
    expect(await countSessions({ db: t.services.db }, user.id)).toBe(0);

    // Inside the window the signed snapshot still parses, but the guard reads the user fresh.
    const inside = await t.api('/admin/me', { cookie });
    expect(inside.status).toBe(403);
    vi.setSystemTime(Date.now() + 61_000);
    const after = await t.api('/admin/me', { cookie });
    expect(after.status).toBe(401);
  });

  it('a deactivated user cannot sign in; reactivated, they can', async () => {
    const user = await createUser('viewer', 'paused@example.com');
    await t.api(`/admin/users/${user.id}/deactivate`, { method: 'POST', cookie: owner.cookie });
    const denied = await t.auth('/sign-in/email', { json: { email: 'paused@example.com', password: 'password-1' } });
    expect(denied.status).toBe(403);
    expect(denied.headers.getSetCookie().join()).not.toContain('session_token=');
    await t.api(`/admin/users/${user.id}/activate`, { method: 'POST', cookie: owner.cookie });
    const allowed = await t.auth('/sign-in/email', { json: { email: 'paused@example.com', password: 'password-1' } });
    expect(allowed.status).toBe(200);
  });
});

describe('admin users API', () => {
  it('creates admins and viewers, never returning secrets', async () => {
    const res = await t.api('/admin/users', { method: 'POST', cookie: owner.cookie, json: { email: 'New@Example.com', password: 'password-1', name: 'New', role: 'admin' } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['active', 'createdAt', 'email', 'id', 'name', 'role']);
    expect(body).toMatchObject({ email: 'new@example.com', role: 'admin', active: true });
  });

  it('rejects a duplicate email (409), a bad body (400) and the owner role (400)', async () => {
    await createUser('viewer', 'dup@example.com');
    const dup = await t.api('/admin/users', { method: 'POST', cookie: owner.cookie, json: { email: 'DUP@example.com', password: 'password-1', name: 'x' } });
    expect(dup.status).toBe(409);
    const bad = await t.api('/admin/users', { method: 'POST', cookie: owner.cookie, json: { email: 'nope', password: 'short' } });
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as { error: { code: string; message: string } };
    expect(badBody.error.code).toBe('VALIDATION_FAILED');
    expect(badBody.error.message).toContain('email');
    const ownerRole = await t.api('/admin/users', { method: 'POST', cookie: owner.cookie, json: { email: 'o2@example.com', password: 'password-1', name: 'x', role: 'owner' } });
    expect(ownerRole.status).toBe(400);
  });

  it('lists with a cursor', async () => {
    const first = await t.api('/admin/users?limit=2', { cookie: owner.cookie });
    const page1 = (await first.json()) as { items: { id: string }[]; nextCursor: string | null };
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).toBe(page1.items[1]?.id);
    const second = await t.api(`/admin/users?limit=100&cursor=${page1.nextCursor}`, { cookie: owner.cookie });
    const page2 = (await second.json()) as { items: { id: string }[]; nextCursor: string | null };
    expect(page2.items.map((u) => u.id)).not.toContain(page1.items[0]?.id);
    expect(page2.nextCursor).toBeNull();
    expect((await t.api('/admin/users?limit=1000', { cookie: owner.cookie })).status).toBe(400);
  });

  it('refuses to deactivate the owner (oneself), and 404s an unknown id', async () => {
    expect((await t.api(`/admin/users/${owner.id}/deactivate`, { method: 'POST', cookie: owner.cookie })).status).toBe(403);
    expect((await t.api('/admin/users/00000000-0000-0000-0000-000000000000/deactivate', { method: 'POST', cookie: owner.cookie })).status).toBe(404);
  });

  it('is the owner\'s alone: an admin gets 403 on every user route', async () => {
    const admin = await createUser('admin', 'second@example.com');
    const { cookie } = await t.signIn('second@example.com', 'password-1');
    expect((await t.api('/admin/users', { cookie })).status).toBe(403);
    const created = await t.api('/admin/users', { method: 'POST', cookie, json: { email: 'third@example.com', password: 'password-1', name: 'x' } });
    expect(created.status).toBe(403);
    expect((await t.api(`/admin/users/${owner.id}/deactivate`, { method: 'POST', cookie })).status).toBe(403);
    expect((await t.api(`/admin/users/${admin.id}/activate`, { method: 'POST', cookie })).status).toBe(403);
    const body = (await (await t.api('/admin/users', { cookie })).json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'FORBIDDEN', message: 'Only the owner can do this' });
  });

  it('does not allow self-service sign-up', async () => {
    const res = await t.auth('/sign-up/email', { json: { email: 'walk-in@example.com', password: 'password-1', name: 'x' } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const me = await t.signIn('walk-in@example.com', 'password-1');
    expect(me.response.status).toBe(401);
  });
});
