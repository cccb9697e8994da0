import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../db';
import { ConflictError } from '../errors';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { countSessions, countUsers, createUser, isUserActive, listUsers, setUserActive, setupOwner } from '.';

describe.each(['postgres', 'pglite'] as const)('users on %s', (kind) => {
  let database: TestDatabase;
  const ctx = () => ({ db: database.handle.db });
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.drop());

  it('applies the migrations again without change', async () => {
    await database.handle.migrate();
    expect(await countUsers(ctx())).toBe(0);
  });

  it('lets exactly one of many concurrent setups create the owner', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => setupOwner(ctx(), { email: `owner${i}@example.com`, password: 'password-1', name: `O${i}` })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    expect(await countUsers(ctx())).toBe(1);
  });

  it('stores a password hash, never the password', async () => {
    const user = await createUser(ctx(), { email: 'hash@example.com', password: 'plain-password', name: 'H' });
    const [account] = await database.handle.db.select().from(schema.accounts).where(eq(schema.accounts.userId, user.id));
    expect(account?.password).toBeTruthy();
    expect(account?.password).not.toContain('plain-password');
  });

  it('deactivation deletes every session of the user in the same step', async () => {
    const owner = (await listUsers(ctx(), { limit: 100 })).items.find((u) => u.role === 'owner');
    const user = await createUser(ctx(), { email: 'sessions@example.com', password: 'password-1', name: 'S', role: 'admin' });
    const now = new Date();
    const later = new Date(now.getTime() + 86_400_000);
    await database.handle.db.insert(schema.sessions).values(
      [1, 2, 3].map((i) => ({ id: `s${i}-${kind}`, token: `t${i}-${kind}`, userId: user.id, expiresAt: later })),
    );
    expect(await countSessions(ctx(), user.id)).toBe(3);
    const updated = await setUserActive(ctx(), { id: user.id, active: false, actorId: owner?.id ?? '' });
    expect(updated.active).toBe(false);
    expect(await countSessions(ctx(), user.id)).toBe(0);
  });

  it('counts users, and active users apart; a deactivated or unknown user is not active', async () => {
    const owner = (await listUsers(ctx(), { limit: 100 })).items.find((u) => u.role === 'owner');
    const user = await createUser(ctx(), { email: 'counted@example.com', password: 'password-1', name: 'C' });
    const before = { total: await countUsers(ctx()), active: await countUsers(ctx(), { active: true }) };
    expect(await isUserActive(ctx(), user.id)).toBe(true);
    await setUserActive(ctx(), { id: user.id, active: false, actorId: owner?.id ?? '' });
    expect(await countUsers(ctx())).toBe(before.total);
    expect(await countUsers(ctx(), { active: true })).toBe(before.active - 1);
    expect(await countUsers(ctx(), { active: false })).toBe(before.total - before.active + 1);
    expect(await isUserActive(ctx(), user.id)).toBe(false);
    expect(await isUserActive(ctx(), 'no-such-user')).toBe(false);
  });

  it('pages through users with a stable cursor', async () => {
    for (let i = 0; i < 4; i++) await createUser(ctx(), { email: `page${i}@example.com`, password: 'password-1', name: `P${i}` });
    const all = (await listUsers(ctx(), { limit: 100 })).items.map((u) => u.id);
    const walked: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listUsers(ctx(), { limit: 2, cursor });
      walked.push(...page.items.map((u) => u.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(walked).toEqual(all);
  });
});
