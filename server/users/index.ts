import { hashPassword } from 'better-auth/crypto';
import { asc, count, eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../db';
import { schema } from '../db';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { paginate } from '../shapes';
import {
  createUserInput,
  listUsersInput,
  setupOwnerInput,
  userDto,
  type CreateUserInput,
  type ListUsersInput,
  type SetupOwnerInput,
  type UserDto,
} from './schema';

export * from './schema';

export interface UsersContext {
  db: Database;
}

const { users, accounts, sessions } = schema;
// Serialises owner setup across requests and replicas: only one "first user" can exist.
const SETUP_LOCK_KEY = 0x6f776e72;

const toDto = (row: typeof users.$inferSelect): UserDto => userDto.parse({ ...row, createdAt: row.createdAt.toISOString() });

/** All users, or only the active (or deactivated) ones. */
export async function countUsers(ctx: UsersContext, filter: { active?: boolean } = {}): Promise<number> {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(users)
    .where(filter.active === undefined ? undefined : eq(users.active, filter.active));
  return row?.n ?? 0;
}

/** The active flag as stored now; false for a user that no longer exists. */
export async function isUserActive(ctx: UsersContext, userId: string): Promise<boolean> {
  const [row] = await ctx.db.select({ active: users.active }).from(users).where(eq(users.id, userId));
  return row?.active ?? false;
}

async function insertUser(
  tx: Transaction,
  input: { email: string; name: string; password: string; role: UserDto['role'] },
): Promise<UserDto> {
  const id = crypto.randomUUID();
  const passwordHash = await hashPassword(input.password);
  const inserted = await tx
    .insert(users)
    .values({ id, email: input.email, name: input.name, role: input.role, emailVerified: true })
    .onConflictDoNothing({ target: users.email })
    .returning();
  const row = inserted[0];
  if (!row) throw new ConflictError(`A user with the email ${input.email} already exists`);
  await tx.insert(accounts).values({
    id: crypto.randomUUID(),
    accountId: id,
    providerId: 'credential',
    userId: id,
    password: passwordHash,
  });
  return toDto(row);
}

/** Creates the owner; refused once any user exists, whoever asks and however often. */
export async function setupOwner(ctx: UsersContext, input: SetupOwnerInput): Promise<UserDto> {
  const data = setupOwnerInput.parse(input);
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
    const [row] = await tx.select({ n: count() }).from(users);
    if ((row?.n ?? 0) > 0) throw new ConflictError('Setup is already complete: an owner account exists. Sign in instead.');
    return insertUser(tx, { ...data, role: 'owner' });
  });
}

/** Headless setup from ADMIN_EMAIL/ADMIN_PASSWORD; does nothing once any user exists. */
export async function ensureOwner(
  ctx: UsersContext,
  input: { email: string; password: string },
): Promise<UserDto | undefined> {
  try {
    return await setupOwner(ctx, { ...input, name: 'Owner' });
  } catch (error) {
    if (error instanceof ConflictError) return undefined;
    throw error;
  }
}

export async function createUser(ctx: UsersContext, input: CreateUserInput): Promise<UserDto> {
  const data = createUserInput.parse(input);
  return ctx.db.transaction((tx) => insertUser(tx, data));
}

export async function getUser(ctx: UsersContext, id: string): Promise<UserDto> {
  const [row] = await ctx.db.select().from(users).where(eq(users.id, id));
  if (!row) throw new NotFoundError('User not found');
  return toDto(row);
}

/** Ordered by (createdAt, id); the cursor is the last id of the previous page. */
export async function listUsers(
  ctx: UsersContext,
  input: ListUsersInput,
): Promise<{ items: UserDto[]; nextCursor: string | null }> {
  const { cursor, limit } = listUsersInput.parse(input);
  let after;
  if (cursor) {
    const [anchor] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.id, cursor));
    if (!anchor) throw new ValidationError('Unknown cursor');
    // Compared in SQL: timestamps keep microseconds there, JS dates only milliseconds.
    after = sql`(${users.createdAt}, ${users.id}) > (select created_at, id from users where id = ${cursor})`;
  }
  const rows = await ctx.db.select().from(users).where(after).orderBy(asc(users.createdAt), asc(users.id)).limit(limit + 1);
  const page = paginate(rows, limit, (row) => row.id);
  return { items: page.items.map(toDto), nextCursor: page.nextCursor };
}

/** Deactivation also deletes every session of the user, in the same transaction. */
export async function setUserActive(
  ctx: UsersContext,
  input: { id: string; active: boolean; actorId: string },
): Promise<UserDto> {
  return ctx.db.transaction(async (tx) => {
    const [target] = await tx.select().from(users).where(eq(users.id, input.id)).for('update');
    if (!target) throw new NotFoundError('User not found');
    if (!input.active) {
      if (target.id === input.actorId) throw new ForbiddenError('You cannot deactivate your own account');
      if (target.role === 'owner') throw new ForbiddenError('The owner account cannot be deactivated');
    }
    const [row] = await tx.update(users).set({ active: input.active }).where(eq(users.id, input.id)).returning();
    if (!input.active) await tx.delete(sessions).where(eq(sessions.userId, input.id));
    if (!row) throw new NotFoundError('User not found');
    return toDto(row);
  });
}

export async function countSessions(ctx: UsersContext, userId: string): Promise<number> {
  const [row] = await ctx.db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId));
  return row?.n ?? 0;
}
